"""The same person twice (issue #16): duplicates found by email in any case or by phone,
shown on the lead page, and merged keeping every note and both leads' audit trails."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from core.dbtypes import utcnow
from core.extensions import db
from leads.duplicates import possible_duplicates
from leads.models import Lead, LeadNote
from staff.models import AuditEvent
from tests.factories import csrf_token, make_lead, make_staff, staff_client


def _duplicates_of(app, lead_id: int) -> list[tuple[int, bool, bool]]:
    with app.app_context():
        lead = db.session.get(Lead, lead_id)
        return [(d.lead_id, d.same_email, d.same_phone) for d in possible_duplicates(lead)]


def test_duplicates_are_found_by_email_in_any_case_and_by_phone(db_app):
    """Emails are stored trimmed (the forms strip them); any case matches."""
    first = make_lead(
        db_app, name="Zoë", email="zoe@example.com", phone="+442079460958", direct=True
    )
    by_email = make_lead(db_app, name="Zoe", email="ZOE@Example.COM", phone="", direct=True)
    by_phone = make_lead(
        db_app, name="Z. Example", email="other@example.com", phone="+442079460958", direct=True
    )
    both = make_lead(
        db_app, name="Zoe E", email="Zoe@example.com", phone="+442079460958", direct=True
    )
    make_lead(
        db_app, name="Someone else", email="zoe@example.org", phone="+442079460959", direct=True
    )
    make_lead(
        db_app, name="No contact", email="", phone="", direct=True
    )  # no email, no phone: matches nobody
    assert _duplicates_of(db_app, first) == [
        (by_email, True, False),
        (by_phone, False, True),
        (both, True, True),
    ]
    assert _duplicates_of(db_app, by_phone) == [(first, False, True), (both, False, True)]
    with db_app.app_context():
        db.session.get(Lead, both).merged_into_id = first
        db.session.commit()
    assert both not in [found for found, _e, _p in _duplicates_of(db_app, first)]


def test_the_search_is_one_bounded_query_that_leaves_the_answers_unread(db_app):
    ids = [
        make_lead(db_app, name=f"Twin {n}", email="twin@example.com", phone="", direct=True)
        for n in range(14)
    ]
    statements: list[str] = []
    with db_app.app_context():
        lead = db.session.get(Lead, ids[0])

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            found = possible_duplicates(lead)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert [d.lead_id for d in found] == ids[1:11]  # oldest first, at most ten
    assert len(statements) == 1 and "LIMIT" in statements[0].upper()
    assert "answers" not in statements[0]


@pytest.fixture
def desk(db_app):
    """A coordinator signed in, and the same person as leads #kept and #duplicate."""
    client = staff_client(db_app, "desk@clinic.test", "staff", name="Dana Desk")
    staff_id = client.staff_id
    other_id = make_staff(db_app, "other@clinic.test", role="staff", name="Olly Other")
    kept = make_lead(
        db_app, name="Zoë Example", email="zoe@example.com", audit=("view",), phone="", direct=True
    )
    duplicate = make_lead(
        db_app,
        name="Zoe Example",
        email="ZOE@example.com",
        notes=("Called: she prefers evenings.",),
        audit=("view", "update"),
        phone="",
        direct=True,
    )
    when = utcnow() - timedelta(days=2)
    with db_app.app_context():
        lead = db.session.get(Lead, duplicate)
        lead.outcome = "clinician_review"
        lead.status = "contacted"
        lead.follow_up_at = utcnow() + timedelta(days=1)
        note = db.session.scalars(select(LeadNote).where(LeadNote.lead_id == duplicate)).one()
        note.author_id, note.created_at = other_id, when
        db.session.add(
            LeadNote(lead_id=duplicate, author_id=other_id, kind="status", text="new → contacted")
        )
        db.session.commit()
    return client, staff_id, other_id, kept, duplicate, when


def checked_choices(html: str) -> dict[str, str]:
    """The merge page's radios as drawn (the defaults), as a browser would send them."""
    return dict(re.findall(r'type="radio" id="[^"]*" name="([^"]+)" value="([^"]+)" checked', html))


def _merge(client, kept: int, duplicate: int, **choices: str):
    page = client.get(f"/staff/leads/{kept}/merge/{duplicate}")
    token = csrf_token(client.get(f"/staff/leads/{kept}").get_data(as_text=True))
    data = {**checked_choices(page.get_data(as_text=True)), **choices, "csrf_token": token}
    return page, client.post(f"/staff/leads/{kept}/merge/{duplicate}", data=data)


def _audit(app) -> list[tuple[str, int | None, dict | None]]:
    with app.app_context():
        return [
            (e.action, e.lead_id, e.data)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            if e.action != "view" or e.staff_email == "desk@clinic.test"
        ]


def test_the_lead_page_flags_the_duplicate_with_a_merge_action(db_app, desk):
    client, _staff, _other, kept, duplicate, _when = desk
    page = client.get(f"/staff/leads/{kept}").get_data(as_text=True)
    assert re.search(
        rf'Possible duplicate:</strong> <a href="/staff/leads/{duplicate}">lead #{duplicate}</a> '
        r"\(same email\), received",
        page,
    )
    assert f'href="/staff/leads/{kept}/merge/{duplicate}"' in page
    assert f"Merge #{duplicate} into this lead…" in page
    assert f'href="/staff/leads/{kept}/contact"' in page  # and the correction, beside it


