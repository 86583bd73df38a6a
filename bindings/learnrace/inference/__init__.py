"""Inference: which parameter values are consistent with observed alliances (docs/inference.md)."""
