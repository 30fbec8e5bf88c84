"""Rank places for joint visits by police and municipality, with the reasons spelled out.

:func:`rank_places` turns hotspots (and groups of safety-walk observations where incidents are few) into one
short list: a readable name, counts by category and time window, the trend, the residents' remarks nearby, the
dominant hours and weekdays, a one-line Swedish reason, an explained score, and the Monte Carlo significance
and parameter stability that earlier stages added to the hotspots.

Score
-----
Four components, each scaled to 0..1 over the candidate places and weighted by :data:`DEFAULT_WEIGHTS` (the
one place the weights live; pass ``weights=`` to override any key):

- ``incidents``: the category-weighted incident count over the period (categories a medborgarlöfte puts
  first — narkotika, stöld, trafik — weigh most by default);
- ``recency``: the category-weighted count in the last 6 months;
- ``observations``: safety-walk observations inside the place or within ``obs_within_m`` along the streets;
- ``significance``: ``1 - p_max`` of the Monte Carlo test (0 for observation-only places).

The ``score_*`` columns hold each component's weighted contribution, so they add up to ``score``.

Significance and stability
--------------------------
Read from the hotspots table: ``p_value``, ``q_value``, ``significant`` and ``p_max`` as
:func:`trygghet_geo.hotspots.hotspot_significance` adds them (the method and its limits are described there),
``stability`` as :func:`trygghet_geo.hotspots.hotspot_stability` adds it. Hotspots without these
columns get NaN p-values, ``significant`` False and NaN stability.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._hints import hint
from trygghet_geo._kgate import check_gate, kept_places
from trygghet_geo._names import place_name
from trygghet_geo._reason import Part, encode, reason_line
from trygghet_geo.errors import InputError, ParameterError, SchemaError
from trygghet_geo.hotspots._significance import observed_labels
from trygghet_geo.hotspots._stability import GRID_FACTORS, STABLE
from trygghet_geo.hotspots._time import time_profile

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo._typing import Period
    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

__all__ = ["DEFAULT_WEIGHTS", "SWEDISH_COLUMNS", "export_places", "places_table", "rank_places"]

logger = logging.getLogger(__name__)

# fmt: off
DEFAULT_WEIGHTS: Mapping[str, float] = {
    # incident categories (weight per incident); a medborgarlöfte's priorities first
    "narkotika": 3.0, "stöld": 2.0, "trafik": 2.0,
    "våld": 1.5, "skadegörelse": 1.0, "ordningsstörning": 1.0, "övrigt": 0.5,
    # score components (normalised to sum to 1)
    "incidents": 0.4, "recency": 0.25, "observations": 0.2, "significance": 0.15,
}
"""All weights of the ranking: per incident category and per score component."""

COMPONENTS = schema.SCORE_COMPONENTS
WINDOWS_MONTHS = schema.WINDOWS_MONTHS

SWEDISH_COLUMNS: Mapping[str, str] = {
    schema.RANK: "Rang", schema.NAME: "Plats", schema.SCORE: "Poäng", schema.PLACE_REASON: "Motivering",
    schema.KIND: "Typ",
    schema.SIGNIFICANT: "Signifikant", schema.P_VALUE: "p-värde", schema.P_MAX: "p-värde (hela kartan)",
    schema.Q_VALUE: "q-värde (FDR)", schema.STABILITY: "Stabilitet (0–1)",
    schema.HOTSPOT_ID: "Hotspot-id",
    schema.score_of("incidents"): "Poäng: brott", schema.score_of("recency"): "Poäng: aktualitet",
    schema.score_of("observations"): "Poäng: synpunkter",
    schema.score_of("significance"): "Poäng: signifikans",
    schema.N_INCIDENTS: "Händelser under perioden",
    **{schema.n_of(c): f"Händelser: {c}" for c in schema.INCIDENT_CATEGORIES},
    **{schema.n_window(w): f"Händelser senaste {w} mån" for w in WINDOWS_MONTHS},
    **{schema.trend_window(w): f"Förändring {w} mån mot föregående (%)" for w in WINDOWS_MONTHS},
    schema.N_OBSERVATIONS: "Synpunkter från trygghetsvandringar",
    **{schema.n_obs_of(c): f"Synpunkter: {c}" for c in schema.OBSERVATION_CATEGORIES},
    schema.DOMINANT_HOURS: "Vanligaste tider", schema.DOMINANT_WEEKDAYS: "Vanligaste veckodagar",
    schema.N_TIME_UNKNOWN: "Tid saknas",
    schema.LENGTH_M: "Gatulängd (m)", schema.LON: "Longitud", schema.LAT: "Latitud",
}
"""English column -> Swedish column name used by :func:`export_places`."""
# fmt: on


# --- public API
def rank_places(
    hotspots: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    observations: gpd.GeoDataFrame | None = None,
    *,
    network: StreetNetwork,
    weights: Mapping[str, float] | None = None,
    period: Period | None = None,
    gazetteer: Gazetteer | None = None,
    obs_within_m: float = 50.0,
    obs_eps_m: float = 75.0,
    obs_min_samples: int = 4,
) -> gpd.GeoDataFrame:
    """Rank hotspots and observation-only places for joint visits.

    Parameters
    ----------
    hotspots : GeoDataFrame
        Output of :func:`trygghet_geo.hotspots.find_hotspots` (``hotspot_id``, ``n_events``, ``member_index``,
        polygon geometry in the network's CRS), with the columns of
        :func:`trygghet_geo.hotspots._significance.hotspot_significance` and
        :func:`trygghet_geo.hotspots._stability.hotspot_stability` where those stages ran.
    incidents : GeoDataFrame
        The incidents that were clustered: ``occurred_at``, ``category``, ``edge_id``, ``edge_offset_m``
        (``edge_id`` -1 for rows not on the streets), in the network's CRS.
    observations : GeoDataFrame, optional
        Safety-walk observations (``category``; ``edge_id``/``edge_offset_m`` if already snapped).
    network : StreetNetwork
        The street network the hotspots were found on.
    weights : mapping, optional
        Overrides of :data:`DEFAULT_WEIGHTS` (category weights and component weights).
    period : (start, end), optional
        The period the counts cover; default the span of the incidents' dates. The 3/6/12-month windows end
        at its end.
    gazetteer : Gazetteer, optional
        Used for landmark names where it offers a reverse lookup; street names from the network otherwise.
    obs_within_m : float
        Observations within this distance along the streets of a hotspot count for it.
    obs_eps_m, obs_min_samples : float, int
        Observations not near any hotspot form a candidate place when at least ``obs_min_samples`` lie within
        ``obs_eps_m`` of each other along the streets.

    Returns
    -------
    GeoDataFrame
        One row per place, best first: ``rank``, ``score``, ``name``, ``reason``, ``p_value`` (the place's
        statistic against all simulated clusters), ``q_value`` (Benjamini–Hochberg on ``p_value``),
        ``significant`` (``q_value <= alpha``, the false-discovery-rate flag), ``p_max`` (max-statistic,
        family-wise: against the strongest simulated cluster of each run), ``hotspot_id`` (-1 for
        observation-only places), ``kind``, ``score_*``, counts ``n_incidents``, ``n_<category>``,
        ``n_3m``/``n_6m``/``n_12m``, ``trend_*_pct`` (against the previous window of equal length),
        ``n_observations``, ``n_obs_*``, ``dominant_hours``, ``dominant_weekdays``, ``length_m``, geometry
        (polygon, network CRS), ``stability`` (0–1, NaN for observation-only places).
        ``attrs`` hold the period, the weights and the hotspots' ``significance`` description.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, pandas as pd, shapely
    >>> from trygghet_geo.network import network_from_lines
    >>> from trygghet_geo.hotspots import find_hotspots
    >>> street = gpd.GeoDataFrame({"name": ["Storgatan"]}, geometry=[shapely.LineString([(0, 0), (2000, 0)])],
    ...                           crs=3006)
    >>> net = network_from_lines(street)
    >>> off = np.r_[np.linspace(100, 130, 20), np.linspace(300, 1900, 40)]  # 20 events in 30 m, 40 spread
    >>> inc = gpd.GeoDataFrame({"occurred_at": pd.Timestamp("2025-05-02 22:00", tz="Europe/Stockholm"),
    ...                         "category": "narkotika", "edge_id": 0, "edge_offset_m": off},
    ...                        geometry=shapely.points(off, np.zeros(60)), crs=3006)
    >>> labels = np.r_[np.zeros(20, int), -np.ones(40, int)]
    >>> hotspots = find_hotspots(inc[labels >= 0], labels[labels >= 0], net)
    >>> from trygghet_geo.hotspots._significance import hotspot_significance
    >>> hotspots = hotspot_significance(hotspots, inc, net, eps_m=50, min_samples=5, n_simulations=19)
    >>> places = rank_places(hotspots, inc, network=net)
    >>> places[["rank", "name", "n_incidents", "significant"]].values.tolist()
    [[1, 'Storgatan', 20, True]]
    >>> places["reason"].iloc[0]
    '20 narkotikabrott senaste 6 mån (inga halvåret före), kvällar fre'
    """
    from trygghet_geo import _validate

    w = _weights(weights)
    _validate.metres("obs_within_m", obs_within_m, allow_zero=True)
    _validate.metres("obs_eps_m", obs_eps_m)
    _validate.count("obs_min_samples", obs_min_samples, minimum=1)
    _check_inputs(hotspots, incidents, network)
    inc = _in_crs(incidents, network)
    obs = _usable_observations(observations, network)
    start, end = _period(period, inc)
    located = inc[inc[schema.EDGE_ID].to_numpy() >= 0]  # on the streets: fine enough to lie in a place
    observed_labels(located, hotspots)  # every member must be among the incidents given
    sig = _significance_columns(hotspots)
    hs_geoms = hotspots.geometry.to_crs(network.crs) if hotspots.crs is not None else hotspots.geometry
    hot_edges = [_member_edges(inc, members) for members in hotspots[schema.MEMBER_INDEX]]
    obs_near = [
        _observations_near(obs, g, e, network, obs_within_m) for g, e in zip(hs_geoms, hot_edges, strict=True)
    ]
    ctx = _Context(located, obs, start, end, w, network, gazetteer)
    rows = [
        _place_row(ctx, geom, hid=int(h), kind="hotspot", p=p, obs_mask=mask, edges=edges)
        for h, geom, p, mask, edges in zip(hotspots[schema.HOTSPOT_ID], hs_geoms, sig, obs_near, hot_edges,
                                           strict=True)
    ]  # fmt: skip
    taken = np.logical_or.reduce(obs_near) if obs_near else np.zeros(len(obs), bool)
    for geom, mask, edges in _observation_places(obs, taken, network, obs_eps_m, obs_min_samples):
        rows.append(
            _place_row(ctx, geom, hid=-1, kind="observations", p=_NO_TEST, obs_mask=mask, edges=edges)
        )
    return _finish(rows, w, hotspots.attrs.get("significance"), network, start, end)


_NO_TEST = (math.nan, math.nan, math.nan, False, math.nan)


def _significance_columns(hotspots: gpd.GeoDataFrame) -> list[tuple[float, float, float, bool, float]]:
    """(p_value, q_value, p_max, significant, stability) per hotspot; NaN/False where a stage did not run."""
    names = (*schema.SIGNIFICANCE_COLUMNS, schema.STABILITY)
    cols = [
        hotspots[c].to_numpy() if c in hotspots.columns else np.full(len(hotspots), math.nan) for c in names
    ]
    out = []
    for k in range(len(hotspots)):
        vals = [col[k] for col in cols]
        out.append((float(vals[0]), float(vals[1]), float(vals[2]), bool(vals[3] is True or vals[3] == 1),
                    float(vals[4])))  # fmt: skip
    return out


def export_places(
    places: gpd.GeoDataFrame,
    path: str | Path,
    *,
    privacy: str = "shared",
    k: int = 5,
    hotspots: gpd.GeoDataFrame | None = None,
    manifest: Mapping[str, Any] | None = None,
) -> Path:
    """Write the ranked places as CSV (``;``, decimal comma, UTF-8 with BOM for Excel), XLSX or GeoPackage
    (layer named after the file; in the ``"shared"`` mode each place as its centre point, in ``"internal"``
    with its own shape), with Swedish column names (:data:`SWEDISH_COLUMNS`), a WGS84 centre point per
    place, and text cells that a spreadsheet would read as formulas escaped (:mod:`trygghet_geo.io._write`,
    the one spreadsheet writer); an XLSX carries ``manifest`` in a sheet of its own, dated at the run's
    start (:mod:`trygghet_geo.io._stamp`).

    In the ``"shared"`` privacy mode (the default: a file travels) a place found from a hotspot is written
    only when the hotspot holds at least ``k`` incidents (``hotspots``' ``n_events`` when given, else the
    place's ``n_incidents``: the k rule of :mod:`trygghet_geo._kgate`), and the one writer passes its text
    through :func:`trygghet_geo.output.privacy.redact`. ``"internal"`` writes every place as it is.

    Examples
    --------
    >>> import tempfile, geopandas as gpd, pandas as pd, shapely
    >>> places = gpd.GeoDataFrame({"rank": [1], "name": ["=Torget"], "score": [1.0], "significant": [True]},
    ...                           geometry=[shapely.box(0, 0, 50, 50)], crs="EPSG:3006")
    >>> path = export_places(places, tempfile.mkdtemp() + "/platser.csv")
    >>> pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig").iloc[0].to_dict()["Plats"]
    "'=Torget"
    """
    import geopandas as gpd  # slow to import; rank.py keeps it out of module import

    from trygghet_geo import _validate
    from trygghet_geo.io._write import write_table

    path = _validate.path("path", path)
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm", ".gpkg"):
        raise ParameterError(f"export_places: path must end in .csv, .xlsx or .gpkg, got {str(path)!r}")
    if not isinstance(places, gpd.GeoDataFrame) or places.geometry.name not in places.columns:
        raise SchemaError(
            "export_places: places must be a GeoDataFrame with geometry, as rank_places returns"
        )
    check_gate(privacy, k, 100.0)
    shared = privacy == "shared"
    shown = kept_places(places, hotspots, k=k) if shared else places
    table = places_table(shown)
    if path.suffix.lower() == ".gpkg":  # shared: the centre only, as in the CSV; internal: the place's shape
        shape = shown.geometry.representative_point() if shared else shown.geometry
        table = gpd.GeoDataFrame(table, geometry=shape.to_numpy(), crs=shown.crs)
    path = write_table(table, path, sheet_name="Platser", redact=shared)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from trygghet_geo.io._stamp import finish_xlsx

        finish_xlsx(path, manifest and {**manifest, "output": {"k": k, "privacy": privacy}})
    return path


def places_table(places: gpd.GeoDataFrame) -> pd.DataFrame:
    """The ranked places as a plain table with Swedish column names (no geometry; centre as lon/lat; scores,
    p-values and trends rounded for reading)."""
    df = pd.DataFrame(places.drop(columns=[places.geometry.name], errors="ignore"))
    if places.crs is not None and len(places):
        centre = places.geometry.representative_point().to_crs(schema.WGS84)
        df[schema.LON], df[schema.LAT] = centre.x.round(6).to_numpy(), centre.y.round(6).to_numpy()
    digits = {
        schema.SCORE: 3,
        schema.P_VALUE: 4,
        schema.P_MAX: 4,
        schema.Q_VALUE: 4,
        schema.LENGTH_M: 0,
        **{schema.score_of(c): 3 for c in COMPONENTS},
        **{schema.trend_window(w): 0 for w in WINDOWS_MONTHS},
    }
    for col, d in digits.items():
        if col in df:
            df[col] = df[col].astype(float).round(d)
    if schema.SIGNIFICANT in df:
        df[schema.SIGNIFICANT] = np.where(df[schema.SIGNIFICANT].astype(bool), "ja", "nej")
    if schema.KIND in df:
        df[schema.KIND] = df[schema.KIND].map(
            {"hotspot": "brottskoncentration", "observations": "synpunkter"}
        )
    from trygghet_geo.io._write import escape_formulas

    df = df[[c for c in SWEDISH_COLUMNS if c in df.columns]]
    return escape_formulas(df.rename(columns=dict(SWEDISH_COLUMNS)))


# --- per place
@dataclass(frozen=True)
class _Context:
    inc: gpd.GeoDataFrame  # incidents on the streets
    obs: gpd.GeoDataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    w: Mapping[str, float]
    network: StreetNetwork
    gazetteer: Any

    # Computed once for all places (each place reads them for the incidents inside it).
    @cached_property
    def tree(self) -> Any:
        import shapely

        return shapely.STRtree(self.inc.geometry.to_numpy())

    @cached_property
    def cats(self) -> np.ndarray:
        return np.asarray(self.inc[schema.CATEGORY].astype(str).to_numpy())

    @cached_property
    def cat_weight(self) -> np.ndarray:
        return np.array([self.w.get(c, 0.0) for c in self.cats])

    @cached_property
    def windows(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        when = self.inc[schema.OCCURRED_AT]
        return {
            m: (_window(when, self.end, m), _window(when, self.end - pd.DateOffset(months=m), m))
            for m in WINDOWS_MONTHS
        }


def _place_row(ctx: _Context, geom: Any, *, hid: int, kind: str, p: tuple[float, float, float, bool, float],
               obs_mask: np.ndarray, edges: np.ndarray) -> dict[str, Any]:  # fmt: skip
    inc, obs, start, end, w, network = ctx.inc, ctx.obs, ctx.start, ctx.end, ctx.w, ctx.network
    inside = np.zeros(len(inc), bool)
    idx = ctx.tree.query(geom, predicate="intersects")
    inside[idx] = True
    when = inc[schema.OCCURRED_AT]
    cats = ctx.cats
    in_period = inside & ((when >= start) & (when <= end)).to_numpy()
    row: dict[str, Any] = {schema.HOTSPOT_ID: hid, schema.KIND: kind, schema.P_VALUE: p[0],
                           schema.Q_VALUE: p[1], schema.P_MAX: p[2], schema.SIGNIFICANT: p[3],
                           schema.STABILITY: p[4]}  # fmt: skip
    row[schema.N_INCIDENTS] = int(in_period.sum())
    for c in schema.INCIDENT_CATEGORIES:
        row[schema.n_of(c)] = int((in_period & (cats == c)).sum())
    row["_weighted"] = sum(w.get(c, 0.0) * row[schema.n_of(c)] for c in schema.INCIDENT_CATEGORIES)
    for months in WINDOWS_MONTHS:
        recent, previous = ctx.windows[months]
        n_now, n_prev = int((inside & recent).sum()), int((inside & previous).sum())
        row[schema.n_window(months)] = n_now
        row[schema.trend_window(months)] = _trend(n_now, n_prev)
        if months == 6:
            row["_weighted_6m"] = float(ctx.cat_weight[inside & recent].sum())
            row["_lead"] = _lead_category(cats, inside & recent, inside & previous, w)
    ocats = obs[schema.CATEGORY].astype(str).to_numpy()
    row[schema.N_OBSERVATIONS] = int(obs_mask.sum())
    for c in schema.OBSERVATION_CATEGORIES:
        row[schema.n_obs_of(c)] = int((obs_mask & (ocats == c)).sum())
    known = _time_known(inc)
    row[schema.N_TIME_UNKNOWN] = int((in_period & ~known).sum())  # "tid saknas": dated, no time of day
    until = inc[schema.OCCURRED_TO][in_period] if schema.OCCURRED_TO in inc.columns else None
    profile = time_profile(when[in_period], known[in_period], until)
    row[schema.DOMINANT_HOURS], row[schema.DOMINANT_WEEKDAYS] = profile.hours, profile.weekdays
    row["_daypart"] = profile.daypart
    row[schema.NAME], row["_street"] = place_name(network, edges, geom, inc, inside, ctx.gazetteer)
    row[schema.LENGTH_M] = float(network.edges["length_m"].to_numpy()[edges].sum()) if len(edges) else 0.0
    row[schema.GEOMETRY] = geom
    return row


def _window(when: pd.Series, end: pd.Timestamp, months: int) -> np.ndarray:
    return np.asarray(((when > end - pd.DateOffset(months=months)) & (when <= end)).to_numpy(), dtype=bool)


def _trend(now: int, prev: int) -> float:
    return 100.0 * (now - prev) / prev if prev > 0 else (math.nan if now == 0 else math.inf)


def _lead_category(
    cats: np.ndarray, recent: np.ndarray, previous: np.ndarray, w: Mapping[str, float]
) -> tuple[str, int, float] | None:
    """The category that weighs most in the last 6 months: (category, count, trend %)."""
    best: tuple[str, int, float] | None = None
    best_score = 0.0
    for c in schema.INCIDENT_CATEGORIES:
        n = int((recent & (cats == c)).sum())
        if n and w.get(c, 0.0) * n > best_score:
            best_score = w.get(c, 0.0) * n
            best = (c, n, _trend(n, int((previous & (cats == c)).sum())))
    return best


def _time_known(inc: pd.DataFrame) -> np.ndarray:
    """True where the row's time of day is known (all rows when the table has no ``time_known``)."""
    if schema.TIME_KNOWN not in inc.columns:
        return np.ones(len(inc), dtype=bool)
    known: np.ndarray = inc[schema.TIME_KNOWN].fillna(True).to_numpy(dtype=bool)
    return known


# --- observations
def _usable_observations(observations: gpd.GeoDataFrame | None, network: StreetNetwork) -> gpd.GeoDataFrame:
    """Located observations in the network CRS with edge_id/edge_offset_m (snapped here when missing)."""
    import geopandas as gpd

    cols = [schema.CATEGORY, schema.EDGE_ID, schema.EDGE_OFFSET_M]
    if observations is None or len(observations) == 0:
        return gpd.GeoDataFrame({c: pd.Series(dtype=float) for c in cols}, geometry=[], crs=network.crs)
    if schema.CATEGORY not in observations.columns:
        raise SchemaError(f"observations: missing column {schema.CATEGORY!r}")
    obs = observations
    if schema.STATUS in obs.columns:
        obs = obs[obs[schema.STATUS].astype(str) == "ok"]
    obs = obs[obs.geometry.notna() & ~obs.geometry.is_empty]
    obs = obs.to_crs(network.crs)
    if schema.EDGE_ID not in obs.columns or schema.EDGE_OFFSET_M not in obs.columns:
        from trygghet_geo.network.snap import snapped_positions

        edge_id, offset = snapped_positions(obs, network)
        obs = obs.assign(**{schema.EDGE_ID: edge_id, schema.EDGE_OFFSET_M: offset})
    return obs


def _observations_near(
    obs: gpd.GeoDataFrame, geom: Any, edges: np.ndarray, network: StreetNetwork, within_m: float
) -> np.ndarray:
    """Observations inside the place's polygon or within ``within_m`` along the streets of its edges."""
    import shapely

    near = np.zeros(len(obs), bool)
    if len(obs) == 0:
        return near
    near[shapely.STRtree(obs.geometry.to_numpy()).query(geom, predicate="intersects")] = True
    from trygghet_geo.network.distance import distances_from_edges

    if len(edges):
        d = distances_from_edges(
            network,
            edges,
            obs[schema.EDGE_ID].to_numpy(int),
            obs[schema.EDGE_OFFSET_M].to_numpy(float),
            within_m,
        )
        near |= d <= within_m
    return near


def _observation_places(
    obs: gpd.GeoDataFrame, taken: np.ndarray, network: StreetNetwork, eps_m: float, min_samples: int
) -> list[tuple[Any, np.ndarray, np.ndarray]]:
    """Groups of observations not near any hotspot: (polygon, observation mask, edge ids) each."""
    from trygghet_geo.hotspots._dbscan import dbscan_on_network

    free = ~taken & (obs[schema.EDGE_ID].to_numpy(int) >= 0) if len(obs) else np.zeros(0, bool)
    if free.sum() < min_samples:
        return []
    labels, _core = dbscan_on_network(
        obs[schema.EDGE_ID].to_numpy(int)[free],
        obs[schema.EDGE_OFFSET_M].to_numpy(float)[free],
        network,
        eps_m=eps_m,
        min_samples=min_samples,
    )
    labels = np.asarray(labels)
    out = []
    for lab in sorted(set(labels.tolist()) - {-1}):
        mask = np.zeros(len(obs), bool)
        mask[np.flatnonzero(free)[labels == lab]] = True
        edges = np.unique(obs[schema.EDGE_ID].to_numpy(int)[mask])
        geom = network.edges.geometry.iloc[edges].union_all().buffer(25.0)
        out.append((geom, mask, edges))
    return out


# --- scoring and the reason line
def _finish(
    rows: list[dict[str, Any]],
    w: Mapping[str, float],
    significance: Any,
    network: StreetNetwork,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> gpd.GeoDataFrame:
    import geopandas as gpd

    df = pd.DataFrame(rows)
    if df.empty:
        return _empty(network)
    p_max = df[schema.P_MAX].to_numpy(float)
    has_p = np.isfinite(p_max)
    df[schema.SIGNIFICANT] = df[schema.SIGNIFICANT].astype(bool)
    total = sum(w[c] for c in COMPONENTS)
    raw = {
        "incidents": df["_weighted"].to_numpy(float),
        "recency": df["_weighted_6m"].to_numpy(float),
        "observations": df[schema.N_OBSERVATIONS].to_numpy(float),
        "significance": np.where(has_p, 1 - p_max, 0.0),
    }
    for comp, values in raw.items():
        top = values.max()
        df[schema.score_of(comp)] = (w[comp] / total) * (values / top if top > 0 else 0.0)
    df[schema.SCORE] = df[[schema.score_of(c) for c in COMPONENTS]].sum(axis=1)
    parts = [_reason_parts(r) for r in df.to_dict("records")]
    df[schema.REASON_CODES] = [encode(p) for p in parts]
    df[schema.PLACE_REASON] = [reason_line(p) for p in parts]  # in options.lang; outputs render their own
    # A place that could be chance never outranks one that could not: significant places first.
    df = df.sort_values(
        [schema.SIGNIFICANT, schema.SCORE, schema.N_INCIDENTS], ascending=False, kind="stable"
    )
    df = df.reset_index(drop=True)
    df.insert(0, schema.RANK, np.arange(1, len(df) + 1))
    df[schema.NAME] = _unique_names(df[schema.NAME].tolist(), df["_street"].tolist())
    df = df[list(schema.PLACE_COLUMNS)]  # the helper columns (_weighted, _lead, ...) go
    out = gpd.GeoDataFrame(df, geometry=schema.GEOMETRY, crs=network.crs)
    out.attrs.update({"period": (start, end), "weights": dict(w), "significance": significance})
    return out


def _reason_parts(r: Mapping[str, Any]) -> list[Part]:
    """The reason as data (:mod:`trygghet_geo._reason`): e.g. 14 narkotikabrott in the last 6 months (+60 %),
    5 remarks about lighting, evenings Fri–Sat; a place found from residents' remarks leads with them and says
    how few police reports it has."""
    remarks = _remark_part(r)
    if r[schema.KIND] == "observations":
        parts = [*remarks, ("few_reports", {"n": int(r[schema.n_window(12)])})]
    else:
        when: list[Part] = []
        if r.get("_daypart") or r.get(schema.DOMINANT_WEEKDAYS):
            when = [
                ("when", {"daypart": r.get("_daypart", ""), "weekdays": r.get(schema.DOMINANT_WEEKDAYS, "")})
            ]
        parts = [*_incident_part(r), *remarks, *when, *_stability_part(r.get(schema.STABILITY, math.nan))]
    return parts or [("few_events", {})]


def _stability_part(stability: float) -> list[Part]:
    """A warning when a place depends on the clustering parameters (``hotspots._stability``)."""
    if not math.isfinite(stability) or stability >= STABLE:
        return []
    runs = len(GRID_FACTORS) ** 2 - 1
    return [("unstable", {"seen": round(stability * runs), "runs": runs})]


def _incident_part(r: Mapping[str, Any]) -> list[Part]:
    lead = r.get("_lead")
    if not lead:
        n = int(r[schema.N_INCIDENTS])
        return [("incidents_period", {"n": n})] if n else []
    cat, n, trend = lead
    finite = math.isfinite(trend)
    values = {
        "category": cat,
        "n": n,
        "trend_pct": trend if finite else None,
        "none_before": trend == math.inf,
    }
    return [("incidents_recent", values)]


def _remark_part(r: Mapping[str, Any]) -> list[Part]:
    n_obs = int(r[schema.N_OBSERVATIONS])
    if not n_obs:
        return []
    counts = {c: r[schema.n_obs_of(c)] for c in schema.OBSERVATION_CATEGORIES}
    top = max(counts, key=lambda c: counts[c])
    return [("remarks", {"n": n_obs, "topic": top, "only": bool(counts[top] == n_obs)})]


def _unique_names(names: list[str], streets: list[str]) -> list[str]:
    """Tell apart places that got the same name: by their street where it differs, else by a number."""
    dup = pd.Series(names).duplicated(keep=False).to_numpy()
    out = [f"{n}, {st}" if d and st != n and not st.startswith("nära ") else n
           for n, st, d in zip(names, streets, dup, strict=True)]  # fmt: skip
    seen: dict[str, int] = {}
    for i, n in enumerate(out):
        seen[n] = seen.get(n, 0) + 1
        out[i] = n if seen[n] == 1 else f"{n} ({seen[n]})"
    return out


# --- inputs
def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS)
    if weights is not None and not isinstance(weights, Mapping):
        from trygghet_geo.errors import ParameterTypeError

        raise ParameterTypeError(f"weights must be a dict such as {{'recency': 2.0}}, got {weights!r}")
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ParameterError(f"weights: unknown key {key!r}; known keys: {sorted(DEFAULT_WEIGHTS)}")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or value < 0
            or not math.isfinite(value)
        ):
            raise ParameterError(f"weights[{key!r}] must be a non-negative number, got {value!r}")
        w[key] = float(value)
    if sum(w[c] for c in COMPONENTS) <= 0:
        raise ParameterError(f"weights: at least one of the components {COMPONENTS} must be > 0")
    return w


def _check_inputs(hotspots: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, network: StreetNetwork) -> None:
    for col in (schema.HOTSPOT_ID, schema.N_EVENTS, schema.MEMBER_INDEX):
        if col not in hotspots.columns:
            raise SchemaError(f"hotspots: missing column {col!r}; pass the output of find_hotspots")
    for col in (schema.OCCURRED_AT, schema.CATEGORY, schema.EDGE_ID):
        if col not in incidents.columns:
            raise SchemaError(f"incidents: missing column {col!r} (snap and cluster the incidents first)")
    if network is None:
        raise InputError("rank_places needs the street network the hotspots were found on (network=...)")
    from trygghet_geo import _validate

    _validate.event_times("incidents", incidents)
    _validate.unique_index("incidents", incidents)


def _in_crs(incidents: gpd.GeoDataFrame, network: StreetNetwork) -> gpd.GeoDataFrame:
    from trygghet_geo.crs import align_crs

    return align_crs(incidents, network.crs, what="the incidents")


def _period(period: Period | None, inc: gpd.GeoDataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    when = inc[schema.OCCURRED_AT].dropna()
    tz = getattr(inc[schema.OCCURRED_AT].dt, "tz", None)
    if period is None:
        if when.empty:
            raise InputError(
                "incidents: no row has a date, so the period cannot be found; pass "
                f"{hint('period', repr(('2024-01-01', '2024-12-31')))}"
            )
        return when.min(), when.max()
    from trygghet_geo import _validate

    start, end = _validate.period_of_events("period", period, tz)
    return start, end - pd.Timedelta(microseconds=1)  # the last instant of the period: compared with <=


def _member_edges(inc: gpd.GeoDataFrame, members: Any) -> np.ndarray:
    labels = [m for m in list(members) if m in inc.index]
    eid = inc.loc[labels, schema.EDGE_ID].to_numpy(int) if labels else np.array([], int)
    return np.unique(eid[eid >= 0])


def _empty(network: StreetNetwork) -> gpd.GeoDataFrame:
    """No place: the columns and dtypes of a full result (:data:`trygghet_geo.schema.PLACE_COLUMNS`)."""
    import geopandas as gpd

    cols = {c: pd.Series(dtype=schema.PLACE_DTYPES[c]) for c in schema.PLACE_COLUMNS if c != schema.GEOMETRY}
    out = gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=network.crs), crs=network.crs)
    return out[list(schema.PLACE_COLUMNS)]
