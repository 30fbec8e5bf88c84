"""The one workbook check: every part parsed, no entity declared, each sheet's real extent within bounds.

A spreadsheet reader (python-calamine, like openpyxl) builds a sheet as one dense range from its first to its
last cell, so a single cell in column XFD turns a 50 kB workbook into 40 million cells; and an XML parser that
honours a document type declaration can be made to expand a few kilobytes into gigabytes ("billion laughs") or
to read local files. :func:`check_workbook` runs before any reader sees the file:

- a zip container (.xlsx/.xlsm/.xlsb/.ods): the declared uncompressed size is bounded, then **every** part
  is decompressed as a stream (:mod:`zipfile` refuses a member longer than declared, or with a wrong
  checksum) and every part that is XML — whatever its name, case or extension — goes through expat with
  handlers that refuse a document type or entity declaration wherever it sits (a comment of any length
  before it does not hide it).
  The same pass measures where the cells that hold values really are: ``<c>`` elements of SpreadsheetML,
  ``<table:table-cell>`` of OpenDocument with their repeat counts, and the cell records of the binary .xlsb
  parts; a ``<dimension>`` element, which may lie or be missing, is not trusted;
- an OLE2 container (.xls) is bounded by its file size and by the BIFF cell records found in it.

The dense range a reader would build (rows × columns from the first to the last cell holding a value) must fit
the cell budget that ``max_excel_mb`` gives; otherwise the workbook is refused with a message that names the
sheet part and its extent. Streaming through expat is written here because no library offers "parse, refuse
DTDs, and measure the sheet" in one bounded pass (defusedxml refuses DTDs but builds trees or events per
element for the caller to walk anyway).
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from trygghet_geo._hints import hint
from trygghet_geo.errors import InputError, ParameterError
from trygghet_geo.io._lines import MAX_COLUMNS

__all__ = ["Extent", "check_workbook", "measure_parts"]

_CHUNK = 1 << 20
_MAX_PARTS = 10_000
# A dense cell costs a reader ~32 bytes in Rust (calamine's cell enum) plus an 8-byte pointer and its Python
# object once converted: the budget is one cell per 25 bytes of ``max_excel_mb`` (4 million cells at 100 MB),
# which keeps a sheet's dense range under ~400 MB at the default.
_BYTES_PER_CELL = 25
_MAX_COLS, _MAX_ROWS = 16_384, 1_048_576
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class _RefusedError(Exception):
    """Raised from inside an expat handler to stop the parse."""


@dataclass
class Extent:
    """First and last row and column (0-based) of the cells holding a value in one sheet."""

    part: str
    strings_max: int = -1  # the largest shared-string index a cell points at (-1: none)
    strings_bad: tuple[str, str] | None = None  # (cell, text) of a shared-string index that is no index
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # OpenDocument
    min_row: int = _MAX_ROWS * 1000
    max_row: int = -1
    min_col: int = _MAX_COLS * 1000
    max_col: int = -1

    def add(self, row0: int, row1: int, col0: int, col1: int) -> None:
        """Widen by the block of cells from (row0, col0) to (row1, col1)."""
        self.min_row, self.max_row = min(self.min_row, row0), max(self.max_row, row1)
        self.min_col, self.max_col = min(self.min_col, col0), max(self.max_col, col1)

    @property
    def cells(self) -> int:
        """Cells of the dense range a reader builds (0 for an empty sheet)."""
        if self.max_row < 0:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_col - self.min_col + 1)

    def ref(self) -> str:
        """The range in A1 notation (``A1:XFD2500``)."""
        if self.max_row < 0:
            return "(empty)"
        return f"{_letters(self.min_col)}{self.min_row + 1}:{_letters(self.max_col)}{self.max_row + 1}"


@dataclass
class _SheetScan:
    """Expat handler state: cells of SpreadsheetML (``row``/``c``/``v``) and OpenDocument (``table-row``/
    ``table-cell``) with values, positions given or implied."""

    part: str
    sheets: list[Extent] = field(default_factory=list)
    row: int = -1
    col: int = -1
    cell: tuple[int, int, int, int] | None = None  # the open cell: rows and columns it covers
    row_repeat: int = 1

    def _sheet(self) -> Extent:
        if not self.sheets:
            self.sheets.append(Extent(self.part))
        return self.sheets[-1]

    def start(self, name: str, attrs: list[str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            r = _attr(attrs, "r")
            self.row = int(r) - 1 if r and r.isdigit() else self.row + 1
            self.col = -1
        elif local == "c":
            ref = _attr(attrs, "r")
            row, col = _cell_ref(ref) if ref else (None, None)
            self.row = row if row is not None else max(self.row, 0)
            self.col = col if col is not None else self.col + 1
            self.cell = (self.row, self.row, self.col, self.col)
        elif local in ("v", "is") and self.cell is not None:
            self._sheet().add(*self.cell)
        elif local == "table":
            self.sheets.append(Extent(f"{self.part} (table {_attr(attrs, 'table:name')!r})"))
            self.row = -1
        elif local == "table-row":
            self.row_repeat = _count(_attr(attrs, "table:number-rows-repeated"))
            self.row += 1
            self.col = -1
        elif local in ("table-cell", "covered-table-cell"):
            repeat = _count(_attr(attrs, "table:number-columns-repeated"))
            first = self.col + 1
            self.col += repeat
            self.cell = (self.row, self.row + self.row_repeat - 1, first, self.col)
            if _attr(attrs, "office:value-type"):
                self._sheet().add(*self.cell)
                span = _count(_attr(attrs, "table:number-rows-spanned"))
                if span > 1:  # a merged cell (python-calamine gives no merged ranges for .ods)
                    self._sheet().merges.append(((self.row, first), (self.row + span - 1, first)))
        elif local == "p" and self.cell is not None and name.startswith("text:"):
            self._sheet().add(*self.cell)

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local in ("c", "table-cell", "covered-table-cell"):
            self.cell = None
        elif local == "table-row":
            self.row += self.row_repeat - 1
            self.row_repeat = 1


def _attr(attrs: list[str], key: str) -> str | None:
    for i in range(0, len(attrs), 2):
        if attrs[i] == key:
            return attrs[i + 1]
    return None


def _count(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 19 else 1


def _cell_ref(ref: str) -> tuple[int | None, int | None]:
    """0-based row and column of ``"B12"`` (``None`` for a part that cannot be read)."""
    ref = ref.replace("$", "").upper()
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    ok = letters.isascii() and letters.isalpha() and len(letters) <= 7
    col = _column_number(letters) - 1 if ok else None
    row = int(digits) - 1 if digits.isdigit() and len(digits) < 19 else None
    return row, col


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _letters(col: int) -> str:
    out = ""
    n = col + 1
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _refuse_dtd(*_: Any) -> int:
    raise _RefusedError("declares a document type or XML entities, which Excel and LibreOffice never write")


def _looks_like_xml(head: bytes) -> bool:
    """Whether a part starts like XML in any encoding expat reads (after a BOM and blank space)."""
    h = head.lstrip(b" \t\r\n")
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if h.startswith(bom):
            return True
    return h.startswith((b"<", b"\x00<", b"\x4c\x6f\xa7\x94"))  # the last: "<?xm" in EBCDIC


def _guarded_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    return parser


def _parse_xml(stream: IO[bytes], part: str, first: bytes) -> list[Extent]:
    """Stream one XML part through expat with element handlers: refuse any DTD or entity, collect the sheet
    extents of SpreadsheetML and OpenDocument (any encoding, any prefix, positions given or implied)."""
    scan = _SheetScan(part)
    parser = _guarded_parser()
    parser.ordered_attributes = True
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    chunk = first
    while chunk:
        parser.Parse(chunk, False)
        chunk = stream.read(_CHUNK)
    parser.Parse(b"", True)
    return [e for e in scan.sheets if e.max_row >= 0]


# Excel, LibreOffice and openpyxl write the reference first (``<c r="B12" ...>``); a part written otherwise
# counts fewer references than cells and takes the exact expat path.
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,9})"')
_CELL_COL = re.compile(rb'<c r="([A-Z]{1,3})\d{1,9}"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,9})"')
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b"<c\t", b"<c\n", b"<c\r")
_SLOW_MARKS = re.compile(rb"table-cell|<[\w.-]+:c[\s/>]")
_DECLARED = re.compile(rb'^\s*<\?xml[^>]*encoding\s*=\s*["\']([^"\']*)', re.IGNORECASE)


def _needs_exact(body: bytes) -> bool:
    """OpenDocument cells, or SpreadsheetML cells with a namespace prefix (``<x:c``): the exact path."""
    if b"table-cell" in body:
        return True
    return (b":c " in body or b":c>" in body or b":c/" in body) and _SLOW_MARKS.search(body) is not None


def _fast_xml(stream: IO[bytes], part: str, first: bytes) -> list[Extent] | None:
    """The common case at C speed: a UTF-8 SpreadsheetML part whose every ``<c>`` names its cell. Expat
    (no element handlers) refuses DTDs; one regular expression collects the cell references. ``None`` when
    the part needs :func:`_parse_xml` (another encoding, prefixed elements, OpenDocument cells, a ``<c>``
    without ``r``)."""
    declared = _DECLARED.match(first)
    if first[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in first[:4]:
        return None
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii"):
        return None
    parser = _guarded_parser()
    cols: set[bytes] = set()
    rows: set[bytes] = set()
    tail, n_tags, n_refs = b"", 0, 0
    strings = _StringRefs()
    chunk = first
    while chunk:
        parser.Parse(chunk, False)
        strings.feed(chunk)
        buf = tail + chunk
        cut = buf.rfind(b"<")
        body, tail = (buf[:cut], buf[cut:]) if cut > 0 else (b"", buf)
        if _needs_exact(body):
            return None
        letters = _CELL_COL.findall(body)  # two one-group passes: lists of bytes, no tuple per cell
        n_refs += len(letters)
        n_tags += sum(body.count(tag) for tag in _CELL_TAGS)
        cols.update(letters)
        rows.update(_CELL_ROW.findall(body))
        chunk = stream.read(_CHUNK)
    parser.Parse(b"", True)
    if _needs_exact(tail) or _CELL_REF.search(tail) or any(tag in tail for tag in _CELL_TAGS):
        return None
    if n_tags != n_refs:
        return None
    if not cols:
        return []
    col_numbers = [_column_number(c.decode().upper()) - 1 for c in cols]
    row_numbers = [int(r) - 1 for r in rows]
    ext = Extent(part)
    ext.add(min(row_numbers), max(row_numbers), min(col_numbers), max(col_numbers))
    strings.feed(b"", final=True)
    ext.strings_max, ext.strings_bad = strings.largest, strings.bad
    return [ext]


_STRING_CELL = re.compile(rb'<c r="([A-Z]{1,3}\d{1,9})"[^>]*?\st="s"[^>]*>\s*<v>([^<]*)</v>')


@dataclass
class _StringRefs:
    """The shared-string indices that a sheet's cells (``t="s"``) point at, over chunks: the largest, and
    the first that is no index at all (``-1``, ``abc``, empty), with its cell. python-calamine reads such an
    index as 0, showing the first shared string's text in that cell."""

    largest: int = -1
    bad: tuple[str, str] | None = None
    carry: bytes = b""

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        buf = self.carry + chunk
        cut = len(buf) if final else buf.rfind(b"<c ")  # cells before the last one are whole
        if cut <= 0:
            self.carry = buf
            return
        body, self.carry = buf[:cut], buf[cut:]
        if b't="s"' not in body:
            return
        for ref, value in _STRING_CELL.findall(body):
            text = value.strip()
            if text.isdigit() and len(text) < 12:
                self.largest = max(self.largest, int(text))
            elif self.bad is None:
                self.bad = (ref.decode(), value.decode("utf-8", "replace"))


