"""Working a lead from its page: record a call, assign it, set its follow-up, correct a note.

A call recorded as "Booked" books its appointment in the same transaction
(leads/appointments.py: the appointment, its emails, its history note and the
status "booked"); it then comes back to the lead, whose top says whether the person
was emailed or must be told, rather than opening the next call.

Each action is one POST, one transaction and one audit row (with its data as ids
and codes, never the person's details or a note's words), answered with a 303
back to the lead page that keeps the list's filters. A form sent with errors
re-renders the page (422) naming each error; nothing is written.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.dbtypes import utcnow
from core.extensions import db
from leads import appointments
from leads.appointments import KIND_LABELS, AppointmentRefused
from leads.models import Appointment, Lead, LeadNote
from leads.service import deliver_after_response
from leads.status import apply_status, note_first_contact
from staff.console.audit import record, record_view
from staff.console.blueprint import bp
from staff.console.labels import CALL_OUTCOME_LABELS, STATUS_LABELS
from staff.console.lookups import get_or_404
from staff.leads.appointment_forms import BookingCallForm
from staff.leads.calls import CALLS_ARG, EVERYONE, next_call, opened_from
from staff.leads.lead_page import back_to_lead, coming_follow_up, render_lead_page
from staff.leads.panels import told_words
from staff.leads.work_forms import AssignForm, FollowUpForm, NoteEditForm
from web.formatting import local_datetime

#: The notes a person wrote (and so may correct); status notes are the system's record.
CORRECTABLE_KINDS = ("note", "call")


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@bp.post("/leads/<id:lead_id>/call")
def record_call(lead_id: int):
    """The call's outcome, note, status, next follow-up (and booking), together: one ``call``
    row (and, for a booking, its ``appointment`` row)."""
    lead = get_or_404(Lead, lead_id)
    form = BookingCallForm()
    form.offered = coming_follow_up(lead)
    if not form.validate():
        return render_lead_page(lead, status=422, call_form=form)
    outcome = form.call_outcome.data
    follow_up = form.follow_up()
    was_due = lead.follow_up_at
    db.session.add(
        LeadNote(
            lead_id=lead.id,
            author_id=current_user.id,
            kind="call",
            call_outcome=outcome,
            text=form.call_note.data or "",
        )
    )
    booking = None  # the call first, its booking above it in the timeline (newest first)
    if form.books():
        try:
            booking = appointments.book_in_session(
                lead,
                form.starts_at(),
                form.minutes(),
                # Not sent (a program's POST): the kind the lead's result calls for.
                form.call_appointment_kind.data
                if form.call_appointment_kind.raw_data
                else appointments.kind_for(lead),
                by=current_user.id,
            )
        except AppointmentRefused:  # the time passed between the form's check and now
            db.session.rollback()
            form.call_appointment_at.errors.append(
                _("Choose a time from now on: that one has passed.")
            )
            return render_lead_page(lead, status=422, call_form=form)
    note_first_contact(lead)
    change = (
        None if booking else apply_status(lead, form.call_status.data, author_id=current_user.id)
    )
    lead.follow_up_at = follow_up
    status_to = (
        change.after if change else ("booked" if booking and booking.status_changed else None)
    )
    record(
        "call",
        lead_id=lead.id,
        detail=f"call {outcome}; status {status_to or 'unchanged'}; follow-up {_iso(follow_up)}",
        data={"outcome": outcome, "status_to": status_to, "follow_up": _iso(follow_up)},
    )
    db.session.commit()
    said = [_("Call recorded: %(outcome)s.", outcome=CALL_OUTCOME_LABELS[outcome])]
    if booking:
        appointment = db.session.get(Appointment, booking.appointment_id)
        said.append(
            _(
                "Appointment booked: %(kind)s on %(when)s.",
                kind=KIND_LABELS.get(appointment.kind, appointment.kind),
                when=local_datetime(appointment.starts_at),
            )
        )
    if status_to:
        said.append(_("Status changed to %(status)s.", status=STATUS_LABELS[status_to]))
    if follow_up:
        said.append(_("Next follow-up %(when)s.", when=local_datetime(follow_up)))
    if booking:
        said.append(told_words(booking.emailed, lead))
    flash(" ".join(said))
    if booking:  # stay with this person: the message says whether to tell them yourself
        return deliver_after_response(back_to_lead(lead.id), booking.message_ids)
    return deliver_after_response(
        _after_the_call(lead.id, was_due, form.call_next.data == "1"),
        change.message_ids if change else (),
    )


def _after_the_call(lead_id: int, was_due, then_next: bool):
    """Back to the lead, or ("save and next", from the call list) on to the next call."""
    who = opened_from()
    if not (then_next and who):
        return back_to_lead(lead_id)
    following = next_call(who, lead_id, was_due)
    if following is None:
        flash(_("That was the last call due."))
        return redirect(url_for(".calls", who=who if who == EVERYONE else None), code=303)
    return redirect(url_for(".lead_detail", lead_id=following, **{CALLS_ARG: who}), code=303)


@bp.post("/leads/<id:lead_id>/assign")
def assign(lead_id: int):
    """Give the lead to someone (or to nobody); nothing is written when it does not change."""
    lead = get_or_404(Lead, lead_id)
    form = AssignForm()
    if not form.validate():
        return render_lead_page(lead, status=422, assign_form=form)
    user = form.assignee_user
    if (user.id if user else None) != lead.assigned_to_id:
        lead.assigned_to_id = user.id if user else None
        record(
            "assign",
            lead_id=lead.id,
            detail=f"assigned to staff {user.id}" if user else "unassigned",
            data={"to": user.id if user else None, "to_name": user.display_name if user else ""},
        )
        db.session.commit()
    if user is None:
        flash(_("Nobody is assigned to this lead now."))
    elif user.id == current_user.id:
        flash(_("This lead is assigned to you."))
    else:
        flash(_("This lead is assigned to %(name)s.", name=user.display_name))
    return back_to_lead(lead.id)


@bp.post("/leads/<id:lead_id>/follow-up")
def set_follow_up(lead_id: int):
    """Set or clear the next follow-up on its own (a call sets it with the call)."""
    lead = get_or_404(Lead, lead_id)
    form = FollowUpForm()
    if not form.validate():
        return render_lead_page(lead, status=422, follow_up_form=form)
    moment = form.follow_up()
    if moment != lead.follow_up_at:
        lead.follow_up_at = moment
        record(
            "follow_up",
            lead_id=lead.id,
            detail=f"follow-up {_iso(moment) or 'cleared'}",
            data={"at": _iso(moment)},
        )
        db.session.commit()
    if moment:
        flash(_("Next follow-up %(when)s.", when=local_datetime(moment)))
    else:
        flash(_("No follow-up is set now."))
    return back_to_lead(lead.id)


def _own_note(lead: Lead, note_id: int) -> LeadNote:
    """The signed-in person's note on this lead: 404 when there is none, 403 when not theirs."""
    note = get_or_404(LeadNote, note_id, lead_id=lead.id)
    if note.kind not in CORRECTABLE_KINDS:
        abort(404)
    if note.author_id != current_user.id:
        abort(403, description=_("Only the person who wrote a note can correct it."))
    return note


