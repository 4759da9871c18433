"""The rule book in words, for the clinical lead: each rule's conditions as the questions
and answers a person sees, its outcome, what the patient is told and its evidence; and
the diff between two versions (rules.diff) as rows a person can read.

The words are exact. Each condition is read back from the compiled rule (the answers it
allows, per question), every phrase is checked against those answers before it is
used, and a set of answers no short phrase describes is listed in full rather than
approximated. Answer labels are quoted, because some contain "or" or commas.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

import rules
from questionnaire.catalogue import Question
from questionnaire.evidence import REFERENCES
from questionnaire.localized import localized_questions
from questionnaire.service import flow
from rules.boxes import box_of, count
from rules.diff import RuleChange, RulesDiff
from rules.i18n import gettext as rules_gettext
from rules.in_words import concern_words
from rules.reasons import REASON_TEXTS
from rules.schema import DOMAINS, FIELDS, INFO, REASON_SEVERITY
from rules.witness import PREFER
from web.formatting import local_number

__all__ = [
    "DiffView",
    "ExampleAnswers",
    "MoveRow",
    "ReasonRow",
    "RuleChangeRow",
    "RuleRow",
    "answer_words",
    "condition_words",
    "diff_rows",
    "outcome_label",
    "rule_rows",
]

Questions = Mapping[str, Question]


# --- rows ------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    """One rule as the rule book shows it, every text already in the console's language."""

    id: str
    when: tuple[str, ...]  # every condition must hold; ("Everyone",) for `when = {}`
    outcome: str  # outcome_label(rule.outcome)
    severity: str  # the rule's outcome key, or "info" (for a CSS class)
    reason: str | None  # the reason key; None for the default rule
    concern: str  # the reason as the person it is about (rules.in_words); "" for none
    patient_text: str  # what the patient is told; "" when the rule gives no reason
    evidence: tuple[tuple[int, str], ...]  # (reference number, citation)
    note: str | None  # the rule file's note for clinicians


@dataclass(frozen=True)
class ExampleAnswers:
    """One answers object from the diff, as "question answer" lines."""

    notable: tuple[str, ...]  # where it differs from an ordinary adult's (rules.witness)
    every: tuple[str, ...]  # every question, in the questionnaire's order


@dataclass(frozen=True)
class MoveRow:
    """`count` answers objects are told `new` where they were told `old`."""

    old: str  # outcome labels
    new: str
    count: str  # in the language's number format
    number: int
    example: ExampleAnswers


@dataclass(frozen=True)
class ReasonRow:
    """`count` answers objects gain (or lose) reason `key`."""

    key: str
    concern: str  # the person the reason is about, in words
    severity: str  # outcome_label of the reason's severity
    patient_text: str
    count: str
    number: int
    example: ExampleAnswers


@dataclass(frozen=True)
class RuleChangeRow:
    """A rule added, removed or changed: a headline and what differs, in words."""

    id: str
    kind: str  # "added", "removed" or "changed"
    title: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class DiffView:
    """Two versions compared, as the rule book shows it."""

    same: bool  # nothing differs: no rule, no outcome, no reason
    same_decisions: bool  # every answers object keeps its outcome and its reasons
    summary: str  # one sentence saying which of the three it is, with the counts
    space: str  # answers objects compared
    moved: str  # answers objects told another outcome
    unchanged: str  # answers objects that keep their outcome
    moves: tuple[MoveRow, ...]
    gained: tuple[ReasonRow, ...]
    lost: tuple[ReasonRow, ...]
    rules: tuple[RuleChangeRow, ...]  # changed, then added, then removed, each in file order


# --- outcomes --------------------------------------------------------------------


def outcome_label(outcome: str | None) -> str:
    """An outcome (or "info", or None for a gap) in the active language."""
    labels = {
        "not_suitable_now": _("Not suitable now"),
        "see_dermatologist": _("See a dermatologist first"),
        "clinician_review": _("Clinician review first"),
        "book_consultation": _("Book a consultation"),
        INFO: _("Adds information only"),
    }
    if outcome is None:
        return _("No outcome (a gap)")
    return labels.get(outcome, outcome)


