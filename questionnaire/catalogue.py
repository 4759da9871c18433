"""The questions, as data: which contract field each asks, on which step, in which words.

The catalogue is the single description of the questionnaire. The wizard's forms,
the phone-intake mode and the API's question list are all drawn from it. It is
checked against the rules' answer schema when the app starts (see
``validate_catalogue``), so a typo stops start-up instead of reaching a patient.

A question may carry ``when``: it is shown only when an answer from an EARLIER
step has one of the listed values; when hidden, it takes ``value_when_hidden``.

A question's ``ask`` and a choice's ``short`` are the patient's shorter words, used
only on the patient's own pages (the step pages and the result's "Your answers"):
the step's title and the hints already say the rest (docs/patient-pages.md, "Shorter
words on the patient's pages"). Everything staff read (the console, its exports, the
rule words, the phone intake, the API) keeps ``label``, word for word.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Choice:
    """One answer a person can pick, with its plain-words label."""

    value: str
    label: str
    hint: str | None = None
    picture: str | None = None  # name of an SVG under templates/illustrations/
    swatch: str | None = None  # a CSS colour shown beside the words
    short: str | None = None  # the patient's pages' words; None: the label

    @property
    def patient_label(self) -> str:
        """The words the patient's pages show: ``short``, else the label."""
        return self.label if self.short is None else self.short


@dataclass(frozen=True)
class Condition:
    """Show a question only when ``field`` (asked earlier) has one of ``any_of``."""

    field: str
    any_of: tuple[object, ...]

    def holds(self, answers: dict[str, object]) -> bool:
        return answers.get(self.field) in self.any_of


@dataclass(frozen=True)
class Question:
    """One question: the contract field it fills and how it is asked."""

    id: str
    step: str
    kind: str  # "multi", "choice", "bool" or "int", as in rules.FIELDS
    label: str
    required_message: str
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    when: Condition | None = None
    value_when_hidden: object = None
    input_attributes: tuple[tuple[str, str], ...] = ()
    ask: str | None = None  # the patient's pages' words; None: the label

    @property
    def patient_label(self) -> str:
        """The question as the patient's pages ask it: ``ask``, else the label."""
        return self.label if self.ask is None else self.ask

    def is_shown(self, answers: dict[str, object]) -> bool:
        return self.when is None or self.when.holds(answers)


@dataclass(frozen=True)
class Step:
    """A page of the wizard."""

    id: str
    title: str
    intro: str | None = None


# How long answering every step takes, to the nearest minute: measured with
# bench/step_heights.py as 3.4 minutes in English and 3.5 (3.49) in Spanish
# (docs/patient-pages.md, "Shorter words on the patient's pages"). Measure again after
# adding or rewording questions; the intro and every page's description state it.
MINUTES_TO_ANSWER = 3

# Short, themed steps: at most four questions each, so every step is about one
# to two screens on a phone (docs/patient-pages.md, "Intro and steps").
STEPS: tuple[Step, ...] = (
    Step("scars", _l("Your scars")),
    Step("skin", _l("Your skin now")),
    Step("area", _l("The area of your scars")),
    Step("medicines", _l("Medicines and pregnancy")),
    Step("health", _l("Your health")),
    Step("healing", _l("Scarring and allergies")),
    Step("about", _l("About you")),
)


def _yes_no() -> tuple[Choice, ...]:
    return (Choice("yes", _l("Yes")), Choice("no", _l("No")))


