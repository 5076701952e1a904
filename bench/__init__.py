"""Benchmarks: speed and size ratios measured in one run and printed (never pass/fail tests)."""