# --- conditions ------------------------------------------------------------------


def _questions() -> dict[str, Question]:
    """The app's questions with their texts resolved in the active language."""
    return {q.id: q for q in localized_questions(flow().questions, str(get_locale()))}


def _quoted(label: str) -> str:
    return _("“%(answer)s”", answer=label)


def _labels(field: str, question: Question | None) -> dict[object, str]:
    """Value -> the answer's label, in the contract's order of values."""
    spec = FIELDS[field]
    shown = {c.value: str(c.label) for c in question.choices} if question else {}
    if spec.kind == "bool":
        return {True: shown.get("yes", _("Yes")), False: shown.get("no", _("No"))}
    return {value: shown.get(value, value) for value in spec.choices}


def _listed(values: Iterable[object], labels: Mapping[object, str], joiner: str) -> str:
    """Quoted labels in the contract's order."""
    order = list(labels)
    ranked = sorted(values, key=lambda v: order.index(v) if v in order else len(order))
    return joiner.join(_quoted(labels.get(v, str(v))) for v in ranked)


def _ages(field: str, allowed: frozenset[object]) -> str:
    """Whole numbers (ages) as ranges: "under 18", "18 to 25", "65 or over", "30"."""
    low, high = FIELDS[field].minimum, FIELDS[field].maximum
    runs: list[list[int]] = []
    for value in sorted(int(v) for v in allowed):  # type: ignore[call-overload]
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    words = []
    for start, end in runs:
        if start == end:
            words.append(str(start))
        elif start == low:
            words.append(_("under %(age)d", age=end + 1))
        elif end == high:
            words.append(_("%(age)d or over", age=start))
        else:
            words.append(_("%(start)d to %(end)d", start=start, end=end))
    # Not " or ": "65 or over" has one inside ("under 16, or 30, or 65 or over").
    return _(", or ").join(words)


def _choices_words(field: str, allowed: frozenset[object], labels: Mapping[object, str]) -> str:
    """One of the listed answers; "any answer except …" when that is shorter."""
    others = [v for v in DOMAINS[field] if v not in allowed]
    if len(allowed) >= 3 and len(others) < len(allowed):
        return _("any answer except %(answers)s", answers=_listed(others, labels, ", "))
    return _listed(allowed, labels, _(" or "))


Subset = frozenset[str]


def _multi_words(field: str, allowed: frozenset[object], labels: Mapping[object, str]) -> str:
    """Allowed combinations of a multi-choice question in the shortest exact words.

    Tries "includes A" / "includes any of B" / "includes none of C" / how many are
    chosen, together, and uses a phrase only if the combinations it describes are
    exactly the allowed ones; otherwise lists every allowed combination.
    """
    domain: list[Subset] = list(DOMAINS[field])  # type: ignore[arg-type]
    sets: set[Subset] = {frozenset(s) for s in allowed}  # type: ignore[arg-type]
    choices = FIELDS[field].choices
    if len(sets) == 1:
        (only,) = sets
        return _("exactly %(answers)s", answers=_listed(only, labels, _(" and ")))
    every = frozenset.intersection(*sets)
    none = frozenset(choices) - frozenset.union(*sets)
    least, most = min(map(len, sets)), max(map(len, sets))
    free = [c for c in choices if c not in every and c not in none]
    anys: list[Subset] = [frozenset()] + [
        frozenset(z) for size in range(2, len(free) + 1) for z in itertools.combinations(free, size)
    ]
    bounds = ((None, None), (least, None), (None, most), (least, most))
    for any_of, (low, high) in itertools.product(anys, bounds):

        def holds(s: Subset, z: Subset = any_of, lo: int | None = low, hi: int | None = high):
            return (
                every <= s
                and not s & none
                and (not z or bool(s & z))
                and (lo is None or len(s) >= lo)
                and (hi is None or len(s) <= hi)
            )

        if {s for s in domain if holds(s)} == sets:
            return _clauses(every, any_of, none, low, high, labels)
    combinations = "; ".join(
        " + ".join(_quoted(labels[c]) for c in choices if c in s)
        for s in sorted(sets, key=lambda s: (len(s), [choices.index(c) for c in s]))
    )
    return _("one of these combinations: %(combinations)s", combinations=combinations)


