"""A second generated corpus of hostile inputs for the readers: fresh variants built by rule, not the cases
of ``reader_corpus.py``.

Each family combines parts (a quote form, where it sits, the delimiter, the encoding, the line end, a title
block, a header spelling, a coordinate or date form, a workbook trick, a JSON structure) from a seed. A
:class:`~reader_corpus.Case` knows the records it wrote (``rows``), or that a clear
:class:`~trygghet_geo.errors.TrygghetError` naming the file is the right answer (``rows is None``), and may
carry a check of the values (a swapped coordinate never accepted as located elsewhere, a date read as
written). For delimited text that Python's :mod:`csv` reads as its writer meant (every quote balanced, no
bare carriage return inside a cell), :attr:`Case.check` also compares every cell with :mod:`csv`'s reading
of the same bytes.

Run it with::

    PYTHONPATH=. python -m pytest -q -p no:cacheprovider tests/hostile/test_read_fuzz2.py
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from reader_corpus import _NS, Case, _file, _frame, _sheet, xlsx_parts, zip_file

DELIMS = (";", ",", "\t", "|")
ENDS = ("\n", "\r\n", "\r")
HEADER = ["Id", "Datum", "Plats", "Kategori", "Anteckning"]
STREETS = ("Ågatan", "Storgatan", "Östra Långgatan", "Kyrkogatan", "Järnvägsgatan")
NOTES = ("mörkt vid porten", "trasig lampa", "klotter på väggen", "buskar skymmer", "ungdomar samlas")


# --- delimited text ----------------------------------------------------------------------------------------
def _rows(rng: random.Random, n: int) -> list[list[str]]:
    return [
        [
            f"r{i}",
            f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            f"{rng.choice(STREETS)} {i + 1}",
            "Belysning",
            rng.choice(NOTES),
        ]
        for i in range(n)
    ]


def _quote(cell: str, delim: str) -> str:
    if delim in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _line(cells: list[str], delim: str) -> str:
    return delim.join(_quote(c, delim) for c in cells)


def csv_reading(data: bytes, enc: str, delim: str) -> list[list[str]]:
    """What Python's :mod:`csv` reads from the bytes, blank records left out (the ground truth)."""
    text = data.decode(enc)
    text = text.removeprefix("\ufeff")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    return [r for r in rows if any(c.strip() for c in r)]


def _same_as_csv(data: bytes, enc: str, delim: str) -> Callable[[Any], None]:
    expected = csv_reading(data, enc, delim)

    def check(result: Any) -> None:
        header, body = expected[0], expected[1:]
        got = result[header].astype(object).where(result[header].notna(), "").to_numpy().tolist()
        assert got == body, [(g, b) for g, b in zip(got, body, strict=True) if g != b][:3]

    return check


def _ids_in_order(n: int, extra: Callable[[Any], None] | None = None) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert result["Id"].tolist() == [f"r{i}" for i in range(n)], result["Id"].tolist()[:12]
        if extra is not None:
            extra(result)

    return check


# Quote forms a hand or a careless program writes inside one cell (the writer does not quote it).
# Each: (name, cell text, whether Python's csv reads it as meant when written raw).
QUOTE_FORMS: tuple[tuple[str, str, bool], ...] = (
    ("mid-field", 'skärm 24" bred', True),
    ("doubled unquoted", 'sa ""hej"" där', True),
    ("quote before delimiter", 'Storgatan 3"', True),
    ("backslash escaped", '"sa \\"hej\\" där"', False),
    ("tripled", '"""citat"""', True),
    ("opens, closes, text after", '"ab"cd', False),
    ("opens, never closes", '"24 tum skärm', False),
    ("opens with delimiter inside, never closes", '"Storgatan 1{d} Malmö', False),
    ("single quotes around a delimiter", "'citat{d} här'", False),
    ("mixed quote chars", "\"citat' här", False),
    ("legit two lines", '"rad ett\nrad två"', True),
    ("legit two lines with delimiter", '"rad ett{d} x\nrad två"', True),
)


