"""Names the engine builds in English, shown in Chinese (issue 29d): the senses page's colour note and map
caption, the attention view's titles, MiniLM's description and the Compare page's presets.

English stays byte-identical (the expected strings below are the engine's English before issue 29d, written
out by hand); Chinese has no English left but names and the words of the text the models read; and a value
computed in one language (a cached result, a view stored on disk) reads in the language of whoever reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import numpy as np
import pytest

import i18n
from engine.analysis import attention as A
from engine.analysis.projection import Projection
from engine.analysis.senses import Occurrence, SenseInput
from engine.compare.presets import PRESETS
from engine.models.transformer import TransformerModel
from figures.common import label
from tests.i18n_words import untranslated
from ui import viewcache


@pytest.fixture
def zh() -> Iterator[None]:
    i18n.use("zh")
    yield
    i18n.use("en")


def english_left(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """The English words left in a Chinese `text`, the words of `allowed` (what the models read) apart."""
    return untranslated(text, allowed)


def sense_input(*labels: str | None) -> SenseInput:
    occurrences = [Occurrence(k + 1, "the bank", ["the", "bank"], 1, label) for k, label in enumerate(labels)]
    return SenseInput("bank", occurrences)


# -- the senses page ------------------------------------------------------------------------------------------
NOTES = {  # labels -> (colour_note, score_note, score_caveat) in English, as the engine wrote them before
    ("money", "river", "money", "river"): ("senses: money, river", None, None),
    (None, None, None): ("no sense labels: colours are k-means clusters", "Sense scores need a sense", None),
    ("money", None, None): ("only 1 of 3 sentences have a sense label: colours are k-means clusters", "Sense", None),
    ("money", "money"): ("one sense, 'money', on every sentence: one colour", "All 2 sentences carry", None),
    ("a", "b", "c"): ("senses: a, b, c", "Each of the 3 sentences has a sense label of its own", None),
    ("a", "a", "b"): ("senses: a, b", None, "The sense 'b' has one sentence only"),
    ("a", "a", "b", "c"): ("senses: a, b, c", None, "The senses 'b', 'c' have one sentence only"),
}


@pytest.mark.parametrize("labels", list(NOTES), ids=[" ".join(map(str, k)) for k in NOTES])
def test_sense_notes_in_english_are_unchanged(labels):
    parsed = sense_input(*labels)
    colour, score, caveat = NOTES[labels]
    assert parsed.colour_note == colour
    assert (parsed.score_note or "").startswith(score or "") and (parsed.score_note is None) == (score is None)
    assert (parsed.score_caveat or "").startswith(caveat or "") and (parsed.score_caveat is None) == (caveat is None)


@pytest.mark.parametrize("labels", list(NOTES), ids=[" ".join(map(str, k)) for k in NOTES])
def test_sense_notes_read_in_chinese(zh, labels):
    parsed = sense_input(*labels)
    for note in (parsed.colour_note, parsed.score_note, parsed.score_caveat):
        if note is not None:
            assert english_left(note, ("money river a b c",)) == [], note  # the labels are the learner's
    assert parsed.colour_note != NOTES[labels][0]


def test_a_sense_input_made_in_english_reads_in_chinese():
    """The page caches the parsed input (st.cache_data, shared by both languages): its notes are read, not stored."""
    parsed = sense_input("money", "river", "money", "river")
    assert parsed.colour_note == "senses: money, river"
    i18n.use("zh")
    try:
        assert parsed.colour_note == "词义：money、river"
    finally:
        i18n.use("en")


PROJECTIONS = [
    (Projection(np.zeros((32, 2)), "UMAP", 32, n_neighbors=15), "UMAP (cosine, 15 neighbours, seed 42) of 32 points"),
    (
        Projection(np.zeros((8, 2)), "PCA", 8, explained=(0.4567, 0.2)),
        "PCA of 8 points, 46% + 20% of the variance (UMAP needs at least 15)",
    ),
    (Projection(np.zeros((3, 2)), "PCA", 3), "PCA of 3 points (UMAP needs at least 15)"),
]


@pytest.mark.parametrize(("projection", "english"), PROJECTIONS, ids=["umap", "pca", "pca-degenerate"])
def test_a_maps_caption_in_both_languages(projection, english):
    assert projection.description == english == f"{projection.caption}"
    i18n.use("zh")
    try:
        chinese = projection.description
        assert english_left(chinese) == [] and chinese != english
        assert ("余弦相似度" in chinese) == (projection.method == "UMAP")
        assert "46% + 20%" in chinese or projection.explained is None
    finally:
        i18n.use("en")


def test_a_caption_stored_on_disk_reads_in_the_language_of_its_reader(tmp_path):
    """The senses page's maps come from st.cache_data or from the view cache (ui/viewcache.py): the caption
    travels as the English template and its numbers, never as text in the language it was computed in."""
    path = tmp_path / "maps.npz"
    viewcache.save(path, {"maps": [], "method": PROJECTIONS[1][0].caption})
    i18n.use("zh")
    try:
        loaded = viewcache.load(path)["method"]
        assert f"{loaded}" == "8 个点的主成分分析（PCA），两轴占方差的 46% + 20%（UMAP 至少需要 15 个点）"
    finally:
        i18n.use("en")
    assert f"{loaded}" == PROJECTIONS[1][1]


def test_layer_names_the_engine_numbers_are_chinese(zh):
    assert label("mix 0.33/0.33/0.33") == "混合 0.33/0.33/0.33"
    assert label("mix 1/0/0.5") == "混合 1/0/0.5"
    assert label("cluster 2") == "簇 2"
    assert label("ELMo (this project's biLM)") == "ELMo（本项目的双向语言模型）"


# -- the attention page ---------------------------------------------------------------------------------------
ATTENTIONS = np.full((2, 3, 4, 4), 0.25)  # [layers, heads, T, T]
TOKENS, WORD_IDS, WORDS = ["[CLS]", "the", "bank", "[SEP]"], [None, 0, 1, None], ["the", "bank"]
SPECIAL = np.array([True, False, False, True])
VIEWS = {  # view_matrix options -> the English title, as the engine wrote it before
    "head": ({"mode": "head", "layer": 1, "head": 3}, "Layer 1, head 3"),
    "layer": ({"mode": "layer", "layer": 2}, "Layer 2, mean of its 3 heads"),
    "rollout": ({"mode": "rollout", "rollout_range": (1, 2)}, "Attention rollout, layers 1–2"),
    "words": ({"word_level": True}, "Layer 1, head 1, words"),
    "hidden": ({"hide_special": True}, "Layer 1, head 1, special tokens hidden"),
    "all": (
        {"word_level": True, "hide_special": True, "renormalize": True},
        "Layer 1, head 1, words, special tokens hidden (rows renormalized)",
    ),
}


def view(words=WORDS, **options) -> A.MatrixView:
    return A.view_matrix(ATTENTIONS, TOKENS, WORD_IDS, words, SPECIAL, **options)


@pytest.mark.parametrize("case", list(VIEWS))
def test_attention_titles_in_english_are_unchanged(case):
    options, english = VIEWS[case]
    assert view(**options).title == english


@pytest.mark.parametrize("case", list(VIEWS))
def test_attention_titles_in_chinese(zh, case):
    title = view(**VIEWS[case][0]).title
    assert english_left(title) == [] and title != VIEWS[case][1]
    assert "注意力头" in title or case in ("layer", "rollout")


def test_a_tokenizer_without_words_says_so_in_both_languages():
    english = view(words=[], word_level=True)
    assert english.title == "Layer 1, head 1, tokens (no word merging for this tokenizer)"
    assert english.note == "Word merging is not available for this tokenizer: the tokens are shown as they are."
    i18n.use("zh")
    try:
        chinese = view(words=[], word_level=True)
        assert english_left(chinese.title) == [] and english_left(chinese.note) == []
        assert chinese.title == "第 1 层，注意力头 1，词元（这个分词器不能合并成词）"
    finally:
        i18n.use("en")


def describe(is_causal: bool) -> str:
    model = SimpleNamespace(name="all-MiniLM-L6-v2", num_layers=6, num_heads=12, max_tokens=512, is_causal=is_causal)
    return TransformerModel.description.fget(model)


def test_the_transformers_description_in_both_languages():
    assert describe(False) == "all-MiniLM-L6-v2: 6 layers × 12 heads, encoder, up to 512 tokens"
    assert describe(True) == "all-MiniLM-L6-v2: 6 layers × 12 heads, decoder (causal), up to 512 tokens"
    i18n.use("zh")
    try:
        assert describe(False) == "all-MiniLM-L6-v2：6 层 × 12 个注意力头，编码器，最多 512 个词元"
        assert english_left(describe(True), ("all-MiniLM-L6-v2",)) == []
    finally:
        i18n.use("en")


def test_the_statistics_short_names_are_chinese(zh):
    """The attention page names the grid's statistic by the part of its explanation before the colon."""
    for statistic in A.STATISTICS.values():
        name = i18n._(statistic).split(":")[0].split("：")[0]
        assert name != statistic.split(":")[0] and english_left(name) == [], name


