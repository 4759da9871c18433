"""A loaded rule file (RuleBase) and its fast, bitmask form that decides.

Hit policy PRIORITY over outcomes: every rule whose `when` holds fires; the
outcome is the strictest outcome among them, and every reason is reported,
strictest first, then in rule-file order (contract sections 2 to 4).

Evaluation turns each rule's per-field sets of allowed values into one
bitmask per field value, so deciding is one dictionary lookup and one AND per
field, whatever the number of rules. RuleBase lives here, not in
rules.contract, because it builds this compiled form on construction: so
rules.contract imports neither and the modules form no cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .contract import Decision, Reason, Rule, RulebaseInfo
from .i18n import gettext, normalise_lang
from .reasons import REASON_TEXTS
from .schema import DOMAINS, FIELDS, SEVERITIES
from .validation import validate

__all__ = ["RuleBase"]


@dataclass(frozen=True)
class RuleBase:
    """A loaded, checked rule file, ready to evaluate answers."""

    path: str
    version: str
    sha256: str
    hit_policy: str
    reviewed_by: str
    reviewed_on: str
    rules: tuple[Rule, ...]
    _compiled: _Compiled = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", _Compiled(self))

    @property
    def info(self) -> RulebaseInfo:
        """Version and hash for a decision's `rulebase`."""
        return self._compiled.info

    def evaluate(self, answers: Mapping[str, object], lang: str = "en") -> Decision:
        """Decide for `answers`; raise AnswersError when they break the contract."""
        return self._compiled.evaluate(answers, lang)

    def outcome_of(self, answers: Mapping[str, object]) -> str | None:
        """The outcome for valid answers, or None where no rule sets one (a gap)."""
        return self._compiled.outcome_of(answers)


def _text(rule: Rule, lang: str) -> str:
    """What the patient reads for the rule's reason in `lang` (English when untranslated).

    The contract's reasons are worded in rules.reasons and the catalogues; a clinic's
    own reason (``clinic_...``) carries its texts in the rule file.
    """
    if rule.reason is None:
        return ""
    if not rule.texts:
        return gettext(REASON_TEXTS[rule.reason], lang)
    wanted = normalise_lang(lang)
    for tag in (wanted, wanted.partition("_")[0], "en"):
        if tag in rule.texts:
            return rule.texts[tag]
    return next(iter(rule.texts.values()))


class _Compiled:
    """The fast form of a RuleBase: per-field value -> bitmask of rules that allow it.

    Bit i stands for rule `order[i]`, rules sorted strictest first, then in
    file order; so the lowest set bit of an outcome-setting rule gives the
    outcome and the set bits in order give the reasons in contract order.
    """

    _LANGUAGE_LIMIT = 64

    def __init__(self, base: RuleBase) -> None:
        self.info = RulebaseInfo(base.version, base.sha256)
        self.order = tuple(sorted(base.rules, key=lambda r: (SEVERITIES.index(r.outcome), r.index)))
        self.every = (1 << len(self.order)) - 1
        self.deciding = sum(1 << i for i, r in enumerate(self.order) if r.sets_outcome)
        tables: dict[str, dict[object, int]] = {}
        for name in FIELDS:
            tables[name] = {
                value: sum(
                    1 << i
                    for i, rule in enumerate(self.order)
                    if name not in rule.when or value in rule.when[name]
                )
                for value in DOMAINS[name]
            }
        multi = {name for name, spec in FIELDS.items() if spec.kind == "multi"}
        self.single = tuple((n, t) for n, t in tables.items() if n not in multi)
        self.multi = tuple((n, t) for n, t in tables.items() if n in multi)
        self.reasons: dict[str, tuple[Reason | None, ...]] = {}  # lang -> Reason per bit

    def match(self, clean: Mapping[str, object]) -> int:
        """The bitmask of the rules that hold for answers that passed `validate`."""
        m = self.every
        for name, table in self.single:
            m &= table[clean[name]]
        for name, table in self.multi:
            m &= table[frozenset(clean[name])]  # type: ignore[arg-type]
        return m

    def evaluate(self, answers: Mapping[str, object], lang: str) -> Decision:
        mask = self.match(validate(answers, lang))
        deciding = mask & self.deciding
        if not deciding:
            raise RuntimeError(
                "no rule sets an outcome for these answers: the rule file has a gap "
                "(run `python -m rules check`)"
            )
        by_bit = self.reasons.get(lang) or self._reasons_in(lang)
        reasons = []
        while mask:
            low = mask & -mask
            reason = by_bit[low.bit_length() - 1]
            if reason is not None:
                reasons.append(reason)
            mask ^= low
        outcome = self.order[(deciding & -deciding).bit_length() - 1].outcome
        return Decision(outcome, tuple(reasons), self.info)

    def outcome_of(self, answers: Mapping[str, object]) -> str | None:
        deciding = self.match(validate(answers)) & self.deciding
        if not deciding:
            return None
        return self.order[(deciding & -deciding).bit_length() - 1].outcome

    def _reasons_in(self, lang: str) -> tuple[Reason | None, ...]:
        """The Reason of every rule (None for the default) with its text in `lang`, cached."""
        by_bit = tuple(
            None
            if rule.reason is None
            else Reason(
                rule.reason,
                rule.outcome,
                rule.id,
                _text(rule, lang),
                rule.evidence,
            )
            for rule in self.order
        )
        if len(self.reasons) >= self._LANGUAGE_LIMIT:  # lang comes from requests: stay bounded
            self.reasons.clear()
        self.reasons[lang] = by_bit
        return by_bit
