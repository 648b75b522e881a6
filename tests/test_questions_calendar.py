"""The business calendar of questions: due times, business time and reminders, and its [questions] config.

Expected instants are naive UTC worked out by hand: Paris is UTC+1 in winter (CET) and UTC+2 in summer
(CEST), Montréal UTC-5 (EST) and UTC-4 (EDT). Clocks change in Paris on the last Sundays of March and
October (2026: 29 March, 25 October), in Montréal on the second Sunday of March and the first of
November (2026: 8 March, 1 November).
"""
import re
import tomllib
from datetime import date, datetime

import pytest

from agora import config as agora_config
from agora import config_values
from agora.questions import calendar
from agora.questions.calendar import business_instant, business_seconds, calendar_for, due_at, remind_at

FRANCE_2027 = ["2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
               "2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25"]
QUEBEC_2027 = ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-24", "2027-06-24", "2027-07-01",
               "2027-09-06", "2027-10-11", "2027-12-25"]
MONTREAL = {"time_zone": "America/Toronto", "holidays": QUEBEC_2027}


def utc(*parts) -> datetime:
    return datetime(*parts)


def cfg(**questions) -> dict:
    return agora_config.from_mapping({"questions": questions})


def paris(**questions):
    return calendar_for(cfg(**questions))


def france():
    return paris(holidays=FRANCE_2027)


# --- due_at --------------------------------------------------------------------------------------------

def test_asked_just_before_noon_is_due_at_five_that_day_and_at_noon_the_next_day_after():
    cal = paris()
    # Wednesday 13 January 2027, CET.
    assert due_at(cal, utc(2027, 1, 13, 10, 59, 59)) == utc(2027, 1, 13, 16, 0)   # 11:59:59 -> 17:00 Wed
    assert due_at(cal, utc(2027, 1, 13, 11, 0, 0)) == utc(2027, 1, 14, 11, 0)     # 12:00:00 -> 12:00 Thu


def test_asked_early_in_the_morning_is_due_that_day():
    cal = paris()
    assert due_at(cal, utc(2027, 1, 13, 5, 0)) == utc(2027, 1, 13, 16, 0)   # 06:00 Wed -> 17:00 Wed
    # 00:30 Wednesday in Paris is still Tuesday in UTC: the day is the local one.
    assert due_at(cal, utc(2027, 1, 12, 23, 30)) == utc(2027, 1, 13, 16, 0)


def test_friday_night_and_the_weekend_are_due_monday_noon():
    cal = paris()
    assert due_at(cal, utc(2027, 1, 15, 22, 0)) == utc(2027, 1, 18, 11, 0)   # Fri 23:00 -> Mon 12:00
    assert due_at(cal, utc(2027, 1, 15, 13, 0)) == utc(2027, 1, 18, 11, 0)   # Fri 14:00 -> Mon 12:00
    assert due_at(cal, utc(2027, 1, 16, 8, 0)) == utc(2027, 1, 18, 11, 0)    # Sat 09:00 -> Mon 12:00
    assert due_at(cal, utc(2027, 1, 17, 19, 0)) == utc(2027, 1, 18, 11, 0)   # Sun 20:00 -> Mon 12:00


def test_a_monday_holiday_pushes_the_answer_to_tuesday():
    cal = france()
    # Friday 14 May 2027, 15:00 CEST; Monday 17 May is Whit Monday.
    assert due_at(cal, utc(2027, 5, 14, 13, 0)) == utc(2027, 5, 18, 10, 0)
    # Friday 26 March 2027, 23:00 CET; Easter Monday 29 March, and the clocks went forward on the Sunday.
    assert due_at(cal, utc(2027, 3, 26, 22, 0)) == utc(2027, 3, 30, 10, 0)
    # Without the holidays the same question is due on the Monday.
    assert due_at(paris(), utc(2027, 5, 14, 13, 0)) == utc(2027, 5, 17, 10, 0)


