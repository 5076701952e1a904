"""The new pages' chart summaries state the chart's key number, checked against a plain loop."""

from types import SimpleNamespace

import numpy as np

from figures import summaries_new_pages as says


def test_surprisal_sentence_gives_the_mean_and_the_most_surprising_step():
    values = np.array([1.0, 4.5, 0.5, np.nan])
    finite = [v for v in values if v == v]
    mean = sum(finite) / len(finite)
    worst = max(range(len(finite)), key=lambda k: finite[k])
    sentence = says.surprisal(list("ab c"), values)
    expected = f"Surprisal: {mean:.2f} bits per character on average; the most surprising step is {worst} ('b')"
    assert sentence == expected + ", at 4.50 bits."


def test_top_guesses_counts_first_guesses_and_top_five():
    ranks = np.array([1, 3, 1, 9, 5, 0])  # the last step has no next character (rank 0)
    assert says.top_guesses(list("abcdef"), ranks) == (
        "Top 5 guesses at 6 steps: of the 5 with a next character, the top guess was right at 2 "
        "and the real next character was among the five at 4."
    )


def test_cell_step_names_the_unit_whose_cell_state_moves_most():
    values = np.zeros((2, 7, 3))
    values[1, 0] = [0.1, 0.2, 0.3]  # c(t-1)
    values[1, 5] = [0.1, -0.9, 0.4]  # c(t): unit index 1 moves by 1.1
    values[1, 1] = [0.5, 0.5, 0.8]  # f
    sentence = says.cell_step(values, [7, 11, 42], ["x", "y"], 1)
    assert "unit 11's cell state moves most, +0.20 → -0.90" in sentence
    assert "forget gate mean 0.60" in sentence


def test_before_after_names_the_largest_kl():
    kl = np.array([0.0, 0.2, 1.5, 0.1])
    sentence = says.before_after(list("abcd"), np.array([1, 1, 1, 1.0]), np.array([1, 2, 3, 2.0]), kl)
    assert (
        sentence
        == "Mean surprisal 1.00 → 2.00 bits per character; the prediction moved most after step 2 ('c'), KL 1.500 bits."
    )


def test_pair_counts_unchanged_words_that_moved_in_the_last_layer():
    moved = np.array([[False, True, False], [True, True, False]])
    models = [SimpleNamespace(model="ELMo", moved=moved), SimpleNamespace(model="char-LSTM", moved=~moved)]
    diff = SimpleNamespace(pairing=SimpleNamespace(changed=[False, True, False]), models=models)
    # last layer [True, True, False] on the unchanged words 0 and 2 -> 1; its negation -> 1
    assert says.pair(diff) == "Unchanged words whose last-layer vector moved, of 2: ELMo 1, char-LSTM 1."


def test_blank_sentence_gives_each_first_guess():
    result = SimpleNamespace(forward=[("bank", 0.41), ("edge", 0.2)], backward=[("side", 0.3)], combined=[])
    assert (
        says.blank(result, 5) == "First guess for the blank: forward LM 'bank' p = 0.410; backward LM 'side' p = 0.300."
    )


def test_mix_sentences_name_the_heaviest_layer_and_the_best_accuracy():
    names = ["layer 0", "layer 1", "layer 2"]
    assert says.mix_weights([0.2, 0.5, 0.3], names) == (
        "Learned mix: layer 1 weighs most, s = 0.50 (of 3 layers, weights summing to 1)."
    )
    fit = SimpleNamespace(layer_accuracy=[0.5, 0.7, 0.9], cv_accuracy=0.85, chance=0.55)
    assert says.mix_accuracy(fit, names) == (
        "Cross-validated accuracy: learned mix 0.85, best single layer layer 2 0.90, most frequent sense 0.55."
    )
