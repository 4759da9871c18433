"""Signing a draft off: the same sign-off as the deployed file's (an active clinician, the
account's name, a registration of its register's shape, their password counted like a
sign-in, the audit log), storing the draft's exact text in rule_signoffs so that every
instance loads it, proves it again and decides with it within LIVE_RULES_TTL.

A draft that fails its proof is refused before anything is written. With
RULE_DRAFT_SECOND_SIGNER on, the signer may not be the draft's only author (two
clinicians: one edits, another signs).
"""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from signoff.deployed import RulesNotProved
from signoff.service import SignOff, SignRefused, forget_choice, sign_text
from staff.console.audit import record
from staff.models import StaffUser
from staff.rulebook.drafts import authors, get_draft, mark_signed
from staff.rulebook.signing import Refused, password_refused, signer_of

__all__ = ["second_signer_required", "sign_draft"]


def second_signer_required() -> bool:
    """RULE_DRAFT_SECOND_SIGNER: the signer may not be a draft's only author."""
    return bool(current_app.config.get("RULE_DRAFT_SECOND_SIGNER", False))


def sign_draft(
    user: StaffUser,
    password: str,
    *,
    draft_id: int,
    revision: int,
    registration: str,
    sha256: str,
) -> SignOff | Refused:
    """Sign the draft at ``revision`` (whose text hashes to ``sha256``, as reviewed).

    Refusals beyond ``sign_deployed``'s: ``changed`` (saved since it was reviewed, or no
    longer open), ``not_proved`` (it fails its proof), ``sole_author``.
    """
    signer = signer_of(user, registration)
    if isinstance(signer, Refused):
        return signer
    name, registration = signer
    draft = get_draft(draft_id)
    if draft is None or draft.state != "open" or draft.revision != revision:
        return Refused("changed")
    data = draft.rules_text.encode("utf-8")
    if hashlib.sha256(data).hexdigest() != sha256:
        return Refused("changed")
    if second_signer_required() and authors(draft_id) <= {user.id}:
        return Refused("sole_author")
    refused = password_refused(user, password, f"wrong password for draft {draft_id}")
    if refused:
        return refused
    try:
        signed, _base = sign_text(
            data,
            label=f"draft {draft.name}",
            signer_id=user.id,
            name=name[:120],
            registration=registration,
            email=user.email,
        )
    except RulesNotProved:
        db.session.rollback()
        return Refused("not_proved")
    except SignRefused as refusal:
        db.session.rollback()
        return Refused(refusal.reason)
    if not mark_signed(draft_id, revision, signed.sha256, user):
        db.session.rollback()
        return Refused("changed")
    record(
        "rules_sign_off",
        detail=f"version {signed.version} sha256 {signed.sha256} "
        f"registration {signed.signer_registration} (console draft {draft_id}: {draft.name})",
        actor=user,
    )
    try:
        db.session.commit()
    except IntegrityError:  # the same text signed at this very moment by someone else
        db.session.rollback()
        return Refused("signed_already")
    forget_choice()
    return signed
