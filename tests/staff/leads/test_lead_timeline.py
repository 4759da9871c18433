"""The lead page's timeline: near the call form, before everything else the coordinator
works with; newest first; every booking, move and cancellation in it (by staff, by phone
in a call, or through the clinic's booking tool); the older entries folded."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.clinic_time import clinic_now
from core.extensions import db
from leads.models import Appointment, LeadNote
from tests.factories import make_lead, post_form, staff_client


def _wall(app, days: int) -> str:
    with app.test_request_context():
        return (clinic_now() + timedelta(days=days)).strftime("%Y-%m-%dT10:00")


def _entries(page: str) -> list[str]:
    section = page.split('id="notes"', 1)[1].split("</section>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
        for item in section.split("<li class=")[1:]
    ]


def test_bookings_moves_and_cancellations_are_in_the_timeline_newest_first(db_app):
    client = staff_client(db_app, "cora@clinic.test", name="Cora Coordinator")
    lead_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{lead_id}"
    booked = {"call_outcome": "booked", "call_status": "new", "call_then": ""}
    booked["call_appointment_at"] = _wall(db_app, 2)
    assert post_form(client, url, f"{url}/call", booked).status_code == 303
    with db_app.app_context():
        appointment_id = db.session.scalar(select(Appointment.id))
        # A booking that came back from the clinic's booking tool, as leads/bookings.py notes it.
        at = (clinic_now() + timedelta(days=9)).isoformat()
        db.session.add(LeadNote(lead_id=lead_id, kind="booking", text=f"calcom:booked:{at}"))
        db.session.commit()
    moved = {"appointment_at": _wall(db_app, 3), "appointment_length": "30"}
    moved = {f"move-{appointment_id}-{k}": v for k, v in moved.items()}
    answer = post_form(client, url, f"{url}/appointments/{appointment_id}/move", moved)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#main")
    answer = post_form(client, url, f"{url}/appointments/{appointment_id}/cancel", {})
    assert answer.status_code == 303
    page = client.get(url).get_data(as_text=True)

    # The timeline comes before assignment, status, the answers and the details.
    assert page.index('id="call"') < page.index('id="notes"') < page.index('id="assign-title"')
    assert page.index('id="notes"') < page.index('id="answers-title"')
    entries = _entries(page)

    def where(words: str) -> int:
        return next(number for number, entry in enumerate(entries) if words in entry)

    # The last appointment cancelled, "booked" no longer stands: the newest entry says so.
    assert "Booked → Contacted" in entries[0]
    assert "Cora Coordinator" in entries[where("Cancelled: Medical review on")]
    assert where("Cancelled: Medical review") < where("Moved: Medical review, now on")
    assert where("Moved: Medical review") < where("Booked through Cal.com for")
    assert "the booking tool" in entries[where("Booked through Cal.com")]
    assert where("Booked through Cal.com") < where("Booked: Medical review on")
    assert where("Booked: Medical review on") <= where("Call: Booked")


def test_older_entries_are_folded_and_a_note_being_corrected_is_in_view(db_app):
    client = staff_client(db_app, "cora@clinic.test", name="Cora Coordinator")
    lead_id = make_lead(db_app)
    url = f"/staff/leads/{lead_id}"
    for number in range(8):
        assert post_form(client, url, f"{url}/notes", {"text": f"Note {number}"}).status_code == 303
    page = client.get(url).get_data(as_text=True)
    recent, earlier = page.split('<details class="timeline-earlier"', 1)
    assert "Note 7" in recent.split('id="notes"', 1)[1] and "Note 0" not in recent
    assert "2 earlier entries" in earlier and "Note 0" in earlier and "Note 1" in earlier
    with db_app.app_context():
        oldest = db.session.scalar(select(LeadNote.id).order_by(LeadNote.id))
    page = client.get(f"{url}/notes/{oldest}/edit").get_data(as_text=True)
    assert '<details class="timeline-earlier" open>' in page
