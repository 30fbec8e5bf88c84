"""options.lang (and --lang) chooses the language of the command-line summary and the map at once."""

from __future__ import annotations

import json
import re

import pytest

from trygghet_geo import options
from trygghet_geo._text import TEXTS, text
from trygghet_geo.errors import ParameterError


def test_every_text_has_both_languages_and_the_same_fields() -> None:
    for key, by_lang in TEXTS.items():
        assert set(by_lang) == {"sv", "en"}, key
        fields = [set(re.findall(r"{(\w+)}", s)) for s in by_lang.values()]
        assert fields[0] == fields[1], key


def test_text_follows_options_lang() -> None:
    assert text("summary.top") == "Topp 5 platser för gemensamma besök:"
    options.lang = "en"
    assert text("summary.top") == "Top 5 places for joint visits:"
    assert text("summary.top", "sv").startswith("Topp")  # an explicit language wins
    with pytest.raises(ParameterError, match="lang"):
        text("summary.top", "de")


def _payload(html: str) -> dict:
    found = re.search(r"TrygghetMap\.build\(\w+, (\{.*?\}), \{[^{}]*\}\);", html, re.S)
    assert found, "no payload in the map"
    return json.loads(found.group(1))


def test_summary_and_map_in_english(demo, capsys) -> None:
    from trygghet_geo import cli

    result, _paths = demo
    options.lang = "en"
    cli._print_summary(result)
    out = capsys.readouterr().out
    assert "Incidents read:" in out
    assert "Top 5 places for joint visits:" in out
    assert "Händelser lästa" not in out
    english = _payload(result.to_map().get_root().render())
    assert english["lang"] == "en"
    options.lang = "sv"
    swedish = _payload(result.to_map().get_root().render())
    assert swedish["lang"] == "sv"
    assert english["labels"] != swedish["labels"]


def test_cli_lang_defaults_to_options() -> None:
    from trygghet_geo import cli

    parser, _runners = cli.build_parser()
    args = parser.parse_args(["analyze", "x.csv", "--network", "n.gpkg"])
    assert args.lang is None  # resolved to options.lang when it runs


def test_the_reason_is_data_and_renders_the_swedish_line_unchanged(demo) -> None:
    from trygghet_geo import schema
    from trygghet_geo._reason import decode, reason_line

    result, _paths = demo
    places = result.places
    assert len(places)
    for codes, reason in zip(places[schema.REASON_CODES], places[schema.PLACE_REASON], strict=True):
        parts = decode(codes)
        assert parts
        assert all(isinstance(code, str) for code, _values in parts)
        assert reason_line(codes, "sv") == reason
        english = reason_line(codes, "en")
        assert english
        assert english != reason
        assert not re.search(r"senaste|synpunkt|kvällar|nätter|få händelser", english), english


def test_the_reason_line_shows_only_vocabulary_words() -> None:
    from trygghet_geo._reason import encode, reason_line

    made_up = encode([("remarks", {"n": 2, "topic": "ring 070-123 45 67", "only": True})])
    assert reason_line(made_up, "sv") is None  # the caller shows its (redacted) reason column instead
    assert reason_line("not json", "en") is None
    assert reason_line(encode([("when", {"daypart": "kvällar", "weekdays": "lör"})]), "en") == "evenings Sat"
    assert reason_line(encode([]), "en") == "few events"


def test_english_reason_in_the_cli_summary_and_the_map(demo, capsys) -> None:
    from trygghet_geo import cli

    result, _paths = demo
    options.lang = "en"
    cli._print_summary(result)
    out = capsys.readouterr().out
    top = out.split("Top 5 places for joint visits:")[1]
    assert "in the last 6 months" in top or "remarks" in top
    assert "senaste" not in top
    assert "synpunkt" not in top
    english = _payload(result.to_map().get_root().render())
    reasons = [item["reason"] for item in english["hotspots"] if item["reason"]]
    assert reasons
    assert not any("senaste" in r or "synpunkt" in r for r in reasons)
    options.lang = "sv"
    swedish = _payload(result.to_map().get_root().render())
    assert {item["reason"] for item in swedish["hotspots"]} & set(result.places["reason"])


def test_the_board_report_in_english_and_swedish(demo, tmp_path) -> None:
    from trygghet_geo import sample
    from trygghet_geo.output.report import write_report

    result, _paths = demo
    kw = {"promise_date": sample.PROMISE_DATE, "include_map": False}
    en = write_report(result, tmp_path / "en.html", lang="en", **kw)["html"].read_text(encoding="utf-8")
    sv = write_report(result, tmp_path / "sv.html", **kw)["html"].read_text(encoding="utf-8")
    assert '<html lang="en">' in en
    assert '<html lang="sv">' in sv
    for heading in ("Summary", "Places for joint visits", "Follow-up", "Data sources", "Method"):
        assert f"<h2>{heading}</h2>" in en
    for heading in ("Sammanfattning", "Platser för gemensamma besök", "Uppföljning", "Datakällor", "Metod"):
        assert f"<h2>{heading}</h2>" in sv
    assert "in the last 6 months" in en
    assert "senaste 6 mån" in sv
    for swedish_word in ("Sammanfattning", "senaste 6 mån", "synpunkter från", "Händelser", "säkerställd"):
        assert swedish_word not in en, swedish_word
