"""Offline geocoding of Swedish place text against a gazetteer built from OpenStreetMap.

- :func:`build_gazetteer` reads addresses, streets, intersections and named places (with every alias OSM
  gives: ``name:sv``, ``name:fi``, ``alt_name``, ``old_name`` …) from a local OSM extract; addresses are held
  by the building polygons carrying them; an authoritative address layer (Lantmäteriet's belägenhetsadresser
  or a municipal layer, :func:`read_address_layer`) wins over OSM. A :class:`Gazetteer` is saved to and
  loaded from GeoParquet or GeoPackage.
- :func:`parse_place` shows what was understood of a text (street, number, letter, cross street, relation).
- :func:`geocode` is the pipeline stage: exact look-ups, then fuzzy matching (rapidfuzz), interpolation of
  missing house numbers along the street, ambiguity said out loud (``geocode_ambiguous``, ``candidates``),
  a persistent cache, and — only on request — an online geocoder (Nominatim via geopy, one request per
  second).

>>> from trygghet_geo.geocode import Gazetteer, geocode, parse_place
>>> parse_place("Alexandersg. 12 B").street
'alexandersgatan'
>>> geocode(["Kyrkogatan 2"], gazetteer=Gazetteer.example(), cache=False)["precision"].tolist()
['address']
"""

from __future__ import annotations

from trygghet_geo.geocode._authority import read_address_layer
from trygghet_geo.geocode._gazetteer import Gazetteer, build_gazetteer
from trygghet_geo.geocode._geocode import (
    AMBIGUOUS,
    CANDIDATES,
    RUNNER_UP,
    RUNNER_UP_M,
    RUNNER_UP_SCORE,
    SOURCE,
    geocode,
)
from trygghet_geo.geocode._parse import ParsedPlace, parse_place

__all__ = [
    "AMBIGUOUS",
    "CANDIDATES",
    "RUNNER_UP",
    "RUNNER_UP_M",
    "RUNNER_UP_SCORE",
    "SOURCE",
    "Gazetteer",
    "ParsedPlace",
    "build_gazetteer",
    "geocode",
    "parse_place",
    "read_address_layer",
]
