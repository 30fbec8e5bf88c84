"""Aoristic weights: events known only by an interval count their share in every hour of it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trygghet_geo.hotspots._aoristic import aoristic_bins, aoristic_hours
from trygghet_geo.hotspots._time import hour_weekday_counts, time_profile

TZ = "Europe/Stockholm"


def _weekend(n: int = 1) -> pd.DataFrame:
    """``n`` burglaries "between Friday 18.00 and Monday 07.00" on successive weekends of 2024."""
    fri = pd.date_range("2024-03-01 18:00", periods=n, freq="7D", tz=TZ)  # 2024-03-01 is a Friday
    return pd.DataFrame({"occurred_from": fri, "occurred_to": fri + pd.Timedelta(hours=61)})


def test_weekend_interval_counts_evenly_over_its_hours() -> None:
    a = aoristic_hours(_weekend())
    assert len(a.hour) == 61
    assert a.weight.sum() == pytest.approx(1.0)
    hours = pd.DatetimeIndex(a.hour)
    per_hour = pd.Series(a.weight, index=hours)
    fri_evening = per_hour[pd.Timestamp("2024-03-01 20:00")]
    assert per_hour[pd.Timestamp("2024-03-02 20:00")] == pytest.approx(fri_evening)  # Saturday
    assert per_hour[pd.Timestamp("2024-03-03 20:00")] == pytest.approx(fri_evening)  # Sunday
    _, by_day = hour_weekday_counts(_weekend()["occurred_from"], _weekend()["occurred_to"])
    assert by_day[4] == pytest.approx(6 / 61)  # Friday 18-24
    assert by_day[5] == pytest.approx(24 / 61)
    assert by_day[6] == pytest.approx(24 / 61)
    assert by_day[0] == pytest.approx(7 / 61)  # Monday 00-07


def test_weekend_burglaries_are_no_longer_friday_ones() -> None:
    ev = _weekend(20)
    start_only = time_profile(ev["occurred_from"])
    aoristic = time_profile(ev["occurred_from"], until=ev["occurred_to"])
    assert start_only.weekdays == "fre"
    assert aoristic.weekdays.startswith("lör")  # Saturday onwards (55 of 61 hours: Saturday-Monday)
    assert start_only.hours == "16–19"
    assert aoristic.hours == ""  # spread over every hour of the day: no hour window stands out


def test_partial_hours_weighted_by_the_part_covered() -> None:
    ev = pd.DataFrame(
        {
            "occurred_from": [pd.Timestamp("2024-05-06 10:30", tz=TZ)],
            "occurred_to": [pd.Timestamp("2024-05-06 12:00", tz=TZ)],
        }
    )
    a = aoristic_hours(ev)
    assert a.weight.tolist() == pytest.approx([1 / 3, 2 / 3])
    assert pd.DatetimeIndex(a.hour).hour.tolist() == [10, 11]


def test_instant_events_unchanged() -> None:
    rng = np.random.default_rng(0)
    t = pd.Series(
        pd.Timestamp("2024-01-01", tz=TZ) + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, 300), "min")
    )
    t.iloc[5] = pd.NaT
    hours, days = hour_weekday_counts(t, pd.Series(pd.NaT, index=t.index))
    valid = t.dropna()
    np.testing.assert_array_equal(hours, np.bincount(valid.dt.hour, minlength=24))
    np.testing.assert_array_equal(days, np.bincount(valid.dt.day_of_week, minlength=7))
    peak = pd.Series(pd.Timestamp("2024-02-02 23:00", tz=TZ) + pd.to_timedelta(np.arange(30) * 7, "D"))
    both = pd.concat([t, peak], ignore_index=True)
    known = np.ones(len(both), dtype=bool)
    assert time_profile(both, known) == time_profile(both, known, pd.Series(pd.NaT, index=both.index))
    assert time_profile(both, known).hours != ""


def test_long_interval_counts_at_start_and_is_flagged() -> None:
    ev = pd.DataFrame(
        {
            "occurred_from": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 08:00"]).tz_localize(TZ),
            "occurred_to": pd.to_datetime(["2024-01-20 08:00", "2024-01-03 08:00"]).tz_localize(TZ),
        }
    )
    a = aoristic_hours(ev)
    assert a.flagged.tolist() == [True, False]
    assert (a.event == 0).sum() == 1
    assert a.weight[a.event == 0].tolist() == [1.0]
    b = aoristic_hours(ev, max_interval_h=24)  # configurable: now both are too long
    assert b.flagged.tolist() == [True, True]
    monthly = aoristic_bins(ev, "M", max_interval_h=30 * 24)
    assert monthly["weight"].sum() == pytest.approx(2.0)
    assert monthly.attrs["flagged"].tolist() == [False, False]
