"""Layer: bus — see docs/architecture.md."""
