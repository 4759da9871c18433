"""Sign-in tells nobody which emails have accounts, counts concurrent guesses one by one,
and refuses passwords an attacker would try first."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from core.extensions import db
from staff.models import AuditEvent
from tests.factories import csrf_token, make_staff, sign_in, staff_client
from tests.statements import recorded_statements


def _shape(statements: list[str]) -> list[str]:
    """The statements with their literal values dropped: what a timing observer could tell."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", statement) for statement in statements]


def test_an_unknown_email_gets_the_answer_a_real_one_gets_up_to_the_lock(app_factory):
    app = app_factory(SIGN_IN_SLOW_AFTER=50, SIGN_IN_LOCK_AFTER=3, SIGN_IN_LOCK_MINUTES=15)
    make_staff(app)
    answers = {}
    for email in ("staff@clinic.test", "nobody@clinic.test"):
        client = app.test_client()
        tries = [sign_in(client, email=email, password="not the password") for _ in range(4)]
        answers[email] = [
            (response.status_code, re.sub(r"\d+ seconds?", "N seconds", _message(response)))
            for response in tries
        ]
    assert answers["staff@clinic.test"] == answers["nobody@clinic.test"]
    assert [status for status, _ in answers["nobody@clinic.test"]] == [401, 401, 401, 429]


def _message(response) -> str:
    found = re.search(r'class="notice[^"]*"[^>]*>(.*?)</', response.get_data(as_text=True), re.S)
    return " ".join(found.group(1).split()) if found else ""


def test_an_unknown_email_costs_the_same_queries_as_a_wrong_password(db_app):
    """The same statements, in the same order, and the same password check: no query or
    write that only a real account makes, which is what made it answer 13 ms slower."""
    make_staff(db_app)
    client = db_app.test_client()
    shapes = {}
    for email in ("staff@clinic.test", "nobody@clinic.test"):
        page = client.get("/staff/sign-in").get_data(as_text=True)
        data = {"email": email, "password": "not the password", "csrf_token": csrf_token(page)}
        with recorded_statements(db_app) as statements:
            assert client.post("/staff/sign-in", data=data).status_code == 401
        shapes[email] = _shape(statements)
    assert shapes["staff@clinic.test"] == shapes["nobody@clinic.test"]
    assert any(
        shape.startswith("INSERT INTO audit_events") for shape in shapes["nobody@clinic.test"]
    )


def test_concurrent_wrong_passwords_are_counted_one_by_one(app_factory):
    """Thirty guesses at once: no more than SIGN_IN_LOCK_AFTER are ever checked."""
    app = app_factory(SIGN_IN_SLOW_AFTER=50, SIGN_IN_LOCK_AFTER=8, SIGN_IN_LOCK_MINUTES=15)
    make_staff(app)
    clients = [app.test_client() for _ in range(30)]
    pages = [client.get("/staff/sign-in").get_data(as_text=True) for client in clients]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def guess(client, page, n):
        data = {"email": "staff@clinic.test", "password": f"guess number {n}",
                "csrf_token": csrf_token(page)}  # fmt: skip
        start.wait()
        statuses.append(client.post("/staff/sign-in", data=data).status_code)

    threads = [
        threading.Thread(target=guess, args=(client, page, n))
        for n, (client, page) in enumerate(zip(clients, pages, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == 8
    with app.app_context():
        checked = db.session.scalar(
            select(func.count()).where(AuditEvent.action == "sign_in_failed")
        )
    assert checked == 8


# The review's examples: twelve spaces, a repeat, a common password, the email itself.
WEAK = ["            ", "aaaaaaaaaaaa", "password1234", "new@clinic.test"]
REFUSED = ("Choose a password that is harder to guess", "Use at least 12 characters.")


@pytest.mark.parametrize("password", WEAK)
def test_an_admin_cannot_give_a_new_colleague_an_easily_guessed_password(db_app, password):
    client = staff_client(db_app, email="admin@clinic.test", role="admin")
    page = client.get("/staff/admin/staff").get_data(as_text=True)
    response = client.post(
        "/staff/admin/staff",
        data={"email": "new@clinic.test", "name": "New", "role": "staff", "password": password,
              "csrf_token": csrf_token(page)},
    )  # fmt: skip
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert any(reason in text for reason in REFUSED)
    assert 'value="new@clinic.test"' in text  # the rest of the form is kept


@pytest.mark.parametrize("password", WEAK)
def test_the_command_line_refuses_easily_guessed_passwords(db_app, password):
    result = db_app.test_cli_runner().invoke(
        args=["staff", "create", "new@clinic.test", "--name", "New Person"],
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code != 0
    assert any(reason in result.output for reason in REFUSED)


def test_a_strong_password_is_accepted(db_app):
    result = db_app.test_cli_runner().invoke(
        args=["staff", "create", "new@clinic.test", "--name", "New Person"],
        input="kettle umbrella violin 42\nkettle umbrella violin 42\n",
    )
    assert result.exit_code == 0, result.output
