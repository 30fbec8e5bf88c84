"""The reason of a ranked place: data between the stages, one sentence per language where it is read.

:func:`trygghet_geo.rank.rank_places` keeps the reason as parts, each a code and its values, in the
``reason_codes`` column (JSON, e.g. ``[["incidents_recent", {"category": "narkotika", "n": 14,
"trend_pct": 60.0, "none_before": false}], ["when", {"daypart": "kvällar", "weekdays": "fre–lör"}]]``), and
fills ``reason`` with :func:`reason_line` in ``options.lang``. The map, the report and the command line
render the parts again in their own language; every word comes from :mod:`trygghet_geo._text`
(``reason.*``), and only the vocabularies' words and numbers can reach the sentence, whatever the column
holds.

The codes:

``incidents_recent``
    the category that weighs most in the last 6 months: ``category``, ``n``, ``trend_pct`` (against the 6
    months before; ``null`` when there were none then: ``none_before`` is true);
``incidents_period``
    ``n`` incidents in the period, none in the last 6 months;
``remarks``
    ``n`` safety-walk remarks, the commonest ``topic`` (an observation category), ``only`` when all are
    about it;
``few_reports``
    a place found from remarks alone: ``n`` police reports in the last 12 months (``below``: fewer than
    ``below``, as a shared output says a count under k);
``when``
    the busiest ``daypart`` and ``weekdays`` (the time profile's Swedish words, as in the table);
``unstable``
    the place reappears in only ``seen`` of ``runs`` nearby settings (``hotspots._stability``);
``few_events``
    nothing else to say.

>>> parts = [("incidents_recent", {"category": "stöld", "n": 5, "trend_pct": -20.0, "none_before": False}),
...          ("when", {"daypart": "kvällar", "weekdays": "fre–lör"})]
>>> reason_line(parts, "sv")
'5 stölder senaste 6 mån (−20 %), kvällar fre–lör'
>>> reason_line(encode(parts), "en")
'5 thefts in the last 6 months (−20 %), evenings Fri–Sat'
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from trygghet_geo import schema
from trygghet_geo._text import resolve_lang, text
from trygghet_geo._vocab import DAYPARTS_SV, WEEKDAYS_EN, WEEKDAYS_SV

__all__ = ["Part", "decode", "encode", "reason_line"]

Part = tuple[str, Mapping[str, Any]]
"""One piece of a reason: its code and its values."""


def encode(parts: Sequence[Part]) -> str:
    """The parts as the JSON text of the ``reason_codes`` column."""
    return json.dumps([[code, dict(values)] for code, values in parts], ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    """A numpy number (a count or ``k`` a caller passed as ``np.int64``) as the Python number JSON writes."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def decode(codes: str | Sequence[Part] | None) -> list[Part] | None:
    """The parts of a ``reason_codes`` value; ``None`` when it is missing or not such a list."""
    if codes is None or (isinstance(codes, float) and math.isnan(codes)):
        return None
    try:
        raw = json.loads(codes) if isinstance(codes, str) else codes
        return [(str(code), dict(values)) for code, values in raw]
    except (TypeError, ValueError):
        return None


def reason_line(codes: str | Sequence[Part] | None, lang: str | None = None) -> str | None:
    """The reason as one line in ``lang`` (default ``options.lang``); ``None`` when ``codes`` cannot be read
    (the caller then shows the ``reason`` column as it is)."""
    lang = resolve_lang(lang)
    parts = decode(codes)
    if parts is None:
        return None
    try:
        texts = [_RENDER[code](values, lang) for code, values in parts if code in _RENDER]
    except (KeyError, TypeError, ValueError):  # values no stage writes: not ours to show
        return None
    return ", ".join(t for t in texts if t) or text("reason.few_events", lang)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(value)
    return int(value)


def _word(kind: str, value: Any, known: Sequence[str], lang: str, n: int | None = None) -> str:
    if value not in known:
        raise ValueError(value)
    suffix = "" if n is None else (".one" if n == 1 else ".many")
    return text(f"reason.{kind}.{value}{suffix}", lang)


def _signed(value: float) -> str:
    v = round(value)
    return f"+{v}" if v > 0 else ("±0" if v == 0 else f"−{abs(v)}")


def _incidents_recent(v: Mapping[str, Any], lang: str) -> str:
    # a count under k is "<k" in a shared output (``_kgate``): {"below": k} instead of {"n": n}
    n = _count(v["below"]) if "below" in v else _count(v["n"])
    noun = _word("noun", v["category"], schema.INCIDENT_CATEGORIES, lang, 2 if "below" in v else n)
    out = text("reason.incidents_recent", lang, n=f"<{n}" if "below" in v else n, noun=noun)
    trend = v.get("trend_pct")
    if trend is not None:
        return out + f" ({_signed(float(trend))} %)"
    return out + (text("reason.none_before", lang) if v.get("none_before") else "")


def _remarks(v: Mapping[str, Any], lang: str) -> str:
    n = _count(v["n"])
    word = text("reason.remark.one" if n == 1 else "reason.remark.many", lang)
    topic = _word("topic", v["topic"], schema.OBSERVATION_CATEGORIES, lang)
    return text("reason.remarks_only" if v.get("only") else "reason.remarks_mostly", lang, n=n, word=word,
                topic=topic)  # fmt: skip


def _weekdays(value: Any, lang: str) -> str:
    days = str(value).split("–") if value else []
    if any(d not in WEEKDAYS_SV for d in days):
        raise ValueError(value)
    return "–".join(d if lang == "sv" else WEEKDAYS_EN[WEEKDAYS_SV.index(d)] for d in days)


def _when(v: Mapping[str, Any], lang: str) -> str:
    daypart = _word("daypart", v["daypart"], DAYPARTS_SV, lang) if v.get("daypart") else ""
    return " ".join(x for x in (daypart, _weekdays(v.get("weekdays"), lang)) if x)


_RENDER: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "incidents_recent": _incidents_recent,
    "incidents_period": lambda v, lang: text("reason.incidents_period", lang, n=_count(v["n"])),
    "remarks": _remarks,
    # a place's count under k is "<k" in a shared output (``_kgate``): {"below": k} instead of {"n": n}
    "few_reports": lambda v, lang: text(
        "reason.few_reports", lang, n=f"<{_count(v['below'])}" if "below" in v else _count(v["n"])
    ),
    "when": _when,
    "unstable": lambda v, lang: text("reason.unstable", lang, seen=_count(v["seen"]), runs=_count(v["runs"])),
    "few_events": lambda v, lang: "",
}
