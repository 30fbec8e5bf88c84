"""Property-based tests of the readers: messy rows never break them, and no row is ever lost.

Each example writes a CSV of 50–80 generated rows (missing fields, garbage numbers, wrong types, Swedish
letters in UTF-8 and cp1252 in one file, swapped and projected coordinates, dates in every form) and reads it;
with at least 20 examples that is more than 1,000 messy rows per run. The only errors allowed are the
documented ones (``TrygghetError`` subclasses), and the result has exactly one row per written row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trygghet_geo import schema as s
from trygghet_geo.errors import TrygghetError
from trygghet_geo.io import read_incidents, read_observations

pytestmark = pytest.mark.slow

N_EXAMPLES = 20
MIN_ROWS = 50

_text = st.text(alphabet=st.sampled_from(list("abcåäöÅÄÖé 0123456789-/.,;:\"'\t=")), max_size=25)
_garbage = st.one_of(st.just(""), st.just("NULL"), st.just("nan"), st.just("-"), st.just("1e400"), _text)


def _num(lo: float, hi: float, *, comma: bool) -> st.SearchStrategy[str]:
    return st.floats(lo, hi, allow_nan=False).map(lambda v: f"{v:.6f}".replace(".", "," if comma else "."))


_degrees = st.tuples(_num(55.3, 68.9, comma=True), _num(11.2, 23.5, comma=False))
_pairs = st.one_of(
    _degrees,  # lat, lon
    _degrees.map(lambda p: (p[1], p[0])),  # swapped
    st.tuples(_num(6_150_000, 7_650_000, comma=False), _num(300_000, 900_000, comma=True)),  # SWEREF 99 TM
    st.tuples(_num(1_250_000, 1_850_000, comma=False), _num(6_150_000, 7_650_000, comma=False)),  # RT90, X/Y
    st.tuples(_garbage, _garbage),
    st.tuples(_num(-1000, 1000, comma=False), _num(-1e8, 1e8, comma=False)),
    st.just(("", "")),
)
_dates = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.datetimes().map(lambda d: f"{d.day}/{d.month}/{d.year} {d.hour}:{d.minute:02d}"),
    st.datetimes().map(lambda d: d.strftime("%Y%m%d")),
    st.datetimes().map(lambda d: d.isoformat()),
    st.floats(-10, 90_000).map(lambda v: f"{v:.3f}"),
    _garbage,
)
_types = st.one_of(
    st.sampled_from(
        ["Stöld", "Rån", "Trafikolycka,  vilt", "Sammanfattning natt", "Klotter", "Belysning", "Buskage"]
    ),
    _garbage,
)
_row = st.fixed_dictionaries(
    {
        "Ärendenummer": st.one_of(st.integers(0, 40).map(str), _garbage),
        "Brottstyp": _types,
        "Datum": _dates,
        "Tid": st.one_of(st.sampled_from(["7:05", "22:15", "2215", "kl 9", "25:99", ""]), _garbage),
        "Plats": st.one_of(st.sampled_from(["Kungsgatan 1", "Torget", "Östra Ågatan", ""]), _text),
        "coords": _pairs,
        "cp1252": st.booleans(),
    }
)


def _write(rows: list[dict], path: Path) -> None:
    """One CSV whose lines are UTF-8 or cp1252 by the row's own choice (a pasted-together export)."""
    header = ["Ärendenummer", "Brottstyp", "Datum", "Tid", "Plats", "X", "Y"]
    out = [(";".join(header) + "\n").encode("utf-8")]
    for r in rows:
        buf = io.StringIO()
        csv.writer(buf, delimiter=";", lineterminator="\n").writerow(
            [r["Ärendenummer"], r["Brottstyp"], r["Datum"], r["Tid"], r["Plats"], *r["coords"]]
        )
        line = buf.getvalue()
        out.append(line.encode("cp1252", errors="replace") if r["cp1252"] else line.encode("utf-8"))
    path.write_bytes(b"".join(out))


@settings(
    max_examples=N_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(_row, min_size=MIN_ROWS, max_size=80))
def test_messy_csv_rows_are_all_accounted_for(rows: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    _write(rows, path)
    for reader in (read_incidents, read_observations):
        try:
            gdf = reader(path, area=False)
        except TrygghetError:
            continue  # a documented, clear error (e.g. a file whose coordinates all look like a local zone)
        assert len(gdf) == len(rows)
        assert gdf[s.SOURCE_ROW].tolist() == list(range(1, len(rows) + 1))
        assert set(gdf[s.STATUS]) <= set(s.STATUSES)
        assert set(gdf[s.REASON]) <= {"", *s.REASONS}
        report = gdf.attrs["report"]
        assert sum(report.status_counts.values()) == len(rows)
        # Where a row has a point, it is a real WGS84 position.
        located = gdf.geometry.notna().to_numpy()
        assert np.isfinite(gdf.loc[located, s.LON]).all()
        assert (gdf.loc[located, s.LAT].abs() <= 90).all()
        assert ((gdf[s.STATUS] == "ok") <= (located | (gdf[s.PRECISION].isna()))).all()


_cell = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    _text,
    st.datetimes().map(pd.Timestamp),
)


@settings(max_examples=N_EXAMPLES, deadline=None)
@given(cells=st.lists(st.tuples(_cell, _cell, _cell, _cell, _cell), min_size=MIN_ROWS, max_size=70))
def test_wrong_types_in_a_dataframe_are_all_accounted_for(cells: list[tuple]) -> None:
    df = pd.DataFrame(cells, columns=["Datum", "Brottstyp", "Plats", "Latitud", "Longitud"], dtype=object)
    before = df.copy()
    try:
        gdf = read_incidents(df, area=False)
    except TrygghetError:
        return
    assert len(gdf) == len(df)
    assert gdf.index.equals(df.index)
    pd.testing.assert_frame_equal(df, before)  # never mutated
    assert sum(gdf.attrs["report"].status_counts.values()) == len(df)
