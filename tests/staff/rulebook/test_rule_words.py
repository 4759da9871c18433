"""The rule book's words (staff.rule_words) and its two partials.

The words must say exactly which answers a rule applies to, so besides examples
they are read back here by a small, independent reader of the English phrases
(`meaning`), and what it reads must be the rule's compiled answers: for every
rule of the shipped file, for random conditions and for arbitrary sets of
answers. Each rule's own witness (an answers object it applies to) and its near
misses are checked against the engine too.
"""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest
from flask import render_template
from flask_babel import force_locale

from questionnaire.catalogue import QUESTIONS
from rules import RuleBase
from rules.boxes import box_of, pick
from rules.conditions import OPERATORS, compile_when
from rules.diff import diff_rulebases
from rules.engine import RULES_PATH
from rules.parser import parse_rulebase
from rules.schema import DOMAINS, FIELDS
from rules.witness import PREFER
from staff.rulebook.rule_words import condition_words, diff_rows, outcome_label, rule_rows

QUESTION = {q.id: q for q in QUESTIONS}
KELOID_OUTCOME = 'reason = "keloid_history"\noutcome = "see_dermatologist"'


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield app


def edited(*changes: tuple[str, str]) -> RuleBase:
    text = RULES_PATH.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, f"test setup: {old!r} is not in the rules"
        text = text.replace(old, new, 1)
    return parse_rulebase(text.encode(), "<edited>")


def rows_by_id(base: RuleBase, lang: str = "en") -> dict:
    return {row.id: row for row in rule_rows(base, lang)}


def words(when: dict, lang: str = "en") -> list[str]:
    compiled, problems = compile_when(when)
    assert not problems
    with force_locale(lang):
        return [condition_words(f, allowed, QUESTION[f]) for f, allowed in compiled.items()]


# --- an independent reader of the English words -----------------------------------

QUOTED = r"“([^”]*)”"


def english_values(field: str) -> dict[str, object]:
    """Answer label -> value, as the questionnaire shows them in English."""
    if FIELDS[field].kind == "bool":
        return {"Yes": True, "No": False}
    with force_locale("en"):
        return {str(c.label): c.value for c in QUESTION[field].choices}


def named(field: str, text: str, separator: str) -> frozenset[object]:
    """The values of a list of quoted labels; nothing but the separator between them."""
    labels = re.findall(QUOTED, text)
    assert text == separator.join(f"“{label}”" for label in labels), text
    values = english_values(field)
    return frozenset(values[label] for label in labels)


def ages(text: str) -> frozenset[object]:
    domain = DOMAINS["age"]
    allowed: set[object] = set()
    for part in text.split(", or "):
        if m := re.fullmatch(r"under (\d+)", part):
            allowed |= {v for v in domain if v < int(m[1])}
        elif m := re.fullmatch(r"(\d+) or over", part):
            allowed |= {v for v in domain if v >= int(m[1])}
        elif m := re.fullmatch(r"(\d+) to (\d+)", part):
            allowed |= {v for v in domain if int(m[1]) <= v <= int(m[2])}
        else:
            assert re.fullmatch(r"\d+", part), part
            allowed.add(int(part))
    return frozenset(allowed)


def scar_sets(text: str) -> frozenset[object]:
    field, domain = "scar_types", DOMAINS["scar_types"]
    if text.startswith("exactly "):
        return frozenset({named(field, text.removeprefix("exactly "), " and ")})
    if text.startswith("one of these combinations: "):
        listed = text.removeprefix("one of these combinations: ").split("; ")
        return frozenset(named(field, combination, " + ") for combination in listed)
    tests = []
    for clause in text.split("; "):
        if clause.startswith("includes any of "):
            some = named(field, clause.removeprefix("includes any of "), ", ")
            tests.append(lambda s, v=some: bool(s & v))
        elif clause.startswith("includes none of "):
            none = named(field, clause.removeprefix("includes none of "), ", ")
            tests.append(lambda s, v=none: not s & v)
        elif clause.startswith("includes "):
            every = named(field, clause.removeprefix("includes "), " and ")
            tests.append(lambda s, v=every: v <= s)
        elif m := re.fullmatch(r"at least (\d+) chosen", clause):
            tests.append(lambda s, n=int(m[1]): len(s) >= n)
        elif m := re.fullmatch(r"at most (\d+) chosen", clause):
            tests.append(lambda s, n=int(m[1]): len(s) <= n)
        else:
            m = re.fullmatch(r"(\d+) to (\d+) chosen", clause)
            assert m, clause
            tests.append(lambda s, lo=int(m[1]), hi=int(m[2]): lo <= len(s) <= hi)
    return frozenset(s for s in domain if all(test(s) for test in tests))


