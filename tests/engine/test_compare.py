"""engine.compare: the shared word axis, and where context flows in the three models (exact zeros)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.compare import ELMO_ROWS, align, group_units, minimal_pair, pair_words, run_sentence, word_view
from engine.compare.runs import default_models

BANK = ("She sat on the bank of the river.", "She sat on the bank of the money.")
TROPHY = (
    "The trophy didn't fit in the suitcase because it was too big.",
    "The trophy didn't fit in the suitcase because it was too small.",
)
QUOTE = ('He said "the cat sat on the mat" and left.', "He said the cat sat on the mat and left.")
LONGER = ("I don't like 3.14 well-known cafés.", "I do not like 3.14 well-known cafés today.")
TWO_WORDS = ("The cat sat on the mat.", "The dog sat on the rug.")
PAIRS = [BANK, TROPHY, QUOTE, LONGER, TWO_WORDS]


@pytest.fixture(scope="module")
def models():
    return default_models()


# ---------------------------------------------------------------------------------------------
# alignment
# ---------------------------------------------------------------------------------------------
def reference_groups(text: str, spans, offsets) -> list[list[int]]:
    """Independent reference: character -> tokens covering it, then the union over a word's characters."""
    owner: dict[int, set[int]] = {}
    for u, span in enumerate(offsets):
        if span is None:
            continue
        for ch in range(*span):
            owner.setdefault(ch, set()).add(u)
    return [sorted(set().union(*(owner.get(ch, set()) for ch in range(s, e)))) for s, e in spans]


def test_group_units_against_a_character_map():
    spans = [(0, 3), (4, 9), (9, 10)]
    offsets = [None, (0, 2), (2, 3), (4, 6), (6, 10), (0, 0)]
    assert group_units(spans, offsets) == [[1, 2], [3, 4], [4]] == reference_groups("", spans, offsets)


@pytest.mark.parametrize(
    ("text", "words", "pieces"),
    [
        ("Stop, look; listen!", ["Stop", ",", "look", ";", "listen", "!"], [1, 1, 1, 1, 1, 1]),
        ("I don't know.", ["I", "don't", "know", "."], [1, 3, 1, 1]),
        ("a well-known co-op", ["a", "well", "-", "known", "co", "-", "op"], [1] * 7),
        ("Pay 3.14 or 1,000 now", ["Pay", "3.14", "or", "1,000", "now"], [1, 3, 1, 3, 1]),
        ("the cat and the cat", ["the", "cat", "and", "the", "cat"], [1] * 5),
        ("Café naïve Zürich", ["Café", "naïve", "Zürich"], None),
        ("東京 is big", ["東京", "is", "big"], [2, 1, 1]),
    ],
)
def test_alignment_cases(models, text, words, pieces):
    run = models.transformer.run(text)
    offsets = [None if s else o for o, s in zip(run.offsets, run.special_mask, strict=True)]
    alignment = align(text, offsets, run.tokens)
    assert alignment.words == words
    assert all(text[s:e] == w for w, (s, e) in zip(alignment.words, alignment.spans, strict=True))
    # every non-space character is read by the char-LSTM inside exactly one word, in order
    steps = [t for group in alignment.chars for t in group]
    assert steps == [t for t, ch in enumerate(text) if not ch.isspace()]
    assert alignment.last_char == [e - 1 for _, e in alignment.spans]
    assert alignment.elmo == [[k] for k in range(len(words))]
    assert alignment.subwords == reference_groups(text, alignment.spans, offsets)
    # no MiniLM token is dropped: every non-special token belongs to some word
    owned = {u for group in alignment.subwords for u in group}
    assert owned == {u for u, o in enumerate(offsets) if o is not None}
    if pieces is not None:
        assert [len(g) for g in alignment.subwords] == pieces
    if pieces and max(pieces) > 1:  # a word cut into pieces is named, not dropped
        assert any("pieces" in note for note in alignment.notes)
    # repeated words keep distinct labels (plotly would merge equal ones)
    assert len(set(alignment.labels)) == len(words)


def test_a_word_the_transformer_deletes_is_kept_with_an_empty_group(models):
    text = "a \ufffd b"  # U+FFFD is a word (a symbol) to the app; BERT's text cleaning removes it
    run = models.transformer.run(text)
    offsets = [None if s else o for o, s in zip(run.offsets, run.special_mask, strict=True)]
    alignment = align(text, offsets, run.tokens)
    assert alignment.words == ["a", "\ufffd", "b"]
    assert alignment.subwords[1] == []
    assert any("no token" in note for note in alignment.notes)