def test_merging_moves_the_notes_closes_the_duplicate_and_keeps_both_audit_trails(db_app, desk):
    client, staff_id, other_id, kept, duplicate, when = desk
    before = _audit(db_app)
    page, response = _merge(client, kept, duplicate)
    assert page.status_code == 200
    confirm = page.get_data(as_text=True)
    assert f"Merge lead #{duplicate} into lead #{kept}?" in confirm
    assert "Zoe Example" in confirm and "Zoë Example" in confirm
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/leads/{kept}")
    with db_app.app_context():
        moved = db.session.scalars(
            select(LeadNote).where(LeadNote.lead_id == kept, LeadNote.kind == "note")
        ).one()
        assert moved.text == "Called: she prefers evenings."
        assert (moved.author_id, moved.created_at) == (other_id, when)  # author and time kept
        merge_note = db.session.scalars(
            select(LeadNote).where(LeadNote.lead_id == kept, LeadNote.kind == "merge")
        ).one()
        assert merge_note.author_id == staff_id
        assert merge_note.text.startswith(f"Merged from lead #{duplicate}, received ")
        assert "Its answers’ outcome: Clinician review." in merge_note.text
        gone = db.session.get(Lead, duplicate)
        assert (gone.merged_into_id, gone.status, gone.follow_up_at) == (kept, "closed", None)
        assert gone.answers and gone.reasons is not None  # its answers stay readable
        history = [n.text for n in gone.notes]  # its own status history stays with it
        assert history == ["new → contacted", "contacted → closed"]
    after = _audit(db_app)
    assert after[: len(before)] == before  # nothing of either trail removed
    assert [row for row in after[len(before) :] if row[0] != "view"] == [
        ("merge", kept, {"from": duplicate, "into": kept, "chosen": {"name": "duplicate"}})
    ]
    landed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Lead #{duplicate} was merged into this lead" in landed
    assert "Possible duplicate:" not in landed  # the merged one is no duplicate any more
    merged_page = client.get(f"/staff/leads/{duplicate}").get_data(as_text=True)
    assert f"Merged into lead #{kept}." in merged_page
    assert "Correct contact details…" not in merged_page and "Merge #" not in merged_page


@pytest.mark.parametrize("case", ["itself", "twice", "into_merged", "not_duplicates"])
def test_bad_merges_are_refused_clearly_and_write_nothing(db_app, desk, case):
    client, _staff, _other, kept, duplicate, _when = desk
    stranger = make_lead(
        db_app, name="Another Person", email="another@example.com", phone="", direct=True
    )
    if case in ("twice", "into_merged"):
        assert _merge(client, kept, duplicate)[1].status_code == 303
    target, source, words = {
        "itself": (kept, kept, "A lead cannot be merged into itself."),
        "twice": (kept, duplicate, f"Lead #{duplicate} was already merged into lead #{kept}."),
        "into_merged": (
            duplicate,
            make_lead(db_app, name="Zoe", email="zoe@example.com", phone="", direct=True),
            f"Lead #{duplicate} was itself merged into lead #{kept}: merge into that lead instead.",
        ),
        "not_duplicates": (
            kept,
            stranger,
            f"Lead #{stranger} and lead #{kept} share no email or phone number",
        ),
    }[case]
    before = _audit(db_app)
    with db_app.app_context():
        notes_before = db.session.scalar(select(func.count()).select_from(LeadNote))
    page, response = _merge(client, target, source)
    for answer in (page, response):
        assert answer.status_code == 409
        html = answer.get_data(as_text=True)
        assert "This merge cannot be made" in html and words in html
        assert '<button type="submit" class="button">Merge' not in html
    assert [row for row in _audit(db_app)[len(before) :] if row[0] != "view"] == []
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LeadNote)) == notes_before


def test_a_merge_of_unknown_leads_or_without_the_csrf_token_is_refused(db_app, desk):
    client, _staff, _other, kept, duplicate, _when = desk
    assert client.get(f"/staff/leads/{kept}/merge/999999").status_code == 404
    assert client.post(f"/staff/leads/999999/merge/{duplicate}").status_code in (400, 404)
    assert client.post(f"/staff/leads/{kept}/merge/{duplicate}").status_code == 400
    with db_app.app_context():
        assert db.session.get(Lead, duplicate).merged_into_id is None


def test_leads_merged_into_the_duplicate_follow_it_to_the_kept_lead(db_app, desk):
    client, _staff, _other, kept, duplicate, _when = desk
    older = make_lead(db_app, name="Zoe", email="zoe@example.com", phone="", direct=True)
    assert _merge(client, duplicate, older)[1].status_code == 303  # older → duplicate
    assert _merge(client, kept, duplicate)[1].status_code == 303  # duplicate → kept
    with db_app.app_context():
        assert db.session.get(Lead, older).merged_into_id == kept
        kept_notes = [n.kind for n in db.session.get(Lead, kept).notes]
        assert kept_notes.count("merge") == 2  # the earlier merge's note came along
