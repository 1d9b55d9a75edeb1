"""Add the messages the service sends users (the welcome message, from a background job).

Revision ID: bd27c49055f7
Revises: 5b1e0c9a7f42
Create Date: 2026-11-28 10:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision = "bd27c49055f7"
down_revision = "5b1e0c9a7f42"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "sent_date", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_messages_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index(op.f("ix_messages_sent_date"), "messages", ["sent_date"])
    op.create_index(op.f("ix_messages_user_id"), "messages", ["user_id"])


def downgrade() -> None:
    op.drop_table("messages")
