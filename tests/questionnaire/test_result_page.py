"""The result page as a person reads it: its order, its numbered and linked sources,
honest headlines, what to expect only where it applies, and the answers with Change
links that go straight to a question and come back to the result."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

import pytest

from app import create_app
from questionnaire.catalogue import QUESTIONS, Condition
from questionnaire.reference import result_reference
from questionnaire.state import FlowState
from tests.support import BY_OUTCOME, HEALTHY, completed_token, form_fields, hidden_token, token_of

LIKELY = "Microneedling is likely to suit you"
MAY_HELP = "Microneedling may help: a clinician will advise what suits your scars"
CONSULTATION = "A consultation is the right next step for your scars"


def result_page(client, app, answers: dict, lang: str | None = None) -> str:
    token = completed_token(app, answers)
    response = client.get(f"/check/result?s={token}" + (f"&lang={lang}" if lang else ""))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def main_of(page: str) -> str:
    return page[page.index('<main id="main"') : page.index("</main>")]


def headline(page: str) -> str:
    return unescape(re.search(r'<h1 class="result-headline"[^>]*>([^<]+)</h1>', page).group(1))


@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_the_page_reads_in_the_order_a_person_acts(client, app, outcome):
    page = main_of(result_page(client, app, BY_OUTCOME[outcome]))
    marks = [
        'class="result-headline"',
        "data-next-action",
        # Issue 30: the reasons straight after the action (the first one on the first screen).
        'id="why-title"',
        'class="result-panel',
        'class="purpose"',
        'id="next-title"',
        'id="answers-title"',
        *(['id="expect-title"'] if outcome in ("book_consultation", "clinician_review") else []),
        'id="contact-title"',
        'id="sources-title"',
        'class="disclaimer"',
        'class="reference"',
    ]
    positions = [page.index(mark) for mark in marks]
    assert positions == sorted(positions), list(zip(marks, positions, strict=True))
    # The intended purpose is said where the person reads the result, not only in the footer.
    assert "It is not a diagnosis." in page[: page.index('id="next-title"')]


@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_sources_are_numbered_in_the_order_first_cited_and_every_citation_links_to_one(
    client, app, outcome
):
    page = main_of(result_page(client, app, BY_OUTCOME[outcome]))
    before_sources = page[: page.index('id="sources-title"')]
    cited = [int(n) for n in re.findall(r'<a href="#source-(\d+)"', before_sources)]
    first_seen = list(dict.fromkeys(cited))
    assert first_seen == list(range(1, len(first_seen) + 1))
    listed = [int(n) for n in re.findall(r'<li id="source-(\d+)">', page)]
    assert listed == first_seen  # every listed source is cited, every citation has its source
    # The number in the link is the one it points at, named for screen readers.
    for n in first_seen:
        assert f'<a href="#source-{n}" aria-label="Source {n}">{n}</a>' in before_sources
    assert "<li value=" not in page  # no evidence-file numbers such as 12 or 19


def test_a_source_is_the_citation_the_reason_names(client, app):
    """Pregnancy's reason cites evidence.md's 41, 42, 43: they are this page's 1, 2, 3."""
    page = main_of(result_page(client, app, BY_OUTCOME["not_suitable_now"]))
    reason = re.search(
        r'<li data-reason-key="pregnancy_or_breastfeeding"[^>]*>(.*?)</li>', page, re.S
    )
    assert re.findall(r'href="#source-(\d+)"', reason.group(1)) == ["1", "2", "3"]
    assert re.search(r'<li id="source-1">Trivedi MK', page)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, LIKELY),
        ({"scar_types": ["ice_pick"]}, CONSULTATION),
        ({"scar_types": ["unsure"]}, CONSULTATION),
        ({"scar_types": ["ice_pick", "unsure"]}, CONSULTATION),
        ({"scar_severity": "severe"}, MAY_HELP),
        ({"scar_types": ["rolling", "ice_pick"]}, MAY_HELP),
        ({"scar_types": ["boxcar", "unsure"]}, MAY_HELP),
        ({"scar_types": ["ice_pick"], "scar_severity": "severe"}, CONSULTATION),
    ],
)
def test_the_headline_never_promises_more_than_the_reasons(client, app, changes, expected):
    page = result_page(client, app, {**HEALTHY, **changes})
    assert headline(page) == expected
    assert f"<title>Your result: {expected}" in unescape(page)
    if expected != LIKELY:
        assert LIKELY not in page
        assert "how much it can do depends on your scars" in page
    assert "https://www.trilogymedicalcenter.com/free-consultation/" in page  # still bookable


