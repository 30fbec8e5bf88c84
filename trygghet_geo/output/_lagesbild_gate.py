"""The k rule over the lägesbild's town tables, together: incidents by category (the whole period and the
two 12-month windows), by quarter and category, and by area and category. Their cells are sums of the same
incidents, so a cell hidden in one table can come back from the others (a quarter's total minus its shown
categories, a category's total minus its quarters, its 12 months minus the areas' counts); they are
suppressed as one system (:func:`trygghet_geo._kgate_linked.suppress_linked`), with the totals the text
states (all incidents, the undated ones, those outside every area) kept.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema

if TYPE_CHECKING:
    from trygghet_geo.output._lagesbild_figures import LagesbildFigures
    from trygghet_geo.output._source import AnalysisLike

__all__ = ["AREAS_HIDDEN", "MAX_AREAS_BY_CATEGORY", "gate_town"]

MAX_AREAS_BY_CATEGORY = 40
"""Most areas whose counts per category a shared lägesbild shows. The joint suppression is exact linear
algebra over every published sum, and its cost grows with the cube of their number: with the categories of
30 areas it took 8 s, of 100 areas 84 s (on the sample, 2 busy cores), with their totals alone 300 areas
28 s. Beyond this many areas each area's total is shown (suppressed jointly as below) and its categories
are left empty; ``privacy="internal"`` shows them all."""

AREAS_HIDDEN = "areas_hidden"
"""Key of the areas table's ``attrs``: per area (row) whether its count (``n``) and each ``n_<category>`` is
hidden."""


def _zones(analysis: AnalysisLike, inc: pd.DataFrame, areas: Any) -> np.ndarray:
    """Per counted incident, the area the areas' table counts it in (its position), -1 outside every area,
    -2 not counted there (outside its 12 months, no date, no place)."""
    zone = np.full(len(inc), -2, dtype=np.int64)
    if areas is None or len(inc) == 0 or "period" not in areas.attrs:
        return zone
    from trygghet_geo.areas import _area_of, _not_coarse
    from trygghet_geo.followup import _usable_incidents

    used, _ = _usable_incidents(_not_coarse(inc), None)
    if len(used) == 0:
        return zone
    if areas.crs is not None:
        used = used.to_crs(areas.crs)
    start, end = areas.attrs["period"]
    when = used[schema.OCCURRED_AT]
    now = ((when >= start) & (when < end)).to_numpy()
    which = _area_of(used, areas)
    pos = pd.Index(inc.index).get_indexer(used.index)
    ok = (pos >= 0) & now
    zone[pos[ok]] = which[ok]
    return zone


def _unknowns(fig: LagesbildFigures, analysis: AnalysisLike, areas: Any) -> tuple[pd.MultiIndex, np.ndarray]:
    """Every count a reader does not see, zeros included (a reader does not know them to be 0): each month
    of the data and "u" (no date) by each category, and the months of the areas' 12 months also by area
    (-1 outside every area, -2 not counted there); with the counts themselves."""
    from trygghet_geo.output._lagesbild_figures import _local_months, counted_incidents

    inc = counted_incidents(analysis.incidents)
    when = _local_months(inc[schema.OCCURRED_AT])
    months = np.where(pd.isna(when).to_numpy(), "u", when.astype(str).to_numpy())
    cats = inc[schema.CATEGORY].astype(str).to_numpy()
    zone = _zones(analysis, inc, areas)
    last = {str(p) for p in pd.period_range(*fig.windows["last"][:2], freq="M")}
    all_months = [str(p) for p in pd.period_range(fig.totals["first_month"], fig.totals["last_month"],
                                                  freq="M")] + ["u"]  # fmt: skip
    all_cats = list(dict.fromkeys([*(str(c) for c in fig.by_category["category"] if c != "total"), *cats]))
    zones = range(-2, 0 if areas is None else len(areas))
    keys = pd.MultiIndex.from_tuples(
        [(m, c, z) for m in all_months for c in all_cats for z in (zones if m in last else (-2,))]
    )
    finest = pd.Series(1, index=pd.MultiIndex.from_arrays([months, cats, zone])).groupby(level=[0, 1, 2])
    return keys, finest.sum().reindex(keys, fill_value=0).to_numpy(dtype=float)


def gate_town(fig: LagesbildFigures, analysis: AnalysisLike, *, k: int) -> LagesbildFigures:
    """``fig`` with its town tables suppressed together (NaN where hidden): ``by_category`` (counts, and the
    share and change of a hidden count), ``by_period``, and the areas' cells as ``extra[AREAS_HIDDEN]``."""
    from trygghet_geo._kgate_linked import suppress_linked

    areas = fig.extra.get("areas")
    keys, counts = _unknowns(fig, analysis, areas)
    f_month, f_cat, f_zone = (np.asarray(keys.get_level_values(i)) for i in range(3))
    rows: list[np.ndarray] = []
    family: list[str] = []
    keep: list[bool] = []
    where: list[tuple[str, Any, Any]] = []

    def publish(mask: np.ndarray, fam: str, at: tuple[str, Any, Any], kept: bool = False) -> None:
        rows.append(mask.astype(float))
        family.append(fam)
        keep.append(kept)
        where.append(at)

    quarter = np.array([str(pd.Period(m, "M").asfreq("Q")) if m != "u" else "u" for m in f_month])
    for q in fig.by_period.index.astype(str):
        for c in fig.by_period.columns:
            if c != "total":
                publish((quarter == q) & (f_cat == c), "quarter", ("period", q, c))
        publish(quarter == q, "quarter_total", ("period", q, "total"))
    windows = {w: [str(p) for p in pd.period_range(a, b, freq="M")] for w, (a, b, _) in fig.windows.items()}
    for r in fig.by_category.itertuples(index=False):
        c = str(r.category)
        mine = np.ones(len(keys), bool) if c == "total" else f_cat == c
        publish(mine, "category", ("category", c, "n"), kept=c == "total")
        for w, col in (("previous", "n_previous"), ("last", "n_last")):
            publish(mine & np.isin(f_month, windows[w]), w + ("_total" if c == "total" else ""),
                    ("category", c, col))  # fmt: skip
    publish(f_month == "u", "undated", ("text", "undated", ""), kept=True)
    area_by_category = areas is None or len(areas) <= MAX_AREAS_BY_CATEGORY
    if areas is not None:
        area_cats = [c for c in areas.columns if c.startswith("n_") and c not in ("n_previous", "n_places")]
        for i in range(len(areas)):
            publish(f_zone == i, "area_total", ("area", i, "n"))
            for col in area_cats if area_by_category else ():
                publish((f_zone == i) & (f_cat == col[2:]), "area", ("area", i, col))
        publish(f_zone == -1, "outside", ("text", "outside", ""), kept=True)
        # the incidents of the 12 months the areas do not count (no place): taken as known to a reader
        # (the text's counts of placed and left-out rows come close), so the areas add up to the window
        publish((f_zone == -2) & np.isin(f_month, windows["last"]), "unplaced", ("text", "unplaced", ""),
                kept=True)  # fmt: skip
    ref = fig.extra.get("reference")
    if ref is not None and "n_data" in ref.columns:  # a category's (or all) incidents in a calendar year
        years = np.array([m[:4] if m != "u" else "" for m in f_month])
        for i, (c, y, n) in enumerate(zip(ref["category"], ref["year"], ref["n_data"], strict=True)):
            if n == n:  # NaN: a year the data does not cover in full, no count
                mine = (years == str(int(y))) & ((f_cat == str(c)) | (str(c) == "total"))
                publish(mine, "reference", ("reference", i, "n_data"))
    prev = fig.extra.get("previous")
    if prev is not None and "n_now" in prev.columns:  # this data's count per category, again
        for i, c in enumerate(prev["category"].astype(str)):
            mine = np.ones(len(keys), bool) if c == "total" else f_cat == c
            publish(mine, "previous_now", ("previous", i, "n_now"))
    # a year's count beside Brå's figure is given up last (the comparison is that table's point); the town's
    # own tables by the fewest counts, then the smallest value (giving up a category's totals last instead
    # hid whole quarters' tables: measured on the audit's towns)
    cost = [1.0 if f == "reference" else 0.0 for f in family]
    hide = suppress_linked(np.array(rows), counts, k=k, family=family, keep=keep, cost=cost)
    hidden = [w for w, h in zip(where, hide, strict=True) if h]
    if areas is not None and not area_by_category:
        hidden += [("area", i, col) for i in range(len(areas)) for col in area_cats]
    if prev is not None and "n_before" in prev.columns:  # the previous data's own counts and their total
        from trygghet_geo._kgate import suppress_cells

        parts = prev["category"].astype(str) != "total"
        total = prev.loc[~parts, "n_before"].to_numpy(dtype=float)
        mask = suppress_cells([prev.loc[parts, "n_before"].to_numpy(dtype=float)], total[:1], k=k)[0]
        hidden += [("previous", i, "n_before") for i, m in zip(np.flatnonzero(parts), mask, strict=True) if m]
        if len(total) > 0 and 0 < total[0] < k:
            hidden += [("previous", int(np.flatnonzero(~parts)[0]), "n_before")]
    return _apply(fig, hidden)


