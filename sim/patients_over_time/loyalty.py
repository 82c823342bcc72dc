"""Whether a patient due for care chooses this hospital again.

    logit P(return) = logit(base of the kind of visit)
                      + ln(OR per minute) x (perceived minutes beyond tolerance at the last visit - reference)
                      + ln(OR per SD) x (the last consultation's communication quality - reference)
                      + if the last visit made a complaint: ln(complaint OR)
                        + ln(within-target OR) once it was resolved within target
                        + ln(upheld OR) once it was resolved and upheld
                        + ln(follow-up OR) once the follow-up call was made

Only what has happened by the moment of the decision counts: a complaint still
waiting in the office's queue has no recovery effect yet. With loyalty off every
patient returns with the base probability of the kind of visit. The base
probabilities are those after a typical visit (the reference wait and quality), so
patients of the initial register, who have no last visit here, start from them.
"""

from __future__ import annotations

import numpy as np

from sim.clock import MINUTES_PER_DAY
from sim.patients_over_time.complaint_handling import RunningOffice
from sim.patients_over_time.register import Register
from sim.schema import LoyaltyConfig

# kinds of visit (the visit_kind column)
KINDS = ("first", "chronic_follow_up", "review", "deferred_review", "new_episode")
FIRST, CHRONIC, REVIEW, DEFERRED, EPISODE = range(len(KINDS))
BOOKED_KINDS = (CHRONIC, REVIEW, DEFERRED)  # booked at the visit before


def base_probability(loyalty: LoyaltyConfig) -> np.ndarray:
    """Base probability of coming back, by kind of visit (a first visit is never decided)."""
    return np.array(
        [np.nan, loyalty.chronic_return, loyalty.review_return, loyalty.review_return, loyalty.episode_return]
    )


def return_probability(
    loyalty: LoyaltyConfig,
    kind: np.ndarray,
    register: Register,
    patients: np.ndarray,
    now: float,
    office: RunningOffice | None,
) -> np.ndarray:
    """P(return) of ``patients`` (ids), due for a visit of ``kind``, deciding at ``now``."""
    base = base_probability(loyalty)[kind]
    if not loyalty.enabled:
        return base
    excess = register["excess_wait"][patients] - loyalty.reference_excess_wait_min
    quality = register["quality"][patients] - loyalty.reference_quality
    log_odds = (
        np.log(loyalty.wait_odds_ratio_per_min) * excess + np.log(loyalty.communication_odds_ratio_per_sd) * quality
    )
    complaint = register["complaint"][patients]
    made = complaint >= 0
    if made.any():
        numbers = complaint[made]
        recovery = np.full(len(numbers), np.log(loyalty.complaint_odds_ratio))
        if office is not None:
            resolved = office.resolved_by(numbers, now)
            recovery += np.log(loyalty.within_target_odds_ratio) * (resolved & office.within_target[numbers])
            recovery += np.log(loyalty.upheld_odds_ratio) * (resolved & office.upheld[numbers])
            if loyalty.follow_up_calls:
                called = office.received_at(numbers) + loyalty.follow_up_within_days * MINUTES_PER_DAY <= now
                recovery += np.log(loyalty.follow_up_odds_ratio) * called
        log_odds[made] += recovery
    return _with_odds(base, log_odds)


def _with_odds(base: np.ndarray, log_odds: np.ndarray) -> np.ndarray:
    """The probability whose odds are base's times exp(log_odds); 0 and 1 stay."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        odds = base / (1.0 - base) * np.exp(log_odds)
        p = odds / (1.0 + odds)
    return np.where(base >= 1.0, 1.0, np.where(base <= 0.0, 0.0, p))
