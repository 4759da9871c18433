"""Loading the rule file: every malformation is refused with the rule id and the problem."""

from __future__ import annotations

import pytest

from rules import RuleFileError, default_rulebase, load_rulebase
from rules.conditions import compile_when
from rules.schema import DOMAINS


def test_the_shipped_file_loads_with_its_metadata():
    base = default_rulebase()
    assert base.hit_policy == "priority"
    assert base.version and base.reviewed_by and base.reviewed_on
    ids = [r.id for r in base.rules]
    assert len(ids) == len(set(ids)) == 30
    assert ids[-1] == "R-default"
    default = base.rules[-1]
    assert (default.outcome, default.reason, dict(default.when)) == (
        "book_consultation",
        None,
        {},
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "when = { immunosuppressed = true }",
            "when = { immunosupressed = true }",
            "R-immunosuppression: unknown field 'immunosupressed'",
        ),
        (
            'when = { active_acne = "mild" }',
            'when = { active_acne = "slight" }',
            "R-acne-mild: unknown value 'slight' for field active_acne",
        ),
        (
            'any_of = ["IV", "V", "VI"]',
            'any_of = ["IV", "V", "VII"]',
            "R-darker-skin: unknown value 'VII' for field fitzpatrick",
        ),
        (
            "when = { age = { below = 18 } }",
            'when = { age = "17" }',
            "R-minor: condition on age (int field) must be",
        ),
        (
            "when = { keloid_history = true }",
            'when = { keloid_history = "yes" }',
            "R-keloid: condition on keloid_history (bool field) must be",
        ),
        (
            'scar_types = { exactly = ["hypertrophic"] }',
            'scar_types = ["hypertrophic"]',
            "R-hypertrophic-only: condition on scar_types (multi field) must be",
        ),
        (
            "when = { age = { below = 18 } }",
            "when = { age = { under = 18 } }",
            "R-minor: unknown operator 'under' for age",
        ),
        (
            "when = { age = { below = 18 } }",
            "when = { age = { below = 17.5 } }",
            "R-minor: age.below must be a whole number",
        ),
        (
            'outcome = "see_dermatologist"\nevidence = [5, 8]',
            'outcome = "see_dermatologist_soon"\nevidence = [5, 8]',
            "R-keloid: unknown outcome 'see_dermatologist_soon'",
        ),
        (
            'reason = "bleeding_risk"',
            'reason = "bleeding"',
            "R-bleeding: unknown reason key 'bleeding'",
        ),
        ('id = "R-keloid"', 'id = "R-bleeding"', "R-bleeding: duplicate rule id"),
        (
            'reason = "keloid_history"\n',
            "",
            "R-keloid: missing key 'reason'",
        ),
        (
            'outcome = "see_dermatologist"\nevidence = [5, 8]\n',
            "evidence = [5, 8]\n",
            "R-keloid: missing key 'outcome'",
        ),
        (
            "evidence = [5, 8]\n",
            "",
            "R-keloid: missing key 'evidence'",
        ),
        (
            "when = { keloid_history = true }\n",
            "",
            "R-keloid: missing key 'when'",
        ),
        (
            "evidence = [5, 8]",
            'evidence = ["Juhasz 2020"]',
            "R-keloid: 'evidence' must be a list of reference numbers",
        ),
        (
            "evidence = [5, 8]",
            "evidence = [5, 99]",
            "R-keloid: 'evidence' cites 99, not in the references",
        ),
        (
            "evidence = [5, 8]",
            "evidence = [5, 8]\nseverity = 'high'",
            "R-keloid: unknown key 'severity'",
        ),
        (
            '\nhit_policy = "priority"',
            '\nhit_policy = "first"',
            'hit_policy must be "priority"',
        ),
        ('\nversion = "', '\nrelease = "', "missing top-level key 'version'"),
        (
            'outcome = "book_consultation"',
            'outcome = "book_consultation"\nreason = "scar_type_unclear"',
            "R-default: a book_consultation rule gives no reason",
        ),
        (
            'reason = "metal_allergy"',
            'reason = "bleeding_risk"',
            "R-metal-allergy: reason 'bleeding_risk' is already given by R-bleeding",
        ),
        ("[[rule]]", "[[rule]\n", "not a valid TOML file"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_rule_and_the_problem(
    rules_text, edited, old, new, expected
):
    path = edited(rules_text, old, new)
    with pytest.raises(RuleFileError) as caught:
        load_rulebase(path)
    assert any(expected in p for p in caught.value.problems), caught.value.problems
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_every_problem_is_listed_at_once(rules_text, tmp_path):
    text = (
        rules_text.replace("when = { immunosuppressed = true }", "when = { immunity = true }")
        .replace('active_acne = "mild"', 'active_acne = "slight"')
        .replace('reason = "bleeding_risk"', 'reason = "bleeding"')
    )
    path = tmp_path / "three.toml"
    path.write_text(text)
    with pytest.raises(RuleFileError) as caught:
        load_rulebase(path)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "R-bleeding",
        "R-immunosuppression",
        "R-acne-mild",
    ]


# --- what the `when` language means --------------------------------------------------


def allowed(when: dict, field: str) -> set:
    compiled, problems = compile_when(when)
    assert problems == []
    return set(compiled[field])


def test_age_bounds():
    assert allowed({"age": {"below": 18}}, "age") == set(range(12, 18))
    assert allowed({"age": {"at_least": 65}}, "age") == set(range(65, 121))
    assert allowed({"age": {"from": 16, "to": 18}}, "age") == {16, 17, 18}
    assert allowed({"age": 40}, "age") == {40}
    assert allowed({"age": {"below": 12}}, "age") == set()


def test_choice_forms():
    assert allowed({"diabetes": "controlled"}, "diabetes") == {"controlled"}
    assert allowed({"fitzpatrick": {"any_of": ["V", "VI"]}}, "fitzpatrick") == {"V", "VI"}
    assert allowed({"diabetes": {"none_of": ["none"]}}, "diabetes") == {
        "controlled",
        "uncontrolled",
    }


def test_scar_type_forms():
    every = set(DOMAINS["scar_types"])
    assert allowed({"scar_types": {"exactly": ["hypertrophic"]}}, "scar_types") == {
        frozenset({"hypertrophic"})
    }
    mixed = allowed(
        {"scar_types": {"includes_all": ["hypertrophic"], "count_at_least": 2}}, "scar_types"
    )
    assert mixed == {s for s in every if "hypertrophic" in s and len(s) >= 2}
    assert len(mixed) == 15
    atrophic = allowed({"scar_types": {"includes_any": ["rolling", "boxcar"]}}, "scar_types")
    assert atrophic == {s for s in every if s & {"rolling", "boxcar"}}
    assert allowed({"scar_types": {"includes_none": ["unsure"]}}, "scar_types") == {
        s for s in every if "unsure" not in s
    }
    assert allowed({"scar_types": {"count_at_most": 1}}, "scar_types") == {
        s for s in every if len(s) == 1
    }


def test_bool_and_empty_when():
    assert allowed({"keloid_history": False}, "keloid_history") == {False}
    assert compile_when({}) == ({}, [])
