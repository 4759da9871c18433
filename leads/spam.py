"""The contact form's spam trap: a field people never see, that form-filling robots fill in.

No CAPTCHA and no request to anyone else: the result page's form carries a
``website`` field (templates/leads/_contact_form.html) that is off-screen,
hidden from assistive technology and out of the tab order, labelled "Leave
this field empty" for the rare person who still meets it (CSS off). A
submission with it filled in is answered exactly like a stored request (so the
robot learns nothing), and nothing is stored or sent. Each one is announced on
``spam_caught``, which ops counts in its metrics; leads knows nothing of who
listens.
"""

from __future__ import annotations

import logging

from flask.signals import Namespace

from leads.forms import ContactForm

log = logging.getLogger(__name__)

_signals = Namespace()
#: Sent for every submission the trap caught, with ``trap="honeypot"``: nothing personal.
spam_caught = _signals.signal("contact-spam-caught")


def caught(form: ContactForm) -> bool:
    """Whether this submission filled in the trap; if so it is logged and announced."""
    if not (form.website.data or "").strip():
        return False
    log.info("a contact submission filled in the spam trap: nothing stored")
    spam_caught.send(None, trap="honeypot")
    return True
