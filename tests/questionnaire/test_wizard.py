"""The wizard as a browser without JavaScript uses it: steps, errors, back, refresh, result."""

import re

import pytest

from questionnaire.catalogue import MINUTES_TO_ANSWER, STEPS
from tests.support import BY_OUTCOME, HEALTHY, form_fields, hidden_token, load_examples, token_of

BOOKING = "https://www.trilogymedicalcenter.com/free-consultation/"
REVIEW = "https://www.trilogymedicalcenter.com/medical-review/"

HEADLINES = {
    "book_consultation": "Microneedling is likely to suit you",
    "clinician_review": "You may be suitable, but a clinician needs to check some things first",
    "see_dermatologist": "Please see a dermatologist first",
    "not_suitable_now": "Microneedling should not be done at the moment",
}

CAREFUL_HEADLINES = {"E04": "A consultation is the right next step for your scars"}


def test_intro_explains_the_check_and_starts_it(client):
    page = client.get("/").get_data(as_text=True)
    assert "What is microneedling?" in page
    assert f"about {MINUTES_TO_ANSWER} minutes" in page
    assert "Your answers are not stored" in page
    assert 'href="/check/start"' in page


def test_start_opens_the_first_step_with_nothing_done(client, walker):
    location = walker.start()
    page = client.get(location).get_data(as_text=True)
    assert f"Step 1 of {len(STEPS)}" in page
    assert f'<progress max="{len(STEPS)}" value="0"' in page
    for value in ("boxcar", "ice_pick", "rolling", "hypertrophic", "unsure"):
        assert f'value="{value}"' in page
    assert page.count('class="scar-svg"') == 5


def test_skin_type_is_asked_in_words_never_numerals(client, walker):
    answers = {k: v for k, v in HEALTHY.items()}
    location = walker.start()
    for step in STEPS[:-1]:
        token = hidden_token(client.get(location).get_data(as_text=True))
        location = client.post(
            f"/check/{step.id}", data={"s": token, **form_fields(answers, step.id)}
        ).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Always burns, never tans" in page
    labels = re.findall(r'<span class="option-name">([^<]*)</span>', page)
    assert labels and not any(
        label.strip() in {"I", "II", "III", "IV", "V", "VI"} for label in labels
    )


@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_each_outcome_is_reached_and_shown_with_its_next_step(client, walker, outcome):
    result = client.get(walker.complete(BY_OUTCOME[outcome]))
    page = result.get_data(as_text=True)
    assert result.status_code == 200
    assert HEADLINES[outcome] in page
    assert "a screening aid, not a diagnosis" in page.lower()
    # What to expect from microneedling only where it is the next thing to talk about.
    expects = outcome in ("book_consultation", "clinician_review")
    assert ("1.08 out of 10" in page and "3 to 6 sessions" in page) is expects
    if outcome == "book_consultation":
        assert BOOKING in page
    if outcome == "clinician_review":
        assert REVIEW in page and BOOKING not in page
    if outcome in ("see_dermatologist", "not_suitable_now"):
        assert BOOKING not in page and REVIEW not in page


@pytest.mark.parametrize("outcome", ["book_consultation", "clinician_review"])
def test_the_clinics_number_on_the_result_dials_when_tapped(client, walker, outcome):
    page = client.get(walker.complete(BY_OUTCOME[outcome])).get_data(as_text=True)
    next_step = page[page.index("Or call us on") :]
    assert next_step.startswith('Or call us on <a class="phone" href="tel:+15550100199">')


@pytest.mark.parametrize("keloids", [True, False])
def test_not_now_with_a_reason_time_does_not_cure_also_sends_to_a_dermatologist(
    client, walker, keloids
):
    answers = {**BY_OUTCOME["not_suitable_now"], "keloid_history": keloids}
    page = client.get(walker.complete(answers)).get_data(as_text=True)
    assert HEADLINES["not_suitable_now"] in page
    assert ("need a dermatologist’s advice, not just time" in page) is keloids


