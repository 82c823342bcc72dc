"""The teaching page (a Streamlit script; start it with ``hospital-sim-app``).

The sidebar sets a scenario — hospital, interventions, staffing, booked share, run
settings, or a scenario file — and "Run" sends it to the worker (``sim.app.runner``);
the page shows its KPIs against the hospital's baseline (same seed: a paired
comparison), the waits by hour, complaints by HCAT domain, the doctors' Lorenz curve,
the animated patient flow and the table of scenarios tried so far.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from sim.analysis.compare import paired_difference
from sim.app import scenario as scenarios
from sim.app import words
from sim.app.controls import composed, controls
from sim.app.runner import Worker
from sim.complaints import hcat
from sim.config.validate import ConfigError

RUN_DEFAULTS = {"run.days": 5, "run.replications": 5, "run.seed": 20261125}
POLL_S = 0.15


@st.cache_resource
def worker() -> Worker:
    return Worker()


@st.cache_data(show_spinner=False)
def slider_defaults(hospital: str, interventions: tuple[str, ...]):
    """The sliders of a hospital with these interventions, and its run settings."""
    config = composed(scenarios.Scenario(hospital, list(interventions)).overrides())
    run = {"run.days": config.run.days, "run.replications": config.run.replications, "run.seed": config.run.seed}
    return controls(config), run


def main() -> None:
    st.set_page_config(page_title="hospital-sim: teaching page", layout="wide")
    state = st.session_state
    state.setdefault("tried", [])
    state.setdefault("results", {})
    _apply_upload()
    scenario = _sidebar()
    st.title("Outpatient department: waits and complaints")
    st.caption(
        "Change the scenario on the left and press **Run**. Every run is compared with the same hospital "
        "without changes (its baseline), on the same simulated patients (common random numbers)."
    )
    if state.get("problem"):
        st.error(state["problem"])
    overrides = scenario.overrides()
    _download(scenario)
    if state.pop("run_now", False):
        _run(scenario, overrides)
    shown = state.get("shown")
    if shown is None:
        st.info("Press **Run** to simulate the scenario.")
        return
    result, baseline = state["results"][shown["scenario"]], state["results"][shown["baseline"]]
    st.subheader(f"Run {len(state['tried'])}: {shown['description']}")
    st.caption(
        f"{result.replications} replications × {result.days} days; run in {result.seconds:.1f} s · "
        f"`python -m sim {' '.join(result.overrides)}` gives the same numbers"
    )
    _cards(result, baseline)
    waits, timelines, complaints_tab, flow, tried = st.tabs(
        ["Waits", "Station timelines", "Complaints", "Patient flow", "Scenarios tried"]
    )
    with waits:
        _waits(result)
    with timelines:
        _timelines(result)
    with complaints_tab:
        _complaints(result)
    with flow:
        _animation(result)
    with tried:
        st.dataframe(pd.DataFrame(state["tried"]), hide_index=True, width="stretch")


def _sidebar() -> scenarios.Scenario:
    state = st.session_state
    side = st.sidebar
    side.header("Scenario")
    options = scenarios.hospitals()
    state.setdefault("hospital", scenarios.DEFAULT_HOSPITAL)  # through the state only: a scenario file sets it
    hospital = side.selectbox("Hospital", options, key="hospital")
    side.subheader("Interventions")
    chosen = [
        name
        for name, description in scenarios.interventions().items()
        if side.toggle(name.replace("_", " ").capitalize(), key=f"iv:{name}", help=description)
    ]
    sliders, run_defaults = slider_defaults(hospital, tuple(chosen))
    _follow_defaults(sliders, run_defaults)
    side.subheader("Staffing and appointments")
    settings = {}
    for control in sliders:
        value = side.slider(
            control.label, control.low, control.high, step=control.step, key=control.key, help=control.help
        )
        if value != control.default:
            settings[control.key] = int(value) if control.whole else round(float(value), 4)
    side.subheader("Run")
    days = side.number_input("Days", 1, 60, key="run.days")
    replications = side.number_input("Replications", 2, 50, key="run.replications")
    seed = side.number_input("Seed", 0, 2**31 - 1, key="run.seed")
    for key, value in (("run.days", days), ("run.replications", replications), ("run.seed", seed)):
        if value != run_defaults[key]:
            settings[key] = int(value)
    extra = side.text_area("Other overrides (one per line)", key="extra", help="any setting, as on the command line")
    for line in extra.splitlines():
        if line.strip():
            key, _, value = line.strip().partition("=")
            settings[key.strip()] = scenarios.parse_value(value.strip())
    side.file_uploader("Load a scenario (YAML)", type=["yaml", "yml"], key="upload")
    if side.button("Run", type="primary", width="stretch"):
        state["run_now"] = True
    return scenarios.Scenario(hospital, chosen, settings)


def _follow_defaults(sliders, run_defaults) -> None:
    """A slider left at its default follows the default when the hospital or the
    interventions change it (online appointments move the booked share to 85%)."""
    state = st.session_state
    previous = state.get("defaults", {})
    current = {c.key: c.default for c in sliders} | run_defaults
    for key, default in current.items():
        if key not in state or (key in previous and state[key] == previous[key]):
            state[key] = default
    state["defaults"] = current


def _apply_upload() -> None:
    """A scenario file just uploaded: set the controls to it (before they are drawn)."""
    state = st.session_state
    upload = state.get("upload")
    if upload is None or state.get("applied_upload") == upload.file_id:
        return
    state["applied_upload"] = upload.file_id
    try:
        loaded = scenarios.from_yaml(upload.getvalue().decode("utf-8"))
        if loaded.hospital not in scenarios.hospitals():
            raise scenarios.ScenarioError(
                f"hospital={loaded.hospital}: no such hospital ({', '.join(scenarios.hospitals())})"
            )
        unknown = set(loaded.interventions) - set(scenarios.interventions())
        if unknown:
            raise scenarios.ScenarioError(f"intervention {', '.join(sorted(unknown))}: no such intervention")
        sliders, run_defaults = slider_defaults(loaded.hospital, tuple(loaded.interventions))
    except (scenarios.ScenarioError, ConfigError, UnicodeDecodeError) as error:
        state["problem"] = f"Scenario file {upload.name}: {error}"
        return
    state["problem"] = None
    state["hospital"] = loaded.hospital
    for name in scenarios.interventions():
        state[f"iv:{name}"] = name in loaded.interventions
    known = {c.key for c in sliders} | set(run_defaults)
    for control in sliders:
        state[control.key] = loaded.settings.get(control.key, control.default)
    for key, default in run_defaults.items():
        state[key] = loaded.settings.get(key, default)
    state["defaults"] = {c.key: c.default for c in sliders} | run_defaults
    state["extra"] = "\n".join(f"{k}={scenarios.format_value(v)}" for k, v in loaded.settings.items() if k not in known)


def _download(scenario: scenarios.Scenario) -> None:
    st.sidebar.download_button(
        "Download this scenario (YAML)",
        scenario.to_yaml(),
        file_name="scenario.yaml",
        mime="application/x-yaml",
        width="stretch",
    )


def _run(scenario: scenarios.Scenario, overrides: list[str]) -> None:
    """Run the baseline (if not yet) and the scenario in the worker, with a progress bar."""
    state = st.session_state
    run_settings = {k: v for k, v in scenario.settings.items() if k.startswith("run.")}
    baseline = scenarios.Scenario(scenario.hospital, [], run_settings).overrides()
    bar = st.progress(0.0, text="Starting…")
    pool = worker()
    pool.reset_progress()
    futures = {tuple(w): pool.submit(w) for w in (baseline, overrides) if tuple(w) not in state["results"]}
    try:
        while not all(f.done() for f in futures.values()):
            bar.progress(pool.progress(), text="Running the scenario and its baseline…")
            time.sleep(POLL_S)
        for key, future in futures.items():
            state["results"][key] = future.result()
    except ConfigError as error:
        bar.empty()
        st.error(str(error))
        return
    bar.empty()
    state["problem"] = None
    state["shown"] = {"scenario": tuple(overrides), "baseline": tuple(baseline), "description": scenario.describe()}
    _remember(scenario, state["results"][tuple(overrides)], state["results"][tuple(baseline)])


def _remember(scenario: scenarios.Scenario, result, baseline) -> None:
    row = {"#": len(st.session_state["tried"]) + 1, "scenario": scenario.describe()}
    for name in words.HEADLINE:
        row[words.label(name)] = words.value_text(name, result.summary["mean"].get(name, float("nan")))
    row["command line"] = "python -m sim " + " ".join(result.overrides)
    st.session_state["tried"].append(row)


def _cards(result, baseline) -> None:
    names = [n for n in words.HEADLINE if n in result.summary.index]
    both = baseline.kpis.merge(result.kpis, on="replication", suffixes=("_base", "_scen"))
    for start in range(0, len(names), 4):
        columns = st.columns(4)
        for column, name in zip(columns, names[start : start + 4], strict=False):
            row = result.summary.loc[name]
            difference = paired_difference(both[f"{name}_base"], both[f"{name}_scen"])
            verdict = words.verdict(name, difference)
            with column.container(border=True):
                st.markdown(f"**{words.label(name)}**")
                value = words.value_text(name, row["mean"])
                st.markdown(f"<span class='kpi-{name}' style='font-size:1.6em'>{value}</span>", unsafe_allow_html=True)
                st.caption(words.interval_text(name, row["ci_low"], row["ci_high"]))
                colour = {"better": "green", "worse": "red", "unclear": "gray"}[verdict]
                st.markdown(f":{colour}[{words.difference_text(name, difference)}]")


def _waits(result) -> None:
    import plotly.express as px

    data = result.waits_by_hour
    if not len(data):
        st.write("No patient waited for a doctor.")
        return
    figure = px.line(data, x="hour", y="wait", color="department", markers=True)
    figure.update_layout(
        xaxis_title="hour of arrival",
        yaxis_title="mean wait for the doctor (min)",
        yaxis_rangemode="tozero",
        height=380,
    )
    st.plotly_chart(figure, width="stretch")
    st.caption("Mean wait for the first consultation by hour of arrival (all replications).")


def _timelines(result) -> None:
    """Each station's queue (mean and the 10th-90th percentile band over days and
    replications) and busy servers against the servers at work, by time of day."""
    from plotly.subplots import make_subplots

    table = result.timelines
    if table is None or not len(table):
        st.write("No patient came.")
        return
    labels = list(dict.fromkeys(table["label"]))
    figure = make_subplots(rows=len(labels), cols=1, shared_xaxes=True, subplot_titles=labels, vertical_spacing=0.04)
    for row, label in enumerate(labels, start=1):
        part = table[table["label"] == label]
        hours = part["bin_start_min"] / 60
        first = row == 1
        band = dict(mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False)
        figure.add_scatter(x=hours, y=part["waiting_p90"], row=row, col=1, **band)
        figure.add_scatter(
            x=hours, y=part["waiting_p10"], row=row, col=1, fill="tonexty", fillcolor="rgba(76,120,168,0.2)", **band
        )
        traces = (
            ("waiting_mean", "waiting (mean; band: 10th-90th percentile)", "#4c78a8", None),
            ("busy_mean", "being served", "#54a24b", None),
            ("servers_at_work", "servers at work", "#888888", "dot"),
        )
        for column, name, colour, dash in traces:
            figure.add_scatter(
                x=hours,
                y=part[column],
                row=row,
                col=1,
                name=name,
                legendgroup=name,
                showlegend=first,
                line={"color": colour, "dash": dash, "width": 1.6},
            )
    figure.update_layout(
        height=150 * len(labels) + 80, margin={"t": 40, "b": 30}, legend={"orientation": "h", "y": 1.02}
    )
    figure.update_xaxes(title_text="time of day (hour)", row=len(labels), col=1)
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Patients waiting and being served at each station, averaged over 15-minute bins (sim.analysis.timelines)."
    )


def _complaints(result) -> None:
    import plotly.graph_objects as go

    left, right = st.columns(2)
    summary = result.summary
    domains = [f"expected_complaints_{d}_per_1000_visits" for d in hcat.DOMAINS]
    means = [float(summary["mean"].get(n, float("nan"))) for n in domains]
    lows = [m - float(summary["ci_low"].get(n, float("nan"))) for m, n in zip(means, domains, strict=True)]
    highs = [float(summary["ci_high"].get(n, float("nan"))) - m for m, n in zip(means, domains, strict=True)]
    bars = go.Figure(
        go.Bar(
            x=[d.capitalize() for d in hcat.DOMAINS],
            y=means,
            error_y={"type": "data", "array": highs, "arrayminus": lows},
            marker_color=["#e45756", "#4c78a8", "#54a24b"],
        )
    )
    bars.update_layout(title="Expected complaints by HCAT domain", yaxis_title="per 1,000 visits", height=380)
    left.plotly_chart(bars, width="stretch")
    lorenz = go.Figure()
    from sim.reporting.complaint_figures import lorenz as lorenz_curve

    for name, colour in (("expected", "#4c78a8"), ("realised", "#f58518")):
        x, y = lorenz_curve(result.per_doctor[name])
        lorenz.add_trace(go.Scatter(x=x, y=y, name=f"{name} complaints", line={"color": colour}))
    lorenz.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name="equal shares", line={"dash": "dot", "color": "gray"}))
    lorenz.update_layout(
        title="How complaints concentrate on doctors (Lorenz curve)",
        xaxis_title="share of doctors (fewest complaints first)",
        yaxis_title="share of complaints",
        height=380,
    )
    right.plotly_chart(lorenz, width="stretch")


def _animation(result) -> None:
    if result.animation is None:
        st.write("No patient came on the first day.")
        return
    st.caption(
        "The first day of replication 1: every dot is a patient (colour: department); cards are queues (left) "
        "and the people serving (right). Press ▶ Play."
    )
    st.plotly_chart(result.animation, width="stretch")


# Streamlit runs this file as "__main__"; the worker processes, spawned from the page,
# import it again as "__mp_main__" and must not draw the page.
if __name__ == "__main__":
    main()
