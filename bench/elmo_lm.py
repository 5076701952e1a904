"""The biLM as a language model: top-1 next-word accuracy and perplexity per direction on held-out text,
beside the same architecture untrained. Quality, not speed: the numbers do not depend on the machine.

Text: the corpus test split when `make corpus` has built it, else the shipped held-out sample (it says
which). Run: `.venv/bin/python bench/elmo_lm.py [--sentences N]` (or `make bench`: the whole test split, ~5 min).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.training import lm_card

if __name__ == "__main__":
    lm_card.main(["--print-only", *sys.argv[1:]])
