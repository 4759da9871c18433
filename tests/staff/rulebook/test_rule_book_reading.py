"""The rule book as a dermatologist reads it, top to bottom, on SQLite and PostgreSQL: what
decides now with the withdraw action beside it, then what awaits sign-off with its exact
effect (the share of stored leads, the leads with verdicts, patient texts old beside new),
then the rules beside the contract's safety minimums, then the history; in plain words, in
English and Spanish; and what a withdrawal leaves deciding, said without contradiction."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from leads.verdicts import VerdictInput, find_clinician, record_verdict
from rules.engine import RULES_PATH
from tests.clinic_rules import DEFAULT, OVER_65
from tests.console_support import CONTACT
from tests.factories import make_staff, staff_client
from tests.signoff_support import (
    PRODUCTION,
    SIGNER,
    clinician_console,
    sign_as_clinician,
    widened_rules,
    withdraw_in_console,
)
from tests.support import HEALTHY, completed_token


def words(response) -> str:
    """The page's words, as a person reads them (tags dropped, spaces joined)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def over_65_rules(tmp_path):
    text = RULES_PATH.read_text(encoding="utf-8").replace(DEFAULT, OVER_65 + DEFAULT, 1)
    text = text.replace('version = "2026.11.0"', 'version = "2026.12.0"', 1)
    path = tmp_path / "over-65.toml"
    path.write_text(text, encoding="utf-8")
    return path


def store_lead(app, age: int) -> int:
    client = app.test_client()
    token = completed_token(app, {**HEALTHY, "age": age})
    response = client.post(
        "/check/contact", data={"s": token, **CONTACT, "email": f"p{age}@example.com"}
    )
    assert response.status_code == 303
    with app.app_context():
        return db.session.scalar(select(Lead.id).order_by(Lead.id.desc()).limit(1))


def test_the_page_reads_top_to_bottom_with_the_withdraw_action_beside_what_decides(db_app):
    sign_as_clinician(db_app)
    page = clinician_console(db_app).get("/staff/rules").get_data(as_text=True)
    order = ["live-title", "book-title", "minimums-title", "history-title"]
    positions = [page.index(f'id="{anchor}"') for anchor in order]
    assert positions == sorted(positions)
    live = page[positions[0] : positions[1]]
    assert "Withdraw sign-off" in live and f"Signed off by {SIGNER['name']}" in live
    # The fingerprint is behind a toggle, not in the reader's way.
    assert re.search(r"<details class=\"fingerprint\"><summary>Fingerprint and proof", live)
    # Plain words, but for the proof's own record kept for audits behind that toggle.
    outside = re.sub(r'<details class="fingerprint">.*?</details>', "", page, flags=re.S)
    assert "answers object" not in outside and "sha256" not in outside.replace("sha256=", "")


def test_the_safety_minimums_are_in_words_and_come_from_the_contract(db_app):
    text = words(staff_client(db_app, "admin@clinic.test", "admin").get("/staff/rules"))
    assert (
        "Someone pregnant, trying to conceive or breastfeeding is never told less than: not now."
        in text
    )
    assert "Someone who gets cold sores is never told less than: a clinician reviews first." in (
        text
    )
    assert "come from the screening contract, not from the clinic" in text
    assert "What a clinician may change" in text and "What needs a new release" in text
    # A concern is named by the person it is about, never by its key.
    assert "pregnancy_or_breastfeeding" not in text


def test_spanish_reads_the_rule_notes_and_minimums_in_spanish(db_app):
    admin = staff_client(db_app, "admin@clinic.test", "admin")
    text = words(admin.get("/staff/rules", headers={"Accept-Language": "es"}))
    assert "No hay datos de seguridad del microneedling en el embarazo" in text
    assert "No microneedling safety data" not in text
    assert (
        "Alguien embarazada, que busca un embarazo o que da el pecho: nunca se le dice menos "
        "que «ahora no»." in text
    )
    assert "Vienen del contrato de evaluación, no de la clínica" in text


def test_pending_says_which_signed_version_goes_on_deciding_in_production(app_factory, tmp_path):
    """Outside production an unsigned deployed version decides; the page no longer says it
    "would decide for nobody" in production while an earlier signed version would."""
    first = app_factory()
    signed = sign_as_clinician(first)
    second = app_factory(RULES_FILE=str(widened_rules(tmp_path, "2026.12.0")))
    text = words(clinician_console(second).get("/staff/rules"))
    assert (
        f"In production, version {signed.version}, signed off by {SIGNER['name']}, goes on "
        "deciding until a clinician signs this one." in text
    )
    assert "decide for nobody" not in text


def test_the_effect_before_signing_shares_leads_verdicts_and_patient_texts(app_factory, tmp_path):
    first = app_factory(**PRODUCTION)
    sign_as_clinician(first)
    young, old = store_lead(first, 30), store_lead(first, 70)
    make_staff(first, "doctor@clinic.test", role="clinician", name="Dr Who")
    with first.test_request_context():
        # The clinician saw the 70-year-old (told: book a consultation) and would review first.
        record_verdict(
            db.session.get(Lead, old),
            VerdictInput(outcome="clinician_review", examined_on=utcnow().date()),
            find_clinician("doctor@clinic.test"),
            source="console",
            actor=None,
        )
        db.session.commit()
    second = app_factory(**PRODUCTION, RULES_FILE=str(over_65_rules(tmp_path)))
    response = clinician_console(second).get("/staff/rules")
    page, text = response.get_data(as_text=True), words(response)
    assert "Awaiting sign-off: version 2026.12.0" in text
    # The deciding version keeps deciding until this one is signed, and the page says so.
    assert "Version 2026.12.0 is deployed and awaits sign-off below" in text
    # The share of real people, listed with links.
    assert "1 of the last 2 leads, 50%, would be told something different." in text
    assert f'href="/staff/leads/{old}">#{old}</a>' in page
    assert f">#{young}</a>" not in page
    assert "the clinic’s own concern “age over 65”" in text
    # The leads with verdicts: the disagreement it would fix.
    assert "1 lead has a clinician’s verdict." in text
    assert "This version would fix 1 recorded disagreement(s) and break 0 agreement(s)." in text
    assert re.search(rf"Disagreements fixed:.*#{old}", text)
    # Every changed patient text, old beside new, in every language.
    assert "As you are over 65, a clinician will see you before any treatment." in text
    assert "Como tiene más de 65 años" in text
    # The order: the effect and the sign-off form come before the rules deciding now.
    assert page.index('id="pending-title"') < page.index('id="sign-title"')
    assert page.index('id="sign-title"') < page.index('id="book-title"')


def test_a_withdrawal_in_production_says_which_version_decides_now(app_factory, tmp_path):
    first = app_factory(**PRODUCTION)
    older = sign_as_clinician(first)
    second = app_factory(**PRODUCTION, RULES_FILE=str(widened_rules(tmp_path, "2026.12.0")))
    newer = sign_as_clinician(second)
    console = clinician_console(second)
    assert withdraw_in_console(console, newer.sha256, "Widened in error.").status_code == 303
    text = words(console.get("/staff/rules"))
    assert (
        f"Sign-off of version {newer.version} withdrawn. Version {older.version}, signed off by "
        f"{SIGNER['name']}, decides for patients now." in text
    )
    live = text[text.index("Deciding for patients now") : text.index("its sign-off withdrawn")]
    assert older.version in live and "Withdraw sign-off" in live
