"""offline clearance: signed pre-clearance lists per lane, decisions lanes took offline

Revision ID: 0005_offline
Revises: 0004_yard
Create Date: 2026-12-02 03:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_offline"
down_revision: str | None = "0004_yard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "preclearance_lists",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("lane_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preclearance_lists")),
        sa.UniqueConstraint("lane_id", "version", name=op.f("uq_preclearance_lists_lane_id")),
    )
    op.create_index(op.f("ix_preclearance_lists_lane_id"), "preclearance_lists", ["lane_id"])
    op.create_table(
        "local_decisions",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("lane_id", sa.String(length=64), nullable=False),
        sa.Column("read_event_id", sa.String(length=64), nullable=False),
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("trip_id", sa.String(length=32), nullable=True),
        sa.Column("list_id", sa.String(length=64), nullable=True),
        sa.Column("list_version", sa.Integer(), nullable=True),
        sa.Column("executed", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"],
                                name=op.f("fk_local_decisions_decision_id_decisions")),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_local_decisions")),
        sa.UniqueConstraint("read_event_id", name=op.f("uq_local_decisions_read_event_id")),
    )
    op.create_index(op.f("ix_local_decisions_lane_id"), "local_decisions", ["lane_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_local_decisions_lane_id"), table_name="local_decisions")
    op.drop_table("local_decisions")
    op.drop_index(op.f("ix_preclearance_lists_lane_id"), table_name="preclearance_lists")
    op.drop_table("preclearance_lists")
