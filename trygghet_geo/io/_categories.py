"""Raw type names -> canonical categories through the one editable table ``data/categories.csv``."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._hints import hint
from trygghet_geo.errors import InputError
from trygghet_geo.io._values import factorize

__all__ = ["category_key", "category_table", "map_categories", "read_category_table"]

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
    _add_rules(table.loc[table["kind"] == kind, ["raw", "category"]].itertuples(index=False), exact,
               prefixes, contains)  # fmt: skip
    return exact, _longest_first(prefixes), tuple(contains)


def _add_rules(
    pairs: Any,
    exact: dict[str, str],
    prefixes: list[tuple[str, str]],
    contains: list[tuple[str, str]],
) -> None:
    """Sort ``(raw, category)`` rules into exact names, prefixes (``raw*``) and words (``*raw*``)."""
    for raw, cat in pairs:
        if raw.startswith("*") and raw.endswith("*"):
            contains.append((category_key(raw[1:-1]), cat))
        elif raw.endswith("*"):
            prefixes.append((category_key(raw[:-1]), cat))
        else:
            exact[category_key(raw)] = cat


def _longest_first(prefixes: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Prefixes, the longest first, so that "Mordbrand*" wins over "Mord*" (table order among equals)."""
    return tuple(sorted(prefixes, key=lambda p: -len(p[0])))


def read_category_table(path: str | Path, *, kind: Kind | None = None) -> dict[str, str]:
    """A user's own category table: a CSV (``;`` or ``,``, UTF-8 or cp1252) with columns ``raw`` and
    ``category`` (Swedish ``typ``/``brottsbenämning`` and ``kategori`` work too) and optionally ``kind``; in
    the layout of the shipped ``data/categories.csv``. Returns ``{raw: category}`` for :func:`map_categories`
    (rows of the other ``kind`` are left out when ``kind`` is given).

    Raises
    ------
    InputError
        The file is missing or has no raw/category columns.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{hint('categories', repr(str(path)))}: no such file")
    data = p.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError(
            f"{p}: the category table is empty; expected a header raw;category and one row per type"
        )
    delim = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    rows = list(csv.reader(lines, delimiter=delim))
    names = [category_key(c) for c in rows[0]]
    raw_col = next(
        (names.index(c) for c in ("raw", "typ", "brottsbenämning", "brottstyp", "type") if c in names), None
    )
    cat_col = next((names.index(c) for c in ("category", "kategori") if c in names), None)
    if raw_col is None or cat_col is None:
        raise InputError(
            f"{p}: the category table needs the columns raw and category (or typ and kategori); found "
            f"{rows[0]!r}"
        )
    kind_col = names.index("kind") if "kind" in names else None
    out: dict[str, str] = {}
    for r in rows[1:]:
        if len(r) <= max(raw_col, cat_col) or not r[raw_col].strip():
            continue
        if kind is not None and kind_col is not None and r[kind_col].strip() not in ("", kind):
            continue
        out[r[raw_col].strip()] = r[cat_col].strip()
    return out


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
            raise InputError(f"{hint('categories', repr(bad))}: categories must be one of {list(vocab)}")
        # The user's rules first: their exact names, prefixes and words win over the shipped ones.
        own_exact: dict[str, str] = {}
        own_prefixes: list[tuple[str, str]] = []
        own_contains: list[tuple[str, str]] = []
        _add_rules(extra.items(), own_exact, own_prefixes, own_contains)
        exact = {**exact, **own_exact}
        prefixes = _longest_first(own_prefixes) + prefixes
        contains = (*own_contains, *contains)
    codes, uniques = factorize(raw)
    mapped = [_match_one(u, exact, prefixes, contains) if str(u).strip() else None for u in uniques]
    slot = np.array([vocab.index(m or FALLBACK) for m in mapped] + [vocab.index(FALLBACK)], dtype=np.int16)
    unknown_slot = np.array(
        [m is None and bool(str(u).strip()) for m, u in zip(mapped, uniques, strict=True)] + [False],
        dtype=bool,
    )  # last slot: missing type (not "unknown", just absent)
    return slot[codes], vocab, unknown_slot[codes]  # code -1 (missing) picks the last slot
