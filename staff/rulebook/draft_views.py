"""Rule drafts in the console: start one from the live version, edit its rules with
choices (no code), see the proof on every save, sign it off to make it live without a
release; and download any signed version as its TOML file.

Clinicians edit and sign; admins read (as they read the rule book). Every change names
the revision it was made from: a stale one is refused, naming who saved in between,
and the person's own entries are shown again, unsaved. Plain forms and buttons: no
JavaScript is needed.
"""

from __future__ import annotations

import re

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from questionnaire.localized import localized_questions
from questionnaire.service import flow
from rules.conditions import compile_when
from rules.diff import diff_rulebases
from rules.in_words import concern_words
from rules.references import REFERENCES
from rules.schema import FIELDS, REASON_SEVERITY, SEVERITIES
from signoff.registration import expected as registration_expected
from signoff.service import live, signed_text
from staff.accounts.service import WRONG_PASSWORD, too_many_tries
from staff.console.blueprint import allowed_if, bp
from staff.rulebook.draft_edit import CLINIC, OPERATORS, RuleEntries, entries_of, read_form, rule_of
from staff.rulebook.draft_proof import prove_draft
from staff.rulebook.draft_signing import second_signer_required, sign_draft
from staff.rulebook.drafts import (
    NAME_MAX,
    Stale,
    changes,
    discard,
    draft_doc,
    drafts,
    get_draft,
    save,
    start_draft,
)
from staff.rulebook.effect import effect as effect_of
from staff.rulebook.forms import SignOffForm
from staff.rulebook.rule_words import concern_name, condition_words, diff_rows, outcome_label
from staff.rulebook.signing import Refused

#: A version's fingerprint as a sign-off stores it; anything else names none.
SHA256 = re.compile(r"[0-9a-f]{64}")
NO_NAME = _l(
    "Your account has no name, and a sign-off shows patients the signer’s name: ask an "
    "admin to set it (Staff accounts), then sign."
)
readers = allowed_if("may_read_rules")
editors = allowed_if("is_clinician", _l("Only a clinician can change or sign a rule draft."))

OPERATOR_LABELS = {
    "is": _l("is"),
    "any_of": _l("is one of"),
    "none_of": _l("is none of"),
    "below": _l("is under"),
    "at_least": _l("is at least"),
    "from": _l("is from"),
    "to": _l("is at most"),
    "includes_any": _l("includes any of"),
    "includes_all": _l("includes all of"),
    "includes_none": _l("includes none of"),
    "exactly": _l("is exactly"),
    "count_at_least": _l("has at least this many answers"),
    "count_at_most": _l("has at most this many answers"),
}


def _languages() -> tuple[str, ...]:
    return tuple(current_app.config.get("LANGUAGES", ("en",)))


def _questions() -> dict:
    return {q.id: q for q in localized_questions(flow().questions, str(get_locale()))}


def _stale_message(stale: Stale) -> str:
    if stale.state != "open":
        return _("This draft is no longer open (signed or discarded): nothing was saved.")
    return _(
        "%(name)s changed this draft at %(when)s (%(what)s) after you opened it, so your "
        "change was not saved. Your entries are shown again: review their change, then "
        "save again.",
        name=stale.by,
        when=stale.at.strftime("%H:%M"),
        what=stale.what,
    )


def _open_draft(draft_id: int):
    draft = get_draft(draft_id)
    if draft is None:
        abort(404)
    return draft


def _revision() -> int:
    try:
        return int(request.form.get("revision", ""))
    except ValueError:
        return -1


# --- the list, and starting one --------------------------------------------------------


@bp.get("/rules/drafts")
@readers
def rule_drafts():
    return render_template("staff/rulebook/drafts.html", drafts=drafts(), error=None, name="")


@bp.post("/rules/drafts")
@editors
def start_rule_draft():
    name = " ".join(request.form.get("name", "").split())
    if not name or len(name) > NAME_MAX:
        error = _("Name the draft in up to %(max)d characters.", max=NAME_MAX)
        page = render_template(
            "staff/rulebook/drafts.html", drafts=drafts(), error=error, name=name
        )
        return page, 422
    draft = start_draft(current_user, name)
    return redirect(url_for("staff.rule_draft", draft_id=draft.id), code=303)


# --- one draft: its rules, its proof, its history, signing ----------------------------------


def _rule_summaries(doc: dict) -> list[dict]:
    questions = _questions()
    rows = []
    for index, rule in enumerate(doc.get("rule", [])):
        compiled, problems = compile_when(rule.get("when", {}))
        words = [condition_words(f, allowed, questions.get(f)) for f, allowed in compiled.items()]
        rows.append(
            {
                "index": index,
                "id": rule.get("id", f"#{index + 1}"),
                "when": words or [_("Everyone")],
                "outcome": outcome_label(rule.get("outcome")),
                "severity": rule.get("outcome", ""),
                "reason": rule.get("reason"),
                "evidence": rule.get("evidence", []),
                "problems": problems,
            }
        )
    return rows