def _apply(fig: LagesbildFigures, hidden: list[tuple[str, Any, Any]]) -> LagesbildFigures:
    from trygghet_geo._kgate import HIDDEN

    by_category = fig.by_category.copy()
    by_period = fig.by_period.astype(float)
    extra = dict(fig.extra)
    areas = extra.get("areas")
    area_mask = (
        pd.DataFrame(False, index=range(len(areas)), columns=[c for c in areas.columns if c.startswith("n")])
        if areas is not None
        else None
    )
    prev = extra.get("previous")
    if prev is not None:
        prev = extra["previous"] = prev.copy()
        prev[["n_before", "n_now"]] = prev[["n_before", "n_now"]].astype(float)
    ref = extra.get("reference")
    if ref is not None:
        ref = extra["reference"] = ref.copy()
        ref["n_data"] = ref["n_data"].astype(object)
    for table, a, b in hidden:
        if table == "previous" and prev is not None:  # the count, and the change made from it
            prev.loc[a, b] = np.nan
            prev.loc[a, "change_pct"] = np.nan
        elif table == "reference" and ref is not None:  # the count, and the rate that gives it back
            ref.loc[a, "n_data"] = HIDDEN
            ref.loc[a, "data_per_100k"] = np.nan
        elif table == "period":
            by_period.loc[pd.Period(a, by_period.index.freq), b] = np.nan
        elif table == "category":
            by_category.loc[by_category["category"] == a, b] = np.nan
        elif table == "area" and area_mask is not None:
            area_mask.loc[a, b] = True
    for col in ("n", "n_previous", "n_last"):
        by_category[col] = by_category[col].astype(float)
    gone = by_category["n"].isna()
    by_category.loc[gone, "share_pct"] = np.nan  # the share and the total give the count back
    either = by_category["n_previous"].isna() | by_category["n_last"].isna()
    by_category.loc[either, ["change_pct", "ci_low", "ci_high"]] = np.nan  # one window and the change
    if area_mask is not None and areas is not None:
        areas = areas.copy()
        areas.attrs = {**fig.extra["areas"].attrs, AREAS_HIDDEN: area_mask}
        extra["areas"] = areas
    return dataclasses.replace(fig, by_category=by_category, by_period=by_period, extra=extra)
