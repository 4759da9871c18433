"""The leads list (filters, search, pages), a lead's detail, status and notes, CSV export."""

from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, or_, select

from core.extensions import db
from leads.models import Lead, LeadNote
from leads.service import CONTACT_TIME_LABELS, consent_text, delete_lead
from signoff.service import signoff_of
from staff import export
from staff.answers import readable_answers
from staff.audit import record
from staff.blueprint import admin_required, bp
from staff.filters import (
    escape_like,
    filter_args,
    filters_from_query,
    on_days,
    page_number,
    past_the_last_page,
)
from staff.forms import (
    OUTCOME_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    ConfirmForm,
    LeadFilterForm,
    NoteForm,
    StatusForm,
)


def filtered_leads(form: LeadFilterForm) -> Select:
    """The leads matching the list's filters, newest first."""
    query = select(Lead).order_by(Lead.created_at.desc(), Lead.id.desc())
    if form.outcome.data in OUTCOME_LABELS:
        query = query.where(Lead.outcome == form.outcome.data)
    if form.status.data in STATUS_LABELS:
        query = query.where(Lead.status == form.status.data)
    query = query.where(*on_days(Lead.created_at, form.date_from.data, form.date_to.data))
    text = (form.q.data or "").strip()
    if text:
        like = f"%{escape_like(text.lower())}%"
        conditions = [
            db.func.lower(Lead.name).like(like, escape="\\"),
            db.func.lower(Lead.email).like(like, escape="\\"),
        ]
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 3:
            conditions.append(Lead.phone.like(f"%{digits}%"))
        query = query.where(or_(*conditions))
    return query


@bp.get("/")
@bp.get("/leads")
def leads():
    form = filters_from_query(LeadFilterForm)
    page = db.paginate(
        filtered_leads(form),
        page=page_number(),
        per_page=_per_page(),
        error_out=False,
    )
    last = past_the_last_page(page)
    if last is not None:
        return redirect(url_for(".leads", **filter_args(form), page=last if last > 1 else None))
    return render_template(
        "staff/leads.html",
        form=form,
        page=page,
        filter_args=filter_args(form),
        labels={"outcome": OUTCOME_LABELS, "status": STATUS_LABELS, "source": SOURCE_LABELS},
    )


def _per_page() -> int:
    return current_app.config["LEADS_PER_PAGE"]


@bp.get("/leads.csv")
def export_csv():
    form = filters_from_query(LeadFilterForm)
    rows = db.session.scalars(filtered_leads(form)).all()
    record("export", detail=f"{len(rows)} leads; filters {filter_args(form)}"[:255])
    db.session.commit()
    return export.csv_response(rows)


def _lead_or_404(lead_id: int) -> Lead:
    lead = db.session.get(Lead, lead_id)
    if lead is None:
        abort(404)
    return lead


@bp.get("/leads/<id:lead_id>")
def lead_detail(lead_id: int):
    lead = _lead_or_404(lead_id)
    record("view", lead_id=lead.id)
    db.session.commit()
    return _render_detail(lead, StatusForm(status=lead.status), NoteForm())


def _render_detail(lead: Lead, status_form: StatusForm, note_form: NoteForm, status: int = 200):
    return (
        render_template(
            "staff/lead_detail.html",
            lead=lead,
            answers=readable_answers(lead.answers),
            status_form=status_form,
            note_form=note_form,
            delete_form=ConfirmForm(),
            consent=consent_text(lead.consent_version),
            signoff=signoff_of(lead.rulebase_sha256),
            contact_time=CONTACT_TIME_LABELS.get(lead.contact_time, lead.contact_time),
            labels={"outcome": OUTCOME_LABELS, "status": STATUS_LABELS, "source": SOURCE_LABELS},
        ),
        status,
    )


@bp.post("/leads/<id:lead_id>/status")
def change_status(lead_id: int):
    lead = _lead_or_404(lead_id)
    form = StatusForm()
    if not form.validate():
        return _render_detail(lead, form, NoteForm(), 422)
    if form.status.data != lead.status:
        before = lead.status
        lead.status = form.status.data
        db.session.add(
            LeadNote(
                lead_id=lead.id,
                author_id=current_user.id,
                kind="status",
                text=f"{before} → {lead.status}",
            )
        )
        record("update", lead_id=lead.id, detail=f"status {before} -> {lead.status}")
        db.session.commit()
        flash(_("Status changed to %(status)s.", status=STATUS_LABELS[lead.status]))
    return redirect(url_for(".lead_detail", lead_id=lead.id), code=303)


@bp.post("/leads/<id:lead_id>/notes")
def add_note(lead_id: int):
    lead = _lead_or_404(lead_id)
    form = NoteForm()
    if not form.validate():
        return _render_detail(lead, StatusForm(status=lead.status), form, 422)
    db.session.add(
        LeadNote(lead_id=lead.id, author_id=current_user.id, kind="note", text=form.text.data)
    )
    record("note", lead_id=lead.id)
    db.session.commit()
    flash(_("Note added."))
    return redirect(url_for(".lead_detail", lead_id=lead.id, _anchor="notes"), code=303)


@bp.get("/leads/<id:lead_id>/delete")
@admin_required
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
@admin_required
def delete(lead_id: int):
    """Delete one person's data on their request (admins only); the audit keeps only the id."""
    _lead_or_404(lead_id)
    if not ConfirmForm().validate():
        abort(400)
    delete_lead(lead_id)
    record("delete", lead_id=lead_id, detail="on request")
    db.session.commit()
    flash(_("Lead #%(id)d and all its personal data were deleted.", id=lead_id))
    return redirect(url_for(".leads"), code=303)
