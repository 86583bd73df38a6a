"""learnrace.infer and learnrace.inference: observed data, statistics, the batched simulator, the methods, the
posterior file, the command line and the bad inputs (docs/inference.md)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import learnrace
from learnrace import inference
from learnrace.inference import counts as counts_module
from learnrace.inference import posterior_file
from learnrace.survival import _from_histogram, curves, expand_durations

BASE = {"run": {"periods": 60, "seed": 5}}
PRIOR = {"termination.hazard": {"low": 0.001, "high": 0.03}, "flows.lambda": {"low": 0.05, "high": 0.3}}
STATS = [
    {"stat": "survival", "at": [8, 20]},
    {"stat": "cause_share", "causes": ["exogenous_hazard"]},
    {"stat": "cause_share", "causes": ["race_won"]},
]


def records_frame(rows):
    return pd.DataFrame(rows, columns=["id", "duration", "censored", "cause"])


# ------------------------------------------------------------------------------------------------ observed data


def test_records_are_validated_and_durations_in_years_become_quarters():
    r = inference.validate_records(
        records_frame([["a", 2.0, "false", "race_won_by_A"], ["b", 0.1, "yes", ""], ["c", 1.3, "0", "Unknown"]]),
        unit="years",
    )
    assert r["duration"].tolist() == [8, 1, 6]  # ceil(4 * years): a started quarter counts
    assert r["censored"].tolist() == [False, True, False]
    assert r["cause"].tolist() == ["race_won_by_A", "censored", "unknown"]


@pytest.mark.parametrize(
    "row, column, words",
    [
        (["x", -3, "false", "disintegration"], "duration", "row 2: duration = -3 is negative"),
        (["x", "ten", "false", "disintegration"], "duration", "is not a number"),
        (["x", 2.5, "false", "disintegration"], "duration", "not a whole number of quarters"),
        (["x", 0, "false", "disintegration"], "duration", "at least 1 quarter"),
        (["x", 4, "maybe", "disintegration"], "censored", "is not true or false"),
        (["x", 4, "false", "bankruptcy"], "cause", "unknown end cause 'bankruptcy'"),
        (["x", 4, "true", "disintegration"], "cause", "a censored record has no end cause"),
        (["a", 4, "false", "disintegration"], "id", "row 2: id 'a' repeats"),
        (["", 4, "false", "disintegration"], "id", "row 2: id is empty"),
    ],
)
def test_bad_records_name_the_row_and_column(row, column, words):
    frame = records_frame([["a", 3, "true", ""], row])
    with pytest.raises(inference.DataError) as info:
        inference.validate_records(frame)
    assert words in str(info.value)
    assert info.value.key == f"records.{column}"


def test_records_need_their_columns_and_rows(tmp_path):
    with pytest.raises(inference.DataError, match="missing column 'cause'"):
        inference.validate_records(pd.DataFrame({"id": ["a"], "duration": [3], "censored": ["true"]}))
    with pytest.raises(inference.DataError, match="unknown column 'colour'"):
        inference.validate_records(records_frame([["a", 3, "true", ""]]).assign(colour="red"))
    empty = tmp_path / "empty.csv"
    empty.write_text("id,duration,censored,cause\n")
    with pytest.raises(inference.DataError, match="records: no rows: the data set is empty"):
        inference.validate_records(str(empty))
    with pytest.raises(inference.DataError, match="no such file"):
        inference.validate_records(str(tmp_path / "missing.csv"))


def sequences_frame(rows):
    return pd.DataFrame(rows, columns=["id", "period", "strategy_A", "strategy_B"])


@pytest.mark.parametrize(
    "rows, column, words",
    [
        (
            [["a", 0, "COL", "COL"], ["a", 1, "Cooperation", "COL"]],
            "strategy_A",
            "row 2: unknown strategy 'Cooperation'",
        ),
        ([["a", 0, "COL", "COL"], ["a", 2, "COL", "CPT"]], "period", "row 2: alliance 'a' jumps from period 0 to 2"),
        ([["a", 0, "COL", "COL"], ["a", 0, "COL", "CPT"]], "period", "has period 0 twice"),
        ([["a", -1, "COL", "COL"]], "period", "row 1: period = -1 is not a whole number >= 0"),
    ],
)
def test_bad_sequences_name_the_row_and_column(rows, column, words):
    with pytest.raises(inference.DataError) as info:
        inference.validate_sequences(sequences_frame(rows))
    assert words in str(info.value)
    assert info.value.key == f"sequences.{column}"


def test_observed_data_become_the_engines_count_arrays():
    data = inference.observed(
        records=pd.DataFrame(
            {
                "id": ["a", "b", "c"],
                "duration": [3, 5, 5],
                "censored": [False, True, False],
                "cause": ["race_won_by_B", "", "unknown"],
                "power_gain": ["B", "", "neither"],
            }
        ),
        sequences=sequences_frame(
            [["a", 1, "cpt", "col"], ["a", 0, "Collaboration", "COL"], ["a", 2, "CPT", "CPT"], ["b", 0, "COL", "COL"]]
        ),
    )
    c = inference.from_observed(data, periods=6)
    rows = counts_module.DURATION_ROWS
    expected = np.zeros((8, 7), np.uint64)
    expected[rows.index("race_won_by_B"), 3] = 1
    expected[rows.index("censored"), 5] = 1
    expected[rows.index("unknown"), 5] = 1
    np.testing.assert_array_equal(c.durations[0], expected)
    np.testing.assert_array_equal(c.power[0], [0, 1, 1])  # A, B, neither: B once, neither once, one unknown
    col_col, cpt_col, cpt_cpt = 5 * 4 + 4, 5 * 3 + 4, 5 * 3 + 3
    assert c.occupancy[0, 0, col_col] == 2 and c.occupancy[0, 1, cpt_col] == 1 and c.occupancy[0, 2, cpt_cpt] == 1
    assert c.transitions.sum() == 2  # a: 0->1, 1->2; b has one period
    assert c.transitions[0, col_col, cpt_col] == 1 and c.transitions[0, cpt_col, cpt_cpt] == 1


def test_data_beyond_the_horizon_are_refused():
    data = inference.observed(records=records_frame([["a", 70, "false", "disintegration"]]))
    with pytest.raises(inference.DataError, match="beyond the model's horizon run.periods = 60"):
        inference.from_observed(data, periods=60)
    seq = inference.observed(sequences=sequences_frame([["a", t, "COL", "COL"] for t in range(61)]))
    with pytest.raises(inference.DataError, match="coded at period 60, beyond the model's horizon"):
        inference.from_observed(seq, periods=60)


# -------------------------------------------------------------------------------------------------- statistics


def test_vectorised_curves_are_the_per_point_survival_table(small_results):
    s, cif = curves(small_results.duration_by_cause)[2:]
    table = _from_histogram(small_results.duration_by_cause[0])
    np.testing.assert_allclose(s[0], table["survival"].to_numpy()[1:])
    for k, cause in enumerate(learnrace.CAUSES[1:]):
        np.testing.assert_allclose(cif[0, k], table[f"cif_{cause}"].to_numpy()[1:])


def test_kaplan_meier_with_censoring_agrees_with_lifelines():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(3)
    lived = rng.integers(1, 40, 300)
    censored = rng.random(300) < 0.3
    hist = np.zeros((1, 8, 41), np.uint64)
    np.add.at(hist[0], (np.where(censored, 0, 1), lived), 1)
    s = curves(hist)[2][0]
    kmf = lifelines.KaplanMeierFitter().fit(lived, event_observed=~censored)
    np.testing.assert_allclose(s, kmf.survival_function_at_times(np.arange(1, 41)).to_numpy(), atol=1e-12)


def test_statistics_of_observed_records_equal_those_of_the_simulation_they_came_from():
    """The same quantity from both sides: a simulated point written out as records (one per dyad) and read back as
    observed data gives exactly the statistics of the simulated counts."""
    res = learnrace.run({"run": {"dyads": 800, "periods": 40, "seed": 2}}, backend="cpu", progress=False)
    lived, cause = expand_durations(res.duration_by_cause[0])
    records = pd.DataFrame(
        {
            "id": np.arange(len(lived)).astype(str),
            "duration": lived,
            "censored": cause == 0,
            "cause": [learnrace.CAUSES[c] if c else "" for c in cause],
        }
    )
    stats = inference.StatisticSet(
        [
            {"stat": "survival", "at": [1, 8, 20, 40]},
            {"stat": "cause_share", "causes": ["race_won", "disintegration"]},
            {"stat": "cause_incidence", "causes": ["exogenous_hazard"], "at": [10, 30]},
            {"stat": "outcome", "names": ["share_censored", "share_race_won", "median_duration", "mean_duration"]},
        ]
    )
    simulated = stats(inference.from_results(res))
    observed = stats(inference.from_observed(inference.observed(records=records), 40))
    np.testing.assert_allclose(observed, simulated, rtol=0, atol=1e-12)
    assert simulated[0, stats.columns.index("survival_40")] == pytest.approx(res.duration_by_cause[0, 0, 40] / 800)


def test_sequence_statistics_read_the_occupancy_and_transitions(small_results):
    c = inference.from_results(small_results)
    share = inference.state_share(["integration", ["moderation", "deadlock"]])(c)[0]
    occ = small_results.occupancy[0].sum(axis=0)
    integration = [s.index for s in learnrace.PAIR_STATES if s.larsson == "integration"]
    assert share[0] == pytest.approx(occ[integration].sum() / occ.sum())
    stay = inference.persistence(["COL/COL"])(c)[0, 0]
    tr = small_results.transitions[0]
    assert stay == pytest.approx(tr[24, 24] / tr[24].sum())
    move = inference.transition("integration", "any")(c)[0, 0]
    assert move == pytest.approx(1.0)


@pytest.mark.parametrize(
    "spec, words",
    [
        ({"stat": "survivl"}, "unknown family 'survivl'"),
        ({"stat": "survival", "at": [0]}, "whole quarters >= 1"),
        ({"stat": "cause_share", "causes": ["sale"]}, "unknown cause 'sale'"),
        ({"stat": "state_share", "states": ["harmony"]}, "unknown state 'harmony'"),
        ({"stat": "power_share", "firms": ["C"]}, "unknown firm 'C'"),
        ({"stat": "outcome", "names": ["mean_trust_A"]}, "not an outcome computable from observed data"),
        ({"stat": "survival", "when": [3]}, "wrong parameters"),
    ],
)
def test_bad_statistics_are_named(spec, words):
    with pytest.raises(learnrace.ConfigError, match=words):
        inference.StatisticSet([spec])


def test_a_statistic_the_data_cannot_give_is_named():
    data = inference.observed(records=records_frame([["a", 3, "false", "disintegration"]]))
    with pytest.raises(learnrace.ConfigError, match="needs coded strategy sequences, which the data lack"):
        inference.StatisticSet([{"stat": "state_share", "states": ["integration"]}])(inference.from_observed(data, 10))


# ---------------------------------------------------------------------------------------------------- simulator


def test_simulations_do_not_depend_on_the_block_size_or_the_threads():
    prior = inference.Prior(PRIOR)
    theta = prior.sample(13, np.random.default_rng(0))
    with inference.Simulator(BASE, prior, STATS, dyads=150, threads=1, block=13) as one:
        a = one(theta)
    with inference.Simulator(BASE, prior, STATS, dyads=150, threads=2, block=4) as two:
        b = np.concatenate([two(theta[:5]), two(theta[5:])])
    np.testing.assert_array_equal(a, b)
    assert one.simulations == two.simulations == 13 and one.dyad_periods == two.dyad_periods > 0
    # simulation i is point key i of one run of the points
    res = learnrace.run(
        {**BASE, "run": {**BASE["run"], "dyads": 150}}, points=prior.frame(theta), backend="cpu", progress=False
    )
    np.testing.assert_array_equal(a, inference.StatisticSet(STATS)(inference.from_results(res)))


def test_priors_outside_a_keys_range_are_refused_before_anything_runs():
    with pytest.raises(learnrace.ConfigError, match=r"prior: flows.lambda: low = 0 is outside the key's valid range"):
        inference.Simulator(BASE, {"flows.lambda": {"low": 0.0, "high": 0.3}}, STATS, dyads=10)
    with pytest.raises(learnrace.ConfigError, match="integer and choice keys cannot have one"):
        inference.Simulator(BASE, {"termination.avoid_periods": {"low": 1, "high": 5}}, STATS, dyads=10)
    with pytest.raises(learnrace.ConfigError, match="unknown key"):
        inference.Simulator(BASE, {"flows.lambdaa": {"low": 0.1, "high": 0.3}}, STATS, dyads=10)
    with pytest.raises(learnrace.ConfigError, match="low must be < high"):
        inference.Prior({"flows.lambda": {"low": 0.3, "high": 0.1}})
    with pytest.raises(learnrace.ConfigError, match="run.common_random_numbers = true"):
        inference.Simulator({"run": {"common_random_numbers": True}}, PRIOR, STATS, dyads=10)


# ------------------------------------------------------------------------------------------------------ methods


@pytest.fixture(scope="module")
def synthetic():
    """Records simulated at known values: hazard 0.01, lambda 0.15 (400 alliances, seen to the horizon 60)."""
    truth = {"termination.hazard": 0.01, "flows.lambda": 0.15}
    res = learnrace.run(
        {"run": {"dyads": 400, "periods": 60, "seed": 99}, "points": [{"name": "truth", **truth}]},
        backend="cpu",
        progress=False,
    )
    lived, cause = expand_durations(res.duration_by_cause[0])
    records = pd.DataFrame(
        {
            "id": np.arange(len(lived)).astype(str),
            "duration": lived,
            "censored": cause == 0,
            "cause": [learnrace.CAUSES[c] if c else "" for c in cause],
        }
    )
    return truth, inference.observed(records=records)


def test_rejection_abc_recovers_known_values(synthetic, tmp_path):
    truth, data = synthetic
    out = tmp_path / "post.h5"
    post = learnrace.infer(BASE, PRIOR, data, STATS, method="rejection", simulations=2000, accept=100, output=out)
    summary = post.summary()
    for key, value in truth.items():
        # a fixed seed; the posterior sd is the scale of its error (3 sd: about 1 in 370 for a normal posterior)
        assert abs(summary.loc[key, "mean"] - value) < 3 * summary.loc[key, "sd"], key
        assert summary.loc[key, "sd"] < 0.25 * (PRIOR[key]["high"] - PRIOR[key]["low"]), key  # it learnt something
    assert len(post.samples) == 100 and post.diagnostics["simulations"] == 2000
    again = learnrace.open(out)
    assert isinstance(again, learnrace.Posterior)
    pd.testing.assert_frame_equal(again.samples, post.samples)
    pd.testing.assert_series_equal(again.observed, post.observed)
    pd.testing.assert_frame_equal(again.data["records"], data.records.astype({"id": object}), check_dtype=False)
    same = learnrace.infer(BASE, PRIOR, data, STATS, method="rejection", simulations=2000, accept=100)
    pd.testing.assert_frame_equal(same.samples, post.samples)  # the seed fixes everything


def test_abc_smc_recovers_known_values_and_is_reproducible(synthetic):
    pytest.importorskip("pyabc")
    truth, data = synthetic
    kw = dict(method="abc-smc", simulations=1500, population=100, generations=3)
    post = learnrace.infer(BASE, PRIOR, data, STATS, **kw)
    summary = post.summary()
    for key, value in truth.items():
        assert abs(summary.loc[key, "mean"] - value) < 3 * summary.loc[key, "sd"], key
    assert post.samples["weight"].sum() == pytest.approx(1.0)
    g = post.generations
    assert list(g["generation"]) == list(range(len(g))) and len(g) >= 2
    assert post.diagnostics["simulations"] <= 1500 + 100 + 1024  # budget + calibration + one batch past it
    again = learnrace.infer(BASE, PRIOR, data, STATS, **kw)
    pd.testing.assert_frame_equal(again.samples, post.samples)


def test_batched_sampler_gives_pyabcs_single_core_population(synthetic):
    """Generation 0 of pyabc with the batch sampler equals pyabc's SingleCoreSampler with one engine call per
    particle: the same proposals in the same order, the same simulations (point keys by order), the same particles."""
    pyabc = pytest.importorskip("pyabc")
    from learnrace.inference import abc_smc
    from learnrace.inference.api import observed_statistics

    _, data = synthetic
    populations = []
    for batched in (True, False):
        with inference.Simulator(BASE, PRIOR, STATS, dyads=100) as sim:
            x = observed_statistics(data, sim.statistics, sim.periods)
            names = ["p0", "p1"]
            columns = [f"s{j}" for j in range(len(x))]
            if batched:
                model = abc_smc.BatchModel(sim, names, columns)
                sampler = abc_smc.make_sampler(model, 64)
            else:

                def model(p, sim=sim, columns=columns):
                    return dict(zip(columns, sim(np.array([[p["p0"], p["p1"]]]))[0]))

                sampler = pyabc.SingleCoreSampler()
            prior = pyabc.Distribution(p0=pyabc.RV("uniform", 0.001, 0.029), p1=pyabc.RV("uniform", 0.05, 0.25))
            abc = pyabc.ABCSMC(model, prior, pyabc.AdaptivePNormDistance(p=2), population_size=40, sampler=sampler)
            np.random.seed(4)  # noqa: NPY002 - pyabc's global random state
            abc.new("sqlite://", dict(zip(columns, x)))
            history = abc.run(max_nr_populations=1)
            populations.append(history.get_distribution(m=0, t=0))
    np.testing.assert_array_equal(populations[0][0].to_numpy(), populations[1][0].to_numpy())
    np.testing.assert_array_equal(populations[0][1], populations[1][1])


def test_npe_recovers_known_values(synthetic):
    pytest.importorskip("sbi", reason="sbi/torch not installed (pip install '.[infer-npe]', ~5 GB; docs/inference.md)")
    truth, data = synthetic
    post = learnrace.infer(
        BASE, PRIOR, data, STATS, method="npe", simulations=2000, samples=500, training={"max_num_epochs": 100}
    )
    summary = post.summary()
    for key, value in truth.items():
        assert abs(summary.loc[key, "mean"] - value) < 3 * summary.loc[key, "sd"], key
    assert post.diagnostics["training_simulations"] == 2000 - post.diagnostics["invalid_simulations"]


# ------------------------------------------------------------------------------------------------- bad inputs


def test_constant_statistics_are_refused_and_nothing_is_written(synthetic, tmp_path):
    _, data = synthetic
    out = tmp_path / "post.h5"
    constant = [{"stat": "cause_share", "causes": ["any"]}, {"stat": "survival", "at": [8]}]
    with pytest.raises(learnrace.ConfigError, match="cause_share_any is the same in every one of") as info:
        learnrace.infer(BASE, PRIOR, data, constant, simulations=200, output=out)
    assert info.value.key == "statistics.cause_share_any"
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"method": "mcmc"}, learnrace.ConfigError, "method: 'mcmc' is not one of"),
        ({"accept": 0}, learnrace.ConfigError, "accept: 0 is not a count"),
        ({"population": 10}, learnrace.ConfigError, "population: not an option of method 'rejection'"),
        ({"simulations": 1}, learnrace.ConfigError, "simulations: 1 is not an integer >= 2"),
        ({"observed": {"records": None}}, inference.DataError, "give records, sequences or both"),
        ({"observed": inference.Facts({"survival_8": 0.5})}, learnrace.ConfigError, "dyads: an inference on facts"),
        ({"observed": inference.Facts({"survival_8": 0.5}), "dyads": 50}, inference.DataError, "no value for"),
        ({"output": "/nonexistent-dir/post.h5"}, ValueError, "nonexistent-dir"),
    ],
)
def test_bad_arguments_are_named(synthetic, kwargs, error, words):
    _, data = synthetic
    args = {"observed": data, "simulations": 50, **kwargs}
    with pytest.raises(error, match=words):
        learnrace.infer(BASE, PRIOR, statistics=STATS, **args)


def test_facts_are_fitted_as_observed_statistics():
    facts = inference.Facts(
        {"survival_8": 0.7, "survival_20": 0.4, "cause_share_exogenous_hazard": 0.3, "cause_share_race_won": 0.4}
    )
    post = learnrace.infer(BASE, PRIOR, facts, STATS, simulations=400, dyads=100, accept=40)
    assert post.observed["survival_20"] == 0.4 and post.data == {"records": None, "sequences": None}


# ---------------------------------------------------------------------------------------------- posterior file


@pytest.fixture(scope="module")
def posterior_path(tmp_path_factory, synthetic):
    _, data = synthetic
    path = tmp_path_factory.mktemp("posterior") / "post.h5"
    learnrace.infer(BASE, PRIOR, data, STATS, simulations=300, accept=30, output=path)
    return path


@pytest.mark.parametrize(
    "change, item",
    [
        (lambda f: f.attrs.__setitem__("filetype", "learnrace-study"), "filetype"),  # variable length: never read
        (lambda f: f.attrs.__setitem__("filetype", np.bytes_(b"learnrace-study")), "filetype"),
        (lambda f: f.attrs.__setitem__("version", np.array([3, 0])), "version"),
        (lambda f: f.attrs.__setitem__("version", np.array([1, 0])), "version"),
        (lambda f: f.attrs.__delitem__("method"), "method"),
        (lambda f: f.attrs.__setitem__("prior", "{not json"), "prior"),  # variable length: refused unread
        (lambda f: f.attrs.__setitem__("prior", np.bytes_(b"{not json")), "prior"),
        (lambda f: f.__delitem__("samples/weight"), "samples/weight"),
        (lambda f: f["samples/weight"].__setitem__(0, -1.0), "samples/weight"),
        (lambda f: f.__delitem__("observed/values"), "observed/values"),
        (lambda f: f.__delitem__("data/records/cause"), "data/records/cause"),
    ],
)
def test_damaged_posterior_files_are_refused_naming_the_item(posterior_path, tmp_path, change, item):
    """Each change with the attributes' checksum written again (as a crafted file could), so that the checks behind
    it are reached; one without (a damaged file) is refused by the checksum."""
    h5py = pytest.importorskip("h5py")
    from learnrace import _checksum

    copy = tmp_path / "copy.h5"
    copy.write_bytes(posterior_path.read_bytes())
    with h5py.File(copy, "r+") as f:
        change(f)
        try:
            _checksum.seal(f, posterior_file.checksummed_attributes())
        except (KeyError, OSError, ValueError):
            pass  # an attribute the change removed
    with pytest.raises(learnrace.FileFormatError) as info:
        posterior_file.read(copy)
    assert info.value.item == item


def test_a_posterior_file_is_checksummed(posterior_path, tmp_path):
    """As study files (issue 20 items 1, 12): no variable-length strings, every dataset with Fletcher32, and the
    attributes covered by attributes_crc32."""
    h5py = pytest.importorskip("h5py")
    assert b"GCOL" not in posterior_path.read_bytes()
    with h5py.File(posterior_path, "r") as f:
        datasets = []
        f.visititems(lambda _, obj: datasets.append(obj) if isinstance(obj, h5py.Dataset) else None)
        assert datasets and all(d.fletcher32 for d in datasets if d.size)
    copy = tmp_path / "copy.h5"
    copy.write_bytes(posterior_path.read_bytes())
    with h5py.File(copy, "r+") as f:
        f.attrs["simulations"] = np.int64(int(f.attrs["simulations"]) + 1)  # not resealed: a damaged file
    with pytest.raises(learnrace.FileFormatError) as info:
        posterior_file.read(copy)
    assert info.value.item == "attributes_crc32"


def test_posterior_to_xarray_and_predictive_check(posterior_path):
    pytest.importorskip("xarray")
    post = learnrace.open(posterior_path)
    ds = post.to_xarray()
    assert set(ds.data_vars) == {*PRIOR, "weight"} and ds.attrs["method"] == "rejection"
    from learnrace.inference import predictive

    sims = predictive.simulate(post, draws=40)
    table = predictive.check(post, sims)
    assert list(table.index) == list(post.observed.index)
    assert ((table["p_value"] >= 0) & (table["p_value"] <= 1)).all()


# --------------------------------------------------------------------------------------------------- calibration


def test_calibration_tables():
    pytest.importorskip("scipy")
    from learnrace.inference import calibration

    with inference.Simulator(BASE, PRIOR, STATS, dyads=200) as sim:
        result = calibration.run(sim, "rejection", datasets=20, simulations=1000, draws=50)
    ranks = result["ranks"]
    assert len(ranks) == 20 * 2 and ranks["rank"].between(0, 50).all()
    cov = calibration.coverage_table(ranks, "rejection")
    assert list(cov["key"]) == list(PRIOR) and cov["coverage_90"].between(0, 1).all()
    assert calibration.binomial_range(100, 0.9) == (0.84, 0.95)  # Binomial(100, 0.9): 2.5% and 97.5% quantiles
    assert result["cost"]["fitting_simulations"] == 1000


# ------------------------------------------------------------------------------------------------- command line


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "learnrace.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_learnrace_infer_writes_the_posterior_file(tmp_path):
    data = tmp_path / "records.csv"
    data.write_text(
        "id,duration,censored,cause\n" + "".join(f"a{i},{5 + i % 30},false,disintegration\n" for i in range(60))
    )
    toml = tmp_path / "infer.toml"
    toml.write_text(
        '[run]\nperiods = 40\n[infer]\nmethod = "rejection"\nsimulations = 300\nrecords = "records.csv"\n'
        '[infer.prior]\n"termination.hazard" = {low = 0.001, high = 0.03}\n'
        '[[infer.statistics]]\nstat = "survival"\nat = [5, 20]\n[infer.options]\naccept = 30\n'
    )
    out = tmp_path / "post.h5"
    done = _cli("infer", str(toml), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr
    assert learnrace.open(out).attrs["simulations"] == 300
    info = _cli("info", str(out))
    assert info.returncode == 0 and "rejection over 1 key(s)" in info.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(toml.read_text().replace("low = 0.001", "low = -0.1"))
    failed = _cli("infer", str(bad), "-o", str(tmp_path / "bad.h5"))
    assert failed.returncode == 2 and "prior: termination.hazard: low = -0.1 is outside" in failed.stderr
    assert "Traceback" not in failed.stderr and not (tmp_path / "bad.h5").exists()
    missing = tmp_path / "missing.toml"
    missing.write_text(toml.read_text().replace("records.csv", "nope.csv"))
    failed = _cli("infer", str(missing), "-o", str(tmp_path / "bad.h5"))
    assert failed.returncode == 2 and "nope.csv: no such file" in failed.stderr


def test_the_illustrative_cases_load():
    root = os.path.join(os.path.dirname(__file__), "..", "..", "experiments", "inference")
    data = inference.observed(
        records=os.path.join(root, "cases_records.csv"), sequences=os.path.join(root, "cases_sequences.csv")
    )
    assert data.alliances == 12 and data.horizon == 20


def test_a_statistic_undefined_for_the_data_is_named():
    cases = inference.observed(sequences=sequences_frame([["a", t, "COL", "COL"] for t in range(6)]))
    with pytest.raises(learnrace.ConfigError, match="transition_deadlock_to_any is undefined for the observed data"):
        learnrace.infer(BASE, PRIOR, cases, [{"stat": "transition", "from": "deadlock", "to": "any"}], simulations=10)


def test_user_defined_statistics_fit_and_need_passing_again_for_predictive_checks(synthetic):
    _, data = synthetic

    def ended_first_year(c):
        return (c.durations[:, 1:, 1:5].sum(axis=(1, 2)) / c.alliances)[:, None]

    mine = inference.Statistic(("ended_first_year",), ended_first_year, needs=("durations",))
    post = learnrace.infer(BASE, PRIOR, data, [mine, *STATS], simulations=300, accept=30)
    assert post._data["statistics"][0] is None and post.observed.index[0] == "ended_first_year"
    from learnrace.inference import predictive

    with pytest.raises(ValueError, match="user-defined statistic: pass statistics="):
        predictive.simulate(post, draws=10)
    sims = predictive.simulate(post, draws=10, statistics=[mine, *STATS])
    assert sims["ended_first_year"].between(0, 1).all()


def test_infer_is_a_subcommand_in_the_help():
    done = _cli("--help")
    assert done.returncode == 0 and "infer" in done.stdout
    done = _cli("infer", "--help")
    assert done.returncode == 0 and "--simulations" in done.stdout
