"""The network store: one saved street network per municipality, in a folder, for the nationwide run.

``<folder>/<kommunkod>.gpkg`` holds the municipality's streets (layers ``nodes`` and ``edges``, as
:meth:`StreetNetwork.to_file` writes them), cut at its boundary so that a street crossing the border ends at
the same point in both neighbours' networks and is joined again there by :mod:`trygghet_geo.batch`.
:func:`network_store_from_pbf` builds the store from a country extract once (``trygghet-geo network --pbf …
--by-municipality …``); :class:`NetworkStore` reads it, a municipality at a time.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trygghet_geo.errors import InputError, NetworkError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network._model import NetworkType, StreetNetwork

__all__ = ["NetworkStore", "network_store_from_pbf", "write_network_store"]

logger = logging.getLogger(__name__)

_SUFFIX = ".gpkg"


class NetworkStore(Mapping[str, "StreetNetwork"]):
    """A folder of saved networks, one GeoPackage per kommunkod, read as a mapping kommunkod -> network.

    Examples
    --------
    >>> import geopandas as gpd, tempfile
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs=3006))
    >>> folder = write_network_store({"0180": net}, tempfile.mkdtemp())
    >>> store = NetworkStore(folder)
    >>> list(store), len(store["0180"].edges)
    (['0180'], 1)
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise InputError(f"network store {str(self.folder)!r} is not a folder")

    def path(self, code: str) -> Path:
        return self.folder / f"{code}{_SUFFIX}"

    def __getitem__(self, code: str) -> StreetNetwork:
        from trygghet_geo.network._sources import read_network

        path = self.path(code)
        if not path.is_file():
            raise KeyError(code)
        return read_network(path)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(p.name.removesuffix(_SUFFIX) for p in self.folder.glob(f"*{_SUFFIX}")))

    def __len__(self) -> int:
        return sum(1 for _ in self.folder.glob(f"*{_SUFFIX}"))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.path(code).is_file()

    def edges_within(self, code: str, bounds: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
        """The edges of ``code``'s network that meet the box ``bounds`` (read with the file's spatial
        index), in the network's edge order."""
        import geopandas as gpd

        edges = gpd.read_file(
            self.path(code), layer="edges", bbox=bounds, fid_as_index=True, engine="pyogrio"
        )
        return edges.sort_index()

    def fingerprint(self, code: str) -> str:
        """Size and modification time of the saved file: changes when the network is rebuilt."""
        st = self.path(code).stat()
        return f"{st.st_size}:{st.st_mtime_ns}"

    def __repr__(self) -> str:
        return f"NetworkStore({str(self.folder)!r}, {len(self)} networks)"


def write_network_store(networks: Mapping[str, StreetNetwork], folder: str | Path) -> Path:
    """Save every network as ``<folder>/<kommunkod>.gpkg``; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for code, net in networks.items():
        tmp = folder / f".{code}.tmp{_SUFFIX}"
        net.to_file(tmp)
        tmp.replace(folder / f"{code}{_SUFFIX}")
    return folder


def network_store_from_pbf(
    pbf: str | Path,
    boundaries: gpd.GeoDataFrame,
    folder: str | Path,
    *,
    code_column: str = "kommunkod",
    network_type: NetworkType = "walk",
    use_osmium: bool | None = None,
) -> dict[str, int]:
    """Build the store from a country (or region) extract: each municipality's streets, cut at its boundary.

    Each municipality's window is cut out of ``pbf`` with ``osmium extract`` (all of them in one pass, from
    a config file) when osmium-tool is installed, otherwise read with pyrosm's bounding box; the streets are
    then clipped to the municipality's polygon.

    Parameters
    ----------
    pbf : str or Path
        The ``.osm.pbf`` extract.
    boundaries : GeoDataFrame
        Municipality polygons with a code column (SCB's kommunkod).
    folder : str or Path
        Where ``<kommunkod>.gpkg`` files are written.
    code_column : str
    network_type : {"walk", "drive", "bike", "all"}
    use_osmium : bool, optional
        Force (True) or forbid (False) osmium; by default used when the ``osmium`` command is found.

    Returns
    -------
    dict
        kommunkod -> number of edges saved (municipalities without streets in the extract are left out and
        logged).
    """
    pbf = Path(pbf)
    if not pbf.is_file():
        raise InputError(f"OSM PBF file {str(pbf)!r} does not exist")
    if code_column not in boundaries.columns:
        raise InputError(
            f"--by-municipality: no column {code_column!r} in the boundary layer; columns are "
            f"{list(boundaries.columns)}"
        )
    if boundaries.crs is None:
        raise InputError("--by-municipality: the boundary layer has no CRS")
    osmium = shutil.which("osmium") if use_osmium is not False else None
    if use_osmium and osmium is None:
        raise NetworkError("use_osmium=True but the osmium command (osmium-tool) is not installed")
    lonlat = boundaries.to_crs(4326)
    codes = boundaries[code_column].astype(str).tolist()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="trygghet-osmium-") as tmp:
        sources = _osmium_extract(osmium, pbf, codes, lonlat, Path(tmp)) if osmium else {}
        saved: dict[str, int] = {}
        for code, poly, poly_ll in zip(codes, boundaries.geometry, lonlat.geometry, strict=True):
            net = _municipality_network(sources.get(code, pbf), poly, boundaries.crs, poly_ll, network_type)
            if net is None:
                logger.warning("kommunkod %s: no %s streets in %s", code, network_type, pbf)
                continue
            write_network_store({code: net}, folder)
            saved[code] = len(net.edges)
    return saved


def _window(poly_ll: Any) -> tuple[float, float, float, float]:
    """The polygon's lon/lat box, widened by about 100 m so that every street crossing the border is read."""
    x0, y0, x1, y1 = poly_ll.bounds
    pad = 0.001
    return (x0 - 2 * pad, y0 - pad, x1 + 2 * pad, y1 + pad)


def _osmium_extract(
    osmium: str, pbf: Path, codes: list[str], lonlat: gpd.GeoDataFrame, tmp: Path
) -> dict[str, Path]:
    """Every municipality's window cut out of the extract in one pass of ``osmium extract --config``."""
    import json

    extracts = []
    out: dict[str, Path] = {}
    for code, poly in zip(codes, lonlat.geometry, strict=True):
        x0, y0, x1, y1 = _window(poly)
        out[code] = tmp / f"{code}.osm.pbf"
        extracts.append({"output": out[code].name, "bbox": [x0, y0, x1, y1]})
    config = tmp / "extracts.json"
    config.write_text(json.dumps({"directory": str(tmp), "extracts": extracts}), encoding="utf-8")
    cmd = [osmium, "extract", "--config", str(config), "--strategy", "complete_ways", "--overwrite", str(pbf)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise NetworkError(f"osmium extract failed on {str(pbf)!r}: {done.stderr.strip()[:500]}")
    return out


def _municipality_network(
    source: Path, poly: Any, crs: Any, poly_ll: Any, network_type: NetworkType
) -> StreetNetwork | None:
    """The streets of ``source`` inside the polygon, cut at its boundary (None when there are none)."""
    import geopandas as gpd

    from trygghet_geo.network._sources import network_from_lines, network_from_pbf

    try:
        net = network_from_pbf(source, network_type=network_type, bbox=_window(poly_ll))
    except NetworkError as exc:
        if "no " in str(exc):
            return None
        raise
    area = gpd.GeoSeries([poly], crs=crs).to_crs(net.crs)
    clipped = gpd.clip(net.edges[["name", net.edges.geometry.name]], area)
    clipped = clipped[clipped.geom_type.isin(["LineString", "MultiLineString"])]
    if clipped.empty:
        return None
    return network_from_lines(clipped.reset_index(drop=True), name_column="name", split="ends")
