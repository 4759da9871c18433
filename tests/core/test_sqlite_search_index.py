"""The search box reads an index on SQLite too (migration 0022_sqlite_search), and the
index follows every write to the leads, whichever code makes it.

Without it a search read every lead (250 to 280 ms at 100,000 leads). The index is an
FTS5 trigram table kept in step by triggers; a batch migration that rebuilds ``leads``
would drop them, and the search would then miss every new or changed lead:
``test_table_triggers`` fails at head if any is missing. These tests hold on both
databases (PostgreSQL's trigram indexes need no triggers), so the two searches find
the same leads.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update

from core.extensions import db
from leads.models import Lead
from staff.leads.search import search_condition
from tests.factories import make_lead


def found(typed: str) -> set[int]:
    return set(db.session.scalars(select(Lead.id).where(search_condition(typed))))


def dialect() -> str:
    return db.engine.dialect.name


def test_a_search_finds_what_was_written_and_not_what_was_changed_or_deleted(db_app):
    maria = make_lead(
        db_app, name="Ana María López", email="ana.lopez@example.com", phone="+34600111222"
    )
    other = make_lead(db_app, name="Sam Brown", email="sam@example.org", phone="+442079460958")
    with db_app.test_request_context():
        assert found("maría") == {maria}
        assert found("MARÍA LÓ") == {maria}, "any case, across a space"
        assert found("LOPEZ@EXAMPLE") == {maria}
        assert found("7946 0958") == {other}, "a phone by its digits"
        db.session.execute(update(Lead).where(Lead.id == maria).values(name="Ana Pérez"))
        db.session.execute(
            update(Lead).where(Lead.id == other).values(phone="+14155550199", email="s@b.example")
        )
        db.session.commit()
        assert found("maría") == set()
        assert found("pérez") == {maria}
        assert found("ana.lopez") == {maria}, "the email was left as it was"
        assert found("7946 0958") == set()
        assert found("5550199") == {other}
        assert found("sam@example") == set()
        db.session.execute(delete(Lead).where(Lead.id == maria))
        db.session.commit()
        assert found("pérez") == set()
        assert found("s@b.exam") == {other}


@pytest.mark.parametrize(
    "typed", ['"Sam', 'Sam" OR "Ana', "name : Sam", "Sa*", "NEAR(Sam Ana)", "{name} Sam", "a_b%"]
)
def test_what_is_typed_is_looked_for_as_it_is(db_app, typed):
    """Quotes, OR, column names, stars: FTS5's query syntax never reaches the index as such."""
    make_lead(db_app, name="Sam Brown", email="sam@example.org")
    make_lead(db_app, name="Ana María López", email="ana@example.com")
    literal = make_lead(db_app, name=f"Someone {typed} here", email="x@example.net")
    with db_app.test_request_context():
        assert found(typed) == {literal}


def test_two_letters_are_still_found_without_the_index(db_app):
    """A trigram index cannot find fewer than three characters; they are matched as before."""
    lee = make_lead(db_app, name="Jo Lee", email="jo@lee.test")
    make_lead(db_app, name="Sam Brown", email="sam@brown.test")
    with db_app.test_request_context():
        assert found("le") == {lee}
        assert found("O L") == {lee}


def test_on_sqlite_a_search_reads_the_index_not_every_lead(db_app):
    with db_app.test_request_context():
        if dialect() != "sqlite":
            pytest.skip("test_search_plan checks PostgreSQL's")
        statement = select(Lead.id).where(search_condition("maria@example"))
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " | ".join(
            row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
    assert "VIRTUAL TABLE INDEX" in plan and "SCAN leads" not in plan.replace("leads_search", ""), (
        plan
    )
