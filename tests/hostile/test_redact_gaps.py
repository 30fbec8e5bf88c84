"""The free-text redactor's former gaps, by a corpus built by another route than its code.

The personal data come from Faker's ``sv_SE`` locale (not the redactor's name lists) and are embedded in
notes by rule (``redact_gap_corpus.py``). Recall is measured per class on the tuning seeds and, separately,
on held-out seeds that were never looked at while the redactor was changed; the floors below are the
figures measured on this branch rounded down (see ``bench/bench_redact_gaps.py`` for the full run). Text
without personal data (every street name of the sample gazetteer, the sample's observation texts, ordinary
sentences, the earlier hostile corpus' ordinary notes) must come out unchanged. Adversarial inputs of
100 kB must each take under a second: a pattern that backtracks without bound takes minutes on them.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("faker")

sys.path.insert(0, str(Path(__file__).resolve().parent))
import privacy_corpus as pc
import redact_gap_corpus as gc

from trygghet_geo.output.privacy import redact

N_PER_CLASS = 150  # per seed; the full bench runs 300 per class and seed over four seeds each part
TUNING = (1, 2)
HELD_OUT = (gc.HELD_OUT_FIRST_SEED, gc.HELD_OUT_FIRST_SEED + 1)

# Recall floors per class (share of notes with no secret left), a little under what this branch measures
# (bench/bench_redact_gaps.py, 1,200 notes per class and part: tuning / held-out e-mail 1.000/1.000,
# lower-case names 0.991/0.976, names without a signal 0.980/0.977, initials 0.983/0.985, split identity
# numbers 1.000/1.000, phones in words or odd groups 1.000/1.000). The redactor of main before these
# fixes: 0.206/0.193, 0, 0.088/0.090, 0, 0.491/0.518, 0.602/0.607.
FLOORS = {
    "email_words": 0.995,
    "name_lower": 0.95,
    "name_nocue": 0.95,
    "initials": 0.96,
    "pnr_split": 0.995,
    "phone_odd": 0.995,
}


def _recall(seeds: tuple[int, ...]) -> tuple[dict[str, float], list[tuple[str, str, str]]]:
    total: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    misses = []
    for seed in seeds:
        for case in gc.gap_cases(seed, N_PER_CLASS):
            out = redact(case.text)
            total[case.cls] += 1
            if gc.leaked(case, out):
                misses.append((case.cls, case.text, out))
            else:
                ok[case.cls] += 1
    return {c: ok[c] / total[c] for c in gc.CLASSES}, misses


@pytest.mark.parametrize(("part", "seeds"), [("tuning", TUNING), ("held-out", HELD_OUT)])
def test_recall_by_class(part: str, seeds: tuple[int, ...]) -> None:
    recall, misses = _recall(seeds)
    low = {c: round(r, 3) for c, r in recall.items() if r < FLOORS[c]}
    assert not low, f"{part}: recall below the floor {low}; e.g. {misses[:5]}"


# The shapes the issue names, each written as a coordinator would; every one must lose its secret.
BRIEF = [
    ("Mejla anna.svensson snabel-a gmail punkt com om lampan", "svensson"),
    ("kontakt anna at gmail dot com", "anna"),
    ("svar till anna(at)gmail.se", "anna"),
    ("Anmälaren anna svensson ringde", "svensson"),
    ("kontakt: per", "per"),
    ("Anna Svensson såg två killar vid tunneln", "svensson"),
    ("A.S. ringde om belysningen", "A.S"),
    ("Samtal med A. Svensson kl 21", "svensson"),
    ("AS ringde om lamporna", "AS"),
    ("Pnr 850101 - 1236", "1236"),
    ("Pnr 8501 01-1234", "1234"),
    ("Pnr 8501 01-1236", "1236"),
    ("Pnr 19850101 1236", "1236"),
    ("Pnr 850101–1236", "1236"),
    ("födelsedatum 850101, sista fyra 1234", "1234"),
    ("födelsedatum 850101, sista fyra 1234", "850101"),
    ("Ring noll sju noll, ett två tre, fyrtiofem sextiosju", "sextiosju"),
    ("Mobil 07 01 23 45 67", "67"),
]


@pytest.mark.parametrize(("text", "secret"), BRIEF)
def test_named_shapes(text: str, secret: str) -> None:
    out = redact(text)
    case = gc.Case("x", text, [secret])
    assert not gc.leaked(case, out), out


def _ordinary() -> dict[str, list[str]]:
    from trygghet_geo import sample

    entries = sample.load_gazetteer().entries
    streets_rows = entries[entries["kind"].isin(("street", "intersection"))]
    streets = set(streets_rows["name"].dropna().astype(str))
    streets |= {a for v in streets_rows["aliases"].dropna().astype(str) for a in v.split("|")}
    street_list = sorted(s for s in streets if s and not s[0].isdigit())
    obs = sample.generate_observations()
    texts = sorted({str(v) for c in obs.columns if c not in ("Datum", "Tid") for v in obs[c].dropna()})
    sentences = gc.ordinary_texts(7, 600, street_list)
    return {
        "street names": street_list,
        "sentences and streets in sentences": sentences,
        "sample observations": texts,
        "earlier hostile corpus": list(pc.ordinary_notes(1000, 5)),
    }


def test_ordinary_text_unchanged() -> None:
    changed = {part: [(t, o) for t in texts if (o := redact(t)) != t] for part, texts in _ordinary().items()}
    assert all(len(v) == 0 for v in changed.values()), {k: v[:5] for k, v in changed.items() if v}


def _fill(unit: str, size: int = 100_000) -> str:
    return (unit * (size // len(unit) + 1))[:size]


ADVERSARIAL = {
    "initials": _fill("A. "),
    "initials glued": _fill("A.B."),
    "capitalised words": _fill("Anna "),
    "hyphenated": _fill("Anna-Karin-"),
    "surname comma": _fill("Svensson, "),
    "lower after signal": _fill("anmälaren anna "),
    "one signal, long lower run": "anmälaren " + _fill("anna "),
    "number words": _fill("noll "),
    "number words and digits": _fill("noll 1 "),
    "dot words": _fill("a punkt "),
    "at words": _fill("anna snabel-a "),
    "at and dot": _fill("a at b dot "),
    "dotted local part": "a." * 50_000 + " at b dot se",
    "one long word": "A" + "a" * 100_000,
    "split dates": _fill("8501 01 "),
    "dates and sista": _fill("850101 sista "),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_inputs_stay_fast(name: str) -> None:
    text = ADVERSARIAL[name]
    assert len(text) >= 100_000
    best = min(_timed(text) for _ in range(2))  # the better of two: the machine is shared
    assert best < 1.0, f"{name}: {best:.2f} s for {len(text)} characters"


def _timed(text: str) -> float:
    t0 = time.perf_counter()
    redact(text)
    return time.perf_counter() - t0
