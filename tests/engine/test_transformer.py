"""engine.models.transformer and engine.analysis.attention: real attention weights, causal masks,
aggregations, bad input."""

import math
import shutil

import numpy as np
import pytest
import torch

from engine.analysis import attention as A
from engine.models import transformer as T
from engine.validation import InputError, ModelLoadError

TEXT = "The bank of the river flooded. Unbelievably, nobody noticed!"


@pytest.fixture(scope="module")
def minilm():
    return T.load()


@pytest.fixture(scope="module")
def result(minilm):
    return minilm.run(TEXT)


def test_shapes_and_rows_sum_to_one(result):
    layers, heads, size, _ = result.attentions.shape
    assert (layers, heads) == (6, 12)
    assert result.attentions.dtype == np.float32
    assert result.hidden_states.shape == (7, size, 384)
    np.testing.assert_allclose(result.attentions.sum(-1), 1.0, atol=1e-5)
    assert result.tokens[0] == "[CLS]" and result.tokens[-1] == "[SEP]"
    assert result.special_mask.tolist() == [t in ("[CLS]", "[SEP]") for t in result.tokens]
    assert result.word_ids[0] is None and result.word_ids[-1] is None
    pieces = [t for t, w in zip(result.tokens, result.word_ids, strict=True) if w == result.words.index("Unbelievably")]
    assert len(pieces) > 1 and "".join(p.strip("#") for p in pieces) == "unbelievably"
    assert not result.is_causal


