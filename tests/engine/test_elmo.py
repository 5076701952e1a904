"""engine.models.elmo against an independent numpy forward pass on a tiny model in the official hdf5 layout."""

import json

import h5py
import numpy as np
import pytest
import torch

from engine.models.elmo import (
    BOS,
    EOS,
    MIX_PRESETS,
    Elmo,
    ElmoOptions,
    ScalarMix,
    batch_to_ids,
    scalar_mix,
    word_char_ids,
)
from engine.validation import InputError, ModelLoadError
from tests.engine.elmo_reference import ReferenceBiLm, char_ids

TINY = {
    "lstm": {
        "projection_dim": 6,
        "dim": 10,
        "n_layers": 2,
        "cell_clip": 1.5,
        "proj_clip": 1,
        "use_skip_connections": True,
    },
    "char_cnn": {
        "activation": "relu",
        "filters": [[1, 4], [2, 6], [3, 8]],
        "n_highway": 2,
        "embedding": {"dim": 4},
        "n_characters": 262,
        "max_characters_per_token": 50,
    },
}

SENTENCES = [
    ["The", "bank", "was", "steep", "."],
    ["Café", "au", "lait", "?"],
    ["x" * 60],
    [],
    ["I", "paid", "the", "bank", "back", "in", "full", "today"],
]


def tiny_arrays(options: dict, seed: int, scale: float = 1.0) -> dict[str, np.ndarray]:
    """Random weights in the official layout, large enough that the cell and projection clips trigger."""
    rng = np.random.default_rng(seed)
    p, c, d = options["lstm"]["projection_dim"], options["lstm"]["dim"], options["char_cnn"]["embedding"]["dim"]
    filters = options["char_cnn"]["filters"]
    n_f = sum(n for _, n in filters)
    arrays = {"char_embed": rng.uniform(-1, 1, (261, d))}
    for k, (w, n) in enumerate(filters):
        arrays[f"CNN/W_cnn_{k}"] = rng.normal(0, 0.5, (1, w, d, n))
        arrays[f"CNN/b_cnn_{k}"] = rng.normal(0, 0.1, n)
    for k in range(options["char_cnn"]["n_highway"]):
        arrays[f"CNN_high_{k}/W_carry"] = rng.normal(0, 1 / np.sqrt(n_f), (n_f, n_f))
        arrays[f"CNN_high_{k}/W_transform"] = rng.normal(0, 1 / np.sqrt(n_f), (n_f, n_f))
        arrays[f"CNN_high_{k}/b_carry"] = rng.normal(-1, 0.5, n_f)
        arrays[f"CNN_high_{k}/b_transform"] = rng.normal(0, 0.1, n_f)
    arrays["CNN_proj/W_proj"] = rng.normal(0, 0.3, (n_f, p))
    arrays["CNN_proj/b_proj"] = rng.normal(0, 0.1, p)
    for direction in (0, 1):
        for layer in range(options["lstm"]["n_layers"]):
            prefix = f"RNN_{direction}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"
            arrays[f"{prefix}/W_0"] = rng.normal(0, 0.4 * scale, (2 * p, 4 * c))
            arrays[f"{prefix}/B"] = rng.normal(0.5, scale, 4 * c)  # + the forget bias 1: memories build up
            arrays[f"{prefix}/W_P_0"] = rng.normal(0, scale, (c, p))
    return {k: v.astype(np.float32) for k, v in arrays.items()}


def write_model(tmp_path, options=TINY, seed=0, scale=1.0):
    arrays = tiny_arrays(options, seed, scale)
    (tmp_path / "options.json").write_text(json.dumps(options))
    with h5py.File(tmp_path / "weights.hdf5", "w") as h5:
        for name, array in arrays.items():
            h5.create_dataset(name, data=array)
    return tmp_path / "options.json", tmp_path / "weights.hdf5", arrays


def batches():
    """Consecutive batches of different sizes and lengths, as a stateful user would send them."""
    return [SENTENCES[:3], SENTENCES[3:], SENTENCES[1:5], [SENTENCES[0]], SENTENCES[::-1]]


