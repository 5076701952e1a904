"""The models that run on user text: `lstm` (the exact gate trace of any `nn.LSTM`), `charlstm` (the
shipped character LM), `elmo` (the biLM, one part per file) and `transformer` (any HF encoder/decoder).
Each call returns plain dataclasses of numpy arrays computed inside that call."""