def meaning(field: str, text: str) -> frozenset[object]:
    """The answers the English words `text` (one condition) describe."""
    with force_locale("en"):
        label = str(QUESTION[field].label)
    assert text.startswith(f"{label} "), text
    answers = text.removeprefix(f"{label} ")
    domain = frozenset(DOMAINS[field])
    if answers == "any answer":
        return domain
    if answers == "no answer (the rule never applies)":
        return frozenset()
    kind = FIELDS[field].kind
    if kind == "int":
        return ages(answers)
    if kind == "multi":
        return scar_sets(answers)
    if answers.startswith("any answer except "):
        return domain - named(field, answers.removeprefix("any answer except "), ", ")
    return named(field, answers, " or ")


def assert_exact(field: str, allowed: frozenset[object]) -> str:
    with force_locale("en"):
        text = condition_words(field, allowed, QUESTION[field])
    assert meaning(field, text) == allowed, f"{text!r} does not say exactly these answers"
    return text


# --- the rule book ----------------------------------------------------------------


def test_every_rule_has_a_row_in_file_order_with_its_outcome_text_and_evidence(context, shipped):
    rows = rule_rows(shipped, "en")
    assert [row.id for row in rows] == [rule.id for rule in shipped.rules]
    pregnancy = rows[0]
    assert pregnancy.id == "R-pregnancy"
    (condition,) = pregnancy.when
    assert "pregnant" in condition and "breastfeeding" in condition
    assert condition.endswith("“Yes”")
    assert pregnancy.outcome == "Not suitable now"
    assert pregnancy.severity == "not_suitable_now"
    assert [number for number, _citation in pregnancy.evidence] == [41, 42, 43]
    assert "Trivedi" in pregnancy.evidence[0][1]
    assert pregnancy.note and "pregnancy" in pregnancy.note
    by_id = {row.id: row for row in rows}
    assert by_id["R-default"].when == ("Everyone",)
    assert by_id["R-default"].outcome == "Book a consultation"
    assert by_id["R-default"].patient_text == "" and by_id["R-default"].reason is None
    assert by_id["R-atrophic"].outcome == "Adds information only"
    assert by_id["R-keloid"].outcome == "See a dermatologist first"
    assert by_id["R-keloid"].note is None  # no note in the file: None, not ""
    assert by_id["R-bleeding"].outcome == "Clinician review first"


def test_the_patient_text_is_what_the_engine_tells_the_patient(context, shipped):
    for lang in ("en", "es"):
        for rule, row in zip(shipped.rules, rule_rows(shipped, lang), strict=True):
            if rule.reason is None:
                continue
            decision = shipped.evaluate(pick(box_of(rule.when), PREFER), lang)
            told = {reason.rule: reason.text for reason in decision.reasons}
            assert row.patient_text == told[rule.id], rule.id


def test_outcome_labels(context):
    assert [outcome_label(o) for o in ("not_suitable_now", "see_dermatologist", None)] == [
        "Not suitable now",
        "See a dermatologist first",
        "No outcome (a gap)",
    ]
    assert outcome_label("clinician_review") == "Clinician review first"
    assert outcome_label("book_consultation") == "Book a consultation"
    assert outcome_label("info") == "Adds information only"


