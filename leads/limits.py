"""The contact form's rate limits: they count accepted requests, never a person's corrections.

A form shown again with its errors (422) costs nothing, so a person can fix a
few mistakes, and several people on one clinic's Wi-Fi share no budget of
mistakes. Two limits, both kept by Flask-Limiter in ``RATELIMIT_STORAGE_URI``
(Redis when several instances run, so every instance sees the same counts),
each counted only for the responses ``deduct_when`` says (the view marks them
with ``accepted``):

- ``RATELIMIT_CONTACT_PER_CHECK``, per questionnaire (the flow id sealed in
  the posted token): valid submissions, whether they stored the lead or found
  it stored already. A person sends once, perhaps twice; a script replaying
  one token is stopped.
- ``RATELIMIT_CONTACT``, per address: new leads actually stored. The backstop
  against one machine storing many, set far above what a shared clinic Wi-Fi
  or a mobile carrier's shared address sends (figures in docs/security.md).

Site and /embed share both counts (``shared_limit``). Submissions the spam
trap caught (leads/spam.py) store nothing and count in neither.
"""

from __future__ import annotations

from flask import Response, g, request

from core.extensions import config_limit, limiter
from questionnaire.service import StateError, codec

#: The key of a token that cannot be opened: such a POST is never accepted, never counted.
UNOPENED = "unopened"


def accepted(*, stored: bool) -> None:
    """Mark this request's submission as valid (it reached the store); ``stored``: a new lead."""
    g.contact_accepted = True
    g.contact_stored = stored


def _flow_id() -> str:
    """The questionnaire a contact POST belongs to (its token is opened again in the view)."""
    try:
        return codec().loads(request.form.get("s")).flow_id
    except StateError:
        return UNOPENED


def _was_accepted(_response: Response) -> bool:
    return bool(g.get("contact_accepted"))


def _was_stored(_response: Response) -> bool:
    return bool(g.get("contact_stored"))


per_check = limiter.shared_limit(
    config_limit("RATELIMIT_CONTACT_PER_CHECK"),
    scope="contact-per-check",
    key_func=_flow_id,
    deduct_when=_was_accepted,
)
per_address = limiter.shared_limit(
    config_limit("RATELIMIT_CONTACT"),
    scope="contact-per-address",
    deduct_when=_was_stored,
)
