"""Two-factor test helpers: an account with it on, and the code step as a browser sends it."""

from __future__ import annotations

import time

import pyotp
from sqlalchemy import select

from core.dbtypes import utcnow
from core.extensions import db
from staff.models import StaffUser
from tests.factories import csrf_token


def enrol(app, email: str = "staff@clinic.test") -> str:
    """Turn two-factor on for this account, as a confirmed enrolment leaves it; its secret."""
    secret = pyotp.random_base32()
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        user.totp_secret = secret
        user.totp_confirmed_at = utcnow()
        db.session.commit()
    return secret


def code_at(secret: str, offset_seconds: float = 0) -> str:
    """The code an authenticator app shows ``offset_seconds`` from now."""
    return pyotp.TOTP(secret).at(time.time() + offset_seconds)


def send_code(client, code: str, next_path: str | None = None):
    url = "/staff/sign-in/code" + (f"?next={next_path}" if next_path else "")
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"code": code, "csrf_token": csrf_token(page.get_data(True))})
