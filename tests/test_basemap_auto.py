"""The basemap built by ``analyze`` from the OSM extract the network was read from (``StreetNetwork.source``):
for the study area or the network's extent (never from the incidents), kept in memory, with an opt-out, and
the same on the command line (``--network x.pbf``, ``--pbf`` beside a saved network, ``--no-basemap``), for
``analyze`` and for the maps of ``density`` and ``trend``."""

from __future__ import annotations

import argparse
import logging
import pickle
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from trygghet_geo import analyze, sample
from trygghet_geo import schema as s
from trygghet_geo._cli_options import basemap_kwargs
from trygghet_geo.cli import main
from trygghet_geo.errors import InputError, ParameterError
from trygghet_geo.network import _basemap as nb
from trygghet_geo.network import basemap_for_network, basemap_from_pbf, network_from_lines

LAYERS = ("water", "green", "buildings", "rail", "labels")


def _points(net: Any, n: int, seed: int, *, centre: tuple[float, float] | None = None) -> gpd.GeoDataFrame:
    """``n`` incidents on random streets of ``net`` (or on the streets within 400 m of ``centre``)."""
    rng = np.random.default_rng(seed)
    edges = net.edges
    if centre is not None:
        edges = edges[edges.distance(shapely.Point(centre)) < 400]
    lines = edges.geometry.to_numpy()[rng.integers(0, len(edges), n)]
    pts = shapely.line_interpolate_point(lines, rng.random(n), normalized=True)
    return gpd.GeoDataFrame(
        {
            s.CATEGORY: rng.choice(["våld", "stöld"], n),
            s.OCCURRED_AT: pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D"),
            s.STATUS: "ok",
            s.PRECISION: "exact",
        },
        geometry=pts,
        crs=net.crs,
    )


def _same(a: dict[str, gpd.GeoDataFrame], b: dict[str, gpd.GeoDataFrame]) -> bool:
    return all(
        len(a[k]) == len(b[k])
        and list(a[k]["name"]) == list(b[k]["name"])
        and bool(np.all(shapely.equals(a[k].geometry.to_numpy(), b[k].geometry.to_numpy())))
        for k in LAYERS
    )


def test_a_network_read_from_a_pbf_remembers_its_extract() -> None:
    net = sample.load_network()
    assert net.source == sample.pbf_path().resolve()
    assert "source" not in repr(net)  # a long path does not clutter the notebook repr
    # a pickled network carries its tables only (the batch sends networks to other processes and machines)
    assert pickle.loads(pickle.dumps(net)).source is None
    line = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (100, 0)])], crs=3006)
    assert network_from_lines(line).source is None


def test_analyze_reads_the_basemap_for_the_study_area() -> None:
    net, area = sample.load_network(), sample.study_area()
    result = analyze(_points(net, 300, 1), network=net, study_area=area, n_simulations=0)
    assert result.basemap is not None
    assert _same(result.basemap, basemap_from_pbf(sample.pbf_path(), area=area))
    assert len(result.basemap["buildings"]) > 100
    assert len(result.basemap["water"]) >= 1
    assert len(result.basemap["green"]) >= 10
    off = analyze(_points(net, 300, 1), network=net, study_area=area, n_simulations=0, basemap=False)
    assert off.basemap is None
    assert off.manifest["requested"]["basemap"] is False
    html_on = result.to_map(privacy="internal", heatmap=False).get_root().render()
    html_off = off.to_map(privacy="internal", heatmap=False).get_root().render()
    for key in ("water", "green", "buildings"):
        assert _payload_layer(html_on, key), key
        assert not _payload_layer(html_off, key), key
    # an explicit opt-out at map time, on a run that has one
    assert not _payload_layer(result.to_map(basemap=False, heatmap=False).get_root().render(), "buildings")


