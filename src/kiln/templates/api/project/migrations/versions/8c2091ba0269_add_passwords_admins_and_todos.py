"""Add passwords, admins and todos.

Revision ID: 8c2091ba0269
Revises: d51a5c6439dc
Create Date: 2026-11-21 04:33:00.740119
"""

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision = "8c2091ba0269"
down_revision = "d51a5c6439dc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing users get no password (they cannot log in until one is set) and are not admins.
    op.add_column("users", sa.Column("password_hash", sa.String(length=256), nullable=True))
    op.add_column(
        "users",
        sa.Column("is_admin", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.create_table(
        "todos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("done", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_date",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_todos_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todos")),
    )
    op.create_index(op.f("ix_todos_owner_id"), "todos", ["owner_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_todos_owner_id"), table_name="todos")
    op.drop_table("todos")
    op.drop_column("users", "is_admin")
    op.drop_column("users", "password_hash")
