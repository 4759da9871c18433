"""Signing the deployed rule version off, and withdrawing a sign-off: the one way each, for
the console and the command line.

Only an active clinician signs or withdraws, confirming with their password, which is
checked and counted like a sign-in (``staff.accounts.service.check_password``): neither
form can be used to guess it. The change and its audit event are one transaction.

The name a sign-off records (and patients' pages show) is the clinician account's, which
an admin sets; nobody types it when signing. The registration is typed, and kept only
once it has its register's shape (signoff/registration.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from core.extensions import db
from signoff.deployed import deployed
from signoff.registration import RegistrationRefused, checked
from signoff.service import SignOff, SignRefused, forget_choice, sign, signoff_of, withdraw
from staff.accounts.service import Failure, check_password
from staff.console.audit import record
from staff.models import StaffUser


@dataclass(frozen=True)
class Refused:
    """Why nothing was recorded: ``wait`` seconds for too many wrong passwords."""

    # not_clinician, no_name (the account has none), registration (not its register's
    # shape: ``message`` says which), changed, signed_already, withdrawn, wrong_password,
    # wait; and for a withdrawal, not_active (no sign-off with this hash, or withdrawn)
    reason: str
    wait: int = 0
    message: str = ""


def password_refused(user: StaffUser, password: str, refused_detail: str) -> Refused | None:
    """The clinician's password, checked and counted like a sign-in (the accounts' one
    re-authentication); None when it is right. A wrong one is audited (``refused_detail``)."""
    checked = check_password(
        user, password, failure=Failure("rules_sign_off_refused", refused_detail)
    )
    if checked.wait:
        return Refused("wait", checked.wait)
    if checked.wrong:
        return Refused("wrong_password")
    return None


def _may_act(user: StaffUser) -> bool:
    return user.role == "clinician" and user.active


def signer_of(user: StaffUser, registration: str) -> tuple[str, str] | Refused:
    """(name, registration) a sign-off by ``user`` records: refused unless an active
    clinician with a name, whose ``registration`` has its register's shape."""
    if not _may_act(user):
        return Refused("not_clinician")
    name = (user.name or "").strip()
    if not name:
        return Refused("no_name")
    try:
        return name, checked(registration)
    except RegistrationRefused as refusal:
        return Refused("registration", message=str(refusal))


def sign_deployed(
    user: StaffUser, password: str, *, registration: str, sha256: str
) -> SignOff | Refused:
    """Sign the deployed version (which must be the one with ``sha256``) as ``user``, under
    the account's name and ``registration`` (checked against its register's shape)."""
    shipped = deployed().base
    signer = signer_of(user, registration)
    if isinstance(signer, Refused):
        return signer
    name, registration = signer
    if sha256 != shipped.sha256:
        return Refused("changed")
    earlier = signoff_of(shipped.sha256)
    if earlier is not None:
        return Refused("withdrawn" if earlier.withdrawn else "signed_already")
    refused = password_refused(user, password, f"wrong password for {shipped.sha256}")
    if refused:
        return refused
    try:
        signed = sign(
            signer_id=user.id,
            name=name[:120],
            registration=registration,
            email=user.email,
        )
    except SignRefused as refusal:  # signed or withdrawn since the check above
        db.session.rollback()
        return Refused(refusal.reason)
    record(
        "rules_sign_off",
        detail=f"version {signed.version} sha256 {signed.sha256} "
        f"registration {signed.signer_registration}",
        actor=user,
    )
    try:
        db.session.commit()
    except IntegrityError:  # signed at this very moment by someone else
        db.session.rollback()
        return Refused("signed_already")
    forget_choice()
    return signed


def withdraw_signoff(
    user: StaffUser, password: str, *, sha256: str, reason: str
) -> SignOff | Refused:
    """Withdraw the sign-off of the version with ``sha256`` as ``user``, giving ``reason``.

    From the commit on, that version decides for nobody: on this instance at once, on
    every other within LIVE_RULES_TTL seconds.
    """
    if not _may_act(user):
        return Refused("not_clinician")
    current = signoff_of(sha256)
    if current is None or current.withdrawn:
        return Refused("not_active")
    refused = password_refused(
        user, password, f"wrong password to withdraw the sign-off of {sha256}"
    )
    if refused:
        return refused
    reason = reason.strip()
    withdrawn = withdraw(sha256, name=user.display_name[:120], reason=reason)
    if withdrawn is None:  # withdrawn by someone else since the check above
        db.session.rollback()
        return Refused("not_active")
    record(
        "rules_sign_off_withdrawn",
        detail=f"withdrew the sign-off of rule version {withdrawn.version} "
        f"(sha256 {sha256[:12]}): {reason}",
        actor=user,
        data={"version": withdrawn.version, "sha256": sha256, "reason": reason},
    )
    db.session.commit()
    forget_choice()
    return withdrawn
