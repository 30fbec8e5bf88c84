"""Delimited text (CSV/TXT): encoding and delimiter detection, every cell read as text.

Cells are read as text so that nothing is guessed before the canonical parsers run (a decimal comma, a leading
zero in an id, ``2021-03-04`` left as written in the user's own columns).
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from trygghet_geo._hints import hint
from trygghet_geo.errors import InputError
from trygghet_geo.io._lines import (
    MAX_COLUMNS,
    RunawayQuote,
    SplitRow,
    lf_file,
    mask_bare_cr,
    physical_lines,
    read_tracked,
    unmask_bare_cr,
)

logger = logging.getLogger(__name__)

__all__ = ["TextInfo", "detect_delimiter", "detect_encoding", "read_text_table", "split_notes"]

_CHUNK = 1 << 22
_DELIMITERS = (";", "\t", ",", "|")


@dataclass(frozen=True)
class TextInfo:
    """How a text file was read."""

    encoding: str
    delimiter: str
    mixed_encoding_lines: int = 0
    title_lines: int = 0
    runaways: tuple[RunawayQuote, ...] = ()
    split: tuple[SplitRow, ...] = ()


def detect_encoding(path: Path) -> str:
    """``utf-8-sig``, ``utf-32``/``utf-16`` (BOM), ``utf-8``, ``cp1252``, or ``mixed`` (UTF-8 lines among
    cp1252 lines, also below a UTF-8 BOM).

    UTF-8 is checked strictly over the whole file in chunks (any invalid byte rules it out), so a single
    ``å`` written by a cp1252 program deep in a large export is not missed.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00
            return "utf-32"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        bom = head.startswith(codecs.BOM_UTF8)
        fh.seek(3 if bom else 0)  # after a UTF-8 BOM the text is checked too (cp1252 lines appended below it)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        while chunk := fh.read(_CHUNK):
            if b"\x00" in chunk:
                bare = _utf16_without_bom(chunk)
                if bare is not None:
                    return bare
                raise InputError(
                    f"{path}: the file holds NUL bytes, so it is no text file in UTF-8 or cp1252; expected a "
                    "CSV/TXT export (for Excel files use the .xlsx extension)"
                )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return _not_utf8(path)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _not_utf8(path)
    return "utf-8-sig" if bom else "utf-8"


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for UTF-16 text written without a byte order mark (NUL bytes in every
    other position, as ASCII text in UTF-16 has), else ``None``."""
    sample = head[: 1 << 16]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _resolve_encoding(path: Path, encoding: str) -> str:
    """A forced ``utf-16`` on a file without a byte order mark: the byte order read from the file."""
    if codecs.lookup(encoding).name != "utf-16":
        return encoding
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return encoding
    return _utf16_without_bom(head) or "utf-16-le"


_SWEDISH_UTF8 = (b"\xc3\xa5", b"\xc3\xa4", b"\xc3\xb6", b"\xc3\x85", b"\xc3\x84", b"\xc3\x96", b"\xc3\xa9")


def _not_utf8(path: Path) -> str:
    """cp1252, or ``mixed`` when UTF-8 encoded Swedish letters also occur (two exports pasted together)."""
    data = path.read_bytes()
    utf8 = data.startswith(codecs.BOM_UTF8) or any(seq in data for seq in _SWEDISH_UTF8)
    return "mixed" if utf8 else "cp1252"


def _decode_mixed(data: bytes) -> tuple[str, int]:
    """Decode line by line: UTF-8 where a line is valid UTF-8, cp1252 otherwise (files pasted together)."""
    lines = data.split(b"\n")
    out = []
    fixed = 0
    for line in lines:  # only on the rare mixed-encoding path, never on the common one
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
            fixed += 1
    return "\n".join(out).removeprefix("\ufeff"), fixed


def _lines(sample: str) -> list[str]:
    """The sample's lines without their ends, cut where :mod:`csv`, Arrow and pandas cut them (CR, LF, CRLF),
    never at a form feed, U+2028 or another character ``str.splitlines`` also takes for a line end."""
    return [ln.rstrip("\r\n") for ln in physical_lines(sample)]


def _bare_cr(path: Path, encoding: str) -> bool:
    """Whether lines end in LF (or CRLF) and some CR stands alone: a character inside a cell that every
    fast reader would take for a line end, so the file goes to the careful path
    (:func:`~trygghet_geo.io._lines.mask_bare_cr`). Two C-speed counts per 4 MB chunk for byte encodings."""
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        text = path.read_text(encoding=encoding)
        return lf_file(text) and text.count("\r") > text.count("\r\n")
    import numpy as np

    with path.open("rb") as fh:
        first = fh.read(65536)
        if not lf_file(first.decode("latin-1")):
            return False
        fh.seek(0)
        while chunk := fh.read(_CHUNK):
            if b"\r" not in chunk:  # memchr: LF files cost next to nothing
                continue
            if chunk.endswith(b"\r"):
                chunk += fh.read(1)
            a = np.frombuffer(chunk, dtype=np.uint8)
            cr = np.flatnonzero(a[:-1] == 13)
            if (a[cr + 1] != 10).any():  # a CR ending the file is no cell's character
                return True
    return False


# A properly quoted cell: opens at a line start or after a candidate delimiter, holds anything (line breaks
# too) with quotes doubled, and closes before a candidate delimiter or a line end (as csv, Arrow and pandas
# read it: a quote after a blank is a character of the cell). Possessive loops: a quote that never closes
# costs one scan to the next quote, never backtracking.
_QUOTED_CELL = re.compile(r'(?:^|(?<=[;,\t|]))"[^"]*+(?:""[^"]*+)*+"(?=[;,\t|]|\r|\n|\Z)', re.M)
# A quoted cell still open where the sample ends (only doubled quotes after it): the sample was cut inside it.
_OPEN_AT_END = re.compile(r'(?:^|(?<=[;,\t|]))"[^"]*+(?:""[^"]*+)*+"?\Z', re.M)


def _record_lines(sample: str, cell: Callable[[re.Match[str]], str]) -> tuple[list[str], str]:
    """The sample's lines with every properly quoted cell replaced by ``cell(match)``, so a quoted line break
    no longer splits a record; a quoted cell the sample ends inside and the partial record at the end of a
    cut sample are left out (and returned second, ``""`` when none). A quote that never closes stays a
    character (each line on its own)."""
    text = _QUOTED_CELL.sub(cell, sample)
    cut = not sample.endswith(("\n", "\r"))
    # A quoted cell still open at the end (a line end inside it may end the sample too): its lines are not
    # records (nor are a late quote that never closes and the lines after it, in a whole small file).
    if (tail := _OPEN_AT_END.search(text)) and _LINE_END.search(text, 0, tail.start()):
        text, cut = text[: tail.start()], True
    lines = _lines(text)
    if len(lines) > 1 and cut:  # the sample may end inside a record
        return lines[:-1], lines[-1]
    return lines, ""


def _one_line(m: re.Match[str]) -> str:
    """A quoted cell with each line end in it as :data:`_JOINED` (its text is kept for the header's names)."""
    return _LINE_END.sub(_JOINED, m.group())


_LINE_END = re.compile(r"\r\n|\r|\n")
_JOINED = "\x1f"  # marks a line end inside a quoted cell, to count physical lines back


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits most records into the same number (≥ 2) of cells, once every properly quoted
    cell (:data:`_QUOTED_CELL`) is taken out, so separators and line breaks inside quoted cells are not
    counted; a title line above the header or a quote that never closes does not mislead it.

    >>> detect_delimiter("Datum;Plats;Latitud\\n2021-03-04;Storgatan 1;59,33\\n")
    ';'
    >>> detect_delimiter('Id;Plats;Not\\nr0;Torget;"a, b\\nc, d"\\nr1;Kajen;"e, f\\ng, h"\\n')  # not ','
    ';'
    """
    # Written by hand rather than with csv.Sniffer: on the samples of tests/hostile/test_read_quoted.py the
    # Sniffer took 54 s for 180 samples (its quote regex backtracks over long cells) and misread one; this
    # takes about 1 ms per 64 kB sample (as the per-line count before it), whatever the file's size, and
    # misreads none.
    lines, partial = _record_lines(sample, lambda m: "x")
    lines = [ln for ln in lines[:50] if ln.strip()]
    best, best_score = ";", (0, 0)
    for delim in _DELIMITERS:
        widths = [ln.count(delim) + 1 for ln in lines]
        mode = max(set(widths), key=lambda w: (widths.count(w), w)) if widths else 0
        if mode < 2:
            continue
        # The record the sample ends inside counts when it is cut no wider than the others: with records
        # of tens of kB the sample may hold only a title, the header and that record's first cells.
        score = (widths.count(mode) + (2 <= partial.count(delim) + 1 <= mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_text_table(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
) -> tuple[pd.DataFrame, TextInfo]:
    """Read a delimited text file with every cell as text (``""`` where empty).

    ``header_row`` is the 1-based line of the column names; by default the lines above the header (a title,
    an export date, blank lines, padded with delimiters or not) are detected.

    Raises
    ------
    InputError
        The file is empty, binary, or holds no header line.
    """
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty; expected a header line and one row per record")
    if header_row is not None:
        _check_header_row(path, header_row)
    mixed = 0
    if encoding is None and not _bare_cr(path, "latin-1"):
        fast = _read_if_plain_utf8(path, delimiter, header_row)
        if fast is not None:
            return _account_lines(path, *fast, None)
    enc = _resolve_encoding(path, encoding) if encoding else detect_encoding(path)
    if enc == "mixed":
        text, mixed = _decode_mixed(path.read_bytes())
        logger.warning("%s: %d lines were not UTF-8 and were read as cp1252", path, mixed)
        buffer: io.StringIO | Path = io.StringIO(text)
        sample = text[:65536]
        enc_name = "utf-8+cp1252"
    else:
        try:
            with path.open("r", encoding=enc, newline="") as fh:
                sample = fh.read(65536)
        except (UnicodeError, LookupError) as exc:
            raise InputError(
                f"{path}: cannot decode the text as {enc!r} ({exc}); pass {hint('encoding', repr('cp1252'))}"
            ) from None
        buffer = path
        enc_name = enc
    if not sample.strip():
        raise InputError(f"{path}: the file holds only blank space; expected a header line")
    delim = delimiter or detect_delimiter(sample)
    skip = title_lines(sample, delim) if header_row is None else header_row - 1
    _check_width(path, sample, delim, skip)
    sign = None
    if _bare_cr(path, "latin-1" if enc == "mixed" else enc):
        if isinstance(buffer, io.StringIO):
            text = buffer.getvalue()
        else:
            with path.open("r", encoding=enc, newline="") as fh:
                text = fh.read()
        masked, sign = mask_bare_cr(text, delim, skip)
        buffer = io.StringIO(masked)
    try:
        wide = _widest_line(path, delim) >= MAX_COLUMNS
        frame = (
            None
            if wide
            else _read(buffer, delim, None if isinstance(buffer, io.StringIO) else enc, path, skip)
        )
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: no header line found; expected column names on the first line") from None
    decoded = buffer.getvalue() if isinstance(buffer, io.StringIO) else None
    if decoded is None and not _header_kept(frame, path, delim, enc, skip):
        frame = None
    frame, info = _account_lines(path, frame, TextInfo(enc_name, delim, mixed, skip), decoded)
    return (frame if sign is None else unmask_bare_cr(frame, sign)), info


def _check_header_row(path: Path, header_row: int) -> None:
    """Refuse a ``header_row`` below the file's last line, naming both (lines counted in C, 4 MB at a
    time: LF, else CR for old Mac exports)."""
    lf = cr = 0
    last = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            lf, cr, last = lf + chunk.count(b"\n"), cr + chunk.count(b"\r"), chunk[-1:]
    lines = (lf or cr) + (last not in (b"\n", b"\r"))
    if header_row > lines:
        raise InputError(
            f"{path}: header_row={header_row} is below the file's last line ({lines:,} lines); give the "
            f"line of the column names (1 for the first), or none to have it found"
        )


def _widest_line(path: Path, delim: str) -> int:
    """Delimiters on the fullest physical line (counted exactly only on lines long enough to hold
    ``MAX_COLUMNS`` of them, quotes ignored), from the raw bytes in 4 MB chunks: one compiled comparison per
    byte, about the cost of ``bytes.count``. pandas' C reader makes a column for every cell of a line wider
    than the header before it complains (one line of 4.9 million cells took 6.8 GB), so a file with such a
    line goes to the careful path instead."""
    import numpy as np

    if len(delim.encode("utf-8")) != 1:
        return 0
    code = ord(delim)
    eol = -1
    best, carry_len, carry_count = 0, 0, 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            if eol < 0:  # lines end in \n (also \r\n), or in \r alone (old Mac exports)
                eol = 10 if b"\n" in chunk or b"\r" not in chunk else 13
            a = np.frombuffer(chunk, dtype=np.uint8)
            ends = np.flatnonzero(a == eol)
            starts = np.concatenate(([0], ends + 1))
            stops = np.append(ends, len(a))
            lengths = stops - starts
            lengths[0] += carry_len
            for i in np.flatnonzero(lengths >= MAX_COLUMNS):  # only lines long enough to be that wide
                count = int(np.count_nonzero(a[starts[i] : stops[i]] == code))
                best = max(best, count + (carry_count if i == 0 else 0))
            last = int(np.count_nonzero(a[starts[-1] :] == code)) if lengths[-1] >= MAX_COLUMNS else 0
            carry_count = last + (carry_count if len(ends) == 0 else 0)
            carry_len = int(lengths[-1])
    return best


def _check_width(path: Path, sample: str, delim: str, skip: int) -> None:
    """Refuse a header wider than :data:`MAX_COLUMNS` before any reader makes a column per cell."""
    lines = [ln for ln in _lines(sample)[skip:] if ln.strip()]
    if not lines:
        return
    width = lines[0].count(delim) + 1
    if width > MAX_COLUMNS:
        raise InputError(
            f"{path}: the header line has {width:,} columns (delimiter {delim!r}); at most "
            f"{MAX_COLUMNS:,} are read. Expected an incident or observation extract with one column per field"
        )


def _has_line_breaks(frame: pd.DataFrame) -> bool:
    """Whether any cell holds a line break (a quoted cell spanning lines, legitimately or not)."""
    for col in frame.columns:
        values = frame[col]
        text = values.dtype == "str" or values.dtype == object
        if text and values.astype("str").str.contains("[\r\n]", regex=True).any():
            return True
    return False


def _account_lines(
    path: Path, frame: pd.DataFrame | None, info: TextInfo, text: str | None
) -> tuple[pd.DataFrame, TextInfo]:
    """Check the records read against the physical lines: where a cell holds a line break, read the file
    again on the careful path, which tells a quoted cell spanning lines from a quote that never closes."""
    if frame is not None and not _has_line_breaks(frame):
        return frame, info
    if text is None:
        enc = "utf-8" if info.encoding == "utf-8" else info.encoding
        with path.open("r", encoding=enc, newline="") as fh:
            text = fh.read()
    tracked = read_tracked(text, info.delimiter, info.title_lines, _coordinate_positions)
    for r in tracked.runaways[:20]:
        logger.warning(
            "%s: row %d (line %d), field %r: a quote opens and never closes; read as a literal character "
            "(it would have swallowed %d lines)",
            path,
            r.row,
            r.line,
            r.column,
            r.swallowed,
        )
    if tracked.frame.shape[1] == 0:
        raise InputError(f"{path}: no header line found; expected column names on the first line")
    runaways = tuple(tracked.runaways)
    return tracked.frame, TextInfo(
        info.encoding,
        info.delimiter,
        info.mixed_encoding_lines,
        info.title_lines,
        runaways,
        tuple(tracked.split),
    )


def split_notes(name: str, split: tuple[SplitRow, ...]) -> list[str]:
    """The report's lines on coordinates with a decimal comma that were not quoted in a comma-separated
    file: rows read right by joining the cells back, and rows rejected (``bad_coordinates``) because the
    cells could be joined in more than one way; each names the file, rows, fields and what to do."""
    notes = []
    fix = (
        '; quote the coordinates in the export ("59,3293"), write them with a decimal point, or export '
        "with ';' as the delimiter"
    )
    for joined in (True, False):
        rows = [r for r in split if r.joined is joined]
        if not rows:
            continue
        fields = ", ".join(repr(f) for f in dict.fromkeys(f for r in rows for f in r.columns))
        where = ", ".join(f"{r.row} (line {r.line})" for r in rows[:10]) + (" …" if len(rows) > 10 else "")
        what = (
            "were read by joining each whole number with the digits after it (only one way fits)"
            if joined
            else "were rejected as bad_coordinates: the cells cannot be joined back in exactly one way"
        )
        notes.append(
            f"{name}: {len(rows)} rows ({where}), fields {fields}: coordinates written with a decimal comma "
            f"in a comma-separated file split into extra cells; they {what}{fix}"
        )
    return notes


def _coordinate_positions(header: list[str]) -> list[int]:
    """Positions of the header's coordinate columns (latitude/longitude, X/Y, N/E), recognised by name."""
    from trygghet_geo.errors import TrygghetError
    from trygghet_geo.io._columns import recognise_columns
    from trygghet_geo.io._lines import unique_names

    names = unique_names(header)
    try:
        roles = recognise_columns(names)
    except TrygghetError:
        return []
    wanted = {roles[r] for r in ("lat", "lon", "x", "y", "northing", "easting") if r in roles}
    return [i for i, name in enumerate(names) if name in wanted]


