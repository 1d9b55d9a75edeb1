"""config/<env>.json as a list of {"name": ..., "value": ...} objects."""

from __future__ import annotations

SEED = """[
  {"name": "FLASK_CONFIG", "value": "development"},
  {"name": "PORT", "value": 5000},
  {"name": "FLASK_DEBUG", "value": true}
]
"""


def test_the_seed_format_is_read_as_is(shop):
    shop.write("config/development.json", SEED)

    config = shop.load()

    assert config.get("FLASK_CONFIG") == "development"
    assert config.get("PORT") == "5000"
    assert config.get("FLASK_DEBUG") == "true"
    assert config.settings["FLASK_CONFIG"].source == "config/development.json"
    assert config.problems == ()


def test_every_bad_item_is_reported_with_its_number_and_name(shop):
    shop.write(
        "config/production.json",
        """[
          {"name": "OK", "value": "fine"},
          "PORT=8000",
          {"value": "x"},
          {"name": "SECRET_KEY"},
          {"name": "HOSTS", "value": ["a"]},
          {"name": 7, "value": "x"},
          {"name": "TIMEOUT", "vlaue": "5", "value": "5"}
        ]""",
    )

    problems = shop.problems("production", {"DATABASE_URL": "postgresql://db/shop"})

    assert problems[:6] == [
        "config/production.json item 2: must be an object, found a string\n"
        '  fix: write items as [{"name": "PORT", "value": "8000"}, ...]',
        'config/production.json item 3: "name" is missing\n  fix: add "name": "SOME_SETTING"',
        'config/production.json item 4 (SECRET_KEY): "value" is missing\n  fix: add "value": "..."',
        "config/production.json item 5 (HOSTS): wrong type: an array is not supported as a value\n"
        '  fix: write a string, e.g. "value": "..."',
        'config/production.json item 6: "name" must be a string, found a number\n'
        '  fix: e.g. "name": "PORT"',
        'config/production.json item 7 (TIMEOUT): unknown key "vlaue"\n'
        '  fix: an item has only "name" and "value"',
    ]


def test_a_list_is_required(shop):
    shop.write("config/development.json", '{"PORT": "8000"}')

    assert shop.problems() == [
        "config/development.json: must be a list of name/value objects, found an object\n"
        '  fix: write it as [{"name": "PORT", "value": "8000"}, ...]'
    ]


def test_invalid_json_points_at_line_and_column(shop):
    shop.write("config/development.json", '[\n  {"name": "PORT" "value": "1"}\n]')

    assert shop.problems() == [
        "config/development.json:2:19: invalid JSON: Expecting ',' delimiter\n"
        "  fix: correct the syntax there"
    ]
