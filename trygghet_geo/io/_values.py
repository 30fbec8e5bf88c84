"""Cell values as typed columns: stripped text, numbers written the Swedish way, text that is not Unicode.

Every reader's table goes through here (:mod:`._ingest` for every field, :mod:`._remarks` for the
safety-walk fields); each function is a few compiled passes over a whole column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["as_numbers", "as_text", "code_counts", "factorize", "without_surrogates"]


# Every character str.strip removes (RE2's \s is ASCII only; \p{Z} holds NBSP, U+2028, U+3000 …).
_END_BLANK = r"^[\s\x0b\x1c-\x1f\x85\p{Z}]|[\s\x0b\x1c-\x1f\x85\p{Z}]$"


def as_text(values: pd.Series | None, n: int) -> pd.Series:
    """Values as stripped text, ``""`` where missing (NaN/None)."""
    if values is None:  # n empty strings from one zeroed offsets buffer (no Python object per row)
        offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int64))
        empty = pa.LargeStringArray.from_buffers(n, offsets, pa.py_buffer(b""))
        return pd.Series(pd.array(empty, dtype="str"))
    out = values.reset_index(drop=True)
    if out.dtype != "str":
        out = out.astype("str").where(out.notna().to_numpy(), "")
    data = _arrow_data(out)
    # Stripped only where some cell has blanks at an end: an untouched column stays the same Arrow data as
    # the source column (a copy of a place column of millions of rows is tens of MB).
    if pc.any(pc.match_substring_regex(data, _END_BLANK)).as_py():
        out = out.str.strip()
    return out.fillna("") if out.hasnans else out


def as_numbers(values: pd.Series | None, n: int) -> NDArray[np.float64]:
    """Numbers from text with decimal comma, spaces or NBSP as thousands separators; NaN where unreadable."""
    if values is None:
        return np.full(n, np.nan)
    v = values.reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(v.dtype) and not pd.api.types.is_bool_dtype(v.dtype):
        numeric: NDArray[np.float64] = v.to_numpy(dtype=float, na_value=np.nan)
        return numeric
    t = as_text(v, n) if v.dtype != "str" else v
    # The common case, plain numbers with a decimal point or comma: compiled passes on the Arrow data,
    # first without trimming blanks (one pass fewer over a million cells), then trimmed.
    data = _arrow_data(t)
    parsed = _cast_numbers(data)
    if parsed is None and t is v:
        parsed = _cast_numbers(pc.utf8_trim_whitespace(data))
    if parsed is not None:
        return parsed
    t = as_text(v, n)
    t = t.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    coerced: NDArray[np.float64] = pd.to_numeric(t, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return coerced


def _cast_numbers(data: pa.ChunkedArray | pa.Array) -> NDArray[np.float64] | None:
    """Text cells as float64 with ``,`` read as ``.`` and empty cells as NaN; ``None`` if any cell is no
    plain number."""
    try:
        # Each step copies the column (offsets and characters): only when some cell needs it.
        arr = pc.replace_substring(data, ",", ".") if pc.any(pc.match_substring(data, ",")).as_py() else data
        if pc.any(pc.equal(arr, "")).as_py():
            arr = pc.if_else(pc.equal(arr, ""), None, arr)
        parsed: NDArray[np.float64] = np.asarray(
            pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), dtype=float
        )
        return parsed
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None


def _arrow_data(values: pd.Series) -> pa.ChunkedArray | pa.Array:
    """The Arrow data under a ``str`` column without a copy (any other column: converted)."""
    data = getattr(values.array, "_pa_array", None)
    return data if data is not None else pa.array(values, type=pa.large_string(), from_pandas=True)


_SURROGATE = r"[\ud800-\udfff]"


def without_surrogates(values: pd.Series) -> tuple[pd.Series, int]:
    """Lone surrogates (text that is not Unicode, e.g. ``"\\ud800"`` decoded from JSON or made in Python)
    replaced by U+FFFD, and how many there were. Only object columns can hold them; the check is one
    compiled UTF-8 encode of the column, the replacement a pass over the few values that fail it."""
    if values.dtype != object:
        return values, 0
    try:
        pa.array(values, type=pa.large_string(), from_pandas=True)
    except UnicodeEncodeError:
        pass
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: only the str cells can be bad
        pass
    else:
        return values, 0
    is_str = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    text = values[is_str].astype(object)
    found = text.str.count(_SURROGATE).to_numpy(dtype=np.int64)
    if not found.any():
        return values, 0
    out = values.copy()
    out[is_str] = text.str.replace(_SURROGATE, "\ufffd", regex=True)
    return out, int(found.sum())


def factorize(values: pd.Series | pd.Index | np.ndarray) -> tuple[NDArray[np.int32], pd.Index]:
    """Codes (int32, -1 where missing) and the distinct values of a column, as ``pd.factorize`` gives them
    (the codes may be a read-only view of Arrow's: copy before writing).

    A text column is encoded by Arrow (``dictionary_encode``) and its int32 indices are kept: pandas widens
    them to int64, 8 bytes a row, and a file of millions of tiny rows factorises several columns."""
    data = getattr(getattr(values, "array", None), "_pa_array", None)
    if data is None or not (pa.types.is_large_string(data.type) or pa.types.is_string(data.type)):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes.astype(np.int32, copy=False), pd.Index(uniques)
    encoded = data.dictionary_encode().combine_chunks() if data.num_chunks != 1 else None
    if encoded is None:
        encoded = data.chunk(0).dictionary_encode()
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    out: NDArray[np.int32] = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    return out, pd.Index(pd.array(encoded.dictionary, dtype="str"))


def code_counts(codes: np.ndarray, k: int) -> list[int]:
    """How many rows hold each code ``0 … k-1`` of a narrow code column: one comparison per code
    (``np.bincount`` and pandas' ``value_counts`` first widen the codes to 8 bytes a row)."""
    return [int(np.count_nonzero(codes == c)) for c in range(k)]
