"""The rule book as a dermatologist uses it, in Chromium at laptop width, in English and
Spanish, on a production app: the shipped rules signed, a stricter version deployed (over 65:
a clinician reviews first). The withdraw action sits in the first screen beside what decides;
the version awaiting sign-off shows its effect on stored leads and its new patient text; a
patient is tried (sent unanswered first, then answered), a lead's answers opened from its
page; the version is signed, then its sign-off withdrawn, and the page says what decides.
"""

from __future__ import annotations

import pytest

from app import create_app
from questionnaire.catalogue import STEPS
from rules.engine import RULES_PATH
from tests.browser.test_wizard_in_chromium import answer_step
from tests.clinic_rules import DEFAULT, OVER_65
from tests.console_support import CONTACT
from tests.factories import PASSWORD, make_staff
from tests.signoff_support import SIGNER, sign_as_clinician
from tests.support import HEALTHY, completed_token

CLINICIAN = "lead@clinic.test"
LAPTOP = {"width": 1366, "height": 768}
WORDS = {
    "en": {
        "awaiting": "Awaiting sign-off: version 2026.12.0",
        "differ": "The versions tell this patient different things.",
        "same": "Both versions give this patient the same outcome.",
        "share": "1 of the last 1 leads, 100%, would be told something different.",
        "signed": "Signed off: version 2026.12.0 now decides for patients.",
        "withdrawn": "Sign-off of version 2026.12.0 withdrawn. Version 2026.11.0, signed off by",
        "text": "As you are over 65, a clinician will see you before any treatment.",
    },
    "es": {
        "awaiting": "Pendiente de aprobación: versión 2026.12.0",
        "differ": "Las versiones le dicen cosas distintas a este paciente.",
        "same": "Ambas versiones dan a este paciente el mismo resultado.",
        "share": "A 1 de los últimos 1 contactos, el 100%, se le diría algo distinto.",
        "signed": "Aprobada: la versión 2026.12.0 decide ahora para los pacientes.",
        "withdrawn": "Aprobación de la versión 2026.12.0 retirada. Ahora decide para los "
        "pacientes la versión 2026.11.0",
        "text": "Como tiene más de 65 años, un profesional clínico le verá antes",
    },
}


def _app(tmp_path, rules_file=None):
    config = {
        "TESTING": True,
        "APP_ENV": "production",
        "SECRET_KEY": "browser-rule-book-key",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "TRUSTED_HOSTS": "127.0.0.1,localhost",
        "RATELIMIT_ENABLED": False,
    }
    if rules_file:
        config["RULES_FILE"] = str(rules_file)
    return create_app(config, instance_path=str(tmp_path))


@pytest.fixture
def stricter_server(tmp_path, live_server_class):
    """The shipped rules signed; then the over-65 version deployed, awaiting sign-off, and a
    70-year-old's lead decided by the signed rules."""
    shipped = _app(tmp_path)
    make_staff(shipped, CLINICIAN, role="clinician", name=SIGNER["name"])
    sign_as_clinician(shipped, CLINICIAN)
    text = RULES_PATH.read_text(encoding="utf-8").replace(DEFAULT, OVER_65 + DEFAULT, 1)
    text = text.replace('version = "2026.11.0"', 'version = "2026.12.0"', 1)
    path = tmp_path / "over-65.toml"
    path.write_text(text, encoding="utf-8")
    app = _app(tmp_path, path)
    token = completed_token(app, {**HEALTHY, "age": 70})
    response = app.test_client().post("/check/contact", data={"s": token, **CONTACT})
    assert response.status_code == 303
    with live_server_class(app) as server:
        yield server


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_dermatologist_reads_tries_signs_and_withdraws(browser, stricter_server, artifacts, lang):
    server, words = stricter_server, WORDS[lang]
    context = browser.new_context(
        viewport=LAPTOP, locale=lang, extra_http_headers={"Accept-Language": lang}
    )
    console = context.new_page()
    console.goto(server.url + "/staff/rules")
    console.locator("#email").fill(CLINICIAN)
    console.locator("#password").fill(PASSWORD)
    console.locator("main form button[type=submit]").click()
    assert "/staff/rules" in console.url
    # The emergency stop is in the first screen, beside the version deciding now.
    withdraw = console.locator("a.withdraw-live")
    box = withdraw.bounding_box()
    assert box is not None and box["y"] + box["height"] <= LAPTOP["height"], box
    assert "2026.11.0" in console.locator(".deciding-now").inner_text()
    # What awaits a decision, with its effect on real people and its new patient text.
    assert console.locator("#pending-title").inner_text() == words["awaiting"]
    assert words["share"] in console.locator(".replay-share").inner_text()
    assert words["text"] in console.locator(".text-changes").inner_text()
    console.screenshot(path=artifacts / f"rule-book-effect-{lang}.png", full_page=True)

    # Try a patient: sent unanswered, every question named; then answered.
    console.goto(server.url + "/staff/rules/try")
    console.locator("main form button[type=submit]").click()
    summary = console.locator("#error-summary li")
    assert summary.count() == sum(1 for _ in HEALTHY)
    for step in STEPS:
        answer_step(console, step.id, {**HEALTHY, "age": 50})
    console.locator("main form button[type=submit]").click()
    assert console.locator("#error-summary").count() == 0
    assert words["same"] in console.locator(".tried").inner_text()
    assert console.locator(".tried-version").count() == 2

    # A lead's answers, opened from its page: the 70-year-old is told something different.
    console.goto(server.url + "/staff/leads")
    console.locator("table.data tbody a").first.click()
    console.locator("a.try-lead").click()
    tried = console.locator(".tried")
    assert words["differ"] in tried.inner_text()
    assert "R-age-over-65" in tried.inner_text()
    patient = console.locator(".tried-version").first.locator(".patient-words[lang='es']")
    assert "Como tiene más de 65 años" in patient.inner_text()
    console.screenshot(path=artifacts / f"rule-book-try-lead-{lang}.png", full_page=True)

    # Sign it, then withdraw it: the page says which version decides now.
    console.goto(server.url + "/staff/rules")
    console.locator("#registration").fill(SIGNER["registration"])
    console.locator("label[for='reviewed']").click()
    console.locator("form.sign-off #password").fill(PASSWORD)
    console.locator("form.sign-off button[type=submit]").click()
    assert words["signed"] in console.locator("main").inner_text()
    console.locator("a.withdraw-live").click()
    console.locator("#reason").fill("Too strict for this clinic.")
    console.locator("#password").fill(PASSWORD)
    console.locator("main form button[type=submit]").click()
    main = console.locator("main").inner_text()
    assert words["withdrawn"] in main
    assert "2026.11.0" in console.locator(".deciding-now").inner_text()
    console.screenshot(path=artifacts / f"rule-book-withdrawn-{lang}.png", full_page=True)
    context.close()