def _clauses(
    every: Subset,
    any_of: Subset,
    none: Subset,
    low: int | None,
    high: int | None,
    labels: Mapping[object, str],
) -> str:
    clauses = []
    if every:
        clauses.append(_("includes %(answers)s", answers=_listed(every, labels, _(" and "))))
    if any_of:
        clauses.append(_("includes any of %(answers)s", answers=_listed(any_of, labels, ", ")))
    if none:
        clauses.append(_("includes none of %(answers)s", answers=_listed(none, labels, ", ")))
    if low is not None and high is not None:
        clauses.append(_("%(low)d to %(high)d chosen", low=low, high=high))
    elif low is not None:
        clauses.append(_("at least %(num)d chosen", num=low))
    elif high is not None:
        clauses.append(_("at most %(num)d chosen", num=high))
    return "; ".join(clauses)


def _with_question(label: str, answers: str) -> str:
    return f"{label} {answers}" if label.rstrip().endswith("?") else f"{label}: {answers}"


def condition_words(
    field: str, allowed: frozenset[object], question: Question | None = None
) -> str:
    """One compiled condition as "Question? answers" in the active language.

    `allowed` is the rule's frozenset of allowed values for `field` (Rule.when);
    `question` gives the texts (its labels are resolved with str()).
    """
    label = str(question.label) if question else field
    labels = _labels(field, question)
    kind = FIELDS[field].kind
    if not allowed:
        answers = _("no answer (the rule never applies)")
    elif allowed >= frozenset(DOMAINS[field]):
        answers = _("any answer")
    elif kind == "int":
        answers = _ages(field, allowed)
    elif kind == "multi":
        answers = _multi_words(field, allowed, labels)
    else:
        answers = _choices_words(field, allowed, labels)
    return _with_question(label, answers)


def answer_words(field: str, value: object, question: Question | None = None) -> str:
    """One answer of an answers object as "Question? answer" in the active language."""
    label = str(question.label) if question else field
    labels = _labels(field, question)
    if FIELDS[field].kind == "int":
        answer = str(value)
    elif isinstance(value, list | tuple | set | frozenset):
        answer = _listed(value, labels, ", ")
    else:
        answer = _quoted(labels.get(value, str(value)))
    return _with_question(label, answer)


def _when_words(rule: rules.Rule, questions: Questions) -> tuple[str, ...]:
    conditions = tuple(
        condition_words(name, allowed, questions.get(name)) for name, allowed in rule.when.items()
    )
    return conditions or (_("Everyone"),)


# --- the rule book ---------------------------------------------------------------


def _patient_text(reason: str | None, lang: str) -> str:
    """A contract reason's text, as rules.compiled gives it in a Decision's Reason.text."""
    return rules_gettext(REASON_TEXTS[reason], lang) if reason in REASON_TEXTS else ""


def patient_text(rule: rules.Rule, lang: str) -> str:
    """What the patient reads for ``rule``'s reason in ``lang``, as rules.compiled words it: a
    clinic's own reason carries its texts in the rule file (English when untranslated)."""
    if rule.reason is None:
        return ""
    if not rule.texts:
        return _patient_text(rule.reason, lang)
    for tag in (lang, lang.partition("_")[0], "en"):
        if tag in rule.texts:
            return rule.texts[tag]
    return next(iter(rule.texts.values()))


