"""Hints in error messages name the option of the interface the user is in: ``columns={'place': ...}`` in
Python, ``--columns place=...`` on the command line.

The command line sets :data:`INTERFACE` to ``"cli"`` while it runs (a context variable, so threads and
notebooks are not affected); every message that tells the user which argument to pass builds that part with
:func:`hint`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

__all__ = ["CLI_OPTIONS", "INTERFACE", "cli_interface", "hint"]

INTERFACE: contextvars.ContextVar[Literal["python", "cli"]] = contextvars.ContextVar(
    "trygghet_geo_interface", default="python"
)

# Python argument -> (command-line option, how its value is written there, or None to echo the value).
CLI_OPTIONS: dict[str, tuple[str, str | None]] = {
    "columns": ("--columns", "place=<rubrik>,date=<rubrik>,…"),
    "observation_columns": ("--observation-columns", "place=<rubrik>,note=<rubrik>,…"),
    "crs": ("--crs", None),
    "sheet": ("--sheet", None),
    "header_row": ("--header-row", None),
    "encoding": ("--encoding", None),
    "delimiter": ("--delimiter", None),
    "period": ("--period", "2024-01-01..2024-12-31"),
    "categories": ("--categories", "kategorier.csv"),
    "weights": ("--weights", "narkotika=3,stöld=2"),
    "eps_m": ("--eps-m", None),
    "min_samples": ("--min-samples", None),
    "online": ("--online", ""),
    "max_excel_mb": ("--max-excel-mb", None),
    "include_uncertain": ("--include-uncertain", ""),
    "min_geocode_score": ("--min-geocode-score", None),
}


def hint(argument: str, value: str = "...", cli: str | None = None) -> str:
    """How to pass ``argument`` with ``value`` in the current interface (``cli``: the value as the command
    line writes it, when that differs).

    >>> hint("columns", "{'place': 'Adress'}")
    "columns={'place': 'Adress'}"
    >>> with cli_interface():
    ...     hint("columns", "{'place': 'Adress'}")
    '--columns place=<rubrik>,date=<rubrik>,…'
    """
    if INTERFACE.get() == "cli" and argument in CLI_OPTIONS:
        flag, example = CLI_OPTIONS[argument]
        shown = cli if cli is not None else value if example is None else example
        return f"{flag} {shown}".rstrip() if shown not in ("...", "") else flag
    return f"{argument}={value}"


@contextmanager
def cli_interface() -> Iterator[None]:
    """Hints name command-line options inside this block."""
    token = INTERFACE.set("cli")
    try:
        yield
    finally:
        INTERFACE.reset(token)
