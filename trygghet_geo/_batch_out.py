"""What the nationwide run (:mod:`trygghet_geo.batch`) writes: partitions atomically, the resume check, the
national places table and the national index page."""

from __future__ import annotations

import concurrent.futures
import html
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from trygghet_geo._halo import KOMMUNKOD, owners

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo._halo import Partition
    from trygghet_geo.analysis import Analysis

__all__ = [
    "PlacesReader",
    "clean_temporaries",
    "completed",
    "national_outputs",
    "partition_dir",
    "write_partition",
]

_TMP = ".tmp-"
_META = "_partition.json"
TABLES = ("incidents", "hotspots", "places")


def partition_dir(out: Path, code: str) -> Path:
    return out / f"kommunkod={code}"


def clean_temporaries(out: Path) -> None:
    """Remove the half-written partitions a killed run left behind (they were never renamed into place)."""
    for tmp in [*out.glob(f"{_TMP}kommunkod=*"), *out.glob(".staging-*")]:
        shutil.rmtree(tmp, ignore_errors=True)


def completed(out: Path, code: str, fingerprint: str) -> dict[str, Any] | None:
    """The recorded counts of a partition written with this fingerprint, or None (absent, other inputs)."""
    meta = partition_dir(out, code) / _META
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != fingerprint or not all(
        (meta.parent / f"{t}.parquet").is_file() for t in TABLES
    ):
        return None
    row: dict[str, Any] = data["row"]
    return row


def write_partition(out: Path, part: Partition, result: Analysis, fingerprint: str) -> dict[str, Any]:
    """Write one partition's tables to a temporary folder and rename it into place; returns its counts."""
    code = part.kommunkod
    hot = result.hotspots.copy()
    hot.insert(0, KOMMUNKOD, code)
    hot = hot.join(owners(hot, result.incidents))
    hot["kept"] = hot["owner_kommunkod"] == code
    places = result.places.copy()
    link = hot.set_index("hotspot_id")[["owner_kommunkod", "hotspot_key", "kept"]]
    places = places.join(link, on="hotspot_id")
    found = places["owner_kommunkod"].notna().to_numpy()  # a place that is no hotspot is the partition's own
    places["owner_kommunkod"] = np.where(found, places["owner_kommunkod"].astype(object), code).astype(str)
    places["hotspot_key"] = np.where(found, places["hotspot_key"].astype(object), "").astype(str)
    places["kept"] = np.where(found, places["kept"].astype(object), True).astype(bool)
    places.insert(0, KOMMUNKOD, code)
    row = {
        KOMMUNKOD: code,
        "n_incidents": int((~part.incidents["halo"]).sum()),
        "n_halo": int(part.incidents["halo"].sum()),
        "n_hotspots": int(hot["kept"].sum()),
        "n_places": int(places["kept"].sum()),
        "n_hotspots_seen": len(hot),
        "eps_m": float(result.meta["eps_m"]),
        "min_samples": int(result.meta["min_samples"]),
        "error": "",
    }
    tmp = out / f"{_TMP}kommunkod={code}-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    from trygghet_geo.io._write import write_table

    for name, frame in (("incidents", result.incidents), ("hotspots", hot), ("places", places)):
        write_table(frame, tmp / f"{name}.parquet", index=None)  # the one writer: text cleaned, no attrs
    (tmp / _META).write_text(json.dumps({"fingerprint": fingerprint, "row": row}), encoding="utf-8")
    final = partition_dir(out, code)
    if final.exists():  # an earlier, different run: the new one is complete before the old one goes
        shutil.rmtree(final)
    os.replace(tmp, final)
    return row


def read_partition(out: str | Path, code: str, table: str = "places") -> gpd.GeoDataFrame:
    """One partition's table (``"incidents"``, ``"hotspots"`` or ``"places"``) as written."""
    import geopandas as gpd

    return gpd.read_parquet(partition_dir(Path(out), code) / f"{table}.parquet")


