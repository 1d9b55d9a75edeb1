"""The root of kiln's tests.

Its presence makes pytest (in its default ``prepend`` import mode, as for every conftest.py in a
folder without ``__init__.py``) put tests/ on ``sys.path``, so every test module can import the
helpers kept beside it: ``from kiln_cli import run_kiln``.
"""
