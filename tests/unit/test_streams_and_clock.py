import datetime as dt

import numpy as np
import pytest

from sim.clock import calendar_days, format_clock, parse_clock
from sim.streams import Streams


def test_same_name_same_numbers_whatever_the_order():
    a = Streams(7, 0)
    b = Streams(7, 0)
    first = a.stream("arrivals", 3).random(5)
    b.stream("service.pharmacy", 3).random(100)  # using another stream first changes nothing
    assert np.array_equal(first, b.stream("arrivals", 3).random(5))


def test_streams_differ_by_name_day_replication_and_seed():
    base = Streams(7, 0).stream("arrivals", 0).random(4)
    for other in (
        Streams(7, 0).stream("patients", 0),
        Streams(7, 0).stream("arrivals", 1),
        Streams(7, 1).stream("arrivals", 0),
        Streams(8, 0).stream("arrivals", 0),
        Streams(7, 0).stream("arrivals"),
    ):
        assert not np.array_equal(base, other.random(4))


def test_negative_seed_rejected():
    with pytest.raises(ValueError):
        Streams(-1, 0)


@pytest.mark.parametrize(
    "text, minutes", [("0:00", 0), ("8:30", 510), ("17:05", 1025), ("24:00", 1440), ("1000:00", 60000)]
)
def test_parse_clock(text, minutes):
    assert parse_clock(text) == minutes
    assert parse_clock(format_clock(minutes)) == minutes


@pytest.mark.parametrize("text", ["8", "8:5", "8:60", "eight", "-1:00", "8.30"])
def test_parse_clock_rejects(text):
    with pytest.raises(ValueError, match="H:MM"):
        parse_clock(text)


def test_calendar_days():
    days = calendar_days("2026-02-27", 3)
    assert days == [dt.date(2026, 2, 27), dt.date(2026, 2, 28), dt.date(2026, 3, 1)]
