"""The day's patient flow (``sim.reporting.animation``) as an interactive plotly figure:
play/pause, a time slider, the clock, a dot per patient moving between the cards,
each card's count, complaints made on site as red stars. ``write_html`` saves it as
one self-contained file (plotly.js inside: it opens offline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.reporting.animation import Flow, card_text

PALETTE = ["#4c78a8", "#54a24b", "#b279a2", "#f58518", "#72b7b2", "#9d755d", "#eeca3b", "#ff9da6", "#bab0ac"]
COMPLAINT_COLOUR = "#d62728"
FRAME_MS = 350


def figure(flow: Flow) -> dict:
    """The figure as plotly's plain data (a dict: building graph objects would validate
    every frame, seconds for a day), one frame per time of ``flow``."""
    colour = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(flow.departments)}
    frames = [{"name": str(k), "data": _frame_traces(flow, k, colour)} for k in range(len(flow.times))]
    width = max(c.x + c.width for c in flow.cards) + 0.2
    height = max(c.y + c.height for c in flow.cards) + 0.2
    layout = dict(
        title={"text": _title(flow), "x": 0.01},
        shapes=[_card_shape(card) for card in flow.cards],
        xaxis={"range": [-0.2, width], "visible": False, "fixedrange": True},
        yaxis={"range": [height, -0.9], "visible": False, "fixedrange": True},
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        height=int(140 + 62 * height),
        legend={"orientation": "h", "y": -0.02, "x": 0},
        updatemenus=[_buttons()],
        sliders=[_slider(flow)],
    )
    return {"data": frames[0]["data"] + _legend(colour), "layout": layout, "frames": frames}


def html(flow: Flow) -> str:
    """The figure as one self-contained HTML page (plotly.js included: opens offline)."""
    import plotly.io

    return plotly.io.to_html(figure(flow), include_plotlyjs=True, full_html=True, auto_play=False, validate=False)


def write_html(flow: Flow, path: str | Path) -> Path:
    """``html(flow)`` into ``path``."""
    path = Path(path)
    path.write_text(html(flow), encoding="utf-8")
    return path


def _title(flow: Flow) -> str:
    scale = f" · one dot per {flow.per_dot} patients" if flow.per_dot > 1 else ""
    return f"{flow.title} · {flow.patients} patients{scale}"


def _frame_traces(flow: Flow, k: int, colour: dict[str, str]) -> list[dict]:
    dots = flow.dots[flow.dots["frame"] == k]
    complained = dots["complained"].to_numpy(dtype=bool)
    counts = flow.counts[flow.counts["frame"] == k].set_index("card")["count"]
    text = [_card_text(card, int(counts.get(card.key, 0))) for card in flow.cards]
    return [
        {
            "type": "scatter",
            "x": dots["x"].round(3).tolist(),
            "y": dots["y"].round(3).tolist(),
            "ids": dots["visit_id"].astype(str).tolist(),
            "mode": "markers",
            "marker": {
                "size": np.where(complained, 12, 7).tolist(),
                "color": [
                    COMPLAINT_COLOUR if c else colour[d] for d, c in zip(dots["department"], complained, strict=True)
                ],
                "symbol": np.where(complained, "star", "circle").tolist(),
                "line": {"width": 0},
            },
            "hovertext": ["patient " + str(v) for v in dots["visit_id"]],
            "hoverinfo": "text",
            "showlegend": False,
        },
        {
            "type": "scatter",
            "x": [round(card.x + 0.05, 3) for card in flow.cards],
            "y": [round(card.y + 0.2, 3) for card in flow.cards],
            "text": text,
            "mode": "text",
            "textposition": "middle right",
            "textfont": {"size": 11, "color": "#333"},
            "hoverinfo": "skip",
            "showlegend": False,
        },
        {  # the clock (a trace, so that it moves with the frames without a redraw)
            "type": "scatter",
            "x": [0.0],
            "y": [-0.5],
            "text": [f"<b>{flow.clock[k]}</b>"],
            "mode": "text",
            "textposition": "middle right",
            "textfont": {"size": 20, "color": "#222"},
            "hoverinfo": "skip",
            "showlegend": False,
        },
    ]


def _legend(colour: dict[str, str]) -> list[dict]:
    """Legend entries (points never drawn): a colour per department, the complaint star."""
    entries = [(department.replace("_", " "), c, "circle") for department, c in colour.items()]
    entries.append(("complained on site", COMPLAINT_COLOUR, "star"))
    return [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "marker": {"color": c, "size": 10, "symbol": symbol},
            "name": name,
        }
        for name, c, symbol in entries
    ]


def _card_shape(card) -> dict:
    fill = "#f3f6fa" if not card.servers else "#e8f1e4"
    return {
        "type": "rect",
        "x0": card.x,
        "x1": card.x + card.width,
        "y0": card.y,
        "y1": card.y + card.height,
        "line": {"color": "#9aa7b4", "width": 1},
        "fillcolor": fill,
        "layer": "below",
    }


def _card_text(card, count: int) -> str:
    """The card's name (on queue cards) and its count."""
    words = card_text(card, count)
    return f"<b>{card.label}</b>  {words}" if card.label else words


def _buttons() -> dict:
    play = {
        "frame": {"duration": FRAME_MS, "redraw": False},
        "transition": {"duration": FRAME_MS - 50},
        "fromcurrent": True,
    }
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    return {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": -0.08,
        "xanchor": "left",
        "yanchor": "top",
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
        ],
    }


def _slider(flow: Flow) -> dict:
    return {
        "active": 0,
        "x": 0.15,
        "len": 0.85,
        "y": -0.06,
        "currentvalue": {"visible": False},
        "steps": [
            {
                "label": clock[-5:] if clock.endswith(":00") else "",
                "method": "animate",
                "args": [[str(k)], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
            }
            for k, clock in enumerate(flow.clock)
        ],
    }
