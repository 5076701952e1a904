"""Shared figure conventions: token axis labels, fonts, colours readable on a classroom projector."""

from __future__ import annotations

import re
from collections.abc import Sequence

import plotly.graph_objects as go

from engine.text import show_whitespace
from i18n import N_, _

# Latin text in Streamlit's face; Chinese (issue 29) in Noto Sans CJK SC, which the browser has from the system
# (Debian's fonts-noto-cjk; Noto Sans SC where the font is installed under that name): no web font, no CDN
CJK_FONTS = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC"
FONT = {"family": f"Source Sans Pro, Helvetica, Arial, {CJK_FONTS}, sans-serif", "size": 14}
# gates and attention weights (0..1): one hue, darker = higher, in normal and projector mode alike (issue 23:
# a swap to cividis in projector mode turned "dark = keeps memory" into "yellow = keeps memory")
SEQUENTIAL = "Blues"
PROJECTOR_MAX_LABELS = 40  # category labels on one axis in projector mode (20 px each, about 1100 px wide)
DIVERGING = "RdBu"  # cell states and outputs, centred on 0: red negative, blue positive (Karpathy)
# Okabe & Ito (2008), "Color Universal Design": told apart with every common colour-vision deficiency
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "reddish purple": "#CC79A7",
    "vermillion": "#D55E00",
    "sky blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
QUALITATIVE = list(OKABE_ITO.values())
PROJECTOR_FONT_PX = 20
MASKED = "#e5e7eb"  # cells a causal model can never attend to


ENGINE_NAMES = (  # names the engine gives layers, rows and measures, in English: `label` translates them
    N_("embeddings"),
    N_("layer 0 (char-CNN)"),
    N_("mix"),
    N_("untrained control"),
    N_("cosine similarity"),
    N_("cosine similarity of h"),
    N_("post-LN"),
    N_("pre-LN"),
    N_("plain RNN"),
    N_("leave-one-out"),
    N_("static"),
    N_("mix (average)"),
    N_("L0 embeddings"),  # MiniLM's first row on Compare (engine/compare/runs.py)
    N_("untrained ELMo (control)"),
    N_("GloVe 6B 50d (static)"),
    N_("Peters et al. 2018, Table 6 (PTB, their 2-layer biLM)"),
    N_("Peters et al. 2018, Table 5 (SemCor WSD F1)"),
)
NAME_PATTERNS = (  # engine names with a number in them -> the English template that `label` translates
    (re.compile(r"layer (?P<n>\d+)"), N_("layer {n}")),
    (re.compile(r"head (?P<n>\d+)"), N_("head {n}")),
    (re.compile(r"layer (?P<layer>\d+), head (?P<head>\d+)"), N_("layer {layer}, head {head}")),
    (re.compile(r"unit (?P<n>\d+)"), N_("unit {n}")),
    (re.compile(r"unit (?P<n>\d+) \(layer (?P<layer>\d+)\)"), N_("unit {n} (layer {layer})")),
    (re.compile(r"untrained (?P<model>\S+)"), N_("untrained {model}")),
    (re.compile(r"L(?P<n>\d+) forward"), N_("L{n} forward")),
    (re.compile(r"L(?P<n>\d+) backward"), N_("L{n} backward")),
    (re.compile(r"attention \(head (?P<n>\d+)\)"), N_("attention (head {n})")),
    (re.compile(r"attention \(mean of the heads\)"), N_("attention (mean of the heads)")),
    (re.compile(r"(?P<model>\S+) attention"), N_("{model} attention")),
    (re.compile(r"(?P<model>\S+) layer (?P<n>\d+)"), N_("{model} layer {n}")),
    (re.compile(r"stratified (?P<n>\d+)-fold"), N_("stratified {n}-fold")),
    (re.compile(r"mix (?P<shares>\d[\d./]*)"), N_("mix {shares}")),  # ELMo's ScalarMix as a layer (senses.with_mix)
    (re.compile(r"cluster (?P<n>\d+)"), N_("cluster {n}")),  # k-means groups of unlabelled sentences
)


def label(name: str) -> str:
    """A name the engine gives in English (a layer, a row, a measure) in this run's interface language: the
    catalogue's entry, else a known pattern with its number (`NAME_PATTERNS`), else `name` as it is (model
    names, the learner's words and tokens are never translated). For names the engine gives, never for text a
    learner typed: a typed word that happens to be a catalogue entry would be translated."""
    shown = _(name)
    if shown != name:
        return shown
    for pattern, template in NAME_PATTERNS:
        found = pattern.fullmatch(name)
        if found:
            return _(template).format(**found.groupdict())
    return name


def token_labels(tokens: Sequence[str]) -> list[str]:
    """`i:token` labels: plotly merges equal category labels, so every label carries its position."""
    return [f"{i}:{visible(t)}" for i, t in enumerate(tokens)]


def plotly_text(labels: Sequence[str]) -> list[str]:
    """Plotly reads text as a little HTML ("<S>" would vanish as a tag) and text between dollar signs as
    LaTeX: escape both (the dollar sign as its entity) so every label shows exactly as typed."""
    return [plotly_literal(label) for label in labels]


