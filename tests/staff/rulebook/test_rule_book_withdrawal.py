"""Withdrawing a sign-off in the console's rule book: only a clinician, after a page that says
what will decide afterwards, with a reason and their password (counted like a sign-in);
audited as a sentence; the history shows it. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.extensions import db
from signoff.models import RuleSignOff
from staff.models import AuditEvent
from tests.factories import PASSWORD, csrf_token, staff_client
from tests.signoff_support import (
    PRODUCTION,
    SIGNER,
    clinician_console,
    sign_as_clinician,
    widened_rules,
    withdraw_in_console,
)

REASON = "The under-21 rule was widened in error."


def console_of(app, role: str):
    email = f"{role}@clinic.test"
    client = staff_client(app, email, role=role)
    return client


def withdrawn_rows(app) -> list[RuleSignOff]:
    with app.app_context():
        return list(
            db.session.scalars(select(RuleSignOff).where(RuleSignOff.withdrawn_at.is_not(None)))
        )


def withdrawal_audits(app) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "rules_sign_off_withdrawn")
            )
        )


def text_of(response) -> str:
    """The page's words, as a person reads them (tags dropped, spaces joined)."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(words).split())


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_only_a_clinician_may_withdraw_a_signoff(db_app, role):
    signed = sign_as_clinician(db_app)
    client = console_of(db_app, role)
    if role == "admin":  # reads the rule book, without the button
        page = client.get("/staff/rules").get_data(as_text=True)
        assert signed.sha256[:16] in page and "Withdraw sign-off" not in page
    token = csrf_token(client.get("/staff/leads").get_data(as_text=True))
    assert client.get(f"/staff/rules/withdraw?sha256={signed.sha256}").status_code == 403
    response = client.post(
        "/staff/rules/withdraw",
        data={"csrf_token": token, "sha256": signed.sha256, "reason": REASON, "password": PASSWORD},
    )
    assert response.status_code == 403
    assert withdrawn_rows(db_app) == [] and withdrawal_audits(db_app) == []
    # A clinician sees the button beside the sign-off.
    assert "Withdraw sign-off" in clinician_console(db_app).get("/staff/rules").get_data(True)


def test_a_withdrawal_without_a_reason_or_password_writes_nothing(db_app):
    signed = sign_as_clinician(db_app)
    console = clinician_console(db_app)
    for reason, message in [
        ("", "Say why you are withdrawing this sign-off."),
        ("  \r\n ", "Say why you are withdrawing this sign-off."),
        ("x" * 501, "A reason must be 500 characters or fewer."),
        ("A rule\x00 is wrong", "Write this without special characters."),
    ]:
        response = withdraw_in_console(console, signed.sha256, reason, password="")
        assert response.status_code == 422, repr(reason)
        page = response.get_data(as_text=True)
        assert 'id="error-summary"' in page
        assert message in page and "Enter your password." in page
    kept = withdraw_in_console(console, signed.sha256, "Kept, when the password is missing.", "")
    assert "Kept, when the password is missing.</textarea>" in kept.get_data(as_text=True)
    assert withdrawn_rows(db_app) == [] and withdrawal_audits(db_app) == []
    # 500 characters, line breaks counted once each, are enough.
    lines = ("y" * 99 + "\r\n") * 5
    assert withdraw_in_console(console, signed.sha256, lines).status_code == 303
    assert withdrawn_rows(db_app)[0].withdrawn_reason == lines.replace("\r\n", "\n").strip()


def test_a_wrong_password_is_refused_and_counted_like_a_sign_in(app_factory):
    app = app_factory(SIGN_IN_SLOW_AFTER=2, SIGN_IN_LOCK_AFTER=3)
    signed = sign_as_clinician(app)
    console = clinician_console(app)
    wrong = withdraw_in_console(console, signed.sha256, REASON, password="not the password")
    assert wrong.status_code == 401
    assert "That is not your password." in wrong.get_data(as_text=True)
    assert f"{REASON}</textarea>" in wrong.get_data(as_text=True)
    statuses = [
        withdraw_in_console(console, signed.sha256, REASON, password=f"guess {n}").status_code
        for n in range(3)
    ]
    assert 429 in statuses
    locked = withdraw_in_console(console, signed.sha256, REASON)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    assert withdrawn_rows(app) == [] and withdrawal_audits(app) == []
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "rules_sign_off_refused")
        ).all()
    assert f"wrong password to withdraw the sign-off of {signed.sha256}" in refused


