"""Alembic migrations: the chain is linear, every step goes down and up again, on both engines.

Why: a release that cannot be rolled back is a release that cannot be shipped
to a border gate at night. Each downgrade must really undo its upgrade (the
schema after down+up equals the schema before), data in surviving tables must
survive the round trip, and head must match the models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select

from services.db.models import Base, Carrier
from services.db.session import alembic_config, downgrade, make_session_factory, migrate


def schema(engine: Engine) -> dict[str, Any]:
    """Tables with their columns (name, type, nullable), indexes, unique and foreign keys."""
    insp = inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        if table == "alembic_version":
            continue
        out[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"])
                        for c in insp.get_columns(table)],
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in insp.get_indexes(table)),
            "uniques": sorted(tuple(u["column_names"])
                              for u in insp.get_unique_constraints(table)),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"])
                          for f in insp.get_foreign_keys(table)),
        }
    return out


def revisions(engine: Engine) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(engine))
    chain = [rev.revision for rev in script.walk_revisions("base", "heads")]
    assert len(script.get_heads()) == 1, "the migration chain must stay linear"
    return list(reversed(chain))  # oldest first


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_every_step_goes_down_and_up_again(db_url: str, engine_for) -> None:
    engine = engine_for(db_url)
    chain = revisions(engine)
    assert current(engine) == chain[-1]
    at_head = schema(engine)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], f"models and migrations disagree: {diffs}"

    snapshots = {chain[-1]: at_head}
    for below in reversed([None, *chain[:-1]]):  # step down to base, one revision at a time
        downgrade(engine, below or "base")
        assert current(engine) == below
        snapshots[below or "base"] = schema(engine)
    assert snapshots["base"] == {}, "base must leave no table behind"
    for rev in chain:  # and up again, each step restoring exactly the schema seen going down
        migrate(engine, rev)
        assert schema(engine) == snapshots[rev], f"upgrade to {rev} differs from before"
    assert schema(engine) == at_head


def test_data_survives_a_rollback_and_reupgrade(db_url: str, engine_for) -> None:
    engine = engine_for(db_url)
    chain = revisions(engine)
    sessions = make_session_factory(engine)
    with sessions() as s, s.begin():
        s.add(Carrier(name="Vận tải Hữu Nghị", country="VN", created_at=datetime.now(UTC)))
    downgrade(engine, chain[0])  # back to the first release
    migrate(engine)
    with sessions() as s:
        assert s.scalars(select(Carrier.name)).all() == ["Vận tải Hữu Nghị"]
