"""The staff console, by area (docs/architecture.md has the map).

- ``console/``: the shared pieces every area stands on (blueprint, who may see what,
  lookups, labels, the confirm page, the audit log's writer and sentences);
- ``accounts/``, ``leads/``, ``rulebook/``, ``clinic/``, ``dashboard/``: the areas,
  each with its views, forms and services together;
- ``models.py``: the staff tables.

Every area registers its routes on the one blueprint, ``staff`` (``console/blueprint.py``),
so endpoints are ``staff.<view>`` whichever area answers.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.extensions import csrf, login_manager


def init_app(app: Flask) -> None:
    # Importing a views module registers its routes. The order is the order of the
    # blueprint's before-request checks: sign-in (console.blueprint), then choosing one's
    # own password (own_account_views), then two-factor (two_factor_views).
    from staff.accounts import (  # noqa: F401 - routes
        own_account_views,
        sign_in,
        sign_in_code,
        staff_edit_views,
        staff_views,
        two_factor_views,
    )
    from staff.accounts.cli import staff_cli
    from staff.clinic import (  # noqa: F401 - routes
        api_tokens_views,
        audit_views,
        data_rights_views,
        embed_views,
        settings_views,
    )
    from staff.clinic.data_rights_cli import leads_cli
    from staff.console.blueprint import bp
    from staff.dashboard import views as dashboard_views  # noqa: F401 - routes
    from staff.leads import (  # noqa: F401 - routes
        appointment_views,
        booking_views,
        call_views,
        contact_views,
        export_job_views,
        export_views,
        intake_views,
        lead_views,
        list_views,
        merge_views,
        merged_views,
        work_views,
    )
    from staff.leads.export_cli import exports_cli
    from staff.rulebook import draft_views as rulebook_draft_views  # noqa: F401 - routes
    from staff.rulebook import views as rulebook_views  # noqa: F401 - routes
    from staff.rulebook.cli import rules_cli
    from staff.verdicts import (  # noqa: F401 - routes, and the missed-concern email
        emails,
        scorecard_views,
        views,
    )
    from staff.verdicts.cli import verdicts_cli

    login_manager.init_app(app)
    login_manager.login_view = "staff.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(staff_cli)
    app.cli.add_command(leads_cli)
    app.cli.add_command(exports_cli)
    app.cli.add_command(rules_cli)
    app.cli.add_command(verdicts_cli)
