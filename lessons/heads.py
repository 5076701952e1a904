"""Lesson 3, "Who looks where?": MiniLM's heads by their statistics on the current text (a
previous-token head, sink heads, a head linking related words), then attention rollout
(Abnar & Zuidema 2020) with its caveat: the weight parked on [CLS]/[SEP] carries little (those
tokens' transformed vectors are small, Kobayashi et al. 2020), so rollout over-counts them. Every head
named here is read from `head_statistics` of this text."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from engine.analysis import attention as A
from engine.models.transformer_facts import AttentionResult  # no torch: a stored view is read without it
from engine.validation import InputError, check_text, clean_text
from figures.attention import attention_heatmap, heads_grid
from figures.lessons import category_bars
from i18n import N_, _
from lessons.core import (
    Answer,
    Chart,
    Lesson,
    Question,
    Step,
    clauses,
    fixed,
    labelled,
    literal,
    margin_words,
    numbered,
)

MAX_CHARS = 400
SINK = 0.6  # a head that puts at least this share of its weight on [CLS]/[SEP] is a sink head (attention.head_role)
STATISTIC_NAMES = {  # the part before ":" of attention.STATISTICS, for the grids this lesson draws
    "entropy": N_("Entropy (bits)"),
    "special": N_("Weight on special or sink tokens ([CLS], [SEP], the first token)"),
}


@dataclass
class Context:
    result: AttentionResult
    stats: A.HeadStatistics

    def name(self, flat: int) -> str:
        layer, head = np.unravel_index(flat, self.stats.entropy.shape)
        return f"{layer + 1}.{head + 1}"

    def top(self, statistic: str) -> tuple[int, int]:
        """(layer, head), 1-based, of the head with the highest value of `statistic`."""
        layer, head = np.unravel_index(int(np.argmax(self.stats.get(statistic))), self.stats.entropy.shape)
        return int(layer) + 1, int(head) + 1

    def view(self, mode: str, layer: int = 1, head: int = 1, **options) -> A.MatrixView:
        r = self.result
        layers = r.num_layers
        return A.view_matrix(
            r.attentions, r.display_tokens, r.word_ids, r.words, r.special_mask, mode=mode, layer=layer, head=head,
            rollout_range=(1, layers), causal=r.is_causal, **options,
        )  # fmt: skip


def prepare(text: str, backend) -> Context:
    problems = [p for p in check_text(text, max_chars=MAX_CHARS) if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    result = backend.attention(clean_text(text)[0])
    if len(result.words) < 4:
        raise InputError(_("This lesson needs a sentence of at least 4 words, so that heads have somewhere to look."))
    return Context(result, A.head_statistics(result.attentions, result.special_mask))


def grid(c: Context, statistic: str, selected: tuple[int, int] | None = None) -> Chart:
    """All heads coloured by `statistic`; the summary says what is drawn, never which head wins."""
    values = c.stats.get(statistic)
    name = _(STATISTIC_NAMES.get(statistic, A.STATISTICS[statistic].split(":")[0]))
    figure = heads_grid(values, name, selected)
    figure.update_xaxes(tickmode="linear", tick0=1, dtick=1, tickangle=0)  # heads are whole numbers: 1 … 12
    figure.update_yaxes(tickmode="linear", tick0=1, dtick=1)
    summary = _(
        "All {count} heads ({layers} layers of {heads}) coloured by {statistic}: one square per head, layer by row."
    ).format(count=values.size, layers=values.shape[0], heads=values.shape[1], statistic=name[:1].lower() + name[1:])
    return Chart(summary, figure)


def head_chart(c: Context, layer: int, head: int, what: str) -> Chart:
    view = c.view("head", layer, head)
    labels = numbered(view.labels)
    title = _("Layer {layer}, head {head}").format(layer=layer, head=head)  # view.title, in the interface's language
    figure = attention_heatmap(view.matrix, labels, labels, title=title)
    return Chart(
        _("Head {layer}.{head}'s weights, token by token: {what}.").format(layer=layer, head=head, what=what), figure
    )


def previous_answer(c: Context) -> Answer:
    values = c.stats.previous.ravel()
    ranked = np.argsort(-values, kind="stable")
    options = sorted({int(ranked[k]) for k in (0, 9, 29, len(ranked) - 1)})
    best = int(ranked[0])
    caveat = ""
    if values[best] < 0.5:
        caveat = _("No head puts half its weight on the previous token in this text (best {value:.2f}).").format(
            value=values[best]
        )
    runner = int(ranked[1])
    return Answer(
        c.name(best),
        _("Head {head} gives the previous token {value:.2f} of its weight on average, {margin} (head {runner}, "
          "{runner_value:.2f}).").format(head=c.name(best), value=values[best], runner=c.name(runner),
                                          margin=margin_words(values[best], values[runner]),
                                          runner_value=values[runner]),
        options=tuple(c.name(k) for k in options),
        caveat=caveat,
    )  # fmt: skip


def previous_reveal(c: Context) -> Chart:
    layer, head = c.top("previous")
    what = _("the band just below the diagonal is the previous token, {value:.2f} on average")
    return head_chart(c, layer, head, what.format(value=c.stats.previous[layer - 1, head - 1]))


def sinks(c: Context) -> int:
    return int((c.stats.special >= SINK).sum())


def sink_answer(c: Context) -> Answer:
    n = sinks(c)
    near = int((np.abs(c.stats.special - SINK) < 0.05).sum())
    return Answer(
        float(n),
        _(
            "{count} of {total} heads put at least {line:.0%} of their weight on [CLS], [SEP] or the first token: a "
            "head with nothing useful to do parks its attention there. {near} heads sit within 5 points of the "
            "{line:.0%} line, so the count is only that sharp."
        ).format(count=n, total=c.stats.special.size, line=SINK, near=near),
        tolerance=4.0,
        integer=True,
        tolerance_words=_("within 4 heads counts as right"),
    )


def sink_prompt(_c: Context) -> str:
    return _("How many of the 72 heads put at least {line:.0%} of their weight on them?").format(line=SINK)


def sink_reveal(c: Context) -> Chart:
    layer, head = c.top("special")
    what = _("{value:.2f} of the weight on the sink tokens").format(value=c.stats.special[layer - 1, head - 1])
    return head_chart(c, layer, head, what)


def linking_head(c: Context) -> tuple[int, int, int, int, float]:
    """(layer, head, query word, key word, weight): among heads with no clear-cut role, the strongest
    link between two words at least two apart, with [CLS]/[SEP] hidden and rows renormalized."""
    best = (1, 1, 0, 0, -1.0)
    for row in c.stats.rows():
        if row["role"]:
            continue
        view = c.view("head", row["layer"], row["head"], hide_special=True, renormalize=True, word_level=True)
        m = view.matrix.copy()
        size = len(m)
        m[np.abs(np.arange(size)[:, None] - np.arange(size)[None, :]) < 2] = 0
        wordlike = np.array([any(ch.isalpha() for ch in w) for w in view.labels])
        m[~wordlike, :] = 0
        m[:, ~wordlike] = 0
        i, j = np.unravel_index(int(np.argmax(m)), m.shape)
        if m[i, j] > best[4]:
            best = (row["layer"], row["head"], int(i), int(j), float(m[i, j]))
    return best


def _words(c: Context) -> list[str]:
    return c.view("head", hide_special=True, word_level=True).labels


def link_prompt(c: Context) -> str:
    layer, head, query = linking_head(c)[:3]
    word = _words(c)[query]
    return _(
        "In head {layer}.{head}, which word does '{word}' (word {number}) look at most, apart from itself?"
    ).format(layer=layer, head=head, word=literal(word), number=query + 1)


def link_chart(c: Context) -> Chart:
    """Only the question's row, as one bar per word: the whole word-by-word heatmap (18 words of 20 px
    labels on both axes) was cramped and its labels overlapped at 1280x720 on a projector."""
    layer, head, query = linking_head(c)[:3]
    view = c.view("head", layer, head, hide_special=True, renormalize=True, word_level=True)
    figure = category_bars(
        numbered(view.labels), view.matrix[query],
        title=_("Head {layer}.{head}: where word {number} looks").format(layer=layer, head=head, number=query + 1),
        y_title=_("attention weight"), values_on_bars=False,
    )  # fmt: skip
    return Chart(
        _(
            "Head {layer}.{head}'s weights from word {number} to every word, words only ([CLS]/[SEP] hidden, the "
            "row rescaled to add up to 1)."
        ).format(layer=layer, head=head, number=query + 1),
        figure,
    )


def sentence_chart(c: Context) -> Chart:
    """Before the answer: the sentence with the question's word marked, and no weight on screen (the bars
    of `link_chart` are the reveal: their tallest bar is the answer)."""
    query = linking_head(c)[2]
    words = _words(c)
    cells = [
        f'<span style="padding:0 .2em;{"background:#fde68a;font-weight:700" if k == query else ""}">'
        f"<sup>{k + 1}</sup>{html.escape(word)}</span>"
        for k, word in enumerate(words)
    ]
    return Chart(
        _("The sentence's {count} words, numbered from 1; word {number} is marked.").format(
            count=len(words), number=query + 1
        ),
        html=f'<p style="font-size:1.4em;line-height:2">{" ".join(cells)}</p>',
    )


def link_answer(c: Context) -> Answer:
    layer, head, query = linking_head(c)[:3]
    words = _words(c)
    row = c.view("head", layer, head, hide_special=True, renormalize=True, word_level=True).matrix[query].copy()
    row[query] = -1
    ranked = [int(k) for k in np.argsort(-row, kind="stable") if k != query]
    key, runner = ranked[0], ranked[1]
    chosen = sorted(set(ranked[:3]) | {k for k in (0, len(words) - 1, query - 1, query + 1) if 0 <= k < len(words)}
                    - {query})[:6]  # fmt: skip
    if key not in chosen:
        chosen = sorted([*chosen[:5], key])
    label = numbered(words)
    return Answer(
        label[key],
        _(
            "'{word}' gives '{key}' {value:.2f} of its weight in head {layer}.{head}, {margin} ('{runner}', "
            "{runner_value:.2f})."
        ).format(
            word=literal(words[query]),
            key=literal(words[key]),
            value=row[key],
            layer=layer,
            head=head,
            margin=margin_words(row[key], row[runner]),
            runner=literal(words[runner]),
            runner_value=row[runner],
        ),
        options=tuple(label[k] for k in chosen),
    )


SOURCES = (N_("the word itself"), N_("its neighbours"), N_("words further away"), N_("[CLS] and [SEP]"))  # keys


def rollout_sources(c: Context) -> dict[str, float]:
    """Rollout through every layer, words merged: the mean share of a word's row from each source."""
    view = c.view("rollout", word_level=True)
    m, special = view.matrix.astype(np.float64), np.array([w is None for w in _word_ids(c)])
    rows = np.flatnonzero(~special)
    gap = np.abs(np.arange(len(m))[:, None] - np.arange(len(m))[None, :])
    parts = {
        SOURCES[0]: (gap == 0) & ~special[None, :],
        SOURCES[1]: (gap == 1) & ~special[None, :],
        SOURCES[2]: (gap > 1) & ~special[None, :],
        SOURCES[3]: np.broadcast_to(special[None, :], m.shape),
    }
    return {name: float((m * mask)[rows].sum(axis=1).mean()) for name, mask in parts.items()}


