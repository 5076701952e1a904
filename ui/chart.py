"""Draw a page's plotly chart, and its one-sentence summary right below it.

Pages call `show` instead of `st.plotly_chart`: in projector mode (`?projector=true`) the figure is
redrawn with `figures.common.projector` (text at 20 px or more, the same colours) before
it is sent. Only the figure changes: nothing reruns a model.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from figures.common import projector as projector_figure
from ui import projector, summary


def show(fig: go.Figure, sentence: str | None = None, *, where=None, **kwargs):
    """`st.plotly_chart(fig, **kwargs)` (in the container `where`, default the current one), the figure
    redrawn for the projector when projector mode is on, then `sentence` as the chart's summary."""
    if projector.active():
        fig = projector_figure(fig)
    out = (where or st).plotly_chart(fig, **kwargs)
    if sentence is not None:
        if where is None:
            summary.say(sentence)
        else:
            with where:
                summary.say(sentence)
    return out


def show_in(where, fig: go.Figure, sentence: str | None = None, **kwargs):
    """`show` in the container `where` (a column): `where.plotly_chart(...)` for the projector too."""
    return show(fig, sentence, where=where, **kwargs)
