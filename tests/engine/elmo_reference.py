"""An independent numpy ELMo forward pass, written from bilm-tf's TF formulas on the raw hdf5 arrays.

It shares no code with engine.models.elmo and differs from it exactly where ports go wrong: TF gate order
(i, j, f, o) with the forget bias +1 added at run time, `[x, h] · W` orientation, the TF highway
(g ⊙ relu(...) + (1 - g) ⊙ x), conv as an explicit sliding window, each sentence's backward pass
run from its own end one row at a time, and bilm-tf's row-indexed state carried between calls.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def char_ids(word: str) -> list[int]:
    """bilm-tf UnicodeCharsVocabulary, written out again: 258 = begin, 259 = end, 260 = pad; then +1."""
    if word == "<S>":
        inner = [256]
    elif word == "</S>":
        inner = [257]
    else:
        inner = list(word.encode("utf-8", "ignore")[:48])
    row = [258, *inner, 259] + [260] * (50 - len(inner) - 2)
    return [c + 1 for c in row]


class ReferenceBiLm:
    """Holds the raw arrays (float64) and the carried state of each batch row, as bilm-tf does."""

    def __init__(self, arrays: dict[str, np.ndarray], options: dict, max_batch: int = 16) -> None:
        self.a = {k: v.astype(np.float64) for k, v in arrays.items()}
        self.o = options
        lstm = options["lstm"]
        self.P, self.C, self.L = lstm["projection_dim"], lstm["dim"], lstm["n_layers"]
        # state[(direction, layer)] = (c, m), one row per batch slot, zeros initially
        self.state = {
            (d, k): (np.zeros((max_batch, self.C)), np.zeros((max_batch, self.P)))
            for d in (0, 1)
            for k in range(self.L)
        }
        self.clips = {"cell": 0, "proj": 0}

    def token_vector(self, ids: list[int]) -> np.ndarray:
        table = np.vstack([np.zeros((1, self.a["char_embed"].shape[1])), self.a["char_embed"]])
        emb = table[np.array(ids)]  # [50, D]
        pooled = []
        for k, (width, _number) in enumerate(self.o["char_cnn"]["filters"]):
            w = self.a[f"CNN/W_cnn_{k}"][0]  # [w, D, n]
            b = self.a[f"CNN/b_cnn_{k}"]
            windows = [np.einsum("wd,wdn->n", emb[p : p + width], w) + b for p in range(50 - width + 1)]
            pooled.append(np.max(windows, axis=0))
        x = np.maximum(np.concatenate(pooled), 0.0)  # relu after the max-pool
        for k in range(self.o["char_cnn"]["n_highway"]):
            g = sigmoid(x @ self.a[f"CNN_high_{k}/W_carry"] + self.a[f"CNN_high_{k}/b_carry"])
            t = np.maximum(x @ self.a[f"CNN_high_{k}/W_transform"] + self.a[f"CNN_high_{k}/b_transform"], 0.0)
            x = g * t + (1.0 - g) * x
        return x @ self.a["CNN_proj/W_proj"] + self.a["CNN_proj/b_proj"]

    def tf_cell(self, direction: int, layer: int, x: np.ndarray, c: np.ndarray, m: np.ndarray):
        prefix = f"RNN_{direction}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"
        z = np.concatenate([x, m]) @ self.a[f"{prefix}/W_0"] + self.a[f"{prefix}/B"]
        i, j, f, o = np.split(z, 4)
        c = sigmoid(f + 1.0) * c + sigmoid(i) * np.tanh(j)
        clip_c, clip_p = self.o["lstm"]["cell_clip"], self.o["lstm"]["proj_clip"]
        if clip_c:
            self.clips["cell"] += int(np.sum(np.abs(c) > clip_c))
            c = np.clip(c, -clip_c, clip_c)
        m = (sigmoid(o) * np.tanh(c)) @ self.a[f"{prefix}/W_P_0"]
        if clip_p:
            self.clips["proj"] += int(np.sum(np.abs(m) > clip_p))
            m = np.clip(m, -clip_p, clip_p)
        return c, m

    def run(self, sentences: list[list[str]]) -> list[np.ndarray]:
        """One `(L + 1, len, 2P)` array per sentence, boundaries removed; states carried per row."""
        results = []
        for row, sentence in enumerate(sentences):
            words = ["<S>", *sentence, "</S>"]
            tokens = np.stack([self.token_vector(char_ids(w)) for w in words])  # [n, P]
            layers = [np.concatenate([tokens, tokens], axis=1)]
            inputs = {0: tokens, 1: tokens}
            for k in range(self.L):
                outputs = {}
                for d in (0, 1):
                    c, m = self.state[(d, k)][0][row], self.state[(d, k)][1][row]
                    order = range(len(words)) if d == 0 else range(len(words) - 1, -1, -1)
                    out = np.zeros((len(words), self.P))
                    for t in order:
                        c, m = self.tf_cell(d, k, inputs[d][t], c, m)
                        out[t] = m
                    self.state[(d, k)][0][row], self.state[(d, k)][1][row] = c, m
                    if k > 0 and self.o["lstm"]["use_skip_connections"]:
                        out = out + inputs[d]  # TF ResidualWrapper
                    outputs[d] = out
                layers.append(np.concatenate([outputs[0], outputs[1]], axis=1))
                inputs = outputs
            results.append(np.stack(layers)[:, 1:-1])
        return results
