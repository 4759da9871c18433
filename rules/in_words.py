"""The proof's findings in clinical words: the person a finding is about, and what they
would be told.

A finding with a witness (a gap, a broken safety minimum) holds one complete answers
object. Here it becomes a concrete person a clinician can picture: "A 30-year-old
(boxcar scars; scars moderately visible; skin type II; no breakouts; pregnant, trying to
conceive or breastfeeding; nothing else to report) would be told “book a free
consultation”, less than the minimum for someone pregnant, trying to conceive or
breastfeeding: “not now”."

The description is exact, not a summary: age, scars, skin type and breakouts are always
said; every other answer is said when it is anything but "no" or "none", and "nothing
else to report" stands for all the rest. The words are the rules' own (the questionnaire
sits above this package), English msgids marked with N_, in every shipped language
through the shared catalogues (rules.i18n).
"""

from __future__ import annotations

from collections.abc import Mapping

from .i18n import N_, gettext
from .report import Finding, Report

__all__ = [
    "concern_words",
    "finding_words",
    "outcome_words",
    "person_words",
    "refusal_paragraph",
]

#: What a person is told, in a few words, per outcome (None: a gap, no outcome at all).
_OUTCOMES = {
    "not_suitable_now": N_("not now"),
    "see_dermatologist": N_("see a dermatologist first"),
    "clinician_review": N_("a clinician reviews first"),
    "book_consultation": N_("book a free consultation"),
    None: N_("no outcome"),
}

#: The person each safety minimum protects, per contract reason key (section 3).
_CONCERNS = {
    "pregnancy_or_breastfeeding": N_("someone pregnant, trying to conceive or breastfeeding"),
    "active_infection_in_area": N_("someone with an infection in the area now"),
    "active_acne_moderate_severe": N_("someone with many or painful breakouts"),
    "skin_cancer_in_area": N_("someone with skin cancer, or a mole being checked, in the area"),
    "recent_radiation": N_("someone who had radiotherapy to the area in the last 12 months"),
    "uncontrolled_diabetes": N_("someone whose diabetes is not well controlled"),
    "inflammatory_skin_disease_flare": N_(
        "someone with eczema, psoriasis or rosacea flaring in the area"
    ),
    "recent_sunburn_or_tan": N_("someone sunburnt or freshly tanned"),
    "keloid_history": N_("someone who has had keloids"),
    "hypertrophic_scars_only": N_("someone whose scars are all raised"),
    "isotretinoin_current": N_("someone taking isotretinoin"),
    "connective_tissue_disease": N_(
        "someone with scleroderma, lupus or another connective-tissue disease"
    ),
    "isotretinoin_recent": N_("someone who stopped isotretinoin in the last 6 months"),
    "bleeding_risk": N_("someone with a bleeding disorder or on blood thinners"),
    "immunosuppression": N_("someone with a weakened immune system"),
    "cold_sore_prophylaxis": N_("someone who gets cold sores"),
    "active_acne_mild": N_("someone with a few breakouts"),
    "inflammatory_skin_disease_controlled": N_(
        "someone with settled eczema, psoriasis or rosacea in the area"
    ),
    "minor_guardian_consent": N_("someone under 18"),
    "hypertrophic_scars_present": N_("someone with raised scars among others"),
    "metal_allergy": N_("someone allergic to nickel or other metals"),
    "anaesthetic_allergy": N_("someone who has reacted to numbing creams or local anaesthetic"),
    "recent_facial_procedure": N_("someone who had a procedure on the area in the last 4 weeks"),
}

_SCAR_TYPES = {
    "boxcar": N_("boxcar"),
    "ice_pick": N_("ice pick"),
    "rolling": N_("rolling"),
    "hypertrophic": N_("raised"),
}

_VISIBILITY = {
    "mild": N_("scars mildly visible"),
    "moderate": N_("scars moderately visible"),
    "severe": N_("scars very visible"),
}

