"""A lead's contact details corrected by staff; its possible duplicates, and merging them.

A person gives a wrong digit, a new email, a married name: staff correct it here
instead of asking them to fill the check in again. The old values stay on the
lead's own history (a "contact" note, erased with the lead), while the audit log
records only which fields changed, never the details themselves.

The lead page shows, through ``panels.contact_tools``, the link to the correction and
the other leads with the same email or phone (leads/duplicates.py), each with a
"merge into this lead" action: a confirmation page, then the merge itself
(leads/merge.py), which keeps every note and both leads' audit trails.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from leads.merge import (
    ALREADY_MERGED,
    INTO_MERGED,
    NOT_DUPLICATES,
    NOT_FOUND,
    SAME_LEAD,
    MergeRefused,
    check_merge,
    merge_leads,
)
from leads.models import CONTACT_TIME_LABELS, Lead, LeadNote
from leads.service import deliver_after_response
from staff.console.audit import record
from staff.console.blueprint import bp
from staff.console.forms import ConfirmForm
from staff.console.labels import OUTCOME_LABELS, STATUS_LABELS
from staff.console.lookups import get_or_404
from staff.leads.contact_forms import ContactCorrectionForm
from staff.leads.navigation import list_args
from staff.leads.panels import lead_url
from web.formatting import local_datetime, phone_display

#: The corrected fields, in the order the history note lists them.
CONTACT_FIELDS = ("name", "email", "phone", "contact_time")


# --- Correcting contact details ---------------------------------------------------------


def _render_edit(lead: Lead, form: ContactCorrectionForm, status: int = 200):
    return (
        render_template(
            "staff/leads/contact_edit.html",
            lead=lead,
            form=form,
            errors=form.error_summary(),
            action=url_for(".save_contact", lead_id=lead.id, **list_args()),
            cancel_url=lead_url(lead.id),
        ),
        status,
    )


@bp.get("/leads/<id:lead_id>/contact")
def edit_contact(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    form = ContactCorrectionForm(
        formdata=None,
        data={
            "name": lead.name,
            "email": lead.email,
            "phone": phone_display(lead.phone),
            "contact_time": lead.contact_time,
        },
    )
    return _render_edit(lead, form)


@bp.post("/leads/<id:lead_id>/contact")
def save_contact(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    form = ContactCorrectionForm()
    if not form.validate():
        return _render_edit(lead, form, 422)
    corrected = form.corrected()
    changed = [name for name in CONTACT_FIELDS if getattr(lead, name) != corrected[name]]
    if not changed:
        flash(_("Nothing was changed: the contact details were already these."))
        return redirect(lead_url(lead.id), code=303)
    db.session.add(
        LeadNote(
            lead_id=lead.id,
            author_id=current_user.id,
            kind="contact",
            text="\n".join(
                _history_line(name, getattr(lead, name), corrected[name]) for name in changed
            ),
        )
    )
    for name in changed:
        setattr(lead, name, corrected[name])
    record(
        "contact_change",
        lead_id=lead.id,
        detail="contact details corrected: " + ", ".join(changed),
        data={"fields": changed},
    )
    db.session.commit()
    flash(_("Contact details saved. The old ones are kept in the lead’s history."))
    return redirect(lead_url(lead.id), code=303)


def _history_line(name: str, old: str, new: str) -> str:
    """One line of the history note: "Email: old → new" ("–" for none)."""
    label = {
        "name": _("Name"),
        "email": _("Email"),
        "phone": _("Phone"),
        "contact_time": _("Best time"),
    }[name]
    if name == "phone":
        old, new = phone_display(old), phone_display(new)
    elif name == "contact_time":
        old, new = (str(CONTACT_TIME_LABELS.get(value, value)) for value in (old, new))
    return f"{label}: {old or '–'} → {new or '–'}"


# --- Merging a duplicate ------------------------------------------------------------------


def _refusal(reason: str, duplicate: Lead, kept: Lead) -> str:
    if reason == SAME_LEAD:
        return _("A lead cannot be merged into itself.")
    if reason == ALREADY_MERGED:
        return _(
            "Lead #%(id)d was already merged into lead #%(into)d.",
            id=duplicate.id,
            into=duplicate.merged_into_id,
        )
    if reason == INTO_MERGED:
        return _(
            "Lead #%(id)d was itself merged into lead #%(into)d: merge into that lead instead.",
            id=kept.id,
            into=kept.merged_into_id,
        )
    assert reason == NOT_DUPLICATES, reason
    return _(
        "Lead #%(id)d and lead #%(kept)d share no email or phone number, so they are not "
        "merged. If they are the same person, correct the contact details first.",
        id=duplicate.id,
        kept=kept.id,
    )


def _render_merge(kept: Lead, duplicate: Lead, refusal: str = "", status: int = 200):
    return (
        render_template(
            "staff/leads/merge_confirm.html",
            kept=kept,
            duplicate=duplicate,
            refusal=refusal,
            action=url_for(".merge", lead_id=kept.id, duplicate_id=duplicate.id, **list_args()),
            cancel_url=lead_url(kept.id),
            labels={"outcome": OUTCOME_LABELS, "status": STATUS_LABELS},
        ),
        status,
    )


def _pair_or_404(lead_id: int, duplicate_id: int) -> tuple[Lead, Lead]:
    return get_or_404(Lead, lead_id), get_or_404(Lead, duplicate_id)


@bp.get("/leads/<id:lead_id>/merge/<id:duplicate_id>")
def confirm_merge(lead_id: int, duplicate_id: int):
    """Ask before merging: what moves where, and what stays."""
    kept, duplicate = _pair_or_404(lead_id, duplicate_id)
    try:
        check_merge(duplicate, kept)
    except MergeRefused as refused:
        return _render_merge(kept, duplicate, _refusal(refused.reason, duplicate, kept), 409)
    return _render_merge(kept, duplicate)


@bp.post("/leads/<id:lead_id>/merge/<id:duplicate_id>")
def merge(lead_id: int, duplicate_id: int):
    kept, duplicate = _pair_or_404(lead_id, duplicate_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        merged = merge_leads(
            duplicate.id, kept.id, by_id=current_user.id, describe=_merged_from_note
        )
    except MergeRefused as refused:
        if refused.reason == NOT_FOUND:  # deleted since the page was opened
            abort(404)
        kept, duplicate = _pair_or_404(lead_id, duplicate_id)  # as they are now
        return _render_merge(kept, duplicate, _refusal(refused.reason, duplicate, kept), 409)
    flash(
        _(
            "Lead #%(id)d was merged into this lead: its notes are here now, and it is closed.",
            id=merged.duplicate_id,
        )
    )
    response = redirect(lead_url(merged.kept_id), code=303)
    return deliver_after_response(response, merged.message_ids)


def _merged_from_note(duplicate: Lead) -> str:
    """The kept lead's note about the merge: where it came from and what its answers gave."""
    return _(
        "Merged from lead #%(id)d, received %(received)s (status then: %(status)s). "
        "Its answers’ outcome: %(outcome)s.",
        id=duplicate.id,
        received=local_datetime(duplicate.created_at),
        status=STATUS_LABELS.get(duplicate.status, duplicate.status),
        outcome=OUTCOME_LABELS.get(duplicate.outcome, duplicate.outcome),
    )
