"""The proof of contract section 7 over every possible answers object.

Every rule's `when` and every safety property's `when` is a box (rules.boxes);
the questions the contract asks become box differences, counted exactly:

1. no gap        everything minus the union of the outcome-setting rules is
                 empty; the priority hit policy then gives exactly one outcome.
2. static        the files name only the contract's fields, values, outcomes
                 and reason keys; every reason is given at its contract
                 severity; every contract reason has a rule; every reason has
                 patient text in every shipped language.
3. reachable     every rule's box is non-empty, and every outcome-setting
                 rule's box minus the boxes of stricter rules is non-empty.
4. safety        for each property, its box minus the boxes of rules at least
                 as strict as it demands is empty; book_consultation is given
                 only outside every property's box.

A failure comes with a complete, valid answers object (a witness) and the
outcome that object actually gets. `python -m rules check` prints the report.
"""

from __future__ import annotations

import gettext as _gettext
import json
import re
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import i18n
from .boxes import FULL, Box, box_of, count, intersect, pick, subtract, subtract_all
from .conditions import compile_when
from .engine import RULES_PATH, Rule, RuleBase, RuleFileError, load_rulebase
from .reasons import REASON_TEXTS
from .schema import DOMAINS, FIELDS, INFO, OUTCOMES, REASON_SEVERITY, space_size, stricter_or_equal

__all__ = ["SAFETY_PATH", "Finding", "Property", "Report", "shipped_languages", "verify"]

SAFETY_PATH = Path(__file__).resolve().parent / "safety.toml"

_PROPERTY_KEYS = {"id", "covers", "when", "outcome_at_least", "note"}
_PROPERTY_ID = re.compile(r"S-[A-Za-z0-9_-]+")

# Witnesses look like an ordinary adult's answers except where they must not.
_PREFER: dict[str, object] = {
    **dict.fromkeys((n for n, s in FIELDS.items() if s.kind == "bool"), False),
    "scar_types": frozenset({"boxcar"}),
    "scar_severity": "moderate",
    "active_acne": "none",
    "isotretinoin": "never",
    "diabetes": "none",
    "eczema_psoriasis_rosacea_in_area": "none",
    "fitzpatrick": "II",
    "age": 30,
}

_TITLES = {
    1: "no gap",
    2: "static",
    3: "reachable",
    4: "safety",
}


@dataclass(frozen=True)
class Finding:
    """One thing the proof found wrong, with an answers object that shows it if any."""

    check: int
    message: str
    witness: dict[str, object] | None = None
    outcome: str | None = None  # the witness's actual outcome (None: it gets none)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, for `check --json` and for tools."""
        out: dict[str, Any] = {"check": self.check, "message": self.message}
        if self.witness is not None:
            out["witness"] = self.witness
            out["outcome"] = self.outcome
        return out


@dataclass(frozen=True)
class Property:
    """One safety property: answers in `box` get `outcome_at_least` or stricter."""

    id: str
    covers: str
    outcome_at_least: str
    box: Box
    when: str = "{}"  # as written, for messages
    note: str = ""


@dataclass
class Report:
    """What was proved, what was found, and how long it took."""

    rules_path: Path
    safety_path: Path
    translations_dir: Path
    languages: list[str]
    space: int = 0
    rulebase: RuleBase | None = None
    properties: list[Property] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    proved: dict[int, str] = field(default_factory=dict)  # check -> what was shown
    skipped: dict[int, str] = field(default_factory=dict)  # check -> why it could not run
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every check ran and found nothing."""
        return not self.findings and not self.skipped

    def by_check(self, check: int) -> list[Finding]:
        """The findings of one check (1 to 4)."""
        return [f for f in self.findings if f.check == check]

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the whole report."""
        base = self.rulebase
        return {
            "ok": self.ok,
            "answers_objects": self.space,
            "rules": len(base.rules) if base else None,
            "rulebase": base.info.to_dict() if base else None,
            "properties": len(self.properties),
            "languages": self.languages,
            "elapsed_seconds": round(self.elapsed, 4),
            "proved": {str(k): v for k, v in sorted(self.proved.items())},
            "skipped": {str(k): v for k, v in sorted(self.skipped.items())},
            "findings": [f.to_dict() for f in self.findings],
        }

    def format(self) -> str:
        """The human report printed by `python -m rules check`."""
        base = self.rulebase
        lines = ["Screening rules check (contract section 7)"]
        if base is not None:
            lines.append(
                f"  rule file     {self.rules_path}  version {base.version}  "
                f"sha256 {base.sha256[:16]}…"
            )
        else:
            lines.append(f"  rule file     {self.rules_path}  (did not load)")
        lines.append(f"  safety file   {self.safety_path}")
        lines.append(f"  languages     {', '.join(self.languages)}  (from {self.translations_dir})")
        sizes = " × ".join(str(len(DOMAINS[n])) for n in FIELDS)
        lines.append(f"  answer space  {self.space:,} answers objects  ({sizes})")
        lines.append("")
        for check in sorted(_TITLES):
            title = f"{check}. {_TITLES[check]}"
            found = self.by_check(check)
            if found:
                lines.append(f"FAIL  {title}: {len(found)} finding{'s' * (len(found) != 1)}")
                for f in found:
                    lines.append(f"      - {f.message}")
                    if f.witness is not None:
                        lines.append(f"        outcome: {f.outcome or 'none'}; answers:")
                        lines.append(f"        {json.dumps(f.witness)}")
            elif check in self.skipped:
                lines.append(f"SKIP  {title}: {self.skipped[check]}")
            else:
                lines.append(f"PASS  {title}: {self.proved.get(check, '')}")
        lines.append("")
        rules = len(base.rules) if base else 0
        summary = (
            f"{self.space:,} answers objects, {rules} rules, "
            f"{len(self.properties)} safety properties, {self.elapsed:.3f} s"
        )
        if self.ok:
            lines.append(f"OK: proved for all {summary}")
        else:
            lines.append(f"REJECTED: {len(self.findings)} finding(s) over {summary}")
            if self.skipped:
                lines.append(f"  ({len(self.skipped)} check(s) could not run)")
        return "\n".join(lines)


