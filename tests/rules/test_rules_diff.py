"""rules.diff: exact counts of what a rule change moves, checked against independent counts.

The counts come from box arithmetic; the checks here come from elsewhere:
hand-counted products, a brute-force enumeration of a sub-box through the
bitmask engine (RuleBase.evaluate), random answers over the whole space, and
every witness evaluated with each version.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from rules import FIELDS, RuleBase, load_rulebase
from rules.boxes import FULL, Box, count
from rules.diff import RulesDiff, diff_rulebases
from rules.engine import RULES_PATH
from rules.parser import parse_rulebase
from rules.schema import DOMAINS, space_size

SPACE = 53_811_412_992

# A change touching outcomes, conditions, reasons, and a rule removed and another added.
SEVERAL = [
    (  # softened: keloid to clinician_review
        'reason = "keloid_history"\noutcome = "see_dermatologist"',
        'reason = "keloid_history"\noutcome = "clinician_review"',
    ),
    ("when = { age = { below = 18 } }", "when = { age = { below = 16 } }"),  # narrowed
    (  # hardened: raised scars only become not_suitable_now
        'reason = "hypertrophic_scars_only"\noutcome = "see_dermatologist"',
        'reason = "hypertrophic_scars_only"\noutcome = "not_suitable_now"',
    ),
    ('any_of = ["IV", "V", "VI"]', 'any_of = ["V", "VI"]'),  # an info reason narrowed
    ('includes_any = ["ice_pick"]', 'includes_any = ["ice_pick", "unsure"]'),  # and one widened
    (  # R-cold-sores removed, R-herpes added: only without an active infection
        'id = "R-cold-sores"',
        'id = "R-herpes"',
    ),
    (
        "when = { cold_sores_history = true }",
        "when = { cold_sores_history = true, active_skin_infection_in_area = false }",
    ),
]


def edit(text: str, changes: list[tuple[str, str]]) -> RuleBase:
    for old, new in changes:
        assert old in text, f"test setup: {old!r} is not in the rules"
        text = text.replace(old, new, 1)
    return parse_rulebase(text.encode(), "<edited>")


@pytest.fixture(scope="module")
def several(shipped: RuleBase) -> RuleBase:
    return edit(RULES_PATH.read_text(encoding="utf-8"), SEVERAL)


def moves(diff: RulesDiff) -> dict[tuple[str | None, str | None], int]:
    return {(m.old, m.new): m.count for m in diff.moves}


def keys(base: RuleBase, answers: dict) -> set[str]:
    """The reason keys given: by the engine, or (where a version has a gap, and the engine
    refuses to decide) by reading each rule's `when` directly."""
    if base.outcome_of(answers) is not None:
        return {r.key for r in base.evaluate(answers).reasons}
    as_seen = {**answers, "scar_types": frozenset(answers["scar_types"])}
    return {
        r.reason
        for r in base.rules
        if r.reason and all(as_seen[name] in allowed for name, allowed in r.when.items())
    }


def assert_witnesses_hold(diff: RulesDiff) -> None:
    """Every example is a valid answers object that really does what it is listed for."""
    for move in diff.moves:
        assert diff.old.outcome_of(move.example) == move.old  # outcome_of validates
        assert diff.new.outcome_of(move.example) == move.new
    for change in diff.gained:
        assert change.key in keys(diff.new, change.example) - keys(diff.old, change.example)
    for change in diff.lost:
        assert change.key in keys(diff.old, change.example) - keys(diff.new, change.example)


def test_softening_keloid_moves_exactly_its_answers(shipped, keloid_softened):
    diff = diff_rulebases(shipped, load_rulebase(keloid_softened))
    # By hand: keloid yes, and nothing else at least as strict as see_dermatologist:
    # 30 scar sets (not hypertrophic alone), 3 severities, acne none or mild, 3
    # isotretinoin answers, 6 free yes/no answers, 2 diabetes, 2 eczema, 6 skin types, 109 ages.
    assert 30 * 3 * 2 * 3 * 2**6 * 2 * 2 * 6 * 109 == 90_408_960
    assert moves(diff) == {("see_dermatologist", "clinician_review"): 90_408_960}
    assert diff.unchanged == SPACE - 90_408_960
    assert (diff.gained, diff.lost, diff.added, diff.removed) == ((), (), (), ())
    assert [(c.id, c.what) for c in diff.changed] == [("R-keloid", ("outcome",))]
    assert not diff.same and not diff.same_decisions
    assert_witnesses_hold(diff)
    (move,) = diff.moves
    assert move.example["keloid_history"] is True


