"""The clinician's verdict on a lead, blind first; the "Consultations" list.

The verdict page hides the check's outcome and reasons until the verdict is
saved, so the figures are not an echo of the tool. A clinician may choose to
see them first (a button, a POST): the choice is kept in their session for that
lead and recorded with the verdict (``saw_check_first``). Once saved, both are
shown side by side and, when they differ, the clinician chooses the cause. A
correction is the same form again, the check visible: the earlier verdict is kept.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from leads.service import deliver_after_response
from leads.verdicts import (
    Clinician,
    check_verdict,
    current_verdict,
    is_missed_concern,
    missed_concerns,
    record_verdict,
    rule_ids,
    set_cause,
    verdict_history,
)
from questionnaire.service import flow as questionnaire_flow
from rules.i18n import gettext as rules_gettext
from rules.reasons import REASON_TEXTS
from staff.console.answers import reason_lines
from staff.console.blueprint import allowed_if, bp
from staff.console.labels import OUTCOME_LABELS
from staff.console.lookups import get_or_404
from staff.verdicts.forms import CAUSE_LABELS, VERDICT_HINTS, CauseForm, VerdictForm
from staff.verdicts.queue import waiting_for_verdict

#: The session's list of leads whose check this clinician chose to see before saving.
SEEN_KEY = "verdict_check_seen"

clinicians_only = allowed_if(
    "is_clinician", refusal=_l("Only a clinician records a verdict after a consultation.")
)


def _seen(lead_id: int) -> bool:
    return lead_id in session.get(SEEN_KEY, [])


def _forget_seen(lead_id: int) -> None:
    session[SEEN_KEY] = [one for one in session.get(SEEN_KEY, []) if one != lead_id]


def _concern_hints() -> dict[str, str]:
    lang = str(get_locale())
    return {key: rules_gettext(text, lang) for key, text in REASON_TEXTS.items()}


def _cause_form(lead: Lead, form: CauseForm | None = None) -> CauseForm:
    form = form or CauseForm(formdata=None)
    none = ("", _("(choose one)"))
    form.cause_question.choices = [none] + [
        (question.id, str(question.label)) for question in questionnaire_flow().questions
    ]
    rules_named = [str(reason.get("rule")) for reason in lead.reasons]
    form.cause_rule.choices = [none] + [
        (rule, rule) for rule in dict.fromkeys([*rules_named, *rule_ids()])
    ]
    return form


def _page(
    lead: Lead,
    form: VerdictForm,
    *,
    correcting: bool = False,
    cause_form: CauseForm | None = None,
    status: int = 200,
):
    verdict = current_verdict(lead.id)
    show_check = verdict is not None or _seen(lead.id) or correcting
    shown = [*form, *(cause_form or ())]
    errors = [(field.id, error) for field in shown for error in field.errors]
    return (
        render_template(
            "staff/verdicts/verdict.html",
            lead=lead,
            form=form,
            verdict=verdict if not correcting else None,
            history=verdict_history(lead.id),
            correcting=correcting,
            show_check=show_check,
            chose_to_see=_seen(lead.id),
            reasons=reason_lines(lead.reasons) if show_check else [],
            outcome_labels=OUTCOME_LABELS,
            verdict_hints=VERDICT_HINTS,
            concern_hints=_concern_hints(),
            cause_labels=CAUSE_LABELS,
            cause_form=cause_form or _cause_form(lead),
            missed=verdict is not None and is_missed_concern(lead.outcome, verdict.outcome),
            today=utcnow().date().isoformat(),
            errors=errors,
        ),
        status,
    )


@bp.get("/leads/<id:lead_id>/verdict")
@clinicians_only
def verdict_form(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    form = VerdictForm(formdata=None)
    correcting = False
    if current_verdict(lead.id) is not None and request.args.get("correct") == "1":
        earlier = current_verdict(lead.id)
        form.verdict.data = earlier.outcome
        form.concerns.data = list(earlier.concerns)
        form.unasked_concern.data = earlier.unasked_concern
        form.examined_on.data = earlier.examined_on
        correcting = True
    return _page(lead, form, correcting=correcting)


@bp.post("/leads/<id:lead_id>/verdict/see-check")
@clinicians_only
def see_check_first(lead_id: int):
    """The clinician chooses to see the check's result before giving their verdict."""
    lead = get_or_404(Lead, lead_id)
    session[SEEN_KEY] = [*session.get(SEEN_KEY, [])[-50:], lead.id]
    return redirect(url_for(".verdict_form", lead_id=lead.id, _anchor="check"), code=303)


