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

- ``hostile``: the generated corpus of ``tests/hostile/privacy_corpus.py`` (identity numbers glued to
  words and in every separator form, phones in every spacing, names of many alphabets after role words, in
  capitals and with combining accents, home addresses) and its ordinary safety-walk notes, built by a route
  that shares nothing with the redactor. Recall counts secrets (a note may hold several); false positives
  are ordinary notes changed at all, each listed. Then the same corpus through every shared output of
  ``trygghet-geo analyze`` and ``trygghet-geo report`` (``tests/hostile/privacy_town.py``).

Usage::

    .venv/bin/python bench/bench_privacy.py           # 20 000 generated notes per corpus, 100k incidents
    .venv/bin/python bench/bench_privacy.py --quick   # 2 000 notes, 10k incidents
    .venv/bin/python bench/bench_privacy.py --quick --corpus-only   # the hostile corpus only

The machine is shared; times are medians of three runs and still noisy.

One full run (2 shared cores under heavy load, 2026-12-05)::

    == generated hostile corpus: 5000 notes with personal data, 2000 ordinary notes ==
    method                        recall (secrets)  notes w/ a leak  false positives
    trygghet_geo.redact                     1.0000        0/5000           0/2000
    naive regex                             0.1540     4500/5000          35/2000
    shared outputs (left_out_csv, left_out_obs_csv, map, places_csv, places_xlsx, report, report_xlsx;
    39 s): 1685 secrets planted, 0 found in an output (recall 1.0000); 0/1000 ordinary notes changed;
    0 formula cells

    method                       recall all recall tel  false/ord  changed/real  µs/note real MB/s
    trygghet_geo.redact               1.000      1.000     0/20000      14/25533    163.9      0.38
    naive regex                       0.507      0.472  1278/20000    2713/25533     45.7      2.36
    prepare_export, 100 000 incidents: 1.73 s (57 676 shown, 42 324 aggregated into 20 003 cells)

The machine was several times slower than in the earlier run (2026-11-28: 22.9 µs/note for redact, 4.5 for
the naive regexes, 0.25 s for prepare_export); compare the ratios, not the times: redact took 3.6× the naive
regexes' time here against 5.1× then. The 14 changed real texts are all the police's own press phone
numbers.
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
POLISEN = next(
    (p / "shared" / "data" / "polisen" for p in ROOT.parents if (p / "shared" / "data" / "polisen").is_dir()),
    ROOT.parent / "shared" / "data" / "polisen",
)
HOSTILE = ROOT / "tests" / "hostile"


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


def _hostile_modules():
    """The generated hostile corpus of tests/hostile (privacy_corpus, privacy_town)."""
    sys.path.insert(0, str(HOSTILE))
    import privacy_corpus
    import privacy_town

    return privacy_corpus, privacy_town


def bench_corpus(n_secret: int, n_ordinary: int) -> None:
    """Recall and false positives on the generated hostile corpus: the redactor alone, a naive peer, and
    every shared output of ``trygghet-geo analyze`` + ``report`` on a town carrying the corpus."""
    import contextlib
    import io
    import tempfile

    pc, pt = _hostile_modules()
    notes = pc.secret_notes(n_secret, seed=4242)
    ordinary = pc.ordinary_notes(n_ordinary, seed=4343)
    print(
        f"\n== generated hostile corpus: {n_secret} notes with personal data, {n_ordinary} ordinary notes =="
    )
    print(f"{'method':28s} {'recall (secrets)':>17s} {'notes w/ a leak':>16s} {'false positives':>16s}")
    for name, fn in (("trygghet_geo.redact", redact), ("naive regex", naive_redact)):
        leaks = [(n, k, v) for n in notes for k, v in n.secrets if pc.leaks(pc.plain(fn(n.text)), k, v)]
        n_secrets = sum(len(n.secrets) for n in notes)
        fps = [(o, fn(o)) for o in ordinary if fn(o) != o]
        leaky_notes = len({id(n) for n, _, _ in leaks})
        print(
            f"{name:28s} {1 - len(leaks) / n_secrets:17.4f} {leaky_notes:>8d}/{len(notes):<7d}"
            f" {len(fps):>8d}/{len(ordinary):<7d}"
        )
        if name == "trygghet_geo.redact":
            for note, kind, value in leaks:
                print(f"   missed {kind}: {value!r} in {note.text!r}")
            for before, after in fps:
                print(f"   false positive: {before!r} -> {after!r}")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        # the town carries at most 1 500 + 1 000 notes: the whole flow runs on it, ranking included
        town = pt.write_town(
            Path(tmp) / "in", n_secret=min(n_secret, 1500), n_ordinary=min(n_ordinary, 1000), seed=11
        )
        with contextlib.redirect_stdout(io.StringIO()):  # the CLI's summary
            paths = pt.shared_outputs(town, Path(tmp) / "out")
        read = pt.read_outputs(paths)
        seconds = time.perf_counter() - t0
        plain = {name: pc.plain(text) for name, text in read["text"].items()}
        leaked = [
            (name, k, v) for name, text in plain.items() for k, v in town.secrets if pc.leaks(text, k, v)
        ]
        payload = pt.map_payload(paths["map"].read_text(encoding="utf-8"))
        shown = set(payload["observations"]["note"]) | set(payload["observations"]["measure"])
        left = {c for row in read["csv"]["left_out_obs_csv"] for c in row}
        changed = [o for o in town.ordinary if o not in shown and o not in left]
        formulas = [c for rows in read["csv"].values() for r in rows for c in r if c and pt.formula_like(c)]
        formulas += [c for cells in read["xlsx"].values() for c in cells if c[2] == "f" or
                     (isinstance(c[1], str) and pt.formula_like(c[1]))]  # fmt: skip
    print(
        f"shared outputs ({', '.join(sorted(paths))}; {seconds:.0f} s): {len(town.secrets)} secrets planted, "
        f"{len(leaked)} found in an output (recall {1 - len(leaked) / len(town.secrets):.4f}); "
        f"{len(changed)}/{len(town.ordinary)} ordinary notes changed; {len(formulas)} formula cells"
    )
    for item in leaked + [("changed", "ordinary", o) for o in changed]:
        print("   ", item)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run (2 000 notes, 10k incidents)")
    parser.add_argument("--corpus-only", action="store_true", help="only the generated hostile corpus")
    args = parser.parse_args(argv)
    bench_corpus(1_000 if args.quick else 5_000, 1_000 if args.quick else 2_000)
    if args.corpus_only:
        return 0
    bench_redaction(2_000 if args.quick else 20_000)
    bench_export(10_000 if args.quick else 100_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
