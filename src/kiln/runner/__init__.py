"""The project's code, run in a child process with the project's settings and database.

kiln never imports a user's app into its own process: ``flask``, ``gunicorn``, ``pytest`` and
kiln's own tasks (``tasks``) run as children, whose signals and exit codes kiln passes on.
"""
