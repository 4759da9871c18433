"""One re-authentication: every place that asks for a password (or a second-factor code)
counts it against guessing the same way, and says so in the same words.

For each caller (sign-in, the code step, signing off and withdrawing a rule version,
turning two-factor sign-in on or off, changing one's own password): after SIGN_IN_LOCK_AFTER
wrong tries even the right one is refused, with the shared "too many" wording, and
nothing happens; a right one before that clears the count. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.extensions import db
from signoff.models import RuleSignOff
from staff.accounts.lockout import key_of
from staff.accounts.passwords import verify_password
from staff.models import SignInAttempts, StaffUser
from tests.factories import PASSWORD, csrf_token, make_staff, post_form, sign_in
from tests.signoff_support import SIGNER, clinician_console, sign_as_clinician, withdraw_in_console
from tests.two_factor_support import code_at, enrol, send_code

#: Locked after three wrong tries, never slowed before (no waiting in the tests).
LOCKING = {"SIGN_IN_SLOW_AFTER": 50, "SIGN_IN_LOCK_AFTER": 3, "SIGN_IN_LOCK_MINUTES": 15}
TOO_MANY = "Too many failed sign-ins. Try again in"
STAFF = "staff@clinic.test"
CLINICIAN = "lead@clinic.test"
NEW_PASSWORD = "kettle umbrella violin 42"
REASON = "The under-21 rule was widened in error."


@dataclass
class Caller:
    """One place that checks a password: how to try it, the count it is kept under, the
    right answer, and whether the guarded action happened."""

    attempt: Callable[[str], object]  # a password (or code) -> the response
    key: str  # the email (or "2fa:" + email) the tries are counted under
    right: str
    wrong: str
    done: Callable[[], bool]
    done_status: int
    wrong_status: int = 401
    locked_status: int = 429


def _failures(app, key: str) -> int:
    with app.app_context():
        row = db.session.get(SignInAttempts, key_of(key))
        return row.failures if row else 0


def _account(app, email: str) -> StaffUser:
    with app.app_context():
        person = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        db.session.expunge(person)
        return person


def sign_in_form(app) -> Caller:
    make_staff(app, STAFF)
    signed_in = []

    def attempt(password: str):
        answer = sign_in(app.test_client(), STAFF, password)
        if answer.status_code == 302:
            signed_in.append(answer)
        return answer

    return Caller(attempt, STAFF, PASSWORD, "not the password", lambda: bool(signed_in), 302)


def code_step(app) -> Caller:
    make_staff(app, STAFF)
    secret = enrol(app, STAFF)
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303  # on to the code step

    def attempt(code: str):
        return send_code(client, code)

    def done() -> bool:
        return client.get("/staff/leads").status_code == 200

    return Caller(attempt, "2fa:" + STAFF, code_at(secret), "123456", done, 302)


def rule_sign_off(app) -> Caller:
    make_staff(app, CLINICIAN, role="clinician", name=SIGNER["name"])
    client = app.test_client()
    assert sign_in(client, CLINICIAN).status_code == 302

    def attempt(password: str):
        page = client.get("/staff/rules").get_data(as_text=True)
        sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page)
        assert sha, "no sign-off form"
        form = {"csrf_token": csrf_token(page), "sha256": sha.group(1), "reviewed": "y"}
        return client.post("/staff/rules/sign", data={**form, **SIGNER, "password": password})

    def done() -> bool:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(RuleSignOff)) == 1

    return Caller(attempt, CLINICIAN, PASSWORD, "not the password", done, 303)


def rule_withdrawal(app) -> Caller:
    signed = sign_as_clinician(app, CLINICIAN)
    console = clinician_console(app, CLINICIAN)

    def attempt(password: str):
        return withdraw_in_console(console, signed.sha256, REASON, password=password)

    def done() -> bool:
        with app.app_context():
            return db.session.scalars(select(RuleSignOff)).one().withdrawn_at is not None

    return Caller(attempt, CLINICIAN, PASSWORD, "not the password", done, 303)


def two_factor_off(app) -> Caller:
    make_staff(app, STAFF)
    secret = enrol(app, STAFF)
    client = app.test_client()
    sign_in(client, STAFF)
    assert send_code(client, code_at(secret)).status_code == 302

    def attempt(password: str):
        data = {"off-password": password, "off-code": code_at(secret, 30)}
        return post_form(client, "/staff/account/two-factor", "/staff/account/two-factor/off", data)

    def done() -> bool:
        return not _account(app, STAFF).has_two_factor

    # The two-factor page answers its form's 422 for every refusal, as it always has.
    return Caller(attempt, STAFF, PASSWORD, "not the password", done, 303, 422, 422)


def two_factor_enrolment(app) -> Caller:
    """Finding 4 of the adversarial review: a copied session cookie alone turned it on."""
    make_staff(app, STAFF)
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 302
    url = "/staff/account/two-factor"
    page = client.get(url).get_data(as_text=True)
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")

    def attempt(password: str):
        return post_form(client, url, url, {"password": password, "code": code_at(secret)})

    def done() -> bool:
        return _account(app, STAFF).has_two_factor

    return Caller(attempt, STAFF, PASSWORD, "not the password", done, 200, 422, 422)


def own_password(app) -> Caller:
    make_staff(app, STAFF)
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 302
    url = "/staff/account/password"

    def attempt(password: str):
        data = {"current_password": password, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        return post_form(client, url, url, data)

    def done() -> bool:
        return verify_password(_account(app, STAFF).password_hash, NEW_PASSWORD)

    return Caller(attempt, STAFF, PASSWORD, "not the password", done, 303, wrong_status=422)


CALLERS = [
    sign_in_form,
    code_step,
    rule_sign_off,
    rule_withdrawal,
    two_factor_enrolment,
    two_factor_off,
    own_password,
]


@pytest.mark.parametrize("make_caller", CALLERS, ids=lambda made: made.__name__)
def test_after_too_many_wrong_tries_even_the_right_one_is_refused(app_factory, make_caller):
    app = app_factory(**LOCKING)
    caller = make_caller(app)
    for n in range(3):
        wrong = caller.attempt(caller.wrong)
        assert wrong.status_code == caller.wrong_status, (n, wrong.status_code)
        assert TOO_MANY not in wrong.get_data(as_text=True)
    assert _failures(app, caller.key) == 3
    locked = caller.attempt(caller.right)
    assert locked.status_code == caller.locked_status, locked.status_code
    assert TOO_MANY in locked.get_data(as_text=True)
    assert not caller.done()


@pytest.mark.parametrize("make_caller", CALLERS, ids=lambda made: made.__name__)
def test_a_right_try_before_the_lock_clears_the_count(app_factory, make_caller):
    app = app_factory(**LOCKING)
    caller = make_caller(app)
    for _ in range(2):
        assert caller.attempt(caller.wrong).status_code == caller.wrong_status
    assert _failures(app, caller.key) == 2
    right = caller.attempt(caller.right)
    assert right.status_code == caller.done_status, right.status_code
    assert caller.done()
    assert _failures(app, caller.key) == 0
