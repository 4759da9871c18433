"""The list to work from (issue 28): ten or more leads in a laptop's first screen, no word split.

At 1366x768 a coordinator sees at least ten rows whole without scrolling, each one
line (result, status, assignee, due); a long address or name is cut short with an
ellipsis (whole in its title), and no cell breaks a word in the middle ("Unassigne|d",
"admin@cl|inic.example"): every word of every cell's text lies on one line box.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app import create_app
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from tests.factories import PASSWORD, make_lead, make_staff

LONG_EMAIL = "maria.fernanda.de.los.angeles.gutierrez-villanueva@very-long-clinic-domain.example"

#: For every word of every cell's text, whether its letters sit on more than one line.
SPLIT_WORDS_JS = """
() => {
  const split = [];
  for (const cell of document.querySelectorAll('table.leads-list td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g;
      let match;
      while ((match = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const boxes = [...range.getClientRects()].filter(r => r.width > 0);
        const tops = new Set(boxes.map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}
"""

#: How many rows of the list lie wholly inside the viewport, and how tall each is.
ROWS_JS = """
() => [...document.querySelectorAll('table.leads-list tbody tr')].map(row => {
  const box = row.getBoundingClientRect();
  return [box.top >= 0 && box.bottom <= window.innerHeight, Math.round(box.height)];
})
"""


@pytest.fixture
def busy_server(tmp_path, live_server_class):
    """Thirty leads, one with a very long address and one assigned to a long-named colleague."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-first-screen-key"}, instance_path=str(tmp_path)
    )
    make_staff(app, "cora@example.com", name="Cora Coordinator")
    colleague = make_staff(
        app, "administrator.of.the.clinic@clinic.example", name="Maximiliana Wolfeschlegel"
    )
    now = utcnow()
    for index in range(30):
        lead_id = make_lead(
            app,
            name=f"Person {index} Example",
            email=LONG_EMAIL if index == 0 else f"person{index}@example.com",
            created_at=now - timedelta(hours=index),
        )
        with app.app_context():
            db.session.execute(
                update(Lead)
                .where(Lead.id == lead_id)
                .values(
                    follow_up_at=now + timedelta(hours=index - 5) if index % 2 else None,
                    assigned_to_id=colleague if index % 3 == 0 else None,
                )
            )
            db.session.commit()
    with live_server_class(app) as server:
        yield server


@pytest.mark.browser
@pytest.mark.parametrize("sort", ["", "?sort=due"])
def test_ten_rows_fit_the_first_screen_of_a_laptop_and_no_word_is_split(
    browser, busy_server, artifacts, sort
):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(busy_server.url + "/staff/leads")
    page.get_by_label("Email").fill("cora@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(busy_server.url + "/staff/leads" + sort)
    page.wait_for_selector("table.leads-list")
    page.screenshot(path=artifacts / f"leads-first-screen{sort.replace('?', '-')}.png")
    rows = page.evaluate(ROWS_JS)
    visible = sum(1 for whole, _height in rows if whole)
    assert visible >= 10, rows
    assert page.evaluate(SPLIT_WORDS_JS) == []
    # The long address is cut short, never lost: whole in the text and its title.
    if not sort:
        cell = page.locator("table.leads-list td", has_text=LONG_EMAIL).first
        assert cell.locator(f'[title="{LONG_EMAIL}"]').count() == 1
    context.close()