@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_what_to_expect_from_microneedling_only_where_it_is_the_next_step(client, app, outcome):
    page = result_page(client, app, BY_OUTCOME[outcome])
    applies = outcome in ("book_consultation", "clinician_review")
    assert ("What to expect from microneedling" in page) is applies
    assert ("1.08 out of 10" in page) is applies


@pytest.mark.parametrize("outcome", list(BY_OUTCOME))
def test_the_next_step_action_comes_right_after_the_headline(client, app, outcome):
    page = main_of(result_page(client, app, BY_OUTCOME[outcome]))
    action = re.search(r"<a [^>]*data-next-action[^>]*>", page).group(0)
    href = re.search(r'href="([^"]+)"', action).group(1)
    expected = {
        "book_consultation": "https://www.trilogymedicalcenter.com/free-consultation/",
        "clinician_review": "https://www.trilogymedicalcenter.com/medical-review/",
    }.get(outcome, "#contact")
    assert href == expected
    between = page[page.index("</h1>") : page.index(action)]
    assert "<p" in between and "<h2" not in between and "result-panel" not in between
    assert 'id="contact"' in page


def answer_rows(
    page: str, change: str = "Change", your_answer: str = "your answer"
) -> list[tuple[str, str, str]]:
    """(question, answer, change link) of every row of the answers list."""
    rows = re.findall(
        r'<dt class="summary-key">(.*?)</dt>\s*<dd class="summary-value">(.*?)</dd>\s*'
        rf'<dd class="summary-change"><a href="([^"]+)">{change}<span class="visually-hidden">'
        rf" {your_answer}: (.*?)</span></a></dd>",
        page,
        re.S,
    )
    for question, _answer, _href, hidden in rows:
        assert unescape(hidden) == unescape(question)  # the hidden text names the question
    return [(unescape(q), unescape(a), unescape(h)) for q, a, h, _ in rows]


def test_every_answer_is_listed_in_words_with_a_change_link_to_its_question(client, app):
    answers = {
        **HEALTHY,
        "scar_types": ["boxcar", "ice_pick"],
        "isotretinoin": "within_6_months",
        "fitzpatrick": "V",
        "age": 34,
    }
    rows = answer_rows(result_page(client, app, answers))
    by_question = {q: (a, h) for q, a, h in rows}
    assert len(rows) == len(QUESTIONS)
    # In the words the person answered on the steps (the shorter ones), not the console's.
    assert by_question["Which look like your scars?"][0] == "Boxcar, Ice pick"
    assert by_question["Allergic to nickel or other metals?"][0] == "No"
    assert by_question["How old are you?"][0] == "34"
    assert by_question["Have you taken isotretinoin tablets?"][0] == "Stopped 6 months ago or less"
    assert by_question["How does sun affect your skin?"][0] == (
        "Very rarely burns, tans very easily"
    )
    href = by_question["Do you get cold sores?"][1]
    question = next(q for q in QUESTIONS if q.id == "cold_sores_history")
    assert re.fullmatch(
        rf"/check/{question.step}\?s=[\w-]+&change=result#cold_sores_history-0", href
    )


def test_the_answers_are_in_the_persons_language(client, app):
    page = result_page(client, app, HEALTHY, lang="es")
    rows = re.findall(
        r'<dt class="summary-key">(.*?)</dt>\s*<dd class="summary-value">(.*?)</dd>', page, re.S
    )
    assert len(rows) == len(QUESTIONS)
    assert ("¿Tiene diabetes?", "No") in [(unescape(q), unescape(a)) for q, a in rows]
    english = {str(q.label) for q in QUESTIONS} | {str(q.patient_label) for q in QUESTIONS}
    english |= {"Rolling, Boxcar", "Moderate"}
    assert not english & {unescape(text) for row in rows for text in row}


def change(client, result_html: str, question_id: str, new_answers: dict):
    """Follow the question's Change link, send its step with ``new_answers``."""
    href = unescape(re.search(rf'href="([^"]+#{question_id}(?:-0)?)">Change', result_html).group(1))
    path = href.split("#")[0]
    step_page = client.get(path)
    assert step_page.status_code == 200
    html = step_page.get_data(as_text=True)
    step_id = re.search(r'action="/check/(\w+)"', html).group(1)
    return (
        step_id,
        html,
        client.post(
            f"/check/{step_id}",
            data={"s": hidden_token(html), **form_fields(new_answers, step_id)},
        ),
    )