#: Longer than an audit row's one-line detail holds: the sentence still gives it whole.
LONG_REASON = " ".join([REASON, "Minors are people under 18 in this clinic's country."] * 4)


def test_a_withdrawal_is_audited_as_a_sentence_and_shown_in_the_history(db_app):
    signed = sign_as_clinician(db_app)
    console = clinician_console(db_app)
    done = withdraw_in_console(console, signed.sha256, LONG_REASON)
    assert done.status_code == 303 and done.headers["Location"].endswith("/staff/rules")
    book = console.get("/staff/rules")
    words = text_of(book)
    # Outside production the same version goes on deciding, unsigned: the message says so,
    # not "no longer decides" above a box that shows it deciding.
    assert (
        f"Sign-off of version {signed.version} withdrawn. Outside production, as here, version "
        f"{signed.version} goes on deciding unsigned" in words
    )
    assert "no longer decides" not in words
    assert f"Sign-off withdrawn by {SIGNER['name']} on " in words and LONG_REASON in words
    assert "Withdraw sign-off" not in words  # nothing left to withdraw
    [row] = withdrawn_rows(db_app)
    assert (row.withdrawn_by_name, row.withdrawn_reason) == (SIGNER["name"], LONG_REASON)
    [audit] = withdrawal_audits(db_app)
    assert audit.staff_email == "lead@clinic.test"
    # The audit log writes it as one sentence, the reason whole.
    audit_page = text_of(console_of(db_app, "admin").get("/staff/admin/audit"))
    sentence = (
        f"Withdrew the sign-off of rule version {signed.version} "
        f"(sha256 {signed.sha256[:12]}): {LONG_REASON}"
    )
    assert sentence in audit_page
    # Asking again: it is withdrawn already.
    again = console.get(f"/staff/rules/withdraw?sha256={signed.sha256}", follow_redirects=True)
    assert "This sign-off is withdrawn already." in text_of(again)
    assert console.get("/staff/rules/withdraw?sha256=" + "0" * 64).status_code == 404


def test_the_confirmation_page_says_which_version_decides_afterwards(app_factory, tmp_path):
    app = app_factory(**PRODUCTION)
    older = sign_as_clinician(app)
    console = clinician_console(app)
    alone = text_of(console.get(f"/staff/rules/withdraw?sha256={older.sha256}"))
    assert "No other signed version is left" in alone and "(503)" in alone

    newer_app = app_factory(**PRODUCTION, RULES_FILE=str(widened_rules(tmp_path, "2026.12.0")))
    newer = sign_as_clinician(newer_app)
    console = clinician_console(newer_app)
    page = console.get(f"/staff/rules/withdraw?sha256={newer.sha256}")
    assert page.status_code == 200
    words = text_of(page)
    assert f"Withdraw the sign-off of version {newer.version}?" in words
    assert f"From then on version {older.version} (signed off by {SIGNER['name']} on" in words
    assert "publish a new version to sign it again" in words
    assert 'name="password"' in page.get_data(as_text=True)
    # The older version decides nobody while the newer one is signed: withdrawing it
    # changes nothing for patients.
    words = text_of(console.get(f"/staff/rules/withdraw?sha256={older.sha256}"))
    assert f"Patients notice nothing: version {newer.version}, which decides now" in words


def test_outside_production_the_page_says_what_production_would_do(db_app):
    signed = sign_as_clinician(db_app)
    words = text_of(clinician_console(db_app).get(f"/staff/rules/withdraw?sha256={signed.sha256}"))
    assert "Outside production, as here, the deployed version" in words
    assert "In production, no other signed version would be left" in words


ODD = st.sampled_from(
    ["", " ", "\x00", "\u202e\u200b\ufeff", "Zoë 😀 漢字", "<script>alert(1)</script>", "x" * 5000]
) | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


def test_odd_withdrawal_forms_from_a_clinician_get_no_server_error(db_app):
    signed = sign_as_clinician(db_app)
    console = clinician_console(db_app)
    token = csrf_token(console.get("/staff/rules").get_data(as_text=True))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(reason=ODD, password=ODD, sha256=st.sampled_from([signed.sha256, "", "0" * 64]) | ODD)
    def send(reason, password, sha256):
        data = {"csrf_token": token, "sha256": sha256, "reason": reason, "password": password}
        response = console.post("/staff/rules/withdraw", data=data)
        assert response.status_code < 500, (data, response.status_code)
        assert b"<script>alert(1)</script>" not in response.get_data()

    send()
    assert withdrawn_rows(db_app) == []
