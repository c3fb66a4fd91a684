"""The open data files: read-only, open to any site's scripts, cached and invalidated like the pages."""

import csv
import io
import json
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.views import View

from residency.views import PublicPageMixin

from . import data

SCHEMA = Path(__file__).resolve().parent / "schema.json"


class DataFileMixin(PublicPageMixin):
    """A data file, not a page: cached like one, left out of the page list, readable from any origin."""

    listed = False
    content_type = None

    def get(self, request, **kwargs):
        response = HttpResponse(self.render(**kwargs), content_type=self.content_type)
        # Public, read-only data: any site's scripts may read it (no cookies are involved).
        response["Access-Control-Allow-Origin"] = "*"
        return response


class JSONDataView(DataFileMixin, View):
    content_type = "application/json"

    def render(self):
        built = data.build(data.current_cycle(), data.TABLES)
        document = {
            "$schema": settings.SITE_URL + "/data/schema.json",
            "source": settings.SITE_URL + "/",
            **built.about,
            **{name.replace("-", "_"): rows for name, rows in built.tables.items()},
        }
        return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"


# A cell a spreadsheet would read as a formula (or a formula after a tab or carriage return) starts with
# one of these; OWASP's "CSV Injection" says to put a single quote before it and quote every cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CSVDataView(DataFileMixin, View):
    """
    One table as CSV; each row names the cycle, its state and when the content last changed. Text never runs as a
    formula.
    """

    content_type = "text/csv; charset=utf-8"
    table = None

    def render(self):
        built = data.build(data.current_cycle(), [self.table])
        rows, about = built.tables[self.table], built.about
        out = io.StringIO()
        fields = [*(rows[0] if rows else {}), *about]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        for row in rows:
            writer.writerow({**_cells(row), **_cells(about)})
        return out.getvalue()


def _cells(row):
    """CSV cells: dates and times in ISO 8601, lists joined with spaces, nothing for None, text never a formula."""
    return {
        key: _text(" ".join(value))
        if isinstance(value, list)
        else (value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else _text(value)))
        for key, value in row.items()
    }


def _text(value):
    """Text as typed, with a single quote before it when a spreadsheet would run it; numbers are left alone."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


class SchemaView(DataFileMixin, View):
    content_type = "application/schema+json"

    def render(self):
        return SCHEMA.read_text()
