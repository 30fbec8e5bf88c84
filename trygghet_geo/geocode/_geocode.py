"""``geocode``: the pipeline stage that turns place text into positions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._config import options, progress_disable
from trygghet_geo.errors import GeocodingError, SchemaError
from trygghet_geo.geocode._cache import ResultCache
from trygghet_geo.geocode._gazetteer import Gazetteer
from trygghet_geo.geocode._index import MatchResult
from trygghet_geo.geocode._match import match_texts
from trygghet_geo.geocode._parse import normalize_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["AMBIGUOUS", "CANDIDATES", "RUNNER_UP", "RUNNER_UP_M", "RUNNER_UP_SCORE", "SOURCE", "geocode"]

logger = logging.getLogger(__name__)

AMBIGUOUS = "geocode_ambiguous"  # True when a runner-up elsewhere scored within a few points
RUNNER_UP = "geocode_runner_up"  # name of the best candidate elsewhere ("" when none)
RUNNER_UP_SCORE = "geocode_runner_up_score"
RUNNER_UP_M = "geocode_runner_up_m"  # distance from the answer to the runner-up, metres
SOURCE = "geocode_source"  # where the answer's data came from: osm, lantmateriet, municipal, nominatim
CANDIDATES = "candidates"  # JSON list of the places an ambiguous text may mean ("" when not ambiguous)
_PRECISION = {
    "address": "address",
    "interpolated": "interpolated",
    "intersection": "intersection",
    "street": "street",
    "place": "place",
}
_MIN_SCORE = 50.0  # answers below this are treated as failed


def _as_frame(df_or_texts: Any, text_column: str) -> pd.DataFrame:
    if not isinstance(text_column, str) or (
        max(text_column, default="") >= "\ud800" and any("\ud800" <= c <= "\udfff" for c in text_column)
    ):
        raise SchemaError(f"geocode: text_column={text_column!r}: expected a column name")
    if isinstance(df_or_texts, pd.DataFrame):
        if text_column not in df_or_texts.columns:
            raise SchemaError(
                f"geocode: the table has no text column {text_column!r}; "
                f"columns are {list(df_or_texts.columns)}"
            )
        return df_or_texts
    if isinstance(df_or_texts, str):
        raise GeocodingError("geocode: pass a list of texts or a table, not a single string")
    if isinstance(df_or_texts, pd.Series | Sequence | np.ndarray):
        columns = {text_column: list(df_or_texts)}
        index = df_or_texts.index if isinstance(df_or_texts, pd.Series) else None
        try:
            return pd.DataFrame(columns, index=index)
        except UnicodeEncodeError:  # a text with a lone surrogate fits no pyarrow string: kept as an object
            return pd.DataFrame(columns, index=index, dtype=object)
    raise GeocodingError(
        f"geocode: expected a DataFrame or a sequence of texts, got {type(df_or_texts).__name__}"
    )


def _rows_to_geocode(df: pd.DataFrame, text_column: str) -> NDArray[np.bool_]:
    if schema.STATUS in df.columns:
        pending: NDArray[np.bool_] = (df[schema.STATUS] == "needs_geocoding").to_numpy()
        return pending
    lon = df[schema.LON] if schema.LON in df.columns else pd.Series(np.nan, index=df.index)
    lat = df[schema.LAT] if schema.LAT in df.columns else pd.Series(np.nan, index=df.index)
    no_coords: NDArray[np.bool_] = (
        pd.to_numeric(lon, errors="coerce").isna() | pd.to_numeric(lat, errors="coerce").isna()
    ).to_numpy()
    return no_coords


def _match_unique(
    texts: list[str],
    gazetteer: Gazetteer,
    *,
    cache: bool,
    online: Any,
) -> dict[str, MatchResult]:
    """Answers for each distinct normalised text: from the cache, the gazetteer, then (opt-in) online."""
    from tqdm.auto import tqdm

    store = ResultCache(options.cache_dir / "geocode.sqlite") if cache else None
    answers = store.get(gazetteer.version, texts) if store is not None else {}
    todo = [t for t in texts if t not in answers]
    if todo:
        with tqdm(total=len(todo), desc="geocoding", unit="text", disable=progress_disable()) as bar:
            fresh = dict(zip(todo, match_texts(gazetteer, todo, progress=bar.update), strict=True))
        if store is not None:
            store.put(gazetteer.version, fresh)
        answers.update(fresh)
    if online is not False and online is not None:
        from trygghet_geo.geocode._online import geocode_online

        failed = [t for t in texts if answers[t].method == "failed" or answers[t].score < _MIN_SCORE]
        if failed:
            got = geocode_online(failed, online=online, bounds_wgs84=gazetteer.bounds_wgs84, cache=store)
            answers.update({t: r for t, r in got.items() if r.method != "failed"})
    return answers


def geocode(
    df_or_texts: Any,
    *,
    gazetteer: Gazetteer,
    text_column: str = schema.PLACE_TEXT,
    online: Any = False,
    cache: bool = True,
) -> gpd.GeoDataFrame:
    """Give positions to rows that have only place text, offline, from a gazetteer.

    Parameters
    ----------
    df_or_texts : DataFrame, GeoDataFrame or sequence of str
        A table from :func:`trygghet_geo.read_incidents` / ``read_observations`` (rows whose ``status`` is
        ``"needs_geocoding"`` are geocoded; without a ``status`` column, rows without ``lon``/``lat``), or
        plain texts.
    gazetteer : Gazetteer
        From :func:`build_gazetteer` or :meth:`Gazetteer.load`.
    text_column : str
        Column holding the place text.
    online : bool, "nominatim" or a geopy geocoder
        Opt-in: texts the gazetteer cannot place are sent to this online geocoder (Nominatim for ``True``),
        one request per second, bounded to the gazetteer's area. Default ``False``: nothing leaves the
        machine.
    cache : bool
        Keep answers in ``options.cache_dir / "geocode.sqlite"``, keyed on the normalised text and the
        gazetteer's version.

    Returns
    -------
    geopandas.GeoDataFrame
        A new table (EPSG:4326), same index and row count, user columns untouched. Geocoded rows get ``lon``,
        ``lat``, geometry, ``precision``, ``geocode_method``, ``geocode_score`` (0-100), ``matched_name``,
        ``geocode_ambiguous``, ``geocode_runner_up`` (+ ``_score``, ``_m``), ``geocode_source`` (``osm``,
        ``lantmateriet``, ``municipal``: whose data placed the row; ``nominatim`` for online answers) and
        ``candidates``; ``status`` becomes ``"ok"``, or ``"rejected"`` with reason ``"geocode_failed"``.
        Rows with coordinates get method ``"coordinates"``.

        An address found at places more than 100 m apart is answered with ``geocode_ambiguous=True``, a score
        of at most 75, and every place in ``candidates``: a JSON list of ``{"name", "lon", "lat", "score",
        "source"}``, the answer first.

    Examples
    --------
    >>> gaz = Gazetteer.example()
    >>> texts = ["Storgatan 3", "korsningen Storgatan/Kyrkogatan", "vid Torget"]
    >>> out = geocode(texts, gazetteer=gaz, cache=False)
    >>> out["geocode_method"].tolist()
    ['address', 'intersection', 'place']
    """
    if not isinstance(gazetteer, Gazetteer):
        raise GeocodingError(f"geocode: gazetteer must be a Gazetteer, got {type(gazetteer).__name__}")
    from trygghet_geo import _validate

    cache = bool(_validate.flag("cache", cache))
    if isinstance(online, bool | np.bool_):  # numpy's False is False
        online = bool(online)
    df = _as_frame(df_or_texts, text_column)
    todo = _rows_to_geocode(df, text_column)
    keys = [normalize_text(t) if isinstance(t, str) else "" for t in df[text_column].to_numpy()[todo]]
    answers = _match_unique(list(dict.fromkeys(k for k in keys if k)), gazetteer, cache=cache, online=online)
    empty = MatchResult()
    results = [answers.get(k, empty) if k else empty for k in keys]
    out = _assemble(df, todo, results)
    no_text = np.flatnonzero(todo)[[not k for k in keys]]
    out.iloc[no_text, out.columns.get_loc(schema.REASON)] = "no_location"  # nothing to look up at all
    return out


def _existing(out: pd.DataFrame, column: str, default: np.ndarray) -> np.ndarray:
    return out[column].to_numpy(dtype=object).copy() if column in out else default


def _assemble(df: pd.DataFrame, todo: np.ndarray, results: list[MatchResult]) -> gpd.GeoDataFrame:
    out = pd.DataFrame(df).copy()
    n = len(out)
    lon, lat = (
        pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float, copy=True)
        if c in out
        else np.full(n, np.nan)
        for c in (schema.LON, schema.LAT)
    )
    had_coords = ~np.isnan(lon) & ~np.isnan(lat) & ~todo
    cols: dict[str, np.ndarray] = {
        schema.LON: lon,
        schema.LAT: lat,
        schema.PRECISION: _existing(out, schema.PRECISION, np.full(n, None, dtype=object)),
        schema.STATUS: _existing(
            out, schema.STATUS, np.where(had_coords, "ok", "needs_geocoding").astype(object)
        ),
        schema.REASON: _existing(out, schema.REASON, np.full(n, "", dtype=object)),
        schema.GEOCODE_METHOD: np.array(["coordinates" if h else None for h in had_coords], dtype=object),
        schema.GEOCODE_SCORE: np.where(had_coords, 100.0, np.nan),
        schema.MATCHED_NAME: np.full(n, "", dtype=object),
        AMBIGUOUS: np.zeros(n, dtype=bool),
        RUNNER_UP: np.full(n, "", dtype=object),
        RUNNER_UP_SCORE: np.full(n, np.nan),
        RUNNER_UP_M: np.full(n, np.nan),
        SOURCE: np.full(n, "", dtype=object),
        CANDIDATES: np.full(n, "", dtype=object),
    }
    cols[schema.PRECISION][had_coords & pd.isna(cols[schema.PRECISION])] = "exact"
    rows = np.flatnonzero(todo)
    if len(rows):
        _fill(cols, rows, results)
    for name, values in cols.items():
        out[name] = values
    geometry = gpd.points_from_xy(lon, lat, crs=schema.WGS84)
    geometry[np.isnan(lon) | np.isnan(lat)] = None
    if isinstance(df, gpd.GeoDataFrame) and df.geometry.name in out.columns:
        out = out.drop(columns=df.geometry.name)
    return gpd.GeoDataFrame(out, geometry=geometry, crs=schema.WGS84)


def _fill(cols: dict[str, np.ndarray], rows: np.ndarray, results: list[MatchResult]) -> None:
    """Write the answers of the geocoded rows into the output columns (in place)."""
    # one list per field: dataclasses.astuple deep-copies every value and cost a third of the whole run
    table = pd.DataFrame({f: [getattr(r, f) for r in results] for f in MatchResult.__dataclass_fields__})
    ok = (table["method"] != "failed").to_numpy() & (table["score"] >= _MIN_SCORE).to_numpy()
    cols[schema.LON][rows] = np.where(ok, table["lon"], np.nan)
    cols[schema.LAT][rows] = np.where(ok, table["lat"], np.nan)
    cols[schema.GEOCODE_METHOD][rows] = np.where(ok, table["method"], "failed")
    cols[schema.GEOCODE_SCORE][rows] = np.where(ok, table["score"].round(1), 0.0)
    cols[schema.MATCHED_NAME][rows] = np.where(ok, table["matched_name"], "")
    cols[AMBIGUOUS][rows] = ok & table["ambiguous"].to_numpy(dtype=bool)
    cols[RUNNER_UP][rows] = table["runner_up"].to_numpy()
    cols[RUNNER_UP_SCORE][rows] = np.where(table["runner_up"] != "", table["runner_up_score"], np.nan)
    cols[RUNNER_UP_M][rows] = table["runner_up_m"].to_numpy()
    cols[SOURCE][rows] = np.where(ok, table["source"], "")
    cols[CANDIDATES][rows] = np.where(ok, table["candidates"], "")
    methods = table["method"].to_numpy()
    cols[schema.PRECISION][rows] = [
        _PRECISION.get(m) if o else None for m, o in zip(methods, ok, strict=True)
    ]
    cols[schema.STATUS][rows] = np.where(ok, "ok", "rejected")
    cols[schema.REASON][rows] = np.where(ok, "", "geocode_failed")
    logger.info("geocoded %d of %d rows", int(ok.sum()), len(rows))
