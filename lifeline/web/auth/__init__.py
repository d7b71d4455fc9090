"""Sign-in pages and the /api/auth endpoints (docs/security.md)."""