def test_conditions_read_as_the_questions_and_answers_a_person_sees(context, shipped):
    by_id = rows_by_id(shipped)
    scars = "Which of these look like your scars?"
    assert by_id["R-minor"].when == ("How old are you? under 18",)
    assert by_id["R-hypertrophic-only"].when == (f"{scars} exactly “Raised”",)
    assert by_id["R-hypertrophic-mixed"].when == (f"{scars} includes “Raised”; at least 2 chosen",)
    assert by_id["R-atrophic"].when == (f"{scars} includes any of “Boxcar”, “Rolling”",)
    assert by_id["R-ice-pick"].when == (f"{scars} includes “Ice pick”",)
    assert by_id["R-acne-moderate-severe"].when == (
        "Do you have acne breakouts at the moment? “Many, or painful ones”",
    )
    darker = by_id["R-darker-skin"].when[0]
    assert darker.count("” or “") == 2  # three skin types, in the catalogue's words
    assert "IV" not in darker  # asked in words, never numerals


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({"age": {"below": 18}}, "How old are you? under 18"),
        ({"age": {"from": 18, "to": 25}}, "How old are you? 18 to 25"),
        ({"age": {"at_least": 65}}, "How old are you? 65 or over"),
        ({"age": 40}, "How old are you? 40"),
        ({"age": {"at_least": 12}}, "How old are you? any answer"),
        ({"diabetes": {"none_of": ["none"]}},
         "Do you have diabetes? “Yes, and it is well controlled” or "
         "“Yes, and it is not well controlled”"),
        ({"fitzpatrick": {"none_of": ["I"]}},
         "Which best describes your skin in the sun? any answer except “Always burns, never tans”"),
        ({"scar_types": {"includes_none": ["hypertrophic", "unsure"]}},
         "Which of these look like your scars? includes none of “Raised”, “Not sure”"),
        ({"scar_types": {"includes_all": ["boxcar", "rolling"]}},
         "Which of these look like your scars? includes “Boxcar” and “Rolling”"),
        ({"scar_types": {"exactly": ["ice_pick", "boxcar"]}},
         "Which of these look like your scars? exactly “Boxcar” and “Ice pick”"),
        ({"scar_types": {"count_at_least": 4}},
         "Which of these look like your scars? at least 4 chosen"),
        ({"scar_types": {"includes_any": ["boxcar", "rolling"], "count_at_most": 2}},
         "Which of these look like your scars? "
         "includes any of “Boxcar”, “Rolling”; at most 2 chosen"),
    ],
)  # fmt: skip
def test_each_operator_has_its_exact_words(context, when, expected):
    assert words(when) == [expected]
    (field,) = when
    assert meaning(field, expected) == compile_when(when)[0][field]


def test_answers_no_phrase_describes_are_listed_in_full(context):
    """Not approximated: every allowed combination is named."""
    allowed = frozenset({frozenset({"boxcar"}), frozenset({"rolling", "ice_pick"})})
    text = assert_exact("scar_types", allowed)
    assert text == (
        "Which of these look like your scars? one of these combinations: "
        "“Boxcar”; “Ice pick” + “Rolling”"
    )


def test_ages_that_are_not_one_range_name_each_range(context):
    allowed = frozenset(set(range(12, 16)) | {30} | set(range(65, 121)))
    assert assert_exact("age", allowed) == "How old are you? under 16, or 30, or 65 or over"


def test_every_shipped_condition_says_exactly_its_answers(context, shipped):
    for rule in shipped.rules:
        for field, allowed in rule.when.items():
            assert_exact(field, allowed)


def random_condition(rng: random.Random, field: str) -> object:
    spec = FIELDS[field]
    if spec.kind == "bool":
        return rng.choice([True, False])
    if spec.kind == "choice":
        values = rng.sample(spec.choices, rng.randint(1, len(spec.choices)))
        return rng.choice([values[0], {"any_of": values}, {"none_of": values}])
    if spec.kind == "int":
        ops = rng.sample(["below", "at_least", "from", "to"], rng.randint(1, 2))
        return {op: rng.randint(10, 122) for op in ops}
    ops = rng.sample(OPERATORS["multi"], rng.randint(1, 3))
    return {
        op: rng.randint(1, 5)
        if op.startswith("count_")
        else rng.sample(spec.choices, rng.randint(1, len(spec.choices)))
        for op in ops
    }


def test_random_conditions_and_arbitrary_answer_sets_read_exactly(context):
    rng = random.Random(14)
    for _ in range(400):
        field = rng.choice(list(FIELDS))
        compiled, problems = compile_when({field: random_condition(rng, field)})
        assert not problems
        assert_exact(field, compiled[field])
    for _ in range(200):  # any set at all, not only what one condition can say
        for field in ("scar_types", "age", "fitzpatrick"):
            domain = DOMAINS[field]
            assert_exact(field, frozenset(rng.sample(domain, rng.randint(0, len(domain)))))


