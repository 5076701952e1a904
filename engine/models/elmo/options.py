"""The official `options.json` of an ELMo biLM (bilm-tf / AllenNLP), read and written exactly."""

from __future__ import annotations

from dataclasses import dataclass

from engine.models.elmo.characters import MAX_CHARS
from engine.validation import ModelLoadError
from i18n import _


# ---------------------------------------------------------------------------------------------
# options.json
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ElmoOptions:
    """The sizes read from the official options.json (other keys are kept but not used)."""

    projection_dim: int  # P: token vectors and LSTM outputs
    dim: int  # C: LSTM cells
    n_layers: int
    cell_clip: float | None
    proj_clip: float | None
    use_skip_connections: bool
    char_embedding_dim: int
    filters: tuple[tuple[int, int], ...]  # (width, number of filters)
    n_highway: int
    activation: str = "relu"
    max_characters_per_token: int = MAX_CHARS
    n_characters: int = 262

    @property
    def n_filters(self) -> int:
        return sum(n for _, n in self.filters)

    @property
    def output_dim(self) -> int:
        return 2 * self.projection_dim

    @classmethod
    def from_dict(cls, options: dict) -> ElmoOptions:
        try:
            lstm, cnn = options["lstm"], options["char_cnn"]
            opts = cls(
                projection_dim=int(lstm["projection_dim"]),
                dim=int(lstm["dim"]),
                n_layers=int(lstm["n_layers"]),
                cell_clip=float(lstm["cell_clip"]) if lstm.get("cell_clip") else None,
                proj_clip=float(lstm["proj_clip"]) if lstm.get("proj_clip") else None,
                use_skip_connections=bool(lstm.get("use_skip_connections", False)),
                char_embedding_dim=int(cnn["embedding"]["dim"]),
                filters=tuple((int(w), int(n)) for w, n in cnn["filters"]),
                n_highway=int(cnn.get("n_highway") or 0),
                activation=str(cnn.get("activation", "relu")),
                max_characters_per_token=int(cnn.get("max_characters_per_token", MAX_CHARS)),
                n_characters=int(cnn.get("n_characters", 262)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(
                _("options.json is missing or has a bad value for {exc}: is it an ELMo options file?").format(exc=exc)
            ) from exc
        if opts.max_characters_per_token != MAX_CHARS:
            raise ModelLoadError(
                _("options.json asks for {max_characters_per_token} characters per token; only 50").format(
                    max_characters_per_token=opts.max_characters_per_token
                )
            )
        if opts.activation not in ("relu", "tanh"):
            raise ModelLoadError(
                _("options.json asks for the activation {activation!r}; only relu and tanh exist").format(
                    activation=opts.activation
                )
            )
        return opts

    def to_dict(self) -> dict:
        return {
            "lstm": {
                "projection_dim": self.projection_dim,
                "dim": self.dim,
                "n_layers": self.n_layers,
                "cell_clip": self.cell_clip or 0,
                "proj_clip": self.proj_clip or 0,
                "use_skip_connections": self.use_skip_connections,
            },
            "char_cnn": {
                "activation": self.activation,
                "filters": [list(f) for f in self.filters],
                "n_highway": self.n_highway,
                "embedding": {"dim": self.char_embedding_dim},
                "n_characters": 262,  # 261 stored rows + the padding row added at load time
                "max_characters_per_token": self.max_characters_per_token,
            },
        }
