"""unittest style, in a tests.py that pytest does not collect by itself."""

import unittest

from shop import Item, create_app, db


class ItemTests(unittest.TestCase):
    def setUp(self):
        self.app = create_app("shop.settings.TestingConfig")
        self.context = self.app.app_context()
        self.context.push()
        db.create_all()

    def tearDown(self):
        db.session.rollback()
        db.session.query(Item).delete()
        db.session.commit()
        self.context.pop()

    def test_items_are_listed(self):
        db.session.add(Item(name="kettle"))
        db.session.commit()
        self.assertEqual(self.app.test_client().get("/items").get_json(), ["kettle"])

    def test_runs_on_postgresql(self):
        self.assertEqual(db.engine.dialect.name, "postgresql")
