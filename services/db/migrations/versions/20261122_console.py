"""officers' console: gate hours extensions managed by supervisors

Revision ID: 0003_console
Revises: 0002_central
Create Date: 2026-11-22 20:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_console"
down_revision: str | None = "0002_central"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gate_hours_extensions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_hours_extensions")),
    )
    op.create_index("ix_gate_hours_extensions_gate_ends", "gate_hours_extensions",
                    ["gate_id", "ends_at"])


def downgrade() -> None:
    op.drop_index("ix_gate_hours_extensions_gate_ends", table_name="gate_hours_extensions")
    op.drop_table("gate_hours_extensions")
