"""ELMo senses (work in progress)."""

import streamlit as st

from ui import inputs, page

page.setup("ELMo senses", ":material/hub:")
text = inputs.text_input(max_chars=100_000)
page.sidebar_footer()
st.title("ELMo senses")
st.info("This page is being built.")
