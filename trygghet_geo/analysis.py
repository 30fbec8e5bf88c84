"""The high-level entry point: ``analyze(...)`` runs the whole flow and returns an :class:`Analysis`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack

import numpy as np
import pandas as pd

from trygghet_geo.crs import align_crs
from trygghet_geo.manifest import recorded

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from trygghet_geo._typing import MapCall, Period
    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.hotspots._parameters import Parameters
    from trygghet_geo.network import StreetNetwork

logger = logging.getLogger(__name__)

__all__ = ["Analysis", "analyze", "left_out_counts", "left_out_table"]


@dataclass
class Analysis:
    """Everything one run of the flow produced.

    Attributes
    ----------
    incidents : GeoDataFrame
        Every input incident row (none dropped), in the network's metric CRS, with the canonical columns of
        :mod:`trygghet_geo.schema` plus ``cluster`` and ``hotspot_id`` (-1 when not in one).
    observations : GeoDataFrame or None
        Every safety-walk observation row, same conventions.
    hotspots : GeoDataFrame
        One row per hotspot (see :func:`trygghet_geo.hotspots.find_hotspots`); geometry is the buffered
        polygon for display, ``segments`` the street segments it covers.
    places : GeoDataFrame
        The ranked places for joint visits (see :func:`trygghet_geo.rank.rank_places`).
    network : StreetNetwork
        The street network used for snapping and distances.
    left_out : dict
        Reason code -> number of incident rows left out of the clustering for that reason.
    observations_left_out : dict
        Reason code -> number of remarks that took no part in the ranking (not placed, uncertain place,
        resolved, positive or neutral); ``len(observations) - sum(...)`` remarks were used.
    meta : dict
        ``title``, ``period`` (start, end timestamps), ``source_note``, ``synthetic`` (bool), ``eps_m``,
        ``min_samples`` (the values used), ``parameters`` (how they were chosen: the fields of
        :class:`trygghet_geo.hotspots.Parameters`), ``parameters_note`` / ``parameters_note_en`` (one
        sentence saying why) and other run parameters.
    study_area : GeoDataFrame or None
        The study area polygon(s), when the caller gave one.
    manifest : dict
        How the run was made (JSON-serialisable; see :mod:`trygghet_geo.manifest`): versions, parameters as
        asked and as used, seed, input and network hashes, counts by reason, start time. Every output
        carries it.
    basemap : dict of GeoDataFrame or None
        Water, green areas, buildings, railways and landmark names to draw below the streets of every map
        of this run: :func:`analyze` reads them from the OSM extract the network came from (see its
        ``basemap`` argument); None: streets only.
    """

    incidents: gpd.GeoDataFrame
    observations: gpd.GeoDataFrame | None
    hotspots: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    network: StreetNetwork
    left_out: dict[str, int] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    study_area: gpd.GeoDataFrame | None = None
    observations_left_out: dict[str, int] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    basemap: dict[str, gpd.GeoDataFrame] | None = None

    def __repr__(self) -> str:
        from trygghet_geo._repr import analysis_repr

        return analysis_repr(self)

    def _repr_html_(self) -> str:
        """A short HTML summary for notebooks: counts, left-out reasons, top places, parameters chosen."""
        from trygghet_geo._repr import analysis_html

        return analysis_html(self)

    def to_map(self, **kwargs: Unpack[MapCall]) -> folium.Map:
        """The interactive map (a ``folium.Map``), offline: Leaflet inlined, streets drawn from the network,
        no tile server asked unless ``tiles=`` is passed; keywords go to :func:`.maps.make_map`."""
        from trygghet_geo.output.maps import make_map

        return make_map(self, **kwargs)

    def to_html(self, path: str | Path, **kwargs: Unpack[MapCall]) -> Path:
        """Write the map as one self-contained HTML file in the ``"shared"`` privacy mode; returns the path.

        Keywords go to :func:`.maps.save_html` (``privacy="internal"``, ``self_contained=False``,
        ``lang="en"``, …).
        """
        from trygghet_geo.output.maps import save_html

        return save_html(self, path, **kwargs)


@recorded
def analyze(
    incidents: str | Path | pd.DataFrame,
    observations: str | Path | pd.DataFrame | None = None,
    *,
    network: StreetNetwork,
    gazetteer: Gazetteer | None = None,
    eps_m: float | Literal["auto"] = "auto",
    min_samples: int | Literal["auto"] = "auto",
    method: Literal["dbscan", "hdbscan"] = "dbscan",
    max_snap_m: float = 100.0,
    weights: dict[str, float] | None = None,
    n_simulations: int = 99,
    random_state: int = 0,
    n_jobs: int | None = None,
    title: str | None = None,
    source_note: str | None = None,
    synthetic: bool | None = None,
    study_area: str | Path | gpd.GeoDataFrame | None = None,
    period: Period | None = None,
    categories: Mapping[str, str] | str | Path | None = None,
    include_uncertain: bool = False,
    min_geocode_score: float = 80.0,
    basemap: bool | str | Path | Mapping[str, gpd.GeoDataFrame] = True,
) -> Analysis:
    """Run the whole flow: read → geocode → project → snap → network DBSCAN → hotspots → rank.

    Parameters
    ----------
    incidents, observations
        A file path (CSV, Excel, GeoJSON/GPKG/Shapefile, Polisen JSON) or a (Geo)DataFrame, read with
        :func:`trygghet_geo.read_incidents` / :func:`trygghet_geo.read_observations`; a frame that already has
        the canonical ``status`` column is taken as read.
    network
        The street network for snapping and distances (see :mod:`trygghet_geo.network`).
    gazetteer
        The offline gazetteer for rows that carry only place text. Without one such rows stay
        ``needs_geocoding`` and are counted as left out.
    eps_m, min_samples
        DBSCAN parameters: distance along the streets in metres, and events within it for a core point.
        ``"auto"`` (the default) derives them from the data and the network under a null model of events
        spread uniformly along the streets (:func:`trygghet_geo.hotspots.suggest_parameters`); with
        ``min_samples="auto"`` each event is weighted by the street around it
        (:func:`trygghet_geo.hotspots.street_weights`). The choice and why are in ``meta["parameters"]``
        and ``meta["parameters_note"]``. Numbers are used as given (plain, unweighted DBSCAN when
        ``min_samples`` is a number).
    method
        ``"dbscan"`` (the default) or ``"hdbscan"``: the self-adjusting HDBSCAN along the streets
        (:class:`trygghet_geo.NetworkHDBSCAN`, no radius; the chosen ``min_samples`` is its smallest cluster
        and its core-distance count, ``eps_m`` only the scale of the drawn streets). The significance stage is
        the same for both: core zones and a null reclustered with DBSCAN at ``eps_m``/``min_samples``; with
        ``"hdbscan"`` its p-values are therefore not those of an HDBSCAN null (not built yet).
    max_snap_m
        Points farther than this from every street are flagged and left out, never forced onto a street.
    weights
        Passed to :func:`trygghet_geo.rank.rank_places`.
    n_simulations, random_state
        Monte Carlo simulations and seed of the significance test
        (:func:`trygghet_geo.hotspots.hotspot_significance`, false-discovery rate 5 %).
    n_jobs
        Simulations run at a time on threads (``None``: 1, ``-1``: every core); the results are identical
        for any value (one random stream per simulation).
    title, source_note
        Shown on the map and in reports.
    synthetic
        Mark the data as synthetic ("Syntetiska exempeldata" on the map); by default taken from the input
        frame's ``attrs["synthetic"]``.
    study_area
        A polygon layer (path or GeoDataFrame) drawn on the map as the study area.
    period
        ``(start, end)`` dates the counts cover (default: the span of the incidents' dates); needed when
        no incident has a date.
    categories
        Your own category table for files read here (a ``{raw type: category}`` dict or a CSV path; see
        :func:`trygghet_geo.read_incidents`).
    include_uncertain, min_geocode_score
        Geocoder answers flagged ambiguous or scoring below ``min_geocode_score`` (0-100, default 80) are
        left out of the clustering with reason ``geocode_uncertain`` (remarks stay on the map, marked
        uncertain); ``include_uncertain=True`` clusters them anyway.
    basemap
        The water, green areas, buildings and railway drawn under every map of the run
        (``Analysis.basemap``). ``True`` (the default): read from the OpenStreetMap extract the network was
        built from (``network.source``, set by :func:`~trygghet_geo.network.network_from_pbf`), for the
        study area or else the network's extent, never for where the incidents are; no basemap when the
        network came from elsewhere. A path: that local ``.osm.pbf`` extract (for a saved network).
        ``False``: none. A dict from :func:`~trygghet_geo.network.basemap_from_pbf`: used as it is. Nothing
        is ever fetched; the reading is kept in memory for the next run on the same extract and area
        (:func:`~trygghet_geo.network.basemap_for_network`).

    Returns
    -------
    Analysis
        Every input row is in ``Analysis.incidents`` and ``Analysis.observations`` (none dropped);
        ``left_out`` counts by reason the incident rows that took no part in the clustering,
        ``observations_left_out`` the remarks that took no part in the ranking.

    Examples
    --------
    >>> from trygghet_geo import analyze, sample
    >>> result = analyze(sample.generate_incidents(), network=sample.load_network(),
    ...                  gazetteer=sample.load_gazetteer(), n_simulations=9)  # doctest: +SKIP
    """
    from trygghet_geo import schema
    from trygghet_geo._precision import flag_town_only, flag_uncertain

    _check_parameters(eps_m, min_samples, method, max_snap_m, n_simulations, random_state, n_jobs)
    _check_network(network)
    from trygghet_geo import _validate

    _validate.score("min_geocode_score", min_geocode_score)
    stages = _Stages(total=8)
    inc = _read(incidents, "incidents", categories)
    obs = _read(observations, "observations", categories) if observations is not None else None
    if obs is not None:  # a remark naming only the municipality of the police extract is no street point
        report = inc.attrs.get("report")
        obs = flag_town_only(obs, list(getattr(report, "towns", []) or []))
    stages.step("geocode")
    inc = flag_uncertain(
        _geocode(inc, gazetteer), min_geocode_score=min_geocode_score, include=include_uncertain
    )
    if obs is not None:
        obs = flag_uncertain(
            _geocode(obs, gazetteer), min_geocode_score=min_geocode_score, include=include_uncertain
        )
    stages.step("snap")
    inc = _snap(inc, network, max_snap_m=max_snap_m)
    obs = _snap(obs, network, max_snap_m=max_snap_m) if obs is not None else None
    stages.step("cluster")
    params = _parameters(inc, network, eps_m, min_samples, random_state)
    inc = _cluster(inc, network, params, method)
    stages.step("hotspots")
    from trygghet_geo.hotspots import find_hotspots

    clustered = inc[inc[schema.CLUSTER] >= 0]
    hotspots = find_hotspots(clustered, clustered[schema.CLUSTER].to_numpy(), network, eps_m=params.eps_m)
    inc[schema.HOTSPOT_ID] = -1
    for hid, members in zip(hotspots["hotspot_id"], hotspots["member_index"], strict=True):
        inc.loc[list(members), schema.HOTSPOT_ID] = int(hid)
    stages.step("significance")
    from trygghet_geo.hotspots import hotspot_significance, hotspot_stability

    eps, ms, weighted = params.eps_m, params.min_samples, params.min_samples_auto
    hotspots = hotspot_significance(
        hotspots, inc, network, eps_m=eps, min_samples=ms, street_weighted=weighted,
        n_simulations=n_simulations, random_state=random_state, n_jobs=n_jobs,
    )  # fmt: skip
    hotspots = hotspot_stability(hotspots, inc, network, eps_m=eps, min_samples=ms, street_weighted=weighted)
    stages.step("rank")
    from trygghet_geo.rank import rank_places

    places = rank_places(
        hotspots, inc, _problem_remarks(obs), network=network, period=period, weights=weights,
        gazetteer=gazetteer,
    )  # fmt: skip
    stages.close()
    meta = _meta(
        inc,
        obs,
        title=title,
        source_note=source_note,
        synthetic=synthetic,
        eps_m=params.eps_m,
        min_samples=params.min_samples,
        max_snap_m=max_snap_m,
        n_simulations=n_simulations,
        method=method,
        parameters=params.as_dict(),
        parameters_note=params.explain("sv"),
        parameters_note_en=params.explain("en"),
    )
    if period is not None:
        meta["period"] = places.attrs.get("period", meta["period"])
    from trygghet_geo.network._basemap import resolve_basemap

    area = _read_area(study_area, network)
    return Analysis(
        incidents=inc,
        observations=obs,
        hotspots=hotspots,
        places=places,
        network=network,
        left_out=left_out_counts(inc),
        meta=meta,
        study_area=area,
        observations_left_out=_observation_counts(obs),
        basemap=resolve_basemap(basemap, network, area=area),
    )


def _check_parameters(
    eps_m: Any,
    min_samples: Any,
    method: Any,
    max_snap_m: Any,
    n_simulations: Any,
    random_state: Any,
    n_jobs: Any,
) -> None:
    """The flow's parameters, checked before any work (:mod:`trygghet_geo._validate`)."""
    from trygghet_geo import _validate as v
    from trygghet_geo.errors import ParameterError, shown
    from trygghet_geo.hotspots._hdbscan import METHODS
    from trygghet_geo.hotspots._montecarlo import check_n_jobs

    if not isinstance(eps_m, str):  # a word such as "auto" is left to the stage that reads it
        v.metres("eps_m", eps_m)
    if not isinstance(min_samples, str):
        v.count("min_samples", min_samples, minimum=1)
    v.metres("max_snap_m", max_snap_m)
    v.count("n_simulations", n_simulations, maximum=v.MAX_SIMULATIONS)
    v.seed("random_state", random_state)
    check_n_jobs(n_jobs)
    if method not in METHODS:
        raise ParameterError(f"method must be 'dbscan' or 'hdbscan', got {shown(method)}")


def _check_network(network: Any) -> None:
    from trygghet_geo.errors import ParameterTypeError
    from trygghet_geo.network import StreetNetwork

    if not isinstance(network, StreetNetwork):
        raise ParameterTypeError(
            f"network must be a StreetNetwork (trygghet_geo.network.network_from_pbf, network_from_lines, "
            f"read_network, ...), got {type(network).__name__}"
        )


def _problem_remarks(obs: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The remarks the ranking counts: placed on the streets with certainty, current problems only."""
    if obs is None:
        return None
    from trygghet_geo._precision import observation_reasons

    return obs[(observation_reasons(obs) == "").to_numpy()]


def _observation_counts(obs: gpd.GeoDataFrame | None) -> dict[str, int]:
    if obs is None:
        return {}
    from trygghet_geo._precision import observation_reasons

    reasons = observation_reasons(obs)
    return {str(k): int(v) for k, v in reasons[reasons != ""].value_counts().items()}


def _read_area(area: str | Path | gpd.GeoDataFrame | None, network: StreetNetwork) -> gpd.GeoDataFrame | None:
    if area is None:
        return None
    import geopandas as gpd

    from trygghet_geo.errors import InputError

    if isinstance(area, gpd.GeoDataFrame):
        layer = area
    else:
        if not Path(area).exists():
            raise InputError(f"study_area: file {str(area)!r} does not exist")
        from trygghet_geo.io._excel import read_gis_layer

        layer = read_gis_layer(Path(area))
    if layer.crs is None:
        raise InputError("study_area: the layer has no CRS; set one with GeoDataFrame.set_crs")
    kinds = set(layer.geom_type.dropna())
    if not kinds or not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(
            f"study_area: expected a polygon layer (GeoPackage, GeoJSON, Shapefile), got geometry types "
            f"{sorted(kinds) or ['none']}"
        )
    return layer.to_crs(network.crs)


class _Stages:
    """A stage-level progress bar (tqdm) that obeys ``options.progress``."""

    def __init__(self, total: int) -> None:
        from tqdm.auto import tqdm

        from trygghet_geo._config import progress_disable

        self._bar = tqdm(total=total, desc="read", disable=progress_disable(), leave=False)

    def step(self, name: str) -> None:
        logger.info("stage: %s", name)
        self._bar.set_description(name)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.update(self._bar.total - self._bar.n)
        self._bar.close()


def _read(
    source: Any, kind: str, categories: Mapping[str, str] | str | Path | None = None
) -> gpd.GeoDataFrame:
    import geopandas as gpd

    from trygghet_geo import io, schema

    canonical = schema.INCIDENT_COLUMNS if kind == "incidents" else schema.OBSERVATION_COLUMNS
    if isinstance(source, pd.DataFrame) and not source.index.is_unique:
        # The stages look rows up by index label: a repeated label would pick several rows at once.
        logger.warning("%s: the index repeats labels; the rows are numbered 0..n-1 instead", kind)
        source = source.reset_index(drop=True)
    # A frame is taken as read only when it has every canonical column (a user's own 'status' or 'geometry'
    # column alone does not make it one); otherwise it is read like any table.
    if isinstance(source, gpd.GeoDataFrame) and set(canonical) <= set(source.columns):
        return source.copy()
    reader = io.read_incidents if kind == "incidents" else io.read_observations
    return reader(source, categories=categories)


def _geocode(gdf: gpd.GeoDataFrame, gazetteer: Gazetteer | None) -> gpd.GeoDataFrame:
    from trygghet_geo import schema

    if gazetteer is None or not (gdf[schema.STATUS] == "needs_geocoding").any():
        return gdf
    from trygghet_geo.geocode import geocode

    return geocode(gdf, gazetteer=gazetteer)


def _snap(gdf: gpd.GeoDataFrame, network: StreetNetwork, *, max_snap_m: float) -> gpd.GeoDataFrame:
    """Project to the network's CRS and snap the rows fine enough for the streets; flag the far ones."""
    from trygghet_geo import schema
    from trygghet_geo.network.snap import snap_points

    gdf = align_crs(gdf, network.crs, what="the incidents")
    gdf[schema.EDGE_ID] = -1
    gdf[schema.EDGE_OFFSET_M] = np.nan
    gdf[schema.SNAP_DIST_M] = np.nan
    usable = (
        (gdf[schema.STATUS] == "ok")
        & (gdf[schema.REASON].fillna("") != "geocode_uncertain")
        & gdf[schema.PRECISION].isin(list(schema.STREET_PRECISION))
        & gdf.geometry.notna()
        & ~gdf.geometry.is_empty
    )
    if usable.any():
        snapped = snap_points(gdf.loc[usable], network, max_snap_m=max_snap_m)
        gdf.loc[usable, schema.EDGE_ID] = snapped["edge_id"].to_numpy()
        gdf.loc[usable, schema.EDGE_OFFSET_M] = snapped["edge_offset_m"].to_numpy()
        gdf.loc[usable, schema.SNAP_DIST_M] = snapped["snap_dist_m"].to_numpy()
        far = usable & (gdf[schema.EDGE_ID] < 0)
        gdf.loc[far, schema.REASON] = "too_far_from_street"
    coarse = (gdf[schema.STATUS] == "ok") & ~gdf[schema.PRECISION].isin(list(schema.STREET_PRECISION))
    gdf.loc[coarse & (gdf[schema.REASON].fillna("") == ""), schema.REASON] = "coarse_location"
    gdf[schema.EDGE_ID] = gdf[schema.EDGE_ID].astype(int)
    return gdf


def _parameters(
    gdf: gpd.GeoDataFrame,
    network: StreetNetwork,
    eps_m: float | Literal["auto"],
    min_samples: int | Literal["auto"],
    random_state: int,
) -> Parameters:
    """The clustering parameters: derived from the events on the streets, or as given."""
    from trygghet_geo import schema
    from trygghet_geo.hotspots import Parameters, suggest_parameters

    on = gdf[schema.EDGE_ID].to_numpy() >= 0
    if on.any():
        return suggest_parameters(
            gdf.loc[on, schema.EDGE_ID].to_numpy(),
            gdf.loc[on, schema.EDGE_OFFSET_M].to_numpy(),
            network,
            eps_m=eps_m,
            min_samples=min_samples,
            random_state=random_state,
        )
    from trygghet_geo.hotspots._parameters import EPS_STEPS_M, MIN_SAMPLES_FLOOR, _check_given

    _check_given(eps_m, min_samples)
    nan = float("nan")
    return Parameters(
        eps_m=EPS_STEPS_M[0] if eps_m == "auto" else float(eps_m),
        min_samples=MIN_SAMPLES_FLOOR if min_samples == "auto" else int(min_samples),
        eps_auto=eps_m == "auto",
        min_samples_auto=min_samples == "auto",
        n_events=0,
        street_km=float(network.edges["length_m"].sum()) / 1000.0,
        events_per_km=0.0,
        ball_m=nan,
        expected=nan,
        noise_core_share=nan,
    )


def _cluster(
    gdf: gpd.GeoDataFrame, network: StreetNetwork, params: Parameters, method: str = "dbscan"
) -> gpd.GeoDataFrame:
    from trygghet_geo import schema
    from trygghet_geo.hotspots._dbscan import dbscan_on_network
    from trygghet_geo.hotspots._hdbscan import network_cluster_labels
    from trygghet_geo.hotspots._parameters import street_weights

    gdf[schema.CLUSTER] = -1
    on_street = (gdf[schema.EDGE_ID] >= 0).to_numpy()
    if on_street.sum() > 0:
        e = gdf.loc[on_street, schema.EDGE_ID].to_numpy()
        t = gdf.loc[on_street, schema.EDGE_OFFSET_M].to_numpy()
        if method == "hdbscan":
            gdf.loc[on_street, schema.CLUSTER] = network_cluster_labels(
                e, t, network, method=method, eps_m=params.eps_m, min_samples=params.min_samples
            )
            return gdf
        w = street_weights(network, e, t, params.eps_m) if params.min_samples_auto else None
        labels, _core = dbscan_on_network(
            e, t, network, eps_m=params.eps_m, min_samples=params.min_samples, sample_weight=w
        )
        gdf.loc[on_street, schema.CLUSTER] = labels
        _warn_if_one_cluster_swallows_all(labels, eps_m=params.eps_m, min_samples=params.min_samples)
    return gdf


# A cluster holding more than this share of the clustered events is no hotspot but the town's dense core.
_SWALLOW_SHARE = 0.5


def _warn_if_one_cluster_swallows_all(labels: np.ndarray, *, eps_m: float, min_samples: int) -> None:
    """Warn when eps/min_samples are too loose for the data's density (one cluster takes most events)."""
    import warnings

    from trygghet_geo.errors import TrygghetWarning

    clustered = labels[labels >= 0]
    if len(clustered) < 100:
        return
    largest = np.bincount(clustered).max()
    if largest > _SWALLOW_SHARE * len(labels):
        warnings.warn(
            f"one cluster holds {largest} of {len(labels)} events on the streets: at eps_m={eps_m:g}, "
            f"min_samples={min_samples} nearly every street is dense enough, so the hotspots merge. Try a "
            "smaller eps_m or a larger min_samples, or leave both at 'auto' to derive them from the data "
            "(trygghet_geo.suggest_parameters).",
            TrygghetWarning,
            stacklevel=4,
        )


def left_out_counts(incidents: pd.DataFrame) -> dict[str, int]:
    """Reason code -> number of incident rows that took no part in the clustering, largest first."""
    from trygghet_geo import schema

    left = incidents[incidents[schema.EDGE_ID] < 0] if schema.EDGE_ID in incidents else incidents
    counts = ((str(k), int(v)) for k, v in _left_out_reasons(left).value_counts().items())
    return dict(sorted(counts, key=lambda kv: (-kv[1], kv[0])))  # equal counts by code: one order everywhere


def _left_out_reasons(left: pd.DataFrame) -> pd.Series:
    """The reason code of each left-out row: a row still waiting for geocoding is ``not_geocoded``."""
    from trygghet_geo import schema

    reasons = left[schema.REASON].fillna("").replace("", "not_geocoded")
    return reasons.where(left[schema.STATUS] != "needs_geocoding", "not_geocoded")


def _meta(inc: pd.DataFrame, obs: pd.DataFrame | None, **kwargs: Any) -> dict[str, Any]:
    from trygghet_geo import schema

    when = pd.to_datetime(inc[schema.OCCURRED_AT], errors="coerce").dropna()
    synthetic = kwargs.pop("synthetic")
    synthetic = bool(inc.attrs.get("synthetic", False)) if synthetic is None else bool(synthetic)
    note = kwargs.pop("source_note") or inc.attrs.get("source_note") or ""
    title = kwargs.pop("title") or ("Trygghetskarta – exempel" if synthetic else "Trygghetskarta")
    return {
        "title": title,
        "period": (when.min(), when.max()) if len(when) else (None, None),
        "source_note": note,
        "synthetic": synthetic,
        "n_incidents": len(inc),
        "n_observations": 0 if obs is None else len(obs),
        **kwargs,
    }


def _source_roles(left: pd.DataFrame, kind: str, lang: str) -> pd.Series:
    """The ``source`` column as the role of the file the row came from ("händelsefilen", numbered when
    several): the file's own name is never written, since a name or an identity number may be in it."""
    from trygghet_geo import schema
    from trygghet_geo._text import text

    role = text("source.observations" if kind == "observations" else "source.incidents", lang=lang)
    if schema.SOURCE not in left.columns:
        return pd.Series(role, index=left.index, dtype=object)
    names = left[schema.SOURCE].astype(object)
    order = {v: i for i, v in enumerate(pd.unique(names))}
    if len(order) <= 1:
        return pd.Series(role, index=left.index, dtype=object)
    return names.map(lambda v: f"{role} {order[v] + 1}").astype(object)


def left_out_table(
    analysis: Analysis,
    *,
    lang: str = "sv",
    kind: Literal["incidents", "observations"] = "incidents",
    privacy: Literal["internal", "shared"] = "internal",
) -> pd.DataFrame:
    """Every incident row that took no part in the clustering (or, with ``kind="observations"``, every
    remark that took no part in the ranking), with its reason spelled out.

    The rows keep their ``source_row`` (and, as ``source``, the role of the file they came from, never its
    name) so whoever made the file can mend them. With ``privacy="shared"`` (the command line's default, as
    for every file it writes) no record or case id is kept and dates are given by month
    (:func:`.output._gate.shared_rows`): each row is one incident alone. Free text, and
    numbers in text columns that read as identity or phone numbers, are redacted
    (:func:`.privacy.redact_table`), since the table is written to disk. The row counts by reason equal
    ``analysis.left_out`` (``analysis.observations_left_out``).
    """
    from trygghet_geo import _validate, schema
    from trygghet_geo.output.privacy import redact_table

    _validate.analysis("analysis", analysis)
    kind = _validate.choice("kind", kind, ("incidents", "observations"))  # type: ignore[assignment]
    privacy = _validate.choice("privacy", privacy, ("internal", "shared"))  # type: ignore[assignment]
    if kind == "observations":
        from trygghet_geo._precision import observation_reasons

        obs = analysis.observations
        if obs is None:
            return pd.DataFrame(columns=[schema.SOURCE, schema.SOURCE_ROW, schema.REASON, "reason_text"])
        reasons = observation_reasons(obs)
        left = pd.DataFrame(obs[(reasons != "").to_numpy()].drop(columns=[obs.geometry.name]))
        left[schema.REASON] = reasons[reasons != ""]
    else:
        inc = analysis.incidents
        left = pd.DataFrame(inc[inc[schema.EDGE_ID] < 0].drop(columns=[inc.geometry.name]))
        left[schema.REASON] = _left_out_reasons(left)
    left.insert(
        left.columns.get_loc(schema.REASON) + 1,
        "reason_text",
        left[schema.REASON].map(lambda code: schema.reason_text(code, lang)),
    )
    left[schema.SOURCE] = _source_roles(left, kind, lang)
    codes_only = {
        schema.STATUS, schema.REASON, "reason_text", schema.CATEGORY, schema.PRECISION,
        schema.GEOCODE_METHOD, schema.SOURCE, schema.REMARK_STATUS, schema.REMARK_TONE, schema.OFFENCE_CODE,
    }  # fmt: skip
    table = redact_table(left, skip=codes_only)
    if privacy == "shared":
        from trygghet_geo.output._gate import shared_rows

        frame = analysis.observations if kind == "observations" else analysis.incidents
        read = getattr(frame, "attrs", {}).get("report")  # the file's own coordinate columns go too
        mapped = getattr(read, "columns", None) or {}
        coords = [mapped[c] for c in ("lat", "lon", "x", "y", "coordinates") if c in mapped]
        return shared_rows(table, coordinates=coords)
    return table
