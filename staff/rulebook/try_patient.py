"""Try a patient: the questionnaire's own questions on one page of the rule book, and the
answers decided by a candidate version (the one awaiting sign-off) beside the live one.

The questions, their fields and their checks are the questionnaire's (its catalogue and
WTForms classes): every question must be answered explicitly, an unanswered one is named,
and the answers are kept. A lead's answers can be opened the same way (``?lead=<id>``). The
answers are sent by POST (they are health data: not in an address or a log), decided and
shown; nothing is stored (opening a lead's answers is audited as a view of the lead).

``decisions`` takes any candidate ``rules.RuleBase`` and the live one, so a draft's page can
try a patient the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

import rules
from core.extensions import db
from leads.models import Lead
from questionnaire import forms
from questionnaire.catalogue import Question, Step
from questionnaire.service import flow
from rules.in_words import outcome_words
from signoff.service import baseline, live
from staff.console.audit import record_view
from staff.console.blueprint import allowed_if, bp
from staff.console.lookups import get_or_404
from staff.rulebook.draft_proof import prove_draft
from staff.rulebook.drafts import get_draft
from staff.rulebook.rule_words import concern_name, outcome_label

rules_readers_only = allowed_if("may_read_rules")

StepForms = list[tuple[Step, Sequence[Question], forms.StepForm]]


@dataclass(frozen=True)
class Words:
    """What the patient is told in one language: the outcome in a few words, each reason."""

    lang: str
    outcome: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Applied:
    """A rule that applied: its id, the concern it is about and the outcome it sets."""

    rule: str
    concern: str
    outcome: str


@dataclass(frozen=True)
class Tried:
    """One version's decision on the answers tried."""

    title: str
    version: str
    outcome: str  # outcome_label, in the console's language
    severity: str  # the outcome's key, for the tag's colour
    applied: tuple[Applied, ...]
    words: tuple[Words, ...]
    refused: bool = False  # the version cannot decide these answers


def _tried(title: str, base: rules.RuleBase, answers: dict[str, object], lang: str) -> Tried:
    try:
        decisions = {code: base.evaluate(answers, code) for code in current_app.config["LANGUAGES"]}
    except rules.AnswersError:
        return Tried(title, base.version, "", "", (), (), refused=True)
    here = decisions.get(lang) or next(iter(decisions.values()))
    return Tried(
        title=title,
        version=base.version,
        outcome=outcome_label(here.outcome),
        severity=here.outcome,
        applied=tuple(
            Applied(reason.rule, concern_name(reason.key, lang), outcome_label(reason.severity))
            for reason in here.reasons
        ),
        words=tuple(
            Words(
                code, outcome_words(decision.outcome, code), tuple(r.text for r in decision.reasons)
            )
            for code, decision in decisions.items()
        ),
    )


def decisions(
    answers: dict[str, object],
    candidate: tuple[str, rules.RuleBase] | None,
    current: tuple[str, rules.RuleBase] | None,
    lang: str,
) -> list[Tried]:
    """The answers decided by ``candidate`` (when there is one) and by ``current`` (the signed
    version deciding now; None when none is signed), side by side: each a (title, version)."""
    return [_tried(pair[0], pair[1], answers, lang) for pair in (candidate, current) if pair]


def _step_forms(formdata, data: dict[str, object] | None, answers: dict[str, object]) -> StepForms:
    """Each step's form (the questionnaire's), validated when sent; the typed answers of the
    steps that validate go into ``answers``."""
    built = []
    for step in flow().steps:
        questions = flow().shown_questions(step.id, answers)
        form = forms.form_class(questions)(formdata=formdata, data=data)
        if formdata is not None and form.validate():
            answers.update(forms.typed_answers(form, questions))
        built.append((step, questions, form))
    return built


def _summary(step_forms: StepForms) -> list[tuple[str, str]]:
    """Every question without a usable answer, named, for the error summary."""
    return [
        (
            forms.anchor_id(question),
            _(
                "%(question)s %(problem)s",
                question=question.label,
                problem=form[question.id].errors[0],
            ),
        )
        for _step, questions, form in step_forms
        for question in questions
        if form[question.id].errors
    ]


