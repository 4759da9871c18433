"""The privacy notice: its figures are the configured ones, it names the clinic and how to
use one's rights, it is there in both languages and even when no rules may decide, and
every patient page and the consent box link to it."""

from __future__ import annotations

import re

import pytest

from leads.consent import CONSENT_VERSION
from questionnaire.catalogue import STEPS
from tests.console_support import CONTACT
from tests.support import HEALTHY, Walker, form_fields, hidden_token, sqlite_app, token_of

FOOTER_LINK = '<a href="/privacy">Privacy notice</a>'
NEW_TAB_LINK = re.compile(r'<a href="/privacy" target="_blank" rel="noopener">[^<]*new tab\)</a>')


def test_the_notice_states_the_configured_figures_and_the_clinic(tmp_path):
    app = sqlite_app(
        tmp_path,
        RETENTION_DAYS=90,
        FLOW_TOKEN_MAX_AGE=2 * 60 * 60,
        CLINIC_NAME="Clínica Piel Sana",
        CLINIC_PHONE="+34 912 345 678",
        CLINIC_EMAIL="privacidad@pielsana.es",
        CLINIC_URL="https://www.pielsana.es/",
    )
    response = app.test_client().get("/privacy")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Privacy notice</h1>" in html
    assert "deleted automatically 90 days after you send it" in html
    assert "stop working 2 hours after you start" in html
    assert "Clínica Piel Sana runs this check and is responsible for your information" in html
    assert 'href="tel:+34912345678"' in html
    assert 'href="mailto:privacidad@pielsana.es"' in html
    assert 'href="https://www.pielsana.es/"' in html
    for right in ("show you the information", "correct anything", "delete it"):
        assert right in html
    # The page it is on is marked in the footer, not linked as if it were elsewhere.
    assert '<a href="/privacy" aria-current="page">Privacy notice</a>' in html


def test_without_a_clinic_email_the_rights_are_used_by_phone(tmp_path):
    app = sqlite_app(tmp_path, CLINIC_EMAIL="", CLINIC_PHONE="+34 912 345 678")
    html = app.test_client().get("/privacy").get_data(as_text=True)
    assert "mailto:" not in html
    assert re.search(r'To do this, call <a class="phone" href="tel:\+34912345678">', html)


def test_the_confirmation_email_is_mentioned_only_when_one_is_sent(tmp_path):
    confirmation = "we send you a confirmation"
    silent = sqlite_app(tmp_path / "a", SMTP_HOST="")
    assert confirmation not in silent.test_client().get("/privacy").get_data(as_text=True)
    sending = sqlite_app(tmp_path / "b", SMTP_HOST="smtp.pielsana.es")
    assert confirmation in sending.test_client().get("/privacy").get_data(as_text=True)


def test_the_notice_is_in_spanish(client):
    html = client.get("/privacy", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es"' in html
    assert "<h1>Aviso de privacidad</h1>" in html
    assert "se elimina automáticamente 365 días después" in html


def test_the_notice_is_there_when_no_rules_may_decide(monkeypatch, tmp_path):
    """Production with no signed rule version: the check answers 503, the notice does not."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://check.pielsana.es")
    app = sqlite_app(tmp_path, AUTO_MIGRATE=True)
    client = app.test_client()
    base = "https://check.pielsana.es"
    assert client.get("/", base_url=base).status_code == 503
    assert client.get("/privacy", base_url=base).status_code == 200


def _step_pages(client) -> list[tuple[str, str]]:
    """Every step's page, walked with the HEALTHY answers, and the result's URL."""
    pages = []
    location = Walker(client).start()
    for step in STEPS:
        page = client.get(location).get_data(as_text=True)
        pages.append((step.id, page))
        location = client.post(
            f"/check/{step.id}", data={"s": hidden_token(page), **form_fields(HEALTHY, step.id)}
        ).headers["Location"]
    return [*pages, ("result", client.get(location).get_data(as_text=True))]


def test_every_patient_page_links_to_the_notice(client):
    pages = dict(_step_pages(client))
    token = token_of(Walker(client).complete(HEALTHY))
    without_consent = client.post("/check/contact", data={"s": token, **CONTACT, "consent": ""})
    assert without_consent.status_code == 422
    pages["contact errors"] = without_consent.get_data(as_text=True)
    sent = client.post("/check/contact", data={"s": token, **CONTACT}, follow_redirects=True)
    assert "/check/contact/done" in sent.request.url
    pages["confirmation"] = sent.get_data(as_text=True)
    pages["intro"] = client.get("/").get_data(as_text=True)
    pages["not found"] = client.get("/no-such-page").get_data(as_text=True)
    for name, html in pages.items():
        assert FOOTER_LINK in html, name


@pytest.mark.parametrize("path", ["/embed/", "/embed/check/start"])
def test_the_embedded_check_links_to_the_notice_in_a_new_tab(client, path):
    """Inside the clinic's iframe there is no site footer, and leaving the frame for the
    notice would take the person away from their answers: a new tab instead."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert 'class="embedded"' in html
    assert NEW_TAB_LINK.search(html)
    assert FOOTER_LINK not in html


def test_the_consent_box_links_to_the_notice_beside_an_unchanged_wording(client):
    html = client.get(Walker(client).complete(HEALTHY)).get_data(as_text=True)
    consent = re.search(
        r'<label class="option-label consent-label" for="contact-consent">(.*?)</label>'
        r"\s*</div>(.*?)</div>",
        html,
        re.S,
    )
    assert consent, "no consent box on the result page"
    wording, beside = consent.groups()
    assert "/privacy" not in wording  # the label is exactly the versioned consent wording
    assert wording.startswith("I agree that Trilogy Medical Center stores my name")
    assert NEW_TAB_LINK.search(beside)
    assert CONSENT_VERSION == "2025-01"  # the wording did not change, so neither did its version
