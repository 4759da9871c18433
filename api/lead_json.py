"""A lead as the API shows it: a list item, or the whole lead with its decision and history."""

from __future__ import annotations

from typing import Any

from leads.models import Lead
from leads.service import status_history
from leads.verdict_models import Verdict
from leads.verdicts import is_missed_concern, verdict_history
from signoff.service import signoff_of


def _at(value) -> str:
    return value.isoformat()


def _at_or_none(value) -> str | None:
    return None if value is None else value.isoformat()


def lead_item(lead: Lead) -> dict[str, Any]:
    """What the list gives for each lead: who, how to reach them, where the lead stands."""
    return {
        "id": lead.id,
        "created_at": _at(lead.created_at),
        "updated_at": _at(lead.updated_at),
        "status": lead.status,
        "outcome": lead.outcome,
        "source": lead.source,
        "lang": lead.lang,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "contact_time": lead.contact_time,
        "message": lead.message,
        # Where the front desk is with it, so a CRM can show the same queue.
        "assigned_to": None if lead.assigned_to is None else lead.assigned_to.display_name,
        "follow_up_at": _at_or_none(lead.follow_up_at),
        "first_contacted_at": _at_or_none(lead.first_contacted_at),
        "merged_into": lead.merged_into_id,
        # Carried in the booking tool's link; the tool's booking events name the lead by it.
        "booking_reference": lead.booking_reference,
    }


def _author(note) -> str | None:
    """The member of staff's name; None for a program's change or a removed account."""
    return note.author.display_name if note.author is not None else None


def _decision(lead: Lead) -> dict[str, Any]:
    signed = signoff_of(lead.rulebase_sha256)
    return {
        "outcome": lead.outcome,
        "reasons": [
            {
                "key": reason.get("key", ""),
                "severity": reason.get("severity", ""),
                "rule": reason.get("rule", ""),
                "text": reason.get("text", ""),
            }
            for reason in lead.reasons
        ],
        "rulebase": {"version": lead.rulebase_version, "sha256": lead.rulebase_sha256},
        "sign_off": None
        if signed is None
        else {
            "signer_name": signed.signer_name,
            "signer_registration": signed.signer_registration,
            "signed_at": _at(signed.signed_at),
            "withdrawn_at": _at_or_none(signed.withdrawn_at),
        },
    }


def lead_detail(lead: Lead) -> dict[str, Any]:
    """The whole lead: answers, decision, consent, notes and calls, appointments and status
    history (oldest first)."""
    return {
        **lead_item(lead),
        "embed_origin": lead.embed_origin,
        "answers": lead.answers,
        "decision": _decision(lead),
        "consent": {"version": lead.consent_version, "consented_at": _at(lead.consented_at)},
        "notes": [
            {
                "id": note.id,
                "created_at": _at(note.created_at),
                "author": _author(note),
                "kind": note.kind,
                "call_outcome": note.call_outcome or None,
                "text": note.text,
                "edited_at": _at_or_none(note.edited_at),
            }
            for note in lead.notes
            if note.kind in ("note", "call")
        ],
        "appointments": [
            {
                "id": appointment.id,
                "starts_at": _at(appointment.starts_at),
                "duration_minutes": appointment.duration_minutes,
                "kind": appointment.kind,
                "cancelled_at": _at_or_none(appointment.cancelled_at),
                "booked_through": appointment.booking_tool or None,
            }
            for appointment in lead.appointments
        ],
        "status_history": [
            {"at": _at(note.created_at), "from": before, "to": after, "by": _author(note)}
            for note, before, after in status_history(lead)
        ],
        "verdict": lead_verdict(lead),
    }


def _verdict(lead: Lead, verdict: Verdict) -> dict[str, Any]:
    return {
        "outcome": verdict.outcome,
        "concerns": list(verdict.concerns),
        "unasked_concern": verdict.unasked_concern,
        "clinician": verdict.clinician_email,
        "examined_on": verdict.examined_on.isoformat(),
        "recorded_at": _at(verdict.recorded_at),
        "saw_check_first": verdict.saw_check_first,
        "cause": verdict.cause or None,
        "cause_question": verdict.cause_question or None,
        "cause_rule": verdict.cause_rule or None,
        "source": verdict.source,
        "missed_concern": is_missed_concern(lead.outcome, verdict.outcome),
    }


def lead_verdict(lead: Lead) -> dict[str, Any] | None:
    """The clinician's verdict on the lead (null until one is recorded), with the earlier
    verdicts it corrected, oldest first."""
    history = verdict_history(lead.id)
    if not history:
        return None
    *earlier, current = history
    return {
        **_verdict(lead, current),
        "earlier": [
            {**_verdict(lead, old), "replaced_at": _at(old.replaced_at)} for old in earlier
        ],
    }
