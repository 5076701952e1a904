"""Draw a page's table: `st.dataframe` normally, an HTML `st.table` at projector size in projector mode.

`st.dataframe` draws on a canvas that page CSS cannot enlarge (its cells stay at about 13 px), so in
projector mode (`?projector=true`) the same rows go out as `st.table`, whose text ui/projector.py's CSS
sets at `PROJECTOR_FONT_PX`. Numbers are formatted the same way in both (`formats`: column -> printf format).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import _
from ui import projector

PROJECTOR_ROWS = 25  # rows shown as a projector table; the rest are named, not silently dropped


def formatted(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """A copy of `frame` with each column in `formats` printed as text with its printf format ("%.3f")."""
    out = frame.copy()
    for column, spec in formats.items():
        if column in out:
            out[column] = [spec % value if pd.notna(value) else "" for value in out[column]]
    return out


def show_table(frame: pd.DataFrame, *, formats: dict[str, str] | None = None, **dataframe_kwargs) -> None:
    """`frame` without its index: a sortable `st.dataframe` (extra keyword arguments go to it), or in projector
    mode an `st.table` of its first `PROJECTOR_ROWS` rows at projector size, with a line saying how many follow."""
    formats = formats or {}
    if not projector.active():
        config = {column: st.column_config.NumberColumn(format=spec) for column, spec in formats.items()}
        config.update(dataframe_kwargs.pop("column_config", {}) or {})
        st.dataframe(frame, hide_index=True, column_config=config, **dataframe_kwargs)
        return
    shown = formatted(frame.head(PROJECTOR_ROWS), formats)
    st.table(shown.style.hide(axis="index"))
    if len(frame) > PROJECTOR_ROWS:
        st.caption(
            _("The first {shown} of {rows} rows (projector mode); all rows without it.").format(
                shown=PROJECTOR_ROWS, rows=len(frame)
            )
        )
