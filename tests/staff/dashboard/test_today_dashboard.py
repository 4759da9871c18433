"""Today on the dashboard: appointments of the clinic's day and the calls overdue and due
later today, per person, at the edges of the clinic's day, in a bounded number of queries.

The clinic is in New York (UTC-5 in December): "now" is 23:30 there on 6 December,
04:30 UTC on the 7th, so a UTC date would be the wrong day at every edge below.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead
from staff.dashboard.today import today_figures
from tests.factories import make_lead, make_staff, staff_client
from tests.statements import recorded_statements

ZONE = "America/New_York"
NOW = datetime(2026, 12, 7, 4, 30, tzinfo=UTC)  # 23:30 on 6 December in New York


def lead(app, *, assigned=None, follow_up=None, merged_into=None) -> int:
    lead_id = make_lead(app, direct=True)
    with app.app_context():
        db.session.execute(
            update(Lead)
            .where(Lead.id == lead_id)
            .values(assigned_to_id=assigned, follow_up_at=follow_up, merged_into_id=merged_into)
        )
        db.session.commit()
    return lead_id


def appointment(app, lead_id: int, starts_at: datetime, cancelled: bool = False) -> None:
    with app.app_context():
        db.session.add(
            Appointment(
                lead_id=lead_id,
                starts_at=starts_at,
                kind="consultation",
                cancelled_at=utcnow() if cancelled else None,
            )
        )
        db.session.commit()


@pytest.fixture
def clinic(app_factory):
    app = app_factory(CLINIC_TIME_ZONE=ZONE)
    ana = make_staff(app, "ana@clinic.test", role="staff", name="Ana")
    ben = make_staff(app, "ben@clinic.test", role="staff", name="Ben")
    # Ana: overdue since the morning, overdue by a minute, due at 23:40 tonight; one at
    # 00:01 tomorrow (not today) and one on a merged duplicate (not counted).
    lead(app, assigned=ana, follow_up=datetime(2026, 12, 6, 14, 0, tzinfo=UTC))
    lead(app, assigned=ana, follow_up=NOW - timedelta(minutes=1))
    tonight = lead(app, assigned=ana, follow_up=datetime(2026, 12, 7, 4, 40, tzinfo=UTC))
    lead(app, assigned=ana, follow_up=datetime(2026, 12, 7, 5, 1, tzinfo=UTC))
    lead(app, assigned=ana, follow_up=NOW - timedelta(hours=1), merged_into=tonight)
    # Ana's appointments: 23:45 tonight and 00:00 this morning count; 00:10 tomorrow, 23:50
    # yesterday and a cancelled one today do not.
    appointment(app, tonight, datetime(2026, 12, 7, 4, 45, tzinfo=UTC))
    appointment(app, tonight, datetime(2026, 12, 6, 5, 0, tzinfo=UTC))
    appointment(app, tonight, datetime(2026, 12, 7, 5, 10, tzinfo=UTC))
    appointment(app, tonight, datetime(2026, 12, 6, 4, 50, tzinfo=UTC))
    appointment(app, tonight, datetime(2026, 12, 6, 18, 0, tzinfo=UTC), cancelled=True)
    # Ben: one due later today, no appointment; nobody's lead: overdue since last week.
    lead(app, assigned=ben, follow_up=datetime(2026, 12, 7, 4, 59, tzinfo=UTC))
    booked = lead(app, follow_up=datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    appointment(app, booked, datetime(2026, 12, 6, 20, 0, tzinfo=UTC))
    return app, ana, ben


def test_the_figures_are_the_clinics_day_per_person(clinic):
    app, ana, ben = clinic
    with app.test_request_context():
        figures = today_figures(NOW)
    assert figures.day == date(2026, 12, 6)  # New York's date, not UTC's
    people = {
        (p.staff_id, p.name): (p.appointments, p.overdue, p.due_later) for p in figures.people
    }
    assert people == {
        (None, ""): (1, 1, 0),
        (ana, "Ana"): (2, 2, 1),
        (ben, "Ben"): (0, 0, 1),
    }
    assert [p.staff_id for p in figures.people] == [None, ana, ben]  # nobody first, then names
    assert (figures.appointments, figures.overdue, figures.due_later) == (3, 3, 2)


def test_a_minute_later_the_day_has_turned(clinic):
    """At 00:01 in New York the 7th is today: last night's appointments are gone, the call
    at 00:01 is now overdue and the 23:40 one too."""
    app, ana, _ben = clinic
    with app.test_request_context():
        figures = today_figures(datetime(2026, 12, 7, 5, 1, 30, tzinfo=UTC))
    assert figures.day == date(2026, 12, 7)
    by_id = {p.staff_id: p for p in figures.people}
    assert by_id[ana].appointments == 1  # 00:10 on the 7th
    assert (by_id[ana].overdue, by_id[ana].due_later) == (4, 0)


def test_the_page_shows_today_by_person(clinic):
    app, ana, _ben = clinic
    admin = staff_client(app, "admin@clinic.test", role="admin")
    page = admin.get("/staff/dashboard")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    today = text[text.index('id="today"') : text.index('id="waiting-title"')]
    assert "in the clinic’s time (America/New_York)" in today
    assert re.search(r'<th scope="row">Ana</th>(<td class="num">.*?</td>){3}', today)
    assert f"/staff/leads?assigned={ana}&follow_up=overdue" in today
    assert 'href="/staff/calls"' in today
    spanish = admin.get("/staff/dashboard", headers={"Accept-Language": "es"}).text
    assert "Hoy por persona" in html.unescape(spanish)


def test_the_queries_do_not_grow_with_the_leads(app_factory):
    app = app_factory(CLINIC_TIME_ZONE=ZONE)
    people = [make_staff(app, f"p{n}@clinic.test", role="staff", name=f"P{n}") for n in range(3)]
    counts = []
    for extra in (3, 60):
        for n in range(extra):
            lead_id = lead(app, assigned=people[n % 3], follow_up=NOW - timedelta(hours=n))
            appointment(app, lead_id, NOW - timedelta(minutes=n))
        with app.test_request_context(), recorded_statements(app) as statements:
            figures = today_figures(NOW)
        counts.append(len(statements))
    assert (figures.overdue, figures.due_later) == (61, 2)  # one at NOW a round is not yet due
    assert counts[0] == counts[1] <= 4, counts  # the zone setting, then three