def test_pair_words_minimal_two_changes_and_lengths():
    one = pair_words(["the", "bank", "of", "the", "river"], ["the", "bank", "of", "the", "money"])
    assert one.rows == [(k, k) for k in range(5)] and one.changed == [False] * 4 + [True]
    assert "one word differs" in one.summary and one.first_change == 4
    two = pair_words(["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "the", "rug"])
    assert sum(two.changed) == 2 and "more than one word" in two.summary
    longer = pair_words(["he", "said", "it"], ["he", "said", "that", "it"])
    assert longer.rows == [(0, 0), (1, 1), (None, 2), (2, 3)] and longer.changed == [False, False, True, False]
    assert "length" in longer.summary
    same = pair_words(["a", "b"], ["a", "b"])
    assert not any(same.changed) and same.first_change is None


# ---------------------------------------------------------------------------------------------
# where context flows: exact zeros and non-zeros
# ---------------------------------------------------------------------------------------------
def around_changes(diff):
    changed = np.asarray(diff.pairing.changed)
    first = int(np.argmax(changed))
    last = len(changed) - 1 - int(np.argmax(changed[::-1]))
    return changed, first, last


@pytest.mark.parametrize("pair", PAIRS, ids=["bank", "trophy", "quote", "longer", "two-words"])
def test_char_lstm_state_before_the_changed_character_moves_by_exactly_zero(models, pair):
    diff = minimal_pair(*pair, models)
    prefix = diff.char_prefix
    assert prefix == next(t for t, (x, y) in enumerate(zip(*pair, strict=False)) if x != y)
    assert np.all(diff.char_distance[:, :prefix] == 0.0)
    assert np.all(diff.char_distance[:, prefix] > 0.0)  # the changed character itself moves the state
    _, first, _ = around_changes(diff)
    lstm = diff.model("char-LSTM")
    assert np.all(lstm.distance[:, :first] == 0.0) and not lstm.moved[:, :first].any()
    assert np.all(lstm.distance[:, first:][~np.isnan(lstm.distance[:, first:])] > 0)  # nothing after is spared


def test_char_lstm_distance_against_a_plain_nn_lstm(models):
    """The word-end distance equals ‖Δ(h, c)‖ from torch's own nn.LSTM run on each text's prefix."""
    diff = minimal_pair(*TROPHY, models)
    model = models.char_lstm
    n = len(diff.pairing.rows) - 2  # "big" / "small"
    i, j = diff.pairing.rows[n]
    ends = diff.a.alignment.last_char[i], diff.b.alignment.last_char[j]
    states = []
    with torch.inference_mode():
        for text, end in zip(TROPHY, ends, strict=True):
            _, (h, c) = model.model.lstm(model.model.embedding(model.encode(text[: end + 1]).unsqueeze(0)))
            states.append((h[:, 0].double(), c[:, 0].double()))
    (ha, ca), (hb, cb) = states
    expected = torch.sqrt(((ha - hb) ** 2).sum(-1) + ((ca - cb) ** 2).sum(-1)).numpy()
    np.testing.assert_allclose(diff.model("char-LSTM").distance[:, n], expected, rtol=1e-3)


@pytest.mark.parametrize("pair", PAIRS, ids=["bank", "trophy", "quote", "longer", "two-words"])
def test_elmo_forward_half_is_exactly_still_before_the_change_and_backward_moves(models, pair):
    diff = minimal_pair(*pair, models)
    changed, first, last = around_changes(diff)
    elmo = diff.model("ELMo")
    assert elmo.layers == ELMO_ROWS
    forward, backward = elmo.distance[[1, 3]], elmo.distance[[2, 4]]
    assert first > 0
    assert np.all(forward[:, :first] == 0.0)  # the forward LM has not read the change yet
    assert np.all(backward[:, :first] > 0.0)  # the backward LM has: it reads from the end
    assert np.all(backward[:, last + 1 :] == 0.0)  # and the mirror: after the change it has not
    if last + 1 < len(changed):
        assert np.all(forward[:, last + 1 :] > 0.0)
    # layer 0 (char-CNN) is context-free: it moves only where the word itself changed
    layer0 = elmo.distance[0]
    assert np.all(layer0[~changed] == 0.0)
    assert np.all(layer0[changed][~np.isnan(layer0[changed])] > 0.0)


@pytest.mark.parametrize("pair", PAIRS, ids=["bank", "trophy", "quote", "longer", "two-words"])
def test_minilm_moves_everywhere_from_layer_one(models, pair):
    diff = minimal_pair(*pair, models)
    mini = diff.model(diff.a.transformer_name)
    above = mini.distance[1:]
    assert np.all(above[~np.isnan(above)] > 0.0)
    assert mini.moved[1:][~np.isnan(above)].all()
    if len(diff.a.alignment) == len(diff.b.alignment) and pair is BANK:  # same positions, same subwords
        changed = np.asarray(diff.pairing.changed)
        assert np.all(mini.distance[0, ~changed] == 0.0)  # embeddings: context-free as well


def test_cosine_distances_against_an_independent_computation(models):
    diff = minimal_pair(*BANK, models)
    ea = models.elmo.embed([diff.a.alignment.words])[0].astype(np.float64)  # batched char-CNN: same to ~1e-6
    eb = models.elmo.embed([diff.b.alignment.words])[0].astype(np.float64)
    p = ea.shape[-1] // 2
    for n, (i, j) in enumerate(diff.pairing.rows):
        x, y = ea[2, i, p:], eb[2, j, p:]  # layer 2, backward half
        expected = 1 - x @ y / np.linalg.norm(x) / np.linalg.norm(y)
        assert diff.model("ELMo").distance[4, n] == pytest.approx(expected, abs=1e-5)
    ra, rb = models.transformer.run(BANK[0]), models.transformer.run(BANK[1])
    x, y = ra.hidden_states[3, 8].astype(np.float64), rb.hidden_states[3, 8].astype(np.float64)  # "river"/"money"
    assert diff.model(diff.a.transformer_name).distance[3, 7] == pytest.approx(
        1 - x @ y / np.linalg.norm(x) / np.linalg.norm(y), abs=1e-6
    )


def test_csv_has_one_row_per_model_layer_and_word(models):
    diff = minimal_pair(*QUOTE, models)
    lines = diff.to_csv().strip().splitlines()
    assert len(lines) - 1 == sum(len(m.layers) for m in diff.models) * len(diff.pairing.rows)
    assert lines[0].startswith("model,layer,position,word_a,word_b,changed,distance")


# ---------------------------------------------------------------------------------------------
# one sentence, one chosen word
# ---------------------------------------------------------------------------------------------
def test_word_view_rows_against_direct_computations(models):
    run = run_sentence("I don't bank on the bank.", models)
    word = 1  # "don't": three MiniLM pieces
    view = word_view(run, word, head=3)
    name = run.transformer_name
    assert [g.model for g in view.groups] == ["char-LSTM", "ELMo", name, f"{name} attention"]
    for group in view.groups[:3]:
        np.testing.assert_allclose(group.values[:, word], 1.0)
    pieces = run.alignment.subwords[word]
    assert len(pieces) == 3
    for layer in range(run.attentions.shape[0]):
        weights = run.attentions[layer, 2]  # head 3
        expected = [sum(weights[q, k] for q in pieces for k in g) / len(pieces) for g in run.alignment.subwords]
        np.testing.assert_allclose(view.groups[3].values[layer], expected, rtol=1e-5)
    np.testing.assert_allclose(view.groups[3].values.sum(axis=1) + view.special_share, 1.0, atol=1e-5)
    # the units that changed most while the LSTM read "don't"
    first, last = run.alignment.chars[word][0], run.alignment.chars[word][-1]
    dh = run.lstm_h[:, last].astype(np.float64) - run.lstm_h[:, first - 1]
    dc = run.lstm_c[:, last].astype(np.float64) - run.lstm_c[:, first - 1]
    change = np.sqrt(dh**2 + dc**2)
    for layer in range(change.shape[0]):
        assert view.units.units[layer, 0] == int(np.argmax(change[layer]))
        np.testing.assert_allclose(view.units.change[layer], np.sort(change[layer])[::-1][:10])


def test_word_view_rejects_a_word_out_of_range(models):
    from engine.validation import InputError

    run = run_sentence("Two words", models)
    with pytest.raises(InputError, match="2 words"):
        word_view(run, 5)
    with pytest.raises(InputError, match="head"):
        word_view(run, 0, head=99)


def test_char_lstm_groups_are_steps_not_characters():
    """A combining accent and a soft hyphen join the step before them (engine.text.steps): the char-LSTM
    groups index steps, so each word's last step is where the model finishes reading it."""
    from engine.compare.alignment import align
    from engine.text import steps

    text = 'cafe\u0301 "co\u00adop" bank'
    alignment = align(text)
    read = [s.text for s in steps(text)]
    assert alignment.words == ["cafe\u0301", '"', "co\u00adop", '"', "bank"]
    assert ["".join(read[k] for k in group) for group in alignment.chars] == alignment.words
    assert alignment.last_char == [3, 5, 9, 10, 15] and len(read) == 16
