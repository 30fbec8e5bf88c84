"""The one spreadsheet writer against generated formula and line-break variants, in cells and headers.

Every variant is written as CSV and XLSX through ``trygghet_geo.io._write.write_table`` and read back with
Python's ``csv`` module and openpyxl: no cell and no header may start a formula, no cell may spill into a new
row, and the text itself must come back (behind one apostrophe where it was escaped).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import privacy_town as pt

from trygghet_geo.io._write import CSV_DECIMAL, CSV_SEP, write_table

_LEADS = ["=", "+", "-", "@", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫", "\t", "\r", "\n", "\r\n"]
_BLANKS = [
    "",
    "",
    " ",
    "  ",
    "\u00a0",
    "\u3000",
    "\u2009",
    "\u200b",
    "\ufeff",
    "\u202e",
    "\u2060",
    " \u200b ",
]
_TAILS = ["1+1", "cmd|' /C calc'!A0", 'HYPERLINK("http://evil.example","x")', "SUM(A1:A9)", "A1", "x"]
_BREAKS = ["\r", "\n", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def formula_variants(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = rng.choice(_BLANKS) + rng.choice(_LEADS) + rng.choice(_TAILS)
        if i % 3 == 0:  # a line break, then a formula, inside an ordinary text
            text = "vanlig text" + rng.choice(_BREAKS) + rng.choice(_LEADS[:8]) + rng.choice(_TAILS)
        out.append(text)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_formulas_never_run_and_never_break_a_row(tmp_path: Path, seed: int) -> None:
    cells = formula_variants(240, seed)
    headers = formula_variants(6, seed + 100)
    frame = pd.DataFrame({h: cells[i::6][:40] for i, h in enumerate(headers)})
    frame["tal"] = np.linspace(-5.5, 5.5, len(frame))  # negative numbers stay numbers
    frame["heltal"] = -np.arange(len(frame))
    rows = pt.csv_cells(write_table(frame, tmp_path / "t.csv"))
    assert len(rows) == len(frame) + 1
    assert all(len(r) == frame.shape[1] for r in rows)
    assert not [c for r in rows for c in r if c and pt.formula_like(c)]
    assert rows[1][-2] == f"{-5.5}".replace(".", CSV_DECIMAL)  # the one decimal separator
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == len(frame) + 1  # no line break inside a cell
    assert CSV_SEP == ";"
    cells_xlsx = pt.xlsx_cells(write_table(frame, tmp_path / "t.xlsx"))
    assert not [c for c in cells_xlsx if c[2] == "f"]
    assert not [c for c in cells_xlsx if isinstance(c[1], str) and pt.formula_like(c[1])]
    assert len(cells_xlsx) == (len(frame) + 1) * frame.shape[1]
    numbers = [c[1] for c in cells_xlsx if isinstance(c[1], int | float)]
    assert min(numbers) < 0  # numeric cells stay numbers, never escaped


def test_text_comes_back_behind_one_apostrophe(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["=1+1", "ok", "  =2", "＝3", "vanlig\r=4", None], "=b": list("123456")})
    rows = pt.csv_cells(write_table(frame, tmp_path / "t.csv"))
    assert rows[0] == ["a", "'=b"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "ok", "'  =2", "'＝3", "vanlig =4", ""]
    cells = pt.xlsx_cells(write_table(frame, tmp_path / "t.xlsx"))
    assert [v for _, v, _ in cells[::2]] == ["a", "'=1+1", "ok", "'  =2", "'＝3", "vanlig\n=4", None]


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40), min_size=1, max_size=6
    ),
    header=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=20),
)
def test_any_text_is_one_safe_cell(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], header: str
) -> None:
    """Whatever the text, one row per row and one cell per column in the CSV, and no cell starts a formula."""
    path = tmp_path_factory.mktemp("w") / "t.csv"
    frame = pd.DataFrame({"andra kolumnen, fast": ["x"] * len(texts)})
    frame.insert(0, header, texts)
    rows = pt.csv_cells(write_table(frame, path))
    assert len(rows) == len(texts) + 1
    assert all(len(r) == 2 for r in rows)
    assert not [c for r in rows for c in r if c and pt.formula_like(c)]
