"""The floor of issue 24's first-paint target: a Streamlit app with one title and one small plotly heatmap,
no project code, no model, nothing computed. `bench/first_paint.py` serves it fresh exactly as it serves
the explorer's pages, in the same Chromium, so the two numbers share one machine and one moment: the
explorer cannot draw a first chart sooner than Streamlit and plotly.js draw this one.

    .venv/bin/python -m streamlit run bench/floor_app.py
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Floor: one plotly chart")
st.plotly_chart(go.Figure(go.Heatmap(z=np.arange(400.0).reshape(20, 20))))
