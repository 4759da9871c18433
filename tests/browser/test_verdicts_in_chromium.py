"""A clinician gives verdicts in Chromium as after a day of consultations, in English and
Spanish, with and without JavaScript: from the Consultations list to a blind form (the
check's result not on the page), a saved verdict that disagrees, its cause chosen once both
are visible, then a correction that keeps the earlier verdict; and on a second lead the
choice to see the check first, recorded with the verdict."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment
from leads.verdict_models import Verdict
from tests.browser.tools import run_axe
from tests.factories import PASSWORD, make_lead, make_staff

CLINICIAN = "dr.lee@clinic.test"
#: The words the flow reads, per language (what a clinician sees).
WORDS = {
    "en": {"list": "Consultations", "hidden": "The check’s result is hidden",
           "differ": "Why do the check and your verdict differ?",
           "history": "Earlier verdicts (corrected)", "seen": "No: the check’s result was seen"},
    "es": {"list": "Consultas", "hidden": "El resultado de la comprobación está oculto",
           "differ": "¿Por qué difieren la comprobación y su veredicto?",
           "history": "Veredictos anteriores (corregidos)",
           "seen": "No: se vio el resultado de la comprobación"},
}  # fmt: skip


@pytest.fixture
def clinic_server(tmp_path, live_server_class):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-verdicts-key", "RATELIMIT_ENABLED": False},
        instance_path=str(tmp_path),
    )
    make_staff(app, CLINICIAN, role="clinician", name="Dr Lee")
    seen = make_lead(app, outcome="see_dermatologist", name="Dana Derm", status="booked")
    sampled = make_lead(app, outcome="not_suitable_now", name="Sam Sample", audit_sample=True)
    with app.app_context():
        db.session.add(Appointment(lead_id=seen, kind="consultation",
                                   starts_at=utcnow() - timedelta(hours=3)))  # fmt: skip
        db.session.commit()
    with live_server_class(app) as server:
        yield server, seen, sampled


def _verdicts(app, lead_id: int) -> list[Verdict]:
    with app.app_context():
        return db.session.scalars(
            select(Verdict).where(Verdict.lead_id == lead_id).order_by(Verdict.id)
        ).all()


def _save(page, url_part: str = "/verdict") -> None:
    page.locator(f"form[action$='{url_part}'] button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_clinician_gives_blind_verdicts_then_causes_and_corrections(
    browser, clinic_server, artifacts, javascript, lang
):
    server, seen, sampled = clinic_server
    words = WORDS[lang]
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 900}, locale=lang,
        extra_http_headers={"Accept-Language": lang}, bypass_csp=True,  # lets axe in
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{server.url}/staff/consultations?lang={lang}")
    page.locator("#email").fill(CLINICIAN)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == words["list"]
    # The audit-sample lead is listed before the booked one whose appointment passed.
    links = page.locator("#waiting-title ~ div table a")
    assert links.count() == 2
    assert links.nth(0).get_attribute("href").endswith(f"/leads/{sampled}/verdict")

    # Blind: the check's outcome and reasons are not on the page at all.
    links.nth(1).click()
    page.wait_for_load_state()
    assert words["hidden"] in page.content()
    assert page.locator("#check-title").count() == 0 and page.locator(".reasons").count() == 0
    if javascript:
        assert run_axe(page) == []
    page.locator("label[for='verdict-1']").click()  # clinician review (the check: dermatologist)
    page.locator("label[for='concerns-0']").click()
    _save(page)
    assert page.locator("#check-title").count() == 1  # now both are shown
    assert words["differ"] in page.content()
    page.screenshot(path=artifacts / f"verdict-saved-{lang}-{javascript}.png", full_page=True)

    page.locator("label[for='cause-3']").click()  # clinical judgement
    _save(page, "/cause")
    (verdict,) = _verdicts(server.app, seen)
    assert verdict.outcome == "clinician_review" and verdict.cause == "clinical_judgement"
    assert verdict.saw_check_first is False

    # A correction: the form again, the check visible; the earlier verdict is kept.
    page.goto(f"{server.url}/staff/leads/{seen}/verdict?correct=1")
    page.locator("label[for='verdict-2']").click()  # see dermatologist, as the check said
    _save(page)
    assert words["history"] in page.content()
    earlier, current = _verdicts(server.app, seen)
    assert earlier.replaced_at is not None and current.outcome == "see_dermatologist"

    # The second lead: the clinician chooses to see the check first; the verdict says so.
    page.goto(f"{server.url}/staff/leads/{sampled}/verdict")
    page.locator("form[action$='/see-check'] button").click()
    page.wait_for_load_state()
    assert page.locator("#check-title").count() == 1
    page.locator("label[for='verdict-3']").click()
    _save(page)
    assert words["seen"] in page.content()
    (chosen,) = _verdicts(server.app, sampled)
    assert chosen.saw_check_first is True and chosen.outcome == "not_suitable_now"
    context.close()
