"""The careful CSV path: records read with Python's :mod:`csv`, each checked against the physical lines it
took, so a quote that opens and never closes cannot swallow the lines after it.

The fast readers (Arrow, pandas' C engine) hand over here when a file has ragged rows or a cell holding a line
break. A cell that legitimately spans lines (a quoted note with a line break) is kept as written; a record
whose quoted cell swallowed lines that look like records of their own (as many delimiters as the header's
columns need), or that runs on to the end of the file, is a *runaway quote*: its first line is read again with
the stray quote taken as a literal character, and reading goes on from the next line. Every runaway is
reported with its row, line and field.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "MAX_COLUMNS",
    "RunawayQuote",
    "SplitRow",
    "TrackedRead",
    "lf_file",
    "mask_bare_cr",
    "physical_lines",
    "read_tracked",
    "split_literal",
    "unique_names",
    "unmask_bare_cr",
]

MAX_COLUMNS = 2_048
"""Widest table read (a CSV header's cells, a sheet's extent). Incident extracts have tens of columns; a
wider table is refused before any reader allocates a column per cell (100,000 columns took 1.5 GB)."""


@dataclass(frozen=True)
class RunawayQuote:
    """A cell that opened a quote and never closed it: data row, physical line, column, lines it would
    have swallowed."""

    row: int
    line: int
    column: str
    swallowed: int


@dataclass(frozen=True)
class SplitRow:
    """A record wider than the header because coordinates written with a decimal comma were not quoted in
    a comma-separated file (``59,3293`` became the cells ``59`` and ``3293``): data row, physical line, the
    coordinate columns concerned, and whether the cells were joined back (``False``: more than one way
    to join them fits, so the row's cells were left as read and the row must be rejected)."""

    row: int
    line: int
    columns: tuple[str, ...]
    joined: bool


@dataclass
class TrackedRead:
    """The frame read by :func:`read_tracked` and what it found."""

    frame: pd.DataFrame
    runaways: list[RunawayQuote] = field(default_factory=list)
    split: list[SplitRow] = field(default_factory=list)
    lines: int = 0  # physical lines after the title lines, header included


class _Lines:
    """An iterator over physical lines that knows where it is (and can be moved back)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.i = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.i >= len(self.lines):
            raise StopIteration
        self.i += 1
        return self.lines[self.i - 1]


def physical_lines(text: str) -> list[str]:
    """Lines ended by ``\\r``, ``\\n`` or ``\\r\\n`` only — the line ends :mod:`csv` knows (``str.splitlines``
    would also cut at form feeds and other separators that may sit inside a cell)."""
    return list(io.StringIO(text, newline=""))


_CHUNK_ROWS = 100_000
_QUOTED = re.compile(r'"[^"]*"')
_CR_SIGN = "\ue00d"  # a private-use character standing for a bare CR inside a cell while csv reads the line


def lf_file(text: str) -> bool:
    """Whether the first line (the header's, never inside a quoted cell) ends in LF or CRLF, not CR alone."""
    cr, lf = text.find("\r"), text.find("\n")
    return lf >= 0 and (cr < 0 or cr + 1 >= lf)


def mask_bare_cr(text: str, delim: str, skip: int = 0) -> tuple[str, str | None]:
    """The text with each bare CR that is a character of a cell replaced by a private-use sign, for any
    reader to take as an ordinary character; the sign is returned to be put back in the cells (``None``
    when nothing was replaced).

    Only in a file whose header line ends in LF or CRLF (:func:`lf_file`): there a bare CR followed by
    fewer delimiters than the header holds, before the next line end, cannot start a record of its own and
    belongs to the cell (Python's csv writer and ``DataFrame.to_csv`` quote a cell only for the characters
    of their own line terminator, so a note typed with a carriage return is written bare). A bare CR followed
    by a whole record's worth of delimiters stays a line end (files with mixed line ends). One regular
    expression finds the bare CRs; the rest of the text is copied by slices.
    """
    if not lf_file(text) or _CR_SIGN in text:
        return text, None
    head = next((ln for ln in physical_lines(text[: 1 << 16])[skip:] if ln.strip()), "")
    need = max(1, head.count(delim))
    parts: list[str] = []
    last = 0
    for match in re.finditer("\r(?!\n|$)", text):  # a CR ending the text is no cell's character
        p = match.start()
        stop = min((q for q in (text.find("\r", p + 1), text.find("\n", p + 1)) if q >= 0), default=len(text))
        segment = text[p + 1 : stop]
        if '"' in segment:  # a delimiter inside a quoted cell does not separate cells
            segment = _QUOTED.sub("", segment)
        if segment.count(delim) < need:
            parts += [text[last:p], _CR_SIGN]
            last = p + 1
    if not parts:
        return text, None
    parts.append(text[last:])
    return "".join(parts), _CR_SIGN


def unmask_bare_cr(frame: pd.DataFrame, sign: str) -> pd.DataFrame:
    """The cells (and column names) of a frame read from :func:`mask_bare_cr` text with their CRs back."""
    frame = frame.rename(columns=lambda c: c.replace(sign, "\r") if isinstance(c, str) else c)
    for col in frame.columns:
        values = frame[col]
        if (values.dtype == "str" or values.dtype == object) and values.astype("str").str.contains(
            sign, regex=False
        ).any():
            frame[col] = values.str.replace(sign, "\r", regex=False)
    return frame


def unique_names(header: list[str]) -> list[str]:
    """Column names made unique the way pandas does (``Plats``, ``Plats.1``); empty names ``Unnamed: i``."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(header):
        base = name if name.strip() else f"Unnamed: {i}"
        new = base
        while new in seen:
            seen[base] += 1
            new = f"{base}.{seen[base]}"
        seen.setdefault(new, 0)
        out.append(new)
    return out


def split_literal(line: str, delim: str) -> list[str]:
    """Cells of one line where a quote that never closes is a literal character; quoted cells that do close
    on the line are unquoted as usual (``"Storgatan 1; Malmö"`` stays one cell)."""
    parts = line.rstrip("\r\n").split(delim)
    out: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if part.startswith('"'):
            for j in range(i, min(len(parts), i + 256)):
                cand = delim.join(parts[i : j + 1])
                inner = cand[1:-1]
                if len(cand) >= 2 and cand.endswith('"') and '"' not in inner.replace('""', ""):
                    out.append(inner.replace('""', '"'))
                    i = j + 1
                    break
            else:
                out.append(part)
                i += 1
        else:
            out.append(part)
            i += 1
    return out


def _is_runaway(record: list[str], delim: str, width: int) -> bool:
    """A record spanning several physical lines swallowed others: a later line of one of its cells carries as
    many delimiters as a record of its own (at least two), or the record came out wider than the header.
    (A quoted cell whose later lines each hold a whole record's worth of delimiters cannot be told from a
    quote that swallowed records; it is read as the latter, and reported.)"""
    if len(record) > width:
        return True
    need = max(2, width - 1)
    return any(
        ("\n" in cell or "\r" in cell) and any(ln.count(delim) >= need for ln in physical_lines(cell)[1:])
        for cell in record
    )


_INT_PART = re.compile(r"\s*[-+\u2212]?\d{1,7}")
_FRACTION = re.compile(r"\d{1,12}\s*")
_NUMBER_OR_EMPTY = re.compile(r"\s*(?:[-+\u2212]?\d+(?:[.,]\d+)?)?\s*")


def rejoin_decimal_commas(record: list[str], width: int, positions: Sequence[int]) -> list[list[str]]:
    """The ways ``record`` (wider than ``width``, cut at commas) becomes ``width`` cells by joining, at as
    many coordinate columns (``positions``) as possible, a whole-number cell with the digits after it
    (``59`` + ``3293`` -> ``59,3293``), any cells still over joined into the last column (a note's unquoted
    comma): a list of the candidate records, exactly one when the reading is unambiguous, none when no
    coordinate column can take a decimal part. Every coordinate cell of a candidate is a number or empty.

    >>> rejoin_decimal_commas(["Torget", "59", "3293", "18", "0686"], 3, [1, 2])
    [['Torget', '59,3293', '18,0686']]
    >>> len(rejoin_decimal_commas(["Torget", "59", "18", "5"], 3, [1, 2]))  # 59,18 and 5, or 59 and 18,5
    2
    >>> rejoin_decimal_commas(["6580822", "674032", "Trasig lampa", " 12 st"], 3, [0, 1])  # a note's comma
    []
    >>> rejoin_decimal_commas(["59", "33", "18", "07", "Mörkt", " otryggt"], 3, [0, 1])
    [['59,33', '18,07', 'Mörkt, otryggt']]
    """
    extra = len(record) - width
    for k in range(min(extra, len(positions)), 0, -1):
        out = [c for chosen in itertools.combinations(sorted(positions), k)
               if (c := _joined(record, width, set(chosen), extra - k, positions)) is not None]  # fmt: skip
        if out:
            return out
    return []


def _joined(
    record: list[str], width: int, chosen: set[int], rest: int, positions: Sequence[int]
) -> list[str] | None:
    """``record`` with a decimal part joined at each ``chosen`` column and ``rest`` cells more joined into
    the last column (``None`` when that does not fit or leaves a coordinate cell that is no number)."""
    if rest and width - 1 in positions:
        return None
    cells, j = [], 0
    for i in range(width):
        if i in chosen:
            if j + 1 >= len(record) or not (
                _INT_PART.fullmatch(record[j]) and _FRACTION.fullmatch(record[j + 1])
            ):
                return None
            cells.append(f"{record[j]},{record[j + 1]}")
            j += 2
        elif i == width - 1:
            cells.append(",".join(record[j : j + 1 + rest]))
            j += 1 + rest
        else:
            cells.append(record[j])
            j += 1
    if j != len(record) or not all(_NUMBER_OR_EMPTY.fullmatch(cells[i]) for i in positions):
        return None
    return cells


def read_tracked(
    text: str,
    delim: str,
    skip: int = 0,
    coordinates: Callable[[list[str]], Sequence[int]] | None = None,
) -> TrackedRead:
    """Every record of ``text`` after ``skip`` title lines, as text cells under the first record's names.

    Records wider than the header have their extra cells joined back into the last column (nothing lost);
    shorter ones are padded with ``""``; lines holding nothing are no records. In a comma-separated file,
    ``coordinates`` (the header -> positions of its coordinate columns) lets a record that is wider because
    coordinates with a decimal comma were not quoted be read right where only one way of joining fits
    (:func:`rejoin_decimal_commas`); every such record is listed in ``split``.
    """
    lines = physical_lines(text)[skip:]
    src = _Lines(lines)
    reader = csv.reader(src, delimiter=delim, strict=True)
    rows: list[list[str]] = []
    chunks: list[pd.DataFrame] = []
    runaways: list[RunawayQuote] = []
    header: list[str] | None = None
    width = 0
    positions: Sequence[int] = ()
    split: list[SplitRow] = []
    while src.i < len(lines):
        start = src.i
        parsed: list[str] | None
        at_end = False
        try:
            parsed = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a quote closed before a non-delimiter, or the end of the file inside one
            parsed, at_end = None, "end of data" in str(exc)
        end = max(src.i, start + 1)
        if parsed is None and end - start == 1 and not at_end:
            record = next(csv.reader([lines[start]], delimiter=delim), [])  # sloppy quoting on one line
        elif parsed is None or (end - start > 1 and header is not None and _is_runaway(parsed, delim, width)):
            record = split_literal(lines[start], delim)
            if header is not None:
                col = next((k for k, c in enumerate(record) if c.startswith('"')), len(record) - 1)
                name = header[min(col, width - 1)]
                runaways.append(
                    RunawayQuote(
                        len(chunks) * _CHUNK_ROWS + len(rows) + 1, skip + start + 1, name, end - start - 1
                    )
                )
            src.i = start + 1
        else:
            record = parsed
        if end - start > 1 or parsed is None:
            reader = csv.reader(src, delimiter=delim, strict=True)
        if not any(c.strip() for c in record):
            continue
        if header is None:
            header, width = record, len(record)
            positions = coordinates(header) if coordinates is not None and delim == "," else ()
            continue
        while len(record) > width and not record[-1].strip():
            record.pop()
        if positions and len(record) > width:
            ways = rejoin_decimal_commas(record, width, positions)
            last = [*record[: width - 1], delim.join(record[width - 1 :])]
            plain = all(_NUMBER_OR_EMPTY.fullmatch(last[i]) for i in positions)
            row_no, names = len(chunks) * _CHUNK_ROWS + len(rows) + 1, tuple(header[i] for i in positions)
            if len(ways) == 1:  # one decimal reading fits: joined back
                split.append(SplitRow(row_no, skip + start + 1, names, True))
                record = ways[0]
            elif ways or not plain:  # several fit, or none and the coordinate cells are shifted: rejected
                split.append(SplitRow(row_no, skip + start + 1, names, False))
            # else: no decimal reading and the coordinates stand: a later cell's unquoted comma
        if len(record) > width:
            record = [*record[: width - 1], delim.join(record[width - 1 :])]
        elif len(record) < width:
            record = record + [""] * (width - len(record))
        rows.append(record)
        if len(rows) == _CHUNK_ROWS:  # Arrow-backed text a chunk at a time: lists of str cost ~10x more
            chunks.append(pd.DataFrame(rows, columns=unique_names(header), dtype="str"))
            rows = []
    if header is None:
        return TrackedRead(pd.DataFrame(), runaways, split, len(lines))
    chunks.append(pd.DataFrame(rows, columns=unique_names(header), dtype="str"))
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    return TrackedRead(frame, runaways, split, len(lines))
