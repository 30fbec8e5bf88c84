"""The category table covers the Swedish crime catalogue as police extracts name it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from trygghet_geo import schema as s
from trygghet_geo.io import read_incidents
from trygghet_geo.io._categories import category_table, map_categories, read_category_table


def _mapped(texts: list[str], kind: str = "incident") -> tuple[list[str], list[bool]]:
    codes, names, unknown = map_categories(pd.Series(texts), kind=kind)  # type: ignore[arg-type]
    return [names[c] for c in codes], unknown.tolist()


@pytest.mark.parametrize("kind", ["incident", "observation"])
def test_every_row_of_the_table_maps_to_its_category(kind: str) -> None:
    table = category_table()
    rows = table[table["kind"] == kind]
    texts, expected = [], []
    for raw, cat in rows[["raw", "category"]].itertuples(index=False):
        if raw.startswith("*") and raw.endswith("*"):
            continue  # words: last resort, checked below through whole texts
        texts.append(raw[:-1] + "01" if raw.endswith("*") and raw[:-1].isdigit() else raw.rstrip("*"))
        expected.append(cat)
    got, unknown = _mapped(texts, kind)
    assert not any(unknown)
    wrong = [(t, g, e) for t, g, e in zip(texts, got, expected, strict=True) if g != e]
    assert not wrong
    vocab = s.INCIDENT_CATEGORIES if kind == "incident" else s.OBSERVATION_CATEGORIES
    assert set(rows["category"]) <= set(vocab)


def test_every_chapter_code_maps() -> None:
    """A bare four-digit code of every chapter of brottsbalken (01-24, and the 9x breakdowns) is known."""
    table = category_table()
    chapters = {r[:-1] for r in table.loc[table["kind"] == "incident", "raw"] if r[:-1].isdigit()}
    codes = [f"{c}{n:02d}" for c in sorted(chapters) for n in (1, 57, 99)]
    _, unknown = _mapped(codes)
    assert not any(unknown)
    assert {"03", "04", "06", "08", "12", "16", "93", "96"} <= chapters


# Texts as case systems write them, not in the table word for word (held out), with the category the
# documentation in data/categories.csv gives them.
HELD_OUT = {
    "Grov misshandel, mot kvinna 18 år eller äldre, obekant med offret, inomhus": "våld",
    "Olaga hot mot kvinna 18 år eller äldre, bekant med offret": "våld",
    "Olaga hot mot man 18 år eller äldre, obekant": "våld",
    "Ofredande mot man 18 år eller äldre": "våld",
    "Sexuellt ofredande mot kvinna 18 år eller äldre": "våld",
    "Våldtäkt inkl. grov, mot kvinna 18 år eller äldre, obekanta, utomhus": "våld",
    "Brott mot knivlagen": "våld",
    "Brott mot lagen om förbud beträffande knivar och andra farliga föremål": "våld",
    "Förargelseväckande beteende": "ordningsstörning",
    "Förargelseväckande beteende, ej sexuellt": "ordningsstörning",
    "Stöld genom inbrott i lägenhet": "stöld",
    "Tillgrepp av fortskaffningsmedel, bil": "stöld",
    "Skadegörelse genom klotter": "skadegörelse",
    "Mordbrand, grov": "skadegörelse",
    "Ringa narkotikabrott, innehav": "narkotika",
    "Olovlig körning, grov": "trafik",
    "Grovt rån, väpnat": "våld",
    "Hemfridsbrott": "ordningsstörning",
    "Bedrägeri genom att utge sig för att vara polis": "övrigt",
}


def test_held_out_offence_texts() -> None:
    got, unknown = _mapped(list(HELD_OUT))
    assert not any(unknown)
    assert dict(zip(HELD_OUT, got, strict=True)) == HELD_OUT


def test_olaga_hot_and_ofredande_counted_where_documented() -> None:
    header = resources.files("trygghet_geo").joinpath("data/categories.csv").read_text(encoding="utf-8")
    comments = " ".join(ln for ln in header.splitlines() if ln.startswith("#"))
    assert "olaga hot, ofredande" in comments
    assert "count as våld" in comments
    got, _ = _mapped(["Olaga hot", "Ofredande", "Sexuellt ofredande", "Brott mot knivlagen"])
    assert got == ["våld"] * 4
    got, _ = _mapped(["Förargelseväckande beteende"])
    assert got == ["ordningsstörning"]


def test_text_preferred_over_code_and_code_when_text_unknown(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "Ärendenummer;Brottskod;Brottsbenämning;Datum;Plats\n"
        "K1;0857;Olaga hot mot man 18 år eller äldre, obekant;2025-01-02;Torget\n"
        "K2;1206;Något nytt brott;2025-01-03;Torget\n"
        "K3;;Gurka;2025-01-04;Torget\n",
        encoding="utf-8",
    )
    gdf = read_incidents(path)
    assert gdf[s.CATEGORY].tolist() == ["våld", "skadegörelse", "övrigt"]
    assert gdf[s.OFFENCE_CODE].tolist() == ["0857", "1206", ""]
    assert gdf.attrs["report"].unknown_categories == {"Gurka": 1}


def test_user_table_and_categories_argument(tmp_path: Path) -> None:
    own = tmp_path / "egna.csv"
    own.write_bytes("typ,kategori\nGatuspel*,ordningsstörning\nOlaga hot,övrigt\n".encode("cp1252"))
    assert read_category_table(own) == {"Gatuspel*": "ordningsstörning", "Olaga hot": "övrigt"}
    data = tmp_path / "d.csv"
    data.write_text("Plats;Brottstyp\nTorget;Gatuspel med högtalare\nTorget;Olaga hot\n", encoding="utf-8")
    assert read_incidents(data, categories=own)[s.CATEGORY].tolist() == ["ordningsstörning", "övrigt"]
    assert read_incidents(data, categories={"Olaga hot": "trafik"})[s.CATEGORY].tolist() == [
        "övrigt",
        "trafik",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    from trygghet_geo.errors import InputError

    with pytest.raises(InputError, match="raw and category"):
        read_category_table(bad)