# -- the Compare page -----------------------------------------------------------------------------------------
SENTENCES = tuple(f"{preset.a} {preset.b}" for preset in PRESETS)


@pytest.mark.parametrize("preset", PRESETS, ids=[p.name for p in PRESETS])
def test_every_presets_name_and_explanation_are_chinese(zh, preset):
    for english in (preset.name, preset.lesson):
        shown = i18n._(english)
        assert shown != english
        assert english_left(shown, SENTENCES) == [] or set(english_left(shown, SENTENCES)) == {"Winograd"}, shown


def test_preset_sentences_are_what_the_models_read_and_stay_english(zh):
    assert [i18n._(p.a) for p in PRESETS] == [p.a for p in PRESETS]
    assert PRESETS[0].name == "bank: river / money"  # the English key, translated where it is shown


def test_a_slow_tokenizers_word_note_reads_in_the_viewers_language():
    """The note is kept in a result (cached, or in a stored view) and translated when the page reads it."""
    from engine.models.words import token_words

    note = token_words("a b", [], [True, False, False], "my-bert").note
    english = str(note)
    assert english.startswith("Word merging is not available for my-bert: its tokenizer has no fast version")
    i18n.use("zh")
    try:
        chinese = str(note)
        assert chinese.startswith("my-bert ") and english_left(chinese.replace("my-bert", "")) == []
        shown = A.view_matrix(np.full((1, 1, 3, 3), 1 / 3), ["[CLS]", "a", "b"], [None, None, None], [],
                              [True, False, False], word_level=True, word_note=note).note  # fmt: skip
        assert shown == chinese
    finally:
        i18n.use("en")
