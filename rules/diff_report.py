"""How `python -m rules diff` reads: plain lines for a clinician, or JSON for programs.

Kept apart from the computation (rules.diff) so one place decides the words
and the JSON shape, which docs/rules.md documents and tests hold stable:

    {
      "same": false,                 nothing differs at all (rules, outcomes, reasons)
      "same_decisions": false,       every answers object keeps its outcome and reasons
      "answers_objects": 53811412992,
      "old": {"source": "HEAD~1:rules/microneedling.toml", "version": "...", "sha256": "..."},
      "new": {... the same keys ...},
      "rules": {
        "added":   [{"id", "outcome", "reason", "evidence", "applies_to"}],
        "removed": [{... the same keys, as in the old version ...}],
        "changed": [{"id", "what": ["when", "outcome", "reason", "evidence", "text"],
                     "old": {"outcome", "reason", "evidence", "applies_to"}, "new": {...}}]
      },
      "outcomes": {"moved": [{"from", "to", "count", "example"}], "unchanged": 53721004032},
      "reasons": {"gained": [{"key", "count", "example"}], "lost": [...]},
      "elapsed_seconds": 0.004
    }

`from`/`to` are outcomes, or null for answers objects that get none (a gap);
`applies_to` counts the answers objects a rule's `when` holds for; every
`example` is a complete, valid answers object (contract section 1).
"""

from __future__ import annotations

import json
from typing import Any

from .boxes import box_of, count
from .compiled import RuleBase
from .contract import Rule
from .diff import Move, ReasonChange, RulesDiff

__all__ = ["diff_to_dict", "format_diff"]


def _version(base: RuleBase) -> dict[str, str]:
    return {"source": base.path, "version": base.version, "sha256": base.sha256}


def _rule(rule: Rule, with_id: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rule.id} if with_id else {}
    out.update(
        outcome=rule.outcome,
        reason=rule.reason,
        evidence=list(rule.evidence),
        applies_to=count(box_of(rule.when)),
    )
    return out


def _move(move: Move) -> dict[str, Any]:
    return {"from": move.old, "to": move.new, "count": move.count, "example": move.example}


def _reason(change: ReasonChange) -> dict[str, Any]:
    return {"key": change.key, "count": change.count, "example": change.example}


def diff_to_dict(diff: RulesDiff) -> dict[str, Any]:
    """The JSON of `diff --json` (shape in the module docstring)."""
    return {
        "same": diff.same,
        "same_decisions": diff.same_decisions,
        "answers_objects": diff.space,
        "old": _version(diff.old),
        "new": _version(diff.new),
        "rules": {
            "added": [_rule(r) for r in diff.added],
            "removed": [_rule(r) for r in diff.removed],
            "changed": [
                {
                    "id": c.id,
                    "what": list(c.what),
                    "old": _rule(c.old, with_id=False),
                    "new": _rule(c.new, with_id=False),
                }
                for c in diff.changed
            ],
        },
        "outcomes": {"moved": [_move(m) for m in diff.moves], "unchanged": diff.unchanged},
        "reasons": {
            "gained": [_reason(r) for r in diff.gained],
            "lost": [_reason(r) for r in diff.lost],
        },
        "elapsed_seconds": round(diff.elapsed, 4),
    }


# --- words -----------------------------------------------------------------------


def _outcome(outcome: str | None) -> str:
    return outcome if outcome is not None else "no outcome"


def _gives(rule: Rule) -> str:
    reason = f", reason {rule.reason}" if rule.reason else ""
    return f"{rule.outcome}{reason}, applies to {count(box_of(rule.when)):,} answers objects"


def _detail(what: str, old: Rule, new: Rule) -> str:
    if what == "when":
        return (
            f"conditions changed: applies to {count(box_of(new.when)):,} answers objects "
            f"(was {count(box_of(old.when)):,})"
        )
    if what == "evidence":
        return f"evidence {list(old.evidence)} -> {list(new.evidence)}"
    if what == "text":
        langs = sorted(k for k in {*old.texts, *new.texts} if old.texts.get(k) != new.texts.get(k))
        return f"patient text changed ({', '.join(langs)})"
    return f"{what} {getattr(old, what) or 'none'} -> {getattr(new, what) or 'none'}"


def _rule_lines(diff: RulesDiff) -> list[str]:
    def ids(rules: tuple[Rule, ...] | list[str]) -> str:
        names = [r if isinstance(r, str) else r.id for r in rules]
        return f" ({', '.join(names)})" if names else ""

    lines = [
        f"Rules: {len(diff.changed)} changed{ids([c.id for c in diff.changed])}, "
        f"{len(diff.added)} added{ids(diff.added)}, {len(diff.removed)} removed{ids(diff.removed)}"
    ]
    for c in diff.changed:
        lines.append(f"  {c.id}: " + "; ".join(_detail(w, c.old, c.new) for w in c.what))
    lines.extend(f"  added {r.id}: {_gives(r)}" for r in diff.added)
    lines.extend(f"  removed {r.id}: was {_gives(r)}" for r in diff.removed)
    return lines


def _example(answers: dict[str, object]) -> str:
    return f"   e.g. {json.dumps(answers)}"


def format_diff(diff: RulesDiff) -> str:
    """The plain report printed by `python -m rules diff`."""
    lines = ["Screening rules diff"]
    for label, base in (("old", diff.old), ("new", diff.new)):
        lines.append(f"  {label}  {base.path}  version {base.version}  sha256 {base.sha256[:16]}…")
    lines.append("")
    lines.extend(_rule_lines(diff))
    head = f"Outcomes that change (of {diff.space:,} answers objects):"
    if not diff.moves:
        lines.append(f"{head} none")
    else:
        lines.append(head)
        lines.extend(
            f"  {_outcome(m.old)} -> {_outcome(m.new)}: {m.count:,}{_example(m.example)}"
            for m in diff.moves
        )
    for title, changes in (("Reasons gained", diff.gained), ("Reasons lost", diff.lost)):
        if not changes:
            lines.append(f"{title}: none")
            continue
        lines.append(f"{title}:")
        lines.extend(f"  {c.key}: {c.count:,}{_example(c.example)}" for c in changes)
    lines.append("")
    took = f"{diff.elapsed:.3f} s"
    if diff.same:
        lines.append(
            f"No change: all {diff.space:,} answers objects get the same outcome and the same "
            f"reasons, {took}"
        )
    elif diff.same_decisions:
        lines.append(
            f"Same decisions: the rules differ, but all {diff.space:,} answers objects get the "
            f"same outcome and the same reasons, {took}"
        )
    else:
        lines.append(
            f"Changed: {diff.moved:,} answers objects get another outcome "
            f"({diff.unchanged:,} keep theirs); reasons: {len(diff.gained)} gained, "
            f"{len(diff.lost)} lost; {took}"
        )
    return "\n".join(lines)
