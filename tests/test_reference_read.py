"""Reference (Brå) and survey (NTU) files are read by the package's own readers: the workbook guards, title
rows above the header, and an undecodable text file named in a clear error."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from trygghet_geo.errors import InputError
from trygghet_geo.reference import read_reference, read_survey


def test_a_reference_workbook_with_entity_declarations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bra.xlsx"
    pd.DataFrame({"Brott": ["Stöld"], "År": [2024], "Per 100 000 invånare": [1234.5]}).to_excel(
        path, index=False
    )
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    laughs = b'<!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    parts["xl/worksheets/sheet1.xml"] = laughs + parts["xl/worksheets/sheet1.xml"]
    bad = tmp_path / "entity.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert read_reference(path)["per_100k"].tolist() == [1234.5]
    with pytest.raises(InputError, match=r"entity\.xlsx.*entities are never resolved"):
        read_reference(bad)


def test_a_title_line_above_the_header_and_a_cp1252_file(tmp_path: Path) -> None:
    path = tmp_path / "bra.csv"
    path.write_bytes("Anmälda brott, Brå 2025\n\nBrott;2023;2024\nStöld;1 234,5;1200\n".encode("cp1252"))
    t = read_reference(path)
    assert t[["raw_category", "year", "per_100k"]].values.tolist() == [
        ["Stöld", 2023, 1234.5],
        ["Stöld", 2024, 1200.0],
    ]


def test_an_undecodable_survey_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ntu.csv"
    path.write_bytes(b"Fraga,Ar,Andel\nOtrygg\x81,2025,23\n")
    with pytest.raises(InputError, match=r"ntu\.csv.*cannot decode"):
        read_survey(path)
