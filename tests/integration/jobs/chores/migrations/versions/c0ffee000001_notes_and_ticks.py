"""Notes and ticks.

Revision ID: c0ffee000001
Revises: 5b1e0c9a7f42
"""

import sqlalchemy as sa
from alembic import op

revision = "c0ffee000001"
down_revision = "5b1e0c9a7f42"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(), nullable=False),
    )
    op.create_table("ticks", sa.Column("timestamp", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("ticks")
    op.drop_table("notes")