def test_the_eve_of_a_holiday_is_an_ordinary_day_and_the_holiday_is_skipped():
    cal = france()
    # Tuesday 13 July 2027 (CEST); Wednesday 14 July is a holiday.
    assert due_at(cal, utc(2027, 7, 13, 8, 0)) == utc(2027, 7, 13, 15, 0)    # 10:00 Tue -> 17:00 Tue
    assert due_at(cal, utc(2027, 7, 13, 13, 0)) == utc(2027, 7, 15, 10, 0)   # 15:00 Tue -> 12:00 Thu
    assert due_at(cal, utc(2027, 7, 14, 8, 0)) == utc(2027, 7, 15, 10, 0)    # 10:00 on the holiday -> Thu
    # Ascension Thursday 6 May: Wednesday afternoon is due Friday.
    assert due_at(cal, utc(2027, 5, 5, 12, 0)) == utc(2027, 5, 7, 10, 0)


def test_working_days_other_than_monday_to_friday():
    cal = paris(working_days=["sun", "mon", "tue", "wed", "thu"])
    assert calendar.is_working_day(cal, date(2027, 1, 17))        # Sunday
    assert not calendar.is_working_day(cal, date(2027, 1, 15))    # Friday
    assert due_at(cal, utc(2027, 1, 14, 13, 0)) == utc(2027, 1, 17, 11, 0)   # Thu 14:00 -> Sun 12:00


@pytest.mark.parametrize("asked, due", [
    # Paris, spring forward on 29 March 2026: Friday 15:00 CET -> Monday 12:00 CEST.
    (utc(2026, 3, 27, 14, 0), utc(2026, 3, 30, 10, 0)),
    # Paris, fall back on 25 October 2026: Friday 15:00 CEST -> Monday 12:00 CET.
    (utc(2026, 10, 23, 13, 0), utc(2026, 10, 26, 11, 0)),
])
def test_clock_changes_in_paris(asked, due):
    assert due_at(paris(), asked) == due


@pytest.mark.parametrize("asked, due", [
    # Spring forward on 8 March 2026: Friday 15:00 EST -> Monday 12:00 EDT.
    (utc(2026, 3, 6, 20, 0), utc(2026, 3, 9, 16, 0)),
    # Fall back on 1 November 2026: Friday 15:00 EDT -> Monday 12:00 EST.
    (utc(2026, 10, 30, 19, 0), utc(2026, 11, 2, 17, 0)),
    # Morning of the Monday after the change: 10:00 EDT -> 17:00 EDT.
    (utc(2026, 3, 9, 14, 0), utc(2026, 3, 9, 21, 0)),
])
def test_clock_changes_in_montreal(asked, due):
    cal = calendar_for(cfg(locations={"Montréal": MONTREAL}), location="Montréal")
    assert due_at(cal, asked) == due


# --- which calendar ------------------------------------------------------------------------------------

def test_the_askers_location_picks_its_calendar_ignoring_case_and_accents():
    settings = cfg(locations={"Montréal": MONTREAL})
    wednesday_16_utc = utc(2027, 1, 13, 16, 0)
    # 17:00 in Paris: afternoon, due Thursday 12:00 CET.
    assert due_at(calendar_for(settings, "Paris"), wednesday_16_utc) == utc(2027, 1, 14, 11, 0)
    assert due_at(calendar_for(settings, ""), wednesday_16_utc) == utc(2027, 1, 14, 11, 0)
    # 11:00 in Montréal: morning, due 17:00 EST that day.
    for written in ("Montréal", "montreal", "  MONTRÉAL ", "Montreal"):
        assert due_at(calendar_for(settings, written), wednesday_16_utc) == utc(2027, 1, 13, 22, 0), written
    # A place no table names keeps [questions]'s calendar.
    assert calendar_for(settings, "Montréal-Nord").zone.key == "Europe/Paris"


