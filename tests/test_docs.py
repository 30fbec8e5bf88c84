"""The README's code runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _block(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"## {re.escape(heading)}\n.*?```python\n(.*?)```", text, re.S)
    assert found, f"README has no python block under '## {heading}'"
    return found.group(1)


def test_readme_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trygghet_geo import sample

    sample.write_raw(tmp_path / "data" / "raw")  # the files `make demo` writes, where the example reads them
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(_block("As a library"), "README.md", "exec"), namespace)
    result = namespace["result"]
    assert len(result.places) >= 5  # type: ignore[attr-defined]
    html = (tmp_path / "trygghetskarta.html").read_text(encoding="utf-8")
    assert "Helsingfors järnvägsstation" in html