def _kept_places(out: Path, code: str) -> gpd.GeoDataFrame:
    places = read_partition(out, code)
    return places[places["kept"]]


class PlacesReader:
    """The partitions' kept places, read on a helper thread as each partition is written, so the national
    table does not wait for 290 reads after the last partition."""

    def __init__(self, out: Path) -> None:
        self._out = out
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="trygghet-places")
        self._read: dict[str, concurrent.futures.Future[gpd.GeoDataFrame]] = {}

    def add(self, code: str) -> None:
        """Start reading ``code``'s places (written and complete)."""
        self._read[code] = self._pool.submit(_kept_places, self._out, code)

    def get(self, code: str) -> gpd.GeoDataFrame:
        """``code``'s kept places: as read on the helper thread, or now."""
        fut = self._read.pop(code, None)
        return _kept_places(self._out, code) if fut is None else fut.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def national_outputs(
    out: Path,
    table: pd.DataFrame,
    names: dict[str, str],
    *,
    seconds: float,
    synthetic: bool,
    read: PlacesReader | None = None,
) -> None:
    """``places.parquet`` (every municipality's kept places, in the table's order) and ``index.html``."""
    import geopandas as gpd

    from trygghet_geo._atomic import write_text
    from trygghet_geo.io._write import write_table

    ready = table.loc[table["status"].isin(["done", "skipped"]), KOMMUNKOD].dropna().astype(str)
    parts = [_kept_places(out, code) if read is None else read.get(code) for code in ready]
    if parts:
        places = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs)
        write_table(places, out / "places.parquet", index=None)  # the one writer, whole or not at all
        top = places.sort_values("rank").drop_duplicates(KOMMUNKOD).set_index(KOMMUNKOD)["name"]
    else:
        (out / "places.parquet").unlink(missing_ok=True)
        top = pd.Series(dtype=str)
    page = index_page(table, names, top.astype(str).to_dict(), seconds=seconds, synthetic=synthetic)
    write_text(out / "index.html", page)


def index_page(
    table: pd.DataFrame,
    names: dict[str, str],
    top: dict[str, str],
    *,
    seconds: float,
    synthetic: bool,
    lang: str | None = None,
) -> str:
    """The national index page: one row per municipality; every text from the data is escaped."""
    from trygghet_geo._text import resolve_lang, text

    lang = resolve_lang(lang)
    esc = html.escape
    counts = table["status"].value_counts()
    unassigned = table.loc[table["status"] == "unassigned", "n_incidents"].sum()
    summary = text(
        "batch.summary", lang, done=int(counts.get("done", 0)), skipped=int(counts.get("skipped", 0)),
        failed=int(counts.get("failed", 0)), empty=int(counts.get("empty", 0)), unassigned=int(unassigned),
        seconds=seconds,
    )  # fmt: skip
    cols = ("code", "name", "status", "incidents", "halo", "hotspots", "places", "top", "error")
    head = "".join(f"<th>{esc(text('batch.col.' + c, lang))}</th>" for c in cols)
    body = []
    for r in table.itertuples(index=False):
        code = "" if pd.isna(r.kommunkod) else str(r.kommunkod)
        link = (
            f'<a href="{esc(quote(f"kommunkod={code}/places.parquet"))}">{esc(code)}</a>'
            if r.status in ("done", "skipped")
            else esc(code)
        )
        cells = [
            link, esc(names.get(code, "")), esc(text("batch.status." + str(r.status), lang)),
            _num(r.n_incidents), _num(r.n_halo), _num(r.n_hotspots), _num(r.n_places),
            esc(top.get(code, "")), esc(str(r.error)),
        ]  # fmt: skip
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    flag = f"<p><strong>{esc(text('batch.synthetic', lang))}</strong></p>" if synthetic else ""
    title = esc(text("batch.title", lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}</style></head><body>"
        f"<h1>{title}</h1>{flag}<p>{esc(summary)}</p><table><thead><tr>{head}</tr></thead><tbody>"
        + "\n".join(body)
        + "</tbody></table></body></html>\n"
    )


def _num(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))
