"""The senses page's "learn the mix for these senses" control: ELMo's second stage on the user's labels."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from figures import summaries_new_pages as says
from figures.language_model import mix_accuracy, mix_weights
from i18n import _
from ui import cached_lm, chart, inputs
from ui.feedback import friendly_errors
from ui.literal import md


def learned_mix_view(word: str, sentences: str, elmo_folder: str, mix: Sequence[float], layers: Sequence[str]) -> None:
    """Fit ScalarMix (s_j, γ) + a linear classifier on the labelled occurrences; show s_j beside the sliders'
    mix and the cross-validated accuracy beside each single layer's."""
    st.subheader(_("Learn the mix for these senses (ELMo's second stage)"))
    st.caption(
        _(
            "In a downstream task ELMo learns its layer weights s_j and scale γ (eq. 1) together with the task's "
            "model. Here the task is your sense labels and the model a linear classifier on the mixed vector (Adam, "
            "weight decay), cross-validated: leave-one-out up to 20 sentences, stratified k-fold above."
        )
    )
    if not inputs.toggle(_("Learn the mix for these senses"), key="learn_mix"):
        return
    with friendly_errors(_("learning the mix")):
        fit = cached_lm.learned_mix(word, sentences, elmo_folder)
        if fit.note:
            st.warning(md(fit.note), icon=":material/warning:")  # it names the sense labels typed
        hand = [w / sum(mix) for w in mix]
        left, right = st.columns(2)
        chart.show_in(
            left, mix_weights(fit.weights, hand, layers), says.mix_weights(fit.weights, layers), key="learned_weights"
        )
        chart.show_in(right, mix_accuracy(fit, layers), says.mix_accuracy(fit, layers), key="learned_accuracy")
        st.caption(
            _(
                "{n} labelled sentences, {senses} senses, {scheme}. Learned on all of them: "
                "s = {weights}, γ = {gamma:.2f} (each layer first scaled to "
                "a mean norm of 1, so s compares layers, not their sizes). Layer 0 is the same for every occurrence, "
                "so alone it can only guess the most frequent sense."
            ).format(
                n=fit.n,
                senses=len(fit.senses),
                scheme=_(fit.scheme),
                weights=" / ".join(f"{s:.2f}" for s in fit.weights),
                gamma=fit.gamma,
            )
        )
