"""The lead page, assembled: the lead, every form a coordinator works it with, and its
panels. Every view that shows the page (again, with a form's errors) calls ``render_lead_page``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, redirect, render_template, url_for
from flask_babel import format_datetime, format_time

from core.clinic_time import in_clinic_time
from core.dbtypes import utcnow
from leads import appointments
from leads.models import CONTACT_TIME_LABELS, Lead, LeadNote
from leads.service import consent_text
from signoff.service import signoff_of
from staff.console.answers import readable_answers, reason_lines
from staff.console.forms import ConfirmForm
from staff.console.labels import CALL_OUTCOME_LABELS, OUTCOME_LABELS, SOURCE_LABELS, STATUS_LABELS
from staff.leads.appointment_forms import BookingCallForm
from staff.leads.forms import NoteForm, StatusForm
from staff.leads.navigation import lead_navigation, list_args
from staff.leads.panels import appointment_panel, contact_tools
from staff.leads.timeline import event_words, timeline
from staff.leads.work_forms import (
    SHORTCUT_LABELS,
    SHORTCUTS,
    UNASSIGNED,
    AssignForm,
    FollowUpForm,
    NoteEditForm,
    active_staff,
    tomorrow_morning,
)
from web.language import LocalizedForm


def _clinic_clock(moment: datetime | None) -> datetime | None:
    """A stored UTC time as the clinic's wall clock, for a datetime-local field."""
    return in_clinic_time(moment).replace(tzinfo=None) if moment else None


def coming_follow_up(lead: Lead) -> datetime | None:
    """The lead's follow-up when it is still ahead, to the minute (as the call form shows it)."""
    if lead.follow_up_at is None or lead.follow_up_at <= utcnow():
        return None
    return lead.follow_up_at.replace(second=0, microsecond=0)


def follow_up_choices() -> list[tuple[str, str, str]]:
    """The call form's quick follow-ups: value, words and (briefly) the moment each means now."""
    return [
        (value, str(SHORTCUT_LABELS[value]), format_datetime(make(), "EEE d MMM, HH:mm"))
        for value, make in SHORTCUTS.items()
    ]


def _shown_language(lang: str) -> str:
    """The language the person's pages spoke: theirs when offered, else the default."""
    offered = current_app.config["LANGUAGES"]
    return lang if lang in offered else current_app.config["BABEL_DEFAULT_LOCALE"]


@dataclass(frozen=True)
class EarlierVersion:
    at: datetime  # when these words were written (or last corrected)
    text: str


def earlier_versions(note: LeadNote) -> list[EarlierVersion]:
    """A corrected note's earlier words, newest first (stored oldest first, as ISO times)."""
    return [
        EarlierVersion(datetime.fromisoformat(earlier["at"]), earlier["text"])
        for earlier in reversed(note.earlier_texts or [])
    ]


def render_lead_page(
    lead: Lead,
    *,
    status: int = 200,
    editing: LeadNote | None = None,
    **sent: LocalizedForm,
) -> tuple[str, int]:
    """The lead page; ``sent`` holds a form sent with errors, shown in place of its empty one.

    Forms not sent are built from the lead, never from the request (``formdata=None``),
    so a call form sent with errors does not fill the note form with its words.
    """
    now = utcnow()
    coming = coming_follow_up(lead)
    forms = {
        "call_form": BookingCallForm(
            formdata=None,
            call_appointment_kind=appointments.kind_for(lead),
            call_status=lead.status,
            call_follow_up=_clinic_clock(coming),
            # No follow-up ahead: tomorrow morning is chosen, so a call is one click.
            call_then="" if coming else "tomorrow",
        ),
        "assign_form": AssignForm(formdata=None, assignee=str(lead.assigned_to_id or UNASSIGNED)),
        "follow_up_form": FollowUpForm(
            formdata=None, follow_up_at=_clinic_clock(lead.follow_up_at)
        ),
        "status_form": StatusForm(formdata=None, status=lead.status),
        "note_form": NoteForm(formdata=None),
        "edit_form": NoteEditForm(formdata=None, text=editing.text) if editing else None,
        **sent,
    }
    failed = next((form for form in sent.values() if form.errors), None)
    return (
        render_template(
            "staff/leads/lead_detail.html",
            lead=lead,
            **forms,
            failed=failed,
            editing=editing,
            keep=list_args(),
            nav=lead_navigation(lead.id),
            contact_tools=contact_tools(lead),
            appointment=appointment_panel(lead),
            reasons=reason_lines(lead.reasons),
            answers=readable_answers(lead.answers, lead.reasons, lead.rulebase_sha256),
            staff_choices=active_staff(),
            overdue=bool(lead.follow_up_at and lead.follow_up_at <= now),
            tomorrow_at=format_time(tomorrow_morning(), "short"),
            follow_up_choices=follow_up_choices(),
            delete_form=ConfirmForm(),
            consent=consent_text(lead.consent_version, lang=lead.lang),
            consent_lang=_shown_language(lead.lang),
            earlier_versions=earlier_versions,
            event_words=event_words,
            history=timeline(lead, editing),
            signoff=signoff_of(lead.rulebase_sha256),
            contact_time=CONTACT_TIME_LABELS.get(lead.contact_time, lead.contact_time),
            labels={
                "outcome": OUTCOME_LABELS,
                "status": STATUS_LABELS,
                "source": SOURCE_LABELS,
                "call": CALL_OUTCOME_LABELS,
            },
        ),
        status,
    )


def back_to_lead(lead_id: int, anchor: str | None = None):
    """The 303 back to the lead's page, keeping the list's filters (POST-redirect-GET)."""
    return redirect(
        url_for(".lead_detail", lead_id=lead_id, _anchor=anchor, **list_args()), code=303
    )
