"""central ingest: device nonces, command retry bookkeeping, decisions needing an officer

Revision ID: 0002_central
Revises: 0001
Create Date: 2026-11-22 20:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_central"
down_revision: str | None = "0002_gateway"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "device_nonces",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("device_id", "nonce", name=op.f("pk_device_nonces")),
    )
    with op.batch_alter_table("device_nonces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_nonces_sent_at"), ["sent_at"], unique=False)
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attention", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("attention_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_decisions_attention"), ["attention"], unique=False)
    with op.batch_alter_table("lane_commands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ack_detail", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_lane_commands_state_expires", ["state", "expires_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lane_commands", schema=None) as batch_op:
        batch_op.drop_index("ix_lane_commands_state_expires")
        batch_op.drop_column("ack_detail")
        batch_op.drop_column("last_sent_at")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_attention"))
        batch_op.drop_column("attention_at")
        batch_op.drop_column("attention")
    with op.batch_alter_table("device_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_nonces_sent_at"))
    op.drop_table("device_nonces")