_ACNE = {
    "none": N_("no breakouts"),
    "mild": N_("a few breakouts"),
    "moderate_severe": N_("many or painful breakouts"),
}

#: Every other answer that is worth saying (anything but "no" or "none"), in contract order.
_NOTABLE: dict[str, dict[object, str]] = {
    "isotretinoin": {
        "more_than_6_months": N_("stopped isotretinoin more than 6 months ago"),
        "within_6_months": N_("stopped isotretinoin in the last 6 months, or not sure when"),
        "currently": N_("taking isotretinoin"),
    },
    "pregnant_or_breastfeeding": {True: N_("pregnant, trying to conceive or breastfeeding")},
    "keloid_history": {True: N_("has had keloids")},
    "bleeding_disorder_or_anticoagulants": {True: N_("a bleeding disorder or blood thinners")},
    "immunosuppressed": {True: N_("a weakened immune system")},
    "active_skin_infection_in_area": {True: N_("an infection in the area now")},
    "cold_sores_history": {True: N_("gets cold sores")},
    "skin_cancer_in_area": {True: N_("skin cancer, or a mole being checked, in the area")},
    "radiation_to_area_within_year": {True: N_("radiotherapy to the area in the last 12 months")},
    "diabetes": {
        "controlled": N_("well-controlled diabetes"),
        "uncontrolled": N_("diabetes that is not well controlled"),
    },
    "eczema_psoriasis_rosacea_in_area": {
        "controlled": N_("settled eczema, psoriasis or rosacea in the area"),
        "active": N_("eczema, psoriasis or rosacea flaring in the area"),
    },
    "recent_sunburn_or_tan": {True: N_("sunburnt or freshly tanned")},
    "metal_allergy": {True: N_("allergic to nickel or other metals")},
    "anaesthetic_allergy": {True: N_("has reacted to numbing creams or local anaesthetic")},
    "connective_tissue_disease": {
        True: N_("scleroderma, lupus or another connective-tissue disease")
    },
    "recent_facial_procedure": {True: N_("a procedure on the area in the last 4 weeks")},
}


def _(message: str, lang: str, /, **values: object) -> str:
    text = gettext(message, lang)
    return text % values if values else text


def outcome_words(outcome: str | None, lang: str = "en") -> str:
    """What a person with this outcome is told, in a few words (None: no outcome)."""
    return _(_OUTCOMES.get(outcome, outcome or _OUTCOMES[None]), lang)


def concern_words(reason: str, lang: str = "en") -> str:
    """The person a contract reason's safety minimum protects ("someone who gets cold sores")."""
    return _(_CONCERNS[reason], lang) if reason in _CONCERNS else reason


def _listed(items: list[str], lang: str) -> str:
    if len(items) == 1:
        return items[0]
    return _(N_("%(first)s and %(last)s"), lang, first=", ".join(items[:-1]), last=items[-1])


def _scars(types: object, lang: str) -> str:
    chosen = set(types) if isinstance(types, (list, tuple, set, frozenset)) else set()
    known = [_(words, lang) for value, words in _SCAR_TYPES.items() if value in chosen]
    if not known:
        return _(N_("scars of an unsure type"), lang)
    if "unsure" in chosen:
        return _(
            N_("%(types)s scars and others of an unsure type"), lang, types=_listed(known, lang)
        )
    return _(N_("%(types)s scars"), lang, types=_listed(known, lang))


