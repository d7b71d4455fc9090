"""The Administration Center page: a thin browser client of the JSON admin API (docs/admin-center.md)."""
