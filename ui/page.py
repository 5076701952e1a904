"""Page set-up shared by the home page and every page in pages/."""

from __future__ import annotations

import pandas  # noqa: F401  (imported here, before setup() starts the UMAP warm-up thread, which imports
import streamlit as st  # it too: two threads importing pandas for the first time at once can fail)

from engine import ASSETS, policy
from i18n import N_, _
from ui import hide, language, loading, notebook, projector, warmup

APP_TITLE = N_("NLP Model Explorer")


PAGES = [
    ("app.py", N_("Home"), ":material/home:"),
    ("pages/0_Lessons.py", N_("Lessons"), ":material/school:"),
    ("pages/1_LSTM_gates.py", N_("LSTM gates"), ":material/memory:"),
    ("pages/1_LSTM_step_by_step.py", N_("LSTM step by step"), ":material/play_circle:"),
    ("pages/1_Why_gates.py", N_("Why gates? RNN vs LSTM"), ":material/timeline:"),
    ("pages/2_ELMo_language_model.py", N_("ELMo language model"), ":material/text_fields:"),
    ("pages/2_ELMo_senses.py", N_("ELMo senses"), ":material/hub:"),
    ("pages/3_Transformer_attention.py", N_("Transformer attention"), ":material/grid_view:"),
    ("pages/3_Inside_attention.py", N_("Inside attention"), ":material/account_tree:"),
    ("pages/4_Compare.py", N_("Compare the models"), ":material/compare_arrows:"),
    ("pages/5_What_each_layer_knows.py", N_("What each layer knows"), ":material/layers:"),
]


SHORT_TITLES = (N_("Why gates"), N_("Compare"))  # setup() titles shorter than their PAGES label

FAVICON = str(ASSETS / "favicon.png")  # a local file: a :material/...: page icon is fetched from Google's fonts


def setup(title: str) -> None:
    """The run's language, wide layout, a tab title, and the navigation at the top of the sidebar.

    `title`: the page's English label in PAGES (shown translated)."""
    language.start()  # first: every string below is in the run's language
    st.set_page_config(page_title=f"{_(title)} · {_(APP_TITLE)}", page_icon=FAVICON, layout="wide")
    page_file = next((path for path, label, _icon in PAGES if label.startswith(title)), None)  # "Compare" too
    st.session_state[notebook.PAGE_KEY] = page_file  # for "Open as notebook" in the footer
    loading.bind_status_slot(st.empty())  # "Loading the Transformer… about 3 s": at the top, never over another
    warmup.start()  # models load in the background (already started by `make run`: ui/serve.py)
    with st.sidebar:
        carried = hide.travelling()  # a teacher's hidden controls and projector mode follow the student
        for path, label, page_icon in PAGES:
            st.page_link(path, label=_(label), icon=page_icon, query_params=carried or None)
        st.divider()
        language.switch()
    projector.switch()
    hide.apply()


def sidebar_footer() -> None:
    notebook.download_button()
    if policy.current().shared:
        where = _("Runs offline on this shared server: no telemetry, nothing fetched from the internet.")
    else:
        where = _("Runs offline on your machine: no telemetry, nothing fetched from the internet.")
    st.sidebar.caption(where + " " + _("Every input is in the link: copy the URL to share this exact view."))
