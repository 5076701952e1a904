"""ELMo's context-free token layer (Peters et al. 2018, §3.3; layer 0): a character CNN with highway layers.

Each token is spelled out as byte ids (bilm-tf `UnicodeCharsVocabulary`, AllenNLP `ELMoCharacterMapper`),
embedded, convolved with filters of several widths, max-pooled, passed through highway layers
(Srivastava et al. 2015) and projected to P:

    x_k = W_p · highway(max-pool(conv(E[chars(w_k)])))          [N, max_chars] ids -> [N, P]
"""

from __future__ import annotations

import torch
from torch import nn

from engine.models.elmo.options import ElmoOptions


class CharCNN(nn.Module):
    """Character CNN → max-pool → activation → highway layers → projection: one vector per token.

    The context-free token representation x_k of the paper (layer 0).
    """

    def __init__(self, options: ElmoOptions) -> None:
        super().__init__()
        self.char_embedding = nn.Embedding(options.n_characters, options.char_embedding_dim, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(options.char_embedding_dim, n, width) for width, n in options.filters)
        # Highway (Srivastava et al. 2015) in AllenNLP's form: first half nonlinear, second half carry gate
        self.highways = nn.ModuleList(
            nn.Linear(options.n_filters, 2 * options.n_filters) for _ in range(options.n_highway)
        )
        self.projection = nn.Linear(options.n_filters, options.projection_dim)
        self.activation = torch.relu if options.activation == "relu" else torch.tanh

    def forward(self, char_ids: torch.Tensor) -> torch.Tensor:
        """`[N, 50]` character ids -> `[N, projection_dim]` token vectors."""
        chars = self.char_embedding(char_ids).transpose(1, 2)  # [N, D, 50]
        pooled = [conv(chars).max(dim=-1).values for conv in self.convs]  # max over positions: [N, n_i]
        x = self.activation(torch.cat(pooled, dim=-1))  # [N, F]
        for highway in self.highways:
            nonlinear, gate = highway(x).chunk(2, dim=-1)
            gate = torch.sigmoid(gate)  # how much of x to carry
            x = gate * x + (1 - gate) * torch.relu(nonlinear)
        return self.projection(x)  # [N, P]
