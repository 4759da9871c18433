"""The dashboard's figures per person stop where the list's counts stop, and say so.

Each person's calls (overdue, due later today) and open leads (new, contacted) are
counted no further than ``COUNT_LIMIT + 1`` (here patched to 3): past it the page says
"3+" as the list's views do, a total over a stopped figure says "N+" (more than N), a
figure at the limit itself is still exact, and the queries sent do not grow with the
leads stored. Each person's calls are a range of one index on both databases.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import text

import staff.leads.service
from core.clinic_time import clinic_now, end_of_day
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from staff.dashboard.people import counts_per_person
from tests.factories import make_lead, make_staff, staff_client
from tests.queries import queries_of

LIMIT = 3
HOUR = timedelta(hours=1)


@pytest.fixture
def limited(monkeypatch):
    monkeypatch.setattr(staff.leads.service, "COUNT_LIMIT", LIMIT)


def later_today(app):
    """A moment between now and the end of the clinic's day."""
    with app.app_context():
        now = utcnow()
        return now + (end_of_day(clinic_now().date()) - now) / 2


def store(app, count: int, *, assigned=None, status="booked", follow_up=None) -> None:
    for _ in range(count):
        make_lead(app, direct=True, assigned_to_id=assigned, status=status, follow_up_at=follow_up)


@pytest.fixture
def clinic(app_factory, limited):
    """Ana: 5 calls overdue, 2 due later, 4 new leads and 1 contacted; Ben: 2 overdue, 4 due
    later, 3 contacted (the limit exactly); nobody: 1 overdue, 2 new. The calls' leads are
    booked, so they are not open leads too."""
    app = app_factory()
    ana = make_staff(app, "ana@clinic.test", role="staff", name="Ana")
    ben = make_staff(app, "ben@clinic.test", role="staff", name="Ben")
    overdue, later = utcnow() - timedelta(hours=2), later_today(app)
    store(app, 5, assigned=ana, follow_up=overdue)
    store(app, 2, assigned=ana, follow_up=later)
    store(app, 4, assigned=ana, status="new")
    store(app, 1, assigned=ana, status="contacted")
    store(app, 2, assigned=ben, follow_up=overdue)
    store(app, 4, assigned=ben, follow_up=later)
    store(app, 3, assigned=ben, status="contacted")
    store(app, 1, follow_up=overdue)
    store(app, 2, status="new")
    client = staff_client(app, "admin@clinic.test", role="admin", name="Ada Admin")
    return app, client, ana, ben


def cells(page: str, section_start: str, section_end: str, who: str) -> list[str]:
    part = page[page.index(section_start) : page.index(section_end)]
    row = re.search(rf'<th scope="row">{who}</th>(.*?)</tr>', part, re.S)
    assert row, who
    found = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in found]


def test_capped_figures_per_person_say_so_and_totals_say_more_than(clinic):
    _app, client, ana, _ben = clinic
    page = client.get("/staff/dashboard").get_data(as_text=True)

    def today(who):
        return cells(page, 'id="today-people"', 'id="waiting-title"', who)

    # Appointments, calls overdue, calls due later today.
    assert today("Ana") == ["0", "3+", "2"]
    assert today("Ben") == ["0", "2", "3+"]
    assert today("Unassigned") == ["0", "1", "0"]
    # Totals: a stopped figure counts as the limit, and the total says "more than".
    assert re.search(r'id="today-overdue">6\+</span>', page)  # 8 in fact
    assert re.search(r'id="today-due-later">5\+</span>', page)  # 6 in fact
    assert re.search(r'id="overdue-count"><span class="count-number">3\+</span>', page)
    # A stopped figure still opens the list of those leads.
    assert f'href="/staff/leads?assigned={ana}&amp;follow_up=overdue">3+</a>' in page

    def open_leads(who):
        return cells(page, 'id="assignees-title"', 'id="pipeline-title"', who)

    assert open_leads("Ana") == ["3+", "1"]
    assert open_leads("Ben") == ["0", "3"]  # at the limit: exact
    assert open_leads("Unassigned") == ["2", "0"]
    assert "Ada Admin" not in page[page.index('id="today-people"') :]  # no work, no row


