"""The senses page's GloVe section (issue 26): the static fourth model beside ELMo and MiniLM. Every
occurrence of the word gets GloVe's one vector (one point on a map), its nearest GloVe words, and
GloVe's row of the shipped probe card. Reuses `ui.cached_probes` and `engine.models.glove`."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from i18n import N_, _, ngettext
from ui import cached_probes
from ui.literal import md
from ui.table import show_table

CARD_COLUMNS = {  # the card's keys, named for a learner
    "pos": N_("part of speech"),
    "control": N_("control task"),
    "selectivity": N_("selectivity"),
    "ambiguous": N_("ambiguous words"),
    "sense_1nn": N_("sense (1-NN)"),
}


def card_row() -> pd.DataFrame:
    """GloVe's row of the probe card (assets/probes/card.json, checksum verified), columns named."""
    from engine.analysis import homographs as H

    glove = next(m for m in H.card()["models"] if m["key"] == "glove")
    row = glove["layers"][0]
    return pd.DataFrame([{_("model"): glove["model"], **{_(name): row[key] for key, name in CARD_COLUMNS.items()}}])


def glove_section(word: str, tokens: Sequence[str]) -> None:
    """The section: one point per occurrence, the nearest GloVe words, the card's row; a clear message
    (never a traceback) for a word outside GloVe's vocabulary."""
    st.subheader(_("GloVe, a static vector: one point for every occurrence"))
    facts = cached_probes.glove_facts(word, tuple(tokens))
    if not facts["known"]:
        st.info(
            md(
                _(
                    "'{word}' is not in GloVe's vocabulary ({size:,} lower-cased words): a static model has "
                    "no vector for a word it never saw, so there is nothing to draw for GloVe here."
                ).format(word=word, size=facts["vocabulary"])
            )
        )
        return
    points = facts["points"]
    st.markdown(
        md(
            ngettext(
                "GloVe gives '{word}' the same vector in every sentence: its {count} occurrences are "
                "{points} point on a map (different spellings, e.g. plurals, are "
                "different words to it), whatever the sense. Its nearest GloVe words (cosine similarity):",
                "GloVe gives '{word}' the same vector in every sentence: its {count} occurrences are "
                "{points} points on a map (different spellings, e.g. plurals, are "
                "different words to it), whatever the sense. Its nearest GloVe words (cosine similarity):",
                points,
            ).format(word=word, count=len(tokens), points=points)
        )
    )
    neighbours = cached_probes.glove_neighbours(word)
    st.markdown(", ".join(f"{md(w)} ({s:.2f})" for w, s in neighbours))
    st.caption(
        _(
            "Which sense do these neighbours belong to? A static vector mixes the senses in the proportions of "
            "GloVe's training text, so the commonest sense usually dominates its neighbours."
        )
    )
    show_table(card_row(), formats={_(name): "%.3f" for name in CARD_COLUMNS.values()})
    st.caption(
        _(
            "GloVe's row of this project's probe card: probe accuracies (part of speech, on all words and on ambiguous "
            "ones; the control task's random labels) and 1-NN sense accuracy. The 'What each layer knows' page has "
            "every model's."
        )
    )
