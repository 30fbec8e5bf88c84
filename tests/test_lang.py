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
