"""The ingest report: what was read, how, and what happened to every row."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from trygghet_geo import schema

__all__ = ["IngestReport"]


@dataclass
class IngestReport:
    """Counts and findings of one read, kept in ``result.attrs["report"]``.

    Attributes
    ----------
    source : str
        File name or ``"DataFrame"``.
    kind : str
        ``"incidents"`` or ``"observations"``.
    n_rows : int
        Rows in the input = rows in the result.
    status_counts, reason_counts : dict
        Rows per status (every status present, zeros included) and per reason code (only those present).
    unknown_categories : dict
        Raw type -> rows, for types the category table does not know (they became ``övrigt``).
    swapped_coordinates : int
        Rows whose latitude/longitude (or northing/easting) were given the wrong way round and were fixed.
    crs_counts : dict
        Rows per coordinate system the values were read in (``EPSG:4326``, ``EPSG:3006``, ``EPSG:3021`` …).
    duplicates : int
        Rows flagged as duplicates (status rejected, reason ``duplicate``); the later version is kept.
    outside_area : int
        Rows flagged ``outside_country`` (outside Sweden or the study area).
    replaced_characters : int
        Characters that are not Unicode (lone surrogates such as ``"\\ud800"``) replaced by U+FFFD in the
        canonical text columns (the user's own columns are passed through as they were).
    format, encoding, delimiter, sheet : str
        How the file was read (empty where it does not apply).
    header_row, footer_lines : int
        The 1-based row of the column names (title lines above it skipped) and the footer lines left out
        below the table (0 where none or where it does not apply).
    time_unknown : int
        Dated rows without a time of day (``time_known`` False): their date counts, no hour is made up.
    intervals : int
        Rows with an end (``occurred_to``) as well as a start.
    cases : int
        Distinct case numbers (``case_id``) when the source has them; ``n_rows - cases`` rows are further
        brott of a case already counted.
    remark_status_counts, remark_tone_counts : dict
        Remarks per follow-up status and per tone (observations only).
    towns : list of str
        The municipality names of the town column (``Kommun``): place text naming only one of them is no
        street point, in this file or in a walk's remarks read beside it.
    columns : dict
        Field -> source column that was used for it.
    notes : list of str
        Anything else worth knowing (ignored columns, mixed encodings, CRS assumptions).
    """

    source: str
    kind: str
    n_rows: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    reason_counts: dict[str, int] = field(default_factory=dict)
    unknown_categories: dict[str, int] = field(default_factory=dict)
    swapped_coordinates: int = 0
    crs_counts: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    outside_area: int = 0
    replaced_characters: int = 0
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    header_row: int = 0
    footer_lines: int = 0
    time_unknown: int = 0
    intervals: int = 0
    cases: int = 0
    remark_status_counts: dict[str, int] = field(default_factory=dict)
    remark_tone_counts: dict[str, int] = field(default_factory=dict)
    towns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def n_ok(self) -> int:
        """Rows with status ``ok``."""
        return self.status_counts.get("ok", 0)

    @property
    def n_rejected(self) -> int:
        """Rows with status ``rejected``."""
        return self.status_counts.get("rejected", 0)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (JSON-ready)."""
        return asdict(self)

    def to_text(self, lang: str = "en") -> str:
        """A short human-readable summary (``lang`` ``"en"`` or ``"sv"``) of the counts and findings."""
        sv = lang == "sv"
        lines = [
            f"{'Källa' if sv else 'Source'}: {self.source} ({self.kind}, {self.format or 'table'}"
            + (f", {self.encoding}" if self.encoding else "")
            + (f", delimiter {self.delimiter!r}" if self.delimiter else "")
            + (f", sheet {self.sheet!r}" if self.sheet else "")
            + ")",
            f"{'Rader' if sv else 'Rows'}: {self.n_rows}",
        ]
        for status in schema.STATUSES:
            lines.append(f"  {status}: {self.status_counts.get(status, 0)}")
        if self.reason_counts:
            lines.append("Orsaker:" if sv else "Reasons:")
            for code, n in sorted(self.reason_counts.items(), key=lambda kv: -kv[1]):
                text = schema.reason_text(code, "sv" if sv else "en")
                lines.append(f"  {code}: {n}  ({text})")
        if self.columns:
            lines.append(
                ("Kolumner: " if sv else "Columns: ")
                + ", ".join(f"{k}={v!r}" for k, v in self.columns.items())
            )
        if self.crs_counts:
            lines.append(
                ("Koordinater: " if sv else "Coordinates: ")
                + ", ".join(f"{k} {v}" for k, v in self.crs_counts.items())
            )
        if self.swapped_coordinates:
            lines.append(
                f"{'Omkastade koordinater rättade' if sv else 'Swapped coordinates fixed'}: "
                f"{self.swapped_coordinates}"
            )
        if self.duplicates:
            lines.append(f"{'Dubbletter' if sv else 'Duplicates'}: {self.duplicates}")
        lines.extend(self._extract_lines(sv))
        if self.replaced_characters:
            lines.append(
                f"{'Ogiltiga tecken ersatta (U+FFFD)' if sv else 'Invalid characters replaced (U+FFFD)'}: "
                f"{self.replaced_characters}"
            )
        if self.unknown_categories:
            top = sorted(self.unknown_categories.items(), key=lambda kv: -kv[1])[:10]
            lines.append(
                ("Okända typer (→ övrigt): " if sv else "Unknown types (→ övrigt): ")
                + ", ".join(f"{k!r} {v}" for k, v in top)
                + (" …" if len(self.unknown_categories) > 10 else "")
            )
        lines.extend(f"- {note}" for note in self.notes)
        return "\n".join(lines)

    def _extract_lines(self, sv: bool) -> list[str]:
        """The lines about a police extract's layout and a walk's remarks."""
        out = []
        if self.header_row > 1:
            out.append(f"{'Rubrikrad' if sv else 'Header row'}: {self.header_row}")
        if self.footer_lines:
            out.append(f"{'Sidfot (inga data)' if sv else 'Footer (no data)'}: {self.footer_lines}")
        if self.cases:
            out.append(f"{'Ärenden' if sv else 'Cases'}: {self.cases} ({self.n_rows} "
                       f"{'rader, en per brott' if sv else 'rows, one per offence'})")  # fmt: skip
        if self.intervals:
            out.append(
                f"{'Med tidsintervall (fr.o.m.–t.o.m.)' if sv else 'With an interval'}: {self.intervals}"
            )
        if self.time_unknown:
            out.append(
                f"{'Tid saknas (datumet räknas, inget klockslag)' if sv else 'No time of day (date counted)'}"
                f": {self.time_unknown}"
            )
        for title, counts in (("Status", self.remark_status_counts),
                              ("Omdöme" if sv else "Tone", self.remark_tone_counts)):  # fmt: skip
            if counts:
                out.append(f"{title}: " + ", ".join(f"{k or '–'} {v}" for k, v in counts.items()))
        return out

    def __str__(self) -> str:
        return self.to_text()
