"""The lead page's plainest forms: change its status, add a note."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from staff.console.forms import note_text_field, status_field
from web.language import LocalizedForm


class StatusForm(LocalizedForm):
    status = status_field(_l("Change status to"))


class NoteForm(LocalizedForm):
    text = note_text_field(_l("Add a note"), id="note-text")
