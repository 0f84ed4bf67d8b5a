import datetime as dt
import os
import subprocess
import sys

from german import dates

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_long_date_is_german():
    assert dates.date_long(dt.datetime(2026, 11, 24, 10, 15)) == "24. November 2026"
    assert dates.date_long(dt.date(2026, 3, 1)) == "1. März 2026"


def test_german_date_without_any_german_locale_installed():
    """Babel carries its own locale data: the C locale still gives German dates."""
    code = (
        "import sys, datetime; sys.path.insert(0, 'plugins');"
        "from german.dates import date_long, month_name;"
        "print(date_long(datetime.date(2026, 11, 24)), month_name(3))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANG"}
    env.update(LC_ALL="C", LANG="C")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "24. November 2026 März"


def test_datetime_shows_winter_and_summer_time():
    assert dates.datetime_long(dates.parse_datetime("2026-11-24 10:15")) == "24.11.2026, 10:15 Uhr (MEZ)"
    assert dates.datetime_long(dates.parse_datetime("2026-07-01 10:15")) == "01.07.2026, 10:15 Uhr (MESZ)"


def test_times_without_offset_are_berlin_and_offsets_are_respected():
    assert dates.parse_datetime("2026-11-24 10:15").utcoffset() == dt.timedelta(hours=1)
    assert dates.iso(dates.parse_datetime("2026-11-24T09:15:00Z")) == "2026-11-24T10:15:00+01:00"
    # German day-first form, never read as 4 March
    assert dates.parse_datetime("03.04.2026 09:00").month == 4


def test_unparseable_time_says_what_is_expected():
    try:
        dates.parse_datetime("gestern früh")
    except ValueError as exc:
        assert "gestern früh" in str(exc) and "2026-11-24 10:15" in str(exc)
    else:
        raise AssertionError("no error")


def test_site_now_is_injectable(monkeypatch):
    assert dates.site_now({"SITE_NOW": "2026-10-25 02:30+02:00"}).isoformat() == "2026-10-25T02:30:00+02:00"
    monkeypatch.setenv("SITE_NOW", "2026-01-02T03:04:05+01:00")
    assert dates.site_now({}).year == 2026 and dates.site_now({}).month == 1


def test_the_two_half_past_two_of_the_night_the_clocks_go_back_stay_apart():
    """Equal wall clocks in one zone hash alike; the memoised formats must not mix them."""
    winter = dates.parse_wall_clock("2026-10-25 02:30+01:00")
    summer = dates.parse_wall_clock("2026-10-25 02:30+02:00")
    assert dates.iso(winter) == "2026-10-25T02:30:00+01:00"
    assert dates.iso(summer) == "2026-10-25T02:30:00+02:00"
    assert dates.datetime_long(winter) == "25.10.2026, 02:30 Uhr (MEZ)"
    assert dates.datetime_long(summer) == "25.10.2026, 02:30 Uhr (MESZ)"
