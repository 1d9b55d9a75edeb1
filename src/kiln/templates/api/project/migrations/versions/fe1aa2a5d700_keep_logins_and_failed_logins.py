"""Keep logins (token families, to rotate and revoke tokens) and failed logins (to throttle them).

Revision ID: fe1aa2a5d700
Revises: 5f5611e0c3d4
Create Date: 2026-11-29 23:41:00.000000
"""

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision = "fe1aa2a5d700"
down_revision = "5f5611e0c3d4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tokens issued before this revision name no family: their users log in again.
    op.create_table(
        "token_families",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("refreshes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_token_families_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_token_families")),
    )
    op.create_index(op.f("ix_token_families_user_id"), "token_families", ["user_id"], unique=False)
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(length=256), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "window_started",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_failures")),
    )
    op.create_index(
        op.f("ix_login_failures_window_started"),
        "login_failures",
        ["window_started"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failures_window_started"), table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index(op.f("ix_token_families_user_id"), table_name="token_families")
    op.drop_table("token_families")
