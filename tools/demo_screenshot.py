"""Write docs/demo_basemap.png: the demo map (self-contained, with its vector basemap) as Chromium shows it
at 1280x800, every outside request refused. Usage: ``.venv/bin/python tools/demo_screenshot.py``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from trygghet_geo import options, sample

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    options.progress = False
    with tempfile.TemporaryDirectory() as tmp:
        _, paths = sample.run_demo(Path(tmp) / "processed", Path(tmp) / "raw", n_simulations=19)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()
            )
            page.goto(paths["map"].as_uri())
            page.wait_for_selector("[data-tg-ready='1']", timeout=30_000)
            page.wait_for_timeout(800)
            out = ROOT / "docs" / "demo_basemap.png"
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
