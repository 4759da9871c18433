"""A person's data request (admins only): find everything held, export it, erase it.

Every step is a POST that carries the person's email or phone in its body, never
in a URL, and is audited without it ("data_request", "data_export", "erase"): the
audit log says a search was made by email or by phone and how much it found,
never whose data it was. The logic is leads' (leads/data_rights.py); this only
turns requests into pages, a JSON download and redirects.
"""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import CONTACT_TIME_LABELS
from leads.service import (
    HeldData,
    HeldDataChanged,
    erase_person,
    export_document,
    find_person,
)
from staff.clinic.data_rights_forms import DataRequestForm, EraseForm
from staff.console.answers import readable_answers
from staff.console.audit import record
from staff.console.blueprint import admin_required, bp
from staff.console.labels import (
    ACTION_LABELS,
    NOTIFICATION_KIND_LABELS,
    OUTCOME_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
)

PAGE = "/admin/data-requests"


def _labels() -> dict[str, dict]:
    return {
        "action": ACTION_LABELS,
        "kind": NOTIFICATION_KIND_LABELS,
        "outcome": OUTCOME_LABELS,
        "source": SOURCE_LABELS,
        "status": STATUS_LABELS,
        "contact_time": CONTACT_TIME_LABELS,
    }


def _search_page(form: DataRequestForm, status: int = 200):
    return render_template("staff/clinic/data_request.html", form=form), status


def _found(held: HeldData) -> str:
    counts = held.counts
    return f"by {held.person.searched_by}: {counts.in_words()} found"


@bp.get(PAGE)
@admin_required
def data_requests():
    return _search_page(DataRequestForm(formdata=None))


@bp.post(PAGE)
@admin_required
def data_request_search():
    """Everything held about the person, in words; the search is audited without its value."""
    form = DataRequestForm()
    if not form.validate():
        return _search_page(form, 422)
    held = find_person(form.person())
    record("data_request", detail=_found(held))
    db.session.commit()
    return render_template(
        "staff/clinic/data_request_results.html",
        held=held,
        answers={lead.id: readable_answers(lead.answers) for lead in held.leads},
        labels=_labels(),
        notification_status=_notification_status_labels(),
    )


def _notification_status_labels() -> dict[str, str]:
    return {
        "pending": _("Waiting to be sent"),
        "sent": _("Sent"),
        "dead": _("Gave up"),
    }


def _sent_form(form_class: type[DataRequestForm]) -> DataRequestForm:
    """The hidden fields the results page posted; anything else is a forged request."""
    form = form_class()
    if not form.validate():
        abort(400)
    return form


@bp.post(f"{PAGE}/export")
@admin_required
def data_request_export():
    """One JSON file of everything held, to send to the person once their identity is checked."""
    held = find_person(_sent_form(DataRequestForm).person())
    document = export_document(held, exported_by=current_user.display_name)
    record("data_export", detail=f"by {held.person.searched_by}: {held.counts.in_words()}")
    db.session.commit()
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    response = Response(body + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="data-request-{utcnow().date().isoformat()}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _confirmation(held: HeldData, *, changed: bool = False, status: int = 200):
    return (
        render_template(
            "staff/clinic/data_request_erase.html",
            held=held,
            counts=held.counts,
            lead_ids=",".join(str(lead_id) for lead_id in held.lead_ids),
            changed=changed,
        ),
        status,
    )


@bp.post(f"{PAGE}/erase")
@admin_required
def data_request_confirm_erase():
    """Ask before erasing, saying exactly how much goes; nothing is erased here."""
    held = find_person(_sent_form(DataRequestForm).person())
    if not held.leads:
        flash(_("Nothing is held about this person any more: there is nothing to erase."))
        return redirect(url_for(".data_requests"), code=303)
    return _confirmation(held)


@bp.post(f"{PAGE}/erase/confirmed")
@admin_required
def data_request_erase():
    """Erase what the confirmation showed, in one transaction, or ask again if it changed."""
    form = _sent_form(EraseForm)
    try:
        counts = erase_person(form.person(), form.lead_ids(), actor=current_user)
    except HeldDataChanged as changed:
        db.session.rollback()
        if not changed.held.leads:
            flash(_("Nothing is held about this person any more: there is nothing to erase."))
            return redirect(url_for(".data_requests"), code=303)
        return _confirmation(changed.held, changed=True, status=409)
    flash(
        _(
            "Erased for good. Leads: %(leads)d, notes: %(notes)d, notifications: "
            "%(notifications)d.",
            leads=counts.leads,
            notes=counts.notes,
            notifications=counts.notifications,
        )
    )
    flash(
        _(
            "Copies already delivered to the clinic’s inbox or to a webhook receiver are "
            "not erased by this: erase them there."
        )
    )
    return redirect(url_for(".data_requests"), code=303)