def test_the_basemap_never_depends_on_where_the_incidents_are() -> None:
    """Without a study area the basemap covers the network's extent: two runs on incidents in different
    corners of the town (one with an outlier at the edge) get the same basemap, that of the streets' hull."""
    net = sample.load_network()
    xy = shapely.get_coordinates(net.nodes.geometry.to_numpy())
    west, east = tuple(xy[xy[:, 0].argmin()]), tuple(xy[xy[:, 0].argmax()])
    a = analyze(_points(net, 200, 2, centre=west), network=net, n_simulations=0)
    b = analyze(_points(net, 200, 3, centre=east), network=net, n_simulations=0)
    assert a.basemap is not None
    assert b.basemap is not None
    assert _same(a.basemap, b.basemap)
    hull = shapely.convex_hull(shapely.union_all(net.edges.geometry.to_numpy())).buffer(1.0)
    direct = basemap_from_pbf(sample.pbf_path(), area=gpd.GeoDataFrame(geometry=[hull], crs=net.crs))
    assert _same(a.basemap, direct)


def test_the_reading_is_kept_in_memory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "stad.osm.pbf"
    shutil.copyfile(sample.pbf_path(), copy)
    net = replace(sample.load_network(), source=copy)
    reads: list[Path] = []
    real = nb.basemap_from_pbf

    def counting(path: Any, **kw: Any) -> dict[str, gpd.GeoDataFrame]:
        reads.append(Path(path))
        return real(path, **kw)

    monkeypatch.setattr(nb, "basemap_from_pbf", counting)
    area = sample.study_area()
    first = basemap_for_network(net, area=area)
    second = basemap_for_network(net, area=area)
    assert reads == [copy]
    assert first is not None
    assert second is not None
    assert _same(first, second)
    basemap_for_network(net, area=area.to_crs(net.crs).buffer(-200).to_frame("geometry"))  # another area
    assert len(reads) == 2
    copy.write_bytes(sample.pbf_path().read_bytes())  # the extract is replaced: read again
    import os

    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))
    basemap_for_network(net, area=area)
    assert len(reads) == 3


def test_missing_extracts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    net = sample.load_network()
    with pytest.raises(InputError, match="for the basemap does not exist"):
        basemap_for_network(net, path=tmp_path / "saknas.osm.pbf")
    gone = replace(net, source=tmp_path / "flyttad.osm.pbf")  # the remembered file was moved away
    with caplog.at_level(logging.WARNING, logger="trygghet_geo.network._basemap"):
        assert basemap_for_network(gone) is None
    assert "is gone" in caplog.text
    line = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (100, 0)])], crs=3006)
    assert basemap_for_network(network_from_lines(line)) is None  # no extract known: streets only
    with pytest.raises(ParameterError, match="basemap must be"):
        analyze(_points(net, 20, 4), network=net, n_simulations=0, basemap=3)  # type: ignore[arg-type]


# --- the command line -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def incidents_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Incidents with WGS84 coordinates on the sample's streets, as a police extract might give them."""
    pts = _points(sample.load_network(), 400, 5).to_crs(4326)
    path = tmp_path_factory.mktemp("cli") / "handelser.csv"
    pd.DataFrame(
        {"Datum": pts[s.OCCURRED_AT].dt.strftime("%Y-%m-%d"), "Brottstyp": pts[s.CATEGORY],
         "Lat": pts.geometry.y.round(6), "Lon": pts.geometry.x.round(6)}
    ).to_csv(path, index=False, sep=";")  # fmt: skip
    return path


def _payload_layer(html: str, key: str) -> bool:
    return f'"{key}":{{"poly"' in html  # the layer's polygons in the map's payload


def cli_map(incidents: Path, out: Path, *extra: str) -> Path:
    """Run ``trygghet-geo analyze`` and return its map."""
    code = main(["analyze", str(incidents), "--n-simulations", "0", "--out", str(out), *extra])
    assert code == 0
    return out / "trygghetskarta.html"


def test_cli_map_has_the_basemap_of_its_pbf_network(incidents_csv: Path, tmp_path: Path, capsys: Any) -> None:
    pbf = str(sample.pbf_path())
    html = cli_map(incidents_csv, tmp_path / "on", "--network", pbf).read_text(encoding="utf-8")
    off = cli_map(incidents_csv, tmp_path / "off", "--network", pbf, "--no-basemap").read_text(
        encoding="utf-8"
    )
    capsys.readouterr()
    for key in ("water", "green", "buildings"):
        assert _payload_layer(html, key), key
        assert not _payload_layer(off, key), key


