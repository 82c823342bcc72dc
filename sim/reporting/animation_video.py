"""The day's patient flow (``sim.reporting.animation``) as a GIF or an MP4 for slides:
the same plan, dots, counts and clock as the interactive page, drawn with matplotlib
(a GIF through Pillow, which matplotlib needs anyway; an MP4 through ffmpeg, when the
machine has it)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import animation as mpl_animation  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from sim.reporting.animation import Flow, card_text  # noqa: E402
from sim.reporting.animation_html import COMPLAINT_COLOUR, PALETTE  # noqa: E402

FORMATS = ("gif", "mp4")
DPI = 80
SERVICE_FILL, QUEUE_FILL, EDGE = "#e8f1e4", "#f3f6fa", "#9aa7b4"


def write_video(flow: Flow, path: str | Path, frames_per_second: int = 4) -> Path:
    """Draw every frame of ``flow`` into ``path`` (.gif or .mp4)."""
    path = Path(path)
    kind = path.suffix.lstrip(".").lower()
    if kind not in FORMATS:
        raise ValueError(f"{path.name}: the animation is written as .gif or .mp4")
    if kind == "mp4" and not mpl_animation.writers.is_available("ffmpeg"):
        raise RuntimeError("an MP4 needs ffmpeg (e.g. apt-get install ffmpeg); write a .gif instead")
    fig, draw = _drawing(flow)
    try:
        if kind == "gif":
            _write_gif(fig, draw, len(flow.times), path, frames_per_second)
        else:
            movie = mpl_animation.FuncAnimation(fig, draw, frames=len(flow.times), blit=False)
            movie.save(path, writer=mpl_animation.FFMpegWriter(fps=frames_per_second), dpi=DPI)
    finally:
        plt.close(fig)
    return path


def _write_gif(fig, draw, frames: int, path: Path, frames_per_second: int) -> None:
    """Each frame mapped onto one fixed palette (the plan's colours and greys): twice as
    fast as matplotlib's PillowWriter, which finds a palette for every frame."""
    from PIL import Image

    fig.set_dpi(DPI)
    palette = _palette()
    images = []
    for k in range(frames):
        draw(k)
        fig.canvas.draw()
        rgb = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3])
        images.append(rgb.quantize(palette=palette, dither=Image.Dither.NONE))
    images[0].save(path, save_all=True, append_images=images[1:], duration=int(1000 / frames_per_second), loop=0)


def _palette():
    from PIL import Image

    colours = [*PALETTE, COMPLAINT_COLOUR, SERVICE_FILL, QUEUE_FILL, EDGE]
    rgb = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
    rgb += [(g, g, g) for g in range(0, 256, 17)]
    rgb += [tuple(int(255 - (255 - v) * a) for v in colour) for colour in rgb[: len(PALETTE) + 1] for a in (0.3, 0.6)]
    image = Image.new("P", (1, 1))
    image.putpalette([v for colour in rgb for v in colour] + [0] * (768 - 3 * len(rgb)))
    return image


def _drawing(flow: Flow):
    """The figure with the plan drawn once, and a function drawing frame ``k`` on it."""
    width = max(c.x + c.width for c in flow.cards) + 0.2
    height = max(c.y + c.height for c in flow.cards) + 0.2
    scale = 12.0 / width  # inches per plan unit: 12 inches wide
    fig = plt.figure(figsize=(12.0, (height + 1.5) * scale))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(-0.2, width)
    ax.set_ylim(height, -1.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    scaled = "" if flow.per_dot == 1 else f" · one dot per {flow.per_dot}"
    ax.text(0.0, -1.4, f"{flow.title} · {flow.patients} patients{scaled}", fontsize=8, va="top")
    for card in flow.cards:
        ax.add_patch(
            Rectangle(
                (card.x, card.y),
                card.width,
                card.height,
                facecolor=SERVICE_FILL if card.servers else QUEUE_FILL,
                edgecolor=EDGE,
                lw=0.8,
            )
        )
        if card.label:
            ax.text(card.x + 0.05, card.y + 0.2, card.label, fontsize=6, weight="bold", va="center")
    colour = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(flow.departments)}
    dots = ax.scatter([], [], s=18)
    stars = ax.scatter([], [], s=60, marker="*", color=COMPLAINT_COLOUR)
    counts = [
        ax.text(card.x + card.width - 0.05, card.y + 0.2, "", fontsize=5.5, ha="right", va="center")
        for card in flow.cards
    ]
    clock = ax.text(0.0, -0.45, "", fontsize=12, weight="bold", va="center")
    by_frame = dict(tuple(flow.dots.groupby("frame")))
    count_by_frame = {k: group.set_index("card")["count"] for k, group in flow.counts.groupby("frame")}

    def draw(k: int):
        frame = by_frame.get(k, flow.dots.iloc[:0])
        plain = frame[~frame["complained"].to_numpy(dtype=bool)]
        starred = frame[frame["complained"].to_numpy(dtype=bool)]
        dots.set_offsets(plain[["x", "y"]].to_numpy() if len(plain) else [[float("nan"), float("nan")]])
        dots.set_color([colour[d] for d in plain["department"]] or ["none"])
        stars.set_offsets(starred[["x", "y"]].to_numpy() if len(starred) else [[float("nan"), float("nan")]])
        frame_counts = count_by_frame.get(k, {})
        for text, card in zip(counts, flow.cards, strict=True):
            text.set_text(card_text(card, int(frame_counts.get(card.key, 0))))
        clock.set_text(flow.clock[k])
        return [dots, stars, clock, *counts]

    return fig, draw
