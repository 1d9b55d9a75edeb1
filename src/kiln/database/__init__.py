"""One environment's database: made ready (created, migrated), its migrations (Alembic through
Flask-Migrate), rebuilt from nothing, checked against the models, and seeded."""
