"""Shared fixtures. Sockets are blocked for every test (pytest-socket, see pyproject addopts)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


# --- the one way the browser tests open a page ------------------------------------------------------------
#: Schemes that stay on the machine: the page itself, inlined data, blank frames and the page's own blobs.
LOCAL = ("file:", "data:", "about:", "blob:")
#: What a map sets on its container once every layer is built (static/trygghet_map.js).
READY = "[data-tg-ready='1']"


@dataclass
class OfflinePage:
    """A page in a browser context of its own that refuses every request leaving the machine.

    ``requests`` lists every such request (from the page or any frame in it, refused), ``errors`` the
    console errors and uncaught exceptions, ``console`` every console message as ``"type: text"``,
    ``dialogs`` every alert/confirm/prompt (dismissed). Close it with :meth:`close` or use it in ``with``.
    """

    context: Any
    page: Any = None
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(
        self,
        path: Path | None = None,
        *,
        html: str | None = None,
        wait: str | None = "ready",
        settle_ms: int = 0,
        timeout_ms: int = 15_000,
    ) -> Any:
        """Show ``path`` (or the markup ``html``) and wait; returns the page.

        ``wait``: ``"ready"`` the map is built (:data:`READY`); ``"frame"`` the map in the page's first
        iframe is built (a notebook cell); ``"load"`` the load event; ``"leaflet"`` the load event and
        Leaflet defined; None not at all. Then ``settle_ms`` more for late handlers.
        """
        if html is not None:
            self.page.set_content(html)
        else:
            assert path is not None
            self.page.goto(path.as_uri())
        if wait == "ready":
            self.page.wait_for_selector(READY, timeout=timeout_ms)
        elif wait == "frame":
            self.page.frame_locator("iframe").first.locator(READY).wait_for(timeout=timeout_ms)
        elif wait in ("load", "leaflet"):
            self.page.wait_for_load_state("load")
            if wait == "leaflet":
                self.page.wait_for_function("typeof L !== 'undefined'", timeout=timeout_ms)
        elif wait is not None:
            raise ValueError(f"wait must be 'ready', 'frame', 'load', 'leaflet' or None, got {wait!r}")
        if settle_ms:
            self.page.wait_for_timeout(settle_ms)
        return self.page

    @property
    def frame(self) -> Any:
        """The first frame inside the page (a notebook cell's or a report's map)."""
        return next(f for f in self.page.frames if f is not self.page.main_frame)

    def close(self) -> None:
        self.context.close()

    def __enter__(self) -> OfflinePage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def offline_page(
    browser: Any, *, viewport: dict[str, int] | None = None, init_script: str | None = None, **context: Any
) -> OfflinePage:
    """A new :class:`OfflinePage` (not yet showing anything); ``context`` goes to ``browser.new_context``
    (``bypass_csp``, ``is_mobile``, ...), ``init_script`` runs in every document before its own scripts."""
    view = OfflinePage(browser.new_context(viewport=viewport or {"width": 1200, "height": 800}, **context))

    def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            r.abort()  # recorded by the request event below, which fires for every request of the context

    def dialog(d: Any) -> None:
        view.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    view.context.on("request", lambda r: None if r.url.startswith(LOCAL) else view.requests.append(r.url))
    view.context.route("**/*", route)
    page = view.page = view.context.new_page()
    page.on("console", lambda m: view.console.append(f"{m.type}: {m.text}"))
    page.on("console", lambda m: view.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: view.errors.append(str(e)))
    page.on("dialog", dialog)
    if init_script:
        page.add_init_script(init_script)
    return view


def open_offline_map(
    browser: Any,
    path: Path | None = None,
    *,
    html: str | None = None,
    wait: str | None = "ready",
    settle_ms: int = 0,
    timeout_ms: int = 15_000,
    viewport: dict[str, int] | None = None,
    init_script: str | None = None,
    **context: Any,
) -> OfflinePage:
    """Open a saved page (or markup) offline, as :func:`offline_page` and :meth:`OfflinePage.open` do, and
    return the :class:`OfflinePage` (use it in ``with`` so its context is closed)."""
    view = offline_page(browser, viewport=viewport, init_script=init_script, **context)
    try:
        view.open(path, html=html, wait=wait, settle_ms=settle_ms, timeout_ms=timeout_ms)
    except BaseException:
        view.close()
        raise
    return view
