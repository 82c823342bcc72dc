"""The complaint model's defaults reproduce the published figures on general_hospital.

The sample spreads over the year (two days from the 1st of every month, four
replications each, stratified by month), since congestion and so complaints vary
with the seasons. Rates, shares and ratios are measured for the population of
doctors (see sim.complaint_calibration.measure), so their intervals are narrow;
concentration across doctors is measured at the 48 x 82 doctors drawn.

Each figure must fall inside its tolerance band (sim.complaint_calibration.TARGETS:
the spread of the published figures), and its 95% interval must be no wider than
half the band, so that a value outside the band could not pass by chance. The
defaults were fitted to the centres of the bands; the least precise figure, the
top-10% share (standard error about 0.012), then has its nearest band edge 0.035 or
about 3 standard errors away, so fewer than 0.2% of seeds would fail a correct model;
the other figures are far more precise.

"Most doctors draw none" (Kohanim 2016: 63% over four years) is checked as a horizon:
for runs of up to a month (far longer in fact, see the README), most doctors have no
complaint.
"""

import pytest

from sim.complaint_calibration import TARGETS, measure, year_sample


@pytest.mark.slow
def test_general_hospital_reproduces_the_published_complaint_figures():
    results = measure(year_sample(days=2, reps=4, jobs=2))
    for name, target in TARGETS.items():
        mean, low, high = results[name]
        assert target.low <= mean <= target.high, (
            f"{name}: simulated {mean:.3g} (95% CI {low:.3g}-{high:.3g}) outside [{target.low}, {target.high}] "
            f"({target.source})")
        assert (high - low) / 2 <= (target.high - target.low) / 4, f"{name}: interval too wide to judge"
    assert results["days_until_most_doctors_have_a_complaint"][1] > 30
