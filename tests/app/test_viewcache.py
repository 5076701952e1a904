"""The disk cache of default views (ui/viewcache.py): exact round trips, no pickle, keys that change."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.analysis.senses import LayerVectors, Occurrence, SenseInput
from engine.models.transformer import AttentionResult
from engine.validation import Problem
from ui import viewcache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(viewcache, "FOLDER", tmp_path)
    return tmp_path


def test_results_come_back_exactly(folder):
    rng = np.random.default_rng(0)
    attention = AttentionResult(
        "m", ["[CLS]", "a", "[SEP]"], rng.random((2, 3, 3, 3), dtype=np.float32), rng.random((3, 3, 4)),
        [None, 0, None], np.array([True, False, True]), False, [(0, 0), (0, 1), (0, 0)], ["a"], 0.5,
    )  # fmt: skip
    senses = {
        "input": SenseInput("bank", [Occurrence(1, "a bank", ["a", "bank"], 1, "river")], [Problem("warning", "w")]),
        "elmo": LayerVectors("ELMo", ["layer 0"], rng.random((1, 1, 8))),
        "maps": [("layer 0", rng.random((4, 2)))],
        "mix": (1.0, 0.5),
        "heads_off": {6: frozenset({11, 6, 7})},  # ablation.HeadsOffResult's layer -> heads
    }
    for name, value in (("attention", attention), ("senses", senses)):
        path = folder / f"{name}.npz"
        viewcache.save(path, value)
        back = viewcache.load(path)
        assert type(back) is type(value)
        if name == "attention":
            assert back.tokens == attention.tokens and back.word_ids == attention.word_ids
            assert back.offsets == attention.offsets and back.seconds == 0.5 and back.is_causal is False
            assert np.array_equal(back.attentions, attention.attentions) and back.attentions.dtype == np.float32
        else:
            assert back["input"] == senses["input"] and back["mix"] == (1.0, 0.5)
            assert back["heads_off"] == {6: frozenset({6, 7, 11})} and type(back["heads_off"][6]) is frozenset
            assert np.array_equal(back["elmo"].vectors, senses["elmo"].vectors)
            assert back["maps"][0][0] == "layer 0" and np.array_equal(back["maps"][0][1], senses["maps"][0][1])


def test_only_engine_dataclasses_are_rebuilt(folder):
    path = folder / "x.npz"
    viewcache.save(path, Problem("error", "e"))
    with np.load(path) as data:
        tree = json.loads(data["__tree__"].tobytes())
    tree["__dataclass__"] = "subprocess:Popen"
    np.savez(path, __tree__=np.frombuffer(json.dumps(tree).encode(), dtype=np.uint8))
    with pytest.raises(TypeError, match="not an engine dataclass"):
        viewcache.load(path)


def test_through_reads_what_was_stored_and_recomputes_damaged_files(folder):
    calls = []

    def compute():
        calls.append(1)
        return {"v": np.arange(3)}

    assert not viewcache.has("f", ("a", 1))
    viewcache.through("f", ("a", 1), compute, store=True)
    assert viewcache.has("f", ("a", 1)) and not viewcache.has("f", ("a", 2))
    assert np.array_equal(viewcache.through("f", ("a", 1), compute)["v"], np.arange(3)) and len(calls) == 1
    next(folder.glob("f-*.npz")).write_bytes(b"not a zip")
    assert np.array_equal(viewcache.through("f", ("a", 1), compute)["v"], np.arange(3)) and len(calls) == 2


def test_keys_depend_on_the_models_and_the_engine(monkeypatch):
    key = viewcache.key("attention", ("", False, "text"))
    assert key != viewcache.key("attention", ("", False, "text!"))
    monkeypatch.setattr(viewcache, "fingerprint", lambda: "other weights")
    assert key != viewcache.key("attention", ("", False, "text"))


def test_prune_keeps_only_the_current_views(folder):
    viewcache.through("f", (1,), lambda: 1, store=True)
    viewcache.through("f", (2,), lambda: 2, store=True)
    assert viewcache.prune({viewcache.path_of("f", (1,))}) == 1
    assert viewcache.has("f", (1,)) and not viewcache.has("f", (2,))


def _same(a, b) -> bool:
    """Recursive equality for engine results: arrays bit for bit (NaN equal to NaN), dataclasses field by field."""
    import dataclasses

    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and type(a) is type(b)


def test_a_compare_preset_comes_back_exactly(folder):
    """The Compare page's default pair is stored by the warm-up and drawn from disk."""
    from engine.compare import PRESETS, default_models, pair_diff, run_sentence

    models = default_models()
    diff = pair_diff(run_sentence(PRESETS[0].a, models), run_sentence(PRESETS[0].b, models))
    viewcache.save(folder / "pair.npz", diff)
    back = viewcache.load(folder / "pair.npz")
    assert _same(back, diff) and not _same(back.models[0].distance, back.models[0].distance + 1e-9)