def concern_name(reason: str | None, lang: str) -> str:
    """A reason by the person it is about ("someone who gets cold sores"), not by its key; a
    clinic's own reason, which has no such name, by its key."""
    if not reason:
        return ""
    if reason.startswith("clinic_"):
        with force_locale(lang):
            return _("the clinic’s own concern “%(name)s”", name=reason[7:].replace("_", " "))
    return concern_words(reason, lang)


def _evidence(numbers: Iterable[int]) -> tuple[tuple[int, str], ...]:
    """Like questionnaire.evidence.cited, but a number missing from the list is shown."""
    missing = _("Not in the reference list (shared/clinical/evidence.md section 6)")
    return tuple((n, REFERENCES.get(n, missing)) for n in sorted(set(numbers)))


def _rule_row(rule: rules.Rule, lang: str, questions: Questions) -> RuleRow:
    return RuleRow(
        id=rule.id,
        when=_when_words(rule, questions),
        outcome=outcome_label(rule.outcome),
        severity=rule.outcome,
        reason=rule.reason,
        concern=concern_name(rule.reason, lang),
        patient_text=patient_text(rule, lang),
        evidence=_evidence(rule.evidence),
        # The rule file's notes are English msgids, translated in the shared catalogues.
        note=rules_gettext(rule.note, lang) if rule.note else None,
    )


def rule_rows(base: rules.RuleBase, lang: str) -> list[RuleRow]:
    """Every rule of `base`, in file order, in the words of `lang`.

    Needs an app context (the questionnaire's texts are the app's).
    """
    with force_locale(lang):
        questions = _questions()
        return [_rule_row(rule, lang, questions) for rule in base.rules]


# --- the diff --------------------------------------------------------------------


def _example(answers: Mapping[str, object], questions: Questions) -> ExampleAnswers:
    def usual(field: str, value: object) -> bool:
        if isinstance(value, list):
            value = frozenset(value)
        return field in PREFER and PREFER[field] == value

    fields = [f for f in questions if f in answers] + [f for f in answers if f not in questions]
    every = tuple(answer_words(f, answers[f], questions.get(f)) for f in fields)
    notable = tuple(line for f, line in zip(fields, every, strict=True) if not usual(f, answers[f]))
    return ExampleAnswers(notable=notable, every=every)


def _applies_to(rule: rules.Rule) -> int:
    return count(box_of(rule.when))


def _reason_words(reason: str | None) -> str:
    """A reason by the person it is about, in the active language; "none" for no reason."""
    return concern_name(reason, str(get_locale())) if reason else _("none")


def _numbers(numbers: tuple[int, ...]) -> str:
    return ", ".join(map(str, numbers)) if numbers else _("none")


def _rule_facts(rule: rules.Rule, questions: Questions) -> tuple[str, ...]:
    """What a rule added or removed did, for the diff."""
    n = _applies_to(rule)
    return (
        _("Outcome: %(outcome)s", outcome=outcome_label(rule.outcome)),
        _("Reason: %(reason)s", reason=_reason_words(rule.reason)),
        _("When it applies: %(when)s", when="; ".join(_when_words(rule, questions))),
        ngettext(
            "Applies to %(count)s possible set of answers",
            "Applies to %(count)s possible sets of answers",
            n,
            count=local_number(n),
        ),
        _("Evidence: %(numbers)s", numbers=_numbers(rule.evidence)),
    )


