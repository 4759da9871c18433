"""Phone intake as the front desk uses it during a call (issue #16).

The caller's details and consent come first; every clinical question is still
asked, with nothing pre-filled; the messages tell the member of staff what to
ask; the same rules decide; and the lead is theirs, already "contacted".
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

import rules
from core.extensions import db
from leads.models import Lead
from questionnaire.catalogue import QUESTIONS, STEPS
from staff.models import AuditEvent
from tests.factories import csrf_token, staff_client
from tests.support import BY_OUTCOME, HEALTHY, form_fields, load_examples

CALLER = {
    "name": "Carla Caller",
    "phone": "+44 20 7946 0000",
    "email": "",
    "contact_time": "afternoon",
    "consent": "y",
}


@pytest.fixture
def desk(db_app):
    """A front-desk coordinator's signed-in client, and their account's id."""
    client = staff_client(db_app, "desk@clinic.test", "staff", name="Dana Desk")
    return client, client.staff_id


def _intake_page(client) -> tuple[str, dict[str, str]]:
    html = client.get("/staff/intake").get_data(as_text=True)
    token = re.search(r'name="s" value="([^"]+)"', html).group(1)
    return html, {"csrf_token": csrf_token(html), "s": token}


def _all_answers(answers: dict) -> dict[str, object]:
    data: dict[str, object] = {}
    for step in STEPS:
        data.update(form_fields(answers, step.id))
    return data


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_callers_details_and_consent_come_first_and_no_answer_is_pre_ticked(db_app, desk):
    client, _staff_id = desk
    html, _hidden = _intake_page(client)
    first_question = html.index('id="scar_types-0"')
    for field_id in ("name", "phone", "email", "contact_time-0", "consent"):
        assert html.index(f'id="{field_id}"') < first_question, field_id
    assert html.index("Read this out to the caller") < first_question
    assert "I agree that" in html[:first_question]  # the consent wording, to read out
    # Every question of the catalogue is asked, each group in a fieldset with a legend.
    for question in QUESTIONS:
        assert str(question.label) in html, question.id
    assert html.count("<legend>") >= sum(q.kind != "int" for q in QUESTIONS) + 1
    # Nothing answered for the caller: no question's option is checked, the age is empty.
    question_ids = {q.id for q in QUESTIONS}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if name and name.group(1) in question_ids:
            assert " checked" not in tag, tag
            assert 'value=""' in tag or 'type="radio"' in tag or 'type="checkbox"' in tag
    assert 'id="age" name="age" value=""' in html
    # Pictures stay out of a call's layout; the steps are headings of their own.
    assert "<img" not in html
    for step in STEPS:
        assert f'id="step-{step.id}"' in html


def test_a_form_sent_empty_names_every_missing_answer_in_words_for_staff(db_app, desk):
    client, _staff_id = desk
    _html, hidden = _intake_page(client)
    response = client.post("/staff/intake", data=hidden)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    start = page.index('id="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    for message in (
        "Ask for the caller’s name.",
        "Ask for the caller’s phone number or email.",
        "Confirm the caller agreed to the clinic keeping their details.",
    ):
        assert message in summary, message
    for question in QUESTIONS:
        assert f"Ask: {question.label}" in summary, question.id
        assert str(question.required_message) not in page  # the patient's words stay theirs
    assert "Enter your name." not in page
    assert "or we can't keep your request" not in page
    # The summary is in the page's order: the caller first, then the questions.
    assert summary.index("caller’s name") < summary.index("Ask: Which of these look like")
    assert page.count("Not answered yet: ask the caller.") == len(QUESTIONS)
    assert _count(db_app, Lead) == 0


def test_every_answer_given_is_kept_and_only_the_missing_ones_are_asked_for(db_app, desk):
    client, _staff_id = desk
    _html, hidden = _intake_page(client)
    answers = {k: v for k, v in HEALTHY.items() if k not in ("cold_sores_history", "age")}
    response = client.post(
        "/staff/intake", data={**hidden, **CALLER, **_all_answers(answers), "age": "7"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ask: Do you get cold sores?" in page
    assert "Ask again: How old are you? Write a whole number from 12 to 120." in page
    assert "Ask for the caller’s name." not in page and "Ask: Do you have diabetes?" not in page
    assert 'value="Carla Caller"' in page and 'value="+44 20 7946 0000"' in page
    assert re.search(r'id="consent" name="consent" value="y" checked', page)
    assert re.search(r'id="diabetes-0" name="diabetes" value="none" checked', page)
    assert re.search(r'value="7"', page)
    assert _count(db_app, Lead) == 0


def test_each_lead_has_the_decision_the_rules_give(db_app, desk):
    """Every outcome, and the contract's ten worked examples, through the intake page."""
    client, _staff_id = desk
    cases = [*BY_OUTCOME.values(), *(example["answers"] for example in load_examples())]
    for number, answers in enumerate(cases, start=1):
        _html, hidden = _intake_page(client)
        # Each its own number: the same one again would be warned about (a possible duplicate).
        phone = f"+44 20 7946 {number:04d}"
        data = {**hidden, **CALLER, "name": f"Caller {number}", "phone": phone,
                **_all_answers(answers)}  # fmt: skip
        response = client.post("/staff/intake", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        expected = rules.evaluate(answers)
        with db_app.app_context():
            lead = db.session.scalars(select(Lead).where(Lead.name == f"Caller {number}")).one()
            assert lead.outcome == expected.outcome, number
            assert [r["key"] for r in lead.reasons] == [r.key for r in expected.reasons]
            stored = {**lead.answers, "scar_types": set(lead.answers["scar_types"])}
            assert stored == {**answers, "scar_types": set(answers["scar_types"])}


def test_the_lead_is_the_caller_takers_already_contacted_and_audited(db_app, desk):
    client, staff_id = desk
    _html, hidden = _intake_page(client)
    data = {**hidden, **CALLER, **_all_answers(BY_OUTCOME["clinician_review"])}
    response = client.post("/staff/intake", data=data)
    assert response.status_code == 303
    again = client.post("/staff/intake", data=data)  # a double submit: still one lead
    assert again.headers["Location"] == response.headers["Location"]
    with db_app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        assert response.headers["Location"].endswith(f"/staff/leads/{lead.id}")
        assert (lead.status, lead.assigned_to_id, lead.entered_by_id) == (
            "contacted",
            staff_id,
            staff_id,
        )
        assert lead.source == "staff_intake" and lead.phone == "+442079460000"
        assert lead.first_contacted_at is not None and lead.status_changed_at is not None
        intake = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "intake")).one()
        assert (intake.lead_id, intake.staff_id) == (lead.id, staff_id)
        assert intake.data == {"outcome": "clinician_review"}
        lead_id = lead.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Lead #{lead_id} created from the call, assigned to you and marked Contacted." in page


def test_the_patients_contact_form_keeps_its_own_words(db_client, db_walker):
    from tests.support import token_of

    token = token_of(db_walker.complete(HEALTHY))
    response = db_client.post("/check/contact", data={"s": token, "contact_time": "any"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter your name." in page and "Tick the box to agree" in page
    assert "Enter an email address or a phone number, so we can reach you." in page
    assert "caller" not in page


@pytest.mark.parametrize(
    "garbage",
    [
        {"name": "x" * 5000, "email": "not-an-email", "phone": "9" * 200},
        {"name": "Line\nbreak", "scar_types": ["nonsense"], "age": "١٢"},
        {"fitzpatrick": "VII", "diabetes": ["none", "controlled"], "consent": "maybe"},
        {"s": "forged-token", "name": "\u202eevil", "contact_time": "midnight"},
    ],
)
def test_garbage_is_refused_in_words_and_never_stored(db_app, desk, garbage):
    client, _staff_id = desk
    _html, hidden = _intake_page(client)
    response = client.post("/staff/intake", data={**hidden, **garbage})
    assert response.status_code == 422
    assert 'id="error-summary"' in response.get_data(as_text=True)
    assert _count(db_app, Lead) == 0
