"""staging yard: queue entries per gate and direction, ratio cursors, driver SMS log

Revision ID: 0004_yard
Revises: 0003_console
Create Date: 2026-12-02 03:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_yard"
down_revision: str | None = "0003_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "yard_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column("trip_id", sa.String(length=32), nullable=True),
        sa.Column("carrier_id", sa.String(length=32), nullable=True),
        sa.Column("priority", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("lane_id", sa.String(length=64), nullable=False),
        sa.Column("checked_in_at", ts, nullable=False),
        sa.Column("called_at", ts, nullable=True),
        sa.Column("call_deadline", ts, nullable=True),
        sa.Column("arrived_at", ts, nullable=True),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("eta_at", ts, nullable=True),
        sa.Column("updated_at", ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yard_entries")),
        sa.UniqueConstraint("event_id", name=op.f("uq_yard_entries_event_id")),
    )
    op.create_index("ix_yard_entries_queue", "yard_entries",
                    ["gate_id", "direction", "state", "seq"])
    op.create_index(op.f("ix_yard_entries_trip_id"), "yard_entries", ["trip_id"])
    op.create_table(
        "yard_cursors",
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", ts, nullable=False),
        sa.PrimaryKeyConstraint("gate_id", "direction", name=op.f("pk_yard_cursors")),
    )
    op.create_table(
        "yard_notifications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("to", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", ts, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("sent_at", ts, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yard_notifications")),
    )
    op.create_index("ix_yard_notifications_state_next", "yard_notifications",
                    ["state", "next_attempt_at"])
    op.create_index(op.f("ix_yard_notifications_entry_id"), "yard_notifications", ["entry_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_yard_notifications_entry_id"), table_name="yard_notifications")
    op.drop_index("ix_yard_notifications_state_next", table_name="yard_notifications")
    op.drop_table("yard_notifications")
    op.drop_table("yard_cursors")
    op.drop_index(op.f("ix_yard_entries_trip_id"), table_name="yard_entries")
    op.drop_index("ix_yard_entries_queue", table_name="yard_entries")
    op.drop_table("yard_entries")
