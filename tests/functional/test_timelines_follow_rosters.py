"""Station timelines and overload warnings follow the day's schedules and rosters
(``sim.staffing.on_duty``), not the stations' configured counts: on deterministic
clinics (fixed arrivals and service times) the servers at work per bin are exactly
those of the schedule or of the days' rosters, utilisation is busy over them, and a
station is warned about when the servers it has on duty cannot keep up, whatever its
nominal count says."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.overload import overload_warnings
from sim.schema import ServerChange
from tests.functional.test_deterministic import clinic

MONDAY = "2026-03-02"


def _station(result: sim.Result, name: str) -> pd.DataFrame:
    table = result.stations
    return table[table["station"] == name].set_index("bin_start_min")


def _warnings(result: sim.Result) -> str:
    return "\n".join(w.text() for w in overload_warnings(result.summary, result.stations, result.config.hospital))


def _two_windows_until_ten():
    """A patient a minute from 8:00 to 9:58, 1.5 min at a registration window; the
    schedule has two windows 8:00-10:00 and one after (servers: 1). Window A serves the
    patients of even minutes, B the odd ones, each busy 1.5 of every 2 minutes; the
    last registration ends at 9:59:30, before the change. The doctor (1.2 min a
    patient) works until after 10:00, so the table runs on past the change."""
    cfg = clinic(1.0, 1.2, [("8:00", "12:00")], opens="8:00", closes="9:59", registration=1.5)
    cfg.hospital.registration.schedule = [ServerChange("all", "8:00", 2), ServerChange("all", "10:00", 1)]
    return sim.simulate(cfg)


def test_servers_at_work_follow_the_station_schedule_bin_by_bin():
    """Registration windows: exactly 2 at work in every bin from 8:00 to 9:45, 1 from
    10:00 on; utilisation is busy over that (1.5 / 2 in the full bins of the morning),
    and never above 1 anywhere since no station ever has more busy than on duty."""
    result = _two_windows_until_ten()
    windows = _station(result, "registration_windows")
    morning = windows.index < 600
    assert (windows.index[morning] == 480 + 15 * np.arange(8)).all()
    assert (windows.loc[morning, "servers_at_work"] == 2.0).all()
    assert len(windows[~morning]) >= 1 and (windows.loc[~morning, "servers_at_work"] == 1.0).all()
    full = windows.loc[495:570]  # the bins without the first and the last patients' edges
    np.testing.assert_allclose(full["utilisation"], 0.75, rtol=1e-12)
    np.testing.assert_allclose(windows["utilisation"], windows["busy_mean"] / windows["servers_at_work"])
    table = result.stations
    assert (table["utilisation"].dropna() <= 1.0 + 1e-12).all()
    assert (windows["servers"] == 1).all()  # the configured count, as configured


def _absent_on_tuesday(start_date: str, days: int, stream: bool = False):
    """Two doctors on Mondays, one on Tuesdays (roster), a holiday on Wednesday
    4 March on which half of them work (doctor_share 0.5: one); a patient every 10
    minutes, 5-minute consultations, one session 8:00-10:00."""
    cfg = clinic(10.0, 5.0, [("8:00", "10:00")], closes="10:00", days=days, doctors=2)
    cfg.hospital.departments["clinic"].roster = {"mon": [2], "tue": [1]}
    cfg.hospital.staffing.holidays.dates = ["2026-03-04"]
    cfg = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, start_date=start_date))
    if stream:
        cfg.output.stream = True
        cfg.output.save_visits = False
    return sim.simulate(cfg)


def test_a_doctor_absent_on_some_days_lowers_the_doctors_line_on_those_days():
    """The doctors' line is the day's roster in session and 0 outside it: 2 on the
    Monday, 1 on the Tuesday and on the Wednesday holiday; over the three days their
    mean, 4/3, as the other columns average the days."""
    monday = _station(_absent_on_tuesday(MONDAY, 1), "doctors_clinic")
    tuesday = _station(_absent_on_tuesday("2026-03-03", 1), "doctors_clinic")
    holiday = _station(_absent_on_tuesday("2026-03-04", 1), "doctors_clinic")
    three = _station(_absent_on_tuesday(MONDAY, 3), "doctors_clinic")
    for line, on_duty in ((monday, 2.0), (tuesday, 1.0), (holiday, 1.0), (three, 4.0 / 3.0)):
        in_session = (line.index >= 480) & (line.index < 600)
        assert in_session.sum() == 8
        np.testing.assert_allclose(line.loc[in_session, "servers_at_work"], on_duty, rtol=1e-12)
        assert (line.loc[~in_session, "servers_at_work"] == 0).all()
    assert (three["days"] == 3).all()


def test_a_streamed_run_has_the_rostered_line_of_a_kept_run():
    """Streaming adds the days up one by one (each day's curves as long as that day's
    activity): the same table, the servers at work included."""
    kept = _absent_on_tuesday(MONDAY, 3).stations
    streamed = _absent_on_tuesday(MONDAY, 3, stream=True).stations
    pd.testing.assert_frame_equal(kept, streamed, rtol=1e-12)


def _doctors(nominal: int, rostered: int):
    """A patient every 5 minutes for two hours, 10-minute consultations: 240
    doctor-minutes of work in a 120-minute session; ``nominal`` doctors configured,
    ``rostered`` on duty every day by the roster."""
    cfg = clinic(5.0, 10.0, [("8:00", "10:00")], closes="10:00", doctors=nominal)
    cfg.hospital.departments["clinic"].roster = {"all": [rostered]}
    return sim.simulate(cfg)


def test_doctors_are_warned_about_when_their_rostered_capacity_is_exceeded():
    """Four doctors configured but one rostered: load 2 × capacity, and the warning
    names the roster (not ``doctors``, which would change nothing)."""
    text = _warnings(_doctors(nominal=4, rostered=1))
    assert "Doctors, clinic: offered load 2.00 × capacity" in text, text
    assert "hospital.departments.clinic.roster, now 1 a session: about 150% more in every session" in text
    assert "hospital.departments.clinic.doctors" not in text


def test_doctors_rostered_enough_are_not_warned_about_though_their_nominal_count_is_short():
    """One doctor configured, four rostered: load 0.5, no warning about the doctors."""
    result = _doctors(nominal=1, rostered=4)
    assert "Doctors, clinic" not in _warnings(result)
    doctors = _station(result, "doctors_clinic")
    assert doctors["busy_mean"].sum() / doctors["servers_at_work"].sum() == pytest.approx(0.5)


def _pharmacy(nominal: int, scheduled: int):
    """A patient every 1.5 minutes, each with a prescription, 2 minutes at the
    pharmacy: ``scheduled`` windows on duty from 8:00 by the schedule, ``nominal``
    configured."""
    cfg = clinic(1.5, 0.5, [("8:00", "12:00")], closes="10:00", prescription_probability=1.0, doctors=2)
    cfg.hospital.pharmacy.servers = nominal
    cfg.hospital.pharmacy.schedule = [ServerChange("all", "8:00", scheduled)]
    return sim.simulate(cfg)


def test_a_station_short_of_scheduled_servers_is_warned_about_naming_its_schedule():
    """Three pharmacy windows configured, one scheduled: busy nearly all its working
    day; the warning names the schedule and what it gives now."""
    result = _pharmacy(nominal=3, scheduled=1)
    assert result.summary.loc["pharmacy_utilisation", "mean"] > 0.9
    text = _warnings(result)
    assert "Pharmacy: busy" in text
    assert "hospital.pharmacy.schedule, now 1 by time of day: about" in text, text
    assert "hospital.pharmacy.servers" not in text


def test_a_station_with_enough_scheduled_servers_is_not_warned_about():
    """One pharmacy window configured, three scheduled: busy under half the time."""
    result = _pharmacy(nominal=1, scheduled=3)
    assert result.summary.loc["pharmacy_utilisation", "mean"] < 0.5
    assert "Pharmacy" not in _warnings(result)
