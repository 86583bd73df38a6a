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
    assert sum(p.get_height() for p in ax.patches) == small_results.dyads_simulated[0]
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


# --- figures a researcher can put in a paper (issue 10, item 9) ---


def _overlaps(a, b, tol=0.5) -> bool:
    return a.x0 < b.x1 - tol and b.x0 < a.x1 - tol and a.y0 < b.y1 - tol and b.y0 < a.y1 - tol


def _long_verdicts() -> pd.DataFrame:
    # Texts as long as propositions.test writes them.
    return pd.DataFrame(
        {
            "clause": ["P1a", "P3a", "H1", "H4"],
            "condition": [
                "partner COL; mover COL or CPR",
                "pair (CPR, CPR) (moderation) vs the longest-lived other learning state",
                "per dyad: mean posture gap (rho - tau of A) - (rho - tau of B) over periods played",
                "per dyad: equity share e_A vs learning asymmetry a and power shift",
            ],
            "predicted_move": [
                "mover -> CPT",
                "moderation persists (longest mean sojourn among learning states)",
                "the more receptive, less transparent firm learns more",
                "legal (equity) share has only a minor influence on the pattern of learning and power",
            ],
            "verdict": ["not supported", "supported", "supported", "contradicted"],
            "effect": [2.02, 2.03, 0.582, 0.00553],
            "ci_low": [1.06, 0.956, 0.557, -0.032],
            "ci_high": [3.83, 4.33, 0.606, 0.043],
            "n": [940, 207, 5000, 5000],
        }
    )


def test_verdict_table_texts_never_overprint():
    fig = plots.verdict_table(_long_verdicts())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    cells = fig.axes[0].tables[0].get_celld()
    boxes = {k: (c.get_window_extent(renderer), c.get_text().get_window_extent(renderer)) for k, c in cells.items()}
    for key, (cell, text) in boxes.items():
        assert cell.x0 - 0.5 <= text.x0 and text.x1 <= cell.x1 + 0.5, f"text of cell {key} wider than its cell"
        assert cell.y0 - 0.5 <= text.y0 and text.y1 <= cell.y1 + 0.5, f"text of cell {key} taller than its cell"
    texts = sorted(boxes.items())
    for i, (k1, (_, t1)) in enumerate(texts):
        for k2, (_, t2) in texts[i + 1 :]:
            assert not _overlaps(t1, t2), f"texts of cells {k1} and {k2} overlap"
    figure = fig.bbox
    assert all(figure.x0 <= t.x0 and t.x1 <= figure.x1 for _, t in boxes.values()), "table wider than its figure"


def test_survival_legend_off_the_curves_with_bands_and_a_log_panel(small_results):
    ax = plots.survival(small_results)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    log_ax = ax.child_axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    for panel in (ax, log_ax):
        assert not _overlaps(legend, panel.get_window_extent(renderer)), "the legend lies on a panel"
    drawn = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(ax.collections) == len(drawn), "one 95% band per curve"
    assert log_ax.get_yscale() == "log"
    # Rare causes (a race won: ~1% of dyads) reach well above the log panel's floor.
    lo, _ = log_ax.get_ylim()
    race = [line for line in log_ax.get_lines() if line.get_color() in (plots.CAUSE_COLORS["race_won_by_A"],)]
    assert race and max(np.max(line.get_ydata()) for line in race) > 10 * lo
    assert len(log_ax.collections) == len(log_ax.get_lines())


def test_paired_causes_are_told_apart(small_results):
    ax = plots.survival(small_results, log_panel=False)
    by_label = {line.get_label().split(" (")[0]: line for line in ax.get_lines()}
    for a, b in (("race won by A", "race won by B"), ("exploited A withdraws", "exploited B withdraws")):
        if a not in by_label or b not in by_label:
            continue  # a cause that did not occur is not drawn
        la, lb = by_label[a], by_label[b]
        assert la.get_linestyle() != lb.get_linestyle()
        rgb_a, rgb_b = (np.array(matplotlib.colors.to_rgb(line.get_color())) for line in (la, lb))
        assert np.abs(rgb_a - rgb_b).sum() > 0.5, f"{a} and {b} look alike"


def test_histograms_take_their_range_from_the_data(small_results):
    counts = small_results.power_shift_hist[0]
    edges = small_results.histogram_edges["power_shift_hist"]
    occupied = np.flatnonzero(counts)
    ax = plots.power_shift(small_results)
    lo, hi = ax.get_xlim()
    assert lo <= edges[occupied[0]] and edges[occupied[-1] + 1] <= hi, "every dyad is shown"
    assert hi - lo <= (occupied[-1] - occupied[0] + 3) * np.diff(edges)[0] + 1e-9, "no long empty range"
    assert hi - lo < edges[-1] - edges[0]
    assert f"n = {int(counts.sum())} dyads" in ax.get_title()
    full = plots.power_shift(small_results, crop=False)
    assert full.get_xlim()[1] - full.get_xlim()[0] >= edges[-1] - edges[0]


def test_trajectory_mean_has_bands_and_n():
    res = learnrace.run(
        {"run": {"dyads": 400, "seed": 3, "periods": 30}, "output": {"trajectory_stride": 1, "trajectory_max": 400},
         "points": [{"name": "a"}, {"name": "b", "shocks": {"trust": {"sigma": 0.4}}}]},
        backend="cpu", progress=False,
    )  # fmt: skip
    ax = plots.trajectory_mean(res, "trust_A", min_n=5)
    assert len(ax.get_lines()) == 2 and len(ax.collections) == 2
    n_ax = ax.child_axes[0]
    trust = res.trajectories["trust_A"]
    for i, line in enumerate(n_ax.get_lines()):
        np.testing.assert_array_equal(line.get_ydata(), np.isfinite(trust[i]).sum(axis=0))
    mean = ax.get_lines()[0].get_ydata()
    with np.errstate(invalid="ignore"):
        expected = np.nanmean(np.where(np.isfinite(trust[0]), trust[0], np.nan).astype(np.float64), axis=0)
    shown = np.isfinite(mean)
    assert shown[0] and shown.sum() >= 5
    np.testing.assert_allclose(mean[shown], expected[shown], rtol=1e-6)
    assert "n = 400 at t = 0" in ax.get_lines()[0].get_label()
