"""The privacy notice: what is stored about a person, when, why, for how long, who sees
it, and how they ask to see, correct or delete it.

It lives with the leads because the leads are the only personal data there is. Its
figures come from the same configuration the code obeys (RETENTION_DAYS, which
``flask leads purge`` deletes by; FLOW_TOKEN_MAX_AGE, after which a check's sealed
answers stop opening), so the notice cannot drift from what happens. It is not
behind the rules' sign-off: a person may read it whichever rules decide.

One page, on the site only: the embedded check links to it in a new tab, so reading
it never navigates the clinic's iframe away from someone's answers.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template
from flask_babel import format_timedelta

bp = Blueprint("privacy", __name__)


@bp.get("/privacy")
def notice() -> str:
    config = current_app.config
    return render_template(
        "leads/privacy.html",
        retention_days=config["RETENTION_DAYS"],
        # "4 hours", "4 horas": the time a check's answers can be used, from its start.
        answers_usable_for=format_timedelta(timedelta(seconds=config["FLOW_TOKEN_MAX_AGE"])),
        sends_confirmation=bool(config["SMTP_HOST"] and config["SEND_CONFIRMATION_EMAIL"]),
    )
