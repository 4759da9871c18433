"""A member of staff's emails (a set-password link) speak their language: the console's
language at their last sign-in, the adding admin's until then, or what an admin sets on
their account page, audited."""

from __future__ import annotations

from tests.factories import PASSWORD, csrf_token, make_staff, post_form, staff_client
from tests.staff.accounts_support import account, audit_details

DESK = "desk@clinic.test"
ADMIN = "admin@clinic.test"


def smtp_app(app_factory, smtp):
    return app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TLS="none")


def email_link(admin, person_id: int) -> None:
    edit = f"/staff/admin/staff/{person_id}/edit"
    sent = post_form(admin, edit, f"/staff/admin/staff/{person_id}/password-link", send="email")
    assert sent.status_code == 303


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def test_an_account_added_from_the_spanish_console_is_written_to_in_spanish(app_factory, smtp):
    app = smtp_app(app_factory, smtp)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    admin.get("/staff/admin/staff?lang=es")  # the admin works in Spanish
    new = "dee.desk@trilogy-clinic.com"  # the form's email check refuses .test addresses
    added = post_form(
        admin, "/staff/admin/staff", email=new, name="Dee Desk", role="staff", password=""
    )
    assert added.status_code == 303
    person = account(app, new)
    assert person.lang == "es"
    email_link(admin, person.id)
    (message,) = smtp.wait_for(1)
    assert "Elija su contraseña" in str(message["Subject"]) or "=?utf-8?" in message["Subject"]
    body = body_of(message)
    assert body.startswith("Hola, Dee Desk:") and "Hello" not in body


def test_the_language_follows_the_console_they_sign_in_with(app_factory, smtp):
    app = smtp_app(app_factory, smtp)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK, name="Dee Desk")
    assert account(app, DESK).lang == ""
    desk = app.test_client()
    page = desk.get("/staff/sign-in?lang=es").get_data(as_text=True)
    signed = desk.post(
        "/staff/sign-in", data={"email": DESK, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    assert signed.status_code == 302
    assert account(app, DESK).lang == "es"
    email_link(admin, person_id)
    (message,) = smtp.wait_for(1)
    assert body_of(message).startswith("Hola, Dee Desk:")


def test_an_admin_sets_the_language_of_a_colleague_s_emails_audited(app_factory, smtp):
    app = smtp_app(app_factory, smtp)
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    person_id = make_staff(app, DESK, name="Dee Desk")
    edit = f"/staff/admin/staff/{person_id}/edit"
    page = admin.get(edit).get_data(as_text=True)
    assert '<option value="en" lang="en" selected>English</option>' in page
    fields = {"name": "Dee Desk", "role": "staff", "active": "y", "email_lang": "es"}
    assert post_form(admin, edit, **fields).status_code == 303
    assert account(app, DESK).lang == "es"
    assert audit_details(app, "staff_change")[-1] == (
        f"changed email language of {DESK} from English to Español"
    )
    refused = post_form(admin, edit, **{**fields, "email_lang": "fr"})
    assert refused.status_code == 422
    assert account(app, DESK).lang == "es"  # nothing of a refused edit is kept
    email_link(admin, person_id)
    (message,) = smtp.wait_for(1)
    assert body_of(message).startswith("Hola, Dee Desk:")
    # Saving again without a change of language writes no sentence about it.
    assert post_form(admin, edit, **fields).status_code == 303
    assert sum("email language" in row for row in audit_details(app, "staff_change")) == 1