def test_each_location_keeps_its_own_holidays():
    settings = cfg(holidays=FRANCE_2027, locations={"Montréal": MONTREAL})
    # Wednesday 23 June 2027, 18:00 UTC: 20:00 in Paris, 14:00 in Montréal; 24 June is Québec's Fête nationale.
    asked = utc(2027, 6, 23, 18, 0)
    assert due_at(calendar_for(settings, "Paris"), asked) == utc(2027, 6, 24, 10, 0)      # Thu 12:00 CEST
    assert due_at(calendar_for(settings, "Montréal"), asked) == utc(2027, 6, 25, 16, 0)   # Fri 12:00 EDT
    # Montréal's list replaces the French one: 14 July is worked there.
    assert calendar.is_working_day(calendar_for(settings, "Montréal"), date(2027, 7, 14))


def test_a_space_with_its_own_promise_wins_over_the_askers_location():
    settings = agora_config.from_mapping({
        "questions": {"locations": {"Montréal": MONTREAL}},
        "spaces": [
            {"slug": "paris-office", "name": "Paris office", "questions": {"time_zone": "Europe/Paris"}},
            {"slug": "support", "name": "Support", "questions": {"due_same_day": "16:00"}},
            {"slug": "everyone", "name": "Everyone"},
        ],
    })
    paris_space, support, everyone = settings["spaces"]
    wednesday_16_utc = utc(2027, 1, 13, 16, 0)   # 17:00 in Paris, 11:00 in Montréal
    assert due_at(calendar_for(settings, "Montréal", paris_space), wednesday_16_utc) == utc(2027, 1, 14, 11, 0)
    # A space that sets only due_same_day keeps the asker's zone for the rest: 16:00 EST.
    assert due_at(calendar_for(settings, "Montréal", support), wednesday_16_utc) == utc(2027, 1, 13, 21, 0)
    # A space without a promise of its own leaves the location's.
    assert due_at(calendar_for(settings, "Montréal", everyone), wednesday_16_utc) == utc(2027, 1, 13, 22, 0)


def test_a_spaces_holidays_replace_the_locations():
    settings = agora_config.from_mapping({
        "questions": {"locations": {"Montréal": MONTREAL}},
        "spaces": [{"slug": "ops", "name": "Ops", "questions": {"holidays": []}}],
    })
    asked = utc(2027, 6, 23, 18, 0)   # Wednesday 14:00 EDT, eve of the Fête nationale
    assert due_at(calendar_for(settings, "Montréal", settings["spaces"][0]), asked) == utc(2027, 6, 24, 16, 0)


# --- business time and reminders -----------------------------------------------------------------------

def test_business_seconds_across_a_weekend_and_a_holiday():
    cal = france()
    hour = 3600
    # Friday 16:00 CET -> Monday 10:00 CET: 2 h on Friday, 1 h on Monday.
    assert business_seconds(cal, utc(2027, 1, 15, 15, 0), utc(2027, 1, 18, 9, 0)) == 3 * hour
    # Tuesday 17:00 CEST -> Thursday 10:00 CEST over 14 July: 1 h + 0 + 1 h (11 h without the holiday).
    assert business_seconds(cal, utc(2027, 7, 13, 15, 0), utc(2027, 7, 15, 8, 0)) == 2 * hour
    assert business_seconds(paris(), utc(2027, 7, 13, 15, 0), utc(2027, 7, 15, 8, 0)) == 11 * hour
    # The weekend of the spring clock change: Friday 15:00 CET -> Monday 12:00 CEST is 3 h + 3 h.
    assert business_seconds(cal, utc(2026, 3, 27, 14, 0), utc(2026, 3, 30, 10, 0)) == 6 * hour
    # Four weeks of 5 days of 9 hours, Monday 4 January 09:00 to Friday 29 January 18:00.
    assert business_seconds(cal, utc(2027, 1, 4, 8, 0), utc(2027, 1, 29, 17, 0)) == 4 * 5 * 9 * hour


