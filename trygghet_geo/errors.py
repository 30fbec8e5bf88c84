"""Public exceptions and warnings of trygghet_geo.

Every error raised on purpose by the toolkit derives from :class:`TrygghetError`, so a caller can catch
them all at once, or a single kind by its subclass.
"""

from __future__ import annotations

__all__ = [
    "CRSError",
    "GeocodingError",
    "InputError",
    "NetworkError",
    "ParameterError",
    "ParameterTypeError",
    "SchemaError",
    "TrygghetError",
    "TrygghetWarning",
]


SHOWN_CHARS = 80
"""How much of a value an error message quotes: a longer one is cut, ending in ``…``."""


def shown(value: object, *, quote: bool = True) -> str:
    """``value`` as an error message quotes it: its ``repr`` (``quote=False``: its text), cut after
    :data:`SHOWN_CHARS` characters with ``…`` and the full length, so that a 40,000-character argument
    gives a one-line message. An ordinary value reads as ``repr`` gives it.

    >>> shown("auto"), shown(12.5), shown("x" * 40_000)[-25:]
    ("'auto'", '12.5', 'xxxx… (40,002 characters)')
    """
    text = repr(value) if quote else str(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}… ({len(text):,} characters)"


class TrygghetError(Exception):
    """Base class of every error raised by trygghet_geo."""


class InputError(TrygghetError, ValueError):
    """An input file or table cannot be used at all (missing, empty, undecodable, no usable column).

    The message names the file and, where it applies, the row and the field.
    """


class ParameterError(TrygghetError, ValueError):
    """An argument or option has a value the function cannot use (``k=0``, ``lang="de"``, ``alpha=2``).

    The message names the parameter, the value given and what is accepted.
    """


class ParameterTypeError(ParameterError, TypeError):
    """An argument is of a type the function cannot use (``except TypeError`` still catches it)."""


class SchemaError(InputError):
    """A table lacks a column the stage needs, or a column holds values of the wrong kind."""


class CRSError(TrygghetError, ValueError):
    """A coordinate reference system is missing, unknown, or cannot be detected from the values."""


class GeocodingError(TrygghetError):
    """The geocoder cannot run (no gazetteer, online geocoder not allowed, provider failure)."""


class NetworkError(TrygghetError):
    """A street network cannot be loaded, built or used (empty graph, no CRS, download refused offline)."""


class TrygghetWarning(UserWarning):
    """Something was accepted but deserves attention (CRS mismatch, rows left out, coarse precision)."""
