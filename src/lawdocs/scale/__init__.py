"""Work spread over more than one process or machine.

- `ray_ingest`: load, parse and embed on a Ray cluster (`lawdocs index --ray`), for `Index.add_documents`.
"""
