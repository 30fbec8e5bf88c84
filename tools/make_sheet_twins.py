"""Write the spreadsheet twins ``tests/data/twin.xlsx``, ``twin.xls`` and ``twin.ods``: the same 40 rows of a
police export (the sample's first rows, fixed seed) in three workbook formats, each by its own writer
(openpyxl, xlwt, odfpy through pandas), so the readers can be checked to give the same table from each.

Run once from the repository's root (needs the dev extra: xlwt and odfpy)::

    .venv/bin/python tools/make_sheet_twins.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlwt

from trygghet_geo import sample

OUT = Path(__file__).resolve().parents[1] / "tests" / "data"


def rows() -> pd.DataFrame:
    table = sample.generate_incidents(seed=4242).head(40).reset_index(drop=True)
    return table.astype({"Latitud": float, "Longitud": float})


def write_xls(table: pd.DataFrame, path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Utdrag")
    for j, name in enumerate(table.columns):
        sheet.write(0, j, name)
    for i, row in enumerate(table.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            if isinstance(value, float) and value != value:  # NaN: an empty cell, as the others write it
                continue
            sheet.write(i, j, value)
    book.save(str(path))


def main() -> None:
    table = rows()
    table.to_excel(OUT / "twin.xlsx", index=False, sheet_name="Utdrag", engine="openpyxl")
    write_xls(table, OUT / "twin.xls")
    table.to_excel(OUT / "twin.ods", index=False, sheet_name="Utdrag", engine="odf")
    print(f"wrote {len(table)} rows to twin.xlsx, twin.xls and twin.ods in {OUT}")


if __name__ == "__main__":
    main()
