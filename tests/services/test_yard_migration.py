"""The migration chain has one head; 0004_yard goes down and up again on both engines."""

from __future__ import annotations

from collections.abc import Callable

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from services.db.session import alembic_config, downgrade, migrate

YARD_TABLES = {"yard_entries", "yard_cursors", "yard_notifications"}


def test_yard_tables_down_and_up(db_url: str, engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for(db_url)
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    assert len(heads) == 1  # a linear chain
    assert set(inspect(engine).get_table_names()) >= YARD_TABLES
    downgrade(engine, "0003_console")
    assert not YARD_TABLES & set(inspect(engine).get_table_names())
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= YARD_TABLES