def person_words(answers: Mapping[str, object], lang: str = "en") -> str:
    """One complete, valid answers object as a person: "a 30-year-old (boxcar scars, …)".

    Lower case, to sit inside a sentence; exact: every answer not said is "no" or "none".
    """
    parts = [
        _scars(answers.get("scar_types"), lang),
        _(_VISIBILITY.get(answers.get("scar_severity"), ""), lang),  # type: ignore[arg-type]
        _(N_("skin type %(type)s"), lang, type=answers.get("fitzpatrick")),
        _(_ACNE.get(answers.get("active_acne"), ""), lang),
    ]
    for field, words in _NOTABLE.items():
        said = words.get(answers.get(field))  # type: ignore[call-overload]
        if said:
            parts.append(_(said, lang))
    parts.append(_(N_("nothing else to report"), lang))
    return _(
        N_("a %(age)s-year-old (%(answers)s)"),
        lang,
        age=answers.get("age"),
        answers="; ".join(parts),
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def finding_words(finding: Finding, lang: str = "en") -> str | None:
    """The finding as a concrete person and what they would be told; None without a witness.

    A gap: "A 34-year-old (…) gets no outcome: no rule decides for them." A broken safety
    minimum: "A 30-year-old (…) would be told “book a free consultation”, less than the
    minimum for someone pregnant, trying to conceive or breastfeeding: “not now”."
    """
    if finding.witness is None:
        return None
    person = person_words(finding.witness, lang)
    if finding.outcome is None:
        return _sentence(
            _(N_("%(person)s gets no outcome: no rule decides for them."), lang, person=person)
        )
    if finding.covers and finding.at_least:
        return _sentence(
            _(
                N_(
                    "%(person)s would be told “%(told)s”, less than the minimum for "
                    "%(concern)s: “%(minimum)s”."
                ),
                lang,
                person=person,
                told=outcome_words(finding.outcome, lang),
                concern=concern_words(finding.covers, lang),
                minimum=outcome_words(finding.at_least, lang),
            )
        )
    return _sentence(
        _(
            N_("%(person)s would be told “%(told)s”."),
            lang,
            person=person,
            told=outcome_words(finding.outcome, lang),
        )
    )


def _first(report: Report) -> Finding | None:
    """The finding to lead with: a broken safety minimum, then a gap, then any other."""
    for check in (4, 1, 2, 3):
        found = report.by_check(check)
        with_person = [f for f in found if f.witness is not None]
        if with_person or found:
            return (with_person or found)[0]
    return None


def _lead(finding: Finding, lang: str) -> str:
    """The finding's sentence: which rule and which property, then the person in words."""
    words = finding_words(finding, lang)
    if words is None:
        return _(N_("%(message)s."), lang, message=finding.message.rstrip("."))
    if finding.property and finding.rule:
        return _(
            N_("Rule %(rule)s breaks the safety minimum %(property)s. %(person)s"),
            lang,
            rule=finding.rule,
            property=finding.property,
            person=words,
        )
    if finding.property:
        return _(
            N_(
                "No rule gives the reason %(reason)s, so the safety minimum %(property)s "
                "fails. %(person)s"
            ),
            lang,
            reason=finding.covers,
            property=finding.property,
            person=words,
        )
    if finding.outcome is None:
        return _(N_("The rules leave a gap. %(person)s"), lang, person=words)
    return words


def refusal_paragraph(report: Report, lang: str = "en") -> str:
    """Why a rule file may not decide for anyone, in one paragraph: the rule, the property,
    the person it would wrongly reassure (or the other finding), and where to see the rest.

    What the app prints when it refuses to start with the file (signoff.deployed).
    """
    first = _first(report)
    path = str(report.rules_path)
    opening = _(
        N_(
            "The rule file %(path)s fails its proof, so the app will not start with it "
            "and it decides for no one."
        ),
        lang,
        path=path,
    )
    if first is None:  # not ok, yet no finding: a check could not run
        reasons = "; ".join(report.skipped.values())
        return f"{opening} {_(N_('%(message)s.'), lang, message=reasons)}"
    closing = _(
        N_(
            "Findings in all: %(count)s. Every one, with the answers that show it: "
            "python -m rules check --rules %(path)s"
        ),
        lang,
        count=len(report.findings),
        path=path,
    )
    return f"{opening} {_lead(first, lang)} {closing}"
