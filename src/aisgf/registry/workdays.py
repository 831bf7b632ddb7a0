"""China's working days: due dates N working days after a launch (e.g. the algorithm filing).

Why not plain weekdays: China moves working days around its statutory holidays every year (调休),
by the State Council's notice; a duty due "within ten working days" after a National Day launch is
due weeks later than ten weekdays. The chinesecalendar library carries each published notice; years
it does not cover yet come from `data/cn-workdays.yaml`, which a governance lead extends when the
next notice is out. A day in a year neither knows is counted as a weekday and the result is marked
provisional, so the page says the date may still move.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from aisgf.sourcefile import read_source

DATA_FILE = Path(__file__).parent / "data" / "cn-workdays.yaml"


@lru_cache(maxsize=1)
def _extra_years() -> dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]]:
    """Years from the data file: (holidays, make-up working days); checked so a typo is found at once."""
    from aisgf.errors import InvalidInput

    doc = read_source(DATA_FILE, what="working-day calendar")
    years: dict[Any, Any] = (doc.data or {}).get("years") or {}
    out: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}
    for year, spec in years.items():
        days: dict[str, frozenset[dt.date]] = {}
        for key in ("holidays", "workdays"):
            values = (spec or {}).get(key) or []
            if not all(isinstance(d, dt.date) and d.year == int(year) for d in values):
                raise InvalidInput(f"{DATA_FILE.name}: years.{year}.{key} must list dates of {year} (YYYY-MM-DD)",
                                   where=str(DATA_FILE))
            days[key] = frozenset(values)
        out[int(year)] = (days["holidays"], days["workdays"])
    return out


def is_workday(day: dt.date) -> bool | None:
    """True or False by the official calendar; None when no calendar of that year is known."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # the library has no data for this year
        extra = _extra_years().get(day.year)
        if extra is None:
            return None
        holidays, workdays = extra
        if day in workdays:
            return True
        return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The day `n` working days after `start` (start itself not counted), and whether it is provisional."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    day, counted, provisional = start, 0, False
    while counted < n:
        day += dt.timedelta(days=1)
        known = is_workday(day)
        if known is None:
            provisional = True
            known = day.weekday() < 5
        if known:
            counted += 1
    return day, provisional


def due_after(start: dt.date, amount: int, unit: str) -> tuple[dt.date, bool]:
    """A due date `amount` `unit` after `start` (working days by the official calendar; days; months…)."""
    if unit == "working_days":
        return add_working_days(start, amount)
    if unit == "days":
        return start + dt.timedelta(days=amount), False
    if unit == "months" or unit == "years":
        months = amount * (12 if unit == "years" else 1)
        y, m = divmod(start.month - 1 + months, 12)
        year, month = start.year + y, m + 1
        import calendar

        return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1])), False
    # hours and minutes after a launch fall on the launch day itself
    return start, False
