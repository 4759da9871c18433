"""`flask staff create EMAIL --name NAME`, `flask staff set-password EMAIL` and
`flask staff set-password-link EMAIL`, `flask staff reset-two-factor EMAIL`: the first
accounts, and a way back in without the console."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core.extensions import db
from leads.service import outbox
from staff.accounts import changes, password_links, sessions, two_factor, two_factor_emails
from staff.accounts.changes import ROLE_NAMES
from staff.accounts.passwords import PROBLEMS, hash_password, password_problem
from staff.accounts.service import find_staff
from staff.console.audit import record
from staff.models import StaffUser

staff_cli = AppGroup("staff", help="Console accounts.")


def _ask_password(email: str, name: str = "") -> str:
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, (email, name))
    if problem:
        with current_app.test_request_context():  # the message is translatable
            raise click.ClickException(str(PROBLEMS[problem]))
    return password


@staff_cli.command("create")
@click.argument("email")
@click.option(
    "--name", required=True, help="The person's name, shown in the console and next to notes."
)
@click.option(
    "--admin", is_flag=True, help="May add, disable and remove staff, and see the audit log."
)
@click.option(
    "--clinician", is_flag=True, help="May read the rule book and sign rule versions off."
)
def create(email: str, name: str, admin: bool, clinician: bool) -> None:
    """Create a staff account; asks for its password twice."""
    email, name = email.strip().lower(), name.strip()
    if not name:
        raise click.ClickException("Give the person's name with --name.")
    if admin and clinician:
        raise click.ClickException("Choose --admin or --clinician: an account has one role.")
    role = "admin" if admin else "clinician" if clinician else "staff"
    if "@" not in email:
        raise click.ClickException("Give an email address.")
    if find_staff(email):
        raise click.ClickException(f"{email} already has an account; use set-password.")
    password = _ask_password(email, name)
    db.session.add(
        StaffUser(
            email=email,
            name=name,
            role=role,
            password_hash=hash_password(password),
        )
    )
    record(
        "staff_change",
        detail=f"added {email} as {ROLE_NAMES[role]} on the command line",
        actor=None,
    )
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


@staff_cli.command("set-password")
@click.argument("email")
def set_password(email: str) -> None:
    """Set a new password (also unlocks the account and ends its sessions)."""
    user = find_staff(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    changes.set_password(user, _ask_password(user.email, user.name))
    record(
        "password_change",
        detail=f"set the password of {user.email} on the command line",
        actor=None,
    )
    db.session.commit()
    click.echo(f"Password set for {user.email}.")


@staff_cli.command("set-password-link")
@click.argument("email")
def set_password_link(email: str) -> None:
    """Print a one-time link with which the person chooses their own password."""
    user = find_staff(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    if not user.active:
        raise click.ClickException(f"{user.email} is disabled; enable it in the console first.")
    link = password_links.link_for(user)
    record(
        "password_link",
        detail=f"printed a set-password link for {user.email} on the command line",
        actor=None,
    )
    db.session.commit()
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    click.echo(f"Give this link to {user.email}; it works once, for {hours} hours:\n{link}")


@staff_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Clear EMAIL's two-factor sign-in and recovery codes; end its sessions."""
    user = find_staff(email)
    if user is None:
        raise click.ClickException(f"No staff account has the email {email}.")
    two_factor.turn_off(user)
    sessions.end_all(user)
    record(
        "two_factor",
        actor=None,
        detail=f"reset two-factor sign-in of {user.email} on the command line",
    )
    told = two_factor_emails.queue_email(user, "reset")
    db.session.commit()
    outbox.deliver(told)  # what is not sent now, `flask outbox deliver` sends later
    click.echo(f"Two-factor sign-in is reset for {user.email}; they sign in with the password.")