def plotly_literal(text: str) -> str:
    """One string for plotly, shown as typed (see `plotly_text`); for titles, legend names, hovers."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("$", "&#36;")


def visible(token: str) -> str:
    """Make white space readable on an axis, the engine's one way (␣ ⇥ ↵ ␍); ∅ for an empty token."""
    return show_whitespace(token) or "∅"


def base_layout(fig: go.Figure, *, title: str | None = None, height: int | None = None) -> go.Figure:
    fig.update_layout(
        font=FONT,
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
    )
    return fig


def projector(fig: go.Figure, size: int = PROJECTOR_FONT_PX) -> go.Figure:
    """The same figure for a classroom projector: every text (ticks, titles, legend, colour bars,
    panel titles, numbers in cells and on bars) at `size` px or more, a taller plot. Colours are left as
    they are, so a colour means the same in both modes."""
    fig.update_layout(font={"size": size}, legend={"font": {"size": size}}, hoverlabel={"font": {"size": size}})
    if fig.layout.title and fig.layout.title.text:
        fig.update_layout(title={"font": {"size": size + 2}})
        legend = fig.layout.legend
        legend_above = legend.orientation == "h" and legend.y is not None and legend.y > 1
        panel_titles = any(a.yref == "paper" and a.y is not None and a.y >= 1 for a in fig.layout.annotations)
        if legend_above or panel_titles:  # a legend row or panel titles above the plot, under the title
            top = fig.layout.margin.t if fig.layout.margin.t is not None else 50
            lines = fig.layout.title.text.count("<br>")  # plotly anchors a title's first line: lift the pad
            fig.update_layout(  # the title at the very top, the larger legend row below it
                margin={"t": top + 2 * size},
                title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8 + lines * (size + 4)}},
            )
    fig.update_xaxes(tickfont={"size": size}, title={"font": {"size": size}})
    fig.update_yaxes(tickfont={"size": size}, title={"font": {"size": size}})
    fig.update_annotations(font={"size": size})
    steps = max((len(trace.x) for trace in fig.data if getattr(trace, "x", None) is not None), default=0)
    if steps > PROJECTOR_MAX_LABELS:  # every category label at 20 px would overlap: let plotly space them out
        fig.update_xaxes(  # numeric axes (heads, layers) keep their one tick per integer
            selector={"type": "category", "tickmode": "linear", "dtick": 1},
            tickmode="auto",
            dtick=None,
            nticks=PROJECTOR_MAX_LABELS,
        )
    for trace in fig.data:  # numbers and letters written in heatmap cells and on bars
        has_text = getattr(trace, "text", None) is not None or bool(getattr(trace, "texttemplate", None))
        if "textfont" not in trace or not has_text:
            continue
        if trace.type == "heatmap" and _columns(trace) > PROJECTOR_MAX_LABELS:  # too narrow for 20 px text: the
            trace.texttemplate, trace.text = "", None  # cells keep their colours, the values stay on hover
            continue
        trace.textfont.size = max(size, trace.textfont.size or 0)
    if fig.layout.uniformtext.minsize:  # bar labels at projector size; one too wide for its bar is left out
        fig.update_layout(uniformtext={"minsize": size, "mode": "hide"})  # (hover keeps it) rather than overlapping
    for trace in fig.data:  # the colour scales stay as they are: dark = high in both modes (issue 23)
        for holder in (trace, getattr(trace, "marker", None)):
            if holder is None or "colorscale" not in holder or not holder.colorscale:
                continue  # no colour scale here: touching its colour bar would draw one
            holder.colorbar.tickfont = {"size": size}
            holder.colorbar.title.font = {"size": size}
    for name in [key for key in fig.layout if key.startswith("coloraxis")]:  # shared scales (coloraxis, ...2)
        axis = fig.layout[name]
        if axis.colorscale:
            axis.colorbar.tickfont = {"size": size}
            axis.colorbar.title.font = {"size": size}
    if fig.layout.height:
        fig.update_layout(height=int(fig.layout.height * 1.25))
    return fig


def _columns(trace) -> int:
    """How many columns a heatmap trace draws (its z rows' length)."""
    z = trace.z
    return len(z[0]) if z is not None and len(z) and hasattr(z[0], "__len__") else 0


def panel_row(titles: Sequence[str], gap: float) -> tuple[dict, list[dict]]:
    """Axes (`xaxis`, `yaxis`, `xaxis2`, ...) and title annotations for one row of equal panels, what
    `make_subplots(rows=1, cols=len(titles), subplot_titles=titles, horizontal_spacing=gap)` lays out.

    Traces go to panel k (from 1) with `xaxis=f"x{k}"`, `yaxis=f"y{k}"` (no number for k = 1). Building
    the figure in one pass is several times faster than `make_subplots` plus `add_trace(row=, col=)`."""
    width = (1 - gap * (len(titles) - 1)) / len(titles)
    axes: dict = {}
    annotations = []
    for k, title in enumerate(titles, start=1):
        suffix = "" if k == 1 else str(k)
        left = (k - 1) * (width + gap)
        axes[f"xaxis{suffix}"] = {"domain": [left, left + width], "anchor": f"y{suffix}"}
        axes[f"yaxis{suffix}"] = {"domain": [0.0, 1.0], "anchor": f"x{suffix}"}
        if title:
            annotations.append(
                {
                    "text": title,
                    "x": left + width / 2,
                    "y": 1.0,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 16},
                }
            )
    return axes, annotations
