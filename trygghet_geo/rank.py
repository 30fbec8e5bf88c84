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
from trygghet_geo._names import place_name
from trygghet_geo.errors import InputError, ParameterError, SchemaError
from trygghet_geo.hotspots._significance import SIGNIFICANCE_COLUMNS, observed_labels
from trygghet_geo.hotspots._stability import GRID_FACTORS, STABLE
from trygghet_geo.hotspots._time import time_profile

if TYPE_CHECKING:
    import geopandas as gpd

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

COMPONENTS = ("incidents", "recency", "observations", "significance")
WINDOWS_MONTHS = (3, 6, 12)

_CAT_NOUN = {  # (singular, plural) as a reason line writes them
    "narkotika": ("narkotikabrott", "narkotikabrott"), "stöld": ("stöld", "stölder"),
    "trafik": ("trafikbrott", "trafikbrott"), "skadegörelse": ("skadegörelse", "skadegörelser"),
    "våld": ("våldsbrott", "våldsbrott"), "ordningsstörning": ("ordningsstörning", "ordningsstörningar"),
    "övrigt": ("övrig händelse", "övriga händelser"),
}
_OBS_TOPIC = {
    "belysning": "belysning", "vegetation": "vegetation", "skadegörelse/klotter": "klotter och skadegörelse",
    "nedskräpning": "nedskräpning", "trafikmiljö": "trafikmiljön",
    "folksamling/otrygghet": "folksamlingar/otrygghet", "övrigt": "övrigt",
}

