"""Password hashing with Argon2id, a memory-hard scheme (argon2-cffi's tuned defaults),
and the check a new password must pass (zxcvbn's estimate of how guessable it is).

Under ``TESTING`` only, the hash is Argon2id at its lowest cost: the suite makes and
checks hundreds of passwords, and the scheme, format and checks stay the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

_STRONG = PasswordHasher()
_CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # TESTING only
# Verified against when an email is unknown, so a wrong email costs the same time.
_DUMMY_HASHES = {hasher: hasher.hash("not-a-real-password") for hasher in (_STRONG, _CHEAP)}

MIN_LENGTH = 12
#: zxcvbn's score from 0 (guessed at once) to 4; 3 is "safely unguessable" online.
MIN_SCORE = 3
#: Words anyone trying a clinic's console would try first.
CONTEXT_WORDS = ("clinic", "screening", "microneedling", "staff", "admin", "console")


def _hasher() -> PasswordHasher:
    testing = has_app_context() and current_app.config.get("TESTING")
    return _CHEAP if testing else _STRONG


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        return hasher.verify(stored_hash or _DUMMY_HASHES[hasher], password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


#: What is wrong with a refused password, said to whoever chose it.
PROBLEMS = {
    "short": _l("Use at least 12 characters."),
    "guessable": _l(
        "Choose a password that is harder to guess: not a common password, not a "
        "repeat or a sequence, and not your name or email. A few unrelated words work."
    ),
}


def password_problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """Why a new password is refused (a key of PROBLEMS), or None when it will do.

    ``personal`` holds what the account is known by (its email, its name): a
    password made of them is among the first an attacker tries.
    """
    if len(password) < MIN_LENGTH:
        return "short"
    from zxcvbn import zxcvbn  # its dictionaries take a moment to load: only when needed

    # zxcvbn refuses more than 72 characters; a longer password is judged by its start.

    words = [word for value in personal if value for word in (value, *value.split("@"))]
    if zxcvbn(password[:72], user_inputs=[*words, *CONTEXT_WORDS])["score"] < MIN_SCORE:
        return "guessable"
    return None