def _change_details(change: RuleChange, questions: Questions) -> tuple[str, ...]:
    old, new = change.old, change.new
    details: list[str] = []
    for what in change.what:
        if what == "outcome":
            details.append(
                _(
                    "Outcome: %(old)s → %(new)s",
                    old=outcome_label(old.outcome),
                    new=outcome_label(new.outcome),
                )
            )
        elif what == "reason":
            details.append(
                _(
                    "Reason: %(old)s → %(new)s",
                    old=_reason_words(old.reason),
                    new=_reason_words(new.reason),
                )
            )
        elif what == "evidence":
            details.append(
                _(
                    "Evidence: %(old)s → %(new)s",
                    old=_numbers(old.evidence),
                    new=_numbers(new.evidence),
                )
            )
        elif what == "when":
            details.append(
                _("When it applied: %(when)s", when="; ".join(_when_words(old, questions)))
            )
            details.append(
                _("When it applies now: %(when)s", when="; ".join(_when_words(new, questions)))
            )
            details.append(
                _(
                    "Applies to %(new)s possible sets of answers (was %(old)s)",
                    new=local_number(_applies_to(new)),
                    old=local_number(_applies_to(old)),
                )
            )
    return tuple(details)


def _rule_changes(diff: RulesDiff, questions: Questions) -> tuple[RuleChangeRow, ...]:
    changed = [
        RuleChangeRow(
            c.id, "changed", _("Changed %(rule)s", rule=c.id), _change_details(c, questions)
        )
        for c in diff.changed
    ]
    added = [
        RuleChangeRow(r.id, "added", _("Added %(rule)s", rule=r.id), _rule_facts(r, questions))
        for r in diff.added
    ]
    removed = [
        RuleChangeRow(r.id, "removed", _("Removed %(rule)s", rule=r.id), _rule_facts(r, questions))
        for r in diff.removed
    ]
    return (*changed, *added, *removed)


def _summary(diff: RulesDiff) -> str:
    space = local_number(diff.space)
    if diff.same:
        return _(
            "No change: the rules are the same, and no possible set of answers changes "
            "outcome or reasons (all %(space)s compared).",
            space=space,
        )
    if diff.same_decisions:
        return _(
            "No possible set of answers changes outcome or reasons: the rules differ, but all "
            "%(space)s possible sets of answers are told exactly what they were told before.",
            space=space,
        )
    if not diff.moves:
        return _(
            "No possible set of answers changes outcome, but some are given other reasons "
            "(of %(space)s compared; see below).",
            space=space,
        )
    return ngettext(
        "%(count)s of the %(space)s possible sets of answers gets another outcome; "
        "%(unchanged)s keep theirs.",
        "%(count)s of the %(space)s possible sets of answers get another outcome; "
        "%(unchanged)s keep theirs.",
        diff.moved,
        count=local_number(diff.moved),
        space=space,
        unchanged=local_number(diff.unchanged),
    )


def _reason_row(
    key: str, n: int, example: Mapping[str, object], lang: str, questions: Questions
) -> ReasonRow:
    return ReasonRow(
        key=key,
        concern=concern_name(key, lang),
        severity=outcome_label(REASON_SEVERITY.get(key)) if key in REASON_SEVERITY else key,
        patient_text=_patient_text(key, lang),
        count=local_number(n),
        number=n,
        example=_example(example, questions),
    )


def diff_rows(diff: RulesDiff, lang: str) -> DiffView:
    """`diff` (rules.diff.diff_rulebases(old, new)) as the rule book shows it, in `lang`.

    Needs an app context, like rule_rows.
    """
    with force_locale(lang):
        questions = _questions()
        return DiffView(
            same=diff.same,
            same_decisions=diff.same_decisions,
            summary=_summary(diff),
            space=local_number(diff.space),
            moved=local_number(diff.moved),
            unchanged=local_number(diff.unchanged),
            moves=tuple(
                MoveRow(
                    old=outcome_label(m.old),
                    new=outcome_label(m.new),
                    count=local_number(m.count),
                    number=m.count,
                    example=_example(m.example, questions),
                )
                for m in diff.moves
            ),
            gained=tuple(
                _reason_row(c.key, c.count, c.example, lang, questions) for c in diff.gained
            ),
            lost=tuple(_reason_row(c.key, c.count, c.example, lang, questions) for c in diff.lost),
            rules=_rule_changes(diff, questions),
        )
