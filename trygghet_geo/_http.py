"""The package's only door to the internet: who may go online, and with which settings.

Offline is the default. A function that can download asks :func:`require_online` first (``online=True``
from the caller wins; ``online=None`` defers to ``options.allow_online``), then opens the door it needs:

- :func:`osmnx_settings`: osmnx with the package's user agent, timeout and cache folder, and ``name:sv``
  kept on ways, set for the duration of the ``with`` block and put back afterwards, so a program that uses
  osmnx itself keeps its own settings;
- :func:`nominatim`: a geopy Nominatim geocoder with the package's user agent and timeout.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from trygghet_geo._config import options
from trygghet_geo.errors import TrygghetError

__all__ = ["nominatim", "osmnx_settings", "require_online"]

_OSMNX_FIELDS = ("use_cache", "cache_folder", "requests_timeout", "http_user_agent", "useful_tags_way")


def require_online(online: bool | None, what: str, *, error: type[TrygghetError], offline: str) -> None:
    """Refuse ``what`` unless the caller asked for online data (``online=True``, or ``online=None`` with
    ``options.allow_online``); ``offline`` names the local alternative in the message."""
    allowed = options.allow_online if online is None else bool(online)
    if not allowed:
        raise error(
            f"{what} needs to download, which is off by default; pass online=True or set "
            f"trygghet_geo.options.allow_online = True (or {offline})"
        )


@contextmanager
def osmnx_settings(tags: Sequence[str] = ()) -> Iterator[ModuleType]:
    """osmnx with this package's settings inside the block (ways keep ``name:sv`` and ``tags``); osmnx's own
    settings are restored after it."""
    import osmnx as ox  # slow to import (~1 s): only OSM XML files and downloads need it

    saved: dict[str, Any] = {name: getattr(ox.settings, name) for name in _OSMNX_FIELDS}
    ox.settings.use_cache = True
    ox.settings.cache_folder = str(Path(options.cache_dir) / "osmnx")
    ox.settings.requests_timeout = options.timeout_s
    ox.settings.http_user_agent = options.user_agent
    wanted = [t for t in ("name:sv", *tags) if t not in ox.settings.useful_tags_way]
    ox.settings.useful_tags_way = [*ox.settings.useful_tags_way, *wanted]
    try:
        yield ox
    finally:
        for name, value in saved.items():
            setattr(ox.settings, name, value)


def nominatim() -> Any:
    """geopy's Nominatim geocoder with the package's user agent and timeout."""
    from geopy.geocoders import Nominatim  # imported only when online geocoding is asked for

    return Nominatim(user_agent=options.user_agent, timeout=options.timeout_s)