@bp.get("/leads/<id:lead_id>/notes/<id:note_id>/edit")
def edit_note(lead_id: int, note_id: int):
    """The lead page with the note open for correcting, in its place among the notes."""
    lead = get_or_404(Lead, lead_id)
    note = _own_note(lead, note_id)
    record_view(lead.id)
    db.session.commit()
    return render_lead_page(lead, editing=note)


@bp.post("/leads/<id:lead_id>/notes/<id:note_id>/edit")
def save_note(lead_id: int, note_id: int):
    """Correct a note: its earlier words stay on the lead, the audit row names only the note."""
    lead = get_or_404(Lead, lead_id)
    note = _own_note(lead, note_id)
    form = NoteEditForm()
    if not form.validate():
        return render_lead_page(lead, status=422, editing=note, edit_form=form)
    if form.text.data != note.text:
        written = note.edited_at or note.created_at
        note.earlier_texts = [
            *(note.earlier_texts or []),
            {"text": note.text, "at": written.isoformat()},
        ]
        note.text = form.text.data
        note.edited_at = utcnow()
        record("note_edit", lead_id=lead.id, detail=f"note {note.id}", data={"note": note.id})
        db.session.commit()
        flash(_("Note corrected. Its earlier words are kept with it."))
    return back_to_lead(lead.id, anchor=f"note-{note.id}")
