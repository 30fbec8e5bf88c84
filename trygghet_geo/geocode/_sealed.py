"""A saved gazetteer checked whole before it is used: a file whose footer (or header) is intact but whose data
is damaged (a disk error, a copy cut short and padded, a byte flipped in transit) is found before the street
network is read, not after it, nor read as wrong places.

- **GeoParquet** (``.parquet``): :func:`write_sealed` writes the table with pyarrow and stores a CRC-32 of
  every byte before the footer, and their number, in the footer's key-value metadata
  (``trygghet_geo.crc32``, ``trygghet_geo.sealed_bytes``); :func:`check_saved` compares them with the file,
  at the speed of reading it (zlib's CRC runs at gigabytes a second), without decoding a page. Parquet's own
  page checksums are written too (``write_page_checksum``), so other readers can verify the pages. A file
  without the seal (saved by an older version or another tool) is decoded in full instead, which finds a
  page that cannot be decompressed, though not a changed value in one.
- **GeoPackage** (``.gpkg``): SQLite's own ``PRAGMA quick_check`` (every page and b-tree of the database).

Each fault is an :class:`~trygghet_geo.errors.InputError` naming the file and saying how to fix it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["check_saved", "write_sealed"]

CRC_KEY, SIZE_KEY = b"trygghet_geo.crc32", b"trygghet_geo.sealed_bytes"
_BLOCK = 1 << 20
FIX = (
    "delete the file or rebuild it with 'trygghet-geo geocode FILE --gazetteer EXTRACT.osm.pbf "
    "--save-gazetteer {path}' (or Gazetteer.save)"
)


class _Summing:
    """A binary file that keeps the CRC-32 and the number of the bytes written through it."""

    def __init__(self, raw: Any) -> None:
        self.raw, self.crc, self.size, self.closed = raw, 0, 0, False

    def write(self, data: Any) -> int:
        data = bytes(data)
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        return int(self.raw.write(data))

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:  # the caller closes the file itself
        self.closed = True


def write_sealed(frame: gpd.GeoDataFrame, path: Path) -> None:
    """``frame`` as GeoParquet at ``path`` (as ``GeoDataFrame.to_parquet`` writes it), sealed by a CRC-32 of
    its data in the footer."""
    import pyarrow.parquet as pq
    from geopandas.io.arrow import _geopandas_to_arrow  # the table to_parquet writes, with its 'geo' key

    table = _geopandas_to_arrow(frame, index=False)
    with path.open("wb") as raw:
        sink = _Summing(raw)
        with pq.ParquetWriter(sink, table.schema, write_page_checksum=True) as writer:
            writer.write_table(table)
            # every data page is in the file now; the footer, written at close, carries their sum
            writer.add_key_value_metadata({CRC_KEY: f"{sink.crc:08x}", SIZE_KEY: str(sink.size)})


def _crc(path: Path, size: int) -> int:
    crc, left = 0, size
    with path.open("rb") as fh:
        while left > 0:
            block = fh.read(min(_BLOCK, left))
            if not block:
                break
            crc, left = zlib.crc32(block, crc), left - len(block)
    return crc if left == 0 else -1


def _parquet_fault(path: Path, decode: bool) -> str | None:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except Exception as exc:  # pyarrow fails in its own way on each broken footer
        return f"its footer cannot be read: {type(exc).__name__}: {exc}"
    seal = meta.metadata or {}
    if CRC_KEY in seal and SIZE_KEY in seal:
        try:
            size, crc = int(seal[SIZE_KEY]), int(seal[CRC_KEY], 16)
        except ValueError:
            return "its checksum is unreadable"
        if _crc(path, size) != crc:
            return "its data does not match the checksum in its footer"
        return None
    if not decode:
        return None
    try:  # no seal: every page decoded, and the rows counted against the footer
        rows = pq.ParquetFile(path, page_checksum_verification=True).read().num_rows
    except Exception as exc:
        return f"a page cannot be read: {type(exc).__name__}: {exc}"
    return None if rows == meta.num_rows else f"{rows} rows read, its footer says {meta.num_rows}"


def _geopackage_fault(path: Path) -> str | None:
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            found = [str(row[0]) for row in db.execute("PRAGMA quick_check(5)")]
    except sqlite3.Error as exc:
        return f"SQLite: {exc}"
    return None if found == ["ok"] else f"SQLite's check: {'; '.join(found)[:200]}"


def check_saved(path: str | Path, flag: str = "gazetteer file", *, decode: bool = True) -> None:
    """Raise :class:`~trygghet_geo.errors.InputError` when the saved gazetteer at ``path`` is damaged (see
    the module's text); ``flag`` names it in the message (the option that gave it). ``decode=False``: a
    GeoParquet file without the seal is left to the reader that reads it next (which decodes it anyway)."""
    path = Path(path)
    suffix = path.suffix.lower()
    fault = None
    if suffix == ".parquet":
        fault = _parquet_fault(path, decode)
    elif suffix == ".gpkg":
        fault = _geopackage_fault(path)
    if fault is not None:
        detail = " ".join(fault.split())[:300]
        raise InputError(
            f"{flag} {str(path)!r}: the saved gazetteer is damaged ({detail}); {FIX.format(path=path)}"
        )
