"""The sample's districts and measures register (written by :func:`trygghet_geo.sample.write_raw`).

**Districts** (``exempel_omraden.geojson``): the Voronoi polygons of the OpenStreetMap ``place=suburb``,
``neighbourhood`` and ``quarter`` points of the bundled extract of central Helsinki, clipped to the study
area. The names are real (their Swedish ``name:sv``); the borders are *derived* (a Voronoi cell is not the
city's district border) and the populations are *synthetic* (drawn from a seed); the layer says both in its
``omrade_kalla`` and ``befolkning_kalla`` columns.

**Measures register** (``exempel_atgardsplan.xlsx``): five measures of the sample's citizen promise, as a
coordinator would fill in the template: the park's new lighting from the promise date (the measure the
sample plants: from ``PROMISE_DATE`` the park's incidents are halved), and four others whose places were not
helped (the station, the nightlife street, the traffic crossing) or whose goal cannot be measured in
incidents, or that has not started.
"""

from __future__ import annotations

import functools
import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

__all__ = [
    "DISTRICTS_FILE",
    "PLAN_FILE",
    "generate_districts",
    "generate_plan",
    "place_points",
    "write_sample_areas",
]

DISTRICTS_FILE = "exempel_omraden.geojson"
PLAN_FILE = "exempel_atgardsplan.xlsx"
DISTRICTS_SEED = 20261205
DERIVED_NOTE = (
    "härledd: Voronoi-celler kring OpenStreetMaps place-punkter, klippta till studieområdet "
    "(© OpenStreetMap contributors, ODbL); inte stadens verkliga gränser"
)
SYNTHETIC_NOTE = "syntetisk"
_PLACE_KINDS = ("suburb", "neighbourhood", "quarter")


@functools.cache
def place_points(pbf: Path) -> gpd.GeoDataFrame:
    """The extract's ``place=suburb/neighbourhood/quarter`` nodes: ``osm_id``, ``name`` (Swedish ``name:sv``,
    else ``name``), ``name_fi``, ``place``, points in WGS84, ordered by OSM id."""
    import geopandas as gpd
    import pyrosm

    osm = pyrosm.OSM(str(pbf))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyrosm uses deprecated pandas/shapely calls internally
        raw = osm.get_data_by_custom_criteria(
            custom_filter={"place": list(_PLACE_KINDS)},
            filter_type="keep",
            keep_nodes=True,
            keep_ways=False,
            keep_relations=False,
        )
    tags = [json.loads(t) if isinstance(t, str) else {} for t in raw["tags"]]
    out = gpd.GeoDataFrame(
        {
            "osm_id": raw["id"].astype("int64").to_numpy(),
            "name": [t.get("name:sv") or t.get("name") for t in tags],
            "name_fi": [t.get("name:fi") or t.get("name") for t in tags],
            "place": raw["place"].to_numpy(),
        },
        geometry=raw.geometry.to_numpy(),
        crs="EPSG:4326",
    )
    out = out[out["name"].notna()].sort_values("osm_id").reset_index(drop=True)
    return out


def generate_districts(
    network: StreetNetwork, area: Any, pbf: Path, seed: int = DISTRICTS_SEED
) -> gpd.GeoDataFrame:
    """The sample's districts (WGS84) in the study ``area`` (a polygon in the network's CRS): ``kod``
    (``D1``… by OSM id), ``stadsdel`` (Swedish name), ``namn_fi``, ``osm_id``, ``befolkning`` (synthetic),
    ``befolkning_kalla`` (``"syntetisk"``), ``omrade_kalla`` (how the border was derived). Deterministic."""
    import geopandas as gpd
    import shapely

    pts = place_points(pbf).to_crs(network.crs)
    cells = shapely.voronoi_polygons(
        shapely.MultiPoint(list(pts.geometry)), extend_to=area.envelope.buffer(1000.0), ordered=True
    )
    polygons = [c.intersection(area) for c in cells.geoms]
    rng = np.random.default_rng(seed)
    km2 = np.array([p.area / 1e6 for p in polygons])
    density = rng.uniform(6000.0, 16000.0, len(polygons))  # inhabitants per km², synthetic
    population = (np.round(km2 * density / 10.0) * 10).astype(int)
    out = gpd.GeoDataFrame(
        {
            "kod": [f"D{i + 1}" for i in range(len(pts))],
            "stadsdel": pts["name"].to_numpy(),
            "namn_fi": pts["name_fi"].to_numpy(),
            "osm_id": pts["osm_id"].to_numpy(),
            "befolkning": population,
            "befolkning_kalla": SYNTHETIC_NOTE,
            "omrade_kalla": DERIVED_NOTE,
        },
        geometry=polygons,
        crs=network.crs,
    )
    return out.to_crs("EPSG:4326")