def title_lines(sample: str, delim: str) -> int:
    """Lines before the header (a report title, an export date, blank lines) that exports sometimes put on
    top, padded with delimiters (``Utdrag;;;;``) or not: the header is the first line with more than half
    the table's cells filled (:func:`trygghet_geo.io._extract.header_row`).

    >>> title_lines("Utdrag ur RAR 2024-03-01\\n\\nDatum;Plats\\n2024-01-01;Torget\\n2024-01-02;Kaj\\n", ";")
    2
    >>> title_lines("Utdrag;;\\nKälla: RAR;;\\n;;\\nDatum;Plats;Typ\\n2024-01-01;Torget;Rån\\n", ";")
    3
    """
    from trygghet_geo.io._extract import header_row

    lines = _record_lines(sample, _one_line)[0][:60]
    try:
        rows = [next(csv.reader([ln], delimiter=delim), []) for ln in lines]
    except csv.Error:
        return 0
    at = header_row(rows)
    return at + sum(ln.count(_JOINED) for ln in lines[:at])  # physical lines: a quoted cell may span some


def _read_if_plain_utf8(
    path: Path, delimiter: str | None, header_row: int | None = None
) -> tuple[pd.DataFrame, TextInfo] | None:
    """The common case in one pass: no BOM, UTF-8 text that Arrow's reader takes as it is (Arrow checks every
    cell is valid UTF-8 while it reads, so the separate whole-file check is not needed). ``None`` when the
    file needs the careful path (a BOM, a NUL byte, a cp1252 byte, ragged rows, odd quoting)."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        return None
    try:
        sample = codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return None
    if not sample.strip():
        return None
    delim = delimiter or detect_delimiter(sample)
    skip = title_lines(sample, delim) if header_row is None else header_row - 1
    _check_width(path, sample, delim, skip)
    if _widest_line(path, delim) >= MAX_COLUMNS:
        return None
    frame = _read_c_all_text(path, sample, delim, skip)
    if frame is None:
        try:
            frame = _read_arrow(path, delim, "utf-8", skip)
        except (ValueError, pa.ArrowException):
            return None
    if not _header_kept(frame, path, delim, "utf-8", skip):
        return None
    return frame, TextInfo("utf-8", delim, 0, skip)


def _header_kept(frame: pd.DataFrame | None, path: Path, delim: str, enc: str | None, skip: int) -> bool:
    """Whether a fast reader took the header from the line :mod:`csv` finds after ``skip`` title lines
    (pandas counts blank lines differently when lines end in CR alone, and would take the first record for
    the header); the careful path decides otherwise."""
    if frame is None or skip == 0:
        return True
    from trygghet_geo.io._lines import unique_names

    header = _header(path, delim, enc, skip)
    return header is not None and list(frame.columns) == unique_names(header)


def _c_text_frame(source: Path | io.StringIO, delim: str, skip: int) -> pd.DataFrame | None:
    """pandas' C reader with type inference but no NA words; ``None`` unless every column came out as
    complete text (no missing cells) and nothing was odd (ragged rows, mixed chunks, bad UTF-8)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.DtypeWarning)
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                source,
                sep=delim,
                skiprows=skip,
                keep_default_na=False,
                encoding="utf-8",
                index_col=False,
            )
    except (
        pd.errors.ParserError,
        pd.errors.DtypeWarning,
        pd.errors.ParserWarning,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        ValueError,
    ):
        return None
    if len(frame.columns) == 0 or not all(d == "str" for d in frame.dtypes):
        return None
    if any(frame[c].isna().any() for c in frame.columns):  # short rows: the careful readers decide
        return None
    return frame


