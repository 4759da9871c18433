"""The one "are you sure?" page: a second step before something that cannot be undone
(removing an account, resetting a colleague's two-factor sign-in, revoking an API token,
deleting a lead, cancelling an appointment)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template


def confirm_page(
    *,
    title: str,
    paragraphs: Iterable[str],
    action: str,
    confirm_label: str,
    cancel_url: str,
    status: int = 200,
):
    """The page asking to confirm: ``title`` as its heading, ``paragraphs`` saying what
    will happen, a button (``confirm_label``) posting to ``action``, and a way back
    (``cancel_url``) that changes nothing."""
    return render_template(
        "staff/console/confirm.html",
        title=title,
        paragraphs=list(paragraphs),
        action=action,
        confirm_label=confirm_label,
        cancel_url=cancel_url,
    ), status
