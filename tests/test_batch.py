"""The nationwide run (trygghet_geo.batch) on a small synthetic nation: the batch equals analyze on each
partition bit for bit for 1, 2 and 4 workers, the halo and the border hotspots equal what the joined streets
give (computed by another route), resume after an interruption, and a failing municipality.

dask.distributed's scheduler and workers always open an HTTP endpoint, even in-process (``"threads"``); the
batch binds them to 127.0.0.1, so this module allows sockets to the loopback address only (any other
connection stays blocked)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from trygghet_geo import analysis, batch, sample
from trygghet_geo.network import network_from_lines, snap_points, write_network_store

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

EPS, MIN_SAMPLES, SIMS, SEED = 60.0, 10, 5, 7
KW = {"eps_m": EPS, "min_samples": MIN_SAMPLES, "n_simulations": SIMS, "random_state": SEED}
SPLIT = 500  # the three largest municipalities (800, 585, 578 incidents) run their Monte Carlo in blocks


@pytest.fixture(scope="module")
def nation():
    return sample.synthetic_nation(6, 2400, seed=1, sample_streets=False)


@pytest.fixture(scope="module")
def reference(nation):
    """analyze run serially on each partition, built by batch.partition."""
    inc, mun, nets = nation
    out = {}
    for code in mun["kommunkod"]:
        p = batch.partition(inc, municipalities=mun, networks=nets, kommunkod=code, **KW)
        rest = {k: v for k, v in KW.items() if k != "eps_m"}
        out[code] = (p, analysis.analyze(p.incidents, network=p.network, eps_m=p.eps_m, **rest))
    return out


@pytest.fixture(scope="module")
def two_workers(nation, tmp_path_factory):
    inc, mun, nets = nation
    out = tmp_path_factory.mktemp("two")
    table = batch.run(
        inc,
        municipalities=mun,
        networks=nets,
        out=out,
        scheduler="threads",
        n_workers=2,
        split_above=SPLIT,
        **KW,
    )
    return out, table


def _table(out: Path, code: str, name: str) -> gpd.GeoDataFrame:
    return gpd.read_parquet(out / f"kommunkod={code}" / f"{name}.parquet")


def _same_output(out: Path, code: str, ref) -> None:
    """The batch's files for ``code`` equal ``ref`` (an Analysis) bit for bit where analyze wrote them."""
    inc, hot, places = (_table(out, code, t) for t in ("incidents", "hotspots", "places"))
    assert inc.index.tolist() == ref.incidents.index.tolist()
    for col in ("cluster", "hotspot_id", "edge_id", "edge_offset_m"):
        np.testing.assert_array_equal(inc[col].to_numpy(), ref.incidents[col].to_numpy())
    assert len(hot) == len(ref.hotspots)
    for col in ("hotspot_id", "n_events", "p_value", "q_value", "p_max", "significant", "stability"):
        np.testing.assert_array_equal(hot[col].to_numpy(), ref.hotspots[col].to_numpy())
    assert [list(m) for m in hot["member_index"]] == [list(m) for m in ref.hotspots["member_index"]]
    assert shapely.equals_exact(hot.geometry.to_numpy(), ref.hotspots.geometry.to_numpy(), 0).all()
    plain = [c for c in ref.places.columns if c != "geometry"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(places[plain]), pd.DataFrame(ref.places[plain]), check_dtype=False, check_exact=True
    )
    assert shapely.equals_exact(places.geometry.to_numpy(), ref.places.geometry.to_numpy(), 0).all()


