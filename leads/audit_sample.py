"""The audit sample: a random share of each outcome's leads, marked when the lead is stored.

People told `see_dermatologist` or `not_suitable_now` rarely come in, so the
clinicians' verdicts would all be on people the check let through, and the
scorecard's sensitivity would look better than it is (verification bias). The
clinic sets, per outcome, the percentage of leads to draw; the front desk offers
those people a free clinician review, and the scorecard corrects for who was
verified. The draw is made with the system's random source, so nobody can steer it.
"""

from __future__ import annotations

import secrets

from core import clinic_settings

#: Each outcome that can be sampled, and the clinic setting holding its percentage.
SETTINGS = {
    "clinician_review": "audit_sample_clinician_review",
    "see_dermatologist": "audit_sample_see_dermatologist",
    "not_suitable_now": "audit_sample_not_suitable_now",
}

_RANDOM = secrets.SystemRandom()


def percentage(outcome: str) -> int:
    """The share of ``outcome``'s leads drawn (0 to 100; 0 for an outcome never sampled)."""
    key = SETTINGS.get(outcome)
    if key is None:
        return 0
    value = clinic_settings.text(key)
    return int(value) if value.isdigit() and int(value) <= 100 else 0


def draw(outcome: str) -> bool:
    """Whether a lead just decided ``outcome`` goes into the audit sample."""
    share = percentage(outcome)
    return share > 0 and _RANDOM.random() * 100 < share
