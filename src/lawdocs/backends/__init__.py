"""Storage engines behind the Index: the backend protocols and the Milvus pair (an optional extra)."""
