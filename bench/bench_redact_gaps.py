"""The free-text redactor on the corpus of its former gaps: recall by class, false positives, and speed.

Corpus: ``tests/hostile/redact_gap_corpus.py`` (Faker ``sv_SE`` personal data embedded in notes by rule;
ordinary text from the sample gazetteer's every street and place name, the sample's observation texts and
rule-built sentences). The tuning part uses seeds 1-4, the held-out part seeds 1000-1003.

Recall counts notes: a note is recalled when none of its secrets survives. False positives are texts of the
ordinary part changed at all; each is listed with ``-v``. The peer measured in the same run is the
previous redactor, ``git show REV:trygghet_geo/output/...`` loaded from a revision (``--peer main``) when
given.

Usage::

    PYTHONPATH=$PWD .venv/bin/python bench/bench_redact_gaps.py [-n 300] [-v] [--peer main]

One run (``--peer main``, 300 notes per class and seed, 2026-12-06): recall (notes with no secret left)
tuning / held-out, this branch against the redactor of main in the same run:

=============  ===============  ===============
class          this branch      main
=============  ===============  ===============
email_words    1.000 / 1.000    0.206 / 0.193
name_lower     0.991 / 0.976    0.000 / 0.000
name_nocue     0.980 / 0.977    0.088 / 0.090
initials       0.983 / 0.985    0.000 / 0.000
pnr_split      1.000 / 1.000    0.491 / 0.518
phone_odd      1.000 / 1.000    0.602 / 0.607
all            0.9924 / 0.9896  0.2311 / 0.2347
=============  ===============  ===============

Ordinary text changed, this branch / main: street names 0/1008 / 6/1008, sample observations 0/91 / 0/91,
sentences 0/2030 / 3/2030, the earlier corpus' ordinary notes 0/2000 / 0/2000, other gazetteer place
names 28/1938 / 2/1938 (26 of the 28 are a person's name: statues, shops; "M. A. D" and "Elisa Kulma" are
not).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

import redact_gap_corpus as corpus  # noqa: E402

TUNING_SEEDS = (1, 2, 3, 4)
HELD_OUT_SEEDS = tuple(corpus.HELD_OUT_FIRST_SEED + i for i in range(4))


def ordinary_parts() -> dict[str, list[str]]:
    """The text that must stay, by part: the gazetteer's street names (streets and intersections, every
    alias) bare and in sentences; its other place names (shops, statues, stops: some are a person's name);
    the sample's observation texts; rule-built sentences about lighting, bushes, graffiti and traffic."""
    from trygghet_geo import sample

    entries = sample.load_gazetteer().entries

    def names(kinds: tuple[str, ...]) -> list[str]:
        sub = entries[entries["kind"].isin(kinds)]
        found = set(sub["name"].dropna().astype(str))
        found |= {a for v in sub["aliases"].dropna().astype(str) for a in v.split("|")}
        return sorted(n for n in found if n and not n[0].isdigit())

    streets = names(("street", "intersection"))
    obs = sample.generate_observations()
    texts = sorted({str(v) for c in obs.columns if c not in ("Datum", "Tid") for v in obs[c].dropna()})
    sentences = corpus.ordinary_texts(7, 1500, streets)
    return {
        "streets": sentences[-2 * len(streets) :] + streets,
        "observations": texts,
        "sentences": sentences[: -2 * len(streets)],
        "privacy_corpus": _privacy_corpus_notes(),
        "places": [n for n in names(("place",)) if n not in set(streets)],
    }


def _privacy_corpus_notes() -> list[str]:
    """The ordinary notes of the earlier hostile corpus (tests/hostile/privacy_corpus.py), seed 5."""
    import privacy_corpus

    return list(privacy_corpus.ordinary_notes(2000, 5))


def measure(
    redact: Callable[[str], str], seeds: tuple[int, ...], n: int
) -> tuple[Counter[str], Counter[str], list]:
    total: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    misses = []
    for seed in seeds:
        for case in corpus.gap_cases(seed, n):
            out = redact(case.text)
            total[case.cls] += 1
            left = corpus.leaked(case, out)
            if left:
                misses.append((case.cls, case.text, out, left))
            else:
                ok[case.cls] += 1
    return total, ok, misses


def _peer(rev: str) -> Callable[[str], str]:
    """The redactor of git revision ``rev``, imported from a temporary copy of its package."""
    tmp = Path(tempfile.mkdtemp())
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "trygghet_geo"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
    code = (
        "import sys, json\n"
        f"sys.path.insert(0, {str(tmp)!r})\n"
        "from trygghet_geo.output.privacy import redact\n"
        "for line in sys.stdin:\n"
        "    print(json.dumps(redact(json.loads(line))), flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    import json

    def redact(text: str) -> str:
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(json.dumps(text) + "\n")
        proc.stdin.flush()
        return str(json.loads(proc.stdout.readline()))

    return redact


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300, help="notes per class and seed")
    ap.add_argument("-v", action="store_true", help="list misses and false positives")
    ap.add_argument("--peer", help="a git revision whose redactor is measured too (e.g. main)")
    args = ap.parse_args()
    from trygghet_geo.output.privacy import redact

    methods: list[tuple[str, Callable[[str], str]]] = [("this branch", redact)]
    if args.peer:
        methods.append((f"redactor of {args.peer}", _peer(args.peer)))
    ordinary = ordinary_parts()
    for label, fn in methods:
        print(f"== {label} ==")
        for part, seeds in (("tuning", TUNING_SEEDS), ("held-out", HELD_OUT_SEEDS)):
            t0 = time.perf_counter()
            total, ok, misses = measure(fn, seeds, args.n)
            dt = time.perf_counter() - t0
            line = "  ".join(f"{c} {ok[c]}/{total[c]} ({ok[c] / total[c]:.3f})" for c in corpus.CLASSES)
            n_all = sum(total.values())
            print(
                f"{part:9s} recall: {sum(ok.values())}/{n_all} ({sum(ok.values()) / n_all:.4f}) [{dt:.1f} s]"
            )
            print(f"          {line}")
            if args.v and part == "tuning":
                for m in misses:
                    print("   MISS", m)
        for part, texts in ordinary.items():
            changed = [(t, o) for t in texts if (o := fn(t)) != t]
            print(
                f"ordinary {part:13s} changed: {len(changed)}/{len(texts)} ({len(changed) / len(texts):.4f})"
            )
            if args.v:
                for t, o in changed:
                    print("   FP", repr(t), "->", repr(o))


if __name__ == "__main__":
    main()
