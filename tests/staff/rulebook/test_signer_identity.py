"""Finding 10 of the adversarial review: the signer's name is the clinician account's (set
by an admin), never typed at signing; the registration is kept only once it has its
register's shape (or the clinic's configured one), and a refusal names that shape.
On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.config import ConfigError, check_safe
from core.extensions import db
from signoff.deployed import deployed
from signoff.models import RuleSignOff
from staff.models import StaffUser
from staff.rulebook.signing import Refused, sign_deployed
from tests.factories import PASSWORD, csrf_token, make_staff, staff_client

HOSTILE = "Dr <img src=x onerror=alert(11)>"


def _sign_form(client) -> dict[str, str]:
    page = client.get("/staff/rules").get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page)
    assert sha, "no sign-off form"
    return {
        "csrf_token": csrf_token(page),
        "sha256": sha.group(1),
        "registration": "GMC 7654321",
        "reviewed": "y",
        "password": PASSWORD,
    }


def _signoffs(app) -> list[RuleSignOff]:
    with app.app_context():
        return list(db.session.scalars(select(RuleSignOff)))


def test_the_signer_name_is_the_accounts_whatever_is_posted(db_app):
    client = staff_client(db_app, "lead@clinic.test", "clinician", name="Dr Ada Example")
    page = client.get("/staff/rules").get_data(as_text=True)
    assert 'name="name"' not in page and "Dr Ada Example" in page  # shown, not asked
    done = client.post("/staff/rules/sign", data={**_sign_form(client), "name": HOSTILE})
    assert done.status_code == 303
    [signed] = _signoffs(db_app)
    assert signed.signer_name == "Dr Ada Example"
    assert signed.signer_registration == "GMC 7654321"
    assert "img" not in client.get("/staff/rules").get_data(as_text=True).lower()


def test_an_account_without_a_name_cannot_sign(db_app):
    client = staff_client(db_app, "lead@clinic.test", "clinician")
    with db_app.app_context():
        db.session.scalar(select(StaffUser)).name = ""
        db.session.commit()
    refused = client.post("/staff/rules/sign", data=_sign_form(client))
    assert refused.status_code == 409
    assert "ask an admin to set it" in refused.get_data(as_text=True)
    assert _signoffs(db_app) == []


@pytest.mark.parametrize(
    "registration",
    ["GMC 7654321", "gmc7654321", "NMC 12A3456B", "GDC 123456", "HCPC PA12345", " GMC 1234567 "],
)
def test_registrations_of_their_registers_shape_are_kept_as_typed(db_app, registration):
    staff_id = make_staff(db_app, "lead@clinic.test", role="clinician", name="Dr Ada Example")
    with db_app.app_context():
        user = db.session.get(StaffUser, staff_id)
        signed = sign_deployed(
            user, PASSWORD, registration=registration, sha256=deployed().base.sha256
        )
        assert not isinstance(signed, Refused), signed
        assert signed.signer_registration == registration.strip()
        assert signed.signer_name == "Dr Ada Example"


@pytest.mark.parametrize(
    ("registration", "named"),
    [
        ("GMC 123", "A GMC number is 7 digits, for example GMC 1234567."),
        ("GMC 12345678", "A GMC number is 7 digits, for example GMC 1234567."),
        ("NMC 12345678", "A NMC number is 2 digits, a letter, 4 digits and a letter"),
        ("GDC 12A", "A GDC number is digits, for example GDC 123456."),
        ("HCPC 12345", "A HCPC number is two letters and digits, for example HCPC PA12345."),
        ("any registration", "GMC and 7 digits (GMC 1234567)"),
        ("<img src=x onerror=alert(11)>", "GMC and 7 digits (GMC 1234567)"),
    ],
)
def test_a_registration_of_another_shape_is_refused_naming_the_shape(db_app, registration, named):
    client = staff_client(db_app, "lead@clinic.test", "clinician", name="Dr Ada Example")
    refused = client.post(
        "/staff/rules/sign", data={**_sign_form(client), "registration": registration}
    )
    assert refused.status_code == 422
    assert named in refused.get_data(as_text=True)
    assert _signoffs(db_app) == []
    with db_app.app_context():
        user = db.session.scalar(select(StaffUser))
        direct = sign_deployed(
            user, PASSWORD, registration=registration, sha256=deployed().base.sha256
        )
        assert isinstance(direct, Refused) and direct.reason == "registration"
        assert named in direct.message


def test_a_clinic_elsewhere_sets_its_own_pattern_and_its_words(app_factory):
    app = app_factory(
        SIGNOFF_REGISTRATION_PATTERN=r"MED\d{10}",
        SIGNOFF_REGISTRATION_DESCRIPTION="MED and 10 digits, for example MED0001234567",
    )
    client = staff_client(app, "lead@clinic.test", "clinician", name="Dr Ada Example")
    assert "MED and 10 digits" in client.get("/staff/rules").get_data(as_text=True)
    refused = client.post("/staff/rules/sign", data=_sign_form(client))  # a GMC number
    assert refused.status_code == 422
    assert "MED and 10 digits, for example MED0001234567" in refused.get_data(as_text=True)
    done = client.post(
        "/staff/rules/sign", data={**_sign_form(client), "registration": "MED0001234567"}
    )
    assert done.status_code == 303
    assert [s.signer_registration for s in _signoffs(app)] == ["MED0001234567"]


def test_a_pattern_must_be_a_regular_expression_with_its_description():
    with pytest.raises(ConfigError, match="not a regular expression"):
        check_safe({"SIGNOFF_REGISTRATION_PATTERN": "MED(", "SMTP_TLS": "none"})
    with pytest.raises(ConfigError, match="SIGNOFF_REGISTRATION_DESCRIPTION"):
        check_safe({"SIGNOFF_REGISTRATION_PATTERN": r"MED\d+", "SMTP_TLS": "none"})


def test_the_command_line_signs_under_the_accounts_name_and_checks_the_registration(db_app):
    make_staff(db_app, "lead@clinic.test", role="clinician", name="Dr Ada Example")

    def sign(*args):
        return db_app.test_cli_runner().invoke(
            args=["rules", "sign", *args, "lead@clinic.test"], input=f"{PASSWORD}\n"
        )

    typed_name = sign("--name", HOSTILE, "--registration", "GMC 7654321")
    assert typed_name.exit_code != 0 and "No such option" in typed_name.output
    refused = sign("--registration", "GMC 1")
    assert refused.exit_code != 0
    assert "A GMC number is 7 digits, for example GMC 1234567." in refused.output
    done = sign("--registration", "GMC 7654321")
    assert done.exit_code == 0, done.output
    assert "Signed off by Dr Ada Example (GMC 7654321)" in done.output
    assert [s.signer_name for s in _signoffs(db_app)] == ["Dr Ada Example"]
