"""The scar-type cards in real Chromium: on a laptop, every card of a row is as tall as
the row, in English and in Spanish (whose longer words made them ragged); on a phone,
one card per row, its picture beside its words, nothing wider than the screen."""

from __future__ import annotations

import pytest

from tests.browser.pages import step

CARDS = ".options-pictures .option-label"
BOXES = """sel => [...document.querySelectorAll(sel)].map(card => {
  const box = card.getBoundingClientRect();
  const picture = card.querySelector('.picture').getBoundingClientRect();
  const words = card.querySelector('.option-text').getBoundingClientRect();
  return {x: box.x, y: box.y, width: box.width, height: box.height,
          picture: {x: picture.x, y: picture.y, right: picture.right, bottom: picture.bottom,
                    width: picture.width},
          words: {x: words.x, y: words.y}};
})"""


def cards_at(browser, live_server, lang: str, width: int, height: int) -> list[dict]:
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
    )
    page = context.new_page()
    step("scars")(page, live_server)
    assert page.locator("html").get_attribute("lang") == lang
    cards = page.evaluate(BOXES, CARDS)
    context.close()
    assert len(cards) == 5
    return cards


def rows(cards: list[dict]) -> list[list[dict]]:
    by_top: dict[int, list[dict]] = {}
    for card in cards:
        by_top.setdefault(round(card["y"]), []).append(card)
    return list(by_top.values())


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_cards_in_a_row_are_equally_tall_on_a_laptop(browser, live_server, lang):
    cards = cards_at(browser, live_server, lang, 1280, 800)
    laid_out = rows(cards)
    assert len(laid_out[0]) >= 3, "a laptop shows the cards side by side"
    for row in laid_out:
        heights = {round(card["height"]) for card in row}
        assert len(heights) == 1, f"cards of one row differ in height: {heights}"
        widths = {round(card["width"]) for card in row}
        assert len(widths) == 1
    # Equal cards: every card, in every row, as tall as the tallest.
    assert len({round(card["height"]) for card in cards}) == 1
    for card in cards:
        # The picture on top, the words below it.
        assert card["picture"]["bottom"] <= card["words"]["y"]
        assert card["picture"]["width"] >= 120


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_on_a_phone_each_card_fills_the_width_its_picture_beside_its_words(
    browser, live_server, lang
):
    cards = cards_at(browser, live_server, lang, 390, 844)
    assert all(len(row) == 1 for row in rows(cards))
    for card in cards:
        assert card["x"] >= 0 and card["x"] + card["width"] <= 390
        assert card["picture"]["right"] <= card["words"]["x"]
        assert card["picture"]["width"] >= 112  # big enough to read the cross-sections
    # Every picture the same size, so the scars compare at one scale.
    assert len({round(card["picture"]["width"]) for card in cards}) == 1