def _page(
    step_forms: StepForms,
    tried: list[Tried],
    lead_id: int | None,
    status: int = 200,
    draft_id: int | None = None,
):
    return (
        render_template(
            "staff/rulebook/try.html",
            step_forms=step_forms,
            errors=_summary(step_forms),
            tried=tried,
            lead_id=lead_id,
            draft_id=draft_id,
        ),
        status,
    )


@bp.get("/rules/try")
@rules_readers_only
def try_patient():
    lead_id = request.args.get("lead", type=int)
    draft_id = _draft_id(request.args)
    if lead_id is None:
        return _page(_step_forms(None, None, {}), [], None, draft_id=draft_id)
    lead = get_or_404(Lead, lead_id)
    record_view(lead.id)  # a person's health answers, read: audited as opening the lead
    db.session.commit()
    answers = dict(lead.answers)
    questions = flow().questions
    step_forms = _step_forms(None, forms.form_data(answers, questions), {})
    tried = _decide(flow().completed_answers(answers), draft_id)
    return _page(step_forms, tried, lead_id, draft_id=draft_id)


@bp.post("/rules/try")
@rules_readers_only
def try_patient_answers():
    answers: dict[str, object] = {}
    step_forms = _step_forms(request.form, None, answers)
    lead_id = request.form.get("lead", type=int)
    draft_id = _draft_id(request.form)
    if any(form.errors for _s, _q, form in step_forms):
        return _page(step_forms, [], lead_id, 422, draft_id)
    tried = _decide(flow().completed_answers(answers), draft_id)
    return _page(step_forms, tried, lead_id, draft_id=draft_id)


def _draft_id(values) -> int | None:
    """The draft tried instead of the version awaiting sign-off (``?draft=``): 404 when
    there is no such draft."""
    draft_id = values.get("draft", type=int)
    if draft_id is not None and get_draft(draft_id) is None:
        abort(404)
    return draft_id


def _draft_candidate(draft_id: int) -> tuple[str, rules.RuleBase] | None:
    """A draft as the candidate: its text proved as signing would prove it; None when it
    fails its proof (its page says why), so only the live version decides."""
    draft = get_draft(draft_id)
    if draft is None:
        abort(404)
    base = prove_draft(draft.rules_text, draft.name, str(get_locale())).report.rulebase
    if base is None:
        return None
    return _("Draft: %(name)s", name=draft.name), base


def _versions() -> tuple[tuple[str, rules.RuleBase] | None, tuple[str, rules.RuleBase] | None]:
    """(the version awaiting sign-off, the signed one it would replace), each with its title.

    Outside production an unsigned deployed version decides too; it is compared with the
    signed version production keeps deciding with, never with itself."""
    choice = live()
    candidate = None
    if choice.awaiting_signoff:
        candidate = (
            _("Awaiting sign-off: version %(version)s", version=choice.deployed.version),
            choice.deployed,
        )
    current = None
    if choice.signoff is not None and choice.base is not None:
        title = _("Deciding for patients now: version %(version)s", version=choice.base.version)
        current = (title, choice.base)
    elif (signed := baseline()) is not None:
        title = _("Last signed version: %(version)s", version=signed[1].version)
        current = (title, signed[1])
    return candidate, current


def _decide(answers: dict[str, object], draft_id: int | None = None) -> list[Tried]:
    candidate, current = _versions()
    if draft_id is not None:
        # A draft is compared with what decides now, signed or not (outside production an
        # unsigned deployed file decides), as its own page compares it.
        candidate = _draft_candidate(draft_id)
        choice = live()
        if current is None and choice.base is not None:
            title = _(
                "Deciding now (not signed off): version %(version)s", version=choice.base.version
            )
            current = (title, choice.base)
    return decisions(answers, candidate, current, str(get_locale()))
