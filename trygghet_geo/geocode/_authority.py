"""Read an authoritative address point layer: Lantmäteriet's belägenhetsadresser or a municipal layer.

The layer is read with pyogrio/geopandas (GeoPackage, GeoParquet, shapefile) or pandas (CSV with coordinate
columns). Columns are recognised by their folded names (case, å/ä/ö and punctuation ignored), so that
``Adressplatsnummer``, ``ADRESSPLATSNUMMER`` and ``adressplats_nummer`` are one column; an explicit mapping
takes over where a layer uses other names.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from trygghet_geo.errors import InputError
from trygghet_geo.geocode._addresses import ITEM_COLUMNS, house_number
from trygghet_geo.geocode._parse import folded_key, parse_place

__all__ = ["ADDRESS_SOURCES", "read_address_layer"]

logger = logging.getLogger(__name__)

ADDRESS_SOURCES = ("lantmateriet", "municipal")
# field -> folded column names, most specific first (Lantmäteriet's names, then common municipal ones)
_NAMES: dict[str, tuple[str, ...]] = {
    "street": (
        "adressomrade",
        "adressomradesnamn",
        "adressomradefaststalltnamn",
        "faststalltnamn",
        "gardsadressomrade",
        "gatunamn",
        "gatuadressnamn",
        "gata",
        "gatan",
        "vagnamn",
        "street",
        "streetname",
        "addrstreet",
    ),
    "number": (
        "adressplatsnummer",
        "adressplatsnr",
        "adressnummer",
        "nummer",
        "gatunummer",
        "husnummer",
        "nr",
        "number",
        "housenumber",
        "addrhousenumber",
    ),
    "letter": ("bokstavstillagg", "bokstav", "littera", "letter"),
    "postcode": ("postnummer", "postnr", "postcode", "postalcode", "addrpostcode"),
    "town": ("postort", "ort", "town", "city", "addrcity"),
    "municipality": ("kommunkod", "kommunnamn", "kommun", "municipality"),
    "label": ("belagenhetsadress", "beladress", "adress", "gatuadress", "address", "fulladdress"),
    "x": ("x", "e", "east", "easting", "lon", "longitude", "xkoord", "ekoordinat", "ostkoordinat"),
    "y": ("y", "n", "north", "northing", "lat", "latitude", "ykoord", "nkoordinat", "nordkoordinat"),
}
# any of these folded column names marks Lantmäteriet's layout
_LANTMATERIET = {"adressplatsnummer", "bokstavstillagg", "adressomrade", "adressomradesnamn", "lagestillagg"}


def _find_columns(frame: pd.DataFrame, explicit: dict[str, str] | None, path: Path) -> dict[str, str]:
    folded = {folded_key(str(c)): str(c) for c in frame.columns}
    found: dict[str, str] = {}
    for field, names in _NAMES.items():
        hit = next((folded[n] for n in names if n in folded), None)
        if hit is not None:
            found[field] = hit
    for field, column in (explicit or {}).items():
        if field not in _NAMES:
            raise InputError(
                f"address layer {str(path)!r}: unknown field {field!r} in the column mapping; "
                f"expected some of {sorted(_NAMES)}"
            )
        if column not in frame.columns:
            raise InputError(
                f"address layer {str(path)!r}: column {column!r} (mapped to {field}) is not in the layer; "
                f"columns are {list(map(str, frame.columns))}"
            )
        found[field] = column
    if "street" not in found and "label" not in found:
        raise InputError(
            f"address layer {str(path)!r}: no street column found (e.g. adressomrade, gatunamn) and no "
            f"address column; columns are {list(map(str, frame.columns))}. Pass address_columns="
            "{'street': ..., 'number': ...}"
        )
    if "number" not in found and "label" not in found:
        raise InputError(
            f"address layer {str(path)!r}: no house number column found (e.g. adressplatsnummer, nummer); "
            f"columns are {list(map(str, frame.columns))}"
        )
    return found


def _read(path: Path, columns: dict[str, str] | None) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".geoparquet"):
        return gpd.read_parquet(path)
    if suffix not in (".csv", ".txt"):
        return gpd.read_file(path)
    frame = pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    found = _find_columns(frame, columns, path)
    if "x" not in found or "y" not in found:
        raise InputError(
            f"address layer {str(path)!r}: a CSV needs coordinate columns (x/y, e/n, lon/lat); "
            f"columns are {list(frame.columns)}"
        )
    xy = [pd.to_numeric(frame[found[k]].str.replace(",", "."), errors="coerce") for k in ("x", "y")]
    bad = np.flatnonzero(xy[0].isna().to_numpy() | xy[1].isna().to_numpy())
    if len(bad):
        raise InputError(
            f"address layer {str(path)!r}, row {int(bad[0]) + 2}: coordinates "
            f"{found['x']}/{found['y']} are not numbers"
        )
    lonlat = bool(xy[0].abs().max() <= 180 and xy[1].abs().max() <= 90)
    crs = "EPSG:4326" if lonlat else "EPSG:3006"  # SWEREF 99 TM: what Swedish registers deliver
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xy[0], xy[1]), crs=crs)


def read_address_layer(
    path: str | Path, *, columns: dict[str, str] | None = None, source: str | None = None
) -> gpd.GeoDataFrame:
    """Read an address point layer into the gazetteer's address items.

    Parameters
    ----------
    path : str or Path
        GeoPackage, GeoParquet, shapefile, or CSV (``;`` or ``,`` separated) with x/y columns (SWEREF 99 TM
        unless they look like longitude/latitude).
    columns : dict, optional
        Field -> column name where the layer's names are not recognised. Fields: ``street``, ``number``,
        ``letter``, ``postcode``, ``town``, ``municipality``, ``label`` (a whole address such as
        ``"Storgatan 3 B"``), ``x``, ``y``. Recognised without a mapping: Lantmäteriet's belägenhetsadress
        names (``adressomrade``/``adressomradesnamn``, ``adressplatsnummer``, ``bokstavstillagg``,
        ``postnummer``, ``postort``, ``kommunkod``) and common municipal ones (``gatunamn``, ``nummer``,
        ``bokstav``, ...), in any case.
    source : {"lantmateriet", "municipal"}, optional
        Where the layer comes from; by default ``lantmateriet`` when it has Lantmäteriet's column names,
        else ``municipal``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per address point: ``street``, ``number``, ``number_to``, ``letter``, ``postcode``,
        ``town``, ``origin``, point geometry.

    Raises
    ------
    InputError
        When the file is missing or unreadable, lacks street or number columns, or a row's number is not a
        house number (the message names the file, row and column).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"address layer {str(path)!r} does not exist")
    if source is not None and source not in ADDRESS_SOURCES:
        raise InputError(f"address layer source {source!r}: expected one of {ADDRESS_SOURCES}")
    try:
        frame = _read(path, columns)
    except InputError:
        raise
    except Exception as exc:  # pyogrio/pyarrow raise many kinds for unreadable files
        raise InputError(f"address layer {str(path)!r} could not be read: {exc}") from exc
    if frame.crs is None:
        raise InputError(f"address layer {str(path)!r} has no coordinate reference system")
    found = _find_columns(frame, columns, path)
    if source is None:
        is_lm = any(folded_key(str(c)) in _LANTMATERIET for c in frame.columns)
        source = "lantmateriet" if is_lm else "municipal"
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return _items(frame, found, path, source)


