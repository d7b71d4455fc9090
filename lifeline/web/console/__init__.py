"""The Technician Console page (/console); its data comes from /api/console (docs/technician-console.md)."""
