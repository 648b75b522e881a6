"""The business calendar behind a question's promise: working days, holidays and hours in a time zone.

Instants in and out are naive UTC datetimes, as the database stores them; wall-clock times are read
in the calendar's zone, so a clock change moves their UTC instant and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agora.core.folding import fold

# Monday first, as date.weekday() counts; the same names the config accepts.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOCATION_KEYS = ("time_zone", "working_days", "holidays")
SPACE_KEYS = LOCATION_KEYS + ("ask_before", "due_same_day", "due_next_day")


@dataclass(frozen=True)
class Calendar:
    """One place's working week: zone, working weekdays (Monday is 0), holidays, hours and the promise's times."""

    zone: ZoneInfo
    working_days: frozenset[int]
    holidays: frozenset[date]
    business_start: time
    business_end: time
    ask_before: time
    due_same_day: time
    due_next_day: time

    def __post_init__(self):
        # Both guarantee that every walk over the days below ends.
        if not self.working_days:
            raise ValueError("a calendar needs at least one working day")
        if self.business_start >= self.business_end:
            raise ValueError("business hours must start before they end")


def calendar_for(cfg: dict, location: str = "", space: dict | None = None) -> Calendar:
    """The calendar of a question: the space's `questions` keys, else the asker's location's, else [questions]."""
    section = cfg["questions"]
    merged = dict(section)
    wanted = _place(location)
    if wanted:
        for name, table in section.get("locations", {}).items():
            if _place(name) == wanted:
                merged.update({key: table[key] for key in LOCATION_KEYS if key in table})
                break
    own = (space or {}).get("questions") or {}
    merged.update({key: own[key] for key in SPACE_KEYS if key in own})
    start, end = merged["business_hours"]
    return Calendar(
        zone=ZoneInfo(merged["time_zone"]),
        working_days=frozenset(WEEKDAYS.index(day) for day in merged["working_days"]),
        holidays=frozenset(date.fromisoformat(day) for day in merged["holidays"]),
        business_start=_clock(start),
        business_end=_clock(end),
        ask_before=_clock(merged["ask_before"]),
        due_same_day=_clock(merged["due_same_day"]),
        due_next_day=_clock(merged["due_next_day"]),
    )


def is_working_day(cal: Calendar, day: date) -> bool:
    """A working weekday that is not a holiday."""
    return day.weekday() in cal.working_days and day not in cal.holidays


def next_working_day(cal: Calendar, day: date) -> date:
    """The first working day after `day`."""
    # Within 7 × (holidays + 1) days each working weekday comes round more often than there are holidays.
    for offset in range(1, 7 * (len(cal.holidays) + 1) + 1):
        if is_working_day(cal, day + timedelta(days=offset)):
            return day + timedelta(days=offset)
    raise AssertionError("a calendar always has a working day ahead")


def due_at(cal: Calendar, asked: datetime) -> datetime:
    """Asked before `ask_before` on a working day: `due_same_day` that day; else `due_next_day` the next working day."""
    local = _local(cal, asked)
    day = local.date()
    if is_working_day(cal, day) and local.time() < cal.ask_before:
        return _instant(cal, day, cal.due_same_day)
    return _instant(cal, next_working_day(cal, day), cal.due_next_day)


def business_seconds(cal: Calendar, start: datetime, end: datetime) -> float:
    """Seconds of business hours on working days between two instants (0 when end is not after start)."""
    start, end = _naive_utc(start), _naive_utc(end)
    if end <= start:
        return 0.0
    total = timedelta()
    day, last = _local(cal, start).date(), _local(cal, end).date()
    while day <= last:
        if is_working_day(cal, day):
            opens, closes = _hours(cal, day)
            if min(closes, end) > max(opens, start):
                total += min(closes, end) - max(opens, start)
        day += timedelta(days=1)
    return total.total_seconds()


def business_instant(cal: Calendar, due: datetime, seconds_before: float) -> datetime:
    """The instant `seconds_before` of business time before `due`, walking back over nights and days off."""
    due = _naive_utc(due)
    left = timedelta(seconds=seconds_before)
    if left <= timedelta():
        return due
    day = _local(cal, due).date()
    while True:  # ends: each working day gives business_end - business_start > 0, and holidays are finite
        if is_working_day(cal, day):
            opens, closes = _hours(cal, day)
            top = min(closes, due)
            # `>=`: an instant that is both one evening's close and the next morning's opening is the morning.
            if top > opens and top - opens >= left:
                return top - left
            if top > opens:
                left -= top - opens
        day -= timedelta(days=1)


def remind_at(cal: Calendar, asked: datetime, due: datetime, fraction: float = 0.25) -> datetime:
    """When `fraction` of the business time from asking to due is left; wall-clock time when there is none."""
    asked, due = _naive_utc(asked), _naive_utc(due)
    if due <= asked:
        return due
    span = business_seconds(cal, asked, due)
    if span <= 0:
        # Asked and due outside business hours with none between (e.g. due_same_day after business_end).
        return due - (due - asked) * fraction
    return business_instant(cal, due, span * fraction)


def _place(text: str) -> str:
    # Compared as the config check compares location names: folded, spaces collapsed.
    return " ".join(fold(text).split())


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _naive_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        return instant
    return instant.astimezone(UTC).replace(tzinfo=None)


def _local(cal: Calendar, instant: datetime) -> datetime:
    return _naive_utc(instant).replace(tzinfo=UTC).astimezone(cal.zone)


def _instant(cal: Calendar, day: date, at: time) -> datetime:
    # A wall-clock time skipped or repeated by a clock change reads with the offset before it (fold=0).
    return datetime.combine(day, at, tzinfo=cal.zone).astimezone(UTC).replace(tzinfo=None)


def _hours(cal: Calendar, day: date) -> tuple[datetime, datetime]:
    return _instant(cal, day, cal.business_start), _instant(cal, day, cal.business_end)