def test_the_isotretinoin_reason_fits_the_not_sure_choice(client, walker):
    """The choice says "also if you are not sure when": the reason must not say you know."""
    page = client.get(walker.complete({**HEALTHY, "isotretinoin": "within_6_months"}))
    assert "or you are not sure when you stopped" in page.get_data(as_text=True)


@pytest.mark.parametrize("example", load_examples(), ids=lambda e: e["id"])
def test_worked_examples_through_the_wizard(client, walker, example):
    page = client.get(walker.complete(example["answers"])).get_data(as_text=True)
    # Ice pick scars alone respond least to needling: no "likely to suit" (result headline).
    headline = CAREFUL_HEADLINES.get(example["id"], HEADLINES[example["expected"]])
    assert headline in page
    for key in example["must_mention"]:
        # On the element that shows the reason, once, for the clinic's tools; never in words.
        assert page.count(f'data-reason-key="{key}"') == 1, key
        assert key not in readable_text(page), key


def readable_text(html: str) -> str:
    """What a person reads: the page's words, without tags, attributes or scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_reason_carries_its_key_and_severity_and_no_rule_jargon_is_shown(client, walker):
    answers = {
        **HEALTHY,
        "scar_types": ["ice_pick", "unsure"],
        "fitzpatrick": "V",
        "diabetes": "controlled",
    }
    page = client.get(walker.complete(answers)).get_data(as_text=True)
    assert "About your skin and health" in page
    shown = dict(re.findall(r'data-reason-key="(\w+)" data-reason-severity="(\w+)"', page))
    for key in (
        "ice_pick_limited_benefit",
        "scar_type_unclear",
        "pih_risk_darker_skin",
        "controlled_diabetes_disclose",
    ):
        assert shown[key] == "info"
        assert page.count(f'data-reason-key="{key}"') == 1
    text = readable_text(page)
    assert not re.search(r"\bR-[\w-]+", text)  # no rule ids
    assert "fingerprint" not in text and not re.search(r"\b[0-9a-f]{16}\b", text)
    assert not any(key in text for key in shown)
    # Instead, a short reference to quote, the same on every visit of this check.
    reference = re.search(r"Your result reference:\s+([0-9A-Z]{4}-[0-9A-Z]{4})", text)
    assert reference, "no result reference"


def test_missing_answers_show_every_error_and_keep_the_rest(client, walker):
    location = walker.start()
    step_one = client.get(location)
    token = hidden_token(step_one.get_data(as_text=True))
    client.post("/check/scars", data={"s": token, **form_fields(HEALTHY, "scars")})
    # Step 2 with two answers given and two missing.
    page_two = client.get(
        client.post("/check/scars", data={"s": token, **form_fields(HEALTHY, "scars")}).headers[
            "Location"
        ]
    )
    token_two = hidden_token(page_two.get_data(as_text=True))
    response = client.post(
        "/check/skin", data={"s": token_two, "active_acne": "mild", "recent_sunburn_or_tan": "no"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([\w-]+)">', summary)
    assert len(links) == 2
    for anchor in links:
        assert f'id="{anchor}"' in page, anchor
    assert re.search(r'value="mild"\s+checked', page)
    assert re.search(
        r'id="recent_sunburn_or_tan-1" name="recent_sunburn_or_tan" value="no"\s+checked', page
    )
    assert "<title>Error:" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "whole number"),
        ("11", "from 12 to 120"),
        ("121", "from 12 to 120"),
        ("", "Enter your age"),
        ("٣٠", "whole number"),
    ],
)
def test_age_errors_are_explained_and_the_typed_text_kept(client, walker, typed, message):
    location = walker.start()
    for step in STEPS[:-1]:
        token = hidden_token(client.get(location).get_data(as_text=True))
        location = client.post(
            f"/check/{step.id}", data={"s": token, **form_fields(HEALTHY, step.id)}
        ).headers["Location"]
    token = hidden_token(client.get(location).get_data(as_text=True))
    response = client.post("/check/about", data={"s": token, "fitzpatrick": "III", "age": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'value="{typed}"' in page
    assert re.search(r'value="III"\s+checked', page)
    assert 'aria-invalid="true"' in page


def test_back_returns_to_the_previous_step_with_its_answers(client, walker):
    location = walker.start()
    token = hidden_token(client.get(location).get_data(as_text=True))
    location = client.post(
        "/check/scars",
        data={"s": token, "scar_types": ["ice_pick", "rolling"], "scar_severity": "severe"},
    ).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    back = re.search(r'class="back-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert back.startswith("/check/scars?")
    previous = client.get(back).get_data(as_text=True)
    assert re.search(r'value="ice_pick"\s+checked', previous)
    assert re.search(r'value="rolling"\s+checked', previous)
    assert re.search(r'value="severe"\s+checked', previous)
    assert not re.search(r'value="boxcar"\s+checked', previous)


def test_refreshing_a_step_or_the_result_loses_nothing(client, walker):
    result_url = walker.complete(BY_OUTCOME["clinician_review"])
    first, second = client.get(result_url), client.get(result_url)
    assert first.status_code == second.status_code == 200
    assert HEADLINES["clinician_review"] in second.get_data(as_text=True)


def test_changing_an_answer_changes_the_result(client, walker):
    result_url = walker.complete(HEALTHY)
    token = token_of(result_url)
    page = client.get(f"/check/healing?s={token}").get_data(as_text=True)
    assert re.search(r'id="keloid_history-1" name="keloid_history" value="no"\s+checked', page)
    data = {"s": hidden_token(page), **form_fields({**HEALTHY, "keloid_history": True}, "healing")}
    location = client.post("/check/healing", data=data).headers["Location"]
    assert "/check/about" in location
    location = client.post(
        "/check/about", data={"s": token_of(location), **form_fields(HEALTHY, "about")}
    ).headers["Location"]
    assert HEADLINES["see_dermatologist"] in client.get(location).get_data(as_text=True)


def test_skipping_ahead_is_sent_back_to_the_first_unanswered_step(client, walker):
    location = walker.start()
    response = client.get(f"/check/health?s={token_of(location)}")
    assert response.status_code == 303
    assert "/check/scars" in response.headers["Location"]
    result = client.get(f"/check/result?s={token_of(location)}")
    assert result.status_code == 303 and "/check/scars" in result.headers["Location"]


@pytest.mark.parametrize("token", ["tampered", ""])
def test_a_bad_token_restarts_with_a_clear_message(client, token):
    response = client.post("/check/skin", data={"s": token, "active_acne": "none"})
    assert response.status_code == 303
    intro = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please start again" in intro
    assert "Nothing was saved" in intro


def test_an_expired_token_says_so(app, walker):
    location = walker.start()
    app.extensions["state_codec"]._max_age = -1
    response = app.test_client().get(location)
    assert response.headers["Location"].endswith("notice=expired")
    assert "limited time" in app.test_client().get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_forged_choices_are_refused_without_a_crash(client, walker):
    token = hidden_token(client.get(walker.start()).get_data(as_text=True))
    response = client.post(
        "/check/scars",
        data={"s": token, "scar_types": ["freckles"], "scar_severity": "catastrophic"},
    )
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)


def test_unknown_step_is_a_friendly_404(client):
    response = client.get("/check/nowhere")
    assert response.status_code == 404
    assert "Go to the start of the check" in response.get_data(as_text=True)


def test_pages_forbid_framing_and_caching_of_answers(client, walker):
    response = client.get(walker.start())
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_pages_are_compressed_for_browsers_that_ask(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    import gzip

    assert b"Is microneedling right" in gzip.decompress(response.data)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_static_files_are_cached_for_a_year_under_content_hashed_urls(client):
    page = client.get("/").get_data(as_text=True)
    css_url = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(css_url)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
