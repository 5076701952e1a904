"""The home page's overview diagram (assets/overview.svg) for a projector: its three panels (LSTM, ELMo,
Transformer) one at a time, each cropped from the same file by its viewBox and drawn wide enough that
its smallest text (11 px in the file) reaches at least 18 px on screen. No second drawing to keep in step."""

from __future__ import annotations

import re

from engine import ASSETS

OVERVIEW = ASSETS / "overview.svg"
PANELS = (  # (tab title, x, y, width, height of the panel in the file's coordinates)
    ("LSTM", 20, 20, 370, 340),
    ("ELMo", 415, 20, 370, 340),
    ("Transformer", 810, 20, 370, 340),
)
MIN_SCREEN_PX = 18
ROOT = re.compile(r'viewBox="[^"]*" width="[^"]*" height="[^"]*"')


def smallest_font(svg: str) -> float:
    """The smallest `font-size` in `svg`, in the file's units."""
    return min(float(size) for size in re.findall(r'font-size="([0-9.]+)"', svg))


def panel_width_px(svg: str, panel_width: float) -> int:
    """The width in screen px a panel `panel_width` units wide needs for its smallest text to be
    `MIN_SCREEN_PX` (a whole px above, never below)."""
    return int(-(-MIN_SCREEN_PX * panel_width // smallest_font(svg))) + 1


def panels(svg: str | None = None) -> list[tuple[str, str, int]]:
    """(title, SVG text cropped to the panel, width in px to draw it at) per panel of the overview.
    Raises ValueError when the file's root element no longer has the `viewBox`/`width`/`height` this
    crop rewrites."""
    svg = svg if svg is not None else OVERVIEW.read_text(encoding="utf-8")
    if not ROOT.search(svg):
        raise ValueError("overview.svg's root has no viewBox, width and height to crop")
    out = []
    for title, x, y, w, h in PANELS:
        width = panel_width_px(svg, w)
        cropped = ROOT.sub(f'viewBox="{x} {y} {w} {h}" width="{width}" height="{round(width * h / w)}"', svg, 1)
        out.append((title, cropped, width))
    return out