def _word_ids(c: Context) -> list[int | None]:
    return A.merge_words(c.result.attentions[0, 0], c.result.word_ids)[1]


def layer_chart(c: Context) -> Chart:
    layers = c.result.num_layers
    view = c.view("layer", layers)
    labels = numbered(view.labels)
    on_sinks = float(view.matrix[:, c.result.special_mask].sum(axis=1).mean())
    title = _("Layer {layer}, mean of its {count} heads").format(layer=layers, count=c.result.attentions.shape[1])
    figure = attention_heatmap(view.matrix, labels, labels, title=title)
    return Chart(
        _("Layer {layer} alone, the mean of its heads: {share:.2f} of each row goes to [CLS]/[SEP].").format(
            layer=layers, share=on_sinks
        ),
        figure,
    )


def rollout_chart(c: Context) -> Chart:
    """Where rollout traces a word back to, as four shares (a bar each): readable on a projector, where
    the full rollout matrix is one bright [CLS] column and unreadable rows."""
    shares = rollout_sources(c)
    title = _("Rollout: where a word traces back to")
    figure = category_bars(
        [_(k) for k in shares], list(shares.values()), title=title, y_title=_("share (mean over words)")
    )
    parts = clauses([_("{share:.2f} to {source}").format(share=v, source=_(k)) for k, v in shares.items()])
    return Chart(
        _(
            "Rollout through all {layers} layers; a word's row traces back on average {parts}. The share on [CLS] "
            "and [SEP] is mostly parked attention, not meaning (see the text above)."
        ).format(layers=c.result.num_layers, parts=parts),
        figure,
    )


