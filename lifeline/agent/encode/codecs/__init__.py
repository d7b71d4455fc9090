"""One codec per module, each with ``encode(region, ...) -> bytes`` (see choose.py)."""
