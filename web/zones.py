"""Which part of the site a request is in, decided in one place from its path.

The security headers, the error pages and the framing policy each answer
differently for the JSON API, the staff console and the public check; they ask
here rather than each matching URL prefixes of their own.
"""

from __future__ import annotations

API_PREFIX = "/api/"
CONSOLE_PREFIX = "/staff/"
EMBED_PREFIX = "/embed/"
#: Public pages whose addresses carry a person's sealed answers.
ANSWER_PAGE_PREFIXES = ("/check/", "/embed/check/")
#: Never framed, whatever the request carries ("/staff" itself included).
NEVER_FRAMED_PREFIXES = (API_PREFIX, "/staff")


def is_api(path: str) -> bool:
    """The JSON API: errors in the contract's JSON shape."""
    return path.startswith(API_PREFIX)


def is_console(path: str) -> bool:
    """The staff console: refusals shown inside it, referrer sent to itself."""
    return path.startswith(CONSOLE_PREFIX)


def is_embed(path: str) -> bool:
    """The questionnaire inside a clinic's iframe."""
    return path.startswith(EMBED_PREFIX)


def carries_answers(path: str) -> bool:
    """A page whose URL or form holds health answers: never kept by a shared cache."""
    return path.startswith(ANSWER_PAGE_PREFIXES)


def never_framed(path: str) -> bool:
    """The API and the console may never be shown inside another site's page."""
    return path.startswith(NEVER_FRAMED_PREFIXES)