def test_business_seconds_is_zero_for_a_night_or_a_backward_span():
    cal = paris()
    assert business_seconds(cal, utc(2027, 1, 12, 18, 0), utc(2027, 1, 13, 7, 0)) == 0   # Tue 19:00 -> Wed 08:00
    assert business_seconds(cal, utc(2027, 1, 13, 12, 0), utc(2027, 1, 13, 10, 0)) == 0


def test_remind_at_a_quarter_of_the_business_time_left():
    cal = paris()
    # Morning: Wednesday 11:00 CET, due 17:00: 6 h, reminded at 15:30.
    asked = utc(2027, 1, 13, 10, 0)
    assert due_at(cal, asked) == utc(2027, 1, 13, 16, 0)
    assert remind_at(cal, asked, utc(2027, 1, 13, 16, 0)) == utc(2027, 1, 13, 14, 30)
    # Afternoon: Monday 14:00 CET, due Tuesday 12:00: 4 h + 3 h = 7 h; a quarter, 1 h 45, before noon is 10:15.
    asked = utc(2027, 1, 11, 13, 0)
    due = due_at(cal, asked)
    assert due == utc(2027, 1, 12, 11, 0)
    assert business_seconds(cal, asked, due) == 7 * 3600
    assert remind_at(cal, asked, due) == utc(2027, 1, 12, 9, 15)
    # Over the spring clock change: 6 h from Friday 15:00 CET to Monday 12:00 CEST, reminded Monday 10:30 CEST.
    assert remind_at(cal, utc(2026, 3, 27, 14, 0), utc(2026, 3, 30, 10, 0)) == utc(2026, 3, 30, 8, 30)


def test_business_instant_walks_back_over_nights_weekends_and_holidays():
    cal = france()
    tuesday_noon = utc(2027, 1, 12, 11, 0)
    assert business_instant(cal, tuesday_noon, 2 * 3600) == utc(2027, 1, 12, 9, 0)    # 10:00 Tue
    # Exactly the morning's hours: Tuesday's opening, not Monday's close.
    assert business_instant(cal, tuesday_noon, 3 * 3600) == utc(2027, 1, 12, 8, 0)    # 09:00 Tue
    assert business_instant(cal, tuesday_noon, 4 * 3600) == utc(2027, 1, 11, 16, 0)   # 17:00 Mon
    assert business_instant(cal, tuesday_noon, 0) == tuesday_noon
    # Tuesday 18 May 12:00 CEST, 5 h back: 3 h on Tuesday, then Whit Monday and the weekend, 2 h on Friday.
    assert business_instant(cal, utc(2027, 5, 18, 10, 0), 5 * 3600) == utc(2027, 5, 14, 14, 0)


def test_without_business_time_the_reminder_falls_back_to_the_wall_clock():
    cal = paris(ask_before="08:00", due_same_day="08:30")
    asked = utc(2027, 1, 13, 6, 0)   # 07:00 CET, before business hours
    due = due_at(cal, asked)
    assert due == utc(2027, 1, 13, 7, 30)
    assert business_seconds(cal, asked, due) == 0
    assert remind_at(cal, asked, due) == utc(2027, 1, 13, 7, 7, 30)   # a quarter of 90 minutes before


def test_a_due_time_after_business_hours_counts_only_business_time():
    cal = paris(due_same_day="19:00")
    asked = utc(2027, 1, 13, 10, 0)   # 11:00 CET: due 19:00, business time 11:00-18:00 = 7 h
    assert due_at(cal, asked) == utc(2027, 1, 13, 18, 0)
    assert remind_at(cal, asked, utc(2027, 1, 13, 18, 0)) == utc(2027, 1, 13, 15, 15)   # 18:00 - 1 h 45


# --- [questions] config --------------------------------------------------------------------------------

def problems_of(raw: dict) -> list[str]:
    return [str(p) for p in agora_config.validate(raw)[1]]


def space(**questions) -> dict:
    return {"spaces": [{"slug": "a", "name": "A", "questions": questions}]}