def test_attentions_equal_the_library_and_softmax_of_qk(minilm, result):
    """Equal to a plain transformers forward, and to softmax(QK^T/sqrt(d)) recomputed from the hidden states."""
    from transformers import AutoModel, AutoTokenizer

    folder = T.default_model_dir()
    plain = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()
    encoding = AutoTokenizer.from_pretrained(str(folder))(TEXT, return_tensors="pt")
    with torch.no_grad():
        reference = plain(**encoding, output_attentions=True)
    np.testing.assert_array_equal(result.attentions, torch.cat(reference.attentions).numpy())

    heads, dim = 12, 384
    for layer, block in enumerate(minilm.model.encoder.layer):
        h = torch.from_numpy(result.hidden_states[layer])  # this layer's input
        attn = block.attention.self
        q = attn.query(h).view(-1, heads, dim // heads).transpose(0, 1)
        k = attn.key(h).view(-1, heads, dim // heads).transpose(0, 1)
        weights = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(dim // heads), dim=-1)
        np.testing.assert_allclose(result.attentions[layer], weights.detach().numpy(), atol=1e-5)


def tiny_gpt2_folder(tmp_path):
    """A randomly initialised 2-layer GPT-2 and a word-level tokenizer, saved as safetensors (no download)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2Model, PreTrainedTokenizerFast

    words = ["<|endoftext|>", "the", "bank", "of", "river", "flooded", ".", "[UNK]"]
    core = Tokenizer(models.WordLevel({w: k for k, w in enumerate(words)}, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", eos_token="<|endoftext|>")
    torch.manual_seed(0)
    model = GPT2Model(GPT2Config(vocab_size=len(words), n_positions=32, n_embd=16, n_layer=2, n_head=2))
    model.save_pretrained(tmp_path, safe_serialization=True)
    tokenizer.save_pretrained(tmp_path)
    return tmp_path


def test_tiny_gpt2_is_strictly_causal(tmp_path):
    model = T.load(str(tiny_gpt2_folder(tmp_path)))
    assert model.is_causal and model.num_layers == 2 and model.num_heads == 2 and model.max_tokens == 32
    result = model.run("the bank of the river flooded .")
    att = result.attentions
    upper = np.triu(np.ones(att.shape[-2:], dtype=bool), k=1)
    assert (att[..., upper] == 0).all()
    assert (att[..., ~upper] > 0).all()
    np.testing.assert_allclose(att.sum(-1), 1.0, atol=1e-6)
    np.testing.assert_allclose(att[..., 0, 0], 1.0)


def test_rollout_matches_a_hand_computed_example():
    a0 = np.array([[1.0, 0.0], [0.5, 0.5]])
    a1 = np.array([[0.2, 0.8], [0.0, 1.0]])
    att = np.stack([np.stack([a0, a0]), np.stack([a1, a1])]).astype(np.float32)  # [2 layers, 2 heads, 2, 2]
    # Â0 = norm(a0 + I) = [[1, 0], [0.25, 0.75]];  Â1 = norm(a1 + I) = [[0.6, 0.4], [0, 1]]
    expected = np.array([[0.6, 0.4], [0.0, 1.0]]) @ np.array([[1.0, 0.0], [0.25, 0.75]])
    np.testing.assert_allclose(A.rollout(att), expected, atol=1e-6)
    np.testing.assert_allclose(A.rollout(att, 1, 1), [[0.6, 0.4], [0.0, 1.0]], atol=1e-6)
    np.testing.assert_allclose(A.rollout(att).sum(-1), 1.0, atol=1e-6)
    with pytest.raises(ValueError):
        A.rollout(att, 1, 0)


def test_word_merge_matches_a_hand_computed_example():
    # tokens: [CLS] un ##real [SEP] -> words: [CLS] unreal [SEP]
    m = np.array(
        [
            [0.1, 0.2, 0.3, 0.4],
            [0.0, 0.5, 0.5, 0.0],
            [0.2, 0.2, 0.2, 0.4],
            [0.25, 0.25, 0.25, 0.25],
        ],
        dtype=np.float32,
    )
    merged, labels = A.merge_words(m, [None, 0, 0, None])
    assert labels == [None, 0, None]
    expected = np.array(
        [
            [0.1, 0.5, 0.4],
            [(0.0 + 0.2) / 2, (1.0 + 0.4) / 2, (0.0 + 0.4) / 2],
            [0.25, 0.5, 0.25],
        ]
    )
    np.testing.assert_allclose(merged, expected, atol=1e-6)
    np.testing.assert_allclose(merged.sum(-1), 1.0, atol=1e-6)


def test_word_merge_on_real_attention_keeps_rows_summing_to_one(result):
    merged, labels = A.merge_words(result.attentions[2, 3], result.word_ids)
    assert len(labels) == len(result.words) + 2
    np.testing.assert_allclose(merged.sum(-1), 1.0, atol=1e-5)


def test_drop_special_with_and_without_renormalizing():
    m = np.array([[0.5, 0.3, 0.2], [0.6, 0.2, 0.2], [0.1, 0.1, 0.8]], dtype=np.float32)
    special = np.array([True, False, False])
    np.testing.assert_allclose(A.drop_special(m, special, renormalize=False), [[0.2, 0.2], [0.1, 0.8]], atol=1e-6)
    np.testing.assert_allclose(A.drop_special(m, special, renormalize=True), [[0.5, 0.5], [1 / 9, 8 / 9]], atol=1e-6)


def test_head_statistics_on_planted_heads():
    size = 5
    previous = np.eye(size, k=-1)
    previous[0, 0] = 1.0
    sink = np.zeros((size, size))
    sink[:, 0] = 1.0
    uniform = np.full((size, size), 1 / size)
    att = np.stack([np.stack([previous, sink, uniform])]).astype(np.float32)  # [1 layer, 3 heads]
    special = np.array([True, False, False, False, True])
    stats = A.head_statistics(att, special)
    assert stats.previous[0, 0] == pytest.approx(1.0)
    assert stats.special[0, 1] == pytest.approx(1.0)
    assert stats.entropy[0, 2] == pytest.approx(math.log2(size))
    assert stats.entropy[0, 0] == pytest.approx(0.0)
    assert stats.distance[0, 0] == pytest.approx(4 / 5)
    roles = [row["role"] for row in stats.rows()]
    assert roles == ["previous-token head", "sink head ([CLS]/[SEP])", "broad head"]


def test_bad_input_gives_clear_messages(minilm, tmp_path):
    with pytest.raises(InputError, match="empty"):
        minilm.run("  ")
    problems = minilm.check("word " * 600)
    assert problems[0].level == "error" and "512" in problems[0].message and "602" in problems[0].message
    with pytest.raises(InputError, match="512"):
        minilm.run("word " * 600)
    with pytest.raises(ModelLoadError, match="does not exist"):
        T.load(str(tmp_path / "no-such-model"))
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "config.json").write_text("{}")
    (pickled / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(ModelLoadError, match="pickled"):
        T.load(str(pickled))


def test_default_weights_with_a_wrong_checksum_are_refused(tmp_path, monkeypatch):
    source = T.default_model_dir()
    for item in source.iterdir():
        if item.name != "model.safetensors" and item.is_file():
            shutil.copy(item, tmp_path / item.name)
    data = bytearray((source / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / "model.safetensors").write_bytes(bytes(data))
    monkeypatch.setattr(T, "default_model_dir", lambda: tmp_path)
    with pytest.raises(ModelLoadError, match="sha256"):
        T.load()


def test_word_vectors_are_the_mean_of_the_word_pieces(minilm):
    sentences = [["Unbelievably", ",", "the", "bank", "flooded"], ["My", "bank", "account"]]
    vectors = minilm.word_vectors(sentences, [0, 1])
    assert vectors.shape == (7, 2, 384)
    alone = minilm.run("Unbelievably , the bank flooded")  # the same words, one sentence
    pieces = [k for k, w in enumerate(alone.word_ids) if w == 0]
    np.testing.assert_allclose(vectors[:, 0], alone.hidden_states[:, pieces].mean(axis=1), atol=1e-4)
    # the shorter sentence is batched first: its vector still comes back in its own place
    second = minilm.run("My bank account")
    pieces = [k for k, w in enumerate(second.word_ids) if w == 1]
    np.testing.assert_allclose(vectors[:, 1], second.hidden_states[:, pieces].mean(axis=1), atol=1e-4)
