"""Application factory: `flask --app app run` starts the screening questionnaire.

Configuration, then each layer's extensions from the bottom up, then the
blueprints; the layers themselves are drawn in pyproject.toml's import-linter
contract and docs/architecture.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

import api
import core
import embed
import integrations
import leads
import ops
import questionnaire
import signoff
import staff
import web
from api.models import ApiToken  # noqa: F401
from core import config
from core.clinic_settings import ClinicSetting  # noqa: F401
from core.computed_figures import ComputedFigure  # noqa: F401
from leads import privacy
from leads import views as contact_views
from leads.models import Lead  # noqa: F401 - every table is known before the migrations run
from leads.verdict_models import Verdict  # noqa: F401
from questionnaire import views as check_views
from signoff.models import RuleSignOff  # noqa: F401
from staff.leads.export_jobs import ExportJob  # noqa: F401
from staff.models import StaffUser  # noqa: F401
from web.embed_mode import EMBED_BLUEPRINT, EMBED_LEADS_BLUEPRINT


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Build the app from the environment, overridden by ``test_config`` in tests."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_mapping(config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
        # Tests walk the questionnaire in milliseconds and write to one address many times:
        # the contact form's time floor and the confirmations' limit per address apply in
        # the tests that set them (tests/leads/test_contact_script.py).
        for name, off in (("CONTACT_MIN_SECONDS", 0), ("RATELIMIT_CONFIRMATION_EMAIL", "")):
            if test_config.get("TESTING") and name not in test_config:
                app.config[name] = off
    config.check_safe(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    ops.init_app(app)  # before the rest: start-up logs in LOG_FORMAT; request ids, metrics
    signoff.init_app(app)  # first: a rule file that fails its proof stops start-up
    questionnaire.init_app(app)  # a catalogue that does not match the rules stops it too
    web.init_app(app)
    core.init_app(app)
    leads.init_app(app)
    staff.init_app(app)
    embed.init_app(app)

    app.register_blueprint(check_views.bp)
    app.register_blueprint(check_views.bp, url_prefix="/embed", name=EMBED_BLUEPRINT)
    app.register_blueprint(contact_views.bp)
    # Again under /embed: inside a clinic's iframe the form posts there (web.embed_mode).
    app.register_blueprint(contact_views.bp, url_prefix="/embed", name=EMBED_LEADS_BLUEPRINT)
    app.register_blueprint(privacy.bp)  # the privacy notice, on the site only
    app.register_blueprint(api.bp)
    app.register_blueprint(integrations.bp)  # bookings coming back from the booking tools
    return app