@bp.post("/leads/<id:lead_id>/verdict")
@clinicians_only
def save_verdict(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    form = VerdictForm()
    correcting = current_verdict(lead.id) is not None
    # A correction is made with the check in view; a first verdict as the clinician chose.
    given = form.given(saw_check_first=correcting or _seen(lead.id))
    valid = form.validate()
    if valid:
        for field, message in check_verdict(given, lead).items():
            getattr(form, field).errors = [*getattr(form, field).errors, message]
            valid = False
    if not valid:
        db.session.rollback()
        return _page(lead, form, correcting=correcting, status=422)
    clinician = Clinician(current_user.id, current_user.email)
    recorded = record_verdict(
        lead, given, clinician, source="console", actor=current_user._get_current_object()
    )
    db.session.commit()
    _forget_seen(lead.id)
    if recorded.incident is not None:
        flash(
            _(
                "Verdict saved. It is a missed concern: incident %(number)d is open "
                "(hazard H1) and the clinical lead is told.",
                number=recorded.incident.id,
            )
        )
    else:
        flash(_("Verdict saved."))
    response = redirect(url_for(".verdict_form", lead_id=lead.id, _anchor="compare"), code=303)
    return deliver_after_response(response, recorded.message_ids)


@bp.post("/leads/<id:lead_id>/verdict/cause")
@clinicians_only
def save_verdict_cause(lead_id: int):
    lead = get_or_404(Lead, lead_id)
    verdict = current_verdict(lead.id)
    if verdict is None:
        abort(404)
    form = _cause_form(lead, CauseForm())
    problems = {} if form.validate() else {"cause": form.cause.errors[0]}
    if not problems:
        problems = set_cause(
            lead, verdict, form.cause.data, form.cause_question.data or "",
            form.cause_rule.data or "",
        )  # fmt: skip
    if problems:
        db.session.rollback()
        for field, message in problems.items():
            getattr(form, field).errors = [message]
        return _page(lead, VerdictForm(formdata=None), cause_form=form, status=422)
    db.session.commit()
    flash(_("The cause is saved with the verdict."))
    return redirect(url_for(".verdict_form", lead_id=lead.id, _anchor="compare"), code=303)


@bp.context_processor
def _verdict_panel() -> dict[str, object]:
    """``verdict_panel(lead)`` for the lead page (which knows nothing of this area)."""

    def verdict_panel(lead: Lead) -> dict[str, object]:
        verdict = current_verdict(lead.id)
        return {
            "verdict": verdict,
            "outcome_label": OUTCOME_LABELS.get(verdict.outcome, "") if verdict else "",
            "missed": verdict is not None and is_missed_concern(lead.outcome, verdict.outcome),
        }

    return {"verdict_panel": verdict_panel}


@bp.get("/consultations")
@allowed_if(
    "may_read_rules", refusal=_l("Only clinicians and clinic admins see the consultations list.")
)
def consultations():
    """Missed concerns first; then the leads waiting for a verdict, audit sample first."""
    return render_template(
        "staff/verdicts/consultations.html",
        incidents=missed_concerns(),
        waiting=waiting_for_verdict(),
        outcome_labels=OUTCOME_LABELS,
    )
