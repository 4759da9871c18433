"""Translation with the standard gettext: extraction, runtime lookup, English fallback."""

from __future__ import annotations

import pytest
from babel.messages.extract import extract_from_dir

from rules import AnswersError, load_rulebase, validate
from rules.engine import RULES_PATH
from rules.i18n import normalise_lang
from rules.reasons import REASON_TEXTS

RULES_DIR = RULES_PATH.parent


def spanish(text: str) -> str:
    return f"[es] {text}"


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """What `pybabel extract` (default keywords) finds in rules/."""
    return {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(RULES_DIR), [("**.py", "python")])
    }


def test_pybabel_extracts_every_reason_text(extracted):
    assert set(REASON_TEXTS.values()) <= extracted


def test_pybabel_extracts_the_validation_messages(extracted):
    for message in (
        "Unknown field.",
        "Choose at least one scar type.",
        "Age must be a whole number from %(minimum)d to %(maximum)d.",
        "Choose one of: %(choices)s.",
        "Answer yes or no (true or false).",
        "This question needs an answer.",
    ):
        assert message in extracted


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("es", "es"),
        ("ES", "es"),
        ("pt-BR", "pt_BR"),
        ("pt_br", "pt_BR"),
        ("../../etc", "en"),
        ("", "en"),
        (None, "en"),
        ("es/../../x", "en"),
    ],
)
def test_language_tags_are_normalised_or_refused(given, expected):
    assert normalise_lang(given) == expected


def test_no_catalogue_means_english(localedir, answers):
    base = load_rulebase(RULES_PATH)
    english = base.evaluate(answers(keloid_history=True))
    for lang in ("es", "xx", "../../etc", "pt-BR"):
        assert base.evaluate(answers(keloid_history=True), lang).reasons == english.reasons


def test_a_spanish_catalogue_is_used_once_it_exists(localedir, write_catalogue, answers):
    extra = (
        "Choose at least one scar type.",
        "Age must be a whole number from %(minimum)d to %(maximum)d.",
    )
    write_catalogue(localedir, "es", spanish, extra=extra)
    base = load_rulebase(RULES_PATH)  # a fresh decision cache
    decision = base.evaluate(answers(bleeding_disorder_or_anticoagulants=True), lang="es")
    assert [r.text for r in decision.reasons] == [
        spanish(REASON_TEXTS["bleeding_risk"]),
        spanish(REASON_TEXTS["atrophic_scars_responsive"]),
    ]
    assert decision.outcome == "clinician_review"
    # a regional tag falls back to the language
    assert base.evaluate(answers(), lang="es-MX").reasons[0].text.startswith("[es] ")
    # English is unaffected
    assert not base.evaluate(answers(), lang="en").reasons[0].text.startswith("[es]")

    with pytest.raises(AnswersError) as caught:
        validate(answers(scar_types=[], age=200), lang="es")
    assert [e["message"] for e in caught.value.errors] == [
        "[es] Choose at least one scar type.",
        "[es] Age must be a whole number from 12 to 120.",
    ]


def test_an_untranslated_message_falls_back_to_english(localedir, write_catalogue, answers):
    write_catalogue(localedir, "es", spanish, missing=("keloid_history",))
    base = load_rulebase(RULES_PATH)
    texts = [r.text for r in base.evaluate(answers(keloid_history=True), lang="es").reasons]
    assert texts == [
        REASON_TEXTS["keloid_history"],
        spanish(REASON_TEXTS["atrophic_scars_responsive"]),
    ]