def _draft_page(draft, form: SignOffForm | None = None, error: str | None = None, status=200):
    lang = str(get_locale())
    doc = draft_doc(draft)
    proof = prove_draft(draft.rules_text, draft.name, lang)
    base = proof.report.rulebase
    live_base = live().base or live().deployed
    effect = diff_rows(diff_rulebases(live_base, base), lang) if base is not None else None
    # On people (stored leads, verdicts, patient texts): once it passes, as signing needs.
    people = effect_of(base, live_base, lang) if base is not None and proof.ok else None
    if form is None and draft.state == "open" and proof.ok and current_user.is_clinician:
        form = SignOffForm(formdata=None, sha256=proof.report.rulebase.sha256)
    return (
        render_template(
            "staff/rulebook/draft.html",
            draft=draft,
            doc=doc,
            rules=_rule_summaries(doc),
            proof=proof,
            log=changes(draft.id),
            form=form if draft.state == "open" and proof.ok else None,
            error=error,
            registration_hint=registration_expected(),
            second_signer=second_signer_required(),
            effect=effect,
            people=people,
            outcome_label=outcome_label,
            concern_name=concern_name,
            lang=lang,
            live_version=live_base.version,
        ),
        status,
    )


@bp.get("/rules/drafts/<id:draft_id>")
@readers
def rule_draft(draft_id: int):
    return _draft_page(_open_draft(draft_id))


def _saved(draft_id: int, outcome, success: str):
    if isinstance(outcome, Stale):
        flash(_stale_message(outcome))
    else:
        flash(success)
    return redirect(url_for("staff.rule_draft", draft_id=draft_id), code=303)


@bp.post("/rules/drafts/<id:draft_id>/rules/<int:index>/move")
@editors
def move_draft_rule(draft_id: int, index: int):
    draft = _open_draft(draft_id)
    doc = draft_doc(draft)
    rules_list = doc.get("rule", [])
    to = index + (-1 if request.form.get("direction") == "up" else 1)
    if not (0 <= index < len(rules_list) and 0 <= to < len(rules_list)):
        abort(404)
    rule_id = rules_list[index].get("id", "")
    rules_list[index], rules_list[to] = rules_list[to], rules_list[index]
    what = f"Moved {rule_id} {'up' if to < index else 'down'}"
    outcome = save(draft_id, _revision(), doc, current_user, what)
    return _saved(draft_id, outcome, _("Moved %(rule)s.", rule=rule_id))


@bp.post("/rules/drafts/<id:draft_id>/rules/<int:index>/remove")
@editors
def remove_draft_rule(draft_id: int, index: int):
    draft = _open_draft(draft_id)
    doc = draft_doc(draft)
    rules_list = doc.get("rule", [])
    if not 0 <= index < len(rules_list):
        abort(404)
    rule_id = rules_list.pop(index).get("id", "")
    outcome = save(draft_id, _revision(), doc, current_user, f"Removed {rule_id}")
    return _saved(draft_id, outcome, _("Removed %(rule)s.", rule=rule_id))


@bp.post("/rules/drafts/<id:draft_id>/discard")
@editors
def discard_rule_draft(draft_id: int):
    _open_draft(draft_id)
    outcome = discard(draft_id, _revision(), current_user)
    return _saved(draft_id, outcome, _("Draft discarded: it stays in the list, set aside."))


# --- one rule ------------------------------------------------------------------------


def _rule_page(
    draft,
    index: int | None,
    entries: RuleEntries,
    errors: dict,
    revision: int,
    message: str | None = None,
    status: int = 200,
):
    questions = _questions()
    reasons = [
        (key, concern_words(key, str(get_locale())), sev) for key, sev in REASON_SEVERITY.items()
    ]
    return (
        render_template(
            "staff/rulebook/draft_rule.html",
            draft=draft,
            index=index,
            entries=entries,
            errors=errors,
            revision=revision,
            message=message,
            questions=questions,
            fields=FIELDS,
            operators=OPERATORS,
            operator_labels=OPERATOR_LABELS,
            severities=SEVERITIES,
            outcome_label=outcome_label,
            reasons=reasons,
            references=sorted(REFERENCES.items()),
            languages=_languages(),
            clinic=CLINIC,
        ),
        status,
    )


def _rule_at(doc: dict, index: int | None) -> dict:
    rules_list = doc.get("rule", [])
    if index is None:
        return {}
    if not 0 <= index < len(rules_list):
        abort(404)
    return rules_list[index]


