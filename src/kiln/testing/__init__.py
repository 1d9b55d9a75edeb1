"""kiln's pytest plugin: a migrated PostgreSQL per session, a rolled-back transaction per test."""