def rollout_answer(c: Context) -> Answer:
    shares = rollout_sources(c)
    best = max(shares, key=shares.get)
    return Answer(
        best,
        _("Averaged over the words: {parts}.").format(
            parts=clauses([_("{share:.2f} from {source}").format(share=v, source=_(k)) for k, v in shares.items()])
        ),
        **labelled(SOURCES),
    )


LESSON = Lesson(
    slug="heads",
    title=N_("Who looks where?"),
    summary=N_("Find a previous-token head, the sink heads and a head linking related words, then rollout."),
    default_text="The river bank was steep, so the fishermen who walked along it every morning carried ropes.",
    text_label=N_("Sentence (MiniLM reads it as subword tokens)"),
    prepare=prepare,
    max_chars=MAX_CHARS,
    models=("MiniLM",),
    example_texts=(
        "She put the money in the bank because it was safe.",
        "The trophy did not fit in the suitcase because it was too big.",
    ),
    steps=(
        Step(
            N_("72 heads at a glance"),
            fixed(
                N_(
                    "MiniLM has 6 layers of 12 **heads**. Each head gives every token a share of attention over all "
                    "tokens. Each square is one head, coloured by its **entropy**: low means it looks at one token, "
                    "high means it spreads its attention."
                )
            ),
            lambda c: grid(c, "entropy"),
        ),
        Step(
            N_("The previous-token head"),
            fixed(
                N_(
                    "Some heads simply look at the token just before. A head that looks at one token has a low "
                    "**entropy**; which one looks at the previous token?"
                )
            ),
            lambda c: grid(c, "entropy"),
            Question(fixed(N_("Which head (layer.head) looks most at the previous token?")), "choice", previous_answer),
            reveal_chart=previous_reveal,
        ),
        Step(
            N_("Sink heads"),
            fixed(
                N_(
                    "Many heads put most of their weight on [CLS] or [SEP]: an **attention sink**, where a head with "
                    "nothing to do parks its attention. The grid shows each head's weight on those tokens."
                )
            ),
            lambda c: grid(c, "special"),
            Question(sink_prompt, "number", sink_answer, low=0, high=72),
            reveal_chart=sink_reveal,
        ),
        Step(
            N_("A head that links words"),
            fixed(
                N_(
                    "Other heads connect a word to a related word further away. This head was picked live: the "
                    "strongest such link in your sentence. [CLS] and [SEP] are hidden and subwords merged."
                )
            ),
            sentence_chart,
            Question(link_prompt, "choice", link_answer),
            reveal_chart=link_chart,
        ),
        Step(
            N_("Rollout: through all the layers, with care"),
            fixed(
                N_(
                    "Each layer *adds* what its heads found to a word's own vector (the **residual connection**), so "
                    "a word keeps much of itself. **Rollout** multiplies the layers' attention, with that path, to "
                    "trace each word back to the input. The weight parked on [CLS]/[SEP] carries almost nothing, so "
                    "rollout over-counts those tokens: read their column as parking, not meaning."
                )
            ),
            rollout_chart,
        ),
    ),
)
