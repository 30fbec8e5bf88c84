"""The one validated options object of trygghet_geo (``trygghet_geo.options``).

Settings users may change live here, documented key by key, instead of in scattered module globals::

    >>> import trygghet_geo as tg
    >>> tg.options.progress
    True
    >>> tg.options.progress = False
    >>> tg.options.progress = "no"
    Traceback (most recent call last):
    ...
    trygghet_geo.errors.ParameterError: options.progress must be a bool, got 'no'
    >>> tg.options.reset()
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from trygghet_geo.errors import ParameterError

__all__ = ["Options", "options"]


def _default_cache_dir() -> Path:
    if "TRYGGHET_GEO_CACHE" in os.environ:
        return Path(os.environ["TRYGGHET_GEO_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "trygghet_geo"


@dataclass
class Options:
    """Settings of the toolkit.

    Attributes
    ----------
    cache_dir : pathlib.Path
        Folder for the disk cache (downloaded networks, online geocoder answers, gazetteers).
        Environment variable ``TRYGGHET_GEO_CACHE`` overrides the default ``~/.cache/trygghet_geo``.
    cache_days : float or None
        How long the geocoder's answer cache keeps an answer, days (default 365); older answers are deleted
        when the cache is opened, so a municipality can meet its data-retention rules. ``None`` keeps them
        until ``trygghet-geo cache purge``. The cache holds normalised place text only, never a note.
    user_agent : str
        User agent sent with every online request (Overpass, Nominatim). Providers require one.
    timeout_s : float
        Timeout of every online request, seconds.
    allow_online : bool
        Master switch for the network. ``False`` (default) makes every online feature raise unless the caller
        passes ``online=True`` to that call explicitly.
    metric_crs : str or None
        CRS for internal metric geometry. ``None`` (default) picks SWEREF 99 TM (EPSG:3006) inside Sweden and
        the local UTM zone elsewhere.
    progress : bool
        Show tqdm progress bars on long work: in a terminal or a notebook, never in output that is no terminal
        (a log file, CI), where a bar would leave carriage returns and cursor escapes behind.
    lang : str
        Language of what a coordinator reads: ``"sv"`` (default) or ``"en"``.
    max_excel_mb : float
        Largest uncompressed size of an Excel workbook the readers open, megabytes (default 100); larger
        ones, decompression bombs among them, are refused before parsing. Readers take ``max_excel_mb=`` too.
    plausible_dates : tuple
        ``(first, last)`` dates an incident or a walk can plausibly have (ISO text, ``datetime.date`` or
        ``None``). Default ``("1990-01-01", None)``: from 1990 to one year after today (``None`` as the last
        date). Rows dated outside are flagged ``implausible_date`` (status rejected, their time cleared), so a
        typo like 2150 or an Excel serial 99999 never skews recent counts or breaks date arithmetic.
    """

    cache_dir: Path = field(default_factory=_default_cache_dir)
    cache_days: float | None = 365.0
    user_agent: str = "trygghet_geo/0.1 (municipal safety analysis)"
    timeout_s: float = 30.0
    allow_online: bool = False
    metric_crs: str | None = None
    progress: bool = True
    lang: str = "sv"
    max_excel_mb: float = 100.0
    plausible_dates: tuple[Any, Any] = ("1990-01-01", None)

    def __setattr__(self, name: str, value: Any) -> None:
        known = {f.name for f in fields(Options)}
        if name not in known:
            raise AttributeError(f"options has no setting {name!r}; known settings: {sorted(known)}")
        value = _validate(name, value)
        super().__setattr__(name, value)

    def reset(self) -> None:
        """Restore every setting to its default."""
        for f in fields(Options):
            default = f.default_factory() if callable(f.default_factory) else f.default
            setattr(self, f.name, default)


def progress_disable(*, hidden: bool = False) -> bool | None:
    """tqdm's ``disable=`` for a bar: ``True`` when ``options.progress`` is off or the caller hides this bar,
    else ``None``, which tqdm reads as "show it only on a terminal" (a notebook always shows its widget)."""
    return True if hidden or not options.progress else None


def _validate(name: str, value: Any) -> Any:
    if name in ("allow_online", "progress"):
        if not isinstance(value, bool):
            raise ParameterError(f"options.{name} must be a bool, got {value!r}")
    elif name == "cache_dir":
        if not isinstance(value, str | os.PathLike):
            raise ParameterError(f"options.cache_dir must be a path, got {value!r}")
        value = Path(value)
    elif name == "cache_days":
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < float("inf")
        ):
            raise ValueError(f"options.cache_days must be None or a positive number of days, got {value!r}")
        value = None if value is None else float(value)
    elif name == "timeout_s":
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ParameterError(f"options.timeout_s must be a positive number of seconds, got {value!r}")
        value = float(value)
    elif name == "user_agent":
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(f"options.user_agent must be a non-empty string, got {value!r}")
    elif name == "metric_crs":
        if value is not None and not isinstance(value, str):
            raise ParameterError(
                f"options.metric_crs must be None or a CRS string such as 'EPSG:3006', got {value!r}"
            )
    elif name == "max_excel_mb":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 < value < float("inf")  # NaN and infinity would switch the bomb check off
        ):
            raise ParameterError(
                f"options.max_excel_mb must be a finite positive number of megabytes, got {value!r}"
            )
        value = float(value)
    elif name == "plausible_dates":
        value = _date_window(value)
    elif name == "lang" and value not in ("sv", "en"):
        raise ParameterError(f"options.lang must be 'sv' or 'en', got {value!r}")
    return value


def _date_window(value: Any) -> tuple[Any, Any]:
    """``(first, last)`` checked: two dates (or ``None`` for the default end), the first before the last."""
    import datetime as dt

    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ParameterError(f"options.plausible_dates must be a (first, last) pair of dates, got {value!r}")
    parsed: list[Any] = []
    for v in value:
        if v is None:
            parsed.append(None)
            continue
        try:
            parsed.append(dt.date.fromisoformat(v) if isinstance(v, str) else v)
        except ValueError:
            raise ParameterError(
                f"options.plausible_dates: {v!r} is no ISO date such as '1990-01-01'"
            ) from None
        if not isinstance(parsed[-1], dt.date):
            raise ParameterError(f"options.plausible_dates: {v!r} is no date")
    first, last = parsed
    if first is not None and last is not None and not first < last:
        raise ParameterError(
            f"options.plausible_dates: the first date must come before the last, got {value!r}"
        )
    if first is not None and first.year < 1700:
        raise ParameterError(f"options.plausible_dates: the first date must be after 1700, got {value!r}")
    if last is not None and last.year > 2200:
        raise ParameterError(f"options.plausible_dates: the last date must be before 2200, got {value!r}")
    return (value[0], value[1])


options = Options()
