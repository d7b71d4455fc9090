"""Layer: domain — see docs/architecture.md."""
