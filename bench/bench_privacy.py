"""Redaction: recall, false hits and speed of trygghet_geo's redact against peers, same run, same texts.

Corpora (the generators of tests/test_privacy.py, seeded):
- ``pii``: Swedish notes each carrying personal data (identity numbers in every form, phone numbers, e-mail,
  plates, signalled names); recall = share of notes whose every personal value is gone.
- ``ordinary``: Swedish notes full of dates, times, postal codes, house numbers, bus lines, amounts, case
  and organisation numbers; false hits = notes changed at all.
- ``polisen``: the distinct texts of the real Polisen/brottsplatskartan records in ../shared/data/polisen
  (skipped when absent); any change is counted (the police's own press numbers are true phone numbers).

Peers:
- ``naive regex``: the patterns one writes first (``\\d{6}[-+]?\\d{4}``, ``0\\d{1,3}[- ]?\\d{5,8}``, a plain
  e-mail pattern); no date or Luhn check, no digit-group logic.
- ``phonenumbers``: Google's libphonenumber port, ``PhoneNumberMatcher(text, "SE")`` at VALID leniency,
  phone numbers only (when the package is installed; it is not a dependency of trygghet_geo).

Also the time of :func:`trygghet_geo.output.privacy.prepare_export` on N synthetic incidents.

Usage::

    .venv/bin/python bench/bench_privacy.py           # 20 000 generated notes per corpus, 100k incidents
    .venv/bin/python bench/bench_privacy.py --quick   # 2 000 notes, 10k incidents

The machine is shared; times are medians of three runs and still noisy.

One full run (2 shared cores, 2026-11-28)::

    method                       recall all recall tel  false/ord  changed/real  µs/note real MB/s
    trygghet_geo.redact               1.000      1.000     0/20000      14/25533     22.9      5.96
    naive regex                       0.507      0.472  1278/20000    2713/25533      4.5      9.08
    phonenumbers (phones only)        0.181      0.988     0/20000      13/25533     35.3      1.15
    prepare_export, 100 000 incidents: 0.25 s (57 676 shown, 42 324 aggregated into 20 003 cells)

(An earlier run under heavier load: 52.8 µs/note for redact, 1.07 s → 0.52 s for prepare_export before and
after counting cells with numpy.) The 14 changed real texts are all the police's own press phone numbers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from trygghet_geo.output.privacy import prepare_export, redact

ROOT = Path(__file__).resolve().parents[1]
POLISEN = ROOT.parent / "shared" / "data" / "polisen"


def _corpus_module():
    """The seeded generators of tests/test_privacy.py (one source for tests and benchmark)."""
    spec = importlib.util.spec_from_file_location("priv_corpus", ROOT / "tests" / "test_privacy.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def polisen_texts() -> list[str]:
    texts: set[str] = set()
    for path in sorted(POLISEN.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else next(v for v in data.values() if isinstance(v, list))
        for item in items:
            if isinstance(item, dict):
                texts.update(v for v in item.values() if isinstance(v, str) and len(v) > 15)
    return sorted(texts)


_NAIVE = [
    re.compile(r"\b(?:19|20)?\d{6}[-+]?\d{4}\b"),
    re.compile(r"(?:\+46|0)\d{1,3}[- ]?\d{2,3}[- ]?\d{2}[- ]?\d{2,3}"),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    re.compile(r"\b[A-Z]{3} ?\d{2}[\dA-Z]\b"),
]


def naive_redact(text: str) -> str:
    for p in _NAIVE:
        text = p.sub("[x]", text)
    return text


def phonenumbers_redact() -> Callable[[str], str] | None:
    try:
        import phonenumbers
    except ImportError:
        return None

    def run(text: str) -> str:
        out, last = [], 0
        for m in phonenumbers.PhoneNumberMatcher(text, "SE", leniency=phonenumbers.Leniency.VALID):
            out += [text[last : m.start], "[x]"]
            last = m.end
        return "".join([*out, text[last:]])

    return run


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def recall(
    fn: Callable[[str], str], pii: list[tuple[str, list[str]]], kinds: set[str] | None = None
) -> float:
    ok = 0
    for note, values in pii:
        out = fn(note)
        ok += all(v not in out and (len(_digits(v)) < 7 or _digits(v) not in _digits(out)) for v in values)
    return ok / len(pii)


def timed(fn: Callable[[str], str], texts: list[str], repeat: int = 3) -> tuple[list[str], float]:
    times, out = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = [fn(t) for t in texts]
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def bench_redaction(n: int) -> None:
    corpus = _corpus_module()
    pii = corpus.pii_corpus(n, seed=101)
    ordinary = corpus.ordinary_corpus(n, seed=202)
    phones_only = [
        (f"Ring {v} ikväll.", [v]) for v in (corpus.phone_forms(corpus.random.Random(i)) for i in range(n))
    ]
    real = polisen_texts() if POLISEN.is_dir() else []
    peers: dict[str, Callable[[str], str]] = {"trygghet_geo.redact": redact, "naive regex": naive_redact}
    pn = phonenumbers_redact()
    if pn is not None:
        peers["phonenumbers (phones only)"] = pn
    print(f"\n== redaction: {n} notes per generated corpus, {len(real)} real Polisen texts ==")
    print(
        f"{'method':28s} {'recall all':>10s} {'recall tel':>10s} {'false/ord':>10s} {'changed/real':>13s}"
        f" {'µs/note':>8s} {'real MB/s':>9s}"
    )
    base = None
    for name, fn in peers.items():
        _, seconds = timed(fn, [note for note, _ in pii])
        rec_all = recall(fn, pii)
        rec_tel = recall(fn, phones_only)
        false = sum(a != b for a, b in zip(ordinary, (fn(t) for t in ordinary), strict=True))
        changed, mbps = "-", "-"
        if real:
            red, t_real = timed(fn, real, repeat=1)
            changed = f"{sum(a != b for a, b in zip(real, red, strict=True))}/{len(real)}"
            mbps = f"{sum(len(t) for t in real) / 1e6 / t_real:.2f}"
        per_note = 1e6 * seconds / len(pii)
        base = base or per_note
        print(
            f"{name:28s} {rec_all:10.3f} {rec_tel:10.3f} {false:>5d}/{len(ordinary):<4d} {changed:>13s}"
            f" {per_note:8.1f} {mbps:>9s}   (time ×{per_note / base:.2f} of trygghet_geo)"
        )


def bench_export(n: int) -> None:
    import geopandas as gpd

    rng = np.random.default_rng(0)
    side = 50.0 * np.sqrt(n)  # half the incidents in 40 dense spots, half spread thin over the town
    centres = rng.uniform(0, side, size=(40, 2))
    clustered = centres[rng.integers(0, 40, n // 2)] + rng.normal(0, 60, (n // 2, 2))
    spread = rng.uniform(0, side, size=(n - n // 2, 2))
    pts = np.concatenate([clustered, spread]) + np.array([674_000.0, 6_580_000.0])
    inc = gpd.GeoDataFrame(
        {
            "category": rng.choice(["stöld", "våld", "narkotika", "övrigt"], n),
            "occurred_at": pd.Timestamp("2025-01-01", tz="Europe/Stockholm")
            + pd.to_timedelta(rng.integers(0, 365, n), "D"),
            "record_id": [f"K{i}" for i in range(n)],
            "place_text": "Storgatan 1",
        },
        geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]),
        crs="EPSG:3006",
    )
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = prepare_export(inc)
        times.append(time.perf_counter() - t0)
    print(f"\n== prepare_export (shared, k=5, 100 m cells): {n} incidents ==")
    print(
        f"median {statistics.median(times):.3f} s; {out.counts['points_shown']} points shown, "
        f"{out.counts['points_aggregated']} aggregated into {out.counts['cells']} cells"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run (2 000 notes, 10k incidents)")
    args = parser.parse_args(argv)
    bench_redaction(2_000 if args.quick else 20_000)
    bench_export(10_000 if args.quick else 100_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