@pytest.mark.parametrize("raw, expected", [
    ({"questions": {"working_days": ["mon", "Tues"]}},
     "questions.working_days[1]: 'Tues' is not a day; use mon, tue, wed, thu, fri, sat, sun."),
    ({"questions": {"working_days": []}}, "questions.working_days: must name at least one working day."),
    ({"questions": {"working_days": "mon-fri"}}, "questions.working_days: must be a list of days such as"),
    ({"questions": {"holidays": ["2027-01-01", "2027-02-30"]}},
     "questions.holidays[1]: '2027-02-30' is not a date such as \"2027-12-25\" (YYYY-MM-DD)."),
    ({"questions": {"holidays": ["25/12/2027"]}}, "questions.holidays[0]: '25/12/2027' is not a date"),
    ({"questions": {"holidays": [date(2027, 12, 25)]}},
     "questions.holidays[0]: must be written in quotes, as \"2027-12-25\"."),
    ({"questions": {"ask_before": "12h"}}, "questions.ask_before: '12h' is not a time such as \"12:00\" (HH:MM)."),
    ({"questions": {"due_next_day": "24:00"}}, "questions.due_next_day: '24:00' is not a time"),
    ({"questions": {"due_same_day": 17}}, "questions.due_same_day: must be a time in quotes such as \"12:00\", not a number."),
    ({"questions": {"business_hours": ["18:00", "09:00"]}},
     "questions.business_hours: must start before it ends ('18:00' is not before '09:00')."),
    ({"questions": {"business_hours": ["09:00", "09:00"]}}, "questions.business_hours: must start before it ends"),
    ({"questions": {"business_hours": ["9:00", "18:00"]}}, "questions.business_hours[0]: '9:00' is not a time"),
    ({"questions": {"business_hours": "09:00-18:00"}},
     "questions.business_hours: must be a start and an end such as [\"09:00\", \"18:00\"]."),
    ({"questions": {"time_zone": "Europe/paris"}}, "questions.time_zone: 'Europe/paris' is not a known time zone"),
    ({"questions": {"experts_per_question": 0}}, "questions.experts_per_question: must be between 1 and 20, not 0."),
    ({"questions": {"experts_per_question": 21}}, "questions.experts_per_question: must be between 1 and 20, not 21."),
    ({"questions": {"experts_per_question": "3"}}, "questions.experts_per_question: must be a whole number"),
    ({"questions": {"fallback": ["help@example.com", "helpdesk"]}},
     "questions.fallback[1]: 'helpdesk' is not an email address."),
    ({"questions": {"experts": 3}}, "questions.experts: unknown key; known keys in [questions] are time_zone,"),
    ({"questions": {"due_same_day": "11:00"}},
     "questions.due_same_day: due_same_day ('11:00') must be later than ask_before ('12:00')."),
    ({"questions": {"locations": {"Montréal": {"due_same_day": "16:00"}}}},
     "questions.locations.Montréal.due_same_day: unknown key; known keys are time_zone, working_days, holidays."),
    ({"questions": {"locations": {"Montréal": {"time_zone": "America/Montreall"}}}},
     "questions.locations.Montréal.time_zone: 'America/Montreall' is not a known time zone"),
    ({"questions": {"locations": {"Montréal": {"working_days": ["lun"]}}}},
     "questions.locations.Montréal.working_days[0]: 'lun' is not a day"),
    ({"questions": {"locations": {"Montréal": {"holidays": ["2027-13-01"]}}}},
     "questions.locations.Montréal.holidays[0]: '2027-13-01' is not a date"),
    ({"questions": {"locations": {"Montréal": "America/Toronto"}}}, "questions.locations.Montréal: must be a table."),
    ({"questions": {"locations": {"Montréal": {}, "MONTREAL": {}}}},
     "questions.locations.MONTREAL: is the same location as 'Montréal' (case and accents are ignored)."),
    ({"questions": {"locations": ["Montréal"]}}, "questions.locations: must hold tables such as"),
    (space(due_same_day="5pm"), "spaces[0].questions.due_same_day: '5pm' is not a time"),
    (space(working_days=["sat", "sunday"]), "spaces[0].questions.working_days[1]: 'sunday' is not a day"),
    (space(time_zone="Mars/Olympus"), "spaces[0].questions.time_zone: 'Mars/Olympus' is not a known time zone"),
    (space(business_hours=["08:00", "17:00"]),
     "spaces[0].questions.business_hours: unknown key; known keys are time_zone, working_days, holidays, "
     "ask_before, due_same_day, due_next_day."),
    (space(ask_before="18:00"),
     "spaces[0].questions.ask_before: due_same_day ('17:00') must be later than ask_before ('18:00')."),
    ({"spaces": [{"slug": "a", "name": "A", "questions": "16:00"}]}, "spaces[0].questions: must be a table."),
])
def test_each_questions_problem_names_its_key_path(raw, expected):
    found = problems_of(raw)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found[0]
    assert found[0].endswith(".")


