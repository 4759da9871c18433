"""The manager's dashboard: the pipeline of a period's leads and the work waiting, in numbers.

A known set of leads in a clinic west of UTC (New York), every status and source,
is counted through the real page: by status and source, new and untouched by the
clinic's setting, overdue follow-ups, the median time to first contact, the weekly
conversion to booked; the website's funnel leaves the calls staff took out.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from core import clinic_settings
from core.clinic_time import clinic_now, from_clinic_clock, start_of_day
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead
from leads.purge import delete_lead
from staff.models import StaffUser
from tests.console_support import submit_contact
from tests.factories import make_lead, staff_client
from tests.support import Walker

ZONE = "America/New_York"


def at_noon(day) -> datetime:
    """Noon on a clinic day, as the UTC moment stored."""
    return from_clinic_clock(datetime.combine(day, time(12)))


def set_lead(app, lead_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(update(Lead).where(Lead.id == lead_id).values(**values))
        db.session.commit()


def lead_at(app, created_at: datetime, *, source="site", status="new", contacted_after=None):
    """A lead received at ``created_at`` with this status, first contacted that much later."""
    return make_lead(
        app,
        source=source,
        created_at=created_at,
        status=status,
        status_changed_at=None if status == "new" else created_at,
        first_contacted_at=None if contacted_after is None else created_at + contacted_after,
    )


@pytest.fixture
def clinic(app_factory):
    """The known set of leads; the weeks are the clinic's, Monday first."""
    app = app_factory(CLINIC_TIME_ZONE=ZONE)
    with app.app_context():
        today = clinic_now().date()
        last_monday = today - timedelta(days=today.weekday() + 7)
        monday_before = last_monday - timedelta(days=7)
        times = {
            "last_tuesday": at_noon(last_monday + timedelta(days=1)),
            "last_wednesday": at_noon(last_monday + timedelta(days=2)),
            "earlier_wednesday": at_noon(monday_before + timedelta(days=2)),
            "earlier_thursday": at_noon(monday_before + timedelta(days=3)),
            "forty_days_ago": at_noon(today - timedelta(days=40)),
            # Today in the clinic, however soon after its midnight the test runs.
            "just_now": max(start_of_day(today), utcnow() - timedelta(hours=1)),
        }
    hour = timedelta(hours=1)
    ids = {
        "untouched": lead_at(app, times["last_tuesday"]),
        "contacted": lead_at(
            app, times["last_tuesday"], status="contacted", contacted_after=2 * hour
        ),
        "booked": lead_at(
            app, times["last_wednesday"], source="embed", status="booked", contacted_after=4 * hour
        ),
        "phone": lead_at(
            app,
            times["earlier_wednesday"],
            source="staff_intake",
            status="contacted",
            contacted_after=timedelta(),
        ),
        "not_a_fit": lead_at(
            app, times["earlier_wednesday"], status="not_a_fit", contacted_after=6 * hour
        ),
        "closed": lead_at(app, times["earlier_thursday"], status="closed"),
        "just_in": lead_at(app, times["just_now"], source="embed"),
        "old": lead_at(app, times["forty_days_ago"]),
    }
    ids["duplicate"] = lead_at(app, times["last_tuesday"])
    set_lead(app, ids["duplicate"], merged_into_id=ids["untouched"])
    set_lead(app, ids["contacted"], follow_up_at=utcnow() - hour)
    set_lead(app, ids["booked"], follow_up_at=utcnow() + 24 * hour)
    with app.app_context():
        db.session.add(Appointment(lead_id=ids["phone"], starts_at=utcnow(), kind="consultation"))
        db.session.add(
            Appointment(
                lead_id=ids["closed"],
                starts_at=utcnow(),
                kind="consultation",
                cancelled_at=utcnow(),
            )
        )
        db.session.commit()
    client = staff_client(app, "manager@clinic.test", role="admin", name="Mia Manager")
    return app, client, ids


def cell_after(page: str, row_label: str, column: int = 0) -> str:
    """The text of a table row's ``column``-th cell after its header cell (past the "Today"
    section, whose table has a row per person too)."""
    if 'id="waiting-title"' in page:
        page = page[page.index('id="waiting-title"') :]
    row = re.search(rf"<th scope=\"row\">{re.escape(row_label)}</th>(.*?)</tr>", page, re.S)
    assert row, f"no row {row_label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", cells[column])).strip()


