"""Admin pages: the audit log (who did what, filtered) and the outbox (notifications still
to send, or given up on)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, url_for
from sqlalchemy import Select, func, select

from core.extensions import db
from leads.models import OutboxMessage
from leads.service import outbox
from staff.clinic.audit_forms import AuditFilterForm
from staff.console.audit import sentence as audit_sentence
from staff.console.blueprint import admin_required, bp
from staff.console.filters import (
    escape_like,
    filter_args,
    filters_from_query,
    on_days,
    page_number,
    past_the_last_page,
)
from staff.console.labels import (
    ACTION_LABELS,
    NOTIFICATION_KIND_LABELS,
    NOTIFICATION_STATE_LABELS,
)
from staff.models import AuditEvent


def filtered_audit_events(form: AuditFilterForm) -> Select:
    """The audit events matching the log's filters, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    who = (form.who.data or "").strip().lower()
    if who:
        query = query.where(
            func.lower(AuditEvent.staff_email).like(f"%{escape_like(who)}%", escape="\\")
        )
    if form.action.data in ACTION_LABELS:
        query = query.where(AuditEvent.action == form.action.data)
    if form.lead.data:
        query = query.where(AuditEvent.lead_id == form.lead.data)
    return query.where(*on_days(AuditEvent.at, form.date_from.data, form.date_to.data))


@bp.get("/admin/audit")
@admin_required
def audit_log():
    """Who did what, filtered by staff member, action, lead and days (a lead's trail, say)."""
    form = filters_from_query(AuditFilterForm)
    page = db.paginate(
        filtered_audit_events(form),
        page=page_number(),
        per_page=50,
        error_out=False,
    )
    last = past_the_last_page(page)
    if last is not None:
        return redirect(url_for(".audit_log", **filter_args(form), page=last if last > 1 else None))
    return render_template(
        "staff/clinic/audit.html",
        form=form,
        page=page,
        filter_args=filter_args(form),
        action_labels=ACTION_LABELS,
        sentence=audit_sentence,  # each row's action and data as a sentence (console/audit.py)
    )


@bp.get("/admin/outbox")
@admin_required
def outbox_status():
    messages = db.session.scalars(
        select(OutboxMessage)
        # Still to deliver, or given up on; not sent nor skipped (no longer wanted, e.g.
        # the reminder of an appointment since moved or cancelled).
        .where(OutboxMessage.status.in_(("pending", "dead")))
        .order_by(OutboxMessage.id.desc())
        .limit(200)
    ).all()
    config = current_app.config
    kinds = outbox.kinds_for("someone@example.com")  # what a lead with an email would get
    return render_template(
        "staff/clinic/outbox.html",
        messages=messages,
        kind_labels=NOTIFICATION_KIND_LABELS,
        state_labels=NOTIFICATION_STATE_LABELS,
        clinic_email=config["CLINIC_NOTIFY_EMAIL"] if "clinic_email" in kinds else "",
        confirmations="confirmation_email" in kinds,
        # Only the host: a webhook's path often carries its secret (as Slack's do).
        webhook=urlsplit(config["WEBHOOK_URL"]).netloc if "webhook" in kinds else "",
    )