def _parse_biff12(stream: IO[bytes], part: str, first: bytes) -> list[Extent]:
    """Cell records of an .xlsb part (BIFF12): ``BrtRowHdr`` (0) gives the row, records 1–11 the column."""
    data = first + stream.read()
    ext = Extent(part)
    i, n, row = 0, len(data), 0
    while i < n:
        rtype, i = _varint(data, i, 2)
        size, i = _varint(data, i, 4)
        if i + size > n:
            break
        if rtype == 0 and size >= 4:
            row = struct.unpack_from("<I", data, i)[0]
        elif 1 <= rtype <= 11 and size >= 4:
            col = struct.unpack_from("<I", data, i)[0]
            ext.add(row, row, col, col)
        i += size
    return [ext] if ext.max_row >= 0 else []


def _varint(data: bytes, i: int, most: int) -> tuple[int, int]:
    value = 0
    for k in range(most):
        if i >= len(data):
            return value, i
        b = data[i]
        i += 1
        value |= (b & 0x7F) << (7 * k)
        if not b & 0x80:
            break
    return value, i


def measure_parts(path: Path, z: zipfile.ZipFile) -> list[Extent]:
    """Decompress every part of a zip workbook once, refusing DTDs in XML parts; the sheets' extents."""
    extents: list[Extent] = []
    names = [i.filename for i in z.infolist()]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise InputError(
            f"{path}: refused: part {twice!r} is stored twice in the workbook (readers disagree on which "
            "copy counts); save the workbook again from Excel or LibreOffice"
        )
    shared = -1
    for info in z.infolist():
        if info.is_dir():
            continue
        if info.filename.lower().endswith("sharedstrings.xml"):
            shared = max(shared, 0) + _count_strings(z, info)
        with z.open(info) as f:
            first = f.read(_CHUNK)
            try:
                if _looks_like_xml(first[:64]):
                    fast = _fast_xml(f, info.filename, first)
                    if fast is None:
                        with z.open(info) as again:
                            fast = _parse_xml(again, info.filename, again.read(_CHUNK))
                    extents += fast
                elif info.filename.lower().endswith(".bin") and b"vbaProject" not in info.filename.encode():
                    extents += _parse_biff12(f, info.filename, first)
                else:
                    while f.read(_CHUNK):  # the checksum and size are verified by reading to the end
                        pass
            except _RefusedError as exc:
                raise InputError(
                    f"{path}: refused: part {info.filename!r} {exc}; entities are never resolved"
                ) from None
            except expat.ExpatError as exc:
                raise InputError(f"{path}: part {info.filename!r} is not well-formed XML ({exc})") from None
    _check_strings(path, extents, max(shared, 0))
    return extents