def test_the_nation_is_synthetic_and_has_shared_borders(nation):
    inc, mun, _nets = nation
    assert inc.attrs["synthetic"]
    assert mun["synthetic"].all()
    assert (mun["kind"] == "shared_grid").sum() == 2
    assert inc["planted"].str.endswith("-border").sum() > 0
    assert set(inc["kommunkod"]) == set(mun["kommunkod"])


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_batch_equals_analyze_on_each_partition(nation, reference, tmp_path, workers, two_workers):
    inc, mun, nets = nation
    if workers == 2:
        out, table = two_workers
    else:
        out = tmp_path
        table = batch.run(
            inc, municipalities=mun, networks=nets, out=out, scheduler="threads", n_workers=workers,
            split_above=SPLIT, **KW,
        )  # fmt: skip
    assert (table["status"] == "done").all(), table[["kommunkod", "status", "error"]]
    tasks = table.attrs["tasks"]
    split = set(tasks.loc[tasks["kind"] == "block", "kommunkod"])
    assert split == {"0114", "0314", "0414"}
    assert set(tasks.loc[tasks["kind"] == "partition", "kommunkod"]) == {"0514", "0614", "0714"}
    assert table["n_incidents"].sum() == len(inc)
    for code, (p, ref) in reference.items():
        _same_output(out, code, ref)
        row = table.set_index("kommunkod").loc[code]
        assert row["n_halo"] == int(p.incidents["halo"].sum())


def test_halo_is_what_the_joined_streets_give(nation, reference):
    """The halo of each municipality of the shared grid, recomputed with networkx on all streets joined and
    every other incident (no pre-filter), is the batch's halo."""
    inc, mun, nets = nation
    lines = pd.concat([n.edges[["name", "geometry"]] for n in nets.values()], ignore_index=True)
    joined = network_from_lines(gpd.GeoDataFrame(lines, crs=3006), split="ends")
    graph = joined.to_graph()
    snapped = snap_points(inc, joined, max_snap_m=100.0)
    mid = shapely.line_interpolate_point(joined.edges.geometry.to_numpy(), 0.5, normalized=True)
    for code in mun.loc[mun["kind"] == "shared_grid", "kommunkod"]:
        poly = mun.set_index("kommunkod").geometry[code]
        own = np.flatnonzero(shapely.within(mid, poly))
        sources = set(joined.edges["u"].iloc[own]) | set(joined.edges["v"].iloc[own])
        dist = nx.multi_source_dijkstra_path_length(graph, sources, cutoff=2 * EPS + 1, weight="length")
        d_node = np.full(len(joined.nodes), np.inf)
        d_node[list(dist)] = list(dist.values())
        e = snapped["edge_id"].to_numpy()
        t = snapped["edge_offset_m"].to_numpy()
        u, v = joined.edges["u"].to_numpy()[e], joined.edges["v"].to_numpy()[e]
        length = joined.edges["length_m"].to_numpy()[e]
        d = np.minimum(d_node[u] + t, d_node[v] + length - t)
        d[np.isin(e, own)] = 0.0
        expected = set(inc.index[(inc["kommunkod"] != code).to_numpy() & (d <= 2 * EPS)])
        p = reference[code][0]
        got = set(p.incidents.index[p.incidents["halo"]])
        assert got == expected
        assert len(got) > 20


def test_border_hotspots_equal_the_joined_network(nation, two_workers):
    """Every hotspot of the national output (each partition's kept ones) has exactly the members of a hotspot
    found by analyze on all incidents over all streets joined, and the other way round: none lost, none
    twice, the border ones included."""
    inc, _, nets = nation
    out, table = two_workers
    lines = pd.concat([n.edges[["name", "geometry"]] for n in nets.values()], ignore_index=True)
    joined = network_from_lines(gpd.GeoDataFrame(lines, crs=3006), split="ends")
    whole = analysis.analyze(inc, network=joined, eps_m=EPS, min_samples=MIN_SAMPLES, n_simulations=1)
    expected = {frozenset(whole.incidents.loc[list(m), "record_id"]) for m in whole.hotspots["member_index"]}
    got: list[frozenset[str]] = []
    for code in table["kommunkod"]:
        hot = _table(out, code, "hotspots")
        rows = _table(out, code, "incidents")
        got += [frozenset(rows.loc[list(m), "record_id"]) for m in hot.loc[hot["kept"], "member_index"]]
    assert len(got) == len(set(got)) == len(expected)
    assert set(got) == expected
    border = {h for h in expected if inc.set_index("record_id").loc[list(h), "kommunkod"].nunique() > 1}
    assert border  # a hotspot on a border street: found by both partitions, kept once
    seen = sum(int(_table(out, c, "hotspots")["owner_kommunkod"].ne(c).sum()) for c in table["kommunkod"])
    assert seen >= len(border)
    national = gpd.read_parquet(out / "places.parquet")
    assert len(national) == table["n_places"].sum() == len(expected)