# (place as the ranking names it, problem, measure, responsible, goal, start, follow-up, status, notes)
_MEASURES = (
    (
        "Kajsaniemiparken, Kajsaniemiallén",
        "Narkotikaförsäljning och otrygghet i parken kvällstid",
        "Ny och förstärkt belysning längs parkens gångvägar",
        "Stadsmiljöförvaltningen",
        "minska 25 %",
        "PROMISE",
        "2026-10-31",
        "genomförd",
        "Efter höstens trygghetsvandring; medborgarlöfte 2025/26",
    ),
    (
        "Helsingfors järnvägsstation",
        "Folksamlingar och narkotikahandel kvällar fre–lör",
        "Fler vuxna på plats kvällstid (fältassistenter, nattvandrare)",
        "Socialförvaltningen, fältgruppen",
        "-20 %",
        "PROMISE",
        "2026-10-31",
        "pågår",
        "",
    ),
    (
        "Georgsgatan/Lönnrotsgatan",
        "Våld utanför krogarna helgnätter",
        "Krogsamverkan och polisnärvaro vid stängning",
        "Polisen, lokalpolisområdet",
        "minska våldsbrotten med 40 %",
        "PROMISE",
        "2026-10-31",
        "pågår",
        "",
    ),
    (
        "Unionsgatan/Kajsaniemigatan",
        "Trafikbrott och olyckor i korsningen",
        "Farthinder och tydligare övergångsställe",
        "Stadsmiljöförvaltningen",
        "minska trafikbrotten 20 %",
        "2026-03-01",
        "2026-10-31",
        "genomförd",
        "",
    ),
    (
        "Gardesstaden",
        "Klotter och nedskräpning upplevs som otryggt",
        "Klotterjour och trygghetsvandring med boende",
        "Stadsdelsförvaltningen",
        "Ökad upplevd trygghet i nästa trygghetsmätning",
        "2026-11-01",
        "2027-10-31",
        "planerad",
        "Mäts i trygghetsundersökningen, inte i polisens händelser",
    ),
)


def generate_plan(promise_date: str) -> pd.DataFrame:
    """The sample's measures register with the template's Swedish headers (see the module docstring)."""
    from trygghet_geo.plan import HEADERS

    rows = [[promise_date if v == "PROMISE" else v for v in m] for m in _MEASURES]
    table = pd.DataFrame(rows, columns=list(HEADERS.values()))
    for col in (HEADERS["start_date"], HEADERS["followup_date"]):
        table[col] = pd.to_datetime(table[col])
    return table


def write_sample_areas(
    folder: Path, stamp: pd.Timestamp, *, districts_layer: gpd.GeoDataFrame, promise_date: str
) -> dict[str, Path]:
    """Write the districts (GeoJSON) and the register (XLSX dated ``stamp``: the same bytes everywhere)."""
    from trygghet_geo.io._stamp import reproducible_zip
    from trygghet_geo.io._write import write_sheets
    from trygghet_geo.plan import _instructions

    districts = folder / DISTRICTS_FILE
    if districts.exists():
        districts.unlink()
    districts_layer.to_file(districts, driver="GeoJSON", engine="pyogrio")
    sheets = {"Åtgärdsplan": generate_plan(promise_date), "Instruktioner": _instructions()}
    plan = write_sheets(sheets, folder / PLAN_FILE)
    reproducible_zip(plan, stamp.to_pydatetime())
    return {"districts": districts, "plan": plan}
