"""ELMo's language model: what the forward and backward LMs expect, fill the blank, and the official ELMo."""

import pandas as pd
import streamlit as st

from engine.text import language_note
from engine.validation import check_text, clean_text
from figures import summaries_new_pages as says
from figures.language_model import blank_bars, word_probabilities
from i18n import N_, _
from ui import cached_lm, chart, inputs, notebook, page
from ui.feedback import friendly_errors, show_problems
from ui.literal import md
from ui.official_elmo import downloads_allowed, fetch_panel
from ui.table import show_table
from ui.words import words_here

MAX_CHARS = 600
EXAMPLES, CHECK_WORD = cached_lm.EXAMPLES, cached_lm.CHECK_WORD  # chosen from measured guesses (see there)
LM_NAMES = (N_("forward"), N_("backward"), N_("combined"))  # cached_lm.word_in_blank's keys, shown translated
UNKNOWN_LIMIT = 0.10  # above this share of words read as <UNK>, a perplexity is not comparable with English text


def unknown_share(in_vocab: list[bool]) -> float:
    """The share of words outside ELMo's vocabulary (0 for no words)."""
    return sum(not known for known in in_vocab) / len(in_vocab) if in_vocab else 0.0


def use_example(sentence: str) -> None:
    st.session_state["blank"] = sentence


page.setup("ELMo language model")
choice = inputs.choice(
    _("ELMo model"),
    cached_lm.elmo_choices(),
    key="lm_model",
    help=_("This app's biLM (trained here, with its softmax), or an official ELMo once fetched (below)."),
)
blank_text = st.sidebar.text_input(
    _("Sentence with a blank ___"),
    value=EXAMPLES[0],
    key="blank",
    bind="query-params",
    help=_("One blank, three underscores. Up to {limit} characters.").format(limit=MAX_CHARS),
)
st.sidebar.caption(_("Examples"))
for example in EXAMPLES:
    st.sidebar.button(example, on_click=use_example, args=(example,), key=f"example {example}")
check = st.sidebar.text_input(
    _("Check a word in the blank"),
    value=CHECK_WORD,
    key="check",
    bind="query-params",
    help=_("Its probability and rank under each LM, even when it is not among the top guesses."),
).strip()
sentence = st.sidebar.text_input(
    _("Sentence"),
    value=cached_lm.SENTENCE,
    key="sentence",
    bind="query-params",
    help=_("Any sentence."),
)
k = inputs.number(_("Guesses shown"), key="k", low=1, high=20, default=cached_lm.GUESSES, sidebar=True)
st.sidebar.caption(
    _("No telemetry.")
    + " "
    + (
        _("The one exception is the official-ELMo fetch at the bottom of this page, and only when you click it.")
        if downloads_allowed()
        else _("This shared server downloads nothing for a visitor.")
    )
    + " "
    + _("Every input is in the link: copy the URL to share this exact view.")
)
notebook.download_button()  # "Open as notebook" (other pages get it from page.sidebar_footer)

st.title(_("ELMo's language model"))
words_here(
    "biLM",
    "language model",
    "char-CNN",
    "softmax",
    "vocabulary",
    "<UNK>",
    "<S>",
    "</S>",
    "perplexity",
    "surprisal",
    "gate",
)
st.markdown(
    _(
        "ELMo's vectors are a by-product of a bidirectional language model (Peters et al. 2018, §3.1). Its **forward "
        "LM** predicts each word from the words to its left; its **backward LM** predicts each word from the words to "
        "its right. They are trained together, as two separate predictors sharing the character CNN and the softmax. "
        "Learning to guess words is what makes the layers carry the context that separates a word's senses."
    )
)
st.caption(
    _(
        "This app's biLM is small and read little: about 5.1 million words of mostly 19th-century English (novels, two "
        "Bibles), where the original ELMo read about 800 million words of news (the 1B Word Benchmark). Expect "
        'common words and phrases to work ("for a long ___" → time) and rarer ones to fail; the backward LM often '
        "guesses punctuation at the end of a sentence."
    )
)

elmo = None
with friendly_errors(_("loading ELMo")):
    elmo = cached_lm.elmo_facts(choice)  # name, softmax, vocabulary size: from disk for the default view
if elmo is not None and not elmo.can_predict:
    st.info(
        _(
            "{model} has no softmax: AllenNLP's published files keep only the biLM's layers, not the output layer "
            "that turns them into word probabilities. So it gives vectors (senses page) and gates (LSTM page), but "
            "no predictions here; nothing below is made up. Choose this app's biLM to see the language model."
        ).format(model=md(elmo.name)),
        icon=":material/info:",
    )
