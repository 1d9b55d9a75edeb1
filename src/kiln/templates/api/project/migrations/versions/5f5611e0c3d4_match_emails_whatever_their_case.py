"""Match emails whatever their case: one account for Ada@Example.com and ada@example.com.

Revision ID: 5f5611e0c3d4
Revises: 8c2091ba0269
Create Date: 2026-11-29 23:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision = "5f5611e0c3d4"
down_revision = "8c2091ba0269"
branch_labels = None
depends_on = None

SHARED_EMAILS = """
    SELECT lower(email), string_agg(id::text, ', ' ORDER BY id)
    FROM users GROUP BY lower(email) HAVING count(*) > 1 ORDER BY 1
"""


def upgrade() -> None:
    # Accounts whose emails differ only in case cannot be merged by a machine: say which they are.
    if not op.get_context().as_sql:
        shared = op.get_bind().execute(sa.text(SHARED_EMAILS)).all()
        if shared:
            listed = "; ".join(f"{email} (users {ids})" for email, ids in shared)
            raise RuntimeError(
                "Emails must be unique whatever their case, but some are shared by several "
                f"users: {listed}. Nothing was changed or merged: give each of those "
                "users an email of their own (or delete the extra accounts), then upgrade again."
            )
    op.drop_constraint(op.f("uq_users_email"), "users", type_="unique")
    op.create_index(
        "uq_users_lower_email", "users", [sa.literal_column("lower(email)")], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_users_lower_email", table_name="users")
    op.create_unique_constraint(op.f("uq_users_email"), "users", ["email"])
