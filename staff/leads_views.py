"""The leads list (filters, search, pages), a lead's detail, status and notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from core.clinic_time import in_clinic_time
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead, LeadNote
from leads.service import (
    CONTACT_TIME_LABELS,
    consent_text,
    delete_lead,
    deliver_after_response,
)
from leads.service import change_status as change_lead_status
from signoff.service import signoff_of
from staff import lead_search
from staff.answers import readable_answers, reason_lines
from staff.appointment_views import appointment_panel
from staff.audit import record, record_view
from staff.blueprint import allowed_if, bp
from staff.contact_views import contact_tools
from staff.filters import filter_args, filters_from_query, page_number, past_the_last_page
from staff.forms import (
    OUTCOME_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    ConfirmForm,
    LeadFilterForm,
    NoteForm,
    StatusForm,
)
from staff.lead_navigation import filters_in_words, lead_navigation, list_args
from staff.lead_work_forms import (
    CALL_OUTCOME_LABELS,
    UNASSIGNED,
    AssignForm,
    CallForm,
    FollowUpForm,
    NoteEditForm,
    active_staff,
    tomorrow_morning,
)
from web.language import LocalizedForm

#: Exporting and deleting are permissions an admin gives (admins have both).
export_allowed = allowed_if(
    "may_export",
    _l("Exporting leads needs the permission to export. Ask a clinic admin to give it to you."),
)
delete_allowed = allowed_if(
    "may_delete",
    _l(
        "Deleting a person’s data needs the permission to delete. Ask a clinic admin to "
        "give it to you."
    ),
)


def filtered_leads(form: LeadFilterForm) -> Select:
    """The leads matching the list's filters, newest first (the list, its export, previous/next)."""
    return lead_search.filtered_leads(form)


@bp.get("/")
@bp.get("/leads")
def leads():
    form = filters_from_query(LeadFilterForm)
    page = db.paginate(
        filtered_leads(form).options(selectinload(Lead.assigned_to)),
        page=page_number(),
        per_page=_per_page(),
        error_out=False,
    )
    last = past_the_last_page(page)
    if last is not None:
        return redirect(url_for(".leads", **filter_args(form), page=last if last > 1 else None))
    args = filter_args(form)
    return render_template(
        "staff/leads.html",
        form=form,
        page=page,
        filter_args=args,
        # A lead's link carries the list (filters and page): its page leads back to it.
        lead_args={**args, "page": page.page} if page.page > 1 else args,
        in_words=filters_in_words(form),
        counts=lead_search.view_counts(),
        untouched=lead_search.untouched_for_hours(page.items),
        now=utcnow(),
        labels={"outcome": OUTCOME_LABELS, "status": STATUS_LABELS, "source": SOURCE_LABELS},
    )


def _per_page() -> int:
    return current_app.config["LEADS_PER_PAGE"]


def _lead_or_404(lead_id: int) -> Lead:
    lead = db.session.get(Lead, lead_id)
    if lead is None:
        abort(404)
    return lead


@bp.get("/leads/<id:lead_id>")
def lead_detail(lead_id: int):
    lead = _lead_or_404(lead_id)
    if request.method == "GET":  # not when a failed appointment form shows the page again
        record_view(lead.id)
        db.session.commit()
    return render_lead_page(lead)


def _clinic_clock(moment: datetime | None) -> datetime | None:
    """A stored UTC time as the clinic's wall clock, for a datetime-local field."""
    return in_clinic_time(moment).replace(tzinfo=None) if moment else None


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
    coming = lead.follow_up_at if lead.follow_up_at and lead.follow_up_at > now else None
    forms = {
        "call_form": CallForm(
            formdata=None, call_status=lead.status, call_follow_up=_clinic_clock(coming)
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
            "staff/lead_detail.html",
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
            delete_form=ConfirmForm(),
            consent=consent_text(lead.consent_version, lang=lead.lang),
            consent_lang=_shown_language(lead.lang),
            earlier_versions=earlier_versions,
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


@bp.post("/leads/<id:lead_id>/status")
def change_status(lead_id: int):
    lead = _lead_or_404(lead_id)
    form = StatusForm()
    if not form.validate():
        return render_lead_page(lead, status=422, status_form=form)
    # The note, one audit row and the webhook event with it (the API's way too).
    change = change_lead_status(lead, form.status.data, author_id=current_user.id)
    if change is not None:
        flash(_("Status changed to %(status)s.", status=STATUS_LABELS[change.after]))
    return deliver_after_response(back_to_lead(lead_id), change.message_ids if change else ())


@bp.post("/leads/<id:lead_id>/notes")
def add_note(lead_id: int):
    lead = _lead_or_404(lead_id)
    form = NoteForm()
    if not form.validate():
        return render_lead_page(lead, status=422, note_form=form)
    note = LeadNote(lead_id=lead.id, author_id=current_user.id, kind="note", text=form.text.data)
    db.session.add(note)
    db.session.flush()
    record("note", lead_id=lead.id, detail=f"note {note.id}", data={"note": note.id})
    db.session.commit()
    flash(_("Note added."))
    return back_to_lead(lead.id, anchor="notes")


@bp.get("/leads/<id:lead_id>/delete")
@delete_allowed
def confirm_delete(lead_id: int):
    """Ask before deleting: the button on the lead's page only leads here."""
    lead = _lead_or_404(lead_id)
    record("view", lead_id=lead.id)
    db.session.commit()
    return render_template(
        "staff/confirm.html",
        title=_("Delete lead #%(id)d for good?", id=lead.id),
        paragraphs=[
            _(
                "This deletes %(name)s’s details, answers, result and notes. It cannot be "
                "undone. The audit log keeps only the lead number.",
                name=lead.name,
            ),
        ],
        action=url_for(".delete", lead_id=lead.id),
        confirm_label=_("Yes, delete lead #%(id)d", id=lead.id),
        cancel_url=url_for(".lead_detail", lead_id=lead.id),
    )


@bp.post("/leads/<id:lead_id>/delete")
@delete_allowed
def delete(lead_id: int):
    """Delete one person's data on their request (with the permission); the audit keeps its id."""
    _lead_or_404(lead_id)
    if not ConfirmForm().validate():
        abort(400)
    delete_lead(lead_id)
    record("delete", lead_id=lead_id, detail="on request")
    db.session.commit()
    flash(_("Lead #%(id)d and all its personal data were deleted.", id=lead_id))
    return redirect(url_for(".leads"), code=303)