def test_partition_streets_are_the_own_and_the_halo_band(nation, reference):
    """A partition's network is the municipality's streets plus the neighbours' streets with an end within
    2·eps of them along the streets (networkx on the joined zone), not every street of the planar zone: empty
    streets there would dilute the automatic min_samples and the Monte Carlo's null."""
    _, mun, _ = nation
    for code in mun.loc[mun["kind"] == "shared_grid", "kommunkod"]:
        p = reference[code][0]
        net = p.network
        own = np.asarray(p.own_edges)
        graph = net.to_graph()
        sources = set(net.edges["u"].iloc[own]) | set(net.edges["v"].iloc[own])
        dist = nx.multi_source_dijkstra_path_length(graph, sources, cutoff=2 * p.eps_m, weight="length")
        u, v = net.edges["u"].to_numpy(), net.edges["v"].to_numpy()
        near = np.array([a in dist or b in dist for a, b in zip(u, v, strict=True)])
        assert near.all()  # nothing beyond the band is kept
        assert len(own) < len(net.edges)  # the band is there: neighbours' streets were joined
        halo = p.incidents[p.incidents["halo"]]
        snapped = snap_points(halo, net, max_snap_m=100.0)
        assert (snapped["edge_id"] >= 0).all()


def test_eps_auto_is_chosen_from_the_municipality_alone(nation, tmp_path):
    """With eps "auto", a partition's eps is what analyze picks for the municipality's own incidents on its
    own streets; the batch output equals analyze on the partition with that eps."""
    inc, mun, nets = nation
    code = "0314"
    kw = {"n_simulations": 4, "random_state": SEED}
    p = batch.partition(inc, municipalities=mun, networks=nets, kommunkod=code, **kw)
    alone = analysis.analyze(inc[inc["kommunkod"] == code], network=nets[code], **kw)
    assert p.eps_m == alone.meta["eps_m"]
    small = mun[mun["kommunkod"].isin([code, "0414"])]
    table = batch.run(inc, municipalities=small, networks=nets, out=tmp_path, scheduler="synchronous", **kw)
    assert (table.dropna(subset=["kommunkod"])["status"] == "done").all()
    assert table["status"].iloc[-1] == "unassigned"  # incidents of the municipalities left out: counted
    ref = analysis.analyze(p.incidents, network=p.network, eps_m=p.eps_m, **kw)
    _same_output(tmp_path, code, ref)


def test_resume_after_a_killed_run_equals_the_uninterrupted_one(nation, two_workers, tmp_path, monkeypatch):
    inc, mun, nets = nation
    out_ref, _ = two_workers
    real = analysis.analyze
    calls = []

    def dies_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the run is killed midway
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "analyze", dies_on_third)
    with pytest.raises(KeyboardInterrupt):
        batch.run(inc, municipalities=mun, networks=nets, out=tmp_path, scheduler="synchronous", **KW)
    monkeypatch.setattr(analysis, "analyze", real)
    (tmp_path / ".tmp-kommunkod=0514-deadbeef").mkdir()  # a half-written partition from the killed run
    assert len(list(tmp_path.glob("kommunkod=*"))) == 2
    table = batch.run(inc, municipalities=mun, networks=nets, out=tmp_path, scheduler="threads", **KW)
    assert sorted(table["status"]) == ["done"] * 4 + ["skipped"] * 2
    assert not list(tmp_path.glob(".tmp-*"))
    _same_files(out_ref, tmp_path, table["kommunkod"])


def _same_files(a: Path, b: Path, codes) -> None:
    for code in codes:
        for name in ("incidents", "hotspots", "places"):
            pd.testing.assert_frame_equal(_table(a, code, name), _table(b, code, name), check_exact=True)
    pd.testing.assert_frame_equal(
        gpd.read_parquet(a / "places.parquet"), gpd.read_parquet(b / "places.parquet")
    )


