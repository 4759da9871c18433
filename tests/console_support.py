"""Helpers for the leads and console tests: staff accounts, signing in, CSRF tokens, leads."""

from __future__ import annotations

import re

from core.extensions import db
from staff.accounts.passwords import hash_password
from staff.models import StaffUser
from tests.support import BY_OUTCOME

PASSWORD = "correct horse battery"

CONTACT = {
    "name": "Zoë Example",
    "email": "zoe@example.com",
    "phone": "+44 20 7946 0958",
    "contact_time": "morning",
    "message": "Evenings are hard for me.",
    "consent": "y",
}


def make_staff(app, email="staff@clinic.test", role="staff", password=PASSWORD, name="") -> int:
    with app.app_context():
        user = StaffUser(
            email=email,
            role=role,
            name=name or email.split("@")[0].title(),
            password_hash=hash_password(password),
        )
        db.session.add(user)
        db.session.commit()
        return user.id


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "the page carries no CSRF token"
    return match.group(1)


def sign_in(client, email="staff@clinic.test", password=PASSWORD):
    page = client.get("/staff/sign-in")
    return client.post(
        "/staff/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.get_data(True))},
    )


def post_with_csrf(client, page_url: str, url: str, data: dict):
    page = client.get(page_url)
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(True))})


def submit_contact(client, walker, outcome="book_consultation", **fields):
    """Complete a questionnaire and post the contact form; returns (response, token)."""
    from tests.support import token_of

    result_url = walker.complete(BY_OUTCOME[outcome])
    token = token_of(result_url)
    response = client.post("/check/contact", data={"s": token, **CONTACT, **fields})
    return response, token