def test_cli_pbf_beside_a_saved_network(incidents_csv: Path, tmp_path: Path, capsys: Any) -> None:
    saved = sample.load_network().to_file(tmp_path / "natverk.gpkg")  # a saved network forgets its extract
    plain = cli_map(incidents_csv, tmp_path / "plain", "--network", str(saved)).read_text(encoding="utf-8")
    assert not _payload_layer(plain, "buildings")
    args = ("--network", str(saved), "--pbf", str(sample.pbf_path()))
    html = cli_map(incidents_csv, tmp_path / "pbf", *args).read_text(encoding="utf-8")
    assert _payload_layer(html, "buildings")
    code = main(["analyze", str(incidents_csv), *args, "--no-basemap", "--out", str(tmp_path / "x")])
    assert code == 2
    assert "--no-basemap" in capsys.readouterr().err
    code = main(["analyze", str(incidents_csv), "--network", str(saved), "--pbf", str(tmp_path / "nej.pbf")])
    assert code == 2
    assert "--pbf" in capsys.readouterr().err


# --- density and trend: their own maps take the same options ---------------------------------------------
_MAPS = {  # subcommand: (its options for a quick run, the map it writes)
    "density": (("--bandwidth-m", "100"), "tathetskarta.html"),
    "trend": (("--simulations", "9"), "utveckling.html"),
}


@pytest.mark.parametrize("command", sorted(_MAPS))
def test_density_and_trend_maps_have_the_basemap_of_the_extract(
    command: str, incidents_csv: Path, tmp_path: Path, capsys: Any
) -> None:
    quick, name = _MAPS[command]
    pbf = str(sample.pbf_path())
    pages = {}
    for label, extra in (("on", ()), ("off", ("--no-basemap",))):
        out = tmp_path / label
        argv = [command, str(incidents_csv), "--network", pbf, *quick, "--out", str(out), *extra]
        assert main(argv) == 0
        pages[label] = (out / name).read_text(encoding="utf-8")
    capsys.readouterr()
    for key in ("water", "green", "buildings"):
        assert _payload_layer(pages["on"], key), key
        assert not _payload_layer(pages["off"], key), key
    assert "TrygghetMap.build" in pages["off"]  # still a map: the streets without the basemap


@pytest.mark.parametrize("command", sorted(_MAPS))
def test_density_and_trend_refuse_pbf_with_no_basemap(
    command: str, incidents_csv: Path, tmp_path: Path, capsys: Any
) -> None:
    pbf, out = str(sample.pbf_path()), tmp_path / "x"
    argv = [command, str(incidents_csv), "--network", pbf, "--pbf", pbf, "--no-basemap", "--out", str(out)]
    assert main(argv) == 2  # the command line's usage error
    err = capsys.readouterr().err
    assert "--pbf" in err
    assert "--no-basemap" in err
    with pytest.raises(ParameterError) as analyze_error:  # analyze's own words, from the one reading
        basemap_kwargs(argparse.Namespace(pbf=pbf, no_basemap=True))
    assert f"trygghet-geo {command}: error: {analyze_error.value}" in err
    assert not out.exists()  # refused before any work


@pytest.mark.parametrize("command", sorted(_MAPS))
def test_density_and_trend_pbf_beside_a_saved_network(
    command: str, incidents_csv: Path, tmp_path: Path, capsys: Any
) -> None:
    """A saved network forgets its extract: no basemap, as analyze; ``--pbf`` names it."""
    quick, name = _MAPS[command]
    saved = str(sample.load_network().to_file(tmp_path / "natverk.gpkg"))
    pages = {}
    for label, extra in (("plain", ()), ("pbf", ("--pbf", str(sample.pbf_path())))):
        out = tmp_path / label
        assert main([command, str(incidents_csv), "--network", saved, *quick, "--out", str(out), *extra]) == 0
        pages[label] = (out / name).read_text(encoding="utf-8")
    capsys.readouterr()
    assert not _payload_layer(pages["plain"], "buildings")
    assert _payload_layer(pages["pbf"], "buildings")
