"""Online geocoding through geopy (Nominatim first) — only when the caller asks for it.

Police place text must not leave the machine by default, so nothing here runs unless ``geocode(...,
online=...)`` is given. Requests go through geopy's own HTTP adapter with geopy's ``RateLimiter`` (Nominatim's
policy: at most one request per second), the user agent and timeout from ``trygghet_geo.options``, results
bounded to the study area (``viewbox`` + ``bounded``) and kept in the persistent answer cache.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from trygghet_geo.errors import GeocodingError
from trygghet_geo.geocode._cache import ResultCache
from trygghet_geo.geocode._index import MatchResult

__all__ = ["ONLINE_SCORE", "geocode_online", "make_geocoder"]

logger = logging.getLogger(__name__)

ONLINE_SCORE = 70.0  # an online answer for text the gazetteer did not know is never "confident"
MIN_DELAY_S = 1.0  # Nominatim usage policy: an absolute maximum of 1 request per second
_MARGIN_DEG = 0.01  # accept answers this close outside the study area's bounds


def make_geocoder(online: Any) -> Any:
    """The geopy geocoder for ``online``: ``True`` or ``"nominatim"`` -> Nominatim; an object with
    ``.geocode(query, **kw)`` is used as it is (a geopy geocoder or a test fake)."""
    if online is True or (isinstance(online, str) and online.lower() == "nominatim"):
        from trygghet_geo._http import nominatim

        return nominatim()
    if hasattr(online, "geocode"):
        return online
    raise GeocodingError(f"online must be False, True, 'nominatim' or a geopy geocoder, got {online!r}")


def _method(raw: dict[str, Any]) -> tuple[str, str]:
    """(geocode_method, precision) from a Nominatim answer's class/type."""
    cls, typ = str(raw.get("class", "")), str(raw.get("addresstype", raw.get("type", "")))
    if typ in ("house", "building") or raw.get("address", {}).get("house_number"):
        return "address", "address"
    if cls == "highway":
        return "street", "street"
    return "place", "place"


def geocode_online(
    texts: Sequence[str],
    *,
    online: Any,
    bounds_wgs84: tuple[float, float, float, float],
    cache: ResultCache | None = None,
) -> dict[str, MatchResult]:
    """Geocode texts with an online provider, one request per second, inside the study area's bounds.

    Parameters
    ----------
    texts : sequence of str
        Normalised place texts (duplicates are asked once).
    online : True, "nominatim" or a geocoder object
        See :func:`make_geocoder`.
    bounds_wgs84 : (min lon, min lat, max lon, max lat)
        The study area; answers outside it are discarded.
    cache : ResultCache, optional
        Answers are read from and written to it (namespace = provider + bounds).

    Raises
    ------
    GeocodingError
        When the provider fails (network, quota, refusal).
    """
    from geopy.exc import GeopyError
    from geopy.extra.rate_limiter import RateLimiter

    geocoder = make_geocoder(online)
    x0, y0, x1, y1 = bounds_wgs84
    namespace = f"online:{type(geocoder).__name__}:{x0:.3f},{y0:.3f},{x1:.3f},{y1:.3f}"
    todo = list(dict.fromkeys(t for t in texts if t))
    found = cache.get(namespace, todo) if cache is not None else {}
    ask = RateLimiter(
        geocoder.geocode, min_delay_seconds=MIN_DELAY_S, max_retries=1, swallow_exceptions=False
    )
    fresh: dict[str, MatchResult] = {}
    try:
        for text in todo:
            if text in found:
                continue
            try:
                loc = ask(text, exactly_one=True, viewbox=[(y0, x0), (y1, x1)], bounded=True)
            except GeopyError as exc:
                raise GeocodingError(
                    f"online geocoder {type(geocoder).__name__} failed on {text!r}: {exc}"
                ) from exc
            fresh[text] = _to_result(loc, bounds_wgs84)
    finally:
        if cache is not None:
            cache.put(namespace, fresh)
    logger.info("online geocoder: %d asked, %d from cache", len(fresh), len(todo) - len(fresh))
    return {**found, **fresh}


def _to_result(loc: Any, bounds: tuple[float, float, float, float]) -> MatchResult:
    if loc is None:
        return MatchResult()
    lon, lat = float(loc.longitude), float(loc.latitude)
    x0, y0, x1, y1 = bounds
    if not (x0 - _MARGIN_DEG <= lon <= x1 + _MARGIN_DEG and y0 - _MARGIN_DEG <= lat <= y1 + _MARGIN_DEG):
        logger.info("online answer %r lies outside the study area; discarded", getattr(loc, "address", ""))
        return MatchResult()
    raw = getattr(loc, "raw", None) or {}
    method, _precision = _method(raw)
    return MatchResult(
        method=method,
        score=ONLINE_SCORE,
        lon=lon,
        lat=lat,
        matched_name=str(getattr(loc, "address", "") or ""),
        source="nominatim",
    )