def test_a_partition_that_fails_once_is_reported_then_resumed(nation, two_workers, tmp_path, monkeypatch):
    inc, mun, nets = nation
    out_ref, _ = two_workers
    real = analysis.analyze
    failed = []

    def fails_once_for_0414(frame, **kwargs):
        if not failed and (frame.loc[~frame["halo"], "kommunkod"] == "0414").all():
            failed.append(1)
            raise RuntimeError("disk full")
        return real(frame, **kwargs)

    monkeypatch.setattr(analysis, "analyze", fails_once_for_0414)
    first = batch.run(inc, municipalities=mun, networks=nets, out=tmp_path, scheduler="threads", **KW)
    row = first.set_index("kommunkod").loc["0414"]
    assert row["status"] == "failed"
    assert row["error"] == "RuntimeError: disk full"
    assert (first["status"] == "done").sum() == 5
    assert "misslyckades" in (tmp_path / "index.html").read_text(encoding="utf-8")
    second = batch.run(inc, municipalities=mun, networks=nets, out=tmp_path, scheduler="threads", **KW)
    assert second.set_index("kommunkod")["status"].to_dict() == {
        c: "done" if c == "0414" else "skipped" for c in mun["kommunkod"]
    }
    _same_files(out_ref, tmp_path, mun["kommunkod"])


def test_a_missing_network_fails_that_municipality_only(nation, tmp_path):
    inc, mun, nets = nation
    mun = mun.copy()
    mun.loc[mun["kommunkod"] == "0614", "kommunnamn"] = "<script>alert(1)</script>"
    partial = {c: n for c, n in nets.items() if c != "0714"}
    table = batch.run(inc, municipalities=mun, networks=partial, out=tmp_path, scheduler="synchronous", **KW)
    by = table.set_index("kommunkod")
    assert by.loc["0714", "status"] == "failed"
    assert "no street network for kommunkod '0714'" in by.loc["0714", "error"]
    assert by.loc["0714", "n_incidents"] == (inc["kommunkod"] == "0714").sum()
    assert (by.drop(index="0714")["status"] == "done").all()
    assert not (tmp_path / "kommunkod=0714").exists()
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert "Syntetiska exempeldata" in page


def test_a_network_store_and_a_code_column_give_the_same_partitions(nation, two_workers, tmp_path):
    inc, mun, nets = nation
    out_ref, _ = two_workers
    store = write_network_store(nets, tmp_path / "store")
    for code in ("0314", "0414"):
        by_store = batch.partition(inc, municipalities=mun, networks=store, kommunkod=code, **KW)
        by_column = batch.partition(inc, municipalities="kommunkod", networks=nets, kommunkod=code, **KW)
        ref = batch.partition(inc, municipalities=mun, networks=nets, kommunkod=code, **KW)
        for p in (by_store, by_column):  # the same incidents and halo
            assert p.incidents.index.tolist() == ref.incidents.index.tolist()
            assert p.incidents["halo"].tolist() == ref.incidents["halo"].tolist()
        # the same network from the store; by code column the reach is measured from the convex hull of the
        # municipality's incidents, not its polygon, so fewer of the neighbours' streets come with it
        assert shapely.equals_exact(
            by_store.network.edges.geometry.to_numpy(), ref.network.edges.geometry.to_numpy(), 0
        ).all()
        assert len(by_column.network.edges) <= len(ref.network.edges)
    small = mun[mun["kommunkod"].isin(["0514", "0614"])]
    out = tmp_path / "out"
    table = batch.run(inc, municipalities=small, networks=store, out=out, scheduler="synchronous", **KW)
    assert (table.dropna(subset=["kommunkod"])["status"] == "done").all()
    _same_files_of(out_ref, out, ["0514", "0614"])


def _same_files_of(a: Path, b: Path, codes) -> None:
    for code in codes:
        for name in ("incidents", "hotspots", "places"):
            pd.testing.assert_frame_equal(_table(a, code, name), _table(b, code, name), check_exact=True)


def test_bad_arguments_are_refused(nation, tmp_path):
    from trygghet_geo.errors import ParameterError

    inc, mun, nets = nation
    with pytest.raises(ParameterError, match="network"):
        batch.run(inc, municipalities=mun, networks=nets, out=tmp_path, network=nets["0114"])
    with pytest.raises(ParameterError, match="scheduler"):
        batch.run(inc, municipalities=mun, networks=nets, out=tmp_path, scheduler="fast", **KW)
    with pytest.raises(ParameterError, match="kommunkod '9999'"):
        batch.partition(inc, municipalities=mun, networks=nets, kommunkod="9999")