def test_a_version_against_itself_changes_nothing(shipped):
    again = parse_rulebase(RULES_PATH.read_bytes(), "again")
    for other in (shipped, again):
        diff = diff_rulebases(shipped, other)
        assert diff.same and diff.same_decisions
        assert (diff.moves, diff.gained, diff.lost, diff.changed) == ((), (), (), ())
        assert diff.unchanged == diff.space == SPACE


def test_rule_changes_by_id(shipped, several):
    diff = diff_rulebases(shipped, several)
    assert [r.id for r in diff.removed] == ["R-cold-sores"]
    assert [r.id for r in diff.added] == ["R-herpes"]
    assert [(c.id, c.what) for c in diff.changed] == [
        ("R-keloid", ("outcome",)),
        ("R-hypertrophic-only", ("outcome",)),
        ("R-minor", ("when",)),
        ("R-darker-skin", ("when",)),
        ("R-ice-pick", ("when",)),
    ]


def test_same_meaning_and_notes_are_no_change_but_evidence_is(shipped):
    text = RULES_PATH.read_text(encoding="utf-8")
    reworded = edit(
        text,
        [
            ("when = { age = { below = 18 } }", "when = { age = { to = 17 } }"),
            ('note = "Strictly under 18', 'note = "Under 18'),
            ("when = {}", "when = { age = { from = 12 } }"),  # every age: still everyone
        ],
    )
    assert diff_rulebases(shipped, reworded).same
    keloid = text[text.index('[[rule]]\nid = "R-keloid"') : text.index('[[rule]]\nid = "R-hyper')]
    moved_down = edit(text, [(keloid, ""), ("# --- clinician_review", keloid + "# --- clinician")])
    assert [r.id for r in moved_down.rules] != [r.id for r in shipped.rules]
    assert diff_rulebases(shipped, moved_down).same  # the order of rules is not a change
    cited = edit(text, [("evidence = [5, 8]", "evidence = [5]")])
    diff = diff_rulebases(shipped, cited)
    assert [(c.id, c.what) for c in diff.changed] == [("R-keloid", ("evidence",))]
    assert diff.same_decisions and not diff.same


def test_every_count_adds_up_and_every_witness_holds(shipped, several):
    diff = diff_rulebases(shipped, several)
    assert diff.space == space_size() == SPACE
    assert diff.moved + diff.unchanged == SPACE
    assert [(m.old, m.new) for m in diff.moves] == [  # strictest old outcome first, then new
        ("see_dermatologist", "not_suitable_now"),
        ("see_dermatologist", "clinician_review"),
        ("clinician_review", "book_consultation"),
    ]
    assert [c.key for c in diff.gained] == ["ice_pick_limited_benefit"]
    assert [c.key for c in diff.lost] == [  # in the contract's order
        "cold_sore_prophylaxis",
        "minor_guardian_consent",
        "pih_risk_darker_skin",
    ]
    assert_witnesses_hold(diff)
    backwards = diff_rulebases(several, shipped)
    assert moves(backwards) == {(b, a): n for (a, b), n in moves(diff).items()}
    assert [(c.key, c.count) for c in backwards.gained] == [(c.key, c.count) for c in diff.lost]
    assert_witnesses_hold(backwards)


def sub_box(**values: tuple) -> Box:
    """FULL, with the named fields narrowed to `values`; other fields keep one value."""
    fixed = {name: (DOMAINS[name][0],) for name in FIELDS}
    fixed.update(values)
    return tuple(frozenset(fixed[name]) for name in FIELDS)


def enumerate_box(box: Box):
    ordered = [
        sorted(values, key=DOMAINS[name].index) for name, values in zip(FIELDS, box, strict=True)
    ]
    for combo in itertools.product(*ordered):
        answers = dict(zip(FIELDS, combo, strict=True))
        answers["scar_types"] = sorted(answers["scar_types"])
        yield answers


