"""The lägesbild's PDF is written whole or not at all: Chromium prints to a temporary file beside the PDF,
renamed once complete (:mod:`trygghet_geo._atomic`). The printing step is replaced by a fake (no browser
runs here): one that writes part of a PDF and fails leaves nothing under the PDF's name (and an earlier PDF as
it was), no temporary file, and a warning naming the PDF and the reason.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from trygghet_geo.output import _lagesbild

PARTIAL = b"%PDF-1.7\n1 0 obj << /Type /Catalog"  # a print cut off half-way
WHOLE = PARTIAL + b" >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The lägesbild's HTML, with Chromium and Playwright taken as present."""
    monkeypatch.setattr(_lagesbild, "_printer_missing", lambda: None)
    html = tmp_path / "lagesbild.html"
    html.write_text("<!doctype html><title>Lägesbild</title><p>Hej</p>", encoding="utf-8")
    return html


def _fails_half_way(error: Exception, targets: list[Path]) -> Callable[[Path, Path], None]:
    def fake(html: Path, target: Path) -> None:
        targets.append(target)
        target.write_bytes(PARTIAL)
        raise error

    return fake


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (RuntimeError("Target page, context or browser has been closed"), "browser has been closed"),
        (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
    ],
)
def test_a_print_failing_half_way_leaves_no_pdf(
    page: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    reason: str,
) -> None:
    targets: list[Path] = []
    monkeypatch.setattr(_lagesbild, "_chromium_print", _fails_half_way(error, targets))
    final = page.parent / "lagesbild.pdf"
    with caplog.at_level(logging.WARNING, logger=_lagesbild.logger.name):
        assert _lagesbild.print_pdf(page, final) is None
    assert targets, "the printing step was not reached"
    assert targets[0] != final  # printed to a temporary name, in the same folder
    assert targets[0].parent == final.parent
    assert not final.exists()
    assert sorted(p.name for p in page.parent.iterdir()) == ["lagesbild.html"]  # no temporary file left
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert str(final) in warned, warned
    assert reason in warned, warned


def test_an_earlier_pdf_stays_as_it_was(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    final = page.parent / "lagesbild.pdf"
    final.write_bytes(WHOLE)
    monkeypatch.setattr(_lagesbild, "_chromium_print", _fails_half_way(RuntimeError("crashed"), []))
    assert _lagesbild.print_pdf(page, final) is None
    assert final.read_bytes() == WHOLE


def test_a_whole_print_is_renamed_to_the_pdf(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    targets: list[Path] = []

    def prints(html: Path, target: Path) -> None:
        targets.append(target)
        assert not (page.parent / "lagesbild.pdf").exists()  # nothing under the name while printing
        target.write_bytes(WHOLE)

    monkeypatch.setattr(_lagesbild, "_chromium_print", prints)
    final = page.parent / "lagesbild.pdf"
    assert _lagesbild.print_pdf(page, final) == final
    assert final.read_bytes() == WHOLE
    assert targets[0] != final
    assert sorted(p.name for p in page.parent.iterdir()) == ["lagesbild.html", "lagesbild.pdf"]


def test_no_printer_is_said_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_lagesbild, "CHROMIUM", tmp_path / "no-chromium")
    html = tmp_path / "lagesbild.html"
    html.write_text("<p>Hej</p>", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger=_lagesbild.logger.name):
        assert _lagesbild.print_pdf(html, tmp_path / "lagesbild.pdf") is None
    assert "chromium is not installed" in caplog.text
    assert not (tmp_path / "lagesbild.pdf").exists()


def test_the_real_printing_step_goes_through_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The printing step itself, with Playwright replaced by a fake whose ``page.pdf`` writes half a PDF at
    the path it is given and fails (as a browser closed mid-print does): nothing under the PDF's name."""
    sync_api = pytest.importorskip("playwright.sync_api")
    import contextlib
    from collections.abc import Iterator
    from types import SimpleNamespace
    from typing import Any

    given: list[str] = []

    def pdf(path: str, **kwargs: Any) -> None:
        given.append(path)
        Path(path).write_bytes(PARTIAL)
        raise RuntimeError("Target page, context or browser has been closed")

    page = SimpleNamespace(route=lambda *a: None, goto=lambda *a: None, pdf=pdf)
    browser = SimpleNamespace(new_page=lambda: page, close=lambda: None)

    @contextlib.contextmanager
    def fake_playwright() -> Iterator[Any]:
        yield SimpleNamespace(chromium=SimpleNamespace(launch=lambda **kw: browser))

    monkeypatch.setattr(sync_api, "sync_playwright", fake_playwright)
    chromium = tmp_path / "chromium"
    chromium.write_text("", encoding="utf-8")
    monkeypatch.setattr(_lagesbild, "CHROMIUM", chromium)
    out = tmp_path / "ut"
    out.mkdir()
    html = out / "lagesbild.html"
    html.write_text("<p>Hej</p>", encoding="utf-8")
    assert _lagesbild.print_pdf(html, out / "lagesbild.pdf") is None
    assert given, "page.pdf was not reached"
    assert Path(given[0]).parent == out
    assert sorted(p.name for p in out.iterdir()) == ["lagesbild.html"]
