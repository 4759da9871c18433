"""The call form at the top of the lead page: the one place that sets the next follow-up,
with quick choices computed in the clinic's time zone when the call is saved (in 2 hours,
tomorrow morning, in 3 days, next week), and the outcome buttons that save the call.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from core.clinic_time import clinic_now, from_clinic_clock
from core.dbtypes import utcnow
from tests.factories import make_lead, post_form, staff_client
from tests.staff.leads.test_call_recording import lead_of, notes_of

ZONE = "America/Toronto"


@pytest.fixture
def toronto(app_factory):
    """A clinic in Toronto, whose mornings are not UTC's."""
    return app_factory(CLINIC_TIME_ZONE=ZONE)


def _call(client, lead_id: int, **fields):
    url = f"/staff/leads/{lead_id}"
    return post_form(client, url, f"{url}/call", {"call_status": "new", **fields})


def _morning_in(app, days: int) -> datetime:
    with app.test_request_context():
        day = clinic_now().date() + timedelta(days=days)
        return from_clinic_clock(datetime.combine(day, time(9, 0)))


@pytest.mark.parametrize(("shortcut", "days"), [("tomorrow", 1), ("3d", 3), ("week", 7)])
def test_a_quick_follow_up_is_nine_in_the_morning_in_the_clinics_zone(toronto, shortcut, days):
    client = staff_client(toronto, "cora@clinic.test")
    the_id = make_lead(toronto)
    assert _call(client, the_id, call_outcome="no_answer", call_then=shortcut).status_code == 303
    stored = lead_of(toronto, the_id).follow_up_at
    assert stored == _morning_in(toronto, days)
    with toronto.app_context():
        assert stored.astimezone(clinic_now().tzinfo).time() == time(9, 0)


def test_in_two_hours_is_two_hours_from_the_call(db_app):
    client = staff_client(db_app, "cora@clinic.test")
    the_id = make_lead(db_app)
    before = utcnow()
    assert _call(client, the_id, call_outcome="left_message", call_then="2h").status_code == 303
    stored = lead_of(db_app, the_id).follow_up_at
    assert before + timedelta(hours=2) <= stored <= utcnow() + timedelta(hours=2, minutes=1)
    assert stored.second == 0


def test_the_page_chooses_tomorrow_morning_unless_a_follow_up_is_ahead(db_app):
    client = staff_client(db_app, "cora@clinic.test")
    the_id = make_lead(db_app)
    page = client.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert 'name="call_then" value="tomorrow" checked' in page
    assert page.count("<form") and page.count('name="follow_up_at"') == 0  # one place only
    _call(client, the_id, call_outcome="no_answer", call_then="3d")
    page = client.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert 'id="call_then-typed" name="call_then" value="" checked' in page
    # Saving again with the offered time keeps it.
    offered = page.split('name="call_follow_up" value="', 1)[1].split('"', 1)[0]
    assert (
        _call(client, the_id, call_outcome="no_answer", call_follow_up=offered).status_code == 303
    )
    assert lead_of(db_app, the_id).follow_up_at == _morning_in(db_app, 3)


def test_a_typed_time_and_a_quick_choice_together_are_refused(db_app):
    """Without JavaScript typing a time does not choose it: the form asks, nothing is written."""
    client = staff_client(db_app, "cora@clinic.test")
    the_id = make_lead(db_app)
    with db_app.app_context():
        typed = (clinic_now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = _call(
        client, the_id, call_outcome="reached", call_then="tomorrow", call_follow_up=typed
    )
    assert response.status_code == 422
    assert "choose one of the two" in response.get_data(as_text=True)
    assert notes_of(db_app, the_id) == [] and lead_of(db_app, the_id).follow_up_at is None


def test_each_outcome_is_a_button_that_saves_the_call(db_app):
    client = staff_client(db_app, "cora@clinic.test")
    the_id = make_lead(db_app)
    page = client.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    form = page.split('id="call-title"', 1)[1].split("</form>", 1)[0]
    for outcome in ("reached", "no_answer", "left_message", "wrong_number"):
        assert f'name="call_outcome" value="{outcome}"' in form
    # The form's default button (Enter in a field) is disabled: no outcome is guessed.
    assert form.split("<button", 1)[1].startswith(' type="submit" hidden disabled')
