"""The contact form's spam defences: a field people never see, and a time floor.

No CAPTCHA and no request to anyone else: the result page's form carries a
``website`` field (templates/leads/_contact_form.html) that is off-screen,
hidden from assistive technology and out of the tab order, labelled "Leave
this field empty" for the rare person who still meets it (CSS off). A
submission with it filled in is answered exactly like a stored request (so the
robot learns nothing), and nothing is stored or sent. Each one is announced on
``spam_caught``, which ops counts in its metrics; leads knows nothing of who
listens.

The trap is beaten by leaving it empty, so a request is also taken only
CONTACT_MIN_SECONDS after its questionnaire began (``too_quick``). The start is
sealed in the encrypted token when the check begins and kept on every step, so a
script cannot claim an earlier one; it can only wait, which makes each lead cost it
that long, while a person answering 21 questions is always slower; it needs no
JavaScript. A request that comes too soon stores and sends nothing and gets the
form again (422), with everything typed and a kind word, so a person (there
should never be one) sends it again a moment later. It counts in no limit.
"""

from __future__ import annotations

import logging
import time

from flask import current_app
from flask.signals import Namespace

from leads.forms import ContactForm
from questionnaire.service import FlowState

log = logging.getLogger(__name__)

_signals = Namespace()
#: Sent for every submission a defence caught, with ``trap="honeypot"`` or
#: ``trap="too_quick"``: nothing personal.
spam_caught = _signals.signal("contact-spam-caught")


def caught(form: ContactForm) -> bool:
    """Whether this submission filled in the trap; if so it is logged and announced."""
    if not (form.website.data or "").strip():
        return False
    log.info("a contact submission filled in the spam trap: nothing stored")
    spam_caught.send(None, trap="honeypot")
    return True


def too_quick(state: FlowState) -> bool:
    """Whether this questionnaire began less than CONTACT_MIN_SECONDS ago; if so, announced.

    ``started`` is whole seconds, so the time counted is at most a second more than the
    time taken: the floor holds to within that second.
    """
    floor = current_app.config["CONTACT_MIN_SECONDS"]
    taken = time.time() - (state.started or 0)
    if not floor or taken >= floor:
        return False
    log.info("a contact request %.1f s after its questionnaire began (floor %s s)", taken, floor)
    spam_caught.send(None, trap="too_quick")
    return True
