"""engine.analysis.inside, ablation and positions: one layer opened up, heads switched off, positions.

Every number is checked against the `transformers` library's own forward pass (attentions,
hidden_states), against a plain recomputation from the module's weight matrices written here, or
against the paper's formula in a plain loop."""

import math

import numpy as np
import pytest
import torch

from engine.analysis import ablation, inside, positions
from engine.models import transformer as T
from engine.validation import InputError
from tests.engine.test_transformer import tiny_gpt2_folder

TEXT = "The bank of the river flooded. Unbelievably, nobody noticed!"
GPT2_TEXT = "the bank of the river flooded ."


@pytest.fixture(scope="module")
def minilm():
    return T.load()


@pytest.fixture(scope="module")
def gpt2(tmp_path_factory):
    return T.load(str(tiny_gpt2_folder(tmp_path_factory.mktemp("gpt2"))))


def library_run(model, text, hooks=()):
    """The unmodified library model's attentions `[L, H, T, T]` and hidden states `[L + 1, T, d]`."""
    encoding = model.tokenizer(text, return_tensors="pt")
    handles = [module.register_forward_pre_hook(hook) for module, hook in hooks]
    try:
        with torch.no_grad():
            out = model.model(**encoding, output_attentions=True, output_hidden_states=True)
    finally:
        for handle in handles:
            handle.remove()
    return torch.cat(out.attentions).numpy(), torch.cat(out.hidden_states).numpy()


@pytest.mark.parametrize("which", ["minilm", "gpt2"])
def test_every_head_and_layer_equals_the_library(which, request):
    model = request.getfixturevalue(which)
    text = TEXT if which == "minilm" else GPT2_TEXT
    attentions, hidden = library_run(model, text)
    for layer in range(1, model.num_layers + 1):
        for head in range(1, model.num_heads + 1):
            opened = inside.open_layer(model, text, layer, head)
            np.testing.assert_allclose(opened.weights, attentions[layer - 1, head - 1], atol=1e-6, rtol=0)
        np.testing.assert_allclose(opened.x, hidden[layer - 1], atol=1e-5, rtol=0)
        np.testing.assert_allclose(opened.layer_output, hidden[layer], atol=1e-5, rtol=0)
    assert opened.final_norm == (which == "gpt2")


def test_bert_head_recomputed_from_the_weight_matrices(minilm):
    """Q = x W_Qᵀ + b (nn.Linear stores W as [out, in]), scores = Q Kᵀ, ÷ √32, softmax, · V; a plain loop
    over query rows for the softmax."""
    layer, head = 2, 5
    opened = inside.open_layer(minilm, TEXT, layer, head)
    attn = minilm.model.encoder.layer[layer - 1].attention.self
    x = opened.x.astype(np.float64)
    cols = slice((head - 1) * 32, head * 32)

    def project(linear):
        return x @ linear.weight.detach().numpy()[cols].T.astype(np.float64) + linear.bias.detach().numpy()[cols]

    q, k, v = project(attn.query), project(attn.key), project(attn.value)
    for name, expected in (("q", q), ("k", k), ("v", v)):
        np.testing.assert_allclose(getattr(opened, name), expected, atol=1e-5, rtol=0)
    scores = q @ k.T
    np.testing.assert_allclose(opened.scores, scores, atol=1e-4, rtol=1e-5)
    np.testing.assert_allclose(opened.scaled, scores / math.sqrt(32), atol=1e-5, rtol=1e-5)
    weights = np.zeros_like(scores)
    for row in range(len(scores)):
        e = np.exp(scores[row] / math.sqrt(32) - (scores[row] / math.sqrt(32)).max())
        weights[row] = e / e.sum()
    np.testing.assert_allclose(opened.weights, weights, atol=1e-6, rtol=0)
    np.testing.assert_allclose(opened.head_output, weights @ v, atol=1e-5, rtol=0)
    np.testing.assert_allclose(opened.all_heads[:, cols], opened.head_output, atol=0, rtol=0)
    assert opened.mask is None and opened.d_head == 32 and opened.scale == pytest.approx(math.sqrt(32))
    assert opened.norm_order == "post-LN" and opened.activation == "gelu"