def link_of(page: str, element_id: str) -> str:
    match = re.search(rf'<a href="([^"]+)" id="{element_id}">', page)
    assert match, element_id
    return html.unescape(match.group(1))


def test_the_pipeline_counts_a_known_set_of_leads(clinic):
    _app, client, _ids = clinic
    page = client.get("/staff/dashboard?days=30").get_data(as_text=True)
    # By status and source: the period's leads, the merged duplicate and the old one left out.
    by_status = {"New": 2, "Contacted": 2, "Booked": 1, "Not a fit": 1, "Closed": 1}
    for label, count in by_status.items():
        assert cell_after(page, label) == str(count), label
    assert cell_after(page, "Website") == "4"
    assert cell_after(page, "Embedded on a site") == "2"
    assert cell_after(page, "Phone intake") == "1"
    assert "7 leads received" in page
    # Each status count opens the list of those leads, the period's days in the link.
    new_link = re.search(
        r'<th scope="row">New</th><td class="num"><a class="count-link" href="([^"]+)"', page
    )
    assert "status=new" in new_link.group(1) and "date_from=" in new_link.group(1)
    # The median over the web requests contacted (2, 4 and 6 hours); the call's zero left out.
    first_contact = re.search(r'<p id="first-contact">(.*?)</p>', page, re.S).group(1)
    assert "Median: 4 hours" in first_contact and "over 3 web requests contacted" in first_contact
    # Waiting now: new and untouched for over 24 hours (whatever the period), overdue follow-ups.
    assert re.search(r'id="untouched-count"><span class="count-number">2</span>', page)
    assert re.search(r'id="overdue-count"><span class="count-number">1</span>', page)
    assert link_of(page, "untouched-count") == "/staff/leads?status=untouched"
    assert link_of(page, "overdue-count") == "/staff/leads?follow_up=overdue"


def test_conversion_to_booked_week_by_week(clinic):
    _app, client, _ids = clinic
    page = client.get("/staff/dashboard?days=30").get_data(as_text=True)
    table = re.search(r'<table class="data compact" id="conversion">(.*?)</table>', page, re.S)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table.group(1), re.S)
    numbers = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
        for _week, cells in rows
    ]
    # Newest first: this week (the embed lead an hour old, if this week is not cut by the
    # period), last week (3 requests, the embed one booked), the week before (the call with
    # an appointment booked; the cancelled appointment does not count), earlier weeks empty.
    with_requests = [row for row in numbers if row[0] != "0"]
    assert with_requests == [["1", "0", "0%"], ["3", "1", "33%"], ["3", "1", "33%"]]
    assert all(row == ["0", "0", "–no requests"] for row in numbers if row[0] == "0")
    assert len(numbers) in (5, 6)  # the 30 days touch five or six clinic weeks


def test_the_untouched_count_follows_the_clinics_setting(clinic):
    app, client, _ids = clinic
    with app.app_context():
        clinic_settings.set_text("untouched_hours", str(24 * 20), by=None)
        db.session.commit()
    page = client.get("/staff/dashboard").get_data(as_text=True)
    assert re.search(r'id="untouched-count"><span class="count-number">1</span>', page)
    assert "for more than 480 hours" in page
    listed = client.get("/staff/leads?status=untouched").get_data(as_text=True)
    assert "1 lead" in listed  # the link opens a list as long as the count


def test_open_leads_by_assignee_link_to_their_lists(clinic):
    app, client, ids = clinic
    with app.app_context():
        mia = db.session.scalar(select(StaffUser.id).where(StaffUser.name == "Mia Manager"))
    set_lead(app, ids["contacted"], assigned_to_id=mia)
    page = client.get("/staff/dashboard").get_data(as_text=True)
    assert cell_after(page, "Mia Manager", 0) == "0" and cell_after(page, "Mia Manager", 1) == "1"
    # Unassigned: the untouched, the new one just in and the old one; the phone call.
    assert cell_after(page, "Unassigned", 0) == "3" and cell_after(page, "Unassigned", 1) == "1"
    assert f'href="/staff/leads?assigned={mia}&amp;status=contacted"' in page
    assert 'href="/staff/leads?assigned=none&amp;status=new"' in page


def test_charts_are_svg_drawn_on_the_server_with_tables_beside_them(clinic):
    _app, client, _ids = clinic
    page = client.get("/staff/dashboard").get_data(as_text=True)
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(charts) >= 6
    assert "<script" not in page
    for chart in charts:
        assert 'role="img"' in chart and "<title>" in chart
        outside = chart.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "http" not in outside and "href" not in outside
    conversion = next(c for c in charts if "Requests booked, by week received" in c)
    assert "100%" in conversion and "33% (1 of 3)" in conversion