def _read_c_all_text(path: Path, sample: str, delim: str, skip: int) -> pd.DataFrame | None:
    """The fastest reader here when every column is text: pandas' C engine *without* ``dtype="str"``
    (with it, the C engine is ~8x slower in pandas 3) and without NA words. Whether every column is text is
    judged on the first 64 kB first, so a file with a numeric column goes straight to Arrow; ``None`` when
    this reader does not apply (the whole-file read then confirms: every column text, no cell missing)."""
    lines = physical_lines(sample)
    head = "".join(lines[:-1]) if len(lines) > 2 and not sample.endswith(("\n", "\r")) else sample
    if _c_text_frame(io.StringIO(head), delim, skip) is None:
        return None
    return _c_text_frame(path, delim, skip)


_STR = pd.StringDtype("pyarrow", na_value=float("nan"))  # pandas' "str" dtype, Arrow-backed


def _header(path: Path, delim: str, enc: str | None, skip: int) -> list[str] | None:
    """Column names from the header line (after ``skip`` title lines), or ``None`` when unsure."""
    try:
        with path.open("r", encoding=enc or "utf-8", newline="") as fh:
            rows = csv.reader(fh, delimiter=delim)
            for _ in range(skip):
                next(rows)
            return next(rows)
    except (StopIteration, csv.Error, UnicodeDecodeError, LookupError):
        return None


