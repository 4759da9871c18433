"""A lead's contact details corrected by staff.

A person gives a wrong digit, a new email, a married name: staff correct it here
instead of asking them to fill the check in again. The old values stay on the
lead's own history (a "contact" note, erased with the lead), while the audit log
records only which fields changed, never the details themselves.

The lead page shows, through ``panels.contact_tools``, the link to the correction and
the other leads with the same email or phone (leads/duplicates.py), each with a
"merge into this lead" action (merge_views.py).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from leads.models import CONTACT_TIME_LABELS, Lead, LeadNote
from staff.console.audit import record
from staff.console.blueprint import bp
from staff.console.lookups import get_or_404
from staff.leads.contact_forms import ContactCorrectionForm
from staff.leads.navigation import list_args
from staff.leads.panels import lead_url
from web.formatting import phone_display
from web.language import LANGUAGE_NAMES

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


def field_label(name: str) -> str:
    """A contact detail's name, as the history notes and the merge page say it."""
    return {
        "name": _("Name"),
        "email": _("Email"),
        "phone": _("Phone"),
        "contact_time": _("Best time"),
        "lang": _("Language"),
    }[name]


def shown_value(name: str, value: str) -> str:
    """A stored detail as people read it: the phone spaced, the best time and language in words."""
    if name == "phone":
        return phone_display(value)
    if name == "contact_time":
        return str(CONTACT_TIME_LABELS.get(value, value))
    if name == "lang":
        return LANGUAGE_NAMES.get(value, value)
    return value


def _history_line(name: str, old: str, new: str) -> str:
    """One line of the history note: "Email: old → new" ("–" for none)."""
    old, new = shown_value(name, old), shown_value(name, new)
    return f"{field_label(name)}: {old or '–'} → {new or '–'}"
