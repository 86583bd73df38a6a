"""learnrace.plots smoke tests (Agg): every figure is drawn and has the expected artists."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import learnrace  # noqa: E402
from learnrace import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_survival_plot(small_results):
    ax = plots.survival(small_results)
    assert isinstance(ax, plt.Axes)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "survival (any cause)" in labels
    assert len(ax.get_lines()) >= 2, "survival plus at least one cause"
    ax2 = plots.survival(learnrace.survival(small_results), ci=False)
    assert len(ax2.collections) == 0


def test_histograms(small_results):
    ax = plots.asymmetry(small_results)
    assert len(ax.patches) == small_results.asymmetry_hist.shape[1]
    heights = np.array([p.get_height() for p in ax.patches])
    widths = np.array([p.get_width() for p in ax.patches])
    assert (heights * widths).sum() == pytest.approx(1.0)
    ax = plots.power_shift(small_results, density=False)
    assert sum(p.get_height() for p in ax.patches) == small_results.dyads[0]
    fig = plots.outcome_histograms(small_results)
    assert len(fig.axes) == 2


def test_transition_heatmap_labels(small_results):
    ax = plots.transition_heatmap(small_results)
    assert len(ax.images) == 1
    rows = ax.images[0].get_array()
    assert rows.shape == (25, 25)
    live = small_results.transitions[0].sum(axis=1) > 0
    np.testing.assert_allclose(np.asarray(rows).sum(axis=1)[live], 1.0)
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    assert "COL/COL (integration)" in ylabels and "CPT/COL (asymmetric exploitation)" in ylabels
    assert [t.get_text() for t in ax.get_xticklabels()][24] == "COL/COL"
    plots.transition_heatmap(small_results, normalize=None, log=True)


def test_strategy_shares(small_results):
    ax = plots.strategy_shares(small_results)
    assert len(ax.collections) == 5  # one stacked band per strategy
    assert [t.get_text() for t in ax.get_legend().get_texts()][:5] == list(learnrace.STRATEGY_CODES)
    plots.strategy_shares(small_results, firm="A")
    with pytest.raises(ValueError):
        plots.strategy_shares(small_results, firm="C")


def test_verdict_table():
    df = pd.DataFrame(
        {
            "clause": ["P1a", "P6a", "P9"],
            "condition": ["COL,COL", "COL,ACC", "COL,COL"],
            "verdict": ["supported", "not supported", "contradicted"],
            "effect": [1.8, 1.01, 0.7],
            "ci_low": [1.4, 0.9, 0.5],
            "ci_high": [2.3, 1.1, 0.9],
            "n": [1200, 300, np.nan],
        }
    )
    fig = plots.verdict_table(df)
    assert isinstance(fig, plt.Figure)
    table = fig.axes[0].tables[0]
    cells = table.get_celld()
    assert cells[(1, 0)].get_text().get_text() == "P1a"
    assert cells[(0, len(cells) // 4 - 1)].get_text().get_text() == "verdict"
    assert cells[(1, 5)].get_facecolor()[:3] != cells[(2, 5)].get_facecolor()[:3]
    with pytest.raises(ValueError):
        plots.verdict_table(df.drop(columns=["n"]))