@bp.get("/rules/drafts/<id:draft_id>/rules/new", endpoint="new_draft_rule")
@bp.get("/rules/drafts/<id:draft_id>/rules/<int:index>")
@editors
def edit_draft_rule(draft_id: int, index: int | None = None):
    draft = _open_draft(draft_id)
    if draft.state != "open":
        return redirect(url_for("staff.rule_draft", draft_id=draft_id), code=303)
    rule = _rule_at(draft_doc(draft), index)
    entries = entries_of(rule) if rule else RuleEntries()
    return _rule_page(draft, index, entries, {}, draft.revision)


@bp.post("/rules/drafts/<id:draft_id>/rules/new", endpoint="add_draft_rule")
@bp.post("/rules/drafts/<id:draft_id>/rules/<int:index>")
@editors
def save_draft_rule(draft_id: int, index: int | None = None):
    draft = _open_draft(draft_id)
    doc = draft_doc(draft)
    _rule_at(doc, index)
    revision = _revision()
    entries = read_form(request.form, _languages())
    if request.form.get("action") == "add_condition":  # shown again with the new row, unsaved
        return _rule_page(draft, index, entries, {}, revision)
    rules_list = doc.setdefault("rule", [])
    others = [r for i, r in enumerate(rules_list) if i != index]
    rule, errors = rule_of(entries, others, _languages())
    if rule is None:
        return _rule_page(draft, index, entries, errors, revision, status=422)
    if index is None:
        default_at = next(
            (i for i, r in enumerate(rules_list) if r.get("outcome") == "book_consultation"),
            len(rules_list),
        )
        rules_list.insert(default_at, rule)
        what = f"Added {rule['id']}"
    else:
        before = rules_list[index].get("id")
        rules_list[index] = rule
        what = f"Changed {before}" + (f" (now {rule['id']})" if before != rule["id"] else "")
    outcome = save(draft_id, revision, doc, current_user, what)
    if isinstance(outcome, Stale):
        fresh = get_draft(draft_id)
        return _rule_page(fresh, index, entries, {}, outcome.revision, _stale_message(outcome), 409)
    flash(_("Saved %(rule)s. The proof below has been run again.", rule=rule["id"]))
    return redirect(
        url_for("staff.rule_draft", draft_id=draft_id, _anchor=f"rule-{rule['id']}"), code=303
    )


# --- signing ------------------------------------------------------------------------


@bp.post("/rules/drafts/<id:draft_id>/sign")
@editors
def sign_rule_draft(draft_id: int):
    draft = _open_draft(draft_id)
    form = SignOffForm()
    if draft.state != "open":
        flash(_("This draft is no longer open: nothing was signed."))
        return redirect(url_for("staff.rule_draft", draft_id=draft_id), code=303)
    if not form.validate():
        return _draft_page(draft, form, status=422)
    outcome = sign_draft(
        current_user,
        form.password.data,
        draft_id=draft_id,
        revision=_revision(),
        registration=form.registration.data,
        sha256=form.sha256.data or "",
    )
    if isinstance(outcome, Refused):
        return _sign_refused(draft_id, form, outcome)
    flash(_("Signed off: version %(version)s now decides for patients.", version=outcome.version))
    return redirect(url_for("staff.rule_book"), code=303)


def _sign_refused(draft_id: int, form: SignOffForm, refused: Refused):
    draft = _open_draft(draft_id)
    messages = {
        "changed": _("The draft changed while you were reviewing it: review it again, then sign."),
        "not_proved": _("This draft fails its proof, so it cannot be signed: fix the findings."),
        "sole_author": _(
            "This clinic asks a second clinician to sign a draft: you are its only author."
        ),
        "no_name": str(NO_NAME),
        "signed_already": _("This exact text is signed off already."),
        "withdrawn": _(
            "The sign-off of this exact text was withdrawn: change the draft to sign it again."
        ),
    }
    if refused.reason == "wait":
        return _draft_page(draft, form, too_many_tries(refused.wait), 429)
    if refused.reason == "registration":
        form.registration.errors = [refused.message]
        return _draft_page(draft, form, status=422)
    if refused.reason == "wrong_password":
        form.password.errors = [str(WRONG_PASSWORD)]
        return _draft_page(draft, form, status=401)
    if refused.reason == "changed":
        return _draft_page(draft, None, messages["changed"], 409)
    return _draft_page(draft, form, messages.get(refused.reason, refused.reason), 409)


# --- a signed version, as its file ------------------------------------------------------


@bp.get("/rules/versions/<sha256>.toml")
@readers
def signed_version_file(sha256: str):
    text = signed_text(sha256) if SHA256.fullmatch(sha256) else None
    if text is None:
        abort(404)
    return Response(
        text.encode("utf-8"),
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="rules-{sha256[:12]}.toml"'},
    )
