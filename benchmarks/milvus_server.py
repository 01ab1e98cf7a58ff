"""Start the Milvus server the scale benchmark's server row was measured on, and keep it running.

PyPI's `milvus` package (2.3.5) ships a standalone Milvus server that installs offline. Install it in a venv of
its own (it pins its own dependencies), then point `benchmarks.scale --milvus-uri` at it:

    python3 -m venv /tmp/mv && /tmp/mv/bin/pip install milvus==2.3.5
    /tmp/mv/bin/python benchmarks/milvus_server.py --base /tmp/mvdata --port 19541 &
    python -m benchmarks.scale --n 1000000 --queries 200 --engines milvus \
        --milvus-uri http://127.0.0.1:19541 --like-index DIR --name scale_milvus_server

The settings below are what a bulk load wants: segments of up to 1 GB sealed at 90% and no automatic compaction, so each
segment's HNSW is built once. With Milvus' defaults (512 MB segments sealed at 23%, compaction on) a million
rows became many small segments that were indexed, then merged and indexed again; on a 2-core machine that
second round had not finished after two hours. The scale benchmark records these values from the server's
configuration file.
"""

from __future__ import annotations

import argparse
import time

SETTINGS = {
    "dataCoord.enableCompaction": "false",
    "dataCoord.compaction.enableAutoCompaction": "false",
    "dataCoord.segment.maxSize": "1024",
    "dataCoord.segment.sealProportion": "0.9",
    "common.session.ttl": "120",  # a slow machine must not lose a component's etcd session under load
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="/tmp/mvdata", help="the server's configuration, data and logs")
    parser.add_argument("--port", type=int, default=19541)
    args = parser.parse_args()
    from milvus import default_server  # PyPI `milvus`, in its own venv

    default_server.set_base_dir(args.base)
    default_server.listen_port = args.port
    for key, value in SETTINGS.items():
        default_server.config.set(key, value)
    default_server.start()
    print(f"Milvus server on 127.0.0.1:{args.port}, data in {args.base}", flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
