"""Layer: api — see docs/architecture.md."""
