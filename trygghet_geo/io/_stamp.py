"""The manifest sheet and the reproducible dates of every XLSX the toolkit writes.

:func:`finish_xlsx` runs after a workbook is written (by :mod:`._write` or pandas): it adds the run's manifest
as a sheet of its own (key, value; the whole JSON in the row ``manifest.json``, which
:func:`manifest_from_xlsx` reads back), every cell cleaned and escaped by the one writer, and dates the file's
zip entries and document times at the run's start (:func:`reproducible_zip`), since openpyxl writes the time
of saving there. With ``SOURCE_DATE_EPOCH`` set, the same workbook is the same bytes. A DOCX is a zip of the
same kind; :func:`reproducible_zip` serves it too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["JSON_KEY", "finish_xlsx", "manifest_from_xlsx", "reproducible_zip"]

JSON_KEY = "manifest.json"


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, Mapping):
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out.extend(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return [row for i, item in enumerate(value) for row in _flatten(item, f"{prefix}[{i}]")]
    if isinstance(value, list):
        return [(prefix, json.dumps(value, ensure_ascii=False))]
    return [(prefix, value)]


def finish_xlsx(path: str | Path, manifest: Mapping[str, Any] | None, *, lang: str | None = None) -> Path:
    """Add the manifest sheet to an XLSX file (when given a manifest) and set its times to the run's start.

    Cells are cleaned, cut and escaped as every XLSX cell is (:func:`trygghet_geo.io._write.xlsx_ready`): the
    manifest holds the user's title, which may carry characters a workbook cannot hold.
    """
    import openpyxl
    import pandas as pd

    from trygghet_geo._text import text
    from trygghet_geo.io._write import xlsx_ready
    from trygghet_geo.manifest import manifest_json, run_start

    path = Path(path)
    if manifest:
        rows = [*_flatten(manifest), (JSON_KEY, manifest_json(manifest, indent=None))]
        columns = [text("about.key", lang), text("about.value", lang)]
        table = xlsx_ready(pd.DataFrame(rows, columns=columns).astype(object))
        book = openpyxl.load_workbook(path)
        sheet = book.create_sheet(text("about.sheet", lang)[:31])
        sheet.append(list(table.columns))
        for key, value in table.itertuples(index=False):
            sheet.append(
                [key, value if value is None or isinstance(value, bool | int | float) else str(value)]
            )
        from trygghet_geo._atomic import replacing

        with replacing(path) as temporary:
            book.save(temporary)
    return reproducible_zip(path, run_start(manifest))


def manifest_from_xlsx(path: str | Path) -> dict[str, Any] | None:
    """The manifest kept in an XLSX file's manifest sheet, or None."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                if row and row[0] == JSON_KEY and isinstance(row[1], str):
                    return dict(json.loads(row[1]))
    finally:
        book.close()
    return None


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_zip(path: str | Path, when: dt.datetime) -> Path:
    """Rewrite a zip container (XLSX, DOCX) with every entry dated ``when`` and its document times set to it.

    openpyxl stamps the moment of saving into each zip entry and into ``docProps/core.xml``; nothing else in
    the file depends on the clock. Entries keep their order and content; the compression is deflate at
    zlib's default level, so the same content gives the same bytes.
    """
    path = Path(path)
    when = max(
        when.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
    )  # the zip format starts in 1980
    stamp = when.timetuple()[:6]
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(lambda m: m.group(1) + iso + m.group(3), data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            zout.writestr(entry, data)
    from trygghet_geo._atomic import write_bytes

    write_bytes(path, buffer.getvalue())  # whole or not at all
    return path
