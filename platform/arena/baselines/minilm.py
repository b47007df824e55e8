"""all-MiniLM-L6-v2's forward pass in plain torch (no Django, no transformers).

The model is a 6-layer BERT encoder (384 wide, 12 heads) followed by mean pooling over the
tokens and L2 normalisation, which is what sentence-transformers computes for it. Reading its
weights and tokenizer directly costs torch's import alone (about 2 s of CPU): importing
sentence-transformers, and through it transformers' BERT, took 9 s more in every run that
embeds, which is most of what a small task's embeddings cost. The vectors agree with
sentence-transformers' to float precision (tests/integration/test_baseline_embeddings.py).
"""

import json
from pathlib import Path

import numpy as np


class MiniLM:
    """``encode(texts)`` -> (len(texts), 384) float32 unit vectors. ``folder`` holds the
    model's ``config.json``, ``model.safetensors`` and ``tokenizer.json``."""

    def __init__(self, *, folder: Path, max_tokens: int):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.weights = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # Special tokens ([CLS], [SEP]) count within max_tokens, as in sentence-transformers.
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 (a word piece)
        self.torch = torch

    def _linear(self, x, name: str):
        return self.torch.nn.functional.linear(
            x, self.weights[f"{name}.weight"], self.weights[f"{name}.bias"]
        )

    def _norm(self, x, name: str):
        width = x.shape[-1]
        return self.torch.nn.functional.layer_norm(
            x, (width,), self.weights[f"{name}.weight"], self.weights[f"{name}.bias"], self.eps
        )

    def _layer(self, hidden, mask, index: int):
        functional = self.torch.nn.functional
        prefix = f"encoder.layer.{index}"
        batch, length, width = hidden.shape

        def heads(name: str):
            projected = self._linear(hidden, f"{prefix}.attention.self.{name}")
            return projected.view(batch, length, self.heads, width // self.heads).transpose(1, 2)

        attended = functional.scaled_dot_product_attention(
            heads("query"), heads("key"), heads("value"), attn_mask=mask
        )
        attended = attended.transpose(1, 2).reshape(batch, length, width)
        attended = self._linear(attended, f"{prefix}.attention.output.dense")
        hidden = self._norm(attended + hidden, f"{prefix}.attention.output.LayerNorm")
        inner = functional.gelu(self._linear(hidden, f"{prefix}.intermediate.dense"))
        out = self._linear(inner, f"{prefix}.output.dense")
        return self._norm(out + hidden, f"{prefix}.output.LayerNorm")

    def _batch(self, texts: list[str]) -> np.ndarray:
        torch = self.torch
        encoded = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([item.ids for item in encoded], dtype=torch.long)
        attention = torch.tensor([item.attention_mask for item in encoded], dtype=torch.bool)
        length = ids.shape[1]
        positions = torch.arange(length).unsqueeze(0)
        w = self.weights
        hidden = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)]
        )
        hidden = self._norm(hidden, "embeddings.LayerNorm")
        mask = attention[:, None, None, :]  # every token attends to the real tokens only
        for index in range(self.layers):
            hidden = self._layer(hidden, mask, index)
        weights = attention.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.numpy().astype(np.float32)

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        with self.torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                out[start : start + batch_size] = self._batch(texts[start : start + batch_size])
        return out

    @property
    def width(self) -> int:
        return self.weights["embeddings.word_embeddings.weight"].shape[1]
