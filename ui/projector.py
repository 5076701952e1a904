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
from ui.literal import md

KEY = "projector"
ON, OFF = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")

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
    """The sidebar toggle for `?projector=`; applies the style when on. Returns whether it is on.

    The link is the toggle's only source (issue 24, kind 5): every run reads `?projector=` and the toggle
    writes it. The parameter is not bound to the widget (`bind="query-params"`), because Streamlit drops a
    bound parameter from the link when the page changes (it belongs to the previous page's widget): a
    teacher's projector mode then came back off on every page a student opened from the sidebar. The
    sidebar links carry it instead (`ui.hide.travelling`)."""
    st.session_state[KEY] = _from_link()
    on = bool(
        st.sidebar.toggle(
            _("Projector mode"),
            key=KEY,
            on_change=_write_link,
            help=_(
                "Large text (20 px and up) for a classroom projector. Add hide=sidebar to the link to hide the "
                "sidebar too."
            ),
        )
    )
    st.html(READABLE + (CSS if on else ""))
    return on


def _from_link() -> bool:
    """`?projector=true` (or 1, yes, on; any case) is on; absent or false is off. Another value is named
    once, shown literally, and dropped from the link."""
    given = st.query_params.get(KEY)
    if given is None or given.strip().lower() in OFF:
        return False
    if given.strip().lower() in ON:
        return True
    st.sidebar.warning(
        _("Projector mode in the link: {value} does not exist (true or false); showing false.").format(value=md(given))
    )
    del st.query_params[KEY]
    return False


def _write_link() -> None:
    """The toggle's new state into the link: `projector=true`, or no parameter when off."""
    if st.session_state[KEY]:
        st.query_params[KEY] = "true"
    elif KEY in st.query_params:
        del st.query_params[KEY]


def active() -> bool:
    return bool(st.session_state.get(KEY, False))
