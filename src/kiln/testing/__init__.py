"""kiln's pytest plugin: a migrated PostgreSQL per test session and a rolled-back transaction per test."""
