"""The clinic settings page's time zone, hours and booking tool, and the console's times in
the clinic's zone: shown, filtered by clinic days, and never failing a page for a bad zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from core import clinic_settings
from core.booking_tool import booking_tool_link
from core.extensions import db
from leads.models import LeadNote
from staff.models import AuditEvent
from tests.factories import csrf_token, make_lead, post_form, staff_client

SETTINGS = "/staff/admin/settings"
LATE_EVENING = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # 4 Dec in Auckland, 3 Dec in LA
CURRENT = {
    "time_zone": "UTC",
    "untouched_hours": "24",
    "reminder_hours": "24",
    "booking_tool_url": "",
}


def _admin(app):
    client = staff_client(app, "admin@clinic.test", role="admin", name="Ada Admin")
    return client


def _save(client, **fields):
    return post_form(client, SETTINGS, SETTINGS, {**CURRENT, **fields})


def _setting_rows(app) -> list[tuple[str, dict | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.detail, AuditEvent.data)
            .where(AuditEvent.action == "settings_change")
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def _texts(app) -> dict[str, str]:
    with app.app_context():
        return {key: clinic_settings.text(key) for key in CURRENT}


def _set(app, key: str, value: str) -> None:
    with app.app_context():
        clinic_settings.set_text(key, value, by=None)
        db.session.commit()


def _shown(page: str, moment: datetime) -> str:
    """The words a <time> of that moment shows."""
    found = re.search(rf'<time datetime="{re.escape(moment.isoformat())}">([^<]*)</time>', page)
    assert found, f"no time of {moment} on the page"
    return found.group(1)


def test_an_admin_sets_the_clinic_time_zone_and_it_is_audited_as_a_setting(app_factory):
    app = app_factory()
    admin = _admin(app)
    page = admin.get(SETTINGS).get_data(as_text=True)
    assert 'name="time_zone" value="UTC"' in page  # CLINIC_TIME_ZONE until set
    assert 'list="common-zones"' in page and '<option value="Pacific/Auckland">' in page
    assert "The clinic’s time now:" in page and "(UTC)." in page

    saved = _save(admin, time_zone="pacific/auckland")  # any capitals, stored exactly
    assert saved.status_code == 303 and saved.headers["Location"].endswith(SETTINGS)
    assert _texts(app)["time_zone"] == "Pacific/Auckland"
    assert _setting_rows(app) == [
        (
            "time_zone: UTC -> Pacific/Auckland",
            {"setting": "time_zone", "from": "UTC", "to": "Pacific/Auckland"},
        )
    ]
    page = admin.get(SETTINGS).get_data(as_text=True)
    assert "Settings saved." in page and "(Pacific/Auckland)." in page
    assert 'name="time_zone" value="Pacific/Auckland"' in page

    _save(admin, time_zone="Pacific/Auckland")  # sent unchanged: nothing written
    assert len(_setting_rows(app)) == 1


def test_the_hours_and_the_booking_tool_are_saved_audited_and_filled_in(app_factory):
    app = app_factory()
    admin = _admin(app)
    calendly = "https://calendly.com/our-clinic/consultation?name={name}&email={email}&a1={phone}"
    saved = _save(
        admin, untouched_hours=" 48 ", reminder_hours="2", booking_tool_url=f"  {calendly} "
    )
    assert saved.status_code == 303
    assert _texts(app) == {
        "time_zone": "",  # the deployment's zone, kept, is not stored as a choice
        "untouched_hours": "48",
        "reminder_hours": "2",
        "booking_tool_url": calendly,
    }
    assert [data for _detail, data in _setting_rows(app)] == [
        {"setting": "untouched_hours", "from": "24", "to": "48"},
        {"setting": "reminder_hours", "from": "24", "to": "2"},
        {"setting": "booking_tool_url", "from": "", "to": calendly},
    ]
    with app.test_request_context():
        assert booking_tool_link("Zoë Example", "zoe+1@example.com", "+44 20 7946 0958") == (
            "https://calendly.com/our-clinic/consultation"
            "?name=Zo%C3%AB%20Example&email=zoe%2B1%40example.com&a1=%2B44%2020%207946%200958"
        )
        assert booking_tool_link("A&B", "", "") == (
            "https://calendly.com/our-clinic/consultation?name=A%26B&email=&a1="
        )
    cal = "https://cal.com/our-clinic/consultation?name={name}&attendeePhoneNumber={phone}"
    assert _save(admin, booking_tool_url=cal).status_code == 303
    with app.test_request_context():
        assert booking_tool_link("Ana Ruiz", "ana@example.com", "+34600000000") == (
            "https://cal.com/our-clinic/consultation?name=Ana%20Ruiz&attendeePhoneNumber=%2B34600000000"
        )
    _save(admin, booking_tool_url="")
    with app.test_request_context():
        assert booking_tool_link("Ana Ruiz", "ana@example.com", "") is None  # books itself


def test_every_new_setting_wrong_is_named_and_nothing_is_saved(app_factory):
    app = app_factory()
    admin = _admin(app)
    wrong = {
        "require_two_factor": "y",  # right, but not saved while anything else is wrong
        "time_zone": "Mars/Olympus_Mons",
        "untouched_hours": "0",
        "reminder_hours": "169",
        "booking_tool_url": "http://calendly.com/our-clinic?day={date}",
    }
    answer = post_form(admin, SETTINGS, SETTINGS, wrong)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    for field in ("time_zone", "untouched_hours", "reminder_hours", "booking_tool_url"):
        assert f'href="#{field}"' in summary
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page)
        assert re.search(rf'aria-describedby="[^"]*{field}-error', page)
    assert "such as Europe/London, America/New_York or Australia/Sydney" in summary
    assert "Enter a whole number of hours from 1 to 720." in summary
    assert "Enter a whole number of hours from 1 to 168." in summary
    assert "starting with https://" in summary
    assert 'value="Mars/Olympus_Mons"' in page and 'value="169"' in page  # answers kept
    assert 'name="require_two_factor" value="y" checked' in page

    more = {
        "time_zone": "",
        "untouched_hours": "twelve",
        "reminder_hours": "99999999999999999999",
        "booking_tool_url": "https://cal.com/our-clinic?name={name}&day={date}&x={",
    }
    page = post_form(admin, SETTINGS, SETTINGS, more).get_data(as_text=True)
    assert "Enter the clinic&#39;s time zone" in page or "Enter the clinic's time zone" in page
    assert "remove {date} {" in page
    assert page.count('aria-invalid="true"') == 4
    huge = post_form(
        admin, SETTINGS, SETTINGS, {**CURRENT, "time_zone": "A" * 100_000, "untouched_hours": "١٢"}
    )
    assert huge.status_code in (413, 422)  # too big to read, or named: never a 500

    assert _setting_rows(app) == []
    assert _texts(app)["untouched_hours"] == "24"
    with app.app_context():
        assert not clinic_settings.flag("require_two_factor")


def test_a_form_without_the_text_settings_keeps_them(app_factory):
    """An older page or a script that posts only the switches changes only them."""
    app = app_factory()
    admin = _admin(app)
    _set(app, "untouched_hours", "72")
    page = admin.get(SETTINGS).get_data(as_text=True)
    answer = admin.post(
        SETTINGS, data={"webhook_contact_details": "y", "csrf_token": csrf_token(page)}
    )
    assert answer.status_code == 303
    assert _texts(app)["untouched_hours"] == "72"
    assert [data for _detail, data in _setting_rows(app)] == [
        {"setting": "webhook_contact_details", "from": False, "to": True}
    ]


def _leads_on(client, day: str) -> str:
    return client.get(f"/staff/leads?date_from={day}&date_to={day}").get_data(as_text=True)


def _listed(page: str, lead_id: int) -> bool:
    return re.search(rf'href="/staff/leads/{lead_id}["?]', page) is not None


def test_a_late_evening_lead_is_on_the_clinics_own_day_shown_and_filtered(app_factory):
    app = app_factory(CLINIC_TIME_ZONE="America/Los_Angeles")
    lead = make_lead(app, created_at=LATE_EVENING)
    admin = _admin(app)

    # Los Angeles (the deployment's zone): 15:30 on 3 December.
    page = _leads_on(admin, "2026-12-03")
    assert _listed(page, lead)
    shown = _shown(page, LATE_EVENING)
    assert "Dec 3, 2026" in shown and "3:30" in shown and "UTC" not in shown
    assert not _listed(_leads_on(admin, "2026-12-04"), lead)

    # Auckland (the admin's setting): 12:30 on 4 December.
    _set(app, "time_zone", "Pacific/Auckland")
    page = _leads_on(admin, "2026-12-04")
    assert _listed(page, lead)
    shown = _shown(page, LATE_EVENING)
    assert "Dec 4, 2026" in shown and "12:30" in shown and "UTC" not in shown
    assert not _listed(_leads_on(admin, "2026-12-03"), lead)
    # The audit log's days are the clinic's too.
    with app.app_context():
        db.session.add(AuditEvent(action="view", lead_id=lead, at=LATE_EVENING))
        db.session.commit()
    audit = admin.get(f"/staff/admin/audit?lead={lead}&date_from=2026-12-04&date_to=2026-12-04")
    assert "Dec 4, 2026" in _shown(audit.get_data(as_text=True), LATE_EVENING)
    earlier = admin.get(f"/staff/admin/audit?lead={lead}&date_to=2026-12-03")
    assert "No events match these filters." in earlier.get_data(as_text=True)


def test_a_notes_time_is_in_clinic_time_without_utc(app_factory):
    app = app_factory()
    lead = make_lead(app)
    with app.app_context():
        db.session.add(
            LeadNote(lead_id=lead, kind="note", text="Called back.", created_at=LATE_EVENING)
        )
        db.session.commit()
    _set(app, "time_zone", "Pacific/Auckland")
    admin = _admin(app)
    page = admin.get(f"/staff/leads/{lead}").get_data(as_text=True)
    shown = _shown(page, LATE_EVENING)
    assert "Dec 4, 2026" in shown and "12:30" in shown
    assert not re.search(r"<time[^>]*>[^<]*UTC", page)


def test_a_bad_zone_setting_or_an_unreadable_one_never_fails_a_page(app_factory, monkeypatch):
    app = app_factory(CLINIC_TIME_ZONE="America/Los_Angeles")
    lead = make_lead(app, created_at=LATE_EVENING)
    admin = _admin(app)
    _set(app, "time_zone", "Mars/Olympus_Mons")  # written by other means than the form
    for path in ("/staff/leads", f"/staff/leads/{lead}", SETTINGS):
        response = admin.get(path)
        assert response.status_code == 200, path
    assert "3:30" in _shown(admin.get("/staff/leads").get_data(as_text=True), LATE_EVENING)
    assert 'name="time_zone" value="America/Los_Angeles"' in admin.get(SETTINGS).get_data(True)

    read = clinic_settings.text

    def unreadable(key):
        if key == "time_zone":
            raise OperationalError("SELECT", {}, Exception("the database is down"))
        return read(key)

    monkeypatch.setattr(clinic_settings, "text", unreadable)
    response = admin.get("/staff/leads")
    assert response.status_code == 200
    assert "Dec 3, 2026" in _shown(response.get_data(as_text=True), LATE_EVENING)
