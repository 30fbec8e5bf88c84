"""Remake ``docs/demo_map.png``: the demo's self-contained map (with its vector basemap) in headless chromium.

Usage::

    PYTHONPATH=. .venv/bin/python tools/screenshot_demo_map.py [--out docs/demo_map.png] [--simulations 99]

Runs :func:`trygghet_geo.sample.run_demo` in a temporary folder, opens the map from file:// with every
outside request refused (the file needs none) and saves a 1280×800 screenshot.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "demo_map.png")
    ap.add_argument("--simulations", type=int, default=99, help="Monte Carlo runs of the demo (as make demo)")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from trygghet_geo import options, sample

    options.progress = False
    with tempfile.TemporaryDirectory() as tmp:
        _, paths = sample.run_demo(Path(tmp) / "processed", Path(tmp) / "raw", n_simulations=args.simulations)
        outside: list[str] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 800})

            def route(r):  # type: ignore[no-untyped-def]
                if r.request.url.startswith(("file:", "data:")):
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(paths["map"].resolve().as_uri())
            page.wait_for_selector("[data-tg-ready='1']", timeout=30_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(args.out))
            browser.close()
    if outside:
        raise SystemExit(f"the map asked for outside resources: {outside[:3]}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
