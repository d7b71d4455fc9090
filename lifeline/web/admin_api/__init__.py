"""The JSON admin API under /api/admin (OpenAPI at /api/admin/docs); see docs/organization.md."""
