"""Raw type names -> canonical categories through the one editable table ``data/categories.csv``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import InputError

__all__ = ["category_key", "category_table", "map_categories"]

Kind = Literal["incident", "observation"]
FALLBACK = "övrigt"


def category_key(raw: str) -> str:
    """The matching key of a type name: casefolded, spaces collapsed, no space after commas.

    >>> category_key("Trafikolycka,  personskada ")
    'trafikolycka,personskada'
    """
    text = re.sub(r"\s+", " ", str(raw).casefold()).strip()
    return re.sub(r"\s*([,/])\s*", r"\1", text)


@lru_cache(maxsize=1)
def category_table() -> pd.DataFrame:
    """The shipped table (``kind``, ``raw``, ``category``), checked against the schema vocabularies."""
    text = resources.files("trygghet_geo").joinpath("data/categories.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    rows = [ln.split(";") for ln in lines[1:]]
    table = pd.DataFrame(rows, columns=lines[0].split(";"))
    for kind, vocab in (
        ("incident", schema.INCIDENT_CATEGORIES),
        ("observation", schema.OBSERVATION_CATEGORIES),
    ):
        wrong = set(table.loc[table["kind"] == kind, "category"]) - set(vocab)
        if wrong:
            raise InputError(f"categories.csv: {kind} categories {sorted(wrong)} are not in {list(vocab)}")
    return table


@lru_cache(maxsize=4)
def _lookup(kind: Kind) -> tuple[dict[str, str], tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    table = category_table()
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    contains: list[tuple[str, str]] = []
    vocab = schema.INCIDENT_CATEGORIES if kind == "incident" else schema.OBSERVATION_CATEGORIES
    for cat in vocab:  # the canonical names map to themselves
        exact[category_key(cat)] = cat
    for raw, cat in table.loc[table["kind"] == kind, ["raw", "category"]].itertuples(index=False):
        if raw.startswith("*") and raw.endswith("*"):
            contains.append((category_key(raw[1:-1]), cat))
        elif raw.endswith("*"):
            prefixes.append((category_key(raw[:-1]), cat))
        else:
            exact[category_key(raw)] = cat
    return exact, tuple(prefixes), tuple(contains)


def _match_one(
    raw: str,
    exact: Mapping[str, str],
    prefixes: tuple[tuple[str, str], ...],
    contains: tuple[tuple[str, str], ...],
) -> str | None:
    key = category_key(raw)
    if key in exact:
        return exact[key]
    for prefix, cat in prefixes:
        if key.startswith(prefix):
            return cat
    head = key.split(",", 1)[0]
    if head in exact:
        return exact[head]
    for word, cat in contains:
        if word in key:
            return cat
    return None


def map_categories(
    raw: pd.Series,
    *,
    kind: Kind,
    extra: Mapping[str, str] | None = None,
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Category code per row (into the returned names), the names, and a mask of rows whose type was unknown
    (they become ``övrigt``).

    The table is consulted once per distinct type, so a million rows with a hundred types cost a hundred
    lookups. ``extra`` (``{raw type: category}``) is consulted first and wins over the shipped table.

    >>> raw = pd.Series(["Stöld/inbrott", "Trafikolycka,  vilt", "Gurka", None])
    >>> codes, names, unknown = map_categories(raw, kind="incident")
    >>> [names[c] for c in codes], unknown.tolist()
    (['stöld', 'trafik', 'övrigt', 'övrigt'], [False, False, True, False])
    """
    exact, prefixes, contains = _lookup(kind)
    vocab = list(schema.INCIDENT_CATEGORIES if kind == "incident" else schema.OBSERVATION_CATEGORIES)
    if extra:
        bad = {k: v for k, v in extra.items() if v not in vocab}
        if bad:
            raise InputError(f"categories={bad!r}: categories must be one of {list(vocab)}")
        exact = {**exact, **{category_key(k): v for k, v in extra.items()}}
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    mapped = [_match_one(u, exact, prefixes, contains) if str(u).strip() else None for u in uniques]
    slot = np.array([vocab.index(m or FALLBACK) for m in mapped] + [vocab.index(FALLBACK)], dtype=np.int16)
    unknown_slot = np.array(
        [m is None and bool(str(u).strip()) for m, u in zip(mapped, uniques, strict=True)] + [False],
        dtype=bool,
    )  # last slot: missing type (not "unknown", just absent)
    codes = np.where(codes < 0, len(uniques), codes)
    return slot[codes], vocab, unknown_slot[codes]
