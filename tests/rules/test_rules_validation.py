"""Strict validation: every problem at once, each naming its field; nothing defaulted."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import FIELDS, AnswersError, evaluate, validate


def errors_of(bad: object) -> list[dict]:
    with pytest.raises(AnswersError) as caught:
        validate(bad)
    return caught.value.errors


def fields_of(errors: list[dict]) -> list[str]:
    return [e["field"] for e in errors]


def test_valid_answers_give_a_clean_copy(answers):
    given_answers = answers(scar_types=["unsure", "rolling"])
    clean = validate(given_answers)
    assert clean == answers(scar_types=["rolling", "unsure"])  # contract order of values
    assert list(clean) == list(FIELDS)
    assert clean is not given_answers
    assert clean["scar_types"] is not given_answers["scar_types"]


def test_every_kind_of_problem_is_reported_at_once(answers):
    bad = answers(
        scar_types=[],
        scar_severity="huge",
        pregnant_or_breastfeeding=1,
        keloid_history="true",
        age=True,
    )
    del bad["diabetes"]
    bad["colour"] = "blue"
    errors = errors_of(bad)
    assert fields_of(errors) == [
        "scar_types",
        "scar_severity",
        "pregnant_or_breastfeeding",
        "keloid_history",
        "diabetes",
        "age",
        "colour",
    ]
    messages = {e["field"]: e["message"] for e in errors}
    assert messages["scar_types"] == "Choose at least one scar type."
    assert messages["scar_severity"] == "Choose one of: mild, moderate, severe."
    assert messages["age"] == "Age must be a whole number from 12 to 120."
    assert messages["colour"] == "Unknown field."
    assert messages["diabetes"]  # a sentence, not a code
    assert all(set(e) == {"field", "message"} for e in errors)


@pytest.mark.parametrize("age", [11, 121, "20", 20.5, 20.0, True, False, None, -1])
def test_bad_ages_are_rejected(answers, age):
    errors = errors_of(answers(age=age))
    assert errors == [{"field": "age", "message": "Age must be a whole number from 12 to 120."}]


@pytest.mark.parametrize("age", [12, 17, 18, 120])
def test_boundary_ages_are_accepted(answers, age):
    assert validate(answers(age=age))["age"] == age


@pytest.mark.parametrize("value", [0, 1, "true", "false", "yes", None, [], 1.0])
@pytest.mark.parametrize("field", ["pregnant_or_breastfeeding", "metal_allergy"])
def test_bools_accept_only_true_and_false(answers, field, value):
    assert fields_of(errors_of(answers(**{field: value}))) == [field]


@pytest.mark.parametrize(
    ("scar_types", "message"),
    [
        ([], "Choose at least one scar type."),
        (["boxcar", "boxcar"], "Choose each scar type only once."),
        (["boxcar", "dimple"], None),
        ("boxcar", None),
        ({"boxcar": True}, None),
        ([["boxcar"]], None),
        (None, None),
    ],
)
def test_scar_types_must_be_a_non_empty_list_of_distinct_known_values(answers, scar_types, message):
    errors = errors_of(answers(scar_types=scar_types))
    assert set(fields_of(errors)) == {"scar_types"}
    if message:
        assert errors[0]["message"] == message


def test_duplicates_and_unknown_scar_types_are_both_reported(answers):
    errors = errors_of(answers(scar_types=["boxcar", "boxcar", "dimple"]))
    assert fields_of(errors) == ["scar_types", "scar_types"]


@pytest.mark.parametrize("value", ["Mild", " mild", "", 1, None, ["mild"]])
def test_choices_are_exact(answers, value):
    assert fields_of(errors_of(answers(scar_severity=value))) == ["scar_severity"]


@pytest.mark.parametrize("bad", [None, [], "answers", 42, [{"age": 30}]])
def test_a_non_object_gives_one_error_for_the_whole_input(bad):
    errors = errors_of(bad)
    assert len(errors) == 1
    assert errors[0]["field"] == ""
    assert errors[0]["message"]


def test_an_empty_object_lists_every_field_as_missing():
    errors = errors_of({})
    assert fields_of(errors) == list(FIELDS)
    assert len({e["message"] for e in errors if e["field"] != "age"}) == 1


def test_evaluate_validates_first(answers):
    bad = answers(age=11)
    bad["colour"] = "red"
    with pytest.raises(AnswersError) as caught:
        evaluate(bad)
    assert fields_of(caught.value.errors) == ["age", "colour"]
    assert isinstance(caught.value, ValueError)
    assert "age" in str(caught.value)


def test_nothing_is_defaulted_even_when_everything_else_is_fine(answers):
    for name in FIELDS:
        partial = answers()
        del partial[name]
        assert fields_of(errors_of(partial)) == [name]
        with pytest.raises(AnswersError):
            evaluate(partial)


# Wrong values per kind, none of which the contract allows.
WRONG = {
    "multi": st.sampled_from([[], "boxcar", ["boxcar", "boxcar"], ["keloid"], None, [1]]),
    "choice": st.sampled_from(["", "NONE", None, 0, True, ["none"], "maybe"]),
    "bool": st.sampled_from([0, 1, "true", "no", None, 0.0, []]),
    "int": st.sampled_from([11, 121, "30", 30.0, True, None, 0, 10**6]),
}


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_exactly_the_broken_fields_are_named(answers, data):
    fate = data.draw(
        st.fixed_dictionaries(
            {name: st.sampled_from(["ok", "wrong", "missing"]) for name in FIELDS}
        )
    )
    extra = data.draw(st.sets(st.sampled_from(["colour", "Age", "notes", ""])))
    broken = {name for name, f in fate.items() if f == "wrong"}
    missing = {name for name, f in fate.items() if f == "missing"}
    bad = answers()
    for name in broken:
        bad[name] = data.draw(WRONG[FIELDS[name].kind], label=name)
    for name in missing:
        del bad[name]
    for name in extra:
        bad[name] = "x"
    if not broken | missing | extra:
        validate(bad)  # nothing wrong: accepted
        return
    errors = errors_of(bad)
    assert set(fields_of(errors)) == broken | missing | extra
    with pytest.raises(AnswersError) as caught:
        evaluate(bad)
    assert caught.value.errors == errors


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=200),
    st.floats(allow_nan=False),
    st.sampled_from(["none", "mild", "controlled", "II", "never", "boxcar", "true", ""]),
    st.lists(st.sampled_from(["boxcar", "rolling", "hypertrophic", "unsure", "x"]), max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_fast_and_the_careful_path_agree(answers, data):
    # A plain dict takes validate()'s fast path first; any other mapping the careful one.
    candidate = answers()
    for name in data.draw(st.sets(st.sampled_from(list(FIELDS)))):
        candidate[name] = data.draw(ANY_VALUE, label=name)
    try:
        fast = validate(candidate)
    except AnswersError as exc:
        with pytest.raises(AnswersError) as careful:
            validate(MappingProxyType(candidate))
        assert careful.value.errors == exc.errors
    else:
        assert validate(MappingProxyType(candidate)) == fast
