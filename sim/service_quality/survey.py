"""The post-visit SERVQUAL survey (``hospital.survey``): who is asked, who answers, and
what they score, from what each visit lived through.

A sampled share of the patients who came is asked. For respondent i and dimension d
(tangibles, reliability, responsiveness, assurance, empathy, economy) each of the
``items_per_dimension`` items scores

    expectation: round(expectation_d + respondent_sd x a_i + item_sd x e)
    perception:  round(perception_d + visit_d + respondent_sd x b_i + item_sd x e)

kept within 1-5 (a Likert item), with a_i, b_i the respondent's tendencies and e one
item's noise (standard normal). visit_d, the points the visit cost dimension d
(``SurveyEffectsConfig``; zero on a visit where nothing went wrong), follows what the
visit lived through:

* tangibles      <- crowding (doublings above the complaint model's threshold);
* reliability    <- a deferred review, a clinical event, minutes seen after the slot;
* responsiveness <- perceived minutes of wait beyond tolerance, information gaps;
* assurance      <- the doctor's skill (SD units of the baseline), a clinical event;
* empathy        <- consultation quality (skill less rushing), information gaps;
* economy        <- the charge against the expected one (the visit table's ``charge_total``
  when it has one, else the configured constant).

A respondent's gap in d is the mean perception item minus the mean expectation item.
Overall satisfaction (1-5) is round(base + per_point x mean gap + sd x noise); they
recommend the hospital with log odds recommend_log_odds + recommend_per_point x
(latent satisfaction - 4). Whether an asked patient answers depends on whether they
are dissatisfied (overall satisfaction 1-2): odds x dissatisfied_response_odds_ratio.

Every random number a visit might need is drawn for every visit of the day, in visit
order, from the stream ``survey.draws`` whether or not the visit is asked, so
scenarios keep common random numbers: a patient asked in one scenario is asked in
the other, with the same tendencies and item noise.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from sim.complaints.drivers import QUALITY_EVENT, SAFETY_EVENT, per_visit
from sim.engine.records import REVIEW_DEFERRED, counted
from sim.schema import SERVQUAL_DIMENSIONS, HospitalConfig, RunConfig
from sim.streams import Streams

Columns = dict[str, np.ndarray]
DIMENSIONS = SERVQUAL_DIMENSIONS
# per-visit draws: three uniforms (asked, answers, recommends), normals (tendencies, satisfaction), then items
U_ASKED, U_ANSWERS, U_RECOMMENDS, Z_EXPECTS, Z_PERCEIVES, Z_SATISFACTION = range(6)
LEADING_DRAWS = 6
DISSATISFIED_AT_MOST = 2  # overall satisfaction 1 (very dissatisfied) or 2 (dissatisfied)


def visit_effects(columns: Columns, hospital: HospitalConfig, doctor_skill: np.ndarray) -> np.ndarray:
    """(visits x dimensions) points each visit adds to its perception latent scores
    (negative: what went wrong; assurance and empathy gain above the baseline)."""
    e = hospital.survey.effects
    n = len(columns["outcome"])
    gaps = columns["information_gaps"].astype(float) if "information_gaps" in columns else np.zeros(n)
    threshold = hospital.complaints.crowding.threshold_per_server
    doublings = np.log2(np.maximum(columns["crowding_per_server"] / threshold, 1.0))
    event = np.isin(columns["clinical_event"], (QUALITY_EVENT, SAFETY_EVENT))
    late = np.zeros(n)
    if "slot_time" in columns:
        late = np.nan_to_num(np.maximum(columns["consultation_start"] - columns["slot_time"], 0.0))
    doctor = columns["doctor_id"]
    skill = np.zeros(n)
    skill[doctor >= 0] = doctor_skill[doctor[doctor >= 0]]
    quality = np.nan_to_num(columns["communication_quality"])  # no consultation: the baseline
    effects = {
        "tangibles": -e.tangibles_per_doubling * doublings,
        "reliability": -(
            e.reliability_deferral * (columns["outcome"] == REVIEW_DEFERRED)
            + e.reliability_clinical_event * event
            + e.reliability_per_10_min_late * late / 10.0
        ),
        "responsiveness": -(e.responsiveness_per_10_min * columns["perceived_excess_wait_min"] / 10.0)
        - e.responsiveness_per_gap * gaps,
        "assurance": e.assurance_per_sd_skill * skill - e.assurance_clinical_event * event,
        "empathy": e.empathy_per_sd_quality * quality - e.empathy_per_gap * gaps,
        "economy": -e.economy_per_doubling * np.log2(_charges(columns, hospital) / hospital.survey.expected_charge_cny),
    }
    return np.column_stack([effects[d] for d in DIMENSIONS])


def _charges(columns: Columns, hospital: HospitalConfig) -> np.ndarray:
    """Each visit's charge (CNY): the visit table's ``charge_total`` when the model
    charges visits (``hospital.charges``; a visit charged nothing counts as charged
    what was expected: it moves nothing), else the configured constant."""
    if "charge_total" in columns:
        charge = np.asarray(columns["charge_total"], dtype=float)
        return np.where(charge > 0, charge, hospital.survey.expected_charge_cny)
    return np.full(len(columns["outcome"]), hospital.survey.charge_cny)


def _likert(latent: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(latent), 1, 5).astype(np.int8)


def respond(
    columns: Columns, hospital: HospitalConfig, streams: Streams, doctor_skill: np.ndarray
) -> tuple[Columns, int]:
    """(one row per respondent, patients asked) among the visits in ``columns`` (a day
    or more of one replication, in day order, complaint columns included)."""
    s = hospital.survey
    k = s.items_per_dimension
    n_dim = len(DIMENSIONS)
    draws = per_visit(
        columns,
        streams,
        "survey.draws",
        lambda rng, m: np.hstack([rng.random((m, 3)), rng.standard_normal((m, LEADING_DRAWS - 3 + 2 * n_dim * k))]),
    )
    uniform = draws[:, :3]
    asked = counted(columns) & (uniform[:, U_ASKED] < s.sampled_share)
    who = np.flatnonzero(asked)
    d = draws[who]
    items = d[:, LEADING_DRAWS:].reshape(len(who), 2, n_dim, k)
    expected = np.array([s.expectation[x] for x in DIMENSIONS])
    perceived = np.array([s.perception[x] for x in DIMENSIONS]) + visit_effects(columns, hospital, doctor_skill)[who]
    expectation = _likert(
        expected[None, :, None] + s.respondent_sd * d[:, Z_EXPECTS, None, None] + s.item_sd * items[:, 0]
    )
    perception = _likert(
        perceived[:, :, None] + s.respondent_sd * d[:, Z_PERCEIVES, None, None] + s.item_sd * items[:, 1]
    )
    gap = perception.mean(axis=2) - expectation.mean(axis=2)  # respondents x dimensions
    latent = (
        s.satisfaction_base + s.satisfaction_per_point * gap.mean(axis=1) + s.satisfaction_sd * d[:, Z_SATISFACTION]
    )
    satisfaction = _likert(latent)
    recommends = uniform[who, U_RECOMMENDS] < expit(s.recommend_log_odds + s.recommend_per_point * (latent - 4.0))
    dissatisfied = satisfaction <= DISSATISFIED_AT_MOST
    answer = expit(logit(s.response_rate) + np.log(s.dissatisfied_response_odds_ratio) * dissatisfied)
    answers = uniform[who, U_ANSWERS] < answer
    rows = _rows(columns, who[answers], expectation[answers], perception[answers], gap[answers])
    rows["overall_satisfaction"] = satisfaction[answers]
    rows["would_recommend"] = recommends[answers]
    return rows, len(who)


def _rows(columns: Columns, who: np.ndarray, expectation: np.ndarray, perception: np.ndarray, gap: np.ndarray):
    rows = {
        "visit_id": columns["visit_id"][who],
        "day": columns["day"][who],
        "department": columns["department"][who],
        "doctor_id": columns["doctor_id"][who],
        "female": columns["female"][who],
        "age_group": columns["age_group"][who],
        "education": columns["education"][who],
    }
    for j, dimension in enumerate(DIMENSIONS):
        rows[f"expectation_{dimension}"] = expectation[:, j].mean(axis=1)
        rows[f"perception_{dimension}"] = perception[:, j].mean(axis=1)
        rows[f"gap_{dimension}"] = gap[:, j]
    for j, dimension in enumerate(DIMENSIONS):
        for item in range(expectation.shape[2]):
            rows[f"{dimension}_expectation_{item + 1}"] = expectation[:, j, item]
            rows[f"{dimension}_perception_{item + 1}"] = perception[:, j, item]
    return rows


class DaySurveys:
    """The survey of one replication, one finished day at a time (as the complaint
    model's ``DayByDay``: a visit's draws depend only on its day and place in it)."""

    def __init__(self, hospital: HospitalConfig, run: RunConfig, replication: int, doctor_skill: np.ndarray):
        self.hospital = hospital
        self.replication = replication
        self.streams = Streams(run.seed, replication)
        self.doctor_skill = doctor_skill
        self.parts: list[Columns] = []
        self.asked = 0

    def add_day(self, columns: Columns) -> None:
        rows, asked = respond(columns, self.hospital, self.streams, self.doctor_skill)
        self.parts.append(rows)
        self.asked += asked

    def rows(self) -> Columns:
        """Every respondent of the replication, in visit order."""
        rows = {name: np.concatenate([p[name] for p in self.parts]) for name in self.parts[0]}
        rows["replication"] = np.full(len(rows["visit_id"]), self.replication, dtype=np.int32)
        return rows
