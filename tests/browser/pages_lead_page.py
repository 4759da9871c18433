"""Browser-registry states of the lead page as a coordinator works it (joined into
pages.PAGES): a worked lead (a call, a note, assigned, a coming follow-up) in English and
in the Spanish console, the call form sent with errors, a note being corrected, and a
lead whose follow-up is overdue. Phone widths come with every state.

The leads are made once, directly, with the signed-in admin's account as the author of
their notes (so "Correct this note" shows, as it does for a note's author).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clinic_time import clinic_now
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Contact, Lead, LeadNote
from staff.models import StaffUser
from tests.browser.pages import STAFF_EMAIL, PageState, once, signed_in_cookies, staff
from tests.factories import make_lead

PERSON = Contact(
    name="Lucía Ejemplo",
    email="lucia@example.com",
    phone="+34912345678",
    contact_time="afternoon",
    message="Prefiero que me llamen por la tarde.",
)


def _worked_lead(page, server, key: str, follow_up: timedelta) -> int:
    """A Spanish lead with a call and a note by the signed-in admin, assigned to them."""
    signed_in_cookies(page, server)

    def make() -> int:
        with server.app.app_context():
            me = db.session.scalar(select(StaffUser).where(StaffUser.email == STAFF_EMAIL))
            me_id = me.id
        lead_id = make_lead(
            server.app,
            contact=PERSON,
            outcome="clinician_review",
            lang="es",
            assigned_to_id=me_id,
            follow_up_at=utcnow() + follow_up,
        )
        with server.app.app_context():
            lead = db.session.get(Lead, lead_id)
            db.session.add_all(
                [
                    LeadNote(
                        lead_id=lead.id,
                        author_id=me_id,
                        kind="call",
                        call_outcome="no_answer",
                        text="No answer; try after 4pm.",
                    ),
                    LeadNote(
                        lead_id=lead.id,
                        author_id=me_id,
                        kind="note",
                        text="Asked about the cost of three sessions.",
                    ),
                ]
            )
            db.session.commit()
            return lead.id

    return once(server, f"lead-page-{key}", make)


def _lead_url(page, server, key: str = "worked", follow_up: timedelta = timedelta(days=1)) -> str:
    return f"/staff/leads/{_worked_lead(page, server, key, follow_up)}"


def lead_page(page, server) -> None:
    staff(_lead_url(page, server), with_lead=False)(page, server)
    page.wait_for_selector("#call-title")


def call_errors(page, server) -> None:
    """The call sent with a shortcut and another time typed: the summary names the clash."""
    lead_page(page, server)
    page.locator("#call .follow-up-choices label").first.click()
    page.fill("#call_follow_up", "2031-03-04T10:30")
    page.locator("#call button[name=call_outcome]").first.click()
    page.wait_for_selector(".error-summary")


def note_being_corrected(page, server) -> None:
    url = _lead_url(page, server)
    with server.app.app_context():
        lead_id = int(url.rsplit("/", 1)[1])
        note_id = db.session.scalar(
            select(LeadNote.id).where(LeadNote.lead_id == lead_id, LeadNote.kind == "note")
        )
    staff(f"{url}/notes/{note_id}/edit", with_lead=False)(page, server)
    page.wait_for_selector("#edit-note-text")


def overdue_follow_up(page, server) -> None:
    url = _lead_url(page, server, "overdue", follow_up=-timedelta(hours=3))
    staff(url, with_lead=False)(page, server)
    page.wait_for_selector(".tag-overdue")


def _booked_button(page):
    return page.locator("#call button[name=call_outcome][value=booked]")


def booked_call_without_time(page, server) -> None:
    """ "Booked" chosen with no appointment time: the summary names it, the note is kept."""
    staff(_lead_url(page, server, "booking-missing"), with_lead=False)(page, server)
    page.fill("#call_note", "Wants a Thursday morning.")
    _booked_button(page).click()
    page.wait_for_selector(".error-summary a[href='#call_appointment_at']")


def booked_in_the_call(page, server) -> None:
    """A call recorded as booked with its appointment: the message at the top says to tell
    the person (no mail server here), the timeline shows the booking."""
    staff(_lead_url(page, server, "booked-in-call"), with_lead=False)(page, server)
    with server.app.test_request_context():
        typed = (clinic_now() + timedelta(days=3)).strftime("%Y-%m-%dT10:30")
    page.fill("#call_appointment_at", typed)
    _booked_button(page).click()
    page.wait_for_selector("#notes .note-appointment")


PAGES: list[PageState] = [
    PageState("staff-lead-page-worked", lead_page),
    PageState("es-staff-lead-page-worked", lead_page, lang="es"),
    PageState("staff-lead-page-call-errors", call_errors),
    PageState("staff-lead-page-note-correcting", note_being_corrected),
    PageState("staff-lead-page-follow-up-overdue", overdue_follow_up),
    PageState("staff-lead-page-booked-call-missing-time", booked_call_without_time),
    PageState("es-staff-lead-page-booked-call-missing-time", booked_call_without_time, lang="es"),
    PageState("staff-lead-page-booked-in-the-call", booked_in_the_call),
    PageState("es-staff-lead-page-booked-in-the-call", booked_in_the_call, lang="es"),
]
