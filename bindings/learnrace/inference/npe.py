"""Neural posterior estimation with sbi (Greenberg et al. 2019; Tejero-Cantero et al. 2020): a conditional density
estimator (a masked autoregressive flow) trained on prior simulations to give p(theta | statistics) for any observed
statistics. Amortised: one training serves every data set, which is what makes simulation-based calibration with
hundreds of synthetic data sets affordable.

Needs torch and sbi (``pip install ".[infer-npe]"``, a large download: docs/inference.md). Training runs on the CPU
by default; ``device="cuda"`` (or ``"auto"``: CUDA when torch sees a GPU) trains on a GPU.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import tempfile
import time
from typing import Any

import numpy as np

from .._errors import ConfigError
from .._optional import require


class Estimator:
    """A trained NPE posterior over the prior's keys: ``sample(observed, n, seed)`` -> [n, keys]."""

    def __init__(self, posterior, keys, device: str, diagnostics: dict):
        self.posterior = posterior
        self.keys = keys
        self.device = device
        self.diagnostics = diagnostics

    def sample(self, observed: np.ndarray, n: int, seed: int) -> np.ndarray:
        torch = require("torch", "neural posterior estimation (method='npe')")
        torch.manual_seed(seed)
        x = torch.as_tensor(np.asarray(observed, dtype=np.float32)[None, :], device=self.device)
        with torch.no_grad(), _one_thread(torch, self.device):
            samples = self.posterior.sample((n,), x=x, show_progress_bars=False)
        return samples.cpu().numpy().astype(np.float64)


class _NoTracker:
    """sbi's Tracker protocol, recording nothing."""

    log_dir = None

    def log_metric(self, name, value, step=None) -> None:
        pass

    def log_metrics(self, metrics, step=None) -> None:
        pass

    def log_params(self, params) -> None:
        pass

    def add_figure(self, name, figure, step=None) -> None:
        pass

    def flush(self) -> None:
        pass


@contextlib.contextmanager
def _one_thread(torch, device: str):
    """On the CPU, torch on one thread: the flow is small, and torch's intra-op threads cost far more than they give
    when the cores are shared (measured here: 2,000 simulations, 84 epochs, 365 s on 2 threads, 35 s on 1)."""
    threads = torch.get_num_threads()
    if device == "cpu":
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _device(device: str) -> str:
    torch = require("torch", "neural posterior estimation (method='npe')")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cpu", "cuda"):
        raise ConfigError(f"device: {device!r} is not one of 'cpu', 'cuda', 'auto'", "device")
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device: 'cuda': torch sees no usable GPU", "device")
    return device


def train(theta: np.ndarray, x: np.ndarray, prior, seed: int, device: str = "cpu", **training: Any) -> Estimator:
    """Train NPE on simulations (theta [n, keys], x [n, columns]); rows with a statistic that is not finite are
    left out (counted in the diagnostics)."""
    torch = require("torch", "neural posterior estimation (method='npe')")
    sbi_inference = require("sbi.inference", "neural posterior estimation (method='npe')")
    sbi_utils = require("sbi.utils", "neural posterior estimation (method='npe')")
    device = _device(device)
    ok = np.isfinite(x).all(axis=1)
    if ok.sum() < 2:
        raise ConfigError("statistics: fewer than 2 simulations gave finite values of every statistic", "statistics")
    torch.manual_seed(seed)
    box = sbi_utils.BoxUniform(
        low=torch.as_tensor(prior.low, dtype=torch.float32, device=device),
        high=torch.as_tensor(prior.high, dtype=torch.float32, device=device),
        device=device,
    )
    start = time.monotonic()
    with _one_thread(torch, device), contextlib.redirect_stdout(io.StringIO()):  # sbi prints "converged after"
        logs = {"tracker": _NoTracker()}  # sbi logs to ./sbi-logs by default: nothing is written
        if "tracker" not in inspect.signature(sbi_inference.NPE).parameters:  # sbi before the tracker argument
            logs = {"summary_writer": require("torch.utils.tensorboard", "npe").SummaryWriter(tempfile.mkdtemp())}
        inference = sbi_inference.NPE(
            prior=box, density_estimator="maf", device=device, show_progress_bars=False, **logs
        )
        inference.append_simulations(
            torch.as_tensor(theta[ok], dtype=torch.float32), torch.as_tensor(x[ok], dtype=torch.float32)
        )
        options = {"training_batch_size": 200, "show_train_summary": False, **training}
        estimator = inference.train(**options)
        posterior = inference.build_posterior(estimator)
    summary = inference.summary
    diagnostics = {
        "training_seconds": time.monotonic() - start,
        "training_simulations": int(ok.sum()),
        "invalid_simulations": int((~ok).sum()),
        "epochs": int(summary["epochs_trained"][-1]) if summary.get("epochs_trained") else -1,
        "best_validation_loss": float(summary["best_validation_loss"][-1])
        if summary.get("best_validation_loss")
        else float("nan"),
        "device": device,
    }
    return Estimator(posterior, prior.keys, device, diagnostics)


def run(simulator, observed: np.ndarray, simulations: int, samples: int = 1000, seed: int = 1, device="cpu", **kw):
    """NPE on ``simulations`` prior simulations: (theta [samples, keys], weights, diagnostics, (table, estimator))."""
    from .rejection import Table, scales

    rng = np.random.default_rng(seed)
    theta = simulator.prior.sample(simulations, rng)
    table = Table(theta, simulator(theta))
    scales(table.x, simulator.statistics.columns)  # a statistic constant over the prior: ConfigError
    estimator = train(table.theta, table.x, simulator.prior, seed, device, **kw)
    draws = estimator.sample(observed, samples, seed)
    return draws, np.full(len(draws), 1.0 / len(draws)), dict(estimator.diagnostics), (table, estimator)
