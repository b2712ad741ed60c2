"""Spreadsheet exports that are safe to open: no cell a spreadsheet would run as a formula, and
CSV that Excel opens as UTF-8 (Arabic included)."""

import re

# A cell starting with one of these is read as a formula (or, with a tab or carriage return in
# front, still reaches the formula parser in some spreadsheets). OWASP's advice: quote it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number (a phone in E.164, a negative amount) is read as that number and runs
# nothing: it stays as written, so staff still see +966551234567.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 .]*")
BOM = "\ufeff"


def neutralise(value):
    """The value, with a leading apostrophe when a spreadsheet would take it for a formula.
    Numbers are left alone: only text an applicant typed can carry a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    """For Wagtail's SpreadsheetExportMixin (list_export on index views): neutralised CSV cells
    and a byte-order mark first. XLSX cells are already written as text, never as formulas."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: neutralise(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    def stream_csv(self, queryset):
        yield BOM
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response