# --- languages -----------------------------------------------------------------


def shipped_languages(translations_dir: Path) -> list[str]:
    """ "en" plus every language with translations/<lang>/LC_MESSAGES/messages.po."""
    found = sorted(
        p.parent.parent.name
        for p in Path(translations_dir).glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po")
        if p.parent.parent.name != "en"
    )
    return ["en", *found]


def _text_findings(translations_dir: Path, languages: list[str]) -> list[Finding]:
    """Every reason key has non-empty, reviewed text in every shipped language."""
    findings = [
        Finding(2, f"en: reason {key!r} has no patient text in rules/reasons.py")
        for key in REASON_SEVERITY
        if not REASON_TEXTS.get(key, "").strip()
    ]
    if len(languages) > 1:
        # Babel reads the .po files; imported here so that the rules, and this
        # proof for English alone, need nothing beyond the standard library.
        from babel.messages.pofile import read_po
    for lang in languages[1:]:
        po = Path(translations_dir) / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
        try:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        except Exception as exc:  # a broken catalogue is a finding, not a crash
            findings.append(Finding(2, f"{lang}: cannot read {po}: {exc}"))
            continue
        good: dict[str, str] = {}
        for key in REASON_SEVERITY:
            text = REASON_TEXTS.get(key)
            if not text:
                continue
            message = catalog.get(text)
            if message is None or not isinstance(message.string, str) or not message.string:
                findings.append(Finding(2, f"{lang}: reason {key!r} has no translation in {po}"))
            elif message.fuzzy:
                findings.append(
                    Finding(2, f"{lang}: the translation of reason {key!r} is marked fuzzy in {po}")
                )
            else:
                good[key] = message.string
        findings.extend(_compiled_findings(po, lang, good))
    return findings


def _compiled_findings(po: Path, lang: str, good: Mapping[str, str]) -> list[Finding]:
    """The .mo that patients are served from agrees with the reviewed .po."""
    mo = po.with_suffix(".mo")
    if not good:
        return []
    if not mo.exists():
        return [Finding(2, f"{lang}: {mo} is missing; run `pybabel compile -d translations`")]
    with mo.open("rb") as fh:
        compiled = _gettext.GNUTranslations(fh)
    stale = [key for key, text in good.items() if compiled.gettext(REASON_TEXTS[key]) != text]
    if stale:
        return [
            Finding(
                2,
                f"{lang}: {mo} is out of date with {po.name} (reason {stale[0]!r}"
                f"{f' and {len(stale) - 1} more' if len(stale) > 1 else ''}); "
                "run `pybabel compile -d translations`",
            )
        ]
    return []


# --- the safety file -------------------------------------------------------------