def _count_strings(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """``<si>`` items of the shared-string table (counted on the bytes; the part is parsed with the rest)."""
    n, carry = 0, b""
    with z.open(info) as f:
        while chunk := f.read(_CHUNK):
            buf = carry + chunk
            n += buf.count(b"<si>") + buf.count(b"<si ")
            carry = buf[-3:]  # too short to hold a whole tag: nothing is counted twice
    return n


def _check_strings(path: Path, extents: list[Extent], count: int) -> None:
    """Refuse a cell pointing at a shared string that does not exist: a reader would show another text."""
    for ext in extents:
        if ext.strings_bad is not None:
            ref, value = ext.strings_bad
            raise InputError(
                f"{path}: refused: cell {ref} of sheet part {ext.part!r} points at shared string {value!r}, "
                "which is no index; a reader would show another cell's text there"
            )
        if ext.strings_max >= count:
            raise InputError(
                f"{path}: refused: sheet part {ext.part!r} has a cell pointing at shared string "
                f"{ext.strings_max}, but the workbook holds {count} shared strings"
            )


def _biff8_extent(path: Path, data: bytes) -> list[Extent]:
    """Cells of an .xls file: BIFF8 cell records (row and column in their first four bytes) found in the
    compound file's sectors. A record split over two sectors may be missed; the file-size bound still
    holds."""
    ext = Extent(path.name)
    cell_records = {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00BD, 0x0201, 0x00BE, 0x00D6}
    i, n = 512, len(data)
    while i + 4 <= n:
        rtype, size = struct.unpack_from("<HH", data, i)
        if rtype == 0x0809 and size in (8, 16):  # BOF: a record stream starts (workbook globals or a sheet)
            j = i
            while j + 4 <= n:
                rtype, size = struct.unpack_from("<HH", data, j)
                if rtype == 0x000A or size > 8224:  # EOF of the substream, or no record any more
                    break
                if rtype in cell_records and size >= 4:
                    row, col = struct.unpack_from("<HH", data, j + 4)
                    last = col
                    if rtype in (0x00BD, 0x00BE) and size >= 6:  # MULRK/MULBLANK: last column at the end
                        last = struct.unpack_from("<H", data, j + 4 + size - 2)[0]
                    ext.add(row, row, col, max(col, last))
                j += 4 + size
            i = j + 4
        else:
            i += 512
    return [ext] if ext.max_row >= 0 else []


def check_workbook(path: Path, *, max_excel_mb: float | None = None) -> list[Extent]:
    """Refuse a workbook that is too large once uncompressed, declares XML entities, or whose sheets' real
    extent (first to last cell holding a value) is more cells than ``max_excel_mb`` allows; return the
    extents.

    Raises
    ------
    InputError
        Unreadable container, a part over the size limit or lying about its size, a document type or entity
        declaration in any XML part, or a sheet whose dense range exceeds the cell budget.
    """
    limit_mb = _limit(max_excel_mb)
    named = hint("max_excel_mb", f"{limit_mb:g}")  # max_excel_mb=100 in Python, --max-excel-mb 100 on the CLI
    limit = limit_mb * 1e6
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic == _OLE2:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path}: refused: the workbook is {size / 1e6:.0f} MB, over {named}")
        extents = _biff8_extent(path, path.read_bytes())
    else:
        try:
            with zipfile.ZipFile(path) as z:
                infos = z.infolist()
                total = sum(i.file_size for i in infos)
                if total > limit or len(infos) > _MAX_PARTS:
                    raise InputError(
                        f"{path}: refused: the workbook expands to {total / 1e6:.0f} MB in {len(infos)} "
                        f"parts, over the limit of {named} MB (a decompression bomb, or an extract too large "
                        f"for Excel: save it as CSV, or raise {hint('max_excel_mb')})"
                    )
                extents = measure_parts(path, z)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            raise InputError(
                f"{path}: not a readable spreadsheet workbook (.xlsx, .xlsm, .xlsb, .xls, .ods): {exc}"
            ) from None
    budget = int(limit / _BYTES_PER_CELL)
    for ext in extents:
        width = ext.max_col - ext.min_col + 1
        if ext.max_row >= 0 and width > MAX_COLUMNS:
            raise InputError(
                f"{path}: refused: sheet part {ext.part!r} has cells from {ext.ref()}, {width:,} columns "
                f"wide (at most {MAX_COLUMNS:,} are read; a stray cell far right of the table?); delete "
                "the stray cells or save the sheet as CSV"
            )
        if ext.max_row >= _MAX_ROWS or ext.max_col >= _MAX_COLS or ext.cells > budget:
            raise InputError(
                f"{path}: refused: sheet part {ext.part!r} has cells from {ext.ref()} ({ext.cells:,} "
                "cells once laid out, most of them empty if a stray cell sits far from the table), more "
                f"than {named} allows ({budget:,} cells); delete the stray cells or save "
                "the sheet as CSV"
            )
    return extents


def _limit(max_excel_mb: float | None) -> float:
    if max_excel_mb is None:
        from trygghet_geo import options

        return float(options.max_excel_mb)
    if isinstance(max_excel_mb, bool) or not isinstance(max_excel_mb, int | float) or not max_excel_mb > 0:
        raise ParameterError(
            f"{hint('max_excel_mb', repr(max_excel_mb))}: expected a positive number of megabytes"
        )
    if max_excel_mb == float("inf"):
        raise ParameterError(
            f"{hint('max_excel_mb', repr(max_excel_mb))}: expected a finite number of megabytes"
        )
    return float(max_excel_mb)
