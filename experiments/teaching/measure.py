"""The numbers of the classroom guide (experiments/teaching/README.md): each exercise's
scenarios run as the teaching page runs them (``sim.app.runner.run_page``, the same
numbers as ``python -m sim``), with each scenario's paired difference from its
baseline, printed as Markdown tables.

    python experiments/teaching/measure.py          # about 25 s on an idle machine with 2 cores
"""

from __future__ import annotations

from sim.analysis.compare import differences
from sim.app import words
from sim.app.runner import run_page

EXERCISES = {
    "1. Where is the bottleneck?": (
        ["hospital=teaching_demo"],
        {
            "one more internal-medicine doctor": ["hospital.departments.internal_medicine.doctors=4"],
            "one more imaging room": ["hospital.exams.imaging.servers=2"],
        },
        ["wait_doctor_mean_min", "wait_imaging_mean_min", "time_in_system_mean_min", "doctor_idle_per_session_min"],
    ),
    "2. Online appointments": (
        ["hospital=teaching_demo"],
        {"online appointments": ["intervention=online_appointments"]},
        [
            "wait_doctor_mean_min",
            "wait_walk_in_mean_min",
            "time_in_system_mean_min",
            "doctor_idle_per_session_min",
            "no_show_share",
        ],
    ),
    "3. A few doctors draw most complaints": (
        ["hospital=general_hospital", "run.days=2", "run.replications=5"],
        {"communication training": ["intervention=communication_training"]},
        [
            "expected_complaints_per_1000_visits",
            "expected_complaints_relationships_per_1000_visits",
            "expected_complaints_top10_doctors_share",
            "complaints_top10_doctors_share",
        ],
    ),
}


def row(name: str, summary, difference=None) -> str:
    mean = summary.loc[name, "mean"]
    text = f"{words.value_text(name, mean)} ({words.interval_text(name, summary.loc[name, 'ci_low'], summary.loc[name, 'ci_high'])})"
    if difference is None:
        return text
    d = difference.set_index("kpi").loc[name]
    return f"{text}; {words.difference_text(name, d.to_dict())}"


def main() -> None:
    for title, (base, scenarios, kpis) in EXERCISES.items():
        baseline = run_page(base, animate=False)
        print(f"\n### {title}\n\nbaseline: `python -m sim {' '.join(base)}`\n")
        for kpi in kpis:
            print(f"- {words.label(kpi)}: {row(kpi, baseline.summary)}")
        for label, extra in scenarios.items():
            result = run_page([*base, *extra], animate=False)
            diff = differences(baseline.kpis, result.kpis)
            print(f"\n{label}: `python -m sim {' '.join([*base, *extra])}`\n")
            for kpi in kpis:
                print(f"- {words.label(kpi)}: {row(kpi, result.summary, diff)}")


if __name__ == "__main__":
    main()