def _text(frame: pd.DataFrame, found: dict[str, str], field: str) -> list[str]:
    if field not in found:
        return [""] * len(frame)
    return ["" if pd.isna(v) else str(v).strip() for v in frame[found[field]]]


def _items(frame: gpd.GeoDataFrame, found: dict[str, str], path: Path, source: str) -> gpd.GeoDataFrame:

    streets, numbers = _text(frame, found, "street"), _text(frame, found, "number")
    letters, labels = _text(frame, found, "letter"), _text(frame, found, "label")
    postcodes, towns = _text(frame, found, "postcode"), _text(frame, found, "town")
    rows: list[dict[str, Any]] = []
    unnumbered = 0
    points = frame.geometry.representative_point().to_numpy()
    for i in range(len(frame)):
        street, number = streets[i], numbers[i]
        if (not street or not number) and labels[i]:  # a whole address: "Storgatan 3 B"
            p = parse_place(labels[i])
            street = street or p.street
            number = number or (f"{p.house_number}{p.house_letter}" if p.house_number else "")
        if not street or not number:
            unnumbered += 1  # an address place without a number (a farm name) cannot be matched by number
            continue
        parsed = house_number(number)
        if not parsed:
            column = found.get("number", found.get("label", "number"))
            raise InputError(
                f"address layer {str(path)!r}, row {i + 1}, column {column!r}: "
                f"{number!r} is not a house number"
            )
        for n, to, letter in parsed:
            rows.append(
                {
                    "street": street,
                    "number": n,
                    "number_to": to,
                    "letter": (letters[i] or letter).lower(),
                    "postcode": postcodes[i].replace(" ", ""),
                    "town": towns[i],
                    "origin": source,
                    "geometry": points[i],
                }
            )
    logger.info(
        "address layer %s: %d addresses (%s); %d rows without street or number left out",
        path.name,
        len(rows),
        source,
        unnumbered,
    )
    out = pd.DataFrame(rows, columns=list(ITEM_COLUMNS))
    return gpd.GeoDataFrame(out, geometry="geometry", crs=frame.crs)