def test_the_step_pages_default_view_is_the_computed_one(folder):
    """The "LSTM step by step" page's default reading and intervention, stored by the warm-up's code
    (ui/first_views.py), are exactly what the page computes for them; the intervention is the one its
    controls start with."""
    from ui import cached, first_views, reading
    from ui.inputs import DEFAULT_TEXT

    views = first_views.step_views()
    for name, *args in views:
        first_views.store(name, *args)
    (_, text, layer), (_, *intervention) = views
    assert (text, layer) == (first_views.clean_text(DEFAULT_TEXT)[0], 1)
    computed = reading._char_reading(text, layer)
    assert intervention[2:] == [*reading.default_intervention(computed, text)]
    assert len(intervention[2]) == reading.QUOTE_UNITS and intervention[3:] == ["clamp c to 0", 0.0, 73]
    for name, *args in views:
        stored, fresh = viewcache.stored(name, tuple(args)), cached.COMPUTE[name](*args)
        assert _same(stored, fresh), name
    changed = cached.COMPUTE["char_intervention"](text, layer, intervention[2], "clamp c to 0", 0.0, 0)
    assert not _same(viewcache.stored(*views[1][:1], tuple(views[1][1:])), changed)  # the check can fail


def test_the_language_model_pages_default_view_is_the_computed_one(folder):
    """This app's biLM's answers to the ELMo language-model page's defaults (ui/first_views.py), read back
    from disk, are exactly the model's; its name and vocabulary size are the model's own."""
    from ui import cached, cached_lm, first_views

    views = first_views.lm_views()
    for name, *args in views:
        first_views.store(name, *args)
    for name, *args in views:
        stored, fresh = viewcache.stored(name, tuple(args)), cached.COMPUTE[name](*args)
        assert _same(stored, fresh), name
    model = cached.elmo_model()
    facts = cached_lm.elmo_facts(cached_lm.THIS_APP)
    assert (facts.name, facts.can_predict, facts.vocab_size) == (model.name, True, len(model.vocab))
    blank = viewcache.stored("lm_fill_blank", tuple(views[1][1:]))
    ranks = viewcache.stored("lm_word_in_blank", tuple(views[2][1:]))
    assert blank.forward_logprob.shape == (len(model.vocab),) and blank.combined[0][0] == "time"
    assert ranks["combined"][1] == ranks["forward"][1] == 1  # "time": both the first guess
    assert ranks["combined"][0] == pytest.approx(blank.combined[0][1], rel=1e-6)


def test_the_inside_and_senses_default_views_are_the_computed_ones(folder):
    """The "Inside attention" page's default view (opened layer, position maps, order swap, heads switched off)
    and the senses page's ScalarMix of the preset "bank", read back from disk, are exactly what the pages
    compute; the heads and the mix are the pages' defaults."""
    from engine.analysis import senses
    from ui import cached, first_views

    word, sentences = senses.read_preset("bank")
    mixed = ("sense_mixed", word, first_views.clean_text(sentences)[0], "", first_views.SENSE_MIX)
    views = [*first_views.inside_views(), mixed]
    assert views[-2][2:] == (6, (6, 7, 11)) and first_views.SENSE_MIX == (1.0, 1.0, 1.0)
    for name, *args in views:
        first_views.store(name, *args)
    for name, *args in views:
        stored, fresh = viewcache.stored(name, tuple(args)), cached.COMPUTE[name](*args)
        if name == "attention":  # its `seconds` is a timing: the rest must match
            stored.seconds = fresh.seconds
        assert _same(stored, fresh), name
    heads_off = viewcache.stored(*views[-2][:1], tuple(views[-2][1:]))
    assert heads_off.heads_off == {6: frozenset({6, 7, 11})} and heads_off.bank_after != heads_off.bank_before
    mix = viewcache.stored(*mixed[:1], tuple(mixed[1:]))["elmo"]
    assert mix.layer_names[-1] == "mix 0.33/0.33/0.33" and mix.vectors.shape[0] == 4


def test_the_senses_pages_glove_facts_are_stored_and_equal_glove_itself(folder):
    """The senses page's GloVe section (is the word known, GloVe's size, how many distinct points its
    occurrences get) is stored for every preset, so a class opening the page never waits for GloVe's
    400,000 vectors; read back, it equals a plain loop over GloVe's own index. Same kind: a word GloVe lacks."""
    from engine.analysis import senses
    from engine.models import glove
    from ui import cached_probes, first_views

    views = [view for view in first_views.views() if view[0] == "glove_facts"]
    assert [view[1] for view in views] == list(senses.PRESETS)
    model = glove.load()
    for name, word, tokens in [*views[:2], ("glove_facts", "zzqxv", ("zzqxv", "Zzqxv"))]:
        first_views.store(name, word, tokens)
        stored = viewcache.stored(name, (word, tokens))
        rows = {model.index[t.lower()] for t in tokens if t.lower() in model.index}
        points = len({model.vectors[row].tobytes() for row in rows})
        assert stored == {"known": word.lower() in model.index, "vocabulary": 400_000, "points": points}
        assert stored == cached_probes._glove_facts(word, tokens)
    assert viewcache.stored("glove_facts", views[0][1:])["points"] >= 1  # "bank": its spellings, not its senses
    assert {("glove_neighbours", word, 10) for word in senses.PRESETS} <= set(first_views.views())  # the section's list