def test_spanish_console_counts_in_its_own_words(clinic):
    _app, client, _ids = clinic
    page = client.get("/staff/dashboard", headers={"Accept-Language": "es"}).get_data(True)
    assert '<html lang="es"' in page
    assert cell_after(page, "Nuevo") == "2" and cell_after(page, "Con cita") == "1"
    assert cell_after(page, "Alta por teléfono") == "1"
    assert re.search(r"33\s%", page)  # the percentage as Spanish writes it (a no-break space)


def test_an_empty_period_says_so_and_draws_empty_charts(app_factory):
    app = app_factory(CLINIC_TIME_ZONE=ZONE)
    client = staff_client(app, "manager@clinic.test", role="admin")
    page = client.get("/staff/dashboard?days=7").get_data(as_text=True)
    assert "0 leads received" in page
    assert "No web request received in the period has been contacted yet." in page
    assert "No new or contacted leads: nothing is waiting." in page
    assert page.count("<svg") >= 6
    for garbage in ("0", "-5", "99999999999999999999", "x"):
        assert client.get(f"/staff/dashboard?days={garbage}").status_code == 200


def test_the_web_funnel_leaves_phone_intake_out(app_factory):
    app = app_factory(CLINIC_TIME_ZONE=ZONE)
    public = app.test_client()
    for outcome in ("book_consultation", "clinician_review"):
        submit_contact(public, Walker(public), outcome)
    make_lead(app, source="staff_intake", outcome="clinician_review")
    make_lead(app, source="staff_intake", outcome="book_consultation")
    client = staff_client(app, "manager@clinic.test", role="admin")
    page = client.get("/staff/dashboard?days=1").get_data(as_text=True)
    assert cell_after(page, "Completed") == "2"
    assert cell_after(page, "Asked to be contacted") == "2"  # not 4: the calls are not the web's
    assert cell_after(page, "Clinician review", 1) == "1"
    assert cell_after(page, "Phone intake") == "2"  # the pipeline counts them
    with app.app_context():
        assert db.session.query(Lead).count() == 4


def test_the_pipeline_is_computed_once_and_again_when_a_lead_or_appointment_changes(clinic):
    """Stored for every instance (computed_figures), with the time it was computed; a view
    with no change reads it, a status change or a new appointment computes it again."""
    app, client, ids = clinic
    from core.computed_figures import ComputedFigure

    def computed_at():
        with app.app_context():
            (row,) = db.session.scalars(
                select(ComputedFigure).where(ComputedFigure.name.like("dashboard:%"))
            ).all()
            return row.computed_at

    page = client.get("/staff/dashboard?days=30").get_data(as_text=True)
    assert 'id="pipeline-computed">Figures computed at' in page
    first = computed_at()
    client.get("/staff/dashboard?days=30")
    assert computed_at() == first  # read, not computed again
    new_one = ids["untouched"]  # new, and received within the 30 days shown
    with app.test_request_context():  # an ORM change, as the console makes it
        lead = db.session.get(Lead, new_one)
        lead.status = "not_a_fit"
        db.session.commit()
    page = client.get("/staff/dashboard?days=30").get_data(as_text=True)
    assert cell_after(page, "New") == "1" and cell_after(page, "Not a fit") == "2"
    second = computed_at()
    assert second > first
    with app.app_context():  # a booking of a lead still new: booked by its appointment
        db.session.add(
            Appointment(
                lead_id=new_one, starts_at=utcnow() + timedelta(days=1), kind="consultation"
            )
        )
        db.session.commit()
    client.get("/staff/dashboard?days=30")
    assert computed_at() > second


def test_a_lead_deleted_in_the_period_is_counted_out_at_once(clinic):
    """The stored figures' version counts the period's leads: deleting one of them (a
    person's request to be forgotten; this one neither the newest nor with an appointment)
    computes the figures again."""
    app, client, ids = clinic
    page = client.get("/staff/dashboard?days=30").get_data(as_text=True)
    assert cell_after(page, "Not a fit") == "1"
    with app.app_context():
        assert delete_lead(ids["not_a_fit"])
        db.session.commit()
    page = client.get("/staff/dashboard?days=30").get_data(as_text=True)
    assert cell_after(page, "Not a fit") == "0" and "6 leads received" in page
