"""What changes between two versions of the rules, over every answers object, exactly.

A reviewer of a rule change needs to know whom it affects, not only which
lines moved. Like the proof (rules.verify), this never enumerates the
53,811,412,992 answers objects: it works on boxes (rules.boxes).

- Outcomes. In each version, the rules that set an outcome, strictest first,
  split the space into disjoint boxes with one outcome each (the first rule
  in that order that holds decides; what none covers gets no outcome). The
  boxes of the old and new splits, intersected pairwise, count exactly how
  many answers objects go from each outcome to each other one. Only where a
  rule differs (its `when` or outcome, in either version) can an outcome
  change, so the split is done only there: a one-rule change costs a few
  boxes, not the whole space.
- Reasons. A reason key is given exactly where a rule giving it holds, so
  "gained" is the new rules' boxes minus the old ones, and "lost" the reverse.

Every count comes with an answers object that shows it (a witness).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .boxes import FULL, Box, box_of, count, intersect, pick, subtract_all
from .compiled import RuleBase
from .contract import Rule
from .schema import OUTCOMES, REASON_SEVERITY
from .witness import PREFER

__all__ = ["ASPECTS", "Move", "ReasonChange", "RuleChange", "RulesDiff", "diff_rulebases"]

#: What makes a rule "changed" (its note is for the reviewer and changes nothing).
ASPECTS = ("when", "outcome", "reason", "evidence", "text")

Answers = dict[str, object]


@dataclass(frozen=True)
class Move:
    """`count` answers objects get `new` instead of `old` (None: no outcome, a gap)."""

    old: str | None
    new: str | None
    count: int
    example: Answers


@dataclass(frozen=True)
class ReasonChange:
    """`count` answers objects are given (gained) or no longer given (lost) reason `key`."""

    key: str
    count: int
    example: Answers


@dataclass(frozen=True)
class RuleChange:
    """A rule in both versions whose `what` (some of ASPECTS) differ."""

    id: str
    what: tuple[str, ...]
    old: Rule
    new: Rule


@dataclass
class RulesDiff:
    """Two versions compared: rules, outcome moves and reason changes, with witnesses."""

    old: RuleBase
    new: RuleBase
    space: int  # answers objects compared (the whole space unless restricted)
    added: tuple[Rule, ...] = ()
    removed: tuple[Rule, ...] = ()
    changed: tuple[RuleChange, ...] = ()
    moves: tuple[Move, ...] = ()  # old outcome != new outcome; strictest old first
    unchanged: int = 0  # answers objects whose outcome stays
    gained: tuple[ReasonChange, ...] = ()
    lost: tuple[ReasonChange, ...] = ()
    elapsed: float = field(default=0.0, compare=False)

    @property
    def moved(self) -> int:
        """How many answers objects get another outcome."""
        return sum(m.count for m in self.moves)

    @property
    def same_decisions(self) -> bool:
        """Every answers object keeps its outcome and its reason keys."""
        return not (self.moves or self.gained or self.lost)

    @property
    def same(self) -> bool:
        """Nothing differs: no rule, no outcome, no reason (a version against itself)."""
        return self.same_decisions and not (self.added or self.removed or self.changed)


# --- rules, by id ----------------------------------------------------------------


def _aspects(old: Rule, new: Rule) -> tuple[str, ...]:
    """Which ASPECTS differ; `when` by meaning (the answers it holds for), not by text."""
    differ = {
        "when": box_of(old.when) != box_of(new.when),
        "outcome": old.outcome != new.outcome,
        "reason": old.reason != new.reason,
        "evidence": old.evidence != new.evidence,
        # A clinic reason's patient text is in the rule file: changing it changes what
        # patients read, even where every outcome stays.
        "text": dict(old.texts) != dict(new.texts),
    }
    return tuple(a for a in ASPECTS if differ[a])


def _rule_changes(
    old: RuleBase, new: RuleBase
) -> tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[RuleChange, ...]]:
    """(added, removed, changed), each in file order."""
    old_ids = {r.id: r for r in old.rules}
    new_ids = {r.id: r for r in new.rules}
    added = tuple(r for r in new.rules if r.id not in old_ids)
    removed = tuple(r for r in old.rules if r.id not in new_ids)
    changed = tuple(
        RuleChange(r.id, what, old_ids[r.id], r)
        for r in new.rules
        if r.id in old_ids and (what := _aspects(old_ids[r.id], r))
    )
    return added, removed, changed


# --- outcomes --------------------------------------------------------------------


def _deciding(base: RuleBase) -> list[tuple[str, Box]]:
    """(outcome, box) of every outcome-setting rule, strictest first, then file order."""
    ordered = sorted(
        (r for r in base.rules if r.sets_outcome),
        key=lambda r: (OUTCOMES.index(r.outcome), r.index),
    )
    return [(r.outcome, box_of(r.when)) for r in ordered]


def _disjoint(boxes: list[Box]) -> list[Box]:
    """The union of `boxes` as disjoint boxes."""
    out: list[Box] = []
    for i, box in enumerate(boxes):
        out.extend(subtract_all(box, boxes[:i]))
    return out


def _split(deciding: list[tuple[str, Box]], piece: Box) -> list[tuple[str | None, Box]]:
    """`piece` as disjoint boxes, each with the one outcome all its answers objects get."""
    out: list[tuple[str | None, Box]] = []
    seen: list[Box] = []
    for outcome, box in deciding:
        inside = intersect(box, piece)
        if inside is None:
            continue
        out.extend((outcome, b) for b in subtract_all(inside, seen))
        seen.append(inside)
    out.extend((None, b) for b in subtract_all(piece, seen))
    return out


def _rank(outcome: str | None) -> int:
    return OUTCOMES.index(outcome) if outcome is not None else len(OUTCOMES)


def _outcome_moves(old: RuleBase, new: RuleBase, within: Box) -> tuple[tuple[Move, ...], int]:
    """(moves, unchanged) over `within`; see the module docstring."""
    old_rules, new_rules = _deciding(old), _deciding(new)
    differing = set(old_rules) ^ set(new_rules)  # outside these, the same rules fire
    ordered = dict.fromkeys(r for r in (*old_rules, *new_rules) if r in differing)  # stable
    pieces = _disjoint([b for b in (intersect(box, within) for _, box in ordered) if b])
    counts: dict[tuple[str | None, str | None], int] = {}
    examples: dict[tuple[str | None, str | None], Box] = {}
    for piece in pieces:
        before, after = _split(old_rules, piece), _split(new_rules, piece)
        for was, a in before:
            for now, b in after:
                both = intersect(a, b)
                if both is not None:
                    counts[was, now] = counts.get((was, now), 0) + count(both)
                    examples.setdefault((was, now), both)
    outside = count(within) - sum(count(p) for p in pieces)
    unchanged = outside + sum(n for (was, now), n in counts.items() if was == now)
    moves = tuple(
        Move(was, now, n, pick(examples[was, now], PREFER))
        for (was, now), n in sorted(counts.items(), key=lambda kv: tuple(map(_rank, kv[0])))
        if was != now
    )
    return moves, unchanged


# --- reasons ---------------------------------------------------------------------


def _reason_boxes(base: RuleBase, within: Box) -> dict[str, list[Box]]:
    """Reason key -> disjoint boxes (inside `within`) where some rule gives it."""
    given: dict[str, list[Box]] = {}
    for rule in base.rules:
        box = intersect(box_of(rule.when), within)
        if rule.reason is not None and box is not None:
            given.setdefault(rule.reason, []).append(box)
    return {key: _disjoint(boxes) for key, boxes in given.items()}


def _reason_changes(
    old: RuleBase, new: RuleBase, within: Box
) -> tuple[tuple[ReasonChange, ...], tuple[ReasonChange, ...]]:
    """(gained, lost), in the contract's order of reason keys."""
    before, after = _reason_boxes(old, within), _reason_boxes(new, within)
    order = [*REASON_SEVERITY, *sorted((set(before) | set(after)) - set(REASON_SEVERITY))]

    def changes(into: dict[str, list[Box]], away: dict[str, list[Box]]) -> list[ReasonChange]:
        out = []
        for key in order:
            only = [p for box in into.get(key, []) for p in subtract_all(box, away.get(key, []))]
            if only:
                out.append(ReasonChange(key, sum(map(count, only)), pick(only[0], PREFER)))
        return out

    return tuple(changes(after, before)), tuple(changes(before, after))


def diff_rulebases(old: RuleBase, new: RuleBase, within: Box = FULL) -> RulesDiff:
    """Compare two loaded versions over every answers object (or over the box `within`).

    `within` exists so that tests can check the counts against a brute-force
    enumeration of a small box; the command line always compares everything.
    """
    started = time.perf_counter()
    added, removed, changed = _rule_changes(old, new)
    moves, unchanged = _outcome_moves(old, new, within)
    gained, lost = _reason_changes(old, new, within)
    return RulesDiff(
        old=old,
        new=new,
        space=count(within),
        added=added,
        removed=removed,
        changed=changed,
        moves=moves,
        unchanged=unchanged,
        gained=gained,
        lost=lost,
        elapsed=time.perf_counter() - started,
    )