def test_counts_match_a_brute_force_enumeration_of_a_sub_box(shipped, several):
    scars = [s for s in DOMAINS["scar_types"] if len(s) <= 2]  # 15 sets, hypertrophic alone too
    box = sub_box(
        scar_types=tuple(scars),
        keloid_history=(False, True),
        cold_sores_history=(False, True),
        active_skin_infection_in_area=(False, True),
        isotretinoin=DOMAINS["isotretinoin"],
        fitzpatrick=DOMAINS["fitzpatrick"],
        age=(12, 15, 16, 17, 18, 40),
    )
    diff = diff_rulebases(shipped, several, within=box)
    moved: Counter = Counter()
    gained: Counter = Counter()
    lost: Counter = Counter()
    total = 0
    for answers in enumerate_box(box):
        total += 1
        old, new = shipped.evaluate(answers), several.evaluate(answers)
        moved[old.outcome, new.outcome] += 1
        old_keys, new_keys = {r.key for r in old.reasons}, {r.key for r in new.reasons}
        gained.update(new_keys - old_keys)
        lost.update(old_keys - new_keys)
    assert total == diff.space == count(box) == 15 * 2**3 * 4 * 6 * 6
    same = sum(n for (a, b), n in moved.items() if a == b)
    assert diff.unchanged == same
    assert moves(diff) == {pair: n for pair, n in moved.items() if pair[0] != pair[1]}
    assert {c.key: c.count for c in diff.gained} == dict(gained)
    assert {c.key: c.count for c in diff.lost} == dict(lost)
    # the sub-box shows every kind of change
    assert len(diff.moves) >= 3 and len(diff.gained) >= 1 and len(diff.lost) >= 3
    assert_witnesses_hold(diff)


def random_answers(rng: random.Random) -> dict:
    answers = {name: rng.choice(DOMAINS[name]) for name in FIELDS}
    answers["scar_types"] = sorted(answers["scar_types"])
    return answers


def test_random_answers_over_the_whole_space_fall_in_the_reported_classes(shipped, several):
    diff = diff_rulebases(shipped, several)
    reported = moves(diff)
    gained = {c.key for c in diff.gained}
    lost = {c.key for c in diff.lost}
    rng = random.Random(20261125)
    seen: Counter = Counter()
    for _ in range(20_000):
        answers = random_answers(rng)
        old, new = shipped.evaluate(answers), several.evaluate(answers)
        if old.outcome != new.outcome:
            assert (old.outcome, new.outcome) in reported, answers
        seen[old.outcome, new.outcome] += 1
        old_keys, new_keys = {r.key for r in old.reasons}, {r.key for r in new.reasons}
        assert new_keys - old_keys <= gained, answers
        assert old_keys - new_keys <= lost, answers
    # and the share that moves is about the exact share (20,000 samples: a few % off at most)
    share = sum(n for (a, b), n in seen.items() if a != b) / 20_000
    assert share == pytest.approx(diff.moved / SPACE, abs=0.01)


def test_a_missing_default_moves_answers_to_no_outcome(shipped):
    text = RULES_PATH.read_text(encoding="utf-8")
    without = parse_rulebase(text[: text.index("# --- the default")].encode(), "no-default")
    diff = diff_rulebases(shipped, without)
    # the answers that raise no flag (as in test_rules_verify): they now get no outcome
    no_flag = 15 * 3 * 1 * 2 * 1 * 2 * 1 * 6 * 103
    assert moves(diff) == {("book_consultation", None): no_flag}
    assert [r.id for r in diff.removed] == ["R-default"]
    assert (diff.gained, diff.lost) == ((), ())  # the default gives no reason
    assert_witnesses_hold(diff)


def test_a_large_change_takes_seconds_at_most(shipped, several):
    text = RULES_PATH.read_text(encoding="utf-8")
    heavy = edit(
        text[: text.index("# --- the default")],
        [
            ("when = { keloid_history = true }", "when = { keloid_history = true, age = 30 }"),
            ("when = { immunosuppressed = true }", "when = { immunosuppressed = true, age = 40 }"),
            ('when = { isotretinoin = "currently" }', "when = { scar_severity = 'severe' }"),
        ],
    )
    diff = diff_rulebases(several, heavy)
    assert diff.moved + diff.unchanged == SPACE
    assert diff.elapsed < 2.0
    assert_witnesses_hold(diff)


def test_whole_space_is_the_default_scope(shipped):
    assert diff_rulebases(shipped, shipped).space == count(FULL) == SPACE
