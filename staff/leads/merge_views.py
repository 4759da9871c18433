"""Merging a duplicate into the lead kept: the page that shows both, asks which of each
differing contact detail to keep, and makes the merge (leads/merge.py) in one transaction.

Nothing is written until every detail asked has an answer; a page sent with one
missing shows again (422) with the other choices kept. A merge that may not be
made (the same lead, merged already, no email or phone in common) says why (409).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from leads.merge import (
    ALREADY_MERGED,
    CHOSEN_FIELDS,
    DUPLICATE,
    INTO_MERGED,
    KEPT,
    NOT_DUPLICATES,
    NOT_FOUND,
    SAME_LEAD,
    FieldChoice,
    MergeRefused,
    check_merge,
    default_choices,
    differing_fields,
    merge_leads,
)
from leads.models import Lead
from leads.service import deliver_after_response
from staff.console.blueprint import bp
from staff.console.labels import OUTCOME_LABELS, STATUS_LABELS
from staff.console.lookups import get_or_404
from staff.leads.contact_views import field_label, shown_value
from staff.leads.merge_forms import MergeForm
from staff.leads.navigation import list_args
from staff.leads.panels import lead_url
from web.formatting import local_datetime


@dataclass(frozen=True)
class DetailRow:
    """One contact detail on the merge page: both values, and whether it is asked."""

    name: str
    label: str
    kept: str
    duplicate: str
    asked: bool


def _rows(kept: Lead, duplicate: Lead, asked: tuple[str, ...]) -> list[DetailRow]:
    return [
        DetailRow(
            name,
            field_label(name),
            shown_value(name, getattr(kept, name)),
            shown_value(name, getattr(duplicate, name)),
            name in asked,
        )
        for name in CHOSEN_FIELDS
    ]


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


def _render_merge(
    kept: Lead,
    duplicate: Lead,
    form: MergeForm | None = None,
    refusal: str = "",
    status: int = 200,
):
    asked = differing_fields(duplicate, kept)
    if form is None:
        form = MergeForm(formdata=None, data=default_choices(duplicate, kept))
    return (
        render_template(
            "staff/leads/merge_confirm.html",
            kept=kept,
            duplicate=duplicate,
            form=form,
            rows=_rows(kept, duplicate, asked),
            errors=form.error_summary(asked),
            sides=(KEPT, DUPLICATE),
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
    """Both leads side by side, a choice for each differing detail, what moves and what stays."""
    kept, duplicate = _pair_or_404(lead_id, duplicate_id)
    try:
        check_merge(duplicate, kept)
    except MergeRefused as refused:
        return _render_merge(
            kept, duplicate, refusal=_refusal(refused.reason, duplicate, kept), status=409
        )
    return _render_merge(kept, duplicate)


@bp.post("/leads/<id:lead_id>/merge/<id:duplicate_id>")
def merge(lead_id: int, duplicate_id: int):
    kept, duplicate = _pair_or_404(lead_id, duplicate_id)
    try:  # a merge that may not be made says why, whatever was chosen
        check_merge(duplicate, kept)
    except MergeRefused as refused:
        return _render_merge(
            kept, duplicate, refusal=_refusal(refused.reason, duplicate, kept), status=409
        )
    form = MergeForm()
    asked = differing_fields(duplicate, kept)
    if not form.check(asked):
        return _render_merge(kept, duplicate, form, status=422)
    try:
        merged = merge_leads(
            duplicate.id,
            kept.id,
            by_id=current_user.id,
            describe=_merged_from_note,
            choices=form.choices(asked),
            describe_fields=_not_chosen_note,
        )
    except ValueError:  # a detail changed since the page was drawn: ask again with it
        kept, duplicate = _pair_or_404(lead_id, duplicate_id)
        return _render_merge(kept, duplicate, status=409, refusal=_changed())
    except MergeRefused as refused:
        if refused.reason == NOT_FOUND:  # deleted since the page was opened
            abort(404)
        kept, duplicate = _pair_or_404(lead_id, duplicate_id)  # as they are now
        return _render_merge(
            kept, duplicate, refusal=_refusal(refused.reason, duplicate, kept), status=409
        )
    flash(
        _(
            "Lead #%(id)d was merged into this lead: its notes are here now, and it is closed.",
            id=merged.duplicate_id,
        )
    )
    response = redirect(lead_url(merged.kept_id), code=303)
    return deliver_after_response(response, merged.message_ids)


def _changed() -> str:
    return _("One of the two leads changed while you were choosing. Check the choices again.")


def _merged_from_note(duplicate: Lead) -> str:
    """The kept lead's note about the merge: where it came from, what its answers gave, and
    the message the person sent with it."""
    words = _(
        "Merged from lead #%(id)d, received %(received)s (status then: %(status)s). "
        "Its answers’ outcome: %(outcome)s.",
        id=duplicate.id,
        received=local_datetime(duplicate.created_at),
        status=STATUS_LABELS.get(duplicate.status, duplicate.status),
        outcome=OUTCOME_LABELS.get(duplicate.outcome, duplicate.outcome),
    )
    if duplicate.message:
        words += "\n" + _("Its message: %(message)s", message=duplicate.message)
    return words


def _not_chosen_note(changes: list[FieldChoice]) -> str:
    """The details not kept, one line each in data requests' form: "Phone (lead #7): a → b"."""
    return "\n".join(
        _(
            "%(detail)s (lead #%(id)d): %(other)s → %(chosen)s",
            detail=field_label(change.field),
            id=change.other_from,
            other=shown_value(change.field, change.other) or "–",
            chosen=shown_value(change.field, change.chosen) or "–",
        )
        for change in changes
    )
