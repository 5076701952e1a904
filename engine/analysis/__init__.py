"""Analyses drawn from the models' outputs, numpy only (no torch): `attention` (head statistics,
rollout, word merging), `gates` (layer views, saturation, pattern search), `senses` (sense sets and
scores), `projection` (UMAP / PCA maps, cosine distances)."""
