"""The proof of contract section 7 over every possible answers object.

Every rule's `when` and every safety property's `when` is a box (rules.boxes);
the questions the contract asks become box differences, counted exactly:

1. no gap        everything minus the union of the outcome-setting rules is
                 empty; the priority hit policy then gives exactly one outcome.
2. static        the files name only the contract's fields, values, outcomes
                 and reason keys; every reason is given at its contract
                 severity or a stricter one, never below; every contract reason
                 has a rule; every reason, a clinic's own (clinic_...) included,
                 has patient text in every shipped language, and a clinic's
                 reason cites a source or carries a clinician note.
3. reachable     every rule's box is non-empty, and every outcome-setting
                 rule's box minus the boxes of stricter rules is non-empty.
4. safety        for each property, its box minus the boxes of rules at least
                 as strict as it demands is empty; book_consultation is given
                 only outside every property's box.

A failure comes with a complete, valid answers object (a witness) and the
outcome that object actually gets. `python -m rules check` prints the report.
"""

from __future__ import annotations

import time
from pathlib import Path

from . import i18n
from .boxes import FULL, Box, box_of, count, intersect, pick, subtract, subtract_all
from .compiled import RuleBase
from .contract import Rule, RuleFileError
from .engine import RULES_PATH
from .parser import load_rulebase, parse_rulebase
from .report import Finding, Report
from .safety import SAFETY_PATH, Property, load_properties
from .schema import (
    OUTCOMES,
    REASON_SEVERITY,
    is_clinic_reason,
    space_size,
    stricter_or_equal,
)
from .text_checks import _text_findings, shipped_languages
from .witness import PREFER

__all__ = ["SAFETY_PATH", "Finding", "Property", "Report", "shipped_languages", "verify"]


# --- the proof -------------------------------------------------------------------


def _check_gap(base: RuleBase, boxes: dict[str, Box], report: Report) -> None:
    deciding = [boxes[r.id] for r in base.rules if r.sets_outcome]
    gap = subtract_all(FULL, deciding)
    if gap:
        total = sum(count(b) for b in gap)
        report.findings.append(
            Finding(
                1,
                f"{total:,} answers objects get no outcome (no outcome-setting rule applies; "
                "is the default rule missing?)",
                pick(gap[0], PREFER),
                None,
            )
        )
        return
    report.proved[1] = (
        f"all {report.space:,} answers objects are covered by an outcome-setting rule, and "
        "the priority hit policy picks exactly one outcome (the strictest)"
    )


def _stricter(base: RuleBase, outcome: str, boxes: dict[str, Box]) -> list[tuple[Rule, Box]]:
    return [
        (r, boxes[r.id])
        for r in base.rules
        if r.sets_outcome and OUTCOMES.index(r.outcome) < OUTCOMES.index(outcome)
    ]


def _shadowing(box: Box, stricter: list[tuple[Rule, Box]]) -> list[str]:
    """Which stricter rules hide `box`: one that covers it alone, else those it needs."""
    alone = [r.id for r, b in stricter if not subtract(box, b)]
    if alone:
        return alone[:1]
    overlapping = [(r, b) for r, b in stricter if intersect(box, b) is not None]
    needed = [
        r.id
        for r, b in overlapping
        if subtract_all(box, (other for o, other in overlapping if o is not r))
    ]
    return needed or [r.id for r, _ in overlapping]


def _check_reachable(base: RuleBase, boxes: dict[str, Box], report: Report) -> None:
    deciding = 0
    for rule in base.rules:
        box = boxes[rule.id]
        if count(box) == 0:
            report.findings.append(
                Finding(3, f"{rule.id} can never apply: its 'when' holds for no answers object")
            )
            continue
        if not rule.sets_outcome:
            continue
        stricter = _stricter(base, rule.outcome, boxes)
        if subtract_all(box, (b for _, b in stricter)):
            deciding += 1
            continue
        by = _shadowing(box, stricter)
        report.findings.append(
            Finding(
                3,
                f"{rule.id} never decides the outcome: whenever it applies, a stricter rule "
                f"applies too ({', '.join(by)})",
            )
        )
    if not report.by_check(3):
        report.proved[3] = (
            f"all {len(base.rules)} rules apply to some answers object, and all {deciding} "
            "outcome-setting rules decide the outcome for some"
        )


def _check_safety(base: RuleBase, boxes: dict[str, Box], report: Report) -> None:
    deciding = [r for r in base.rules if r.sets_outcome]
    for prop in report.properties:
        enough = [
            boxes[r.id] for r in deciding if stricter_or_equal(r.outcome, prop.outcome_at_least)
        ]
        bad = subtract_all(prop.box, enough)
        if not bad:
            continue
        witness = pick(bad[0], PREFER)
        total = sum(count(b) for b in bad)
        report.findings.append(
            Finding(
                4,
                f"{prop.id} fails: {total:,} answers objects with when = {prop.when} get "
                f"an outcome less strict than {prop.outcome_at_least}",
                witness,
                base.outcome_of(witness),
                rule=next((r.id for r in base.rules if r.reason == prop.covers), None),
                property=prop.id,
                covers=prop.covers,
                at_least=prop.outcome_at_least,
            )
        )
    # book_consultation only where no property's answers are.
    stricter_than_book = [boxes[r.id] for r in deciding if r.outcome != OUTCOMES[-1]]
    booking = [
        piece
        for r in deciding
        if r.outcome == OUTCOMES[-1]
        for piece in subtract_all(boxes[r.id], stricter_than_book)
    ]
    # A corollary of the properties, computed on its own as the contract states it.
    overlaps = []
    for prop in report.properties:
        hit = next((b for b in (intersect(p, prop.box) for p in booking) if b), None)
        if hit is not None:
            overlaps.append((prop, hit))
    if overlaps:
        witness = pick(overlaps[0][1], PREFER)
        report.findings.append(
            Finding(
                4,
                "book_consultation is given to answers where a safety property applies: "
                + ", ".join(prop.id for prop, _ in overlaps),
                witness,
                base.outcome_of(witness),
                property=overlaps[0][0].id,
                covers=overlaps[0][0].covers,
                at_least=overlaps[0][0].outcome_at_least,
            )
        )
    if not report.by_check(4):
        report.proved[4] = (
            f"all {len(report.properties)} safety properties hold (every reason stricter than "
            "info is covered), and book_consultation is given only when none applies"
        )