def test_each_rules_witness_meets_its_words_and_each_near_miss_breaks_them(context, shipped):
    """The engine agrees with the words: the rule applies to its witness, whose every
    answer the words admit; change one constrained answer to one the words exclude and
    the rule no longer applies."""
    for rule in shipped.rules:
        if rule.reason is None:
            continue
        witness = pick(box_of(rule.when), PREFER)
        assert rule.id in {r.rule for r in shipped.evaluate(witness).reasons}
        for field, allowed in rule.when.items():
            said = meaning(field, assert_exact(field, allowed))
            value = witness[field]
            assert (frozenset(value) if isinstance(value, list) else value) in said
            outside = next(v for v in DOMAINS[field] if v not in said)
            miss = {
                **witness,
                field: sorted(outside) if isinstance(outside, frozenset) else outside,
            }
            assert rule.id not in {r.rule for r in shipped.evaluate(miss).reasons}, (rule.id, field)


def test_the_words_are_in_the_consoles_language(context, shipped):
    english, spanish = rows_by_id(shipped, "en"), rows_by_id(shipped, "es")
    assert spanish["R-pregnancy"].when != english["R-pregnancy"].when
    assert spanish["R-pregnancy"].patient_text != english["R-pregnancy"].patient_text
    assert spanish["R-pregnancy"].outcome != english["R-pregnancy"].outcome
    assert spanish["R-default"].when == ("Todos",)
    with force_locale("es"):
        question = str(QUESTION["scar_types"].label)
        labels = {c.value: str(c.label) for c in QUESTION["scar_types"].choices}
    assert labels["boxcar"] != "Boxcar"  # the catalogue is translated
    atrophic = spanish["R-atrophic"].when[0]
    assert atrophic.startswith(question)
    assert f"“{labels['boxcar']}”" in atrophic and f"“{labels['rolling']}”" in atrophic


# --- the diff ---------------------------------------------------------------------


def test_a_softened_keloid_rule_reads_as_one_exact_move(context, shipped):
    softened = edited(
        (KELOID_OUTCOME, KELOID_OUTCOME.replace("see_dermatologist", "clinician_review"))
    )
    diff = diff_rulebases(shipped, softened)
    view = diff_rows(diff, "en")
    assert not view.same and not view.same_decisions
    (move,) = view.moves
    assert (move.old, move.new, move.count, move.number) == (
        "See a dermatologist first",
        "Clinician review first",
        "90,408,960",
        90_408_960,
    )
    assert move.example.notable == ("Have you ever had a keloid? “Yes”",)
    assert len(move.example.every) == len(QUESTIONS)
    assert "How old are you? 30" in move.example.every
    assert view.summary == (
        "90,408,960 of the 53,811,412,992 possible sets of answers get another outcome; "
        "53,721,004,032 keep theirs."
    )
    assert not view.gained and not view.lost  # the same reason, only a softer outcome
    (rule,) = view.rules
    assert (rule.id, rule.kind, rule.title) == ("R-keloid", "changed", "Changed R-keloid")
    assert rule.details == ("Outcome: See a dermatologist first → Clinician review first",)
    spanish = diff_rows(diff, "es")
    assert spanish.moves[0].count == "90.408.960"
    assert spanish.moves[0].example.notable[0].startswith("¿")


def test_a_narrowed_condition_reads_with_both_conditions_and_the_reason_lost(context, shipped):
    narrowed = edited(("when = { age = { below = 18 } }", "when = { age = { below = 16 } }"))
    diff = diff_rulebases(shipped, narrowed)
    view = diff_rows(diff, "en")
    (rule,) = view.rules
    assert rule.details[:2] == (
        "When it applied: How old are you? under 18",
        "When it applies now: How old are you? under 16",
    )
    (lost,) = view.lost
    assert lost.key == "minor_guardian_consent" and lost.severity == "Clinician review first"
    assert lost.number == diff.lost[0].count and lost.count == f"{lost.number:,}"
    assert "How old are you? 16" in lost.example.notable or "How old are you? 17" in (
        lost.example.notable
    )
    assert [(m.old, m.new) for m in view.moves] == [
        ("Clinician review first", "Book a consultation")
    ]


