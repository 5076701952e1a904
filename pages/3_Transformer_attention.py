"""Transformer attention (work in progress)."""

import streamlit as st

from ui import inputs, page

page.setup("Transformer attention", ":material/grid_view:")
text = inputs.text_input(max_chars=100_000)
page.sidebar_footer()
st.title("Transformer attention")
st.info("This page is being built.")
