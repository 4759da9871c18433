"""Try a patient in the rule book, on SQLite and PostgreSQL: the questionnaire's own questions
on one page, every one answered explicitly (an unanswered one named, the answers kept), the
answers decided by the version awaiting sign-off beside the signed one, with the rules that
applied and the patient's words in English and Spanish; a lead's answers opened the same way;
only staff who may read the rule book."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from core.extensions import db
from leads.models import Lead
from questionnaire.catalogue import QUESTIONS
from questionnaire.forms import form_data
from staff.models import AuditEvent
from tests.console_support import CONTACT
from tests.factories import csrf_token, staff_client
from tests.signoff_support import PRODUCTION, clinician_console, sign_as_clinician, widened_rules
from tests.support import HEALTHY, completed_token

PAGE = "/staff/rules/try"


def words(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def answers_form(client, answers: dict, **extra) -> dict:
    page = client.get(PAGE).get_data(as_text=True)
    return {"csrf_token": csrf_token(page), **form_data(answers, QUESTIONS), **extra}


def test_only_staff_who_read_the_rule_book_try_a_patient(db_app):
    assert staff_client(db_app, "staff@clinic.test", "staff").get(PAGE).status_code == 403
    assert staff_client(db_app, "admin@clinic.test", "admin").get(PAGE).status_code == 200
    front_desk = staff_client(db_app, "staff@clinic.test", "staff")
    assert front_desk.post(PAGE, data={}).status_code in (400, 403)


def test_every_question_must_be_answered_and_the_answers_are_kept(db_app):
    admin = staff_client(db_app, "admin@clinic.test", "admin")
    partial = {key: value for key, value in HEALTHY.items() if key not in ("age", "diabetes")}
    response = admin.post(PAGE, data=answers_form(admin, partial))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[
        page.index('id="error-summary"') : page.index("</div>", page.index('id="error-summary"'))
    ]
    # Each unanswered question is named, and linked to its control.
    assert 'href="#age"' in summary and 'href="#diabetes-0"' in summary
    assert len(re.findall(r"<li>", summary)) == 2
    # The answers given are kept.
    assert re.search(rf'name="fitzpatrick" value="{HEALTHY["fitzpatrick"]}"\s*checked', page)
    assert not re.search(r'name="diabetes" value="\w+"\s*checked', page)
    assert "What each version tells this patient" not in page


def test_answers_are_decided_by_the_pending_version_beside_the_signed_one(app_factory, tmp_path):
    first = app_factory(**PRODUCTION)
    sign_as_clinician(first)
    second = app_factory(**PRODUCTION, RULES_FILE=str(widened_rules(tmp_path, "2026.12.0")))
    console = clinician_console(second)
    response = console.post(PAGE, data=answers_form(console, {**HEALTHY, "age": 19}))
    assert response.status_code == 200
    text = words(response)
    assert "Awaiting sign-off: version 2026.12.0" in text
    assert "Deciding for patients now: version 2026.11.0" in text
    assert "The versions tell this patient different things." in text
    pending = text[
        text.index("Awaiting sign-off: version") : text.index("Deciding for patients now: version")
    ]
    assert "Clinician review first" in pending and "R-minor" in pending
    assert "someone under 18" in pending
    # The patient's words in each language.
    assert "What the patient reads in English" in pending
    assert "What the patient reads in Español" in pending
    assert 'lang="es"' in response.get_data(as_text=True)
    # The same answers stay on the form below, to change one and decide again.
    assert 'value="19"' in response.get_data(as_text=True)


def test_a_lead_is_opened_with_its_answers(app_factory, tmp_path):
    first = app_factory(**PRODUCTION)
    sign_as_clinician(first)
    client = first.test_client()
    token = completed_token(first, {**HEALTHY, "age": 19})
    assert client.post("/check/contact", data={"s": token, **CONTACT}).status_code == 303
    with first.app_context():
        lead_id = db.session.scalar(select(func.max(Lead.id)))
    console = clinician_console(first)
    lead_page = console.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert f'href="/staff/rules/try?lead={lead_id}"' in lead_page
    response = console.get(f"{PAGE}?lead={lead_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"The answers of lead #{lead_id}." in words(response)
    assert 'value="19"' in page
    assert "Deciding for patients now: version 2026.11.0" in words(response)
    assert console.get(f"{PAGE}?lead=999999").status_code == 404
    # Reading a person's answers is audited as a view of their lead.
    with first.app_context():
        viewed = db.session.scalars(
            select(AuditEvent.lead_id).where(AuditEvent.action == "view")
        ).all()
    assert lead_id in viewed
    # Front-desk staff see no such link on the lead page.
    front_desk = staff_client(first, "staff@clinic.test", "staff")
    assert "/staff/rules/try" not in front_desk.get(f"/staff/leads/{lead_id}").get_data(True)
