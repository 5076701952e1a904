"""Page set-up shared by the home page and every page in pages/."""

from __future__ import annotations

import streamlit as st

from engine import ASSETS, policy
from ui import cached

APP_TITLE = "NLP Model Explorer"


PAGES = [
    ("app.py", "Home", ":material/home:"),
    ("pages/1_LSTM_gates.py", "LSTM gates", ":material/memory:"),
    ("pages/2_ELMo_senses.py", "ELMo senses", ":material/hub:"),
    ("pages/3_Transformer_attention.py", "Transformer attention", ":material/grid_view:"),
]


FAVICON = str(ASSETS / "favicon.png")  # a local file: a :material/...: page icon is fetched from Google's fonts


def setup(title: str) -> None:
    """Wide layout, a tab title, and the navigation at the top of the sidebar."""
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=FAVICON, layout="wide")
    cached.umap_warm_up()  # in the background, as soon as any page opens
    with st.sidebar:
        for path, label, page_icon in PAGES:
            st.page_link(path, label=label, icon=page_icon)
        st.divider()


def sidebar_footer() -> None:
    where = "this shared server" if policy.current().shared else "your machine"
    st.sidebar.caption(
        f"Runs offline on {where}: no telemetry, nothing fetched from the internet. "
        "Every input is in the link: copy the URL to share this exact view."
    )
