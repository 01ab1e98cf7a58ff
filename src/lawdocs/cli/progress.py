"""What long commands tell the user while they work: rich bars on a terminal, plain lines in a log.

A :class:`Reporter` follows named steps (files read, clauses embedded, the model build, training stages) fed by
the command (`advance`, `update`) and by the library's progress events (`lawdocs.embedding.progress`, which it
listens to while it is open). On a terminal it draws one bar per step. When stderr is not a terminal (a CI log,
`| tee`, a notebook) it prints a line when a step starts and ends and a status line every few seconds, e.g.

    [indexing] 40/127 files, 2,310 clauses embedded, 55 clauses/s, 0:42 elapsed

`LAWDOCS_PROGRESS` chooses the mode (auto, tty, log, off; auto is tty on a terminal, else log) and
`LAWDOCS_PROGRESS_INTERVAL` the seconds between status lines in log mode (default 5).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from rich.console import Console

from ..embedding.progress import EMBED_STEP, MODEL_STEP, Event, listening

Mode = Literal["tty", "log", "off"]
MODE_ENV = "LAWDOCS_PROGRESS"
INTERVAL_ENV = "LAWDOCS_PROGRESS_INTERVAL"
DEFAULT_INTERVAL = 5.0

# how the library's steps are named for a reader
STEP_LABELS = {EMBED_STEP: "embedding", MODEL_STEP: "model"}
UNITS = {EMBED_STEP: "clauses embedded"}


def choose_mode(console: Console, *, quiet: bool = False) -> Mode:
    """The mode $LAWDOCS_PROGRESS asks for; by default bars on a terminal, lines elsewhere, nothing if `quiet`
    (--json) unless the variable asks for a mode."""
    wanted = os.environ.get(MODE_ENV, "auto").strip().lower()
    if wanted in ("tty", "log", "off"):
        return wanted  # type: ignore[return-value]
    if quiet:
        return "off"
    return "tty" if console.is_terminal else "log"


def interval_setting() -> float:
    try:
        return max(0.05, float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL)))
    except ValueError:
        return DEFAULT_INTERVAL


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class Step:
    name: str
    label: str
    unit: str = ""
    done: int = 0
    total: int | None = None
    message: str = ""
    started: float = 0.0
    finished: bool = False

    def counts(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.total is None:
            return f"{self.done:,}{unit}"
        return f"{self.done:,}/{self.total:,}{unit}"


class Reporter:
    """One command's progress. Use as a context manager; `advance`/`update` steps; library events follow."""

    def __init__(
        self, console: Console, *, mode: Mode = "log", interval: float = DEFAULT_INTERVAL, title: str = ""
    ) -> None:
        self.console, self.mode, self.interval, self.title = console, mode, interval, title
        self.steps: dict[str, Step] = {}
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._stack = ExitStack()

    # -- feeding ----------------------------------------------------------------------------------
    def step(self, name: str, *, label: str | None = None, total: int | None = None, unit: str = "") -> Step:
        with self.lock:
            found = self.steps.get(name)
            if found is None:
                found = self.steps[name] = Step(
                    name, label or STEP_LABELS.get(name, name), unit or UNITS.get(name, ""), total=total,
                    started=time.monotonic(),
                )
                announce = True
            else:
                if total is not None:
                    found.total = total
                announce = False
        if announce:
            self._line(f"[{found.label}] started" + (f": {found.message}" if found.message else ""), new=found)
        return found

    def advance(self, name: str, n: int = 1) -> None:
        step = self.step(name)
        with self.lock:
            step.done += n
        self._draw(step)

    def update(self, name: str, done: int, total: int | None = None, message: str | None = None) -> None:
        step = self.step(name, total=total)
        with self.lock:
            step.done = done
            changed = message is not None and message != step.message
            if message is not None:
                step.message = message
        if changed and self.mode == "log":
            self._line(f"[{step.label}] {step.message} ({step.counts()})")
        self._draw(step)
        if step.total is not None and done >= step.total and step.name != MODEL_STEP:
            self.finish(name)

    def finish(self, name: str, message: str | None = None) -> None:
        step = self.steps.get(name)
        if step is None or step.finished:
            return
        with self.lock:
            step.finished = True
            if message:
                step.message = message
        took = clock(time.monotonic() - step.started)
        self._line(f"[{step.label}] done: {step.counts()}" + (f", {step.message}" if step.message else "") + f" in {took}")
        self._draw(step)

    def finish_all(self) -> None:
        for name in list(self.steps):
            self.finish(name)

    def on_event(self, event: Event) -> None:
        """A library progress event (see lawdocs.embedding.progress)."""
        if event.done is not None:
            self.update(event.step, event.done, event.total, event.message or None)
        elif event.advance:
            self.advance(event.step, event.advance)
        if event.finished:
            self.finish(event.step)

    # -- showing ----------------------------------------------------------------------------------
    def status(self) -> str:
        """One line for the log: the main step's counts, the counters, the rate of clauses, time elapsed."""
        with self.lock:
            steps = [s for s in self.steps.values() if not s.finished or s.name != MODEL_STEP]
            model = self.steps.get(MODEL_STEP)
            elapsed = time.monotonic() - self.started
            label = self.title or (steps[0].label if steps else "working")
            parts = []
            if model is not None and not model.finished:
                parts.append(f"{model.message or 'building the model'} ({model.counts()})")
            for s in steps:
                if s.name == MODEL_STEP:
                    continue
                parts.append(s.counts() if s.unit else f"{s.label} {s.counts()}")
                if s.name == EMBED_STEP and s.done:
                    rate = s.done / max(time.monotonic() - s.started, 1e-6)
                    parts.append(f"{rate:,.0f} clauses/s")
        parts.append(f"{clock(elapsed)} elapsed")
        return f"[{label}] " + ", ".join(parts)

    def _line(self, text: str, new: Step | None = None) -> None:
        if self.mode == "log":
            self.console.print(text, markup=False, highlight=False, soft_wrap=True)
        elif self.mode == "tty" and new is not None and self._bar is not None:
            with self.lock:
                if new.name not in self._tasks:
                    self._tasks[new.name] = self._bar.add_task(self._describe(new), total=new.total)

    def _describe(self, step: Step) -> str:
        text = step.message or step.label
        return f"{text} · {step.unit}" if step.unit and step.total is None else text

    def _draw(self, step: Step) -> None:
        if self.mode != "tty" or self._bar is None:
            return
        task = self._tasks.get(step.name)
        if task is None:
            task = self._tasks[step.name] = self._bar.add_task(self._describe(step), total=step.total)
        self._bar.update(task, completed=step.done, total=step.total, description=self._describe(step))

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self.console.print(self.status(), markup=False, highlight=False, soft_wrap=True)

    def __enter__(self) -> Reporter:
        self._stack.enter_context(listening(self.on_event))
        if self.mode == "tty":
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = self._stack.enter_context(
                Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=self.console,
                )
            )
        elif self.mode == "log":
            self._ticker = threading.Thread(target=self._tick, name="lawdocs-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        self._stack.close()


@contextmanager
def reporting(console: Console, *, quiet: bool = False, title: str = "") -> Iterator[Reporter]:
    """A Reporter in the mode the environment asks for (see `choose_mode`)."""
    mode = choose_mode(console, quiet=quiet)
    if mode == "tty" and not console.is_terminal:  # asked for bars where stderr is no terminal
        console = Console(file=console.file, force_terminal=True, width=console.width)
    with Reporter(console, mode=mode, interval=interval_setting(), title=title) as reporter:
        yield reporter