def _severity_findings(base: RuleBase) -> list[Finding]:
    """Every contract reason is given, at its table severity or stricter (never below).

    Contract section 3, "Stricter severities and the clinic's own reasons": the
    table is the floor, so a stricter severity is the clinic's to choose.
    """
    findings = [
        Finding(
            2,
            f"{rule.id}: reason {rule.reason!r} is given as {rule.outcome}, below the "
            f"contract's severity {REASON_SEVERITY[rule.reason]} (a rule version may make "
            "a reason stricter, never less strict)",
            rule=rule.id,
        )
        for rule in base.rules
        if rule.reason in REASON_SEVERITY
        and not stricter_or_equal(rule.outcome, REASON_SEVERITY[rule.reason])
    ]
    given = {r.reason for r in base.rules}
    findings.extend(
        Finding(2, f"reason {key!r} ({severity}) is in the contract but no rule gives it")
        for key, severity in REASON_SEVERITY.items()
        if key not in given
    )
    return findings


def _clinic_findings(base: RuleBase, languages: list[str]) -> list[Finding]:
    """A clinic's own reason has patient text in every shipped language and a source
    (evidence) or a clinician note, as the contract asks of it."""
    findings = []
    for rule in base.rules:
        if not is_clinic_reason(rule.reason):
            continue
        missing = [lang for lang in languages if not rule.texts.get(lang, "").strip()]
        example = ", ".join(f'{lang} = "..."' for lang in languages)
        if missing:
            findings.append(
                Finding(
                    2,
                    f"{rule.id}: the clinic's reason {rule.reason!r} has no patient text in "
                    f"{', '.join(missing)} (write text = {{ {example} }})",
                    rule=rule.id,
                )
            )
        if not rule.evidence and not rule.note.strip():
            findings.append(
                Finding(
                    2,
                    f"{rule.id}: the clinic's reason {rule.reason!r} cites no source and has no "
                    "clinician note (give evidence = [...] or a note saying why)",
                    rule=rule.id,
                )
            )
    return findings


def verify(
    rules_path: Path | str = RULES_PATH,
    safety_path: Path | str = SAFETY_PATH,
    translations_dir: Path | str | None = None,
    rules_data: bytes | None = None,
) -> Report:
    """Run the whole proof; the report lists every finding (empty when clean).

    ``rules_data`` proves those bytes (a stored, signed version) instead of the
    file's, with ``rules_path`` only naming them in the report.
    """
    started = time.perf_counter()
    translations = Path(translations_dir) if translations_dir is not None else i18n.LOCALEDIR
    report = Report(
        rules_path=Path(rules_path),
        safety_path=Path(safety_path),
        translations_dir=translations,
        languages=shipped_languages(translations),
        space=space_size(),
    )
    try:
        base: RuleBase | None = (
            load_rulebase(rules_path)
            if rules_data is None
            else parse_rulebase(rules_data, rules_path)
        )
    except RuleFileError as exc:
        base = None
        report.findings.extend(Finding(2, p) for p in exc.problems)
    except OSError as exc:
        base = None
        report.findings.append(Finding(2, f"cannot read the rule file: {exc}"))
    report.rulebase = base
    if base is not None:
        report.findings.extend(_severity_findings(base))
        report.findings.extend(_clinic_findings(base, report.languages))
    report.findings.extend(_text_findings(translations, report.languages))
    if not report.by_check(2):
        clinic = [r.reason for r in base.rules if is_clinic_reason(r.reason)] if base else []
        report.proved[2] = (
            f"{len(base.rules) if base else 0} rules use only contract fields, values, outcomes "
            f"and reason keys; all {len(REASON_SEVERITY)} contract reasons are given at their "
            f"contract severity or stricter"
            + (
                f", and {len(clinic)} clinic reasons of its own ({', '.join(clinic)})"
                if clinic
                else ""
            )
            + f"; every reason has patient text in {', '.join(report.languages)}"
        )

    properties, problems = load_properties(Path(safety_path))
    report.properties = properties
    report.findings.extend(Finding(4, p) for p in problems)

    if base is None:
        why = "the rule file did not load (see check 2)"
        report.skipped.update({1: why, 3: why, 4: why})
    else:
        boxes = {r.id: box_of(r.when) for r in base.rules}
        _check_gap(base, boxes, report)
        _check_reachable(base, boxes, report)
        _check_safety(base, boxes, report)
    report.elapsed = time.perf_counter() - started
    return report
