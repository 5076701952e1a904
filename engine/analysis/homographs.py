"""The homograph view: one word used as a noun and as a verb ("read a book" / "book a table"), and what
the shipped POS probe of each layer says about every use.

The learner types sentences, one per line; any token may carry its tag as `word/TAG` (Penn tags), so
`word/TAG` lines from a tagger can be pasted too. Every occurrence of the target word is probed with
the trained probe of each layer (`assets/probes/probes.safetensors`, written with the card); when
the learner gave tags, each layer's accuracy on all tagged tokens is reported as well. Layer 0 of
ELMo and GloVe see the word alone, so they give every occurrence the same tag by construction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from engine.analysis import probes as P
from engine.text import normalize, tokenize_with_spans
from engine.validation import InputError, Problem, msg, msg_plural
from i18n import _

CARD = P.PROBES / "card.json"
WEIGHTS = P.PROBES / "probes.safetensors"
MAX_LINES = 40
MAX_LINE_CHARS = 300
TAGGED = re.compile(r"^(?P<word>.+)/(?P<tag>[A-Z$]{1,4}|[.,:()#$\"`']{1,2})$")
PRESETS = {
    "book": (
        "I read a book/NN on the train .\n"
        "Please book/VB a table for two .\n"
        "She left her book/NN on the kitchen table .\n"
        "We should book/VB the flights early .\n"
        "The book/NN was longer than I expected .\n"
        "Can you book/VB a room near the station ?"
    ),
    "run": (
        "The morning run/NN took an hour .\n"
        "They run/VBP to the station every day .\n"
        "After a long run/NN she drank some water .\n"
        "I run/VBP faster when it is cold .\n"
        "His run/NN ended at the river .\n"
        "Dogs run/VBP across the field ."
    ),
}


def coarse(tag: str) -> str:
    """noun (NN*), verb (VB*, MD), or the tag itself."""
    return "noun" if tag.startswith("NN") else "verb" if tag.startswith("VB") or tag == "MD" else tag


@dataclass
class HomographInput:
    word: str
    sentences: list[list[str]]  # tokens per kept line
    gold: list[list[str | None]]  # the learner's tag per token, None where none was given
    occurrences: list[tuple[int, int]]  # (sentence, token) of each use of the word
    lines: list[int]  # the input line of each kept sentence, from 1
    problems: list[Problem] = field(default_factory=list)


def parse(text: str, word: str, tags: Sequence[str]) -> HomographInput:
    """Lines -> tokens (with `word/TAG` tags kept apart). A tag outside `tags` is named, not dropped."""
    word = normalize(word.strip())
    result = HomographInput(word, [], [], [], [])
    if not word or len(tokenize_with_spans(word)) != 1:
        result.problems.append(
            Problem("error", msg("'{word}' is not one word: type a single word such as book.", word=word))
        )
        return result
    lines = [(k + 1, line) for k, line in enumerate(normalize(text or "").splitlines()) if line.strip()]
    if len(lines) > MAX_LINES:
        result.problems.append(
            Problem(
                "error",
                msg(
                    "There are {count} lines; this view probes at most {limit}. Remove some.",
                    count=len(lines),
                    limit=MAX_LINES,
                ),
            )
        )
        return result
    unknown: set[str] = set()
    for number, line in lines:
        if len(line) > MAX_LINE_CHARS:
            message = msg("Line {number} is over {limit} characters: left out.", number=number, limit=MAX_LINE_CHARS)
            result.problems.append(Problem("warning", message))
            continue
        tokens, gold = [], []
        for chunk in line.split():
            match = TAGGED.match(chunk)
            if match:
                if match["tag"] not in tags:
                    unknown.add(match["tag"])
                tokens.append(match["word"])
                gold.append(match["tag"] if match["tag"] in tags else None)
            else:
                pieces = [t.text for t in tokenize_with_spans(chunk)]
                tokens += pieces
                gold += [None] * len(pieces)
        uses = [k for k, t in enumerate(tokens) if t.casefold() == word.casefold()]
        if not uses:
            result.problems.append(Problem("info", msg("Line {number} does not use '{word}': left out.", number=number,
                                                       word=word)))  # fmt: skip
            continue
        result.occurrences += [(len(result.sentences), k) for k in uses]
        result.sentences.append(tokens)
        result.gold.append(gold)
        result.lines.append(number)
    if unknown:
        result.problems.append(
            Problem(
                "warning",
                msg_plural(
                    "Unknown tag {tags}: the probes know the Penn Treebank tags of the card only; those tokens are "
                    "not scored.",
                    "Unknown tags {tags}: the probes know the Penn Treebank tags of the card only; those tokens are "
                    "not scored.",
                    len(unknown),
                    tags=", ".join(sorted(unknown)),
                ),
            )
        )
    if not result.occurrences:
        result.problems.append(Problem("error", msg("No line uses '{word}' as a word: nothing to probe.", word=word)))
    return result


@lru_cache(maxsize=1)
def card() -> dict:
    """The shipped probe card (checksum verified)."""
    from engine.assets import verify

    verify(CARD)
    return json.loads(CARD.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def shipped_probes() -> dict[str, list[P.LinearProbe]]:
    """model key -> the trained POS probe of each of its layers, from the shipped safetensors (verified)."""
    from safetensors.numpy import load_file

    from engine.assets import verify

    verify(WEIGHTS)
    arrays = load_file(str(WEIGHTS))
    classes = card()["classes"]
    found: dict[str, list[P.LinearProbe]] = {}
    for entry in card()["models"]:
        key = entry["key"]
        if f"{key}/0/coef" not in arrays:
            continue
        found[key] = [
            P.LinearProbe(classes, *(arrays[f"{key}/{k}/{part}"] for part in ("mean", "scale", "coef", "intercept")))
            for k in range(len(entry["layers"]))
        ]
    return found


@dataclass
class LayerReading:
    """One layer's reading of the occurrences: `tags[i]` is the probe's tag for occurrence i."""

    model: str
    layer: str
    tags: list[str]
    noun_share: np.ndarray  # [n]: probe probability of any NN* tag
    verb_share: np.ndarray  # [n]: probe probability of any VB* or MD tag
    tagged_accuracy: float | None  # on every token the learner tagged, None when none


def read_layers(parsed: HomographInput, key: str, model_name: str, vectorize: Callable) -> list[LayerReading]:
    """Every layer of one model, probed at each occurrence (and each tagged token). Raises InputError
    when the card has no probe for `key`."""
    probes = shipped_probes().get(key)
    if probes is None:
        raise InputError(
            _("The probe card has no trained probes for {model_name}: run `make probes`.").format(model_name=model_name)
        )
    names, vectors = vectorize(parsed.sentences)  # [layers, N, D]
    starts = np.cumsum([0] + [len(s) for s in parsed.sentences[:-1]])
    rows = [int(starts[s] + k) for s, k in parsed.occurrences]
    gold = [g for sentence in parsed.gold for g in sentence]
    tagged = [k for k, g in enumerate(gold) if g is not None]
    readings = []
    for name, layer, probe in zip(names, vectors, probes, strict=True):
        p = probe.probabilities(layer[rows])  # [n, K]
        nouns = np.array([coarse(c) == "noun" for c in probe.classes])
        verbs = np.array([coarse(c) == "verb" for c in probe.classes])
        score = None
        if tagged:
            score = P.accuracy(probe.predict(layer[tagged]), [gold[k] for k in tagged])
        tags = [probe.classes[j] for j in p.argmax(axis=1)]
        readings.append(LayerReading(model_name, name, tags, p[:, nouns].sum(1), p[:, verbs].sum(1), score))
    return readings


def read_all(text: str, word: str, elmo, minilm, glove) -> dict:
    """{"input": HomographInput, "readings": [LayerReading]}: `parse` of `text`, then every layer of ELMo,
    MiniLM and GloVe (in that order) probed at each use of `word`; no readings when the input has an error."""
    from engine.analysis import token_vectors as V

    parsed = parse(text, word, card()["classes"])
    if any(p.level == "error" for p in parsed.problems):
        return {"input": parsed, "readings": []}
    readings = [
        *read_layers(parsed, "elmo", elmo.name, lambda s: V.elmo_token_vectors(elmo, s)),
        *read_layers(parsed, "minilm", minilm.name, lambda s: V.transformer_token_vectors(minilm, s)),
        *read_layers(parsed, "glove", glove.name, lambda s: V.glove_token_vectors(glove, s)),
    ]
    return {"input": parsed, "readings": readings}
