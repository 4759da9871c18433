"""The clinic's settings page (admins): the settings kept in core/clinic_settings.py.

Every change is written to the audit log with who made it, as data the log
turns into a sentence (``{"setting", "from", "to"}``: a setting is no personal
data); a setting sent unchanged writes nothing. The form is checked whole
before anything is saved, so a wrong value saves none of the others.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from core import clinic_settings, clinic_time
from core.extensions import db
from staff.clinic.settings_forms import COMMON_ZONES, TEXT_LABELS, SettingsForm
from staff.console.audit import record
from staff.console.blueprint import admin_required, bp
from staff.console.labels import FLAG_AUDIT_WORDS, FLAG_LABELS


def _saved_text() -> dict[str, str]:
    """The text settings as the clinic uses them now (the zone: the setting, else the config)."""
    saved = {key: clinic_settings.text(key) for key in TEXT_LABELS}
    saved["time_zone"] = clinic_time.zone_name()
    return saved


def _posted(saved: dict[str, str]) -> MultiDict:
    """The posted form, with each text setting it leaves out kept at its saved value."""
    posted = MultiDict(request.form)
    for key, value in saved.items():
        if key not in posted:
            posted[key] = value
    return posted


def _save_flags(form: SettingsForm) -> None:
    for key, words in FLAG_AUDIT_WORDS.items():
        value = bool(form[key].data)
        before = clinic_settings.flag(key)
        if clinic_settings.set_flag(key, value, by=current_user.id):
            record(
                "settings_change",
                detail=f"{'on' if value else 'off'}: {words}",
                data={"setting": key, "from": before, "to": value},
            )


def _save_text(form: SettingsForm, saved: dict[str, str]) -> None:
    for key in TEXT_LABELS:
        value = form[key].data
        if value == saved[key]:
            continue  # the time zone too: the deployment's zone, kept, is not a change
        clinic_settings.set_text(key, value, by=current_user.id)
        record(
            "settings_change",
            detail=f"{key}: {saved[key] or '(none)'} -> {value or '(none)'}",
            data={"setting": key, "from": saved[key], "to": value},
        )


@bp.route("/admin/settings", methods=["GET", "POST"])
@admin_required
def clinic_settings_page():
    saved = _saved_text()
    flags = {key: clinic_settings.flag(key) for key in FLAG_LABELS}
    if request.method == "POST":
        form = SettingsForm(formdata=_posted(saved))
    else:
        form = SettingsForm(data={**flags, **saved})
    if form.validate_on_submit():
        _save_flags(form)
        _save_text(form, saved)
        db.session.commit()
        clinic_time.forget()
        flash(_("Settings saved."))
        return redirect(url_for(".clinic_settings_page"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "staff/clinic/settings.html",
        form=form,
        zone=saved["time_zone"],
        clinic_now=clinic_time.clinic_now(),
        common_zones=COMMON_ZONES,
    ), status