def _has_quote(path: Path) -> bool:
    """Whether the file holds a double quote anywhere (chunks searched in C; stops at the first)."""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if b'"' in chunk:
                return True
    return False


def _read_arrow(path: Path, delim: str, enc: str | None, skip: int) -> pd.DataFrame:
    """Arrow's multi-threaded reader: several times faster than the C engine when every cell is text.

    Called through :mod:`pyarrow.csv` directly with every column typed as text (no type inference, no
    conversion afterwards); headers pandas would rename (repeated or empty names) and encodings other than
    UTF-8 go through ``pandas.read_csv(engine="pyarrow")``, which renames them the pandas way."""
    import pyarrow.csv as pcsv

    names = _header(path, delim, enc, skip) if (enc or "utf-8").lower() in ("utf-8", "utf8") else None
    # With a quote anywhere, Arrow must know that values may hold line breaks: otherwise it cuts the file into
    # blocks at line ends regardless of quotes, and a quote that never closes silently loses the rest of its
    # block (210,000 rows of a 1.5 MB file).
    quoted = _has_quote(path)
    if names and len(set(names)) == len(names) and all(n.strip() for n in names):
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(skip_rows=skip),
            parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=quoted),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        if table.column_names == names and all(pa.types.is_string(f.type) for f in table.schema):
            return table.to_pandas(types_mapper={pa.string(): _STR}.get)
        logger.debug("%s: header read differently by Arrow; reading through pandas", path)
    if quoted:  # pandas' Arrow engine cannot be told about quoted line breaks: the C engine reads it
        raise ValueError("quoted cells: read by the C engine")
    return pd.read_csv(
        path,
        sep=delim,
        skiprows=skip,
        dtype="str",
        keep_default_na=False,
        na_values=[],
        encoding=enc,
        engine="pyarrow",
    )


