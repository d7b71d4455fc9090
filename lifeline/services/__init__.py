"""Layer: services — see docs/architecture.md."""