def test_below_the_limit_the_totals_are_exact(app_factory, limited):
    app = app_factory()
    ana = make_staff(app, "ana@clinic.test", role="staff", name="Ana")
    store(app, 3, assigned=ana, follow_up=utcnow() - timedelta(hours=1))
    store(app, 2, follow_up=utcnow() - timedelta(hours=1))
    page = staff_client(app, "admin@clinic.test", role="admin").get("/staff/dashboard").text
    assert re.search(r'id="today-overdue">5</span>', page)  # each under the limit: a sum
    assert cells(page, 'id="today-people"', 'id="waiting-title"', "Ana") == ["0", "3", "0"]


def test_spanish_says_the_capped_figures_its_way(clinic):
    _app, client, _ana, _ben = clinic
    page = client.get("/staff/dashboard", headers={"Accept-Language": "es"}).text
    assert cells(page, 'id="today-people"', 'id="waiting-title"', "Ana") == ["0", "3+", "2"]
    assert cells(page, 'id="today-people"', 'id="waiting-title"', "Sin asignar")[1] == "1"
    assert re.search(r'id="today-overdue">6\+</span>', page)


def test_the_queries_do_not_grow_with_the_leads_past_the_limit(app_factory, limited):
    """With every figure under the limit, then every one past it: the same statements."""
    app = app_factory()
    people = [make_staff(app, f"p{n}@clinic.test", role="staff", name=f"P{n}") for n in (1, 2)]
    client = staff_client(app, "admin@clinic.test", role="admin")

    def grow(count):
        for who in (*people, None):
            store(app, count, assigned=who, follow_up=utcnow() - timedelta(hours=1))
            store(app, count, assigned=who, follow_up=later_today(app))
            store(app, count, assigned=who, status="new")
            store(app, count, assigned=who, status="contacted")

    grow(1)
    few = queries_of(app, client, "/staff/dashboard").statements
    grow(2 * LIMIT)
    many = queries_of(app, client, "/staff/dashboard").statements
    assert len(many) == len(few), (len(few), len(many))
    page = client.get("/staff/dashboard").text
    assert cells(page, 'id="today-people"', 'id="waiting-title"', "P1") == ["0", "3+", "3+"]


def test_a_persons_calls_are_a_range_of_one_index_on_sqlite(app_factory, limited):
    """The overdue calls of one person, or of nobody: SQLite reads the partial index on
    (assignee, follow-up time) from one end of the range to the other. (PostgreSQL, with
    a few dozen rows, rightly prefers the smaller assignee index and filters;
    bench/console_scale.py prints its plan at scale.)"""
    app = app_factory()
    ana = make_staff(app, "ana@clinic.test", role="staff", name="Ana")
    for hours in range(-30, 30):  # a follow-up every hour for a day either side of now
        store(app, 1, assigned=ana if hours % 2 else None, follow_up=utcnow() + hours * HOUR)
    with app.test_request_context():
        counts = counts_per_person([ana, None], [Lead.follow_up_at < utcnow()])
        assert counts == {ana: (LIMIT + 1,), None: (LIMIT + 1,)}
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's choice depends on the table's size")
        db.session.execute(text("ANALYZE"))  # the statistics the app gathers at start
        for who in (ana, None):
            assigned = Lead.assigned_to_id.is_(None) if who is None else Lead.assigned_to_id == who
            statement = staff.leads.service.bounded_count_select(
                [Lead.merged_into_id.is_(None), assigned, Lead.follow_up_at < utcnow()]
            )
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            plan = "\n".join(str(row[-1]) for row in rows)
            assert "INDEX ix_leads_open_assignee_follow_up (assigned_to_id" in plan, plan
            assert "SCAN leads" not in plan, plan
