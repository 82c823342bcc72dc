"""Customer relationship management (CRM) analytics of a run's patients: recency,
frequency, monetary value and drug share (RFM, dRFM), k-means segments, their check
with a decision tree, their profiles, and which segments a scenario keeps or loses
compared with baseline, patient by patient.

After Min Li et al. (Int J Med Inform 2021, 104373: RFM + d, the drug share of
spending, segmented outpatients of a Shanghai hospital best; k-means, segments
verified with decision trees). Per patient with a visit, at the end of the horizon:

* ``recency_days``: days from the last visit to the last day of the run (0: seen on it);
* ``frequency``: visits made (no-shows excluded);
* ``monetary_cny``: what those visits cost (``hospital.charges``);
* ``drug_share``: drugs' share of it (0 for a patient charged nothing).

Segments: k-means on standardised features (frequency and money on a log scale, as
both are heavy-tailed), k from 2 to 6 chosen by the mean silhouette (on a sample),
segments numbered by mean money, highest first, so labels mean the same in every run.
A CART tree (scikit-learn's ``DecisionTreeClassifier``) learns the labels from the
raw features on 70% of the patients; its accuracy on the other 30% says how cleanly
the segments are separated by simple rules.

Comparing a scenario with baseline (``rfm_at_cutoff``, ``compare``): segments on each
run's visits before a cut-off day, losses after it, over the patients in the same
segment at the cut-off in both runs (why: ``compare``'s docstring). Segmenting the
baseline's end-of-run R/F/M/d instead, as this module once did, picks patients on
whether the baseline lost them and shows segment shifts for a placebo.

scikit-learn is an optional dependency: ``pip install "hospital-sim[crm]"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis import stats

RFM = ("recency_days", "frequency", "monetary_cny")
DRFM = (*RFM, "drug_share")
FEATURE_SETS = {"rfm": RFM, "drfm": DRFM}
LOG_SCALED = ("frequency", "monetary_cny")
KEY = ["replication", "patient_id"]


def _sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError as error:  # pragma: no cover - the test extra installs it
        raise ImportError(
            'CRM segments need scikit-learn: pip install "hospital-sim[crm]" (or pip install scikit-learn)'
        ) from error


def rfm_table(patients: pd.DataFrame, horizon_days: int) -> pd.DataFrame:
    """R, F, M and d of every patient with a visit (``patients.parquet`` of a run of
    ``horizon_days`` days), with complaints and whether they were lost."""
    seen = patients[patients["visits"] > 0]
    charges = seen["charges_total"].to_numpy(dtype=float)
    drugs = seen["charges_drugs"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "replication": seen["replication"].to_numpy(),
            "patient_id": seen["patient_id"].to_numpy(),
            "recency_days": (horizon_days - 1) - seen["last_visit_day"].to_numpy(dtype=np.int64),
            "frequency": seen["visits"].to_numpy(dtype=np.int64),
            "monetary_cny": charges,
            "drug_share": np.divide(drugs, charges, out=np.zeros_like(drugs), where=charges > 0),
            "complaints": seen["complaints"].to_numpy(dtype=np.int64),
            "lost": (seen["lost_day"] >= 0).to_numpy(),
        }
    )


def _design(rfm: pd.DataFrame, features: tuple[str, ...]) -> np.ndarray:
    columns = [
        np.log1p(rfm[f].to_numpy(dtype=float)) if f in LOG_SCALED else rfm[f].to_numpy(dtype=float) for f in features
    ]
    return np.column_stack(columns)


@dataclass
class Segmentation:
    """A fitted segmentation: scaling, k-means and the order that numbers its segments."""

    features: tuple[str, ...]
    k: int
    silhouette: dict[int, float]
    mean: np.ndarray
    scale: np.ndarray
    kmeans: object
    order: np.ndarray  # k-means cluster -> segment number (by mean money, highest first)
    labels: np.ndarray  # segment of each patient of the table it was fitted on
    tree_accuracy: float = float("nan")
    tree_rules: str = ""
    seed: int = 0
    names: list[str] = field(default_factory=list)

    def assign(self, rfm: pd.DataFrame) -> np.ndarray:
        """Segments of other patients (another scenario's, paired by patient), by the
        nearest of this segmentation's centres."""
        if not len(rfm):
            return np.empty(0, dtype=np.int64)
        cluster = self.kmeans.predict((_design(rfm, self.features) - self.mean) / self.scale)
        return self.order[cluster]


def segment(
    rfm: pd.DataFrame,
    features: str = "drfm",
    k_range=range(2, 7),
    seed: int = 0,
    sample: int = 3000,
    fit_sample: int = 50_000,
) -> Segmentation:
    """k-means segments of ``rfm`` (``rfm_table``) on the features of ``features``
    (``"rfm"`` or ``"drfm"``), k chosen by silhouette (on ``sample`` patients),
    verified with a CART tree. With more than ``fit_sample`` patients, the scaling,
    k-means and tree are fitted on that many drawn at random (seeded) and every
    patient is then given the nearest segment."""
    _sklearn()
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    # one thread: small fits gain nothing from more, and a shared machine loses much
    with threadpool_limits(limits=1):
        return _segment(rfm, features, k_range, seed, sample, fit_sample)


def _segment(rfm, features, k_range, seed, sample, fit_sample) -> Segmentation:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    names = FEATURE_SETS[features]
    everyone = rfm
    if len(rfm) > fit_sample:
        rows = np.sort(np.random.default_rng(seed).choice(len(rfm), size=fit_sample, replace=False))
        rfm = rfm.iloc[rows]
    x = _design(rfm, names)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    z = (x - mean) / scale
    fits, silhouette = {}, {}
    for k in k_range:
        if k >= len(z):
            break
        model = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(z)
        fits[k] = model
        silhouette[k] = float(silhouette_score(z, model.labels_, sample_size=min(sample, len(z)), random_state=seed))
    if not fits:
        raise ValueError(f"too few patients to segment: {len(z)}")
    k = max(silhouette, key=lambda key: (silhouette[key], -key))
    model = fits[k]
    money = np.array([rfm["monetary_cny"].to_numpy()[model.labels_ == c].mean() for c in range(k)])
    order = np.empty(k, dtype=np.int64)
    order[np.argsort(-money, kind="stable")] = np.arange(k)
    labels = order[model.labels_]
    result = Segmentation(tuple(names), k, silhouette, mean, scale, model, order, labels, seed=seed)
    result.tree_accuracy, result.tree_rules = verify_with_tree(rfm, labels, names, seed)
    result.names = [f"S{s + 1}" for s in range(k)]
    if everyone is not rfm:
        result.labels = result.assign(everyone)
    return result


def verify_with_tree(rfm: pd.DataFrame, labels: np.ndarray, features, seed: int = 0) -> tuple[float, str]:
    """(accuracy on held-out patients, the tree's rules) of a CART tree of depth 4
    learning the segments from the raw features."""
    _sklearn()
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier, export_text

    x = rfm[list(features)].to_numpy(dtype=float)
    if len(np.unique(labels)) < 2 or len(x) < 10:
        return float("nan"), ""
    x_train, x_test, y_train, y_test = train_test_split(x, labels, test_size=0.3, random_state=seed)
    tree = DecisionTreeClassifier(max_depth=4, random_state=seed).fit(x_train, y_train)
    return float(tree.score(x_test, y_test)), export_text(tree, feature_names=list(features))


def profiles(rfm: pd.DataFrame, labels: np.ndarray, names: list[str] | None = None) -> pd.DataFrame:
    """Per segment: patients, share, mean R, F, M, d, complaints per patient, and
    retention (share not lost by the end of the run)."""
    frame = rfm.assign(segment=labels)
    out = frame.groupby("segment").agg(
        patients=("patient_id", "size"),
        recency_days=("recency_days", "mean"),
        frequency=("frequency", "mean"),
        monetary_cny=("monetary_cny", "mean"),
        drug_share=("drug_share", "mean"),
        complaints_per_patient=("complaints", "mean"),
        retention=("lost", lambda lost: 1.0 - lost.mean()),
    )
    out.insert(1, "share", out["patients"] / out["patients"].sum())
    if names is not None:
        out.index = [names[s] for s in out.index]
    out.index.name = "segment"
    return out


class CutoffError(ValueError):
    """A cut-off day the comparison cannot use."""


def check_cutoff(cutoff_day: int, horizon_days: int) -> None:
    """Refuse a cut-off day outside the horizon: the segments need visits before it
    and the losses need days after it, so days 1 to ``horizon_days - 1`` are allowed."""
    if isinstance(cutoff_day, bool) or not isinstance(cutoff_day, (int, np.integer)):
        raise CutoffError(f"cut-off day {cutoff_day!r}: a whole number of days is needed")
    if not 1 <= cutoff_day <= horizon_days - 1:
        raise CutoffError(
            f"cut-off day {cutoff_day} is outside the horizon: a run of {horizon_days} days allows "
            f"1 to {horizon_days - 1} (segments from the visits before it, losses after it)"
        )


def rfm_at_cutoff(
    visits: pd.DataFrame, patients: pd.DataFrame, cutoff_day: int, complaints: pd.DataFrame | None = None
) -> pd.DataFrame:
    """R, F, M and d of every patient seen before ``cutoff_day``, from the visits of
    days 0 to ``cutoff_day - 1`` that came (no-shows excluded), and when they were lost.

    ``visits``: ``visits.parquet`` (``replication``, ``patient_id``, ``day``,
    ``outcome``, ``charge_total``, ``charge_drugs``; other columns ignored);
    ``patients``: ``patients.parquet`` (``lost_day``, -1 never); ``complaints``:
    ``complaints.parquet`` (optional: complaints made before the cut-off, else NaN).
    ``recency_days`` counts from the last visit to the day before the cut-off (0: seen
    on it), so the cut-off at the end of the horizon gives ``rfm_table``'s values.
    ``lost_before``: lost before the cut-off; ``lost``: lost on it or after."""
    came = visits[(visits["day"] < cutoff_day) & (visits["outcome"] != "no_show")]
    per_patient = came.groupby(KEY, sort=True, observed=True).agg(
        last_day=("day", "max"),
        frequency=("day", "size"),
        monetary_cny=("charge_total", "sum"),
        drugs=("charge_drugs", "sum"),
    )
    per_patient = per_patient.reset_index()
    lost_day = per_patient[KEY].merge(patients[[*KEY, "lost_day"]], on=KEY, how="left")["lost_day"]
    if lost_day.isna().any():
        raise ValueError("visits of patients missing from patients.parquet: the two tables are of different runs")
    lost_day = lost_day.to_numpy(dtype=np.int64)
    charges = per_patient["monetary_cny"].to_numpy(dtype=float)
    drugs = per_patient["drugs"].to_numpy(dtype=float)
    table = pd.DataFrame(
        {
            "replication": per_patient["replication"].to_numpy(),
            "patient_id": per_patient["patient_id"].to_numpy(),
            "recency_days": (cutoff_day - 1) - per_patient["last_day"].to_numpy(dtype=np.int64),
            "frequency": per_patient["frequency"].to_numpy(dtype=np.int64),
            "monetary_cny": charges,
            "drug_share": np.divide(drugs, charges, out=np.zeros_like(drugs), where=charges > 0),
            "complaints": _complaints_before(complaints, visits, per_patient, cutoff_day),
            "lost_before": (lost_day >= 0) & (lost_day < cutoff_day),
            "lost": lost_day >= cutoff_day,
        }
    )
    return table


def _complaints_before(complaints, visits, per_patient, cutoff_day) -> np.ndarray:
    """Complaints each patient made about visits before the cut-off (NaN without the table)."""
    if complaints is None:
        return np.full(len(per_patient), np.nan)
    made = complaints.loc[complaints["visit_day"] < cutoff_day, ["replication", "visit_id"]]
    who = made.merge(visits[["replication", "visit_id", "patient_id"]], on=["replication", "visit_id"])
    counts = who.groupby(KEY).size().rename("complaints").reset_index()
    return per_patient[KEY].merge(counts, on=KEY, how="left")["complaints"].fillna(0).to_numpy(dtype=float)


LOST_BEFORE, NOT_SEEN = "lost before the cut-off", "not seen before the cut-off"
ALL_KEPT = "all kept to the cut-off"


def _states(table: pd.DataFrame, model: Segmentation) -> pd.Series:
    """Each patient's state at the cut-off: a segment name, or ``LOST_BEFORE``."""
    state = np.full(len(table), LOST_BEFORE, dtype=object)
    kept = ~table["lost_before"].to_numpy()
    state[kept] = np.asarray(model.names, dtype=object)[model.assign(table[kept])]
    return pd.Series(state, index=pd.MultiIndex.from_frame(table[KEY]))


def compare(baseline: pd.DataFrame, scenario: pd.DataFrame, model: Segmentation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which segments a scenario keeps or loses after a cut-off day compared with
    baseline, paired by patient; unbiased when the scenario changes nothing.

    ``baseline`` and ``scenario``: ``rfm_at_cutoff`` tables of the two runs at the same
    cut-off (runs of the same seed and replications, whose patients are the same
    people: common random numbers); ``model``: a segmentation, normally fitted on the
    baseline's patients kept to the cut-off. Each run's patients are segmented on their
    own history before the cut-off, and a segment's patients are those in it *in both
    runs*; their losses after the cut-off are compared.

    Why both runs: a segment read off the baseline's history is partly the baseline's
    luck, and luck carries into what follows (a patient's return depends on what they
    lived through last), so patients picked by the baseline's segment alone are
    selected on the baseline's own future: the scenario, whose path noise is its own,
    looks different even when it changes nothing (regression to the mean; with the
    baseline's end-of-run segments, which depend on whether the patient was lost,
    the bias is large). Picking on the pair of states is symmetric in the two runs, so
    under a placebo (the two runs exchangeable) both lose the same share in
    expectation. The segmentation is fitted on the baseline only, which breaks the
    symmetry by one patient's weight in the centres: negligible with thousands.

    The comparison is conditional: a real effect before the cut-off (patients lost
    earlier or moved to another segment) is not in it but in ``transitions``.

    Returns (per segment, and ``ALL_KEPT`` for every patient kept to the cut-off in
    both runs whatever their segments: patients, share lost after the cut-off in each
    run, the difference with its paired 95% interval over replications (``ci_low``,
    ``ci_high``; NaN with one replication) and by patient (``patient_difference``,
    ``patient_ci_low``, ``patient_ci_high``: the paired indicator, +1 lost only in the
    scenario, -1 only in baseline, normal interval; patients are treated as
    independent although they share queues), and patients the scenario keeps that
    baseline lost and the reverse; transitions: the state at the cut-off in baseline x
    in the scenario, a segment, ``LOST_BEFORE`` or ``NOT_SEEN``, for every patient
    either run saw before it; under a placebo it is symmetric in expectation)."""
    states = pd.concat({"baseline": _states(baseline, model), "scenario": _states(scenario, model)}, axis=1)
    states = states.fillna(NOT_SEEN)
    for run, table in (("baseline", baseline), ("scenario", scenario)):
        states[f"lost_{run}"] = table.set_index(KEY)["lost"].reindex(states.index)
    paired = states.reset_index()
    both_kept = paired["baseline"].isin(model.names) & paired["scenario"].isin(model.names)
    same = both_kept & (paired["baseline"] == paired["scenario"])
    groups = [(name, paired[same & (paired["baseline"] == name)]) for name in model.names]
    groups.append((ALL_KEPT, paired[both_kept]))
    rows = [_loss_difference(name, group) for name, group in groups]
    transitions = pd.crosstab(paired["baseline"], paired["scenario"])
    order = [*model.names, LOST_BEFORE, NOT_SEEN]
    transitions = transitions.reindex(index=order, columns=order, fill_value=0)
    transitions.index.name, transitions.columns.name = "baseline at the cut-off", "scenario at the cut-off"
    return pd.DataFrame(rows).set_index("segment"), transitions


def _loss_difference(name: str, group: pd.DataFrame) -> dict:
    """Patients lost after the cut-off in each run, and the paired differences."""
    base = group["lost_baseline"].to_numpy(dtype=bool)
    other = group["lost_scenario"].to_numpy(dtype=bool)
    per_rep = group.assign(base=base, other=other).groupby("replication")[["base", "other"]].mean()
    over_replications = stats.t_interval((per_rep["other"] - per_rep["base"]).to_numpy(dtype=float))
    by_patient = paired_indicator_interval(other.astype(float) - base.astype(float))
    return {
        "segment": name,
        "patients": len(group),
        "lost_baseline": float(base.mean()) if len(group) else np.nan,
        "lost_scenario": float(other.mean()) if len(group) else np.nan,
        "difference": over_replications["mean"],
        "ci_low": over_replications["ci_low"],
        "ci_high": over_replications["ci_high"],
        "patient_difference": by_patient["mean"],
        "patient_ci_low": by_patient["ci_low"],
        "patient_ci_high": by_patient["ci_high"],
        "kept_by_scenario_only": int((base & ~other).sum()),
        "lost_by_scenario_only": int((~base & other).sum()),
        "replications": len(per_rep),
    }


def paired_indicator_interval(differences: np.ndarray, z: float = 1.959964) -> dict[str, float]:
    """Mean of paired differences (here -1, 0, +1 per patient) with a normal interval
    (``z`` 1.96: 95%); NaN for fewer than two patients."""
    n = len(differences)
    if n < 2:
        mean = float(differences.mean()) if n else np.nan
        return {"mean": mean, "ci_low": np.nan, "ci_high": np.nan, "se": np.nan}
    mean = float(differences.mean())
    se = float(differences.std(ddof=1) / np.sqrt(n))
    return {"mean": mean, "ci_low": mean - z * se, "ci_high": mean + z * se, "se": se}