def _read(
    buffer: io.StringIO | Path, delim: str, enc: str | None, path: Path, skip: int = 0
) -> pd.DataFrame | None:
    """The fast readers; ``None`` when the file needs the careful path (:func:`read_tracked`)."""
    if isinstance(buffer, Path):
        try:
            return _read_arrow(buffer, delim, enc, skip)
        except (ValueError, pa.ArrowException) as exc:  # ragged rows, odd quoting: the C engine decides
            logger.info("%s: the Arrow reader gave up (%s); reading with the C engine", path, exc)
    try:
        with warnings.catch_warnings():
            # pandas warns when lines are wider than the header and would drop cells: read those tolerantly.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                buffer,
                sep=delim,
                dtype="str",
                keep_default_na=False,
                na_filter=False,
                encoding=enc,
                skip_blank_lines=True,
                skiprows=skip,
                index_col=False,  # never take the first column as the index when lines end in a delimiter
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        # Ragged rows (a cell with an unquoted delimiter) or a quote that never closes: the careful path
        # reads every record with the csv module, checked against the physical lines it took.
        logger.warning("%s: ragged rows (%s); re-reading tolerantly", path, exc)
        return None
    except UnicodeError as exc:
        raise InputError(
            f"{path}: cannot decode the text as {enc!r} ({exc}); pass {hint('encoding', repr('cp1252'))}"
        ) from None
