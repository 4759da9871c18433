"""The proof's findings in clinical words (rules.in_words): the witness of a gap or a broken
safety minimum as a concrete person, in English and Spanish, and what they would be told."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import validate
from rules.engine import RULES_PATH
from rules.in_words import (
    concern_words,
    finding_words,
    outcome_words,
    person_words,
    refusal_paragraph,
)
from rules.report import Finding
from rules.schema import REASON_SEVERITY
from rules.verify import verify

SHIPPED = RULES_PATH.read_text(encoding="utf-8")


def variant(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SHIPPED, f"test setup: {old!r} is not in the shipped file"
    path = tmp_path / "variant.toml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_ordinary_adult_is_said_in_full(answers):
    person = answers(age=34, scar_types=["rolling"], fitzpatrick="III")
    assert person_words(person) == (
        "a 34-year-old (rolling scars; scars moderately visible; skin type III; "
        "no breakouts; nothing else to report)"
    )
    assert person_words(person, "es") == (
        "una persona de 34 años (cicatrices onduladas (rolling); cicatrices moderadamente "
        "visibles; fototipo III; sin granos; nada más que señalar)"
    )


def test_every_answer_that_is_not_no_or_none_is_said(answers):
    person = answers(
        age=17,
        scar_types=["boxcar", "ice_pick", "unsure"],
        scar_severity="severe",
        active_acne="mild",
        isotretinoin="within_6_months",
        cold_sores_history=True,
        diabetes="controlled",
        eczema_psoriasis_rosacea_in_area="active",
    )
    assert person_words(person) == (
        "a 17-year-old (boxcar and ice pick scars and others of an unsure type; scars very "
        "visible; skin type II; a few breakouts; stopped isotretinoin in the last 6 months, "
        "or not sure when; gets cold sores; well-controlled diabetes; eczema, psoriasis or "
        "rosacea flaring in the area; nothing else to report)"
    )
    spanish = person_words(person, "es")
    assert spanish.startswith("una persona de 17 años (cicatrices en forma de caja (boxcar) y")
    assert "tiene herpes labial" in spanish and "diabetes bien controlada" in spanish


def test_only_unsure_scars(answers):
    assert person_words(answers(scar_types=["unsure"])).startswith(
        "a 28-year-old (scars of an unsure type;"
    )


def test_every_concern_and_outcome_has_words_in_both_languages():
    for key, severity in REASON_SEVERITY.items():
        if severity == "info":
            continue
        english, spanish = concern_words(key), concern_words(key, "es")
        assert english.startswith("someone") and spanish.startswith("alguien"), key
    for outcome in ("not_suitable_now", "see_dermatologist", "clinician_review",
                    "book_consultation", None):  # fmt: skip
        assert outcome_words(outcome) != outcome_words(outcome, "es")


def test_a_gap_is_a_person_who_gets_no_outcome(tmp_path):
    path = tmp_path / "no-default.toml"
    path.write_text(SHIPPED[: SHIPPED.index("# --- the default")])
    (finding,) = verify(path).by_check(1)
    words = finding_words(finding)
    assert words == (
        "A 30-year-old (boxcar scars; scars moderately visible; skin type II; no breakouts; "
        "nothing else to report) gets no outcome: no rule decides for them."
    )
    assert finding_words(finding, "es") == (
        "Una persona de 30 años (cicatrices en forma de caja (boxcar); cicatrices "
        "moderadamente visibles; fototipo II; sin granos; nada más que señalar) no recibe "
        "ningún resultado: ninguna regla decide por esta persona."
    )
    assert validate(finding.witness)  # the words describe a real, complete answers object


def test_a_weakened_pregnancy_rule_names_the_person_it_would_wrongly_reassure(tmp_path):
    path = variant(
        tmp_path,
        "when = { pregnant_or_breastfeeding = true }",
        "when = { pregnant_or_breastfeeding = true, age = { below = 18 } }",
    )
    report = verify(path)
    (finding,) = report.by_check(4)[:1]
    assert finding_words(finding) == (
        "A 30-year-old (boxcar scars; scars moderately visible; skin type II; no breakouts; "
        "pregnant, trying to conceive or breastfeeding; nothing else to report) would be "
        "told “book a free consultation”, less than the minimum for someone pregnant, "
        "trying to conceive or breastfeeding: “not now”."
    )
    assert finding_words(finding, "es") == (
        "A una persona de 30 años (cicatrices en forma de caja (boxcar); cicatrices "
        "moderadamente visibles; fototipo II; sin granos; embarazada, buscando un embarazo o "
        "dando el pecho; nada más que señalar) se le diría «reservar una consulta gratuita», "
        "menos que el mínimo para alguien embarazada, que busca un embarazo o que da el "
        "pecho: «ahora no»."
    )


def test_a_lowered_cold_sore_rule_is_told_as_the_person_it_would_wrongly_reassure(tmp_path):
    path = variant(
        tmp_path,
        'reason = "cold_sore_prophylaxis"\noutcome = "clinician_review"',
        'reason = "cold_sore_prophylaxis"\noutcome = "info"',
    )
    finding = next(f for f in verify(path).by_check(4) if f.property == "S-cold-sores")
    words = finding_words(finding)
    assert "gets cold sores" in words
    assert words.endswith(
        "would be told “book a free consultation”, less than the minimum for someone who "
        "gets cold sores: “a clinician reviews first”."
    )


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_finding_without_a_witness_has_no_person(lang):
    assert finding_words(Finding(2, "R-x: unknown key 'y'"), lang) is None


def test_the_refusal_paragraph_names_the_rule_the_minimum_and_the_person_in_spanish(tmp_path):
    path = variant(
        tmp_path,
        'reason = "keloid_history"\noutcome = "see_dermatologist"',
        'reason = "keloid_history"\noutcome = "clinician_review"',
    )
    assert refusal_paragraph(verify(path), "es") == (
        f"El archivo de reglas {path} no supera su prueba, así que la aplicación no arranca "
        "con él y no decide por nadie. La regla R-keloid incumple el mínimo de seguridad "
        "S-keloid. A una persona de 30 años (cicatrices en forma de caja (boxcar); cicatrices "
        "moderadamente visibles; fototipo II; sin granos; ha tenido queloides; nada más que "
        "señalar) se le diría «antes lo revisa un profesional clínico», menos que el mínimo "
        "para alguien que ha tenido queloides: «ver antes a un dermatólogo». Hallazgos en "
        f"total: 2. Todos, con las respuestas que los muestran: python -m rules check --rules "
        f"{path}"
    )


def test_a_removed_rule_is_named_by_the_reason_no_rule_gives(tmp_path):
    start = SHIPPED.index('[[rule]]\nid = "R-keloid"')
    end = SHIPPED.index("[[rule]]", start + 1)
    path = tmp_path / "no-keloid.toml"
    path.write_text(SHIPPED[:start] + SHIPPED[end:])
    paragraph = refusal_paragraph(verify(path))
    assert (
        "No rule gives the reason keloid_history, so the safety minimum S-keloid fails. "
        "A 30-year-old (boxcar scars; scars moderately visible; skin type II; no breakouts; "
        "has had keloids; nothing else to report) would be told “book a free consultation”"
    ) in paragraph


def test_a_finding_without_a_person_is_given_as_the_proof_words_it(tmp_path):
    path = variant(tmp_path, "evidence = [5, 8]", "evidence = [5, 99]")
    paragraph = refusal_paragraph(verify(path))
    assert "fails its proof" in paragraph
    assert "R-keloid: 'evidence' cites 99, not in the references" in paragraph