def test_a_valid_questions_config_is_kept_as_written():
    data, problems = agora_config.validate({
        "questions": {"working_days": ["sun", "mon"], "holidays": ["2027-01-01"], "business_hours": ["08:30", "17:30"],
                      "experts_per_question": 20, "fallback": ["Help@Example.com"],
                      "locations": {"Montréal": MONTREAL}},
        "spaces": [{"slug": "a", "name": "A", "questions": {"ask_before": "11:00", "due_same_day": "16:00"}}],
    })
    assert problems == []
    assert data["questions"]["locations"] == {"Montréal": MONTREAL}
    assert data["questions"]["fallback"] == ["help@example.com"]
    assert data["spaces"][0]["questions"] == {"ask_before": "11:00", "due_same_day": "16:00"}
    cal = calendar_for(data, "Montréal", data["spaces"][0])
    assert (cal.zone.key, cal.working_days, cal.business_start.hour, cal.business_start.minute) == \
        ("America/Toronto", frozenset({0, 6}), 8, 30)


def test_the_calendar_reads_the_day_names_and_keys_the_config_checks():
    assert calendar.WEEKDAYS == config_values.WEEKDAYS
    assert calendar.LOCATION_KEYS == agora_config.LOCATION_KEYS
    assert calendar.SPACE_KEYS == agora_config.SPACE_QUESTION_KEYS
    cal = calendar_for(agora_config.defaults())
    assert cal.working_days == frozenset({0, 1, 2, 3, 4}) and cal.holidays == frozenset()


def test_the_example_holidays_are_valid_and_fall_on_their_weekdays():
    text = (agora_config.PROJECT_ROOT / "config.example.toml").read_text(encoding="utf-8")
    # Uncomment the examples the way an admin would.
    block = text[text.index("# holidays = ["):text.index("holidays = []")]
    french = tomllib.loads("\n".join(line[2:] for line in block.splitlines() if line.startswith("# ")))["holidays"]
    location = text[text.index('# [questions.locations."Montréal"]'):text.index("# Spaces defined by admins")]
    montreal = tomllib.loads("\n".join(re.sub(r"^# ?", "", line) for line in location.splitlines()))
    montreal = montreal["questions"]["locations"]["Montréal"]
    assert french == FRANCE_2027
    assert montreal == MONTREAL
    assert agora_config.validate({"questions": {"holidays": french, "locations": {"Montréal": montreal}}})[1] == []
    weekday = {day: date.fromisoformat(day).strftime("%a") for day in french + montreal["holidays"]}
    # Easter Sunday 2027 is 28 March: Good Friday, Easter Monday, Ascension (+39 days), Whit Monday (+50).
    assert [weekday[d] for d in ("2027-03-26", "2027-03-29", "2027-05-06", "2027-05-17")] == ["Fri", "Mon", "Thu", "Mon"]
    # Québec's holidays on a Monday: the one before 25 May, the first of September, the second of October.
    assert [weekday[d] for d in ("2027-05-24", "2027-09-06", "2027-10-11")] == ["Mon", "Mon", "Mon"]
