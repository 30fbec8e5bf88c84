"""The README's printed demo output is what the demo prints (the summary the ``demo`` subcommand writes).

The README shows the lines of ``make demo`` from "Händelser lästa" to the file lines; the ``demo`` fixture
runs the same flow (with 19 simulations instead of 99, which changes p-values but no printed line), and the
command line's own summary printer writes them here. A change that alters the demo's summary must update the
README in the same commit.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_block() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.index("What `make demo` prints")
    block = re.search(r"```\n(.*?)```", text[head:], re.S)
    assert block, "README has no code block after 'What `make demo` prints'"
    return block.group(1).rstrip("\n").split("\n")


def test_readme_demo_output_is_what_the_demo_prints(demo, capsys) -> None:
    from trygghet_geo.cli import _print_summary

    analysis, paths = demo
    capsys.readouterr()
    _print_summary(analysis)
    printed = capsys.readouterr().out.rstrip("\n").split("\n")
    readme = _readme_block()
    summary = [
        line for line in readme if not line.startswith(("Karta:", "Platser:", "Rapport:", "Lägesbild:"))
    ]
    assert summary == printed
    files = "\n".join(line for line in readme if line not in summary)
    for role in ("map", "places", "report", "manifest", "lagesbild"):
        assert Path(paths[role]).name in files, role


def test_readme_demo_file_lines_are_the_demo_commands_own() -> None:
    """The README's file lines are the text the ``demo`` subcommand prints for them (``_text``)."""
    from trygghet_geo._text import text

    readme = _readme_block()
    assert text("files.lagesbild", path="data/processed/lagesbild.html") in readme
