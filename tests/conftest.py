"""Shared fixtures. Sockets are blocked for every test (pytest-socket, see pyproject addopts)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run and keep no example database between runs, so the
# suite is deterministic (a failure found while exploring with another seed is turned into a fixed test).
settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED_POLISEN = ROOT.parent / "shared" / "data" / "polisen"
CHROMIUM = Path("/usr/bin/chromium")


# Every test session writes its geocoding answers to a folder of its own: the user's cache folder is shared by
# every checkout on the machine, and an answer table made by another version must not reach the tests.
os.environ.setdefault("TRYGGHET_GEO_CACHE", tempfile.mkdtemp(prefix="trygghet_geo-test-cache-"))


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test session gets its own cache folder, except the sample cache which is shared and read-only."""
    from trygghet_geo import options

    options.reset()
    options.progress = False
    yield
    options.reset()


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium driven by Playwright; skipped when chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as pw:
        from trygghet_geo.output._lagesbild import CHROMIUM_ARGS  # the flags the lägesbild prints with

        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """One run of the demo flow on the sample (shared by every test that needs a whole analysis).

    Returns ``(analysis, paths)`` as :func:`trygghet_geo.sample.run_demo` does.
    """
    from trygghet_geo import options, sample

    options.progress = False
    folder = tmp_path_factory.mktemp("demo")
    return sample.run_demo(folder / "processed", folder / "raw", n_simulations=19)


def open_offline_map(browser, path: Path, viewport: dict[str, int] | None = None):
    """Open a saved map in a new browser context that refuses (and records) every request other than file:
    and data:, and wait until the map is built. Returns (context, page, refused requests, console errors)."""
    context = browser.new_context(viewport=viewport or {"width": 1200, "height": 800})
    requests: list[str] = []
    context.route(
        "**/*",
        lambda r: (
            (requests.append(r.request.url), r.abort())
            if not r.request.url.startswith(("file:", "data:"))
            else r.continue_()
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("[data-tg-ready='1']", timeout=15_000)
    return context, page, requests, errors
