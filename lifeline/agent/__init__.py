"""Layer: agent — see docs/architecture.md."""
