"""The Swedish calendar words the package writes and reads: weekdays and months.

One home for them, so the hotspot table, the ranked places, the follow-up charts and the date reader agree.
(Street-name endings and abbreviations still live with their two users: the geocoder's name keys in
:mod:`trygghet_geo.geocode._parse`, and the redactor's place-name guard in :mod:`trygghet_geo.output._redact`,
whose lists differ on purpose: one normalises names, the other must not mistake a street for a person.)

>>> WEEKDAYS_SV[4], MONTHS_SV[0], MONTH_NUMBERS["maj"], MONTH_NUMBERS["october"]
('fre', 'jan', 5, 10)
"""

from __future__ import annotations

from typing import Final

__all__ = ["DAYPARTS_SV", "MONTHS_SV", "MONTH_NUMBERS", "WEEKDAYS_EN", "WEEKDAYS_SV"]

WEEKDAYS_SV: Final = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
"""Monday first, as ``Timestamp.day_of_week`` counts."""
WEEKDAYS_EN: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""The same days in English, for text written in English."""

DAYPARTS_SV: Final = ("morgnar", "dagtid", "kvällar", "nätter")
"""The parts of the day a time profile names (from 05, 10, 16 and 23 o'clock)."""

MONTHS_SV: Final = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
"""Short Swedish month names, January first."""

_FULL_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
            "november", "december")  # fmt: skip
_FULL_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december")  # fmt: skip
_SHORT_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

MONTH_NUMBERS: Final = {
    **{name: k + 1 for names in (_FULL_SV, MONTHS_SV, _FULL_EN, _SHORT_EN) for k, name in enumerate(names)},
    "sept": 9,
}
"""Month name (Swedish or English, full or short, lower case) -> 1..12."""
