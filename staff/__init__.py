"""The staff console: sign-in, leads, phone intake, export, dashboard, audit and admin."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.extensions import csrf, login_manager


def init_app(app: Flask) -> None:
    from staff import (  # noqa: F401 - routes
        account_views,
        admin,
        api_tokens_views,
        appointment_views,
        auth,
        contact_views,
        dashboard,
        data_rights_cli,
        data_rights_views,
        embed_page,
        export_views,
        intake,
        lead_work_views,
        leads_views,
        rules_views,
        settings_views,
        sign_in_code,
        staff_edit,
        two_factor_cli,
        two_factor_views,
    )
    from staff.blueprint import bp
    from staff.cli import leads_cli, staff_cli
    from staff.rules_cli import rules_cli

    login_manager.init_app(app)
    login_manager.login_view = "staff.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(staff_cli)
    app.cli.add_command(leads_cli)
    app.cli.add_command(rules_cli)
