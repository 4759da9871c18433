"""The staff list says who has two-factor sign-in on (and since when), so an admin sees
at a glance who still signs in with a password alone."""

from __future__ import annotations

import re
from html import unescape

from tests.factories import make_staff, staff_client
from tests.staff.accounts_support import ADMIN
from tests.two_factor_support import enrol


def _two_factor_cells(html: str) -> dict[str, str]:
    """Each row's email and its two-factor cell (the fifth), as text."""
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>(.*?)</tr>", html, re.S)
    cells = {}
    for email, rest in rows:
        tds = re.findall(r"<td>(.*?)</td>", rest, re.S)
        cells[email] = re.sub(r"<[^>]+>", "", tds[3]).strip()
    return cells


def test_the_staff_list_has_a_two_factor_column(app_factory):
    app = app_factory()
    make_staff(app, "on@clinic.test", name="Ona On")
    make_staff(app, "off@clinic.test", name="Otto Off")
    enrol(app, "on@clinic.test")
    admin = staff_client(app, ADMIN, role="admin")
    html = unescape(admin.get("/staff/admin/staff").get_data(as_text=True))
    assert '<th scope="col">Two-factor sign-in</th>' in html
    cells = _two_factor_cells(html)
    assert cells["on@clinic.test"].startswith("On since")
    assert cells["off@clinic.test"] == "Off"
    spanish = unescape(
        admin.get("/staff/admin/staff", headers={"Accept-Language": "es"}).get_data(as_text=True)
    )
    assert _two_factor_cells(spanish)["off@clinic.test"] == "Desactivada"
