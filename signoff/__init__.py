"""Which rule version decides for patients: the deployed file, proved at start-up,
and the clinicians' sign-offs of it, kept in the database.

- ``signoff.deployed``: the rule file this release ships, proved (contract
  section 7) when the app starts; a file that fails never starts the app.
- ``signoff.models``: a sign-off, with the signed file's exact text, so a later
  release can be deployed and reviewed while patients keep the signed version.
- ``signoff.service``: the live choice (``live()``), signing, and the sign-off
  that decided a stored decision.

In production (``APP_ENV=production``) only a signed version decides; outside
production an unsigned one does, and every patient page says it is not for
patients. See docs/clinical-safety.md.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Prove the deployed rule file (or refuse to start) and offer the live choice to pages."""
    from signoff import deployed, service

    deployed.init_app(app)
    service.init_app(app)
