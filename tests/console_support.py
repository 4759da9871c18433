"""The contact form as a person fills it in, for the leads and console tests."""

from __future__ import annotations

from tests.support import BY_OUTCOME

CONTACT = {
    "name": "Zoë Example",
    "email": "zoe@example.com",
    "phone": "+44 20 7946 0958",
    "contact_time": "morning",
    "message": "Evenings are hard for me.",
    "consent": "y",
}


def submit_contact(client, walker, outcome="book_consultation", **fields):
    """Complete a questionnaire and post the contact form; returns (response, token)."""
    from tests.support import token_of

    result_url = walker.complete(BY_OUTCOME[outcome])
    token = token_of(result_url)
    response = client.post("/check/contact", data={"s": token, **CONTACT, **fields})
    return response, token
