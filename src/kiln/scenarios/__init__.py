"""Scenarios: named data sets in ``scenarios/NAME.py``, to try the app or test a query on exactly
the rows that matter.

``catalog`` finds and loads them, ``databases`` gives one its own database (``kiln scenario up``)
and ``loading`` is the task that loads one inside the app for that; the pytest plugin loads them
into a test's transaction (``@pytest.mark.scenario("NAME")``).
"""