elif elmo is not None:
    st.header(_("Fill the blank"))
    result = None
    if show_problems(check_text(blank_text, max_chars=MAX_CHARS, what=_("sentence with a blank"))):
        with friendly_errors(_("filling the blank")):
            result = cached_lm.fill_blank(choice, clean_text(blank_text)[0], max(k, 5))
    if result is not None:
        st.text(" ".join(result.tokens))
        chart.show(blank_bars(result, k), says.blank(result, k), key="blank_bars")
        st.info(
            _(
                "**Both combined** adds the two log-probabilities and renormalizes over the vocabulary. ELMo never "
                "trains or uses this combination: its two LMs are trained separately, and downstream tasks read "
                "their layers, not their guesses. It only shows what each direction knows."
            ),
            icon=":material/science:",
        )
        st.caption(
            _(
                "Left out and the rest renormalized: {left_out} (`<UNK>` stands for every "
                "word outside the {size:,}-word vocabulary at once), which had p = "
                "{forward:.3f} forward and {backward:.3f} backward."
            ).format(
                left_out="`" + "`, `".join(result.excluded) + "`",
                size=elmo.vocab_size,
                forward=result.excluded_prob["forward"],
                backward=result.excluded_prob["backward"],
            )
        )
    if result is not None and check:
        with friendly_errors(_("checking the word")):
            ranks = cached_lm.word_in_blank(choice, clean_text(blank_text)[0], check, max(k, 5))
            rows = [
                {_("word"): check, _("language model"): _(key), _("probability"): p, _("rank"): rank}
                for key, (p, rank) in ranks.items()
            ]
            show_table(pd.DataFrame(rows), formats={_("probability"): "%.5f"})

    st.header(_("What each LM expects at every word"))
    if show_problems(check_text(sentence, max_chars=MAX_CHARS, what=_("sentence"))):
        with friendly_errors(_("asking the language models")):
            guesses = cached_lm.word_guesses(choice, clean_text(sentence)[0], k)
            ppl = guesses.perplexity
            unknown = unknown_share(guesses.in_vocab)
            comparable = unknown <= UNKNOWN_LIMIT
            note = language_note(sentence)
            if note:
                st.warning(
                    note
                    + " "
                    + _(
                        "ELMo was trained on English only: a word it never saw is read as `<UNK>` (one symbol "
                        "for every unknown word), and its guesses are English words."
                    ),
                    icon=":material/translate:",
                )
            if not comparable:
                st.warning(
                    _(
                        "{unknown:.0%} of this sentence's words are unknown to ELMo (read as `<UNK>`), more than the "
                        "{limit:.0%} this page accepts for a fair perplexity. `<UNK>` is one cheap guess for all "
                        "unknown words at once, so the perplexity below looks better than the model is: do not "
                        "compare it with an English sentence's."
                    ).format(unknown=unknown, limit=UNKNOWN_LIMIT),
                    icon=":material/warning:",
                )
            mark = "" if comparable else " " + _("(not comparable)")
            c1, c2, c3 = st.columns(3)
            c1.metric(_("Perplexity, forward LM") + mark, f"{ppl['forward']:.1f}")
            c2.metric(_("Perplexity, backward LM") + mark, f"{ppl['backward']:.1f}")
            c3.metric(_("Average of the two") + mark, f"{ppl['average']:.1f}")
            st.caption(
                _("Unknown words (read as `<UNK>`): {unknown:.0%} of {count}.").format(
                    unknown=unknown, count=len(guesses.in_vocab)
                )
            )
            st.caption(
                _(
                    "Perplexity = exp(mean surprisal) over the sentence's words and its end (forward) or start "
                    "(backward) marker: the number of equally likely words the LM was choosing between, on average. "
                    "The average is the mean of the two, as bilm-tf (the original ELMo code) reports it."
                )
            )

            def top(guesses_at: list) -> str:
                return " · ".join(f"{w} {p:.3f}" for w, p in guesses_at)

            table = pd.DataFrame(
                {
                    _("word"): guesses.tokens,
                    _("forward: top guesses from the left"): [top(g) for g in guesses.forward_top],
                    _("p (forward)"): guesses.forward_prob,
                    _("rank (forward)"): guesses.forward_rank,
                    _("backward: top guesses from the right"): [top(g) for g in guesses.backward_top],
                    _("p (backward)"): guesses.backward_prob,
                    _("rank (backward)"): guesses.backward_rank,
                    _("known word"): [_("yes") if known else _("no: read as <UNK>") for known in guesses.in_vocab],
                }
            )
            show_table(table, formats={_("p (forward)"): "%.4f", _("p (backward)"): "%.4f"})
            chart.show(word_probabilities(guesses), says.word_probabilities(guesses), key="word_probabilities")
            st.caption(
                _(
                    "p: the probability the LM gave the actual word (a word outside the vocabulary is scored as "
                    "`<UNK>`); rank 1 = it was the LM's first guess."
                )
            )

st.header(_("The official ELMo"))
fetch_panel(expanded=elmo is not None and not elmo.can_predict)
