"""`--help` as a reader expects it: `lawdocs parse [OPTIONS] FILES...`, flags without a `<bool>` type, and help
texts shown as written.

typer (0.29) writes a required argument as `{files}` in the usage line, gives every flag the type `<bool>`
(as if it took a value), and reads help texts as rich markup, so `{"query", "gold": [labels]}` loses its
`[labels]`. The group class below tidies each command it holds when typer builds it: nothing else changes.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


def usage_piece(param: Any) -> str:
    """FILES... for a required argument taking several values, [QUERY] for an optional one."""
    name = (param.metavar or param.name or "").upper()
    piece = name if param.required else f"[{name}]"
    return piece + ("..." if param.nargs != 1 else "")


def no_type(option: Any) -> Any:
    if option is not None:
        option.metavar = ""  # --help is a flag: no type shown
    return option


class TidyCommand(TyperCommand):
    def get_help_option(self, ctx: Any) -> Any:
        return no_type(super().get_help_option(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(usage_piece(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


def tidy(command: Any) -> None:
    if type(command) is TyperCommand:
        command.__class__ = TidyCommand
    if command.help:
        command.help = escape(command.help)
    for param in command.params:
        if isinstance(param, TyperOption) and param.is_flag and not param.count:
            param.metavar = ""  # a flag takes no value: no type shown
        help_text = getattr(param, "help", None)
        if help_text:
            param.help = escape(help_text)


class TidyGroup(TyperGroup):
    """The `lawdocs` group: every command tidied as above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in self.commands.values():
            tidy(command)

    def get_help_option(self, ctx: Any) -> Any:
        return no_type(super().get_help_option(ctx))