SWEDISH_COLUMNS: Mapping[str, str] = {
    "rank": "Rang", "name": "Plats", "score": "Poäng", "reason": "Motivering", "kind": "Typ",
    "significant": "Signifikant", "p_value": "p-värde", "p_max": "p-värde (hela kartan)",
    "q_value": "q-värde (FDR)", "stability": "Stabilitet (0–1)",
    "hotspot_id": "Hotspot-id",
    "score_incidents": "Poäng: brott", "score_recency": "Poäng: aktualitet",
    "score_observations": "Poäng: synpunkter", "score_significance": "Poäng: signifikans",
    "n_incidents": "Händelser under perioden",
    **{f"n_{c}": f"Händelser: {c}" for c in schema.INCIDENT_CATEGORIES},
    **{f"n_{w}m": f"Händelser senaste {w} mån" for w in WINDOWS_MONTHS},
    **{f"trend_{w}m_pct": f"Förändring {w} mån mot föregående (%)" for w in WINDOWS_MONTHS},
    "n_observations": "Synpunkter från trygghetsvandringar",
    **{f"n_obs_{c}": f"Synpunkter: {c}" for c in schema.OBSERVATION_CATEGORIES},
    "dominant_hours": "Vanligaste tider", "dominant_weekdays": "Vanligaste veckodagar",
    "n_time_unknown": "Tid saknas",
    "length_m": "Gatulängd (m)", "lon": "Longitud", "lat": "Latitud",
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
    period: tuple[Any, Any] | None = None,
    gazetteer: Any = None,
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
    w = _weights(weights)
    _check_inputs(hotspots, incidents, network)
    inc = _in_crs(incidents, network)
    obs = _usable_observations(observations, network)
    start, end = _period(period, inc)
    located = inc[inc[schema.EDGE_ID].to_numpy() >= 0]  # on the streets: fine enough to lie in a place
    observed_labels(located, hotspots)  # every member must be among the incidents given
    sig = _significance_columns(hotspots)
    hs_geoms = hotspots.geometry.to_crs(network.crs) if hotspots.crs is not None else hotspots.geometry
    hot_edges = [_member_edges(inc, members) for members in hotspots["member_index"]]
    obs_near = [
        _observations_near(obs, g, e, network, obs_within_m) for g, e in zip(hs_geoms, hot_edges, strict=True)
    ]
    ctx = _Context(located, obs, start, end, w, network, gazetteer)
    rows = [
        _place_row(ctx, geom, hid=int(h), kind="hotspot", p=p, obs_mask=mask, edges=edges)
        for h, geom, p, mask, edges in zip(hotspots["hotspot_id"], hs_geoms, sig, obs_near, hot_edges,
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
    names = (*SIGNIFICANCE_COLUMNS, "stability")
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
    """Write the ranked places as CSV (``;``, decimal comma, UTF-8 with BOM for Excel) or XLSX, with Swedish
    column names (:data:`SWEDISH_COLUMNS`), a WGS84 centre point per place, and text cells that a spreadsheet
    would read as formulas escaped (:mod:`trygghet_geo.io._write`, the one spreadsheet writer); an XLSX
    carries ``manifest`` in a sheet of its own, dated at the run's start (:mod:`trygghet_geo.io._stamp`).

    In the ``"shared"`` privacy mode (the default: a file travels) a place found from a hotspot is written
    only when the hotspot holds at least ``k`` incidents (``hotspots``' ``n_events`` when given, else the
    place's ``n_incidents``), and text passes :func:`trygghet_geo.output.privacy.redact`
    (:func:`trygghet_geo.output.privacy.shared_places`). ``"internal"`` writes every place as it is.

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

    from trygghet_geo.io._write import write_table
    from trygghet_geo.output.privacy import check_gate, shared_places

    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
        raise ParameterError(f"export_places: path must end in .csv or .xlsx, got {str(path)!r}")
    if not isinstance(places, gpd.GeoDataFrame) or places.geometry.name not in places.columns:
        raise SchemaError(
            "export_places: places must be a GeoDataFrame with geometry, as rank_places returns"
        )
    check_gate(privacy, k, 100.0)
    shown = shared_places(places, hotspots, k=k) if privacy == "shared" else places
    path = write_table(places_table(shown), path, sheet_name="Platser")
    if path.suffix.lower() != ".csv":
        from trygghet_geo.io._stamp import finish_xlsx

        finish_xlsx(path, manifest and {**manifest, "output": {"k": k, "privacy": privacy}})
    return path


def places_table(places: gpd.GeoDataFrame) -> pd.DataFrame:
    """The ranked places as a plain table with Swedish column names (no geometry; centre as lon/lat; scores,
    p-values and trends rounded for reading)."""
    df = pd.DataFrame(places.drop(columns=[places.geometry.name], errors="ignore"))
    if places.crs is not None and len(places):
        centre = places.geometry.representative_point().to_crs(schema.WGS84)
        df["lon"], df["lat"] = centre.x.round(6).to_numpy(), centre.y.round(6).to_numpy()
    digits = {
        "score": 3,
        "p_value": 4,
        "p_max": 4,
        "q_value": 4,
        "length_m": 0,
        **{f"score_{c}": 3 for c in COMPONENTS},
        **{f"trend_{w}m_pct": 0 for w in WINDOWS_MONTHS},
    }
    for col, d in digits.items():
        if col in df:
            df[col] = df[col].astype(float).round(d)
    if "significant" in df:
        df["significant"] = np.where(df["significant"].astype(bool), "ja", "nej")
    if "kind" in df:
        df["kind"] = df["kind"].map({"hotspot": "brottskoncentration", "observations": "synpunkter"})
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
    row: dict[str, Any] = {"hotspot_id": hid, "kind": kind, "p_value": p[0], "q_value": p[1], "p_max": p[2],
                           "significant": p[3], "stability": p[4]}  # fmt: skip
    row["n_incidents"] = int(in_period.sum())
    for c in schema.INCIDENT_CATEGORIES:
        row[f"n_{c}"] = int((in_period & (cats == c)).sum())
    row["_weighted"] = sum(w.get(c, 0.0) * row[f"n_{c}"] for c in schema.INCIDENT_CATEGORIES)
    for months in WINDOWS_MONTHS:
        recent, previous = ctx.windows[months]
        n_now, n_prev = int((inside & recent).sum()), int((inside & previous).sum())
        row[f"n_{months}m"] = n_now
        row[f"trend_{months}m_pct"] = _trend(n_now, n_prev)
        if months == 6:
            row["_weighted_6m"] = float(ctx.cat_weight[inside & recent].sum())
            row["_lead"] = _lead_category(cats, inside & recent, inside & previous, w)
    ocats = obs[schema.CATEGORY].astype(str).to_numpy()
    row["n_observations"] = int(obs_mask.sum())
    for c in schema.OBSERVATION_CATEGORIES:
        row[f"n_obs_{c}"] = int((obs_mask & (ocats == c)).sum())
    known = _time_known(inc)
    row["n_time_unknown"] = int((in_period & ~known).sum())  # "tid saknas": dated, no time of day
    until = inc[schema.OCCURRED_TO][in_period] if schema.OCCURRED_TO in inc.columns else None
    profile = time_profile(when[in_period], known[in_period], until)
    row.update(
        {"dominant_hours": profile.hours, "dominant_weekdays": profile.weekdays, "_daypart": profile.daypart}
    )
    row["name"], row["_street"] = place_name(network, edges, geom, inc, inside, ctx.gazetteer)
    row["length_m"] = float(network.edges["length_m"].to_numpy()[edges].sum()) if len(edges) else 0.0
    row["geometry"] = geom
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
    p_max = df["p_max"].to_numpy(float)
    has_p = np.isfinite(p_max)
    df["significant"] = df["significant"].astype(bool)
    total = sum(w[c] for c in COMPONENTS)
    raw = {
        "incidents": df["_weighted"].to_numpy(float),
        "recency": df["_weighted_6m"].to_numpy(float),
        "observations": df["n_observations"].to_numpy(float),
        "significance": np.where(has_p, 1 - p_max, 0.0),
    }
    for comp, values in raw.items():
        top = values.max()
        df[f"score_{comp}"] = (w[comp] / total) * (values / top if top > 0 else 0.0)
    df["score"] = df[[f"score_{c}" for c in COMPONENTS]].sum(axis=1)
    df["reason"] = [_reason(r) for r in df.to_dict("records")]
    # A place that could be chance never outranks one that could not: significant places first.
    df = df.sort_values(["significant", "score", "n_incidents"], ascending=False, kind="stable")
    df = df.reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    df["name"] = _unique_names(df["name"].tolist(), df["_street"].tolist())
    df = df.drop(columns=[c for c in df.columns if c.startswith("_")])
    first = ["rank", "score", "name", "reason", "p_value", "q_value", "significant", "p_max", "hotspot_id",
             "kind"]  # fmt: skip
    df = df[first + [c for c in df.columns if c not in first]]
    out = gpd.GeoDataFrame(df, geometry="geometry", crs=network.crs)
    out.attrs.update({"period": (start, end), "weights": dict(w), "significance": significance})
    return out


def _reason(r: Mapping[str, Any]) -> str:
    """One Swedish line, e.g. "14 narkotikabrott senaste 6 mån (+60 %), 5 synpunkter om belysning, kvällar
    fre–lör"; a place found from residents' remarks leads with them and says how few police reports it has."""
    incidents, remarks = _incident_text(r), _remark_text(r)
    if r["kind"] == "observations":
        parts = [remarks, f"få polisanmälningar ({r['n_12m']} senaste 12 mån)"]
    else:
        when = " ".join(x for x in (r.get("_daypart", ""), r.get("dominant_weekdays", "")) if x)
        parts = [incidents, remarks, when, _stability_text(r.get("stability", math.nan))]
    return ", ".join(p for p in parts if p) or "få händelser"


def _stability_text(stability: float) -> str:
    """A warning when a place depends on the clustering parameters (``hotspots._stability``)."""
    if not math.isfinite(stability) or stability >= STABLE:
        return ""
    runs = len(GRID_FACTORS) ** 2 - 1
    return f"beror på parametrarna (syns i {round(stability * runs)} av {runs} närliggande inställningar)"


def _incident_text(r: Mapping[str, Any]) -> str:
    lead = r.get("_lead")
    if not lead:
        return f"{r['n_incidents']} händelser under perioden, inga senaste 6 mån" if r["n_incidents"] else ""
    cat, n, trend = lead
    text = f"{n} {_CAT_NOUN.get(cat, (cat, cat))[0 if n == 1 else 1]} senaste 6 mån"
    if math.isfinite(trend):
        return text + f" ({_signed(trend)} %)"
    return text + (" (inga halvåret före)" if trend == math.inf else "")


def _remark_text(r: Mapping[str, Any]) -> str:
    n_obs = int(r["n_observations"])
    if not n_obs:
        return ""
    counts = {c: r[f"n_obs_{c}"] for c in schema.OBSERVATION_CATEGORIES}
    top = max(counts, key=lambda c: counts[c])
    word = "synpunkt" if n_obs == 1 else "synpunkter"
    return (
        f"{n_obs} {word}, flest om {_OBS_TOPIC[top]}"
        if counts[top] < n_obs
        else f"{n_obs} {word} om {_OBS_TOPIC[top]}"
    )


def _signed(value: float) -> str:
    v = round(value)
    return f"+{v}" if v > 0 else ("±0" if v == 0 else f"−{abs(v)}")


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
    for col in ("hotspot_id", "n_events", "member_index"):
        if col not in hotspots.columns:
            raise SchemaError(f"hotspots: missing column {col!r}; pass the output of find_hotspots")
    for col in (schema.OCCURRED_AT, schema.CATEGORY, schema.EDGE_ID):
        if col not in incidents.columns:
            raise SchemaError(f"incidents: missing column {col!r} (snap and cluster the incidents first)")
    if network is None:
        raise InputError("rank_places needs the street network the hotspots were found on (network=...)")


def _in_crs(incidents: gpd.GeoDataFrame, network: StreetNetwork) -> gpd.GeoDataFrame:
    if incidents.crs is None:
        return incidents.set_crs(network.crs)
    return incidents if incidents.crs == network.crs else incidents.to_crs(network.crs)


def _period(period: tuple[Any, Any] | None, inc: gpd.GeoDataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    when = inc[schema.OCCURRED_AT].dropna()
    tz = getattr(inc[schema.OCCURRED_AT].dt, "tz", None)
    if period is None:
        if when.empty:
            raise InputError(
                "incidents: no row has a date, so the period cannot be found; pass "
                f"{hint('period', repr(('2024-01-01', '2024-12-31')))}"
            )
        return when.min(), when.max()
    try:
        start, end = (pd.Timestamp(x) for x in period)
    except (TypeError, ValueError):
        raise ParameterError(f"period must be a (start, end) pair of dates, got {period!r}") from None
    if end == end.normalize():
        end = end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    if tz is not None:
        start = start.tz_localize(tz) if start.tzinfo is None else start.tz_convert(tz)
        end = end.tz_localize(tz) if end.tzinfo is None else end.tz_convert(tz)
    return start, end


def _member_edges(inc: gpd.GeoDataFrame, members: Any) -> np.ndarray:
    labels = [m for m in list(members) if m in inc.index]
    eid = inc.loc[labels, schema.EDGE_ID].to_numpy(int) if labels else np.array([], int)
    return np.unique(eid[eid >= 0])


def _empty(network: StreetNetwork) -> gpd.GeoDataFrame:
    import geopandas as gpd

    cols = [
        "rank",
        "score",
        "name",
        "reason",
        "p_value",
        "q_value",
        "significant",
        "p_max",
        "hotspot_id",
        "kind",
        *(f"score_{c}" for c in COMPONENTS),
        "n_incidents",
        "n_observations",
        "stability",
    ]
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols}, geometry=[], crs=network.crs)
