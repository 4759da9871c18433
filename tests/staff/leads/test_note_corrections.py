"""Correcting a note: only its author may; the earlier words stay on the lead (shown to
staff, marked "edited"), the audit row names only the note; bad input is named."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from leads.models import LeadNote
from tests.factories import csrf_token, make_lead, post_form, staff_client
from tests.staff.leads.leads_support import audit_rows, working


@pytest.fixture
def two_staff(db_app):
    author = staff_client(db_app, "author@clinic.test", name="Ana Author")
    other = staff_client(db_app, "other@clinic.test", name="Otto Other")
    return author, other


def add_note(client, lead_id: int, text: str) -> None:
    url = f"/staff/leads/{lead_id}"
    assert post_form(client, url, f"{url}/notes", {"text": text}).status_code == 303


def the_note(app, lead_id: int) -> LeadNote:
    with app.app_context():
        note = db.session.scalar(select(LeadNote).where(LeadNote.lead_id == lead_id))
        db.session.expunge(note)
        return note


def correct(client, lead_id: int, note_id: int, text: str):
    url = f"/staff/leads/{lead_id}/notes/{note_id}/edit"
    return post_form(client, f"/staff/leads/{lead_id}", url, {"text": text})


def test_the_author_corrects_a_note_and_its_history_is_kept(db_app, two_staff):
    author, other = two_staff
    the_id = make_lead(db_app, outcome="clinician_review")
    add_note(author, the_id, "Call back on Tusday.")
    note = the_note(db_app, the_id)
    page = author.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert "Correct this note" in page
    form = author.get(f"/staff/leads/{the_id}/notes/{note.id}/edit").get_data(as_text=True)
    assert ">Call back on Tusday.</textarea>" in form and "Save the correction" in form
    assert correct(author, the_id, note.id, "Call back on Tuesday.").status_code == 303
    assert correct(author, the_id, note.id, "Call back on Tuesday at 10.").status_code == 303
    corrected = the_note(db_app, the_id)
    assert corrected.text == "Call back on Tuesday at 10." and corrected.edited_at is not None
    assert [e["text"] for e in corrected.earlier_texts] == [
        "Call back on Tusday.",
        "Call back on Tuesday.",
    ]
    rows = audit_rows(db_app, the_id, "note_edit")
    assert [row.data for row in rows] == [{"note": note.id}, {"note": note.id}]
    assert all("Tu" not in row.detail for row in rows)  # never a note's words in the audit
    # Every member of staff sees that it was edited, and the earlier words.
    seen = other.get(f"/staff/leads/{the_id}").get_data(as_text=True)
    assert "Call back on Tuesday at 10." in seen and "· edited" in seen
    assert "2 earlier versions" in seen
    earlier = seen.split('class="earlier-versions"', 1)[1]
    assert earlier.index("Call back on Tuesday.") < earlier.index("Call back on Tusday.")
    assert "Correct this note" not in seen  # not theirs


def test_the_same_words_change_nothing(db_app, two_staff):
    author, _other = two_staff
    the_id = make_lead(db_app, outcome="clinician_review")
    add_note(author, the_id, "Prefers text messages.")
    note = the_note(db_app, the_id)
    assert correct(author, the_id, note.id, "Prefers text messages.").status_code == 303
    assert the_note(db_app, the_id).edited_at is None
    assert audit_rows(db_app, the_id, "note_edit") == []


def test_anyone_else_is_refused_403(db_app, two_staff):
    author, other = two_staff
    the_id = make_lead(db_app, outcome="clinician_review")
    add_note(author, the_id, "Mine.")
    note = the_note(db_app, the_id)
    assert other.get(f"/staff/leads/{the_id}/notes/{note.id}/edit").status_code == 403
    token = csrf_token(other.get(f"/staff/leads/{the_id}").get_data(as_text=True))
    response = other.post(
        f"/staff/leads/{the_id}/notes/{note.id}/edit", data={"text": "Theirs.", "csrf_token": token}
    )
    assert response.status_code == 403
    assert the_note(db_app, the_id).text == "Mine."
    assert audit_rows(db_app, the_id, "note_edit") == []


def test_an_unknown_note_a_status_note_or_another_leads_note_is_404(db_app, two_staff):
    author, _other = two_staff
    first, second = (
        make_lead(db_app, outcome="clinician_review"),
        make_lead(db_app, outcome="clinician_review"),
    )
    add_note(author, first, "On the first lead.")
    note = the_note(db_app, first)
    assert author.get(f"/staff/leads/{second}/notes/{note.id}/edit").status_code == 404
    assert author.get(f"/staff/leads/{first}/notes/999999/edit").status_code == 404
    assert correct(author, second, note.id, "Moved?").status_code == 404
    url = f"/staff/leads/{second}"
    post_form(author, url, f"{url}/status", {"status": "contacted"})
    status_note = the_note(db_app, second)
    assert author.get(f"{url}/notes/{status_note.id}/edit").status_code == 404


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "Write the note first."), ("x" * 4001, "A note must be 4000 characters or fewer.")],
)
def test_an_empty_or_too_long_correction_is_named_and_keeps_the_old_words(
    db_app, two_staff, text, error
):
    author, _other = two_staff
    the_id = make_lead(db_app, outcome="clinician_review")
    add_note(author, the_id, "Original words.")
    note = the_note(db_app, the_id)
    response = correct(author, the_id, note.id, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error in page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#edit-note-text">' in page
    assert the_note(db_app, the_id).text == "Original words."
    assert working(audit_rows(db_app, the_id)) == ["note"]


def test_a_calls_note_can_be_corrected_too(db_app, two_staff):
    author, _other = two_staff
    the_id = make_lead(db_app, outcome="clinician_review")
    url = f"/staff/leads/{the_id}"
    post_form(author, url, f"{url}/call", {"call_outcome": "reached", "call_status": "new",
                                                "call_note": "Sounded keen"})  # fmt: skip
    note = the_note(db_app, the_id)
    assert correct(author, the_id, note.id, "Sounded keen; wants prices.").status_code == 303
    corrected = the_note(db_app, the_id)
    assert corrected.call_outcome == "reached" and corrected.text == "Sounded keen; wants prices."
