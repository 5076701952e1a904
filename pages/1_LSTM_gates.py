"""LSTM gates (work in progress)."""

import streamlit as st

from ui import inputs, page

page.setup("LSTM gates", ":material/memory:")
text = inputs.text_input(max_chars=100_000)
page.sidebar_footer()
st.title("LSTM gates")
st.info("This page is being built.")