def test_rules_added_and_removed_say_what_they_did(context, shipped):
    renamed = edited(('id = "R-cold-sores"', 'id = "R-herpes"'))
    view = diff_rows(diff_rulebases(shipped, renamed), "en")
    assert view.same_decisions and not view.same
    assert view.summary.startswith("No possible set of answers changes outcome or reasons")
    assert [(r.kind, r.id) for r in view.rules] == [
        ("added", "R-herpes"),
        ("removed", "R-cold-sores"),
    ]
    added = view.rules[0]
    assert "Outcome: Clinician review first" in added.details
    assert "When it applies: Do you get cold sores? “Yes”" in added.details


def test_a_version_against_itself_reads_as_no_change(context, shipped):
    view = diff_rows(diff_rulebases(shipped, shipped), "en")
    assert view.same and view.same_decisions
    assert not view.moves and not view.gained and not view.lost and not view.rules
    assert view.moved == "0" and view.unchanged == view.space == "53,811,412,992"
    assert "no possible set of answers changes outcome or reasons" in view.summary


# --- the partials -----------------------------------------------------------------


class Structure(HTMLParser):
    """Tags in order, with their attributes; fails on a closing tag that does not match."""

    VOID = frozenset({"br", "input", "img", "meta", "link", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()


def structure(html: str) -> Structure:
    parsed = Structure()
    parsed.feed(html)
    parsed.close()
    assert not parsed.open, f"left open: {parsed.open}"
    return parsed


def test_the_rule_book_partial_is_an_accessible_table_of_every_rule(context, shipped):
    html = render_template("staff/rulebook/_rule_book.html", book=rule_rows(shipped, "en"))
    parsed = structure(html)
    tags = [tag for tag, _attrs in parsed.tags]
    assert tags.count("table") == 1 and tags.count("caption") == 1
    region = parsed.tags[0][1]
    assert "table-scroll" in region["class"] and region["tabindex"] == "0"
    headers = [attrs.get("scope") for tag, attrs in parsed.tags if tag == "th"]
    assert headers.count("col") == 5 and headers.count("row") == len(shipped.rules)
    assert "How old are you? under 18" in html
    assert "[41] Trivedi MK" in html
    assert "Not suitable now" in html and "outcome-tag-not-suitable-now" in html
    named = render_template(
        "staff/rulebook/_rule_book.html", book=[], book_caption="Version 2 rules"
    )
    assert 'aria-label="Version 2 rules"' in named


def test_the_rule_book_escapes_the_rule_file(context):
    text = RULES_PATH.read_text(encoding="utf-8").replace(
        'id = "R-keloid"', 'id = "R-keloid"\nnote = "<b>never</b> & more"', 1
    )
    book = rule_rows(parse_rulebase(text.encode(), "<edited>"), "en")
    html = render_template("staff/rulebook/_rule_book.html", book=book)
    assert "&lt;b&gt;never&lt;/b&gt; &amp; more" in html and "<b>" not in html


def test_the_diff_partial_shows_the_move_its_example_and_the_rule_change(context, shipped):
    softened = edited(
        (KELOID_OUTCOME, KELOID_OUTCOME.replace("see_dermatologist", "clinician_review"))
    )
    html = render_template(
        "staff/rulebook/_rule_diff.html", changes=diff_rows(diff_rulebases(shipped, softened), "en")
    )
    structure(html)
    assert '<td class="num">90,408,960</td>' in html
    assert "<td>See a dermatologist first</td><td>Clinician review first</td>" in html
    assert "Have you ever had a keloid? “Yes”" in html
    assert "Changed R-keloid" in html
    assert "No possible set of answers changes outcome" not in html


def test_the_diff_partial_says_no_change(context, shipped):
    html = render_template(
        "staff/rulebook/_rule_diff.html", changes=diff_rows(diff_rulebases(shipped, shipped), "en")
    )
    structure(html)
    assert "no possible set of answers changes outcome or reasons" in html
    assert "<table" not in html
    narrowed = edited(("when = { age = { below = 18 } }", "when = { age = { below = 16 } }"))
    html = render_template(
        "staff/rulebook/_rule_diff.html", changes=diff_rows(diff_rulebases(shipped, narrowed), "en")
    )
    structure(html)
    # The concern by the person it is about, not by its key.
    assert "<strong>someone under 18</strong>" in html
    assert "minor_guardian_consent" not in html
