"""ELMo's language model: what the forward and backward LMs expect, fill the blank, and the official ELMo."""

import pandas as pd
import streamlit as st

from engine.text import language_note
from engine.validation import check_text, clean_text
from figures import summaries_new_pages as says
from figures.language_model import blank_bars, word_probabilities
from i18n import _
from ui import cached_lm, chart, inputs, notebook, page
from ui.feedback import friendly_errors, show_problems
from ui.literal import md
from ui.official_elmo import downloads_allowed, fetch_panel
from ui.table import show_table
from ui.words import words_here

MAX_CHARS = 600
# Chosen from measured guesses of this app's biLM (issue 23): "time" gets 0.51 from the forward LM (next guess
# "day", 0.045) and 0.86 combined; "you" gets 0.37 forward (next "the", 0.08) and 0.47 combined. The old examples
# ("the ___ of the river", "into the ___") ranked "bank" 145th to 828th.
EXAMPLES = ("I have not seen him for a long ___ .", "Thank ___ very much .")
CHECK_WORD = "time"
UNKNOWN_LIMIT = 0.10  # above this share of words read as <UNK>, a perplexity is not comparable with English text


def unknown_share(in_vocab: list[bool]) -> float:
    """The share of words outside ELMo's vocabulary (0 for no words)."""
    return sum(not known for known in in_vocab) / len(in_vocab) if in_vocab else 0.0


def use_example(sentence: str) -> None:
    st.session_state["blank"] = sentence


page.setup("ELMo language model")
choice = inputs.choice(
    "ELMo model",
    cached_lm.elmo_choices(),
    key="lm_model",
    help="This app's biLM (trained here, with its softmax), or an official ELMo once fetched (below).",
)
blank_text = st.sidebar.text_input(
    "Sentence with a blank ___",
    value=EXAMPLES[0],
    key="blank",
    bind="query-params",
    help=f"One blank, three underscores. Up to {MAX_CHARS} characters.",
)
st.sidebar.caption("Examples")
for example in EXAMPLES:
    st.sidebar.button(example, on_click=use_example, args=(example,), key=f"example {example}")
check = st.sidebar.text_input(
    "Check a word in the blank",
    value=CHECK_WORD,
    key="check",
    bind="query-params",
    help="Its probability and rank under each LM, even when it is not among the top guesses.",
).strip()
sentence = st.sidebar.text_input(
    "Sentence", value="I sat on the bank of the river .", key="sentence", bind="query-params", help="Any sentence."
)
k = inputs.number("Guesses shown", key="k", low=1, high=20, default=5, sidebar=True)
st.sidebar.caption(
    "No telemetry. "
    + ("The one exception is the official-ELMo fetch at the bottom of this page, and only when you click it. "
       if downloads_allowed() else "This shared server downloads nothing for a visitor. ")
    + "Every input is in the link: copy the URL to share this exact view."
)  # fmt: skip
notebook.download_button()  # "Open as notebook" (other pages get it from page.sidebar_footer)

st.title("ELMo's language model")
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
    "ELMo's vectors are a by-product of a bidirectional language model (Peters et al. 2018, §3.1). Its **forward "
    "LM** predicts each word from the words to its left; its **backward LM** predicts each word from the words to "
    "its right. They are trained together, as two separate predictors sharing the character CNN and the softmax. "
    "Learning to guess words is what makes the layers carry the context that separates a word's senses."
)
st.caption(
    "This app's biLM is small and read little: about 5.1 million words of mostly 19th-century English (novels, two "
    "Bibles), where the original ELMo read about 800 million words of news (the 1B Word Benchmark). Expect "
    'common words and phrases to work ("for a long ___" → time) and rarer ones to fail; the backward LM often '
    "guesses punctuation at the end of a sentence."
)

elmo = None
with friendly_errors(_("loading ELMo")):
    elmo = cached_lm.elmo(choice)
if elmo is not None and not elmo.can_predict:
    st.info(
        f"{md(elmo.name)} has no softmax: AllenNLP's published files keep only the biLM's layers, not the output layer "
        "that turns them into word probabilities. So it gives vectors (senses page) and gates (LSTM page), but "
        "no predictions here; nothing below is made up. Choose this app's biLM to see the language model.",
        icon=":material/info:",
    )
