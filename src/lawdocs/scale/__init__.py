"""Scaling out: ingesting with Ray Data (an optional extra; nothing here imports Ray until it is used)."""
