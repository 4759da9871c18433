"""Signing rule versions in tests: a clinician account made here, and rule files edited here.

The repository ships its rules unsigned; every sign-off in the tests is made by a
clinician account the test creates, the way a clinic's clinical lead would sign.
"""

from __future__ import annotations

from pathlib import Path

from core.extensions import db
from rules.engine import RULES_PATH
from signoff.deployed import deployed
from signoff.service import SignOff
from staff.models import StaffUser
from staff.rulebook.signing import sign_deployed
from tests.factories import PASSWORD, csrf_token, make_staff, staff_client

#: The clinician's account name (an admin sets it; the sign-off shows it) and registration.
SIGNER = {"name": "Dr Ada Example", "registration": "GMC 7654321"}
PRODUCTION = {"APP_ENV": "production", "TRUSTED_HOSTS": "localhost,console.test"}

#: The shipped minor rule widened to under-21s: it passes the proof (stricter is safe),
#: and moves 18 to 20 year olds from book_consultation to clinician_review.
MINOR = "when = { age = { below = 18 } }"


SHIPPED_VERSION = 'version = "2026.11.0"'


def widened_rules(tmp_path: Path, version: str | None = None) -> Path:
    """The shipped rules with the minor rule widened; ``version``: named so, too."""
    text = RULES_PATH.read_text(encoding="utf-8")
    assert text.count(MINOR) == 1
    text = text.replace(MINOR, MINOR.replace("18", "21"))
    if version is not None:
        assert text.count(SHIPPED_VERSION) == 1
        text = text.replace(SHIPPED_VERSION, f'version = "{version}"')
    path = tmp_path / f"widened-{version or 'same'}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def sign_as_clinician(app, email: str = "lead@clinic.test") -> SignOff:
    """A clinician account, then its sign-off of the app's deployed rule version."""
    with app.app_context():
        user = db.session.scalar(db.select(StaffUser).filter_by(email=email))
    staff_id = user.id if user else make_staff(app, email, role="clinician", name=SIGNER["name"])
    with app.app_context():
        user = db.session.get(StaffUser, staff_id)
        if not user.name:
            user.name = SIGNER["name"]
            db.session.commit()
        signed = sign_deployed(
            user,
            PASSWORD,
            sha256=deployed().base.sha256,
            registration=SIGNER["registration"],
        )
        assert isinstance(signed, SignOff), signed
        return signed


def clinician_console(app, email: str = "lead@clinic.test"):
    """A test client signed in as the clinician ``sign_as_clinician`` signs with."""
    return staff_client(app, email, "clinician")


def withdraw_in_console(client, sha256: str, reason: str, password: str = PASSWORD):
    """Open the confirmation page of this sign-off, then send its form."""
    page = client.get(f"/staff/rules/withdraw?sha256={sha256}")
    assert page.status_code == 200, page.status_code
    return client.post(
        "/staff/rules/withdraw",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "sha256": sha256,
            "reason": reason,
            "password": password,
        },
    )
