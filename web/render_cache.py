"""Every in-process render cache, in one module and behind one switch.

Each cache here holds derived data only: bounded, made from code and the
request's language or answers, never needed by another worker, so web workers
stay stateless. ``RENDER_CACHE`` (default on) turns all of them off at once;
the test suite renders pages both ways, for random answers, languages and
modes, and requires them to be identical (tests/web/test_render_caches.py).

What is kept, and why (each was most of a page's time, profiled with
bench/profile_pages.py):

- **Pages** (``page``): two people who see the same step with the same answers
  on it, in the same language, mode and address, see the same page but for one
  thing: their sealed token (in the form, the Back link and the language links;
  the flow id inside it is never shown). So a page is rendered once with a
  placeholder where the token goes, kept under everything else it depends on
  (the key, built by the view from what the templates read), and each request
  only seals its token and puts it in. Only pages without errors are kept.
- **Kept values** (``kept``), in named stores: a question's HTML block per
  language and answer; the catalogue's texts resolved in one language; a form
  class per set of questions; the blank contact form's fields per language; a
  static file's hashed address. Each store drops its least recently used entry.
- **Catalogues** (``locale``, ``wtforms_catalogue``): a parsed Babel locale, and
  WTForms' own message catalogue, which Flask-WTF would read from disk on
  every request (a third of a result page).
"""

from __future__ import annotations

import functools
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from babel import Locale, support
from flask import Flask, current_app, has_app_context, request
from flask_babel import get_locale
from wtforms.i18n import messages_path

from web.embed_mode import current_embed

V = TypeVar("V")

MAX_PAGES = 256  # a page is 10 to 25 KB: a few MB per worker at most
#: Entries per store of ``kept``; a store not named here keeps DEFAULT_STORE_SIZE.
STORE_SIZES = {"question_blocks": 4096}
DEFAULT_STORE_SIZE = 512

#: Stands for the token while a page is drawn. Letters and digits only, like the
#: token itself (see StateCodec.dumps), so it is written the same in URLs and HTML.
TOKEN_SLOT = "tokenslot" + secrets.token_hex(16)
TOKEN_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


class LeastRecentlyUsed(Generic[V]):
    """At most ``size`` values by key; the least recently used goes first. Thread-safe."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value under ``key``; ``make()`` (outside the lock) when there is none."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


class RenderedPages:
    """The most recently used pages, by key."""

    def __init__(self, max_pages: int = MAX_PAGES) -> None:
        self._pages: LeastRecentlyUsed[str] = LeastRecentlyUsed(max_pages)

    def page(self, key: Hashable, token: str, render: Callable[[str], str]) -> str:
        """The page under ``key`` with ``token`` in it; ``render(slot)`` draws it when missing.

        The token goes in unescaped, so only a token of the sealed alphabet is accepted.
        """
        if not TOKEN_ALPHABET.fullmatch(token):
            raise ValueError("not a sealed token")
        html = self._pages.get_or_make(key, lambda: render(TOKEN_SLOT))
        return html.replace(TOKEN_SLOT, token)


class RenderCaches:
    """One app's caches: its pages and its named stores."""

    def __init__(self) -> None:
        self.pages = RenderedPages()
        self._stores: dict[str, LeastRecentlyUsed[Any]] = {}
        self._lock = threading.Lock()

    def store(self, name: str) -> LeastRecentlyUsed[Any]:
        with self._lock:
            found = self._stores.get(name)
            if found is None:
                size = STORE_SIZES.get(name, DEFAULT_STORE_SIZE)
                found = self._stores[name] = LeastRecentlyUsed(size)
            return found


def _caches() -> RenderCaches | None:
    """This app's caches, or None when RENDER_CACHE is off (or outside an app)."""
    if not has_app_context():
        return None
    return current_app.extensions.get("render_cache")


def enabled(app: Flask) -> bool:
    return "render_cache" in app.extensions


def vary_pages_on(app: Flask, variant: Callable[[], Hashable]) -> None:
    """Pages also depend on ``variant()`` (a layer above: whether the rules are signed)."""
    app.extensions.setdefault("page_variants", []).append(variant)


def request_key(*content: Any) -> tuple[Hashable, ...]:
    """What every page depends on besides its content: address, query, language and mode,
    and each variant registered with ``vary_pages_on``."""
    embed = current_embed()
    return (
        tuple(variant() for variant in current_app.extensions.get("page_variants", ())),
        request.script_root,
        request.path,
        tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "s")),
        str(get_locale()),
        tuple(sorted(embed.as_values().items())) if embed else None,
        *content,
    )


def page(key: Hashable, token: str, render: Callable[[str], str]) -> str:
    """This app's page under ``key`` (see RenderedPages.page); drawn afresh when off."""
    caches = _caches()
    if caches is None:
        return render(token)
    return caches.pages.page(key, token, render)


def kept(store: str, key: Hashable, make: Callable[[], V]) -> V:
    """The value under ``key`` in the named store, ``make()`` when missing (always when off)."""
    caches = _caches()
    if caches is None:
        return make()
    return caches.store(store).get_or_make(key, make)


@functools.lru_cache(maxsize=16)
def _parsed_locale(code: str) -> Locale:
    return Locale.parse(code)


def locale(code: str) -> Locale:
    """A parsed locale: Flask-Babel takes a Locale as it is, but parses a string each time."""
    return _parsed_locale(code) if _caches() is not None else Locale.parse(code)


@functools.lru_cache(maxsize=16)
def _wtforms_catalogue(language: str) -> support.Translations:
    return support.Translations.load(messages_path(), [language], domain="wtforms")


def wtforms_catalogue(language: str) -> support.Translations:
    """WTForms' built-in messages in ``language``; they never change while the app runs."""
    if _caches() is None:
        return support.Translations.load(messages_path(), [language], domain="wtforms")
    return _wtforms_catalogue(language)


def init_app(app: Flask) -> None:
    if app.config.get("RENDER_CACHE", True):
        app.extensions["render_cache"] = RenderCaches()
