"""`Elmo`, the public model: a loaded biLM (Peters et al. 2018) with embeddings, gate traces,
next/previous-word predictions and perplexity.

One code path for every size: it reads the official `options.json` and `weights.hdf5`
(AllenNLP/bilm-tf), so `elmo_2x4096_512_2048cnn_2xhighway`, the small and medium models and the
project's own trained model are all the same class. A word's ELMo vector is a mix of its layers
(eq. 1, `scalar_mix.py`). The facts it follows are collected in `shared/reference/ELMO_FORMAT.md`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import torch
import torch.nn.functional as F

from engine import ASSETS
from engine.assets import open_hdf5
from engine.models.elmo.bilm import ElmoBiLm
from engine.models.elmo.characters import BOS, EOS, MAX_WORD_BYTES, UNK, batch_to_ids
from engine.models.elmo.lstm_projection import LayerState
from engine.models.elmo.options import ElmoOptions
from engine.models.elmo.weights import load_hdf5_weights, read_dataset, save_hdf5_weights
from engine.models.lstm import GateTrace
from engine.validation import InputError, ModelLoadError, Problem, msg
from i18n import N_, _


# ---------------------------------------------------------------------------------------------
# The public model
# ---------------------------------------------------------------------------------------------
@dataclass
class Predictions:
    """What the two LMs expect around each word of a sentence.

    `next_words[t]`: the forward LM's top-k guesses for the word after `tokens[t]` (`</S>` = end);
    `previous_words[t]`: the backward LM's guesses for the word before `tokens[t]` (`<S>` = start).
    `forward_logprob[t]` / `backward_logprob[t]`: log p of the actual next / previous word.
    """

    tokens: list[str]
    next_words: list[list[tuple[str, float]]]
    previous_words: list[list[tuple[str, float]]]
    forward_logprob: np.ndarray
    backward_logprob: np.ndarray


class Elmo:
    """A loaded ELMo biLM: embeddings, gate traces and (with a softmax) next/previous-word guesses.

    Thread-safe for the stateless calls (the app's way). `embed(..., stateful=True)` carries LSTM
    state per batch row across calls, as AllenNLP's `_ElmoBiLm` and bilm-tf do: that is how the
    official model was trained (states never reset), and why its outputs change over the first
    batches of a run; call `warm_up` first and `reset_states` to start over.
    """

    def __init__(
        self,
        options: ElmoOptions,
        bilm: ElmoBiLm | None = None,
        vocab: Sequence[str] | None = None,
        softmax: tuple[torch.Tensor, torch.Tensor] | None = None,
        name: str = "ELMo",
        lowercase_vocab: bool = False,
    ) -> None:
        self.options = options
        self.bilm = (bilm or ElmoBiLm(options)).eval()
        self.vocab = list(vocab) if vocab is not None else None
        self.word_index = {w: k for k, w in enumerate(self.vocab)} if self.vocab else {}
        self.softmax = softmax  # W [V, P], b [V]: shared by the forward and backward LM (bilm-tf)
        self.lowercase_vocab = lowercase_vocab
        self.name = name
        self._states: list[tuple[LayerState, LayerState]] | None = None
        self._state_lock = threading.Lock()
        if softmax is not None and self.vocab is not None and len(self.vocab) != softmax[0].shape[0]:
            raise ModelLoadError(
                _("the vocabulary has {count} words but the softmax {value}").format(
                    count=len(self.vocab), value=softmax[0].shape[0]
                )
            )

    # -- loading and saving ------------------------------------------------------------------
    @classmethod
    def from_files(
        cls,
        options_json: str | Path,
        weights_hdf5: str | Path,
        vocab_file: str | Path | None = None,
        name: str | None = None,
    ) -> Elmo:
        """Load the official AllenNLP/bilm-tf files (or the project's own, saved in the same layout)."""
        options_path, weights_path = Path(options_json), Path(weights_hdf5)
        for path, what in ((options_path, N_("options file")), (weights_path, N_("weight file"))):
            if not path.is_file():
                raise ModelLoadError(_("The ELMo {what} {path} does not exist.").format(what=_(what), path=path))
        try:
            raw_options = json.loads(options_path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelLoadError(
                _("{options_path} is not a JSON options file: {exc}").format(options_path=options_path, exc=exc)
            ) from exc
        options = ElmoOptions.from_dict(raw_options)
        bilm = ElmoBiLm(options)
        softmax = None
        try:
            with open_hdf5(weights_path) as h5:
                load_hdf5_weights(bilm, h5, weights_path)
                if "softmax" in h5:
                    softmax = (read_dataset(h5, "softmax/W", weights_path), read_dataset(h5, "softmax/b", weights_path))
        except OSError as exc:
            raise ModelLoadError(
                _("{weights_path} is not a readable HDF5 weight file (truncated or corrupt?): {exc}").format(
                    weights_path=weights_path, exc=exc
                )
            ) from exc
        vocab = None
        if vocab_file is not None and Path(vocab_file).is_file():
            vocab = Path(vocab_file).read_text(encoding="utf-8").split("\n")
            vocab = [w for w in vocab if w]
        if softmax is not None and vocab is None:
            softmax = None  # a softmax without its vocabulary cannot name words
        lowercase = bool(raw_options.get("vocab", {}).get("lowercase", False))
        return cls(options, bilm, vocab, softmax, name=name or weights_path.parent.name, lowercase_vocab=lowercase)

    @classmethod
    def random(cls, options: ElmoOptions, seed: int = 0, name: str = "untrained ELMo") -> Elmo:
        """The same architecture with seeded random weights (PyTorch's default initialisation)."""
        with torch.random.fork_rng():  # seeded, without touching the caller's random state
            torch.manual_seed(seed)
            bilm = ElmoBiLm(options)
        return cls(options, bilm, name=name)

    def save_files(
        self, directory: str | Path, dtype: np.dtype = np.float32, extra_options: dict | None = None
    ) -> None:
        """Write options.json + weights.hdf5 (+ vocab.txt) in the official layout."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        options = self.options.to_dict() | (extra_options or {})
        if self.lowercase_vocab:
            options["vocab"] = {"lowercase": True}
        (directory / "options.json").write_text(json.dumps(options, indent=2) + "\n")
        with h5py.File(directory / "weights.hdf5", "w") as h5:
            save_hdf5_weights(self.bilm, h5, dtype)
            if self.softmax is not None:
                h5.create_dataset("softmax/W", data=self.softmax[0].numpy().astype(dtype))
                h5.create_dataset("softmax/b", data=self.softmax[1].numpy().astype(dtype))
        if self.vocab is not None:
            (directory / "vocab.txt").write_text("\n".join(self.vocab) + "\n", encoding="utf-8")

    # -- embeddings --------------------------------------------------------------------------
    def check_sentences(self, sentences: Sequence[Sequence[str]]) -> list[Problem]:
        """Warnings for words the model reads only in part (over 48 bytes of UTF-8)."""
        long_words = sorted({w for s in sentences for w in s if len(w.encode("utf-8")) > MAX_WORD_BYTES})
        if not long_words:
            return []
        shown = tuple(
            msg("'{word}…' ({count} bytes)", word=w[:20], count=len(w.encode("utf-8"))) for w in long_words[:3]
        )
        message = msg("ELMo reads only the first {limit} bytes of a word: {words}.", limit=MAX_WORD_BYTES, words=shown)
        return [Problem("warning", message)]

    @torch.inference_mode()
    def embed(self, sentences: Sequence[Sequence[str]], stateful: bool = False) -> list[np.ndarray]:
        """One float32 array `(3, T, 2P)` per sentence: layer 0 = the char-CNN vector duplicated
        (context-free), layers 1..L = concat(forward, backward) of each LSTM layer.

        Stateless by default: every sentence starts from a zero state, so the result is deterministic.
        With `stateful=True` row r of this batch starts from the state row r ended with last call.
        """
        if not sentences:
            raise InputError(_("No sentences given: ELMo needs at least one sentence (a list of words)."))
        if stateful:
            with self._state_lock:
                output = self.bilm(batch_to_ids(sentences), self._batch_states(len(sentences)))
                self._store_states(output.states)
        else:
            output = self.bilm(batch_to_ids(sentences))
        stacked = torch.stack(output.layers, dim=1)  # [B, L + 1, T + 2, 2P]
        return [stacked[row, :, 1 : len(s) + 1].float().numpy().copy() for row, s in enumerate(sentences)]

    def embed_batches(
        self, sentences: Sequence[Sequence[str]], batch_size: int = 32, stateful: bool = False, progress=None
    ) -> list[np.ndarray]:
        """`embed` over consecutive batches of `batch_size` (the order matters when stateful)."""
        result: list[np.ndarray] = []
        starts = range(0, len(sentences), batch_size)
        for start in progress(starts) if progress else starts:
            result.extend(self.embed(sentences[start : start + batch_size], stateful=stateful))
        return result

    def reset_states(self) -> None:
        """Forget the LSTM state carried across `embed(..., stateful=True)` calls."""
        with self._state_lock:
            self._states = None

    def warm_up(self, sentences: Sequence[Sequence[str]], passes: int = 3, batch_size: int = 32) -> None:
        """Run sentences through the stateful model so its carried states settle (AllenNLP's advice)."""
        for _ignored in range(passes):
            self.embed_batches(sentences, batch_size, stateful=True)

    def _batch_states(self, batch: int) -> list[tuple[LayerState, LayerState]]:
        p, c = self.options.projection_dim, self.options.dim
        if self._states is None:
            zeros = [((torch.zeros(batch, p), torch.zeros(batch, c)),) * 2 for _ignored in range(self.options.n_layers)]
            self._states = zeros
        stored = self._states[0][0][0].shape[0]
        if stored < batch:  # grow with zero rows for a bigger batch
            grow = [
                tuple(
                    (torch.cat([h, h.new_zeros(batch - stored, p)]), torch.cat([cc, cc.new_zeros(batch - stored, c)]))
                    for h, cc in layer
                )
                for layer in self._states
            ]
            self._states = grow
        return [tuple((h[:batch], cc[:batch]) for h, cc in layer) for layer in self._states]

    def _store_states(self, new: list[tuple[LayerState, LayerState]]) -> None:
        """Rows used by this batch take their final states; rows beyond it keep theirs (bilm-tf)."""
        batch = new[0][0][0].shape[0]
        updated = []
        for layer_old, layer_new in zip(self._states, new, strict=True):
            updated.append(
                tuple(
                    (torch.cat([hn, ho[batch:]]), torch.cat([cn, co[batch:]]))
                    for (ho, co), (hn, cn) in zip(layer_old, layer_new, strict=True)
                )
            )
        self._states = updated

    # -- gates -------------------------------------------------------------------------------
    @torch.inference_mode()
    def gates(self, sentence: Sequence[str], with_boundaries: bool = False) -> GateTrace:
        """Every LSTMP gate (i, f, g, o), cell state c and projected output h, for every layer,
        direction and word, from the same stateless forward pass as `embed`.

        Shapes `[layers, 2, 1, T, C]` (h: `[layers, 2, 1, T, P]`); h is the cell's own output, before
        the residual connection, so `embed(...)[1]` equals concat(h_fwd, h_bwd) of layer 1.
        Without the boundaries the trace starts from the state `<S>` (forward) and `</S>`
        (backward) left, kept in `c_initial`, so at every step and whichever options are passed
        c = clip(kept + written, ±cell_clip) and o ⊙ tanh(c) is each cell's output (Peters et al.
        2018; bilm-tf's LSTMP clips c).
        """
        if not sentence:
            raise InputError(_("The sentence is empty: type at least one word."))
        return self._gate_trace(self.bilm(batch_to_ids([sentence]), record_gates=True), sentence, with_boundaries)

    @torch.inference_mode()
    def read(self, sentence: Sequence[str], k: int = 5) -> tuple[GateTrace, Predictions]:
        """`gates(sentence, with_boundaries=True)` and `predict(sentence, k)` from one forward pass."""
        self._check_predictable(sentence)
        output = self.bilm(batch_to_ids([sentence]), record_gates=True)
        return self._gate_trace(output, sentence, True), self._predictions(output, sentence, k)

    def _gate_trace(self, output, sentence: Sequence[str], with_boundaries: bool) -> GateTrace:
        window = slice(None) if with_boundaries else slice(1, len(sentence) + 1)
        arrays = {
            name: np.stack(
                [
                    np.stack([direction[name][:, window].float().numpy() for direction in layer])
                    for layer in output.gates
                ]
            )
            for name in "ifgoch"
        }
        initial = None
        if not with_boundaries:  # the cell state just outside the window, in each direction's own order
            edges = (0, len(sentence) + 1)  # <S> before the forward's first step, </S> after the backward's
            initial = np.stack(
                [
                    np.stack(
                        [direction["c"][:, edge].float().numpy() for direction, edge in zip(layer, edges, strict=True)]
                    )
                    for layer in output.gates
                ]
            )
        tokens = [BOS, *sentence, EOS] if with_boundaries else list(sentence)
        names = [f"layer {k + 1}" for k in range(self.options.n_layers)]
        return GateTrace(
            **arrays,
            tokens=tokens,
            layer_names=names,
            direction_names=["forward", "backward"],
            c_initial=initial,
        )

    # -- language model ----------------------------------------------------------------------
    @property
    def can_predict(self) -> bool:
        return self.softmax is not None and self.vocab is not None

    def word_id(self, word: str) -> int:
        key = word.lower() if self.lowercase_vocab and word not in (BOS, EOS, UNK) else word
        return self.word_index.get(key, self.word_index.get(UNK, 0))

    @torch.inference_mode()
    def predict(self, sentence: Sequence[str], k: int = 5) -> Predictions:
        """Top-k next words (forward LM) and previous words (backward LM) at every position."""
        self._check_predictable(sentence)
        return self._predictions(self.bilm(batch_to_ids([sentence])), sentence, k)

    def _check_predictable(self, sentence: Sequence[str]) -> None:
        if not self.can_predict:
            raise InputError(
                _("{name} has no softmax and vocabulary, so it cannot guess words.").format(name=self.name)
            )
        if not sentence:
            raise InputError(_("The sentence is empty: type at least one word."))

    def _predictions(self, output, sentence: Sequence[str], k: int) -> Predictions:
        weight, bias = self.softmax
        n = len(sentence)
        forward_logp = torch.log_softmax(output.top_forward[0, 1 : n + 1] @ weight.T + bias, dim=-1)  # [n, V]
        backward_logp = torch.log_softmax(output.top_backward[0, 1 : n + 1] @ weight.T + bias, dim=-1)
        targets = [self.word_id(w) for w in [BOS, *sentence, EOS]]
        rows = torch.arange(n)
        return Predictions(
            tokens=list(sentence),
            next_words=self._top_k(forward_logp, k),
            previous_words=self._top_k(backward_logp, k),
            forward_logprob=forward_logp[rows, torch.tensor(targets[2:])].numpy(),
            backward_logprob=backward_logp[rows, torch.tensor(targets[:n])].numpy(),
        )

    @torch.inference_mode()
    def perplexity(self, sentences: Sequence[Sequence[str]], batch_size: int = 64) -> dict[str, float]:
        """Full-softmax perplexity of the forward LM, the backward LM and their average (as bilm-tf
        reports it), stateless; words outside the vocabulary count as <UNK>."""
        if not self.can_predict:
            raise InputError(_("{name} has no softmax and vocabulary, so it has no perplexity.").format(name=self.name))
        weight, bias = self.softmax
        totals, count = {"forward": 0.0, "backward": 0.0}, 0
        ordered = sorted((s for s in sentences if s), key=len)
        for start in range(0, len(ordered), batch_size):
            batch = ordered[start : start + batch_size]
            output = self.bilm(batch_to_ids(batch))
            targets = torch.tensor(
                [[self.word_id(w) for w in [BOS, *s, EOS]] + [0] * (output.mask.shape[1] - len(s) - 2) for s in batch]
            )
            valid = output.mask[:, 1:]
            for direction, hidden, target in (
                ("forward", output.top_forward[:, :-1], targets[:, 1:]),  # at t, the word at t + 1
                ("backward", output.top_backward[:, 1:], targets[:, :-1]),  # at t, the word at t - 1
            ):
                logits = hidden[valid] @ weight.T + bias
                totals[direction] += float(F.cross_entropy(logits, target[valid], reduction="sum"))
            count += int(valid.sum())
        result = {k: float(np.exp(v / count)) for k, v in totals.items()}
        result["average"] = float(np.exp((totals["forward"] + totals["backward"]) / (2 * count)))
        return result

    def _top_k(self, logp: torch.Tensor, k: int) -> list[list[tuple[str, float]]]:
        values, indices = logp.exp().topk(min(k, logp.shape[-1]), dim=-1)
        return [
            [(self.vocab[i], float(v)) for v, i in zip(vs, ids, strict=True)]
            for vs, ids in zip(values, indices, strict=True)
        ]

    def parameter_count(self) -> int:
        """Parameters of the biLM without the softmax (the figure the AllenNLP page gives)."""
        return sum(p.numel() for p in self.bilm.parameters())


DEFAULT_DIR = ASSETS / "elmo"


def load_default(untrained: bool = False) -> Elmo:
    """The project's own biLM, shipped in assets/elmo in the official layout (checksums verified).

    `untrained=True` gives the same architecture, softmax and vocabulary with seeded random weights:
    the control the senses page compares against.
    """
    from engine.assets import verify

    for name in ("options.json", "weights.hdf5", "vocab.txt"):
        verify(DEFAULT_DIR / name)
    trained = Elmo.from_files(DEFAULT_DIR / "options.json", DEFAULT_DIR / "weights.hdf5", DEFAULT_DIR / "vocab.txt")
    trained.name = N_("ELMo (this project's biLM)")  # shown through i18n._ (issue 29)
    if not untrained:
        return trained
    control = Elmo.random(trained.options, seed=0, name=N_("untrained ELMo (control)"))
    generator = torch.Generator().manual_seed(0)
    vocab_size, dim = trained.softmax[0].shape
    weight = torch.randn(vocab_size, dim, generator=generator) / dim**0.5
    control.vocab, control.word_index = trained.vocab, trained.word_index
    control.softmax, control.lowercase_vocab = (weight, torch.zeros(vocab_size)), trained.lowercase_vocab
    return control