def test_bert_layer_one_embeddings_are_kept_and_sum(minilm):
    opened = inside.open_layer(minilm, TEXT, 1, 1)
    pieces = opened.embeddings
    emb = minilm.model.embeddings
    ids = minilm.tokenizer(TEXT)["input_ids"]
    np.testing.assert_array_equal(pieces.token, emb.word_embeddings.weight.detach().numpy()[ids])
    np.testing.assert_array_equal(pieces.position, emb.position_embeddings.weight.detach().numpy()[: len(ids)])
    np.testing.assert_allclose(pieces.total, pieces.token + pieces.position + pieces.token_type, atol=1e-6)
    mean, var = pieces.total.mean(-1, keepdims=True), pieces.total.var(-1, keepdims=True)
    normed = (pieces.total - mean) / np.sqrt(var + emb.LayerNorm.eps) * emb.LayerNorm.weight.detach().numpy()
    np.testing.assert_allclose(pieces.normed, normed + emb.LayerNorm.bias.detach().numpy(), atol=1e-5)
    np.testing.assert_array_equal(pieces.normed, opened.x)
    assert inside.open_layer(minilm, TEXT, 2, 1).embeddings is None


def test_gpt2_head_is_causal_and_recomputed_from_c_attn(gpt2):
    opened = inside.open_layer(gpt2, GPT2_TEXT, 2, 2)
    block = gpt2.model.h[1]
    a = opened.attention_input.astype(np.float64)
    qkv = a @ block.attn.c_attn.weight.detach().numpy() + block.attn.c_attn.bias.detach().numpy()  # Conv1D: [in, out]
    d, d_head = 16, 8
    q, k, v = (qkv[:, part * d + d_head : part * d + 2 * d_head] for part in range(3))
    np.testing.assert_allclose(opened.q, q, atol=1e-5)
    np.testing.assert_allclose(opened.k, k, atol=1e-5)
    np.testing.assert_allclose(opened.v, v, atol=1e-5)
    np.testing.assert_allclose(opened.scores, q @ k.T, atol=1e-5)
    upper = np.triu(np.ones_like(opened.scores, dtype=bool), k=1)
    assert opened.mask is not None and (opened.mask == ~upper).all()
    assert (opened.weights[upper] == 0).all()
    assert opened.norm_order == "pre-LN" and opened.embeddings is None
    first = inside.open_layer(gpt2, GPT2_TEXT, 1, 1)
    assert first.embeddings.token_type is None and first.embeddings.normed is None
    np.testing.assert_array_equal(first.embeddings.total, first.x)


def test_bad_places_text_and_architecture(minilm, gpt2):
    with pytest.raises(InputError, match="layers 1 to 6"):
        inside.open_layer(minilm, TEXT, 7, 1)
    with pytest.raises(InputError, match="heads 1 to 12"):
        inside.open_layer(minilm, TEXT, 1, 0)
    with pytest.raises(InputError, match="empty"):
        inside.open_layer(minilm, " \u200b ", 1, 1)
    with pytest.raises(InputError, match="at most 512"):
        inside.open_layer(minilm, "bank " * 600, 1, 1)
    from transformers import DistilBertConfig, DistilBertModel

    other = T.TransformerModel(DistilBertModel(DistilBertConfig(dim=16, n_layers=1, n_heads=2, hidden_dim=32)),
                               gpt2.tokenizer, "tiny distilbert")  # fmt: skip
    with pytest.raises(InputError, match="not supported for this architecture"):
        inside.open_layer(other, GPT2_TEXT, 1, 1)


def zero_heads_hook(heads, d_head):
    """A forward pre-hook for the output projection: zero the chosen heads' slices of its input."""

    def hook(module, args):
        (x,) = args
        x = x.clone()
        for head in heads:
            x[..., (head - 1) * d_head : head * d_head] = 0.0
        return (x,)

    return hook


