"""The whole lead journey in Chromium: ask to be contacted, the email arrives, staff work the lead.

Runs on the embedded SQLite default, with a real SMTP server on loopback.
"""

from __future__ import annotations

import csv
import io

import pytest

from app import create_app
from questionnaire.catalogue import STEPS
from tests.browser.test_wizard_in_chromium import answer_step
from tests.factories import PASSWORD, make_staff
from tests.services import SmtpServer
from tests.support import BY_OUTCOME


@pytest.fixture
def lead_server(tmp_path, live_server_class):
    smtp = SmtpServer()
    smtp.start()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-console-key",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "SMTP_TLS": "none",
            "CLINIC_NOTIFY_EMAIL": "leads@example.com",
        },
        instance_path=str(tmp_path),
    )
    make_staff(app, "admin@example.com", role="admin", name="Ada Admin")
    with live_server_class(app) as server:
        yield server, smtp
    smtp.stop()


def finish_questionnaire(page, base_url: str, answers: dict) -> None:
    page.goto(base_url + "/check/start")
    for number, step in enumerate(STEPS, start=1):
        answer_step(page, step.id, answers)
        page.get_by_role(
            "button", name="See my result" if number == len(STEPS) else "Continue"
        ).click()
    page.wait_for_load_state()  # the result page, loaded (without JavaScript, a navigation)


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_ask_to_be_contacted_then_staff_work_the_lead(browser, lead_server, artifacts, javascript):
    server, smtp = lead_server
    tag = "js" if javascript else "nojs"
    person = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 900}
    )
    page = person.new_page()
    finish_questionnaire(page, server.url, BY_OUTCOME["clinician_review"])
    assert page.get_by_role("heading", name="Ask the clinic to contact me about a medical review")

    # First without consent: the error summary names it and keeps what was typed.
    page.get_by_label("Your name").fill("Zoë Example")
    page.get_by_label("Email address").fill("zoe@example.com")
    page.get_by_label("Phone number").fill("+44 20 7946 0958")
    page.locator("label[for='contact-time-1']").click()
    page.get_by_role("button", name="Ask the clinic to contact me").click()
    assert page.locator("#contact-error-summary").is_visible()
    assert page.get_by_label("Your name").input_value() == "Zoë Example"
    page.screenshot(path=artifacts / f"contact-errors-{tag}.png", full_page=True)
    page.locator("label[for='contact-consent']").click()
    page.get_by_role("button", name="Ask the clinic to contact me").click()
    assert "the clinic has your request" in page.get_by_role("heading", level=1).inner_text()
    page.screenshot(path=artifacts / f"contact-confirmation-{tag}.png", full_page=True)
    person.close()
    # The emails go out once the confirmation has been sent: the clinic's and Zoë's.
    recipients = sorted(m["X-Envelope-To"] for m in smtp.wait_for(2))
    assert recipients == ["leads@example.com", "zoe@example.com"]

    staff = browser.new_context(
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    page = staff.new_page()
    page.goto(server.url + "/staff/leads")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.screenshot(path=artifacts / f"console-sign-in-{tag}.png")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Name, email or phone").fill("zoe")
    page.get_by_role("button", name="Filter").click()
    page.screenshot(path=artifacts / f"console-list-{tag}.png", full_page=True)
    page.get_by_role("link", name="Zoë Example").first.click()
    page.wait_for_load_state()  # the page the click led to, loaded
    assert page.get_by_role("cell", name="R-cold-sores").count() or "cold" in page.content()
    page.get_by_label("Change status to").select_option("contacted")
    page.get_by_role("button", name="Save status").click()
    page.get_by_label("Add a note").fill("Called; review booked for Tuesday.")
    page.get_by_role("button", name="Add note").click()
    page.wait_for_load_state()  # the page the click led to, loaded
    assert "Called; review booked for Tuesday." in page.content()
    assert page.locator(".pipeline .current").inner_text() == "Contacted"
    page.screenshot(path=artifacts / f"console-detail-{tag}.png", full_page=True)

    page.get_by_role("link", name="Leads", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export these as CSV").click()
    raw = download_info.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert any(row["Name"] == "Zoë Example" and row["Status"] == "Contacted" for row in rows)

    page.get_by_role("link", name="Dashboard").click()
    page.locator("svg.chart").nth(3).wait_for()  # count() alone does not wait for the page
    assert page.locator("svg.chart").count() >= 4
    page.screenshot(path=artifacts / f"console-dashboard-{tag}.png", full_page=True)
    page.get_by_role("link", name="Phone intake").click()
    page.screenshot(path=artifacts / f"console-intake-{tag}.png", full_page=True)
    staff.close()


@pytest.mark.browser
def test_a_long_unbroken_name_keeps_the_console_on_screen(browser, lead_server):
    """One lead with a 60-character name and email pushed every row's status off-screen."""
    server, _smtp = lead_server
    person = browser.new_page()
    finish_questionnaire(person, server.url, BY_OUTCOME["book_consultation"])
    long_name = "Maximilianaalexandrinacatalinaguadalupefernandezdelacruz"
    person.get_by_label("Your name").fill(long_name)
    person.get_by_label("Email address").fill(f"{long_name.lower()}@example-clinic-domain.com")
    person.locator("label[for='contact-consent']").click()
    person.get_by_role("button", name="Ask the clinic to contact me").click()
    assert "the clinic has your request" in person.get_by_role("heading", level=1).inner_text()
    person.close()

    for width in (1280, 390):
        staff = browser.new_context(viewport={"width": width, "height": 900})
        page = staff.new_page()
        page.goto(server.url + "/staff/leads")
        page.get_by_label("Email").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        table = page.locator(".table-scroll").first
        if width == 1280:  # wide enough: every column shows without scrolling the table
            assert table.evaluate("e => e.scrollWidth <= e.clientWidth"), width
        page.get_by_role("link", name=long_name).click()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        staff.close()