elif elmo is not None:
    st.header("Fill the blank")
    result = None
    if show_problems(check_text(blank_text, max_chars=MAX_CHARS, what="sentence with a blank")):
        with friendly_errors(_("filling the blank")):
            result = cached_lm.fill_blank(choice, clean_text(blank_text)[0], max(k, 5))
    if result is not None:
        st.text(" ".join(result.tokens))
        chart.show(blank_bars(result, k), says.blank(result, k), key="blank_bars")
        st.info(
            "**Both combined** adds the two log-probabilities and renormalizes over the vocabulary. ELMo never "
            "trains or uses this combination: its two LMs are trained separately, and downstream tasks read "
            "their layers, not their guesses. It only shows what each direction knows.",
            icon=":material/science:",
        )
        st.caption(
            f"Left out and the rest renormalized: `{'`, `'.join(result.excluded)}` (`<UNK>` stands for every "
            f"word outside the {len(elmo.vocab):,}-word vocabulary at once), which had p = "
            f"{result.excluded_prob['forward']:.3f} forward and {result.excluded_prob['backward']:.3f} backward."
        )
    if result is not None and check:
        with friendly_errors(_("checking the word")):
            ranks = cached_lm.word_in_blank(choice, clean_text(blank_text)[0], check, max(k, 5))
            rows = [{"word": check, "language model": key, "probability": p, "rank": rank} for key, (p, rank) in
                    ranks.items()]  # fmt: skip
            show_table(pd.DataFrame(rows), formats={"probability": "%.5f"})

    st.header("What each LM expects at every word")
    if show_problems(check_text(sentence, max_chars=MAX_CHARS, what="sentence")):
        with friendly_errors(_("asking the language models")):
            guesses = cached_lm.word_guesses(choice, clean_text(sentence)[0], k)
            ppl = guesses.perplexity
            unknown = unknown_share(guesses.in_vocab)
            comparable = unknown <= UNKNOWN_LIMIT
            note = language_note(sentence)
            if note:
                st.warning(
                    f"{note} ELMo was trained on English only: a word it never saw is read as `<UNK>` (one symbol "
                    "for every unknown word), and its guesses are English words.",
                    icon=":material/translate:",
                )
            if not comparable:
                st.warning(
                    f"{unknown:.0%} of this sentence's words are unknown to ELMo (read as `<UNK>`), more than the "
                    f"{UNKNOWN_LIMIT:.0%} this page accepts for a fair perplexity. `<UNK>` is one cheap guess for all "
                    "unknown words at once, so the perplexity below looks better than the model is: do not compare "
                    "it with an English sentence's.",
                    icon=":material/warning:",
                )
            mark = "" if comparable else " (not comparable)"
            c1, c2, c3 = st.columns(3)
            c1.metric(f"Perplexity, forward LM{mark}", f"{ppl['forward']:.1f}")
            c2.metric(f"Perplexity, backward LM{mark}", f"{ppl['backward']:.1f}")
            c3.metric(f"Average of the two{mark}", f"{ppl['average']:.1f}")
            st.caption(f"Unknown words (read as `<UNK>`): {unknown:.0%} of {len(guesses.in_vocab)}.")
            st.caption(
                "Perplexity = exp(mean surprisal) over the sentence's words and its end (forward) or start "
                "(backward) marker: the number of equally likely words the LM was choosing between, on average. "
                "The average is the mean of the two, as bilm-tf (the original ELMo code) reports it."
            )

            def top(guesses_at: list) -> str:
                return " · ".join(f"{w} {p:.3f}" for w, p in guesses_at)

            table = pd.DataFrame(
                {
                    "word": guesses.tokens,
                    "forward: top guesses from the left": [top(g) for g in guesses.forward_top],
                    "p (forward)": guesses.forward_prob,
                    "rank (forward)": guesses.forward_rank,
                    "backward: top guesses from the right": [top(g) for g in guesses.backward_top],
                    "p (backward)": guesses.backward_prob,
                    "rank (backward)": guesses.backward_rank,
                    "known word": ["yes" if known else "no: read as <UNK>" for known in guesses.in_vocab],
                }
            )
            show_table(table, formats={"p (forward)": "%.4f", "p (backward)": "%.4f"})
            chart.show(word_probabilities(guesses), says.word_probabilities(guesses), key="word_probabilities")
            st.caption(
                "p: the probability the LM gave the actual word (a word outside the vocabulary is scored as "
                "`<UNK>`); rank 1 = it was the LM's first guess."
            )

st.header("The official ELMo")
fetch_panel(expanded=elmo is not None and not elmo.can_predict)
