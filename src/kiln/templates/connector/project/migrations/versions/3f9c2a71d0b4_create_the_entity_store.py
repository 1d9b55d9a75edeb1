"""Create the entity store and the receiver's chain

Revision ID: 3f9c2a71d0b4
Revises:
Create Date: 2026-11-30 02:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Revision identifiers, used by Alembic.
revision = "3f9c2a71d0b4"
down_revision = None
branch_labels = None
depends_on = None


class TransactionId(sa.types.UserDefinedType[int]):
    """PostgreSQL's xid8, which SQLAlchemy does not name (the model's type, as it was here)."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "xid8"


def upgrade() -> None:
    # The feed's order within one writing transaction (store.py).
    op.execute("CREATE SEQUENCE entity_changes")
    op.create_table(
        "entities",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("sync_sequence", sa.Text(), nullable=True),
        sa.Column(
            "xid",
            TransactionId(),
            server_default=sa.text("pg_current_xact_id()"),
            nullable=False,
        ),
        sa.Column(
            "seq",
            sa.BigInteger(),
            server_default=sa.text("nextval('entity_changes')"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
    )
    op.create_index("ix_entities_change", "entities", ["xid", "seq"], unique=False)
    op.create_table(
        "receiver_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence_id", sa.String(length=200), nullable=True),
        sa.Column("last_request_id", sa.String(length=200), nullable=True),
        sa.Column("is_full", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receiver_state")),
    )


def downgrade() -> None:
    op.drop_table("receiver_state")
    op.drop_index("ix_entities_change", table_name="entities")
    op.drop_table("entities")
    op.execute("DROP SEQUENCE entity_changes")
