"""`kiln init`: an existing Flask + SQLAlchemy project, read without running it, described in
``[tool.kiln]``."""
