"""Changing a staff account: an admin's edit, and every way a password is set.

Each change an admin makes is written to the audit log as a sentence of its own
with the old and the new value ("changed role of a@b.c from Front desk to
Clinician"), in English whatever the console's language, as the rest of the log.
Every new password, whoever sets it, ends that person's sessions everywhere; the
caller starts a fresh one when the browser that changed it should stay signed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.dbtypes import utcnow
from core.extensions import db
from staff.accounts import lockout, sessions
from staff.accounts.passwords import hash_password
from staff.console.audit import record
from staff.models import StaffUser
from web.language import LANGUAGE_NAMES

#: The roles as the audit log names them (English, like the rest of its sentences).
ROLE_NAMES = {"staff": "Front desk", "clinician": "Clinician", "admin": "Admin"}


@dataclass(frozen=True)
class AccountEdit:
    """What an admin's edit form asks an account to become."""

    name: str
    role: str
    active: bool
    can_export: bool
    can_delete: bool
    lang: str | None = None  # the language of their emails; None leaves it as it is


class EditRefused(Exception):
    """An edit that would leave the clinic without an admin; ``field`` is the form's field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _other_active_admins(person: StaffUser) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != person.id)
    )


def check_edit(person: StaffUser, edit: AccountEdit, by: StaffUser) -> None:
    """Refuse what would lock the clinic out: an admin demoting or disabling themselves,
    or the last active admin losing the role or the account."""
    loses_admin = person.is_admin and edit.role != "admin"
    if person.id == by.id and loses_admin:
        raise EditRefused(
            "role", _l("You cannot take away your own admin role: another admin can.")
        )
    if person.id == by.id and not edit.active:
        raise EditRefused("active", _l("You cannot disable your own account."))
    if person.is_admin and (loses_admin or not edit.active) and not _other_active_admins(person):
        raise EditRefused("role", LAST_ADMIN)


LAST_ADMIN = _l("This is the last admin: make someone else an admin first.")


def loses_admin(person: StaffUser, edit: AccountEdit | None = None) -> bool:
    """Whether a change takes an active admin away: a new role, disabling or removal
    (no edit)."""
    if not (person.is_admin and person.active):
        return False
    return edit is None or edit.role != "admin" or not edit.active


def lock_admins() -> None:
    """Hold the active admins' rows until the transaction ends (PostgreSQL, in id order
    so two admins' changes never deadlock), so that two admins taking each other's
    role, account or access at the same moment are served one after the other. On
    SQLite the change's own write lock does this, and the statement locks nothing.
    """
    db.session.scalars(
        select(StaffUser.id)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True))
        .order_by(StaffUser.id)
        .with_for_update()
    ).all()


def keep_an_admin() -> None:
    """After a change that took an admin away (made, not committed): refuse it when no
    active admin is left. The check the form made first read the others' rows before
    a concurrent change committed; this one reads them after, under the lock."""
    db.session.flush()
    left = db.session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True))
    )
    if not left:
        raise EditRefused("role", LAST_ADMIN)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def changes(person: StaffUser, edit: AccountEdit) -> list[str]:
    """The audit log's sentence for each value the edit changes (none when nothing does)."""
    email = person.email
    said = []
    if edit.name != person.name:
        said.append(f"changed name of {email} from “{person.name}” to “{edit.name}”")
    if edit.role != person.role:
        said.append(
            f"changed role of {email} from {ROLE_NAMES[person.role]} to {ROLE_NAMES[edit.role]}"
        )
    if edit.active != person.active:
        said.append(f"{'enabled' if edit.active else 'disabled'} {email}")
    if edit.can_export != person.can_export:
        said.append(
            f"changed permission to export leads of {email} "
            f"from {_yes_no(person.can_export)} to {_yes_no(edit.can_export)}"
        )
    if edit.can_delete != person.can_delete:
        said.append(
            f"changed permission to delete leads of {email} "
            f"from {_yes_no(person.can_delete)} to {_yes_no(edit.can_delete)}"
        )
    if edit.lang is not None and edit.lang != (person.lang or _default_lang()):
        said.append(
            f"changed email language of {email} from {_language_name(person.lang)} "
            f"to {_language_name(edit.lang)}"
        )
    return said


def _default_lang() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code or _default_lang(), code)


def apply_edit(person: StaffUser, edit: AccountEdit, by: StaffUser) -> list[str]:
    """Check, apply and audit an admin's edit (in the caller's transaction); the sentences.

    Raises EditRefused; the caller then rolls back. A disabled account's sessions end
    at once.
    """
    if loses_admin(person, edit):
        lock_admins()
        db.session.refresh(person)  # as it is now that a colleague's change is committed
    takes_admin = loses_admin(person, edit)
    check_edit(person, edit, by)
    said = changes(person, edit)
    for sentence in said:
        record("staff_change", detail=sentence, actor=by)
    disabled = person.active and not edit.active
    person.name = edit.name
    person.role = edit.role
    person.active = edit.active
    person.can_export = edit.can_export
    person.can_delete = edit.can_delete
    if edit.lang is not None:
        person.lang = edit.lang
    if disabled:
        person.session_version += 1  # its sign-ins and set-password links stop working
        sessions.end_all(person)
    if takes_admin:
        keep_an_admin()
    return said


def set_password(person: StaffUser, password: str, *, must_change: bool = False) -> None:
    """A new password (in the caller's transaction): unlocks the account and ends every
    session of it, and any set-password link issued before (their fingerprint changes).

    ``must_change``: someone else chose it, so the person chooses their own at sign-in.
    """
    person.password_hash = hash_password(password)
    person.must_change_password = must_change
    person.password_changed_at = utcnow()
    person.session_version += 1
    lockout.register_success(person.email)
    sessions.end_all(person)
