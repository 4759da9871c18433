"""Signing the deployed rule version off: the one way, for the console and the command line.

Only an active clinician signs, confirming with their password, which is counted
like a sign-in (``staff.lockout``): the form cannot be used to guess it. The
sign-off and its audit event are one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from core.dbtypes import utcnow
from core.extensions import db
from signoff.deployed import deployed
from signoff.service import SignOff, forget_choice, sign, signoff_of
from staff import lockout
from staff.audit import record
from staff.models import StaffUser
from staff.passwords import verify_password


@dataclass(frozen=True)
class Refused:
    """Why a sign-off was not recorded: ``wait`` seconds for too many wrong passwords."""

    reason: str  # not_clinician, changed, signed_already, wrong_password, wait
    wait: int = 0


def sign_deployed(
    user: StaffUser, password: str, *, name: str, registration: str, sha256: str
) -> SignOff | Refused:
    """Sign the deployed version (which must be the one with ``sha256``) as ``user``."""
    shipped = deployed().base
    if user.role != "clinician" or not user.active:
        return Refused("not_clinician")
    if sha256 != shipped.sha256:
        return Refused("changed")
    if signoff_of(shipped.sha256) is not None:
        return Refused("signed_already")
    wait = lockout.claim_try(user.email, utcnow())
    if wait:
        return Refused("wait", wait)
    if not verify_password(user.password_hash, password):
        record("rules_sign_off_refused", detail=f"wrong password for {shipped.sha256}", actor=user)
        db.session.commit()
        return Refused("wrong_password")
    lockout.register_success(user.email)
    signed = sign(
        signer_id=user.id, name=name.strip(), registration=registration.strip(), email=user.email
    )
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
