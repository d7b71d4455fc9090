"""Layer: store — see docs/architecture.md."""
