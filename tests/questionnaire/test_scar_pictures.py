"""The scar-type pictures: each type drawn as it looks on the skin, a picture of its own,
small, drawn here (nothing fetched), and hidden from screen readers inside its labelled
card, whose text says what the picture shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaire.catalogue import QUESTIONS
from tests.support import REPO_ROOT, Walker

ILLUSTRATIONS = REPO_ROOT / "templates" / "illustrations"
SCAR_TYPES = next(q for q in QUESTIONS if q.id == "scar_types")
PICTURED = [choice for choice in SCAR_TYPES.choices if choice.picture]


def test_every_scar_type_has_a_picture_of_its_own():
    assert [choice.picture for choice in PICTURED] == [
        "boxcar",
        "ice_pick",
        "rolling",
        "raised",
        "unsure",
    ]
    drawings = [(ILLUSTRATIONS / f"{c.picture}.svg").read_text() for c in PICTURED]
    # Each drawn differently: no two pictures share their shapes (the patch of skin aside).
    shapes = [frozenset(re.findall(r"<(?:path|circle|ellipse|use)\b[^>]*>", d)) for d in drawings]
    for i, one in enumerate(shapes):
        for other in shapes[i + 1 :]:
            assert one and not one & other


@pytest.mark.parametrize("picture", [c.picture for c in PICTURED])
def test_a_picture_is_small_self_contained_and_decorative(picture):
    svg = Path(ILLUSTRATIONS / f"{picture}.svg").read_text()
    assert len(svg.encode()) < 3000  # a few KB at most: five on one phone page
    assert 'aria-hidden="true"' in svg and 'focusable="false"' in svg
    # Nothing from another host, no script, no raster image.
    for forbidden in ("http://", "https://", "<script", "<image", "<foreignObject"):
        assert forbidden not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # The skin's surface seen from the front: a patch of skin, not a bare cross-section.
    assert re.search(r'<rect x="1" y="1" width="118" height="78" rx="8" fill="#e6b898"', svg)
    # Ids are the picture's own, so five pictures on one page never clash.
    for id_ in re.findall(r'id="([^"]+)"', svg):
        assert id_.startswith(f"scar-{picture.replace('_', '-')}-")


def test_the_scars_step_shows_each_picture_once_inside_its_labelled_card(client):
    page = client.get(Walker(client).start()).get_data(as_text=True)
    cards = re.findall(
        r'<label class="option-label" for="scar_types-\d">\s*<span class="picture">(.*?)</label>',
        page,
        re.S,
    )
    assert len(cards) == len(PICTURED)
    for choice, card in zip(PICTURED, cards, strict=True):
        drawing = (ILLUSTRATIONS / f"{choice.picture}.svg").read_text().strip()
        assert drawing in card
        assert f'<span class="option-name">{choice.label}</span>' in card
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an id appears twice on the page"
