"""The leads list pages by key (staff/leads/keyset.py): every lead exactly once, in order.

Leads stored in the same microsecond (an import, a burst of phone intakes) share a
key's time; the id breaks the tie, so walking "older" from the first page, or
"newer" back from the last, shows each lead once and none twice, in both orders
(received; due, where leads with no follow-up come last).
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from tests.factories import make_lead, staff_client

PER_PAGE = 4


def link(page: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return html.unescape(match.group(1)) if match else None


def ids_on(page: str) -> list[int]:
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    return [int(n) for n in re.findall(r'<a href="/staff/leads/(\d+)\?', table)] + [
        int(n) for n in re.findall(r'<a href="/staff/leads/(\d+)">', table)
    ]


def walk(client, start: str, rel: str) -> tuple[list[int], str]:
    """The ids of every page from ``start`` following ``rel`` links, and the last page's URL."""
    seen: list[int] = []
    url = start
    for _ in range(50):
        page = client.get(url).get_data(as_text=True)
        seen.extend(ids_on(page) if rel == "next" else ids_on(page)[::-1])
        following = link(page, rel)
        if following is None:
            return seen, url
        url = following
    raise AssertionError("the pages never ended")


@pytest.fixture
def crowded(app_factory):
    """23 leads in bursts of five sharing one created_at and one follow-up; some with none."""
    app = app_factory(LEADS_PER_PAGE=PER_PAGE)
    client = staff_client(app, "admin@clinic.test", "admin", name="Ada Admin")
    now = utcnow().replace(microsecond=0)
    for index in range(23):
        make_lead(
            app,
            direct=True,
            name=f"Person {index}",
            email=f"p{index}@example.com",
            created_at=now - timedelta(hours=index // 5),
            follow_up_at=None if index % 3 == 0 else now + timedelta(hours=index // 5),
        )
    return app, client


@pytest.mark.parametrize("sort", ["", "&sort=due"])
def test_paging_through_every_lead_shows_each_exactly_once_in_order(crowded, sort):
    app, client = crowded
    with app.app_context():
        if sort:
            order = (Lead.follow_up_at.asc().nulls_last(), Lead.id.asc())
        else:
            order = (Lead.created_at.desc(), Lead.id.desc())
        expected = list(db.session.scalars(select(Lead.id).order_by(*order)))
    forward, last = walk(client, f"/staff/leads?status=new{sort}", "next")
    assert forward == expected
    backward, first = walk(client, last, "prev")
    assert backward == expected[::-1]
    assert "status=new" in first  # the top reached: the first page, whole, no "newer"
    # Every link kept the filter and the order.
    assert "status=new" in last and ("sort=due" in last) == bool(sort)


@pytest.mark.parametrize("limit", [100, 10])
@pytest.mark.parametrize("sort", ["", "&sort=due"])
def test_a_search_pages_the_same_whether_it_finds_few_or_many(crowded, monkeypatch, sort, limit):
    """A search finding at most COUNT_LIMIT leads is paged from their ids (search.list_conditions),
    one finding more through the search's own conditions: the same pages, the same count."""
    import staff.leads.service

    app, client = crowded
    make_lead(app, direct=True, name="Someone Else", email="else@elsewhere.test")
    monkeypatch.setattr(staff.leads.service, "COUNT_LIMIT", limit)
    with app.app_context():
        if sort:
            order = (Lead.follow_up_at.asc().nulls_last(), Lead.id.asc())
        else:
            order = (Lead.created_at.desc(), Lead.id.desc())
        expected = list(
            db.session.scalars(select(Lead.id).where(Lead.name.like("Person%")).order_by(*order))
        )
    first_page = client.get(f"/staff/leads?q=PERSON{sort}").text
    assert ("23 leads" if limit == 100 else "More than 10 leads") in first_page
    forward, last = walk(client, f"/staff/leads?q=PERSON{sort}", "next")
    assert forward == expected
    backward, _first = walk(client, last, "prev")
    assert backward == expected[::-1]
    if sort:
        return  # a lead's place is in the order received (lead_navigation), whatever the sort
    twelfth = client.get(f"/staff/leads/{expected[11]}?q=PERSON").text
    if limit == 100:
        assert "Lead 12 of 23" in twelfth
    else:  # past the limit: no place given
        assert "lead-nav-position" not in twelfth
    assert 'rel="prev"' in twelfth and 'rel="next"' in twelfth


def test_the_list_counts_no_further_than_it_needs(crowded, monkeypatch):
    """Past COUNT_LIMIT the list says "more than", without counting every lead."""
    import staff.leads.service

    _app, client = crowded
    assert "23 leads" in client.get("/staff/leads").get_data(as_text=True)
    monkeypatch.setattr(staff.leads.service, "COUNT_LIMIT", 10)
    assert "More than 10 leads" in client.get("/staff/leads").get_data(as_text=True)


def test_a_key_that_does_not_read_is_the_first_page(crowded):
    _app, client = crowded
    for bad in ("x", "1.", ".1", "1.2.3", "-", "9" * 30 + ".1"):
        response = client.get(f"/staff/leads?after={bad}")
        assert response.status_code == 200, bad
        assert 'rel="prev"' not in response.get_data(as_text=True)


def calls_due(app, hours_ago):
    """An admin with one call due per entry of ``hours_ago``, its follow-up that long ago."""
    client = staff_client(app, "admin@clinic.test", "admin", name="Ada Admin")
    now = utcnow().replace(microsecond=0)
    for index, hours in enumerate(hours_ago):
        make_lead(
            app,
            direct=True,
            name=f"Caller {index}",
            email=f"c{index}@example.com",
            assigned_to_id=client.staff_id,
            follow_up_at=now - timedelta(hours=hours),
        )
    return app, client


def test_the_call_list_pages_by_key_in_due_order_each_call_once(app_factory):
    """Seven calls due, three sharing one due time, two a page: each once, oldest first."""
    app, client = calls_due(app_factory(LEADS_PER_PAGE=2), [3, 3, 3, 7, 6, 5, 4])
    with app.app_context():
        expected = list(
            db.session.scalars(select(Lead.id).order_by(Lead.follow_up_at.asc(), Lead.id.asc()))
        )
    seen, last = [], "/staff/calls"
    url = last
    while url:
        page = client.get(url).get_data(as_text=True)
        seen.extend(int(n) for n in re.findall(r'<a href="/staff/leads/(\d+)\?calls=mine">', page))
        last, url = url, link(page, "next")
    assert seen == expected
    assert "7 calls due" in client.get(last).get_data(as_text=True)


def test_the_views_and_a_leads_place_count_no_further_than_they_need(crowded, monkeypatch):
    """The views' counts and "Lead 3 of 17" stop at COUNT_LIMIT too: "10+", "of more than 10",
    and no place far down a long list (each count reads at most COUNT_LIMIT + 1 leads)."""
    import staff.leads.service

    app, client = crowded
    with app.app_context():
        newest, twelfth = db.session.scalars(
            select(Lead.id).order_by(Lead.created_at.desc(), Lead.id.desc())
        ).all()[0:12:11]
    assert 'Unassigned <span class="view-count">23</span>' in client.get("/staff/leads").text
    assert "Lead 12 of 23" in client.get(f"/staff/leads/{twelfth}").text

    monkeypatch.setattr(staff.leads.service, "COUNT_LIMIT", 10)
    assert 'Unassigned <span class="view-count">10+</span>' in client.get("/staff/leads").text
    assert "Lead 1 of more than 10" in client.get(f"/staff/leads/{newest}").text
    far_down = client.get(f"/staff/leads/{twelfth}").text
    assert "lead-nav-position" not in far_down
    assert 'rel="prev"' in far_down and 'rel="next"' in far_down  # still walkable


def test_my_calls_and_the_dashboard_count_no_further_than_they_need(app_factory, monkeypatch):
    """Twelve calls overdue: counted in full, then with the limit at 10 as "10+" and "more
    than 10" on the list's views, the call list and the dashboard."""
    import staff.leads.service

    _app, client = calls_due(app_factory(), range(1, 13))
    overdue = '<span class="count-number">12</span> <span>follow-ups overdue</span>'
    assert 'My calls <span class="view-count">12</span>' in client.get("/staff/leads").text
    assert "12 calls due" in client.get("/staff/calls").text
    assert overdue in client.get("/staff/dashboard").text

    monkeypatch.setattr(staff.leads.service, "COUNT_LIMIT", 10)
    assert 'My calls <span class="view-count">10+</span>' in client.get("/staff/leads").text
    assert "More than 10 calls due" in client.get("/staff/calls").text
    assert overdue.replace(">12<", ">10+<") in client.get("/staff/dashboard").text