def test_cli_batch_writes_what_the_api_writes(nation, two_workers, tmp_path, capsys):
    from trygghet_geo.cli import main

    inc, mun, nets = nation
    out_ref, _ = two_workers
    store = write_network_store(nets, tmp_path / "store")
    mun.rename(columns={"kommunkod": "KnKod"}).to_file(tmp_path / "kommuner.gpkg", driver="GPKG")
    inc.to_parquet(tmp_path / "handelser.parquet")
    args = [
        "batch", str(tmp_path / "handelser.parquet"), "--municipalities", str(tmp_path / "kommuner.gpkg"),
        "--kommunkod-field", "KnKod", "--networks", str(store), "--out", str(tmp_path / "out"),
        "--scheduler", "synchronous", "--eps-m", "60", "--min-samples", "10", "--n-simulations", "5",
        "--seed", "7",
    ]  # fmt: skip
    assert main(args) == 0
    assert "6 done" in capsys.readouterr().out
    _same_files(out_ref, tmp_path / "out", mun["kommunkod"])
    assert main(args) == 0  # resumed: nothing to do
    assert "6 skipped" in capsys.readouterr().out


def test_network_by_municipality_cuts_the_extract_at_the_borders(tmp_path, capsys):
    """The sample's extract split into two halves: two networks whose streets end on the border and join
    again into the whole network's length."""
    from trygghet_geo.cli import main
    from trygghet_geo.network import NetworkStore

    whole = sample.load_network()
    x0, y0, x1, y1 = whole.edges.total_bounds
    xm = (x0 + x1) / 2
    halves = gpd.GeoDataFrame(
        {"kommunkod": ["0001", "0002"]},
        geometry=[shapely.box(x0 - 50, y0 - 50, xm, y1 + 50), shapely.box(xm, y0 - 50, x1 + 50, y1 + 50)],
        crs=whole.crs,
    )
    halves.to_file(tmp_path / "halves.gpkg", driver="GPKG")
    out = tmp_path / "store"
    pbf = str(sample.pbf_path())
    assert (
        main(["network", "--pbf", pbf, "--by-municipality", str(tmp_path / "halves.gpkg"), "--out", str(out)])
        == 0
    )
    assert "2 municipality networks" in capsys.readouterr().out
    store = NetworkStore(out)
    assert list(store) == ["0001", "0002"]
    west, east = store["0001"], store["0002"]
    assert west.edges.geometry.total_bounds[2] <= xm + 1e-6 <= east.edges.geometry.total_bounds[0] + 2e-6
    total = west.edges["length_m"].sum() + east.edges["length_m"].sum()
    assert total == pytest.approx(whole.edges["length_m"].sum(), rel=1e-9)
    border = shapely.get_coordinates(west.nodes.geometry.to_numpy())
    on_border = border[np.abs(border[:, 0] - xm) < 1e-6]
    assert len(on_border) > 3  # streets cut at the border, ending on it from both sides
    east_xy = {tuple(np.round(p, 3)) for p in shapely.get_coordinates(east.nodes.geometry.to_numpy())}
    assert all(tuple(np.round(p, 3)) in east_xy for p in on_border)


def test_a_hotspot_of_incidents_in_no_municipality_belongs_to_none():
    """Halo incidents outside every municipality polygon have no kommunkod; a hotspot made only of them is
    owned by no partition (kept nowhere), one with a member inside goes to that member's municipality."""
    from trygghet_geo._halo import owners

    incidents = pd.DataFrame(
        {"kommunkod": [None, None, "0114", None], "halo": [True, True, False, True]}, index=[10, 11, 12, 13]
    )
    hotspots = pd.DataFrame({"member_index": [[10, 11], [12, 13]]})
    got = owners(hotspots, incidents)
    assert got["owner_kommunkod"].tolist() == ["", "0114"]
    assert got["n_halo_events"].tolist() == [2, 1]
    assert got["hotspot_key"].tolist() == ["10", "12"]