def quote_cases(rng: random.Random) -> list[Case]:
    """Every quote form × position (first row, middle, second last, last) × delimiter, with a line end and
    an encoding drawn per case; written raw (not re-quoted), as a hand or a careless program writes it."""
    cases = []
    for name, form, truthful in QUOTE_FORMS:
        for where in ("first", "middle", "second last", "last"):
            for delim in DELIMS:
                end = rng.choice(ENDS)
                enc = rng.choice(("utf-8", "utf-8-sig", "cp1252", "utf-16"))
                n = rng.choice((4, 9, 30))
                col = rng.choice((2, 4, 4))
                pos = {"first": 0, "middle": n // 2, "second last": n - 2, "last": n - 1}[where]
                rows = _rows(rng, n)
                cell = form.replace("{d}", delim).replace("\n", end)
                lines = [_line(HEADER, delim)]
                for i, r in enumerate(rows):
                    cells = [_quote(c, delim) for c in r]
                    if i == pos:
                        cells[col] = cell if col != 2 else cell.replace("\n", " ").replace("\r", " ")
                    lines.append(delim.join(cells))
                text = end.join(lines) + (end if rng.random() < 0.8 else "")
                data = text.encode(enc, errors="replace")
                same = _same_as_csv(data, "utf-16" if enc == "utf-16" else enc, delim) if truthful else None
                cases.append(
                    Case(
                        "csv quotes",
                        f"{name} at {where} col {col} {delim!r} {end!r} {enc} n={n}",
                        _file(f"q_{len(cases)}.csv", data),
                        n,
                        check=_ids_in_order(n, same),
                    )
                )
    return cases


def line_break_cases(rng: random.Random) -> list[Case]:
    """Characters that end a line for some readers but not for :mod:`csv`: a bare CR inside an unquoted
    cell of an LF or CRLF file (Python's csv writer quotes only its own line terminator's characters, so
    ``DataFrame.to_csv`` writes one for a note typed with a carriage return), form feed, vertical tab,
    U+2028/U+2029, NEL (U+0085), in a cell or in a title line above the header."""
    cases = []
    odd = ("\r", "\f", "\v", "\u2028", "\u2029", "\x85", "\x1c", "\x1e")
    for k in range(32):
        ch = odd[k % len(odd)]
        delim = DELIMS[(k // len(odd)) % len(DELIMS)]
        end = ("\n", "\r\n")[k % 2]
        n = rng.choice((3, 12, 40))
        rows = _rows(rng, n)
        hit = sorted(rng.sample(range(n), k=min(n, rng.randint(1, 3))))
        for i in hit:
            rows[i][4] = rows[i][4].replace(" ", ch, 1)
        title = "" if k % 3 else f"Utdrag ur RAR{ch}\nSökning: alla{ch}{end}{end}"
        text = title + "".join(
            delim.join(c if delim not in c else _quote(c, delim) for c in r) + end for r in [HEADER, *rows]
        )
        enc = "utf-8" if ch not in ("\x85",) or k % 2 else "cp1252"
        if enc == "cp1252":
            text = text.replace("\x85", "\u2026")  # the cp1252 byte 0x85 is an ellipsis
        data = text.encode(enc)

        def notes(result: Any, rows: list[list[str]] = rows, hit: list[int] = hit, enc: str = enc) -> None:
            got = result["Anteckning"].tolist()
            for i in hit:
                want = rows[i][4] if enc == "utf-8" else rows[i][4].replace("\x85", "\u2026")
                assert got[i] == want, (i, got[i], want)

        cases.append(
            Case(
                "csv line breaks",
                f"{ch!r} in {len(hit)} cells{' and the title' if title else ''} {delim!r} {end!r} n={n}",
                _file(f"lb_{k}.csv", data),
                n,
                check=_ids_in_order(n, notes),
            )
        )
    return cases


def cr_file_cases(rng: random.Random) -> list[Case]:
    """Lines ending in CR alone (old Mac exports) with quoted cells holding LF or CRLF, and a bare CR as a
    whole cell: :mod:`csv` is the ground truth, a quoted LF is no sign of an LF file."""
    cases = []
    for k in range(8):
        delim = DELIMS[k % 4]
        n = rng.choice((2, 9))
        rows = _rows(rng, n)
        for i in rng.sample(range(n), k=min(n, 2)):
            rows[i][4] = rng.choice(("rad ett\nrad två", "\n", "a\r\nb", "\r"))
        data = "".join(_line(r, delim) + "\r" for r in [HEADER, *rows]).encode("utf-8")
        cases.append(
            Case(
                "csv line breaks",
                f"CR line ends, quoted LF in cells {delim!r} n={n}",
                _file(f"crfile_{k}.csv", data),
                n,
                check=_ids_in_order(n, _same_as_csv(data, "utf-8", delim)),
            )
        )
    return cases


def _utf(text: str, enc: str) -> bytes:
    boms = {
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
    }
    base, _, bom = enc.partition("+")
    return (boms[base] if bom else b"") + text.encode(base)


def encoding_cases(rng: random.Random) -> list[Case]:
    """UTF-32 and UTF-16 in both byte orders with and without BOM; latin-1; a UTF-8 BOM above cp1252 lines;
    cp1252 lines pasted among UTF-8 lines, with and without BOM."""
    cases = []
    forms = (
        "utf-32-le+bom",
        "utf-32-be+bom",
        "utf-16-le+bom",
        "utf-16-be+bom",
        "utf-16-le",
        "utf-16-be",
        "latin-1",
        "cp1252",
        "bom+cp1252",
        "bom+mixed",
        "mixed",
    )
    for k, form in enumerate(forms * 2):
        delim = DELIMS[k % 4]
        n = rng.choice((3, 20))
        rows = _rows(rng, n)
        text = "".join(_line(r, delim) + "\r\n" for r in [HEADER, *rows])
        if form.startswith("utf-"):
            data = _utf(text, form)
        elif form in ("latin-1", "cp1252"):
            data = text.encode(form)
        else:
            lines = [ln.encode("utf-8") for ln in text.split("\r\n")]
            for i in rng.sample(range(1, n + 1), k=max(1, n // 3)) if "mixed" in form else range(len(lines)):
                lines[i] = lines[i].decode("utf-8").encode("cp1252")
            data = (codecs.BOM_UTF8 if form.startswith("bom") else b"") + b"\r\n".join(lines)

        def places(result: Any, rows: list[list[str]] = rows) -> None:
            assert result["Plats"].tolist() == [r[2] for r in rows], result["Plats"].tolist()[:3]

        cases.append(
            Case("csv encodings", f"{form} {delim!r} n={n}", _file(f"enc_{k}.csv", data), n, check=places)
        )
    return cases


TITLES = (
    ["Utdrag ur RAR, Polisen", "Period: 2025-01-01, 2025-03-31, alla brott"],
    ["Utdrag ur RAR{d}{d}{d}", "Period:{d}2025-01-01{d}2025-03-31{d}", "{d}{d}{d}"],
    ["Rapport: Trygghetsvandring{d} Centrum{d} 2025", ""],
    ["", "", "Sökning{d}Stöld{d}Rån{d}Misshandel"],
)


def title_cases(rng: random.Random) -> list[Case]:
    """Title blocks above the header whose lines hold several delimiters (a period with commas in a comma
    file, a search line with as many cells as the table); headers with empty names."""
    cases = []
    for k in range(24):
        delim = DELIMS[k % 4]
        title = [t.replace("{d}", delim) for t in TITLES[(k // 4) % len(TITLES)]]
        n = rng.choice((2, 8, 30))
        rows = _rows(rng, n)
        header = list(HEADER)
        if k % 6 == 5:  # empty names in the header: columns the exporter left unnamed, filled below
            header = [*HEADER, "", ""]
            rows = [[*r, "x", "y"] for r in rows]
        end = ENDS[k % 3]
        text = end.join([*title, _line(header, delim), *(_line(r, delim) for r in rows)]) + end
        cases.append(
            Case(
                "csv title block",
                f"title {TITLES.index(TITLES[(k // 4) % len(TITLES)])} {delim!r} header width {len(header)}",
                _file(f"title_{k}.csv", text.encode("utf-8")),
                n,
                check=_ids_in_order(n),
            )
        )
    return cases


HEADERS = (
    ["Datum", "Brottstyp", "Latitud", "Longitud"],
    [" datum ", "BROTTSTYP", "latitud\t", "LONGITUD"],
    ["Datum", "Brottstyp", "Lätitud", "Löngitud"],
    ["Date", "Offence", "Latitude", "Longitude"],
    ["Datum", "Brottstyp", "Latitud", "Longitud", "Latitud"],
    ["Brott begånget fr.o.m. datum", "kl", "Brottsbenamning", "Latitud", "Longitud"],
    ["Brott begånget from datum", "Kl", "Brotts benämning", "Lat", "Long"],
    ["Datum", "Brottstyp", "N", "E"],
)


def header_and_ragged_cases(rng: random.Random) -> list[Case]:
    """Header spellings (case, blanks, diacritics, English, a repeated name, misspelled case-system names)
    × delimiters, with ragged rows (a row with an extra cell, a row missing its last cells, trailing
    delimiters). Any row read as located must be where it was written."""
    cases = []
    for k in range(32):
        header = HEADERS[k % len(HEADERS)]
        delim = DELIMS[(k // len(HEADERS)) % 4]
        n = rng.choice((5, 25))
        lat = [round(rng.uniform(59.30, 59.36), 5) for _ in range(n)]
        lon = [round(rng.uniform(18.00, 18.10), 5) for _ in range(n)]
        comma_ok = delim != ","
        rows = []
        for i in range(n):
            la = str(lat[i]).replace(".", ",") if comma_ok and i % 2 else str(lat[i])
            lo = str(lon[i]).replace(".", ",") if comma_ok and i % 3 == 0 else str(lon[i])
            if header[-1] == "E":
                x, y = _sweref(lon[i], lat[i])
                la, lo = f"{y:.1f}", f"{x:.1f}"
            if header[0].startswith("Brott"):
                cells = [f"2025-03-{1 + i % 28:02d}", "22:15", "Stöld", la, lo]
            else:
                cells = [f"2025-03-{1 + i % 28:02d}", "Stöld", la, lo] + ([la] if len(header) == 5 else [])
            rows.append(cells)
        ragged = rng.sample(range(n), k=2)
        rows[ragged[0]] = [*rows[ragged[0]], "extra"]
        rows[ragged[1]] = rows[ragged[1]][:-2]
        trail = delim if k % 5 == 0 else ""
        text = "\n".join(_line(r, delim) + trail for r in [header, *rows]) + "\n"

        def where(result: Any, lat: list[float] = lat, lon: list[float] = lon) -> None:
            ok = (result["status"] == "ok").to_numpy()
            assert ok.sum() >= len(lat) - 3, result["reason"].tolist()
            for i in ok.nonzero()[0]:
                assert abs(result["lat"].iloc[i] - lat[i]) < 1e-3, (i, result["lat"].iloc[i], lat[i])
                assert abs(result["lon"].iloc[i] - lon[i]) < 1e-3, (i, result["lon"].iloc[i], lon[i])

        cases.append(
            Case(
                "csv headers and ragged rows",
                f"{header} {delim!r} ragged {ragged}{' trailing delimiter' if trail else ''}",
                _file(f"hdr_{k}.csv", text.encode("utf-8")),
                n,
                kind="incidents",
                check=where,
            )
        )
    return cases


def _sweref(lon: float, lat: float) -> tuple[float, float]:
    import pyproj

    x, y = pyproj.Transformer.from_crs(4326, 3006, always_xy=True).transform(lon, lat)
    return float(x), float(y)


def decimal_comma_cases(rng: random.Random) -> list[Case]:
    """A comma-separated file whose coordinates carry an unquoted Swedish decimal comma: every number splits
    in two. Whatever the reader does, no row is located anywhere but where it was written."""
    cases = []
    for k in range(8):
        n = rng.choice((4, 30))
        lat = [round(rng.uniform(55.5, 67.0), 4) for _ in range(n)]
        lon = [round(rng.uniform(12.0, 22.0), 4) for _ in range(n)]
        order = k % 2
        header = (
            ["Datum", "Brottstyp", "Latitud", "Longitud"]
            if not order
            else ["Latitud", "Longitud", "Datum", "Brottstyp", "Anteckning"]
        )
        lines = [",".join(header)]
        for i in range(n):
            la, lo = str(lat[i]).replace(".", ","), str(lon[i]).replace(".", ",")
            cells = ["2025-03-04", "Stöld", la, lo] if not order else [la, lo, "2025-03-04", "Stöld", "mörkt"]
            lines.append(",".join(cells))
        text = "\n".join(lines) + "\n"

        def never_elsewhere(result: Any, lat: list[float] = lat, lon: list[float] = lon) -> None:
            for i in (result["status"] == "ok").to_numpy().nonzero()[0]:
                assert abs(result["lat"].iloc[i] - lat[i]) < 1e-3, (i, result["lat"].iloc[i], lat[i])
                assert abs(result["lon"].iloc[i] - lon[i]) < 1e-3, (i, result["lon"].iloc[i], lon[i])

        cases.append(
            Case(
                "csv decimal comma",
                f"unquoted decimal commas, order {order}, n={n}",
                _file(f"dec_{k}.csv", text.encode()),
                n,
                kind="incidents",
                kwargs={"area": False} if k >= 4 else {},
                check=never_elsewhere,
            )
        )
    return cases


# --- coordinates and dates in a table ---------------------------------------------------------------------
def coordinate_cases(rng: random.Random) -> list[Case]:
    """Swapped pairs among ordinary ones, RT90 and SWEREF 99 TM with the axes either way, DMS text, Unicode
    minus signs and full-width digits: a located row is where it was written, or the row is rejected."""
    import pyproj

    cases = []
    rt90 = pyproj.Transformer.from_crs(4326, 3021, always_xy=True)
    for k in range(16):
        n = rng.choice((6, 30))
        lat = [round(rng.uniform(59.25, 59.40), 5) for _ in range(n)]
        lon = [round(rng.uniform(17.95, 18.15), 5) for _ in range(n)]
        form = (
            "swapped rows",
            "rt90",
            "rt90 axes swapped",
            "sweref axes swapped",
            "dms",
            "unicode minus",
            "fullwidth",
            "degrees with crs 3006",
        )[k % 8]
        a, b, kwargs = [], [], {}
        for i in range(n):
            if form == "swapped rows":
                a.append(str(lon[i]) if i % 4 == 1 else str(lat[i]))
                b.append(str(lat[i]) if i % 4 == 1 else str(lon[i]))
            elif form.startswith("rt90"):
                x, y = rt90.transform(lon[i], lat[i])
                a.append(f"{y:.0f}" if form == "rt90" else f"{x:.0f}")
                b.append(f"{x:.0f}" if form == "rt90" else f"{y:.0f}")
            elif form == "sweref axes swapped":
                x, y = _sweref(lon[i], lat[i])
                a.append(f"{x:.1f}")
                b.append(f"{y:.1f}")
            elif form == "dms":
                a.append(_dms(lat[i], "N"))
                b.append(_dms(lon[i], "E"))
            elif form == "unicode minus":
                a.append(str(lat[i]))
                b.append(("\u2212" if i % 2 else "") + str(lon[i]))
            elif form == "fullwidth":
                a.append(str(lat[i]).translate(str.maketrans("0123456789.", "０１２３４５６７８９．")))
                b.append(str(lon[i]))
            else:
                a.append(str(lat[i]))
                b.append(str(lon[i]))
                kwargs = {"crs": "EPSG:3006"}
        names = ("X", "Y") if form.startswith(("rt90", "sweref")) else ("Latitud", "Longitud")
        frame = pd.DataFrame({"Brottstyp": ["Stöld"] * n, names[0]: a, names[1]: b})
        minus = form == "unicode minus"

        def where(result: Any, lat: list[float] = lat, lon: list[float] = lon, minus: bool = minus) -> None:
            for i in (result["status"] == "ok").to_numpy().nonzero()[0]:
                want_lon = -lon[i] if minus and i % 2 else lon[i]
                assert abs(result["lat"].iloc[i] - lat[i]) < 1e-3, (i, result["lat"].iloc[i], lat[i])
                assert abs(result["lon"].iloc[i] - want_lon) < 1e-3, (i, result["lon"].iloc[i], want_lon)

        refuse = form == "degrees with crs 3006"
        as_csv = k >= 8
        data = frame.to_csv(sep=";", index=False).encode("utf-8")
        cases.append(
            Case(
                "coordinates",
                f"{form} n={n} {'csv' if as_csv else 'frame'}",
                _file(f"coord_{k}.csv", data) if as_csv else _frame(frame),
                None if refuse else n,
                kind="incidents",
                kwargs=kwargs,
                check=where,
            )
        )
    return cases


def _dms(value: float, hemi: str) -> str:
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return f"{d}°{m}'{s:.2f}\"{hemi}"


# (text, the wall-clock time it means in Stockholm or None: unreadable is the right answer)
DATES: tuple[tuple[str, str | None], ...] = (
    ("25-03-04", "2025-03-04 00:00"),  # ÅÅ-MM-DD, the Swedish short form
    ("99-12-31", "1999-12-31 00:00"),
    ("24-02-29", "2024-02-29 00:00"),
    ("2025-03-04 24:00", "2025-03-05 00:00"),
    ("2025-12-31 24:00:00", "2026-01-01 00:00"),
    ("2025-03-04T24:00", "2025-03-05 00:00"),
    ("2025-03-30 02:30", "2025-03-30 03:30"),  # the DST gap: the clock skips to 03:00
    ("2025-10-26 02:30", "2025-10-26 02:30"),
    ("4 mars 2025", "2025-03-04 00:00"),
    ("4 Mars 2025 kl 22.15", "2025-03-04 22:15"),
    ("45720", "2025-03-04 00:00"),
    ("45720,5", "2025-03-04 12:00"),
    ("4/3/25", "2025-03-04 00:00"),
    ("2025-02-29", None),
    ("2025-03-04 25:00", None),
    ("2025-W10", "2025-03-03 00:00"),  # an ISO week: its Monday (occurred_to its Sunday, io/_weeks.py)
    ("igår kväll", None),
)


def date_cases(rng: random.Random) -> list[Case]:
    """Dates in new forms, alone in a column or among ISO dates, in a CSV or a frame: each row read as the
    wall-clock time written, or flagged ``bad_date``; a separate time column of ``24:00``."""
    cases = []
    for k in range(12):
        n = rng.choice((6, 20))
        picks = (
            [DATES[(k * 3 + i) % len(DATES)] for i in range(n)]
            if k % 2
            else [rng.choice(DATES) for _ in range(n)]
        )
        frame = pd.DataFrame(
            {
                "Datum": [p[0] for p in picks],
                "Lat": ["59.33"] * n,
                "Lon": ["18.07"] * n,
                "Brottstyp": ["Stöld"] * n,
                "Id": [f"d{i}" for i in range(n)],
            }
        )

        def read_as_written(result: Any, picks: list[tuple[str, str | None]] = picks) -> None:
            for i, (text, want) in enumerate(picks):
                got = result["occurred_at"].iloc[i]
                if want is None:
                    assert pd.isna(got), (text, got)
                    assert result["reason"].iloc[i] == "bad_date", (text, result["reason"].iloc[i])
                else:
                    assert not pd.isna(got), (text, result["reason"].iloc[i])
                    assert got.tz_localize(None) == pd.Timestamp(want), (text, got, want)

        as_csv = k % 3 != 2
        data = frame.to_csv(sep=";", index=False).encode("utf-8")
        cases.append(
            Case(
                "dates",
                f"{'csv' if as_csv else 'frame'} n={n} seed {k}",
                _file(f"dates_{k}.csv", data) if as_csv else _frame(frame),
                n,
                kind="incidents",
                check=read_as_written,
            )
        )
    for clock in ("24:00", "24.00", "kl 24", "2400"):
        frame = pd.DataFrame(
            {
                "Datum": ["2025-03-04", "2025-03-05"],
                "Tid": [clock, "12:00"],
                "Lat": ["59.33"] * 2,
                "Lon": ["18.07"] * 2,
                "Brottstyp": ["Stöld"] * 2,
            }
        )

        def midnight(result: Any) -> None:
            got = result["occurred_at"].iloc[0]
            assert not pd.isna(got), result["reason"].tolist()
            assert got.tz_localize(None) == pd.Timestamp("2025-03-05 00:00"), got

        cases.append(
            Case("dates", f"time column {clock!r}", _frame(frame), 2, kind="incidents", check=midnight)
        )
    return cases


# --- workbooks --------------------------------------------------------------------------------------------
TABLE = [["Datum", "Plats", "Kategori", "Anteckning"]]


def _table(rng: random.Random, n: int) -> list[list[str]]:
    return TABLE + [
        [f"2025-03-{1 + i % 28:02d}", f"{rng.choice(STREETS)} {i + 1}", "Belysning", rng.choice(NOTES)]
        for i in range(n)
    ]


def _places(rows: list[list[str]]) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert result["Plats"].tolist() == [r[1] for r in rows[1:]], result["Plats"].tolist()[:4]

    return check


def _openpyxl_book(
    path: Path, sheets: list[tuple[str, list[list[Any]], str]], merges: tuple[str, ...] = ()
) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows, state in sheets:
        ws = book.create_sheet(name)
        for r in rows:
            ws.append(r)
        ws.sheet_state = state
        if name == "Data":
            for m in merges:
                ws.merge_cells(m)
    book.save(path)
    return path


def _xls_book(
    path: Path, sheets: list[tuple[str, list[list[Any]], str]], merges: tuple[tuple[int, int], ...] = ()
) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows, state in sheets:
        ws = book.add_sheet(name)
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                if name == "Data" and any(a < i <= b and j == 1 for a, b in merges):
                    continue  # a merged range holds its value in its first cell only
                ws.write(i, j, v)
        if name == "Data":
            for a, b in merges:
                ws.merge(a, b, 1, 1)
        if state != "visible":
            ws.visibility = 1
    book.save(str(path))
    return path


def workbook_cases(rng: random.Random) -> list[Case]:
    """Hidden sheets before the data, merged place cells, shared strings with impossible indices, a part
    stored twice under one name, parts compressed with unusual methods, formulas with and without cached
    values, lying dimensions; .xlsx and .xls where the writer can make them."""
    cases: list[Case] = []
    lookup = [["Kod", "Text"], [1, "Stöld"], [2, "Rån"]]
    for k, (fmt, state) in enumerate((("xlsx", "hidden"), ("xlsx", "veryHidden"), ("xls", "hidden"))):
        rows = _table(rng, rng.choice((3, 15)))
        sheets = [("Koder", lookup, state), ("Data", rows, "visible")]

        def write(folder: Path, fmt: str = fmt, sheets: list[Any] = sheets, k: int = k) -> Path:
            maker = _openpyxl_book if fmt == "xlsx" else _xls_book
            return maker(folder / f"hidden_{k}.{fmt}", sheets)

        cases.append(
            Case("workbook", f"{state} sheet first (.{fmt})", write, len(rows) - 1, check=_places(rows))
        )
        old = [["Datum", "Plats", "Kategori"], ["2019-01-01", "Gamla torget", "Belysning"]]
        sheets2 = [("Gammalt", old, state), ("Data", rows, "visible")]

        def write2(folder: Path, fmt: str = fmt, sheets: list[Any] = sheets2, k: int = k) -> Path:
            maker = _openpyxl_book if fmt == "xlsx" else _xls_book
            return maker(folder / f"hidden_old_{k}.{fmt}", sheets)

        cases.append(
            Case(
                "workbook",
                f"{state} old copy of the data first (.{fmt})",
                write2,
                len(rows) - 1,
                check=_places(rows),
            )
        )
    for k, fmt in enumerate(("xlsx", "xlsx", "xls")):
        n = rng.choice((6, 12))
        rows = _table(rng, n)
        a = rng.randint(1, n - 3)
        b = a + rng.randint(1, 2)
        for i in range(a + 1, b + 1):
            rows[i][1] = rows[a][1]  # what the merged cell shows in every row it spans

        def write3(
            folder: Path, fmt: str = fmt, rows: list[Any] = rows, a: int = a, b: int = b, k: int = k
        ) -> Path:
            if fmt == "xlsx":
                blanked = [list(r) for r in rows]
                for i in range(a + 1, b + 1):
                    blanked[i][1] = None
                return _openpyxl_book(
                    folder / f"merged_{k}.xlsx", [("Data", blanked, "visible")], (f"B{a + 1}:B{b + 1}",)
                )
            return _xls_book(folder / f"merged_{k}.xls", [("Data", rows, "visible")], ((a, b),))

        cases.append(
            Case(
                "workbook", f"place merged over rows {a + 1}-{b + 1} (.{fmt})", write3, n, check=_places(rows)
            )
        )
    cases += _ods_cases(rng)
    cases += _shared_string_cases(rng)
    cases += _zip_cases(rng)
    return cases


def _ods_row(values: list[str | None], span: int = 1) -> str:
    cells = ""
    for j, v in enumerate(values):
        if v is None:
            cells += "<table:covered-table-cell/>"
            continue
        extra = f' table:number-rows-spanned="{span}"' if span > 1 and j == 1 else ""
        cells += (
            f'<table:table-cell office:value-type="string"{extra}><text:p>{v}</text:p></table:table-cell>'
        )
    return f"<table:table-row>{cells}</table:table-row>"


def _ods_cases(rng: random.Random) -> list[Case]:
    """The same tricks in OpenDocument: a hidden sheet first (a table style with display false), a place
    merged over rows (``number-rows-spanned``, covered cells below), empty rows above the table."""
    from reader_corpus import _ods

    cases = []
    for k in range(4):
        n = rng.choice((5, 12))
        rows = _table(rng, n)
        a = rng.randint(1, n - 3)
        b = a + rng.randint(1, 2)
        for i in range(a + 1, b + 1):
            rows[i][1] = rows[a][1]
        lead = "<table:table-row/>" * (k % 2) * 2
        body = lead + "".join(
            _ods_row(r if not a < i <= b else [r[0], None, *r[2:]], span=b - a + 1 if i == a else 1)
            for i, r in enumerate(rows)
        )
        parts = _ods(body)
        if k >= 2:
            style = (
                '<office:automatic-styles><style:style xmlns:style="urn:oasis:names:tc:opendocument:xmlns:'
                'style:1.0" style:name="ta2" style:family="table"><style:table-properties table:display='
                '"false"/></style:style></office:automatic-styles>'
            )
            hidden = '<table:table table:name="Koder" table:style-name="ta2">' + _ods_row(["Kod", "Text"])
            content = str(parts["content.xml"]).replace("<office:body>", style + "<office:body>")
            first = '<table:table table:name="Blad1">'
            parts["content.xml"] = content.replace(first, hidden + "</table:table>" + first)
        cases.append(
            Case(
                "workbook",
                f"ods: place merged over rows {a + 1}-{b + 1}{', hidden sheet first' if k >= 2 else ''}"
                f"{', empty rows above' if k % 2 else ''}",
                zip_file(f"ods_{k}.ods", parts),
                n,
                check=_places(rows),
            )
        )
    return cases


def _with_sst(sheet: str, strings: list[str]) -> dict[str, str | bytes]:
    parts = xlsx_parts(sheet)
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{items}</sst>'
    )
    rel = (
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    parts["xl/_rels/workbook.xml.rels"] = str(parts["xl/_rels/workbook.xml.rels"]).replace(
        "</Relationships>", rel
    )
    return parts


def _shared_string_cases(rng: random.Random) -> list[Case]:
    """A place cell pointing at a shared string that does not exist: refused (naming the part), never read
    as some other row's text."""
    cases = []
    for k, index in enumerate(("-1", "abc", "99999999999999999999", "7", "1.0", "", "0x1")):
        n = 4
        strings = ["Datum", "Plats", "Kategori"] + [f"Storgatan {i + 1}" for i in range(n)]
        body = (
            '<row r="1">'
            + "".join(f'<c r="{c}1" t="s"><v>{j}</v></c>' for j, c in enumerate("ABC"))
            + "</row>"
        )
        for i in range(n):
            v = index if i == 2 else str(3 + i)
            body += (
                f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t>2025-03-0{i + 1}</t></is></c>'
                f'<c r="B{i + 2}" t="s"><v>{v}</v></c><c r="C{i + 2}" t="s"><v>2</v></c></row>'
            )
        sheet = f'<?xml version="1.0"?><worksheet {_NS}><sheetData>{body}</sheetData></worksheet>'
        cases.append(
            Case(
                "workbook",
                f"shared string index {index!r}",
                zip_file(f"sst_{k}.xlsx", _with_sst(sheet, strings)),
                None,
            )
        )
    return cases


def _zip_cases(rng: random.Random) -> list[Case]:
    cases = []
    rows = _table(rng, 6)
    other = [TABLE[0], ["2025-04-01", "Annangatan 1", "Belysning", "x"]]
    for k, (first, second) in enumerate(((rows, other), (other, rows))):

        def write(folder: Path, first: list[Any] = first, second: list[Any] = second, k: int = k) -> Path:
            path = folder / f"dup_{k}.xlsx"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                    for part, data in xlsx_parts(_sheet(first)).items():
                        z.writestr(part, data)
                    z.writestr("xl/worksheets/sheet1.xml", _sheet(second))
            return path

        cases.append(Case("workbook", f"sheet part stored twice ({k})", write, None))
    for name, method in (
        ("bzip2", zipfile.ZIP_BZIP2),
        ("lzma", zipfile.ZIP_LZMA),
        ("stored", zipfile.ZIP_STORED),
    ):

        def write2(folder: Path, name: str = name, method: int = method) -> Path:
            path = folder / f"comp_{name}.xlsx"
            with zipfile.ZipFile(path, "w", method) as z:
                for part, data in xlsx_parts(_sheet(rows)).items():
                    z.writestr(part, data)
            return path

        cases.append(
            Case(
                "workbook",
                f"parts compressed with {name}",
                write2,
                len(rows) - 1 if name == "stored" else None,
            )
        )
    for dim in ("A1", "A1:XFD1048576", "B2:A1", "A0:-1"):
        sheet = _sheet(rows, dimension=dim)
        # A dimension that is no range at all: python-calamine refuses the sheet, and a clear refusal naming
        # the file and the sheet is right (the guard does not trust it either way).
        cases.append(
            Case(
                "workbook",
                f"dimension {dim!r}",
                zip_file(f"dim_{dim.replace(':', '_')}.xlsx", xlsx_parts(sheet)),
                None if dim == "A0:-1" else len(rows) - 1,
                check=_places(rows),
            )
        )
    return cases


# --- Polisen JSON ------------------------------------------------------------------------------------------
def _event(i: int, **over: Any) -> dict[str, Any]:
    ev = {
        "id": 500 + i,
        "datetime": f"2025-03-{1 + i % 28:02d} 22:44:44 +01:00",
        "name": f"{1 + i % 28} mars 21:15, Stöld, Karlstad",
        "summary": f"Stöld nummer {i}",
        "url": f"/aktuellt/{i}",
        "type": "Stöld",
        "location": {"name": "Karlstad", "gps": "59.38,13.50"},
    }
    ev.update(over)
    return ev


def json_cases(rng: random.Random) -> list[Case]:
    """Polisen API JSON in new structures: a BOM, UTF-16/32, JSON Lines, duplicate keys, NaN literals, ids as
    strings or floats, keys in other cases, nested arrays, trailing commas, nulls in the list."""
    cases = []
    for k in range(3):
        n = rng.randint(2, 12)
        evs = [_event(i) for i in range(n)]
        text = json.dumps(evs, ensure_ascii=False)

        def ids(result: Any, n: int = n) -> None:
            assert result["record_id"].tolist() == [str(500 + i) for i in range(n)], result[
                "record_id"
            ].tolist()

        for label, data, rows in (
            ("BOM", codecs.BOM_UTF8 + text.encode(), n),
            ("UTF-16 with BOM", text.encode("utf-16"), n),
            ("UTF-16-BE without BOM", text.encode("utf-16-be"), n),
            ("UTF-32 with BOM", text.encode("utf-32"), n),
            ("JSON Lines", "\n".join(json.dumps(e) for e in evs).encode(), n),
            (
                "JSON Lines with blank lines and CRLF",
                ("\r\n\r\n".join(json.dumps(e) for e in evs) + "\r\n").encode(),
                n,
            ),
            (
                "JSON Lines with a raw U+2028 in a summary",
                "\n".join(
                    json.dumps({**e, "summary": "Stöld\u2028på torget"}, ensure_ascii=False) for e in evs
                ).encode(),
                n,
            ),
        ):
            cases.append(
                Case(
                    "json",
                    f"{label} n={n}",
                    _file(f"js_{len(cases)}.json", data),
                    rows,
                    kind="incidents",
                    check=ids,
                )
            )
        mixed_ids = [_event(i, id=[500 + i, str(500 + i), float(500 + i)][i % 3]) for i in range(n)]
        mixed_ids[n // 2]["id"] = None
        text = json.dumps(mixed_ids).replace("null", "NaN")

        def same_ids(result: Any, n: int = n) -> None:
            got = result["record_id"].tolist()
            want = [str(500 + i) for i in range(n)]
            assert [g for i, g in enumerate(got) if i != n // 2] == [
                w for i, w in enumerate(want) if i != n // 2
            ], got

        cases.append(
            Case(
                "json",
                f"ids as int, str, float and NaN n={n}",
                _file(f"ids_{k}.json", text.encode()),
                n,
                kind="incidents",
                check=same_ids,
            )
        )
        dup = json.dumps([_event(i) for i in range(n)]).replace(
            '"type": "Stöld"', '"type": "Stöld", "type": "Rån"'
        )
        cases.append(
            Case("json", f"duplicate keys n={n}", _file(f"dup_{k}.json", dup.encode()), n, kind="incidents")
        )
        upper = [
            {
                "ID": 500 + i,
                "Datetime": "2025-03-25 22:44:44 +01:00",
                "Type": "Stöld",
                "Location": {"Name": "Karlstad" if i % 2 else "", "GPS": "59.38,13.50"},
            }
            for i in range(n)
        ]
        cases.append(
            Case(
                "json",
                f"keys capitalised n={n}",
                _file(f"upper_{k}.json", json.dumps(upper).encode()),
                n,
                kind="incidents",
            )
        )
        nested = json.dumps([[_event(0), _event(1)], [_event(2)]])
        cases.append(
            Case(
                "json",
                "records in nested arrays",
                _file(f"nested_{k}.json", nested.encode()),
                None,
                kind="incidents",
            )
        )
        trailing = json.dumps([_event(i) for i in range(n)])[:-1] + ",]"
        cases.append(
            Case(
                "json", "trailing comma", _file(f"trail_{k}.json", trailing.encode()), None, kind="incidents"
            )
        )
        holes = json.dumps([_event(0), None, _event(2), 7])
        cases.append(
            Case(
                "json",
                "null and a number among records",
                _file(f"holes_{k}.json", holes.encode()),
                None,
                kind="incidents",
            )
        )
        gps = [
            _event(i, location={"name": "Karlstad", "gps": g})
            for i, g in enumerate(("13.50,59.38", [59.38, 13.5], 59.38, "59,38,13,50", "NaN,NaN", None))
        ]

        def karlstad(result: Any) -> None:
            for i in (result["lat"].notna()).to_numpy().nonzero()[0]:
                assert abs(result["lat"].iloc[i] - 59.38) < 0.01, result["lat"].iloc[i]
                assert abs(result["lon"].iloc[i] - 13.5) < 0.01, result["lon"].iloc[i]

        cases.append(
            Case(
                "json",
                "gps in odd forms",
                _file(f"gps_{k}.json", json.dumps(gps).encode()),
                6,
                kind="incidents",
                check=karlstad,
            )
        )
    return cases


def all_cases(seed: int = 0) -> list[Case]:
    """The whole second reader corpus for one seed."""
    rng = random.Random(seed)
    return [
        *quote_cases(rng),
        *line_break_cases(rng),
        *cr_file_cases(rng),
        *encoding_cases(rng),
        *title_cases(rng),
        *header_and_ragged_cases(rng),
        *decimal_comma_cases(rng),
        *coordinate_cases(rng),
        *date_cases(rng),
        *workbook_cases(rng),
        *json_cases(rng),
    ]
