"""Projector mode, for every page and lesson: `?projector=true` (a toggle in the sidebar).

Body text and every chart's text at 20 px or more, and the sidebar out of the way when the link also
says `hide=sidebar`. Every chart is also redrawn with `figures.common.projector` (the same colours, larger
text): lessons in ui/lesson_view.py, pages through `ui.chart.show`; every table goes out as an HTML table
(`ui.table.show_table`) that this CSS sizes. Labels wrap instead of being cut ("Transformer attentior").
"""

from __future__ import annotations

import streamlit as st

from figures.common import PROJECTOR_FONT_PX
from i18n import _

KEY = "projector"

# On every page, projector or not: Streamlit's grey captions (#828180 on white, 3.9:1) fall short of
# WCAG AA's 4.5:1 for body text (axe-core "color-contrast"; captions are also drawn at opacity 0.6);
# this grey, fully opaque, gives 7:1.
READABLE = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *, [data-testid="stWidgetLabel"] small,
[data-testid="stTooltipHoverTarget"] { color: #555555 !important; opacity: 1 !important; }
</style>
"""

CSS = f"""
<style>
html, body, [data-testid="stAppViewContainer"] {{ font-size: {PROJECTOR_FONT_PX}px; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem; }}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li, [data-testid="stCaptionContainer"],
[data-testid="stWidgetLabel"] p, [data-testid="stText"], label, button p, textarea, input {{
  font-size: {PROJECTOR_FONT_PX}px !important; }}
.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .legendtext,
.js-plotly-plot .cbaxis text, .js-plotly-plot .gtitle, .js-plotly-plot .xtitle, .js-plotly-plot .ytitle,
.js-plotly-plot .annotation-text {{ font-size: {PROJECTOR_FONT_PX}px !important; }}
[data-testid="stTable"] th, [data-testid="stTable"] td,
[data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"], [data-testid="stSidebarNav"] span,
[data-testid="stPageLink"] p, [data-testid="stPageLink"] span {{ font-size: {PROJECTOR_FONT_PX}px !important; }}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{ font-size: {2 * PROJECTOR_FONT_PX}px !important; }}
[data-testid="stPageLink"] *, [data-testid="stWidgetLabel"], [data-testid="stWidgetLabel"] *,
[data-testid="stCheckbox"] label, [data-testid="stCheckbox"] p {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
[data-testid="stSidebar"] {{ min-width: 19rem; }}
</style>
"""


def switch() -> bool:
    """The sidebar toggle, bound to `?projector=`; applies the style when on. Returns whether it is on."""
    on = bool(
        st.sidebar.toggle(
            _("Projector mode"),
            key=KEY,
            bind="query-params",
            help=_(
                "Large text (20 px and up) for a classroom projector. Add hide=sidebar to the link to hide the "
                "sidebar too."
            ),
        )
    )
    st.html(READABLE + (CSS if on else ""))
    return on


def active() -> bool:
    return bool(st.session_state.get(KEY, False))