@pytest.mark.parametrize("skip", [True, False])
def test_stateless_matches_numpy_reference(tmp_path, skip):
    options = json.loads(json.dumps(TINY))
    options["lstm"]["use_skip_connections"] = skip
    options_path, weights_path, arrays = write_model(tmp_path, options, seed=1 + skip)
    elmo = Elmo.from_files(options_path, weights_path)
    for batch in batches():
        ours = elmo.embed(batch)
        reference = ReferenceBiLm(arrays, options, max_batch=len(batch))  # fresh zero state: stateless
        theirs = reference.run(batch)
        for a, b, sentence in zip(ours, theirs, batch, strict=True):
            assert a.shape == (3, len(sentence), 12) and a.dtype == np.float32
            np.testing.assert_allclose(a, b, atol=1e-5, rtol=0)
    assert reference.clips["cell"] > 0 and reference.clips["proj"] > 0, "weights must make both clips trigger"


@pytest.mark.parametrize("skip", [True, False])
def test_stateful_batches_match_numpy_reference(tmp_path, skip):
    options = json.loads(json.dumps(TINY))
    options["lstm"]["use_skip_connections"] = skip
    options_path, weights_path, arrays = write_model(tmp_path, options, seed=3 + skip)
    elmo = Elmo.from_files(options_path, weights_path)
    reference = ReferenceBiLm(arrays, options)
    worst = 0.0
    for batch in batches():
        for a, b in zip(elmo.embed(batch, stateful=True), reference.run(batch), strict=True):
            worst = max(worst, float(np.abs(a - b).max(initial=0)))
    assert worst <= 1e-5
    assert reference.clips["cell"] > 0 and reference.clips["proj"] > 0
    # the carried state matters: a stateless run of the last batch differs
    stateless = elmo.embed(batches()[-1])
    stateful_again = elmo.embed(batches()[-1], stateful=True)
    assert max(float(np.abs(a - b).max(initial=0)) for a, b in zip(stateless, stateful_again, strict=True)) > 1e-3
    elmo.reset_states()
    for a, b in zip(elmo.embed(batches()[-1], stateful=True), stateless, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_layer_zero_is_context_free_and_duplicated(tmp_path):
    elmo = Elmo.from_files(*write_model(tmp_path)[:2])
    a, b = elmo.embed([["the", "bank", "of", "the", "river"], ["my", "bank", "account"]])
    np.testing.assert_allclose(a[0, 1], b[0, 1], atol=1e-6)
    np.testing.assert_array_equal(a[0, :, :6], a[0, :, 6:])
    assert np.abs(a[1, 1] - b[1, 1]).max() > 1e-3  # layer 1 depends on the sentence


def test_round_trip_save_and_load(tmp_path):
    original = Elmo.random(ElmoOptions.from_dict(TINY), seed=5)
    original.save_files(tmp_path / "m")
    loaded = Elmo.from_files(tmp_path / "m" / "options.json", tmp_path / "m" / "weights.hdf5")
    for a, b in zip(original.embed(SENTENCES), loaded.embed(SENTENCES), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    with h5py.File(tmp_path / "m" / "weights.hdf5") as h5:
        assert h5["char_embed"].shape == (261, 4)


def test_gates_are_consistent_with_embed(tmp_path):
    elmo = Elmo.from_files(*write_model(tmp_path)[:2])
    sentence = ["We", "sat", "on", "the", "bank", "."]
    layers = elmo.embed([sentence])[0]
    trace = elmo.gates(sentence)
    assert trace.i.shape == (2, 2, 1, 6, 10) and trace.h.shape == (2, 2, 1, 6, 6)
    h = trace.h[:, :, 0]  # [layers, directions, T, P]
    np.testing.assert_allclose(layers[1], np.concatenate([h[0, 0], h[0, 1]], -1), atol=1e-6)
    # layer 2 = its cell output + the residual (layer 1's output)
    np.testing.assert_allclose(layers[2] - layers[1], np.concatenate([h[1, 0], h[1, 1]], -1), atol=1e-5)
    assert (np.abs(trace.c) <= 3 + 1e-6).all()
    with_boundaries = elmo.gates(sentence, with_boundaries=True)
    assert with_boundaries.tokens == [BOS, *sentence, EOS] and with_boundaries.i.shape[3] == 8


def test_char_ids():
    assert word_char_ids(BOS)[:4].tolist() == [259, 257, 260, 261]
    assert word_char_ids(EOS)[:4].tolist() == [259, 258, 260, 261]
    assert word_char_ids("cat")[:6].tolist() == [259, 100, 98, 117, 260, 261]
    assert word_char_ids("é")[:5].tolist() == [259, 0xC3 + 1, 0xA9 + 1, 260, 261]
    long = word_char_ids("a" * 60)
    assert long.tolist() == [259] + [98] * 48 + [260]
    for word in [BOS, EOS, "cat", "é", "a" * 60, "日本語"]:
        assert word_char_ids(word).tolist() == char_ids(word)
    ids = batch_to_ids([["a", "b"], []])
    assert ids.shape == (2, 4, 50)
    assert (ids[1, 2:] == 0).all() and ids[1, 1].tolist() == word_char_ids(EOS).tolist()


def test_scalar_mix_presets_and_layer_norm():
    layers = np.random.default_rng(0).normal(size=(3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(scalar_mix(layers, MIX_PRESETS["average"]), layers.mean(0), atol=1e-6)
    np.testing.assert_allclose(scalar_mix(layers, MIX_PRESETS["top"]), layers[2], atol=1e-6)
    np.testing.assert_allclose(scalar_mix(layers, [0, 0, 0], gamma=2.0), 2 * layers.mean(0), atol=1e-6)
    mixed = ScalarMix(3, do_layer_norm=True)(list(torch.from_numpy(layers)))
    normed = [(t - t.mean()) / np.sqrt(t.var() + 1e-13) for t in layers]
    np.testing.assert_allclose(mixed.detach().numpy(), np.mean(normed, 0), atol=1e-5)


def test_bad_inputs_give_clear_errors(tmp_path):
    options_path, weights_path, _ = write_model(tmp_path)
    elmo = Elmo.from_files(options_path, weights_path)
    with pytest.raises(InputError, match="No sentences"):
        elmo.embed([])
    assert elmo.embed([[]])[0].shape == (3, 0, 12)
    problems = elmo.check_sentences([["ok", "y" * 200]])
    assert problems and "48 bytes" in problems[0].message
    assert elmo.embed([["y" * 200]])[0].shape == (3, 1, 12)
    with pytest.raises(ModelLoadError, match="does not exist"):
        Elmo.from_files(options_path, tmp_path / "missing.hdf5")
    truncated = tmp_path / "truncated.hdf5"
    truncated.write_bytes(weights_path.read_bytes()[:2000])
    with pytest.raises(ModelLoadError, match="truncated or corrupt"):
        Elmo.from_files(options_path, truncated)
    wrong = json.loads(json.dumps(TINY))
    wrong["lstm"]["dim"] = 11
    (tmp_path / "wrong.json").write_text(json.dumps(wrong))
    with pytest.raises(ModelLoadError, match=r"options\.json needs"):
        Elmo.from_files(tmp_path / "wrong.json", weights_path)
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="options"):
        Elmo.from_files(tmp_path / "bad.json", weights_path)
    with pytest.raises(InputError, match="cannot guess"):
        elmo.predict(["a"])


def test_predict_with_a_softmax(tmp_path):
    options = ElmoOptions.from_dict(TINY)
    vocab = ["<S>", "</S>", "<UNK>", "the", "bank", "river"]
    softmax = (torch.randn(len(vocab), 6), torch.zeros(len(vocab)))
    elmo = Elmo(options, Elmo.random(options).bilm, vocab, softmax, lowercase_vocab=True)
    elmo.save_files(tmp_path)
    loaded = Elmo.from_files(tmp_path / "options.json", tmp_path / "weights.hdf5", tmp_path / "vocab.txt")
    result = loaded.predict(["The", "bank"], k=3)
    assert len(result.next_words) == 2 and len(result.next_words[0]) == 3
    assert all(0 < p <= 1 for _, p in result.next_words[0])
    # the forward LM's top output at "The" predicts "bank": its log-prob is read at that word's id
    logits = torch.from_numpy(np.asarray(result.forward_logprob))
    assert logits.shape == (2,) and (logits <= 0).all()
    assert loaded.word_id("The") == 3 and loaded.word_id("zebra") == 2


def test_command_line_embeds_a_file(tmp_path):
    from engine.__main__ import main

    options_path, weights_path, _ = write_model(tmp_path)
    (tmp_path / "in.txt").write_text("The bank was steep .\nCafé au lait ?\n", encoding="utf-8")
    out = tmp_path / "out.npz"
    assert main(["elmo", str(tmp_path / "in.txt"), str(out), "--options", str(options_path), "--weights",
                 str(weights_path), "--batch-size", "1", "--stateful"]) == 0  # fmt: skip
    saved = np.load(out)
    assert saved["embedding_0"].shape == (3, 5, 12) and saved["embedding_1"].shape == (3, 4, 12)
    assert list(saved["sentences"]) == ["The bank was steep .", "Café au lait ?"]
    elmo = Elmo.from_files(options_path, weights_path)
    first = elmo.embed([[*SENTENCES[0][:4], "."]], stateful=True)[0]  # batch 1, row 0, fresh state
    np.testing.assert_allclose(saved["embedding_0"], first, atol=1e-6)
    assert main(["elmo", str(tmp_path / "missing.txt"), str(out)]) == 2


def test_perplexity_and_predict_read_the_right_positions():
    options = ElmoOptions.from_dict(TINY)
    vocab = ["<S>", "</S>", "<UNK>", "the", "bank", "river"]
    softmax = (torch.randn(len(vocab), 6), torch.randn(len(vocab)))
    elmo = Elmo(options, Elmo.random(options).bilm, vocab, softmax, lowercase_vocab=True)
    with torch.no_grad():  # <S> the </S>: forward predicts "the", </S>; backward predicts <S>, "the"
        out = elmo.bilm(batch_to_ids([["The"]]))
        logp = lambda h: torch.log_softmax(h @ softmax[0].T + softmax[1], -1)  # noqa: E731
        f = [logp(out.top_forward[0, 0])[3], logp(out.top_forward[0, 1])[1]]
        b = [logp(out.top_backward[0, 1])[0], logp(out.top_backward[0, 2])[3]]
    result = elmo.perplexity([["The"]])
    np.testing.assert_allclose(result["forward"], np.exp(-(f[0] + f[1]).item() / 2), rtol=1e-5)
    np.testing.assert_allclose(result["backward"], np.exp(-(b[0] + b[1]).item() / 2), rtol=1e-5)
    np.testing.assert_allclose(result["average"], np.exp(-(sum(f) + sum(b)).item() / 4), rtol=1e-5)
    prediction = elmo.predict(["The"])
    np.testing.assert_allclose(prediction.forward_logprob[0], f[1].item(), atol=1e-5)
    np.testing.assert_allclose(prediction.backward_logprob[0], b[0].item(), atol=1e-5)
    sentences = [["The"], ["the", "river", "bank"], ["zebra"]]  # padded together, and one at a time
    batched = elmo.perplexity(sentences, batch_size=2)
    counts = [len(s) + 1 for s in sentences]
    alone = [elmo.perplexity([s]) for s in sentences]
    for key in ("forward", "backward"):
        combined = np.exp(sum(np.log(r[key]) * n for r, n in zip(alone, counts, strict=True)) / sum(counts))
        np.testing.assert_allclose(batched[key], combined, rtol=1e-5)
