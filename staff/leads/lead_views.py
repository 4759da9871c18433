"""A lead's own page and its plainest actions: status, notes, deletion."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.extensions import db
from leads.models import Lead, LeadNote
from leads.service import (
    BookedWithoutAppointment,
    delete_lead,
    deliver_after_response,
)
from leads.service import change_status as change_lead_status
from staff.console.audit import record, record_view
from staff.console.blueprint import allowed_if, bp
from staff.console.confirm import confirm_page
from staff.console.forms import ConfirmForm
from staff.console.labels import STATUS_LABELS
from staff.console.lookups import get_or_404
from staff.leads.forms import NoteForm, StatusForm
from staff.leads.lead_page import back_to_lead, render_lead_page

#: Deleting is a permission an admin gives (admins have it).
delete_allowed = allowed_if(
    "may_delete",
    _l(
        "Deleting a person’s data needs the permission to delete. Ask a clinic admin to "
        "give it to you."
    ),
)


@bp.get("/leads/<id:lead_id>")
def lead_detail(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    if request.method == "GET":  # not when a failed appointment form shows the page again
        record_view(lead.id)
        db.session.commit()
    return render_lead_page(lead)


@bp.post("/leads/<id:lead_id>/status")
def change_status(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    form = StatusForm()
    if not form.validate():
        return render_lead_page(lead, status=422, status_form=form)
    # The note, one audit row and the webhook event with it (the API's way too).
    try:
        change = change_lead_status(lead, form.status.data, author_id=current_user.id)
    except BookedWithoutAppointment:
        form.status.errors.append(
            _(
                "“Booked” needs an appointment: book it under Appointments (or record a "
                "call as booked), and the status follows."
            )
        )
        return render_lead_page(lead, status=422, status_form=form)
    if change is not None:
        flash(_("Status changed to %(status)s.", status=STATUS_LABELS[change.after]))
    return deliver_after_response(back_to_lead(lead_id), change.message_ids if change else ())


@bp.post("/leads/<id:lead_id>/notes")
def add_note(lead_id: int):
    lead = get_or_404(Lead, lead_id)
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
    lead = get_or_404(Lead, lead_id)
    record("view", lead_id=lead.id)
    db.session.commit()
    return confirm_page(
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
    get_or_404(Lead, lead_id)
    if not ConfirmForm().validate():
        abort(400)
    delete_lead(lead_id)
    record("delete", lead_id=lead_id, detail="on request")
    db.session.commit()
    flash(_("Lead #%(id)d and all its personal data were deleted.", id=lead_id))
    return redirect(url_for(".leads"), code=303)
