"""The scar-type pictures: each type drawn in cross-section on three skin tones across the
Fitzpatrick range, a picture of its own, small, drawn here (nothing fetched), and hidden
from screen readers inside its labelled card, whose text describes the shape."""

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
    assert 'aria-hidden="true"' in svg
    # Nothing from another host, no script, no raster image.
    for forbidden in ("http://", "https://", "<script", "<image", "<foreignObject"):
        assert forbidden not in svg
    # One drawing of the skin in cross-section, shown on a light, a medium and a dark tone
    # (the skin is the <use>'s colour: app.css's .tone-*), not three copies of its shapes.
    assert svg.count("<symbol ") == 1
    for tone in ("tone-light", "tone-medium", "tone-dark"):
        assert svg.count(f'class="{tone}"') == 1, tone
    assert 'fill="currentColor"' in svg
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
        assert f'<span class="option-name">{choice.patient_label}</span>' in card
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an id appears twice on the page"


def test_ice_pick_is_a_narrow_deep_v_the_others_are_not():
    """Ice pick scars are narrow tracts that go deep: in cross-section a V far deeper than
    its opening is wide (a boxcar's dent is wider than deep, a rolling one shallow)."""

    def cut(picture: str) -> tuple[float, float]:
        """The opening's width and the depth of the skin's outline below its surface."""
        svg = (ILLUSTRATIONS / f"{picture}.svg").read_text()
        outline = re.search(r'<path d="([^"]+)" class="scar-edge" fill="#fff"', svg).group(1)
        points, x, y = [], 0.0, 0.0
        for command, numbers in re.findall(r"([MLHVC])([^MLHVC]*)", outline):
            values = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
            if command == "H":
                x = values[-1]
            elif command == "V":
                y = values[-1]
            if command in "MLC":
                points += list(zip(values[0::2], values[1::2], strict=True))
            else:
                points.append((x, y))
            x, y = points[-1]
        surface = points[0][1]
        below = [i for i, (_, py) in enumerate(points) if py > surface]
        opening = points[below[-1] + 1][0] - points[below[0] - 1][0]
        return opening, max(py for _, py in points) - surface

    width, depth = cut("ice_pick")
    assert depth >= 5 * width  # narrow and deep
    for other in ("boxcar", "rolling"):
        other_width, other_depth = cut(other)
        assert other_depth < other_width and other_depth < depth / 2, other
