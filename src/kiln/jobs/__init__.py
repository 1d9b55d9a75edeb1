"""Background jobs on the project's own PostgreSQL, through its procrastinate ``App``.

kiln runs the project's worker (``kiln worker``, beside ``kiln serve``), lists, retries and
cancels jobs (``kiln jobs``), and gives tests the ``jobs`` fixture. Everything that touches
procrastinate runs in the project's Python (a child process, or pytest), never in kiln's own.
"""
