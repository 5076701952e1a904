"""The biLM's language-model scores for its model card and `make bench`: top-1 next-word accuracy and
perplexity of each direction, the shipped biLM beside its untrained control.

`python -m engine.training.lm_card [--sentences N]` measures them and writes (or replaces) one section of
`assets/elmo/MODEL_CARD.md` and the "language_model" entry of `evaluation.json`, without regenerating
the rest of the card.

Text: the corpus test split (`data/corpus/test.txt`, built by `make corpus`) when it exists; otherwise the
held-out sample shipped in `assets/corpus_sample.txt.gz` (sentences of the validation and test
documents, never trained on), re-tokenized with `engine.text.tokenize`. All of it by default, or the first N
sentences with `--sentences N`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import time

from engine import ASSETS, PROJECT_ROOT

TEST_SPLIT = PROJECT_ROOT / "data" / "corpus" / "test.txt"
SAMPLE = ASSETS / "corpus_sample.txt.gz"
CARD = ASSETS / "elmo" / "MODEL_CARD.md"
EVALUATION = ASSETS / "elmo" / "evaluation.json"
BEGIN, END = "<!-- language-model scores: begin -->", "<!-- language-model scores: end -->"


def held_out_sentences(limit: int | None = None) -> tuple[list[list[str]], str]:
    """(the tokenized sentences, all or the first `limit`, and a description of where they come from)."""
    if TEST_SPLIT.is_file():
        data = TEST_SPLIT.read_bytes()
        every = [line.split() for line in data.decode("utf-8").splitlines() if line.strip()]
        sentences = every[:limit]
        which = "all" if len(sentences) == len(every) else "the first"
        digest = hashlib.sha256(data).hexdigest()[:16]
        return sentences, (
            f"{which} {len(sentences):,} sentences of the corpus test split (data/corpus/test.txt, sha256 {digest}…)"
        )
    from engine.text import tokenize

    lines = gzip.decompress(SAMPLE.read_bytes()).decode("utf-8").splitlines()
    sentences = [tokenize(line) for line in lines if line.strip()][:limit]
    return sentences, (
        f"{len(sentences):,} sentences of the shipped held-out sample (assets/corpus_sample.txt.gz: "
        "sentences of the corpus's validation and test documents, never trained on), because the corpus test "
        "split (`make corpus`) was not built on this machine"
    )


def measure(limit: int | None = None) -> dict:
    """{"source", "sentences", "positions", "trained": {...}, "untrained": {...}}; each model's entry holds
    "accuracy" and "perplexity", both {"forward", "backward", "average"}."""
    from engine.analysis.language_model import held_out_scores
    from engine.models import elmo

    sentences, source = held_out_sentences(limit)
    result: dict = {"source": source, "sentences": len(sentences)}
    for key, model in (("trained", elmo.load_default()), ("untrained", elmo.load_default(untrained=True))):
        scores = held_out_scores(model, sentences)
        result["positions"] = scores.pop("positions")
        result[key] = scores
    return result


def section(scores: dict) -> str:
    rows = []
    for key, name in (("trained", "this biLM"), ("untrained", "same architecture untrained (control)")):
        acc, ppl = scores[key]["accuracy"], scores[key]["perplexity"]
        rows.append(
            f"| {name} | {acc['forward']:.3f} | {acc['backward']:.3f} | {ppl['forward']:.1f} | "
            f"{ppl['backward']:.1f} | {ppl['average']:.1f} |"
        )
    return "\n".join(
        [
            BEGIN,
            "## Language model: next-word accuracy and perplexity",
            "",
            f"Measured by `python -m engine.training.lm_card` (also printed by `make bench`) on {scores['source']}: "
            f"{scores['positions']:,} predicted positions per direction (every word, plus the end marker for the "
            "forward LM and the start marker for the backward LM), stateless, full softmax, words outside the "
            "vocabulary scored as `<UNK>`. Top-1 accuracy: how often the LM's first guess is the actual word "
            "(punctuation and the end markers included: they are the easiest guesses).",
            *(
                [
                    "",
                    "This text is not the test split of the table above: the sample holds distinct sentences of 6 "
                    "to 40 tokens from the validation and test documents, picked by hash (`choose_sample` in "
                    "engine/training/corpus.py), re-tokenized from detokenized text. So these perplexities are not "
                    "comparable with that table's.",
                ]
                if "sample" in scores["source"]
                else [
                    "",
                    "The same split as the perplexity table above (sha256 in assets/CORPUS_CARD.md): this one-pass "
                    "measurement gives the same perplexities, an independent check of both.",
                ]
            ),
            "",
            "| model | top-1 forward | top-1 backward | perplexity forward | perplexity backward "
            "| perplexity average |",
            "|---|---:|---:|---:|---:|---:|",
            *rows,
            "",
            END,
        ]
    )


def update_card(scores: dict) -> None:
    """Replace the section between the markers (or insert it before "## Word senses")."""
    text = CARD.read_text(encoding="utf-8")
    block = section(scores)
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    elif "## Word senses" in text:
        text = text.replace("## Word senses", block + "\n\n## Word senses", 1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    CARD.write_text(text, encoding="utf-8")
    evaluation = json.loads(EVALUATION.read_text()) if EVALUATION.is_file() else {}
    evaluation["language_model"] = scores
    EVALUATION.write_text(json.dumps(evaluation, indent=2) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=None, help="only the first N sentences (default: all)")
    parser.add_argument("--print-only", action="store_true", help="measure and print; leave the card alone")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    scores = measure(args.sentences)
    print(section(scores).split("\n", 2)[2].rsplit("\n", 2)[0])
    print(f"({time.perf_counter() - started:.0f} s)")
    if not args.print_only:
        update_card(scores)


if __name__ == "__main__":
    main()
