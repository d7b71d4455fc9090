"""Layer: protocol — see docs/architecture.md."""
