"""A coordinator's morning, end to end in Chromium, without leaving the console.

The untouched lead from yesterday is found from the list's view, its duplicate is
flagged, the call is recorded (reached, now contacted), the consultation booked
for tomorrow at 10:00 clinic time, the list found again with its filter, and the
morning's work exported as an Excel workbook that says all of it in words.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import openpyxl
import pytest

from app import create_app
from core.clinic_time import clinic_now, from_clinic_clock
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead
from staff.models import StaffUser
from tests.factories import PASSWORD, make_lead, make_staff


def _lead(app, name: str, email: str, lang: str = "en", hours_ago: int = 0) -> int:
    return make_lead(
        app,
        name=name,
        email=email,
        phone="+34912345678" if lang == "es" else "",
        message="",
        lang=lang,
        created_at=utcnow() - timedelta(hours=hours_ago),
    )


@pytest.fixture
def morning(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "front-desk-morning", "CLINIC_TIME_ZONE": "Europe/Madrid"},
        instance_path=str(tmp_path),
    )
    staff_id = make_staff(app, "cora@example.com", name="Cora Coordinator")
    with app.app_context():
        db.session.get(StaffUser, staff_id).can_export = True
        db.session.commit()
    waiting = _lead(app, "Ana Morning", "ana@example.com", hours_ago=30)
    _lead(app, "Beatriz Mañana", "bea@example.com", lang="es", hours_ago=2)
    again = _lead(app, "Ana M.", "ANA@example.com", hours_ago=1)  # the same person, again
    with live_server_class(app) as server:
        yield server, waiting, again


@pytest.mark.browser
def test_a_coordinator_runs_the_morning_from_the_console(browser, morning, artifacts):
    server, waiting, again = morning
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server.url}/staff/leads")
    page.get_by_label("Email").fill("cora@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Yesterday's request stands out: the "Untouched" view holds only it.
    page.get_by_role("link", name="Untouched").first.click()
    assert "status=untouched" in page.url
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1 and "Ana Morning" in rows.first.inner_text()
    rows.first.get_by_role("link").first.click()
    assert page.locator("h1").inner_text().startswith("Ana Morning")
    assert f"#{again}" in page.locator("#contact-title").locator("..").inner_text()  # duplicate

    # The call, in one action: reached, a note, now contacted.
    page.get_by_label("Note (optional)").fill("Wants a Saturday if possible.")
    page.locator("#call_status").select_option("contacted")
    page.get_by_role("group", name="How did the call go?").get_by_role(
        "button", name="Reached"
    ).click()
    page.wait_for_load_state()
    page.wait_for_selector("[role=status]")

    # The consultation, tomorrow at 10:00 on the clinic's clock.
    with server.app.test_request_context():
        tomorrow = clinic_now().date() + timedelta(days=1)
        starts_at = from_clinic_clock(datetime.combine(tomorrow, time(10, 0)))
    page.locator("#appointment_at").fill(f"{tomorrow.isoformat()}T10:00")
    page.locator("#appointment_kind").select_option("consultation")
    page.get_by_role("button", name="Book the appointment").click()
    page.wait_for_selector("[role=status]")
    assert "Booked" in page.locator("#contact-title").locator("..").inner_text()
    page.screenshot(path=artifacts / "front-desk-morning-lead.png", full_page=True)

    # Back to the list as it was left.
    page.get_by_role("link", name="Back to leads").first.click()
    assert "status=untouched" in page.url
    assert page.locator("table.data tbody tr").count() == 0  # nobody left waiting

    # The morning's work, exported in words.
    page.get_by_role("link", name="All leads").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these as an Excel workbook").click()
    path = artifacts / "front-desk-morning.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    table = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    header, ana = table[0], next(row for row in table if "Ana Morning" in row)
    assert ana[header.index("Status")] == "Booked"
    # The workbook's cells are typed (the lead number and calls made are numbers, times
    # are date-time cells): read the row's words as text.
    words = " ".join(str(value) for value in ana)
    assert "Reached" in words and "Wants a Saturday" in words
    assert "Free consultation" in words

    with server.app.app_context():
        lead = db.session.get(Lead, waiting)
        appointment = db.session.query(Appointment).one()
        assert (lead.status, lead.assigned_to_id) == ("booked", None)
        assert lead.first_contacted_at is not None
        assert appointment.lead_id == waiting and appointment.starts_at == starts_at
    context.close()
