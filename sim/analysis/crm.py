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


def compare(
    baseline: pd.DataFrame, scenario: pd.DataFrame, horizon_days: int, model: Segmentation
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which segments a scenario keeps or loses compared with baseline, paired by patient.

    Patients are those the baseline saw (``baseline`` and ``scenario`` are
    ``patients.parquet`` tables of runs with the same seed and replications, whose
    patients are the same people: common random numbers). Each keeps their baseline
    segment. Returns (per segment: patients, lost in baseline, lost in the scenario,
    the difference with its paired 95% interval over replications, patients the
    scenario keeps that baseline lost and the reverse; transitions: baseline segment
    x scenario segment, with ``lost`` for patients lost in the scenario and
    ``not seen`` for those the scenario never saw)."""
    base = rfm_table(baseline, horizon_days)
    base["segment"] = model.assign(base)
    other = rfm_table(scenario, horizon_days)
    other["segment"] = model.assign(other)
    paired = base.merge(other[[*KEY, "segment", "lost"]], on=KEY, how="left", suffixes=("", "_scenario"))
    paired["seen_scenario"] = paired["segment_scenario"].notna()
    paired["lost_scenario"] = paired["lost_scenario"].fillna(True).astype(bool)  # never seen: lost to it
    rows = []
    for s, group in paired.groupby("segment"):
        per_rep = group.groupby("replication").agg(base=("lost", "mean"), scenario=("lost_scenario", "mean"))
        interval = stats.t_interval((per_rep["scenario"] - per_rep["base"]).to_numpy(dtype=float))
        rows.append(
            {
                "segment": model.names[s],
                "patients": len(group),
                "lost_baseline": float(group["lost"].mean()),
                "lost_scenario": float(group["lost_scenario"].mean()),
                "difference": interval["mean"],
                "ci_low": interval["ci_low"],
                "ci_high": interval["ci_high"],
                "kept_by_scenario_only": int((group["lost"] & ~group["lost_scenario"]).sum()),
                "lost_by_scenario_only": int((~group["lost"] & group["lost_scenario"]).sum()),
            }
        )
    target = np.where(
        ~paired["seen_scenario"],
        "not seen",
        np.where(
            paired["lost_scenario"],
            "lost",
            [model.names[int(s)] if s == s else "" for s in paired["segment_scenario"]],
        ),
    )
    transitions = pd.crosstab([model.names[s] for s in paired["segment"]], target)
    transitions.index.name, transitions.columns.name = "baseline segment", "scenario"
    return pd.DataFrame(rows).set_index("segment"), transitions