@pytest.mark.parametrize("which", ["minilm", "gpt2"])
def test_switching_heads_off_equals_a_hooked_library_run(which, request):
    model = request.getfixturevalue(which)
    text = TEXT if which == "minilm" else GPT2_TEXT
    off = {1: frozenset({1, 3}), 2: frozenset({2})} if which == "minilm" else {1: frozenset({2}), 2: frozenset({1})}
    if which == "minilm":
        projections = [model.model.encoder.layer[k].attention.output.dense for k in range(2)]
        d_head = 32
    else:
        projections = [model.model.h[k].attn.c_proj for k in range(2)]
        d_head = 8
    hooks = [(projections[layer - 1], zero_heads_hook(heads, d_head)) for layer, heads in off.items()]
    _, reference = library_run(model, text, hooks)
    ids, _ = inside.encode_ids(model, text)
    ours = ablation.final_vectors(model, ids[None], off)[0]
    np.testing.assert_allclose(ours, reference[-1], atol=1e-5, rtol=0)
    _, plain = library_run(model, text)
    assert np.abs(plain[-1] - reference[-1]).max() > 1e-3  # the switch really changed something


def test_switch_off_result_and_bank_score(minilm):
    result = ablation.switch_off(minilm, TEXT, {1: {1}})
    assert result.words[1] == "bank" and result.word_distance.shape == (len(result.words),)
    assert (result.word_distance > 0).all() and result.bank_sentences == 32
    vectors_check = minilm.word_vectors  # the senses page's own path, batched by the library
    from engine.analysis import senses

    word, text = senses.read_preset("bank")
    parsed = senses.parse_sentences(text, word)
    library = vectors_check([o.tokens for o in parsed.occurrences], [o.index for o in parsed.occurrences])[-1]
    assert result.bank_before == pytest.approx(senses.loo_1nn_accuracy(library, parsed.labels), abs=1e-9)
    nothing = ablation.switch_off(minilm, TEXT, {})
    assert (nothing.word_distance == 0).all() and nothing.bank_after == nothing.bank_before
    with pytest.raises(InputError, match="heads 1 to 12"):
        ablation.switch_off(minilm, TEXT, {1: {13}})


def test_sinusoidal_equals_the_paper_formula():
    pe = positions.sinusoidal(50, 384)
    for pos in (0, 1, 7, 49):
        for i in range(192):
            assert pe[pos, 2 * i] == pytest.approx(math.sin(pos / 10000 ** (2 * i / 384)), abs=1e-12)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(pos / 10000 ** (2 * i / 384)), abs=1e-12)
    with pytest.raises(ValueError):
        positions.sinusoidal(4, 5)


def test_position_maps(minilm):
    maps = positions.position_maps(minilm, 20)
    table = minilm.model.embeddings.position_embeddings.weight.detach().numpy()[:20]
    assert maps.learned.shape == maps.sinusoidal.shape == (20, 20) and maps.d == 384
    a, b = table[3], table[11]
    assert maps.learned[3, 11] == pytest.approx(a @ b / np.linalg.norm(a) / np.linalg.norm(b), abs=1e-6)
    np.testing.assert_allclose(np.diag(maps.sinusoidal), 1.0, atol=1e-12)
    with pytest.raises(InputError, match="between 2 and 128"):
        positions.position_maps(minilm, 500)


def test_without_positions_an_encoder_ignores_order(minilm):
    swap = positions.order_swap(minilm, "the river bank was steep and muddy", 2, 3)
    assert swap.swapped_text == "the bank river was steep and muddy"
    assert swap.moved_without.max() < 1e-5
    assert swap.moved_with.max() > 1e-2  # with position embeddings the order matters
    ids, _ = inside.encode_ids(minilm, "the river bank was steep and muddy")
    swapped, _ = inside.encode_ids(minilm, swap.swapped_text)
    a = inside.forward(minilm, ids[None], positions=False)[0][-1][0].numpy()
    b = inside.forward(minilm, swapped[None], positions=False)[0][-1][0].numpy()
    np.testing.assert_allclose(a[[0, 1, 3, 2, 4, 5, 6, 7, 8]], b, atol=1e-5, rtol=0)
    with pytest.raises(InputError, match="between 1 and 7"):
        positions.order_swap(minilm, "the river bank was steep and muddy", 2, 9)