def load_properties(path: Path) -> tuple[list[Property], list[str]]:
    """The safety properties, and every problem with the file (as "<id>: <problem>")."""
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [], [f"{path}: cannot read the safety file: {exc}"]
    problems = [f"{path}: unknown top-level key {k!r}" for k in sorted(set(doc) - {"property"})]
    raw_properties = doc.get("property", [])
    if not isinstance(raw_properties, list) or not raw_properties:
        problems.append(f"{path}: no properties: add [[property]] tables")
        raw_properties = []
    properties: list[Property] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_properties):
        pid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(pid, str) or not _PROPERTY_ID.fullmatch(pid):
            problems.append(f"property #{index + 1}: 'id' must be such as \"S-pregnancy\"")
            continue
        before = len(problems)
        problems.extend(f"{pid}: unknown key {k!r}" for k in sorted(set(raw) - _PROPERTY_KEYS))
        problems.extend(
            f"{pid}: missing key {k!r}"
            for k in ("covers", "when", "outcome_at_least")
            if k not in raw
        )
        if pid in seen:
            problems.append(f"{pid}: duplicate property id")
        seen.add(pid)
        covers, at_least = raw.get("covers"), raw.get("outcome_at_least")
        if "covers" in raw and covers not in REASON_SEVERITY:
            problems.append(f"{pid}: covers unknown reason key {covers!r}")
        elif covers in REASON_SEVERITY and REASON_SEVERITY[covers] == INFO:
            problems.append(f"{pid}: covers {covers!r}, an info reason, which sets no outcome")
        if "outcome_at_least" in raw and at_least not in OUTCOMES[:-1]:
            problems.append(
                f"{pid}: outcome_at_least must be one of {', '.join(OUTCOMES[:-1])}, "
                f"not {at_least!r}"
            )
        elif (
            covers in REASON_SEVERITY
            and REASON_SEVERITY[covers] != INFO
            and not stricter_or_equal(at_least, REASON_SEVERITY[covers])
        ):
            problems.append(
                f"{pid}: asks only for {at_least}, weaker than the contract's "
                f"{REASON_SEVERITY[covers]} for {covers!r}"
            )
        if not isinstance(raw.get("note", ""), str):
            problems.append(f"{pid}: 'note' must be a string")
        when, when_problems = compile_when(raw.get("when", {}))
        problems.extend(f"{pid}: {p}" for p in when_problems)
        if len(problems) == before:
            properties.append(
                Property(
                    pid, covers, at_least, box_of(when), _toml(raw["when"]), raw.get("note", "")
                )
            )
    # A property with other problems still counts as present: it is reported as it is.
    covered = {raw.get("covers") for raw in raw_properties if isinstance(raw, dict)}
    problems.extend(
        f"{path}: no safety property covers {key!r} ({severity}); add one"
        for key, severity in REASON_SEVERITY.items()
        if severity != INFO and key not in covered
    )
    return properties, problems


# --- the proof -------------------------------------------------------------------


def _toml(value: object) -> str:
    """A condition as it is written in the files, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


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
                pick(gap[0], _PREFER),
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
        witness = pick(bad[0], _PREFER)
        total = sum(count(b) for b in bad)
        report.findings.append(
            Finding(
                4,
                f"{prop.id} fails: {total:,} answers objects with when = {prop.when} get "
                f"an outcome less strict than {prop.outcome_at_least}",
                witness,
                base.outcome_of(witness),
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
        witness = pick(overlaps[0][1], _PREFER)
        report.findings.append(
            Finding(
                4,
                "book_consultation is given to answers where a safety property applies: "
                + ", ".join(prop.id for prop, _ in overlaps),
                witness,
                base.outcome_of(witness),
            )
        )
    if not report.by_check(4):
        report.proved[4] = (
            f"all {len(report.properties)} safety properties hold (every reason stricter than "
            "info is covered), and book_consultation is given only when none applies"
        )


def verify(
    rules_path: Path | str = RULES_PATH,
    safety_path: Path | str = SAFETY_PATH,
    translations_dir: Path | str | None = None,
) -> Report:
    """Run the whole proof; the report lists every finding (empty when clean)."""
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
        base: RuleBase | None = load_rulebase(rules_path)
    except RuleFileError as exc:
        base = None
        report.findings.extend(Finding(2, p) for p in exc.problems)
    except OSError as exc:
        base = None
        report.findings.append(Finding(2, f"cannot read the rule file: {exc}"))
    report.rulebase = base
    if base is not None:
        for rule in base.rules:
            if rule.reason is not None and rule.outcome != REASON_SEVERITY[rule.reason]:
                report.findings.append(
                    Finding(
                        2,
                        f"{rule.id}: reason {rule.reason!r} is given as {rule.outcome}, but the "
                        f"contract's severity is {REASON_SEVERITY[rule.reason]}",
                    )
                )
        given = {r.reason for r in base.rules}
        report.findings.extend(
            Finding(2, f"reason {key!r} ({severity}) is in the contract but no rule gives it")
            for key, severity in REASON_SEVERITY.items()
            if key not in given
        )
    report.findings.extend(_text_findings(translations, report.languages))
    if not report.by_check(2):
        report.proved[2] = (
            f"{len(base.rules) if base else 0} rules use only contract fields, values, outcomes "
            f"and reason keys; all {len(REASON_SEVERITY)} contract reasons are given at their "
            f"contract severity; every reason has patient text in {', '.join(report.languages)}"
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
