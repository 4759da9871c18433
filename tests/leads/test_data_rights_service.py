"""A person's data rights in the leads layer: found by email in any case or by phone written
any way, exported with nothing of anyone else, erased with only their rows, audited without
their data. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead, LeadNote, OutboxMessage
from leads.service import (
    EXPORT_FORMAT,
    HeldDataChanged,
    Person,
    erase_person,
    export_document,
    find_person,
)
from tests.factories import make_lead

ZOE = {"name": "Zoë Example", "email": "Zoe.Example@Mail.test", "phone": "+12025550123"}
OTHER = {"name": "Olaf Other", "email": "olaf@mail.test", "phone": "+12025550199"}


def _people(app) -> tuple[list[int], int]:
    """Zoë's two leads (one by email only, one by phone only) and Olaf's one."""
    by_email = make_lead(
        app,
        name=ZOE["name"],
        email=ZOE["email"],
        notes=("Called Zoë, no answer.", "Zoë prefers mornings."),
        notifications=("clinic_email", "webhook"),
        audit=("view", "note"),
        phone="",
        direct=True,
    )
    by_phone = make_lead(
        app,
        name=ZOE["name"],
        phone=ZOE["phone"],
        notes=("Second request by phone.",),
        notifications=("clinic_email",),
        audit=("view",),
        lang="es",
        email="",
        direct=True,
    )
    other = make_lead(
        app,
        name=OTHER["name"],
        email=OTHER["email"],
        phone=OTHER["phone"],
        notes=("Olaf called back.",),
        notifications=("clinic_email",),
        audit=("view",),
        direct=True,
    )
    return [by_email, by_phone], other


def _found_ids(app, **typed) -> tuple[int, ...]:
    with app.test_request_context():
        return find_person(Person.of(**typed)).lead_ids


def test_an_email_in_another_case_and_a_phone_written_three_ways_find_the_same_leads(
    app_factory,
):
    app = app_factory(PHONE_DEFAULT_REGION="US")
    (by_email, by_phone), other = _people(app)

    assert _found_ids(app, email="  zoe.example@MAIL.TEST ") == (by_email,)
    for written in ("(202) 555 0123", "+1 202 555 0123", "2025550123"):
        assert _found_ids(app, phone=written) == (by_phone,), written
    assert _found_ids(app, email="ZOE.EXAMPLE@mail.test", phone="202-555-0123") == (
        by_email,
        by_phone,
    )
    assert other not in _found_ids(app, email="zoe.example@mail.tes", phone="2025550124")
    assert _found_ids(app, email="nobody@mail.test") == ()


def test_a_phone_that_is_not_one_is_refused(app):
    with app.app_context():
        for typed in ("call me", "12", "+1 202 555 0123 0000 0000 0000 0000 0000 0000"):
            with pytest.raises(ValueError):
                Person.of(phone=typed)


def test_the_export_holds_leads_notes_notifications_and_audit_mentions_and_no_one_else(
    app_factory,
):
    app = app_factory()
    (by_email, by_phone), other = _people(app)
    with app.test_request_context():
        held = find_person(Person.of(email=ZOE["email"], phone="(202) 555-0123"))
        document = export_document(held, exported_by="Ada Admin")
    text = json.dumps(document, ensure_ascii=False)

    assert document["format"] == EXPORT_FORMAT
    assert document["exported_by"] == "Ada Admin" and document["exported_at"]
    assert [lead["id"] for lead in document["leads"]] == [by_email, by_phone]
    first = document["leads"][0]
    assert first["email"] == ZOE["email"] and first["name"] == ZOE["name"]
    assert first["answers"]["scar_types"] and first["decision"]["outcome"] == "book_consultation"
    assert first["consent"]["version"] and "stores my name" in first["consent"]["wording"]
    # The consent in the words that person agreed to: the second lead was in Spanish.
    assert "I agree" not in document["leads"][1]["consent"]["wording"]
    assert {note["text"] for note in document["notes"]} == {
        "Called Zoë, no answer.",
        "Zoë prefers mornings.",
        "Second request by phone.",
    }
    assert sorted(m["kind"] for m in document["notifications"]) == [
        "clinic_email",
        "clinic_email",
        "webhook",
    ]
    assert all(m["status"] == "pending" and m["queued_at"] for m in document["notifications"])
    assert sorted((e["lead_id"], e["action"]) for e in document["audit_mentions"]) == sorted(
        [(by_email, "view"), (by_email, "note"), (by_phone, "view")]
    )
    assert document["counts"] == {"leads": 2, "notes": 3, "notifications": 3, "audit_mentions": 3}
    for theirs in (*OTHER.values(), "Olaf called back.", f'"lead_id": {other}'):
        assert theirs not in text


def test_erasing_removes_that_persons_rows_only_and_audits_it_without_their_data(app_factory):
    app = app_factory()
    (by_email, by_phone), other = _people(app)
    with app.test_request_context():
        counts = erase_person(
            Person.of(email=ZOE["email"], phone=ZOE["phone"]), {by_email, by_phone}, actor=None
        )
    assert (counts.leads, counts.notes, counts.notifications) == (2, 3, 3)

    with app.app_context():
        assert db.session.scalars(select(Lead.id)).all() == [other]
        assert set(db.session.scalars(select(LeadNote.lead_id))) == {other}
        assert set(db.session.scalars(select(OutboxMessage.lead_id))) == {other}
        erasures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "erase")).all()
        assert [e.detail for e in erasures] == [
            "erased 2 leads, 3 notes, 3 notifications after a data request"
        ]
        assert erasures[0].lead_id is None
        # Earlier audit rows keep their lead numbers: they hold nobody's data.
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.lead_id == by_email)
            )
            == 2
        )
        details = " ".join(db.session.scalars(select(AuditEvent.detail)))
    for personal in ("zoe", "Zoë", "2025550123", "mail.test"):
        assert personal.lower() not in details.lower()


def test_nothing_is_erased_when_what_is_held_changed_since_the_confirmation(app_factory):
    app = app_factory()
    (by_email, _by_phone), _other = _people(app)
    with app.test_request_context():
        person = Person.of(email=ZOE["email"], phone=ZOE["phone"])
        with pytest.raises(HeldDataChanged) as refused:
            erase_person(person, {by_email}, actor=None)  # the phone lead was not confirmed
        db.session.rollback()
        assert refused.value.held.counts.leads == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 3
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "erase")
            )
            == 0
        )


def test_the_export_holds_the_persons_appointments_calls_and_corrected_notes(app_factory):
    """What the front desk records about a person is theirs too (format data-request/2)."""
    app = app_factory()
    (by_email, _by_phone), _other = _people(app)
    starts_at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    with app.app_context():
        db.session.add(Appointment(lead_id=by_email, starts_at=starts_at, kind="consultation"))
        note = db.session.scalars(
            select(LeadNote).where(LeadNote.lead_id == by_email).order_by(LeadNote.id)
        ).first()
        note.kind, note.call_outcome = "call", "no_answer"
        note.earlier_texts = [{"text": "Called Zoe, no anser.", "at": "2026-12-01T09:00:00+00:00"}]
        note.edited_at = utcnow()
        db.session.commit()
    with app.test_request_context():
        document = export_document(find_person(Person.of(email=ZOE["email"])), exported_by="A")

    assert document["format"] == "data-request/3"
    [appointment] = document["leads"][0]["appointments"]
    assert appointment["kind"] == "consultation" and appointment["minutes"] == 30
    assert appointment["starts_at"] == starts_at.isoformat()
    [call] = [n for n in document["notes"] if n["kind"] == "call"]
    assert call["call_outcome"] == "no_answer" and call["corrected_at"]
    assert call["earlier_texts"][0]["text"] == "Called Zoe, no anser."
