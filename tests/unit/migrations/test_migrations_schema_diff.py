"""Alembic's differences between the models and the migrated database, in plain words."""

from __future__ import annotations

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.schema import DefaultClause

from kiln.database.model_diff import describe

metadata = MetaData()
USERS = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(128), nullable=False),
    Column("bio", String(200), nullable=False),
    Column("team_id", Integer),
    UniqueConstraint("email", name="uq_users_email"),
    Index("ix_users_team_id", "team_id"),
    ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_users_team_id_teams"),
)
TEAMS = Table("teams", metadata, Column("id", Integer, primary_key=True), schema="sales")


@pytest.mark.parametrize(
    ("diff", "words"),
    [
        (("add_table", TEAMS), "table sales.teams: in the models, no migration creates it"),
        (("remove_table", USERS), "table users: made by the migrations, no model has it"),
        (
            ("add_column", None, "users", USERS.c.bio),
            "column users.bio (VARCHAR(200), NOT NULL): in the models, no migration adds it",
        ),
        (
            ("remove_column", "sales", "teams", TEAMS.c.id),
            "column sales.teams.id: made by the migrations, no model has it",
        ),
        (
            ("add_index", next(iter(USERS.indexes))),
            "index ix_users_team_id on users (team_id): in the models, no migration creates it",
        ),
        (
            ("remove_constraint", next(c for c in USERS.constraints if c.name == "uq_users_email")),
            "unique constraint uq_users_email on users (email): made by the migrations, no model "
            "has it",
        ),
        (
            ("add_fk", next(iter(USERS.foreign_key_constraints))),
            "foreign key fk_users_team_id_teams on users (team_id): in the models, no migration "
            "creates it",
        ),
        (("add_table_comment", USERS), "add table comment: users"),
    ],
)
def test_each_kind_of_difference(diff: tuple, words: str) -> None:
    assert describe(diff) == [words]


def test_the_changes_to_one_column_come_as_a_list() -> None:
    changes = [
        ("modify_type", None, "users", "email", {}, String(100), String(128)),
        ("modify_nullable", None, "users", "email", {}, True, False),
        ("modify_default", None, "users", "active", {}, None, DefaultClause(text("true"))),
        ("modify_default", None, "users", "active", {}, DefaultClause("x"), None),
    ]

    assert describe(changes) == [
        "column users.email: type VARCHAR(100) after the migrations, type VARCHAR(128) in the "
        "models",
        "column users.email: nullable after the migrations, NOT NULL in the models",
        "column users.active: server default none after the migrations, server default true in "
        "the models",
        "column users.active: server default x after the migrations, server default none in the "
        "models",
    ]


def test_an_unnamed_constraint_says_so() -> None:
    unique = UniqueConstraint("flag")
    Table("flags", MetaData(), Column("flag", Boolean), unique)

    assert describe(("add_constraint", unique)) == [
        "unique constraint (unnamed) on flags (flag): in the models, no migration creates it"
    ]