def test_a_change_goes_straight_back_to_the_result(client, app):
    before = result_page(client, app, HEALTHY)
    changed = {**HEALTHY, "cold_sores_history": True}
    _step, step_html, response = change(client, before, "cold_sores_history", changed)
    # On the step, Back returns to the result, not to the step before.
    back = unescape(re.search(r'<a class="back-link" href="([^"]+)"', step_html).group(1))
    assert back.startswith("/check/result?")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/check/result?"), location  # not through the following steps
    after = client.get(location).get_data(as_text=True)
    assert headline(after) == (
        "You may be suitable, but a clinician needs to check some things first"
    )
    assert ("Do you get cold sores?", "Yes") in [(q, a) for q, a, _ in answer_rows(after)]
    # The round trip is over: a step sent later with the result's state goes on normally.
    token = token_of(location)
    html = client.get(f"/check/scars?s={token}").get_data(as_text=True)
    response = client.post(
        "/check/scars", data={"s": hidden_token(html), **form_fields(changed, "scars")}
    )
    assert "/check/result" not in response.headers["Location"]


def test_without_a_change_link_a_step_goes_on_to_the_next_step(client, app):
    token = completed_token(app, HEALTHY)
    html = client.get(f"/check/scars?s={token}").get_data(as_text=True)
    response = client.post(
        "/check/scars", data={"s": hidden_token(html), **form_fields(HEALTHY, "scars")}
    )
    assert "/check/result" not in response.headers["Location"]


def test_an_unknown_return_target_is_ignored(client, app):
    token = completed_token(app, HEALTHY)
    html = client.get(f"/check/scars?s={token}&change=https://evil.example").get_data(as_text=True)
    response = client.post(
        "/check/scars", data={"s": hidden_token(html), **form_fields(HEALTHY, "scars")}
    )
    assert "/check/result" not in response.headers["Location"]


# The yes/no questions of one step asked only of people with severe scars (as in
# test_hidden_questions.py): changing the severity makes them newly required.
HIDDEN_STEP = next(q.step for q in QUESTIONS if q.id == "connective_tissue_disease")
SEVERE_ONLY = [
    replace(q, when=Condition("scar_severity", ("severe",)), value_when_hidden=False)
    if q.step == HIDDEN_STEP and q.kind == "bool"
    else q
    for q in QUESTIONS
]


def test_a_change_that_makes_a_question_necessary_goes_through_it_first(tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "k", "QUESTIONNAIRE_QUESTIONS": SEVERE_ONLY},
        instance_path=str(tmp_path),
    )
    client = app.test_client()
    hidden = {q.id for q in SEVERE_ONLY if q.when}
    before = result_page(client, app, {k: v for k, v in HEALTHY.items() if k not in hidden})
    assert "connective-tissue disease" not in before
    severe = {**HEALTHY, "scar_severity": "severe", "connective_tissue_disease": True}
    _step, _html, response = change(client, before, "scar_severity", severe)
    location = response.headers["Location"]
    assert location.startswith(f"/check/{HIDDEN_STEP}?"), location  # newly asked: first
    html = client.get(location).get_data(as_text=True)
    response = client.post(
        f"/check/{HIDDEN_STEP}",
        data={"s": hidden_token(html), **form_fields(severe, HIDDEN_STEP)},
    )
    location = response.headers["Location"]
    assert location.startswith("/check/result?"), location  # then back, not on through the steps
    after = client.get(location).get_data(as_text=True)
    assert headline(after) == "Please see a dermatologist first"


def test_each_check_reads_its_own_reference_even_from_a_kept_page(client, app):
    """Two people with the same answers share one kept page (web/render_cache.py) but not
    their reference: each sees the one made from their own check, every time they look."""
    codec = app.extensions["state_codec"]
    seen = {}
    for flow_id in ("first-person", "second-person", "first-person"):
        token = codec.dumps(FlowState(flow_id, dict(HEALTHY)))
        page = client.get(f"/check/result?s={token}").get_data(as_text=True)
        shown = re.search(r'<strong class="reference-code">([^<]+)</strong>', page).group(1)
        assert shown == result_reference(flow_id)
        seen.setdefault(flow_id, shown)
    assert seen["first-person"] != seen["second-person"]
