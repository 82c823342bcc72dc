"""Information gaps (``hospital.information``): at each stage of the visit — registration,
consultation, examination, treatment / pharmacy (Tian 2020's outpatient stages) —
whether the patient lacks information they need, and the minutes that costs them.

The odds of a gap at stage s for a patient are

    logit(reference_probability[s]) + ln(male OR) x man + ln(age-group OR) + ln(education OR)
        + sum over measures in place of ln(measure's OR at s)

(app notifications reach only patients who booked online). Drawn up front for every
patient and stage from the streams ``information.gaps`` and
``information.delay.<stage>``, whether or not the patient reaches the stage, so that
scenarios keep common random numbers; the engine spends the minutes where the
patient reaches the stage (``sim.engine.pathway``), and a gap counts only there.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from sim import distributions
from sim.demand.booking import CHANNELS, DayBookings
from sim.schema import GAP_STAGES, HospitalConfig, InformationGapConfig
from sim.streams import Streams

ONLINE = CHANNELS.index("online")


def measures(cfg: InformationGapConfig) -> dict:
    """The information measures by name."""
    return {
        "guidance": cfg.guidance,
        "information_desk": cfg.information_desk,
        "app_notifications": cfg.app_notifications,
    }


def gap_log_odds(
    hospital: HospitalConfig, female: np.ndarray, age_group: np.ndarray, education: np.ndarray, online: np.ndarray
) -> np.ndarray:
    """(patients x stages) log odds of a gap at each stage of ``GAP_STAGES``."""
    cfg = hospital.information
    age = np.log([cfg.age_group_odds_ratio.get(g, 1.0) for g in hospital.patients.age_groups])
    education_or = np.log([cfg.education_odds_ratio.get(g, 1.0) for g in hospital.patients.education])
    patient = (
        np.log(cfg.male_odds_ratio) * ~female.astype(bool)
        + age[age_group.astype(np.intp)]
        + education_or[education.astype(np.intp)]
    )
    reference = logit(np.array([cfg.reference_probability[s] for s in GAP_STAGES]))
    odds = reference[None, :] + patient[:, None]
    for name, measure in measures(cfg).items():
        if not measure.in_place:
            continue
        shift = np.log([measure.odds_ratio.get(s, 1.0) for s in GAP_STAGES])
        reached = online if name == "app_notifications" else np.ones(len(female), dtype=bool)
        odds = odds + reached[:, None] * shift[None, :]
    return odds


def gap_probabilities(
    hospital: HospitalConfig, female: np.ndarray, age_group: np.ndarray, education: np.ndarray, online: np.ndarray
) -> np.ndarray:
    """(patients x stages) probability of a gap at each stage."""
    return expit(gap_log_odds(hospital, female, age_group, education, online))


def draw(
    hospital: HospitalConfig,
    female: np.ndarray,
    age_group: np.ndarray,
    education: np.ndarray,
    bookings: DayBookings,
    streams: Streams,
    day: int,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(patients x stages: a gap at the stage, stage -> minutes the gap would cost; 0
    without a gap)."""
    n = len(female)
    online = bookings.booked & (bookings.channel == ONLINE)
    gap = streams.stream("information.gaps", day).random((n, len(GAP_STAGES))) < gap_probabilities(
        hospital, female, age_group, education, online
    )
    delays = {}
    for k, stage in enumerate(GAP_STAGES):
        minutes = distributions.build(getattr(hospital.information.delay_min, stage)).sample(
            streams.stream(f"information.delay.{stage}", day), n
        )
        delays[stage] = np.where(gap[:, k], minutes, 0.0)
    return gap, delays