QUESTIONS: tuple[Question, ...] = (
    # --- Your scars -------------------------------------------------------
    Question(
        id="scar_types",
        step="scars",
        kind="multi",
        label=_l("Which of these look like your scars?"),
        ask=_l("Which look like your scars?"),
        hint=_l("Choose all that apply."),
        required_message=_l("Choose at least one scar type, or “Not sure”."),
        choices=(
            Choice(
                "boxcar",
                _l("Boxcar"),
                _l("Round dents, steep edges, flat bottom."),
                picture="boxcar",
            ),
            Choice(
                "ice_pick",
                _l("Ice pick"),
                _l("Narrow, deep holes."),
                picture="ice_pick",
            ),
            Choice(
                "rolling",
                _l("Rolling"),
                _l("Wide, shallow, wavy dips."),
                picture="rolling",
            ),
            Choice(
                "hypertrophic",
                _l("Raised"),
                _l("Firm bumps."),
                picture="raised",
            ),
            Choice(
                "unsure",
                _l("Not sure"),
                _l("The clinician will check."),
                picture="unsure",
            ),
        ),
    ),
    Question(
        id="scar_severity",
        step="scars",
        kind="choice",
        label=_l("How visible are your scars?"),
        required_message=_l("Choose how visible your scars are."),
        choices=(
            Choice(
                "mild",
                _l("Mild"),
                _l("Make-up or a beard hides them."),
            ),
            Choice(
                "moderate",
                _l("Moderate"),
                _l("Hard to hide."),
            ),
            Choice(
                "severe",
                _l("Severe"),
                _l("Seen across a room."),
            ),
        ),
    ),
    # --- Your skin now ----------------------------------------------------
    Question(
        id="active_acne",
        step="skin",
        kind="choice",
        label=_l("Do you have acne breakouts at the moment?"),
        ask=_l("Any acne breakouts now?"),
        required_message=_l("Choose whether you have breakouts at the moment."),
        choices=(
            Choice("none", _l("No breakouts"), short=_l("No")),
            Choice("mild", _l("A few"), _l("Small spots or blackheads.")),
            Choice(
                "moderate_severe",
                _l("Many, or painful ones"),
                _l("Inflamed spots, or painful deep lumps or cysts."),
                short=_l("Many, or painful"),
            ),
        ),
    ),
    Question(
        id="eczema_psoriasis_rosacea_in_area",
        step="skin",
        kind="choice",
        label=_l("Do you have eczema, psoriasis or rosacea where your scars are?"),
        ask=_l("Eczema, psoriasis or rosacea where your scars are?"),
        required_message=_l("Choose whether you have eczema, psoriasis or rosacea there."),
        choices=(
            Choice("none", _l("No")),
            Choice(
                "controlled",
                _l("Yes, but it is settled at the moment"),
                short=_l("Yes, settled now"),
            ),
            Choice("active", _l("Yes, and it is flaring up now"), short=_l("Yes, flaring up")),
        ),
    ),
    Question(
        id="active_skin_infection_in_area",
        step="skin",
        kind="bool",
        label=_l("Right now, is there an infection where your scars are?"),
        ask=_l("Any infection now where your scars are?"),
        hint=_l("Like a cold sore, warts, impetigo or fungal rash."),
        required_message=_l("Answer yes or no: an infection where your scars are."),
        choices=_yes_no(),
    ),
    Question(
        id="recent_sunburn_or_tan",
        step="skin",
        kind="bool",
        label=_l("Is the skin sunburnt or freshly tanned right now?"),
        ask=_l("Sunburn or a fresh tan?"),
        required_message=_l("Answer yes or no: sunburn or a fresh tan."),
        choices=_yes_no(),
    ),
    # --- Treatments and checks on the area --------------------------------
    Question(
        id="recent_facial_procedure",
        step="area",
        kind="bool",
        label=_l("Have you had a procedure on the area in the last 4 weeks?"),
        ask=_l("Any procedure there in the last 4 weeks?"),
        hint=_l("Like a peel, laser, filler or surgery."),
        required_message=_l("Answer yes or no: a procedure in the last 4 weeks."),
        choices=_yes_no(),
    ),
    Question(
        id="skin_cancer_in_area",
        step="area",
        kind="bool",
        label=_l("Have you had skin cancer in the area, or is a mole or spot there being checked?"),
        ask=_l("Skin cancer there, or a mole or spot being checked?"),
        required_message=_l("Answer yes or no: skin cancer or a spot being checked."),
        choices=_yes_no(),
    ),
    Question(
        id="radiation_to_area_within_year",
        step="area",
        kind="bool",
        label=_l("Have you had radiotherapy to the area in the last 12 months?"),
        ask=_l("Radiotherapy there in the last 12 months?"),
        required_message=_l("Answer yes or no: radiotherapy in the last 12 months."),
        choices=_yes_no(),
    ),
    # --- Medicines and pregnancy ------------------------------------------
    Question(
        id="isotretinoin",
        step="medicines",
        kind="choice",
        label=_l("Have you ever taken isotretinoin tablets for acne?"),
        ask=_l("Have you taken isotretinoin tablets?"),
        hint=_l("Like Accutane, Roaccutane, Absorica or Claravis."),
        required_message=_l("Choose whether you have taken isotretinoin."),
        choices=(
            Choice("never", _l("Never")),
            Choice(
                "more_than_6_months",
                _l("Yes, and I stopped more than 6 months ago"),
                short=_l("Stopped over 6 months ago"),
            ),
            Choice(
                "within_6_months",
                _l("Yes, and I stopped 6 months ago or less"),
                _l("Or not sure when."),
                short=_l("Stopped 6 months ago or less"),
            ),
            Choice("currently", _l("Yes, I am taking it now"), short=_l("Taking it now")),
        ),
    ),
    Question(
        id="pregnant_or_breastfeeding",
        step="medicines",
        kind="bool",
        label=_l("Are you pregnant, trying to get pregnant, or breastfeeding?"),
        ask=_l("Pregnant, trying to get pregnant, or breastfeeding?"),
        required_message=_l("Answer yes or no: pregnant, trying, or breastfeeding."),
        choices=_yes_no(),
    ),
    Question(
        id="bleeding_disorder_or_anticoagulants",
        step="medicines",
        kind="bool",
        label=_l("Do you have a bleeding disorder, or take blood thinners?"),
        ask=_l("A bleeding disorder, or blood thinners?"),
        hint=_l("Like warfarin, apixaban, rivaroxaban or daily aspirin."),
        required_message=_l("Answer yes or no: a bleeding disorder or blood thinners."),
        choices=_yes_no(),
    ),
    # --- Your health ------------------------------------------------------
    Question(
        id="diabetes",
        step="health",
        kind="choice",
        label=_l("Do you have diabetes?"),
        required_message=_l("Choose whether you have diabetes."),
        choices=(
            Choice("none", _l("No")),
            Choice(
                "controlled",
                _l("Yes, and it is well controlled"),
                short=_l("Yes, well controlled"),
            ),
            Choice(
                "uncontrolled",
                _l("Yes, and it is not well controlled"),
                _l("Blood sugar often high, or not sure."),
                short=_l("Yes, not well controlled"),
            ),
        ),
    ),
    Question(
        id="immunosuppressed",
        step="health",
        kind="bool",
        label=_l("Is your immune system weakened by an illness or a medicine?"),
        ask=_l("Is your immune system weakened?"),
        hint=_l("Such as a transplant, chemotherapy, steroid tablets or HIV."),
        required_message=_l("Answer yes or no: a weakened immune system."),
        choices=_yes_no(),
    ),
    Question(
        id="connective_tissue_disease",
        step="health",
        kind="bool",
        label=_l("Do you have scleroderma, lupus or another connective-tissue disease?"),
        ask=_l("Scleroderma, lupus or another connective-tissue disease?"),
        required_message=_l("Answer yes or no: a connective-tissue disease."),
        choices=_yes_no(),
    ),
    Question(
        id="cold_sores_history",
        step="health",
        kind="bool",
        label=_l("Do you get cold sores?"),
        required_message=_l("Answer yes or no: cold sores."),
        choices=_yes_no(),
    ),
    # --- Scarring and allergies -------------------------------------------
    Question(
        id="keloid_history",
        step="healing",
        kind="bool",
        label=_l("Have you ever had a keloid?"),
        ask=_l("Have you had a keloid?"),
        hint=_l("A raised scar that outgrows the wound."),
        required_message=_l("Answer yes or no: keloid scars."),
        choices=_yes_no(),
    ),
    Question(
        id="metal_allergy",
        step="healing",
        kind="bool",
        label=_l("Are you allergic to nickel or other metals?"),
        ask=_l("Allergic to nickel or other metals?"),
        hint=_l("Like a rash from cheap jewellery."),
        required_message=_l("Answer yes or no: a metal allergy."),
        choices=_yes_no(),
    ),
    Question(
        id="anaesthetic_allergy",
        step="healing",
        kind="bool",
        label=_l("Have you reacted badly to numbing cream or a local anaesthetic?"),
        ask=_l("Bad reaction to numbing cream or local anaesthetic?"),
        hint=_l("Like at the dentist."),
        required_message=_l("Answer yes or no: a reaction to numbing cream or anaesthetic."),
        choices=_yes_no(),
    ),
    # --- About you --------------------------------------------------------
    Question(
        id="fitzpatrick",
        step="about",
        kind="choice",
        label=_l("Which best describes your skin in the sun?"),
        ask=_l("How does sun affect your skin?"),
        hint=_l("The colours are a guide."),
        required_message=_l("Choose the description closest to your skin."),
        choices=(
            Choice("I", _l("Always burns, never tans"), _l("Very fair."), swatch="#f6e0d2"),
            Choice(
                "II",
                _l("Usually burns, tans with difficulty"),
                _l("Fair."),
                swatch="#eccab0",
                short=_l("Usually burns, tans little"),
            ),
            Choice(
                "III",
                _l("Sometimes burns, tans gradually"),
                _l("Light to medium."),
                swatch="#d7a47e",
                short=_l("Sometimes burns, tans slowly"),
            ),
            Choice(
                "IV",
                _l("Rarely burns, tans easily"),
                _l("Olive or light brown."),
                swatch="#b67c52",
            ),
            Choice(
                "V",
                _l("Very rarely burns, tans very easily"),
                _l("Brown."),
                swatch="#8a5531",
            ),
            Choice(
                "VI",
                _l("Never burns"),
                _l("Dark brown or black."),
                swatch="#4e2f1d",
            ),
        ),
    ),
    Question(
        id="age",
        step="about",
        kind="int",
        label=_l("How old are you?"),
        hint=_l("12 or over."),
        required_message=_l("Enter your age in years, for example 34."),
        input_attributes=(("inputmode", "numeric"), ("autocomplete", "off")),
    ),
)
