"""The search box is served by indexes on PostgreSQL (migration 0019_search_indexes).

A part of a name, an address or a phone number ("%maria%") cannot be found through a
b-tree; without the trigram indexes every search read every lead (230 ms at 100,000
leads). Here PostgreSQL's plan for the search's conditions, with sequential scans
priced out, reads the three trigram indexes and the lead number's and reference's
b-trees: an index can serve every branch of the OR. (With a handful of rows the
planner rightly prefers reading the table; bench/console_scale.py prints the plan at
100,000 leads.)
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from core.extensions import db
from leads.models import Lead
from staff.leads.search import search_condition


@pytest.mark.parametrize(
    "typed", ["maria@example", "Maria Example", "020 7946 0958", "7KQ2-M9XD", "#12"]
)
def test_every_branch_of_a_search_is_served_by_an_index_on_postgresql(app_factory, typed):
    app = app_factory()
    if db_dialect(app) != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's")
    with app.test_request_context():
        statement = select(Lead.id).where(search_condition(typed))
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        with db.engine.connect() as connection:
            connection.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {compiled}")))
    assert "Seq Scan" not in plan, plan
    if "-" not in typed:
        assert "ix_leads_name_trigram" in plan and "ix_leads_email_trigram" in plan, plan
    if sum(c.isdigit() for c in typed) >= 3 and not typed.startswith("7KQ2"):
        assert "ix_leads_phone" in plan, plan


def db_dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name
