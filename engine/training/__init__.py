"""The pipeline that makes the shipped weights: `corpus` (the offline corpus from Debian packages, its
source formats in `corpus_formats`), `train` (the char-LSTM and the biLM) and `modelcard` (the cards)."""
