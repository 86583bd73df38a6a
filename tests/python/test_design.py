"""learnrace.design: sizes, ranges and reproducibility of the designs, the [study] table, the JSON round trip, the
[[points]] glue, and a ConfigError naming the parameter or setting for each kind of bad input."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import learnrace
from learnrace import ConfigError

pytest.importorskip("SALib")
design = learnrace.design

RANGES = {
    "shocks.trust.sigma": {"low": 0.05, "high": 0.3},
    "kernel.propositional.P6a.b0": {"low": -4, "high": -2},
    "flows.lambda": {"low": 0.05, "high": 0.2},
}


@pytest.mark.parametrize(
    "kind, options, expected",
    [
        ("random", {"n": 37}, 37),
        ("latin", {"n": 37}, 37),
        ("sobol", {"n": 32}, 32 * (3 + 2)),
        ("sobol", {"n": 32, "second_order": True}, 32 * (2 * 3 + 2)),
        ("morris", {"n": 9}, 9 * (3 + 1)),
        ("morris", {"n": 9, "levels": 6}, 9 * (3 + 1)),
    ],
)
def test_sampling_designs_have_their_size_and_stay_in_range(kind, options, expected):
    d = design.make(RANGES, kind=kind, seed=7, **options)
    assert d.n_points == expected == len(d.points)
    assert list(d.points.columns) == ["point", *RANGES]
    assert d.points["point"].is_unique and d.points["point"].iloc[0] == "p00000"
    for key, r in RANGES.items():
        v = d.points[key].to_numpy()
        assert v.dtype == np.float64
        assert (v >= r["low"]).all() and (v <= r["high"]).all(), key
        # the sample spreads over the range, not a corner of it
        assert v.max() - v.min() > 0.5 * (r["high"] - r["low"]), key


def test_morris_points_sit_on_the_levels():
    d = design.make(RANGES, kind="morris", n=10, levels=4, seed=3)
    u = d.unit_sample()
    assert np.allclose(u * 3, np.round(u * 3))  # levels 0, 1/3, 2/3, 1
    # each trajectory step moves exactly one parameter, by delta = p / (2 (p - 1)) = 2/3
    steps = np.diff(u.reshape(10, 4, 3), axis=1)
    assert ((np.abs(steps) > 1e-12).sum(axis=2) == 1).all()
    assert np.allclose(np.abs(steps[np.abs(steps) > 1e-12]), 2 / 3)


def test_latin_hypercube_puts_one_point_in_each_stratum():
    d = design.make(RANGES, kind="latin", n=50, seed=2)
    strata = np.floor(d.unit_sample() * 50).astype(int)
    for j in range(3):
        assert sorted(strata[:, j]) == list(range(50))


def test_sobol_design_is_saltelli_s_cross_sampling():
    d = design.make(RANGES, kind="sobol", n=16, seed=4)
    u = d.unit_sample().reshape(16, 5, 3)  # per base sample: A, AB_1..AB_3, B
    A, B = u[:, 0], u[:, 4]
    for j in range(3):
        expected = A.copy()
        expected[:, j] = B[:, j]
        assert np.allclose(u[:, 1 + j], expected)


@pytest.mark.parametrize("kind, n", [("random", 20), ("latin", 20), ("sobol", 16), ("morris", 5)])
def test_designs_are_reproducible_by_seed(kind, n):
    a = design.make(RANGES, kind=kind, n=n, seed=11)
    b = design.make(RANGES, kind=kind, n=n, seed=11)
    c = design.make(RANGES, kind=kind, n=n, seed=12)
    pd.testing.assert_frame_equal(a.points, b.points)
    assert not a.points[list(RANGES)].equals(c.points[list(RANGES)])


def test_grid_is_every_combination_first_parameter_slowest():
    d = design.make(
        {
            "shocks.trust.sigma": {"from": 0.05, "to": 0.3, "steps": 6},
            "initial.intent_A": {"values": ["internalization", "substitution"]},
            "termination.avoid_periods": {"from": 1, "to": 3, "steps": 3},
        }
    )
    assert d.n_points == 6 * 2 * 3
    assert d.points["shocks.trust.sigma"].unique().tolist() == [0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
    assert d.points["shocks.trust.sigma"].iloc[:6].nunique() == 1  # slowest
    assert d.points["termination.avoid_periods"].iloc[:3].tolist() == [1, 2, 3]  # fastest
    assert d.points["termination.avoid_periods"].dtype == np.int64  # an integer key stays integer
    assert d.points["initial.intent_A"].iloc[:6].tolist() == ["internalization"] * 3 + ["substitution"] * 3
    # a bare list means {values = [...]}; steps = 1 with from == to is one value
    g = design.make({"a.b": [3, 1, 2], "c.d": {"from": 0.5, "to": 0.5, "steps": 1}})
    assert g.points["a.b"].tolist() == [3, 1, 2] and g.points["c.d"].tolist() == [0.5] * 3


def test_listed_values_in_a_sampling_design_are_drawn_evenly():
    d = design.make({"x.y": {"low": 0, "high": 1}, "initial.intent_A": ["internalization", "substitution"]},
                    kind="random", n=4000, seed=5)  # fmt: skip
    share = (d.points["initial.intent_A"] == "substitution").mean()
    # binomial sd of a share of 4000 at 0.5 is 0.0079: 4 sd
    assert abs(share - 0.5) < 4 * math.sqrt(0.25 / 4000)


def test_point_names_widen_past_five_digits():
    assert design.point_names(3) == ["p00000", "p00001", "p00002"]
    names = design.point_names(100_001)
    assert names[0] == "p000000" and names[-1] == "p100000"


def test_design_round_trips_through_json_and_an_hdf5_attribute(tmp_path):
    h5py = pytest.importorskip("h5py")
    for d in (
        design.make(RANGES, kind="sobol", n=8, seed=0, second_order=True),
        design.make({**RANGES, "strategy": ["AVO", "ACC", "CPR", "CPT"]}, kind="morris", n=3, seed=9),
        design.make({"a.b": {"from": 1, "to": 4, "steps": 4}, "c": ["x", "y"]}),
    ):
        path = tmp_path / f"{d.kind}.h5"
        with h5py.File(path, "w") as f:
            f.attrs["design"] = d.to_json()
        with h5py.File(path, "r") as f:
            text = f.attrs["design"]
        back = design.Design.from_json(text)
        assert back == d
        pd.testing.assert_frame_equal(back.points, d.points)
        # the points frame alone carries the design (attrs), through a copy too
        again = design.as_design(d.points.copy())
        pd.testing.assert_frame_equal(again.points, d.points)
        assert json.loads(d.to_json())["problem"]["names"] == d.keys


def test_stored_points_are_checked_against_the_design():
    d = design.make(RANGES, kind="latin", n=10, seed=1)
    outside = d.points.copy()
    outside.loc[3, "flows.lambda"] = 0.9
    with pytest.raises(ValueError, match=r"flows.lambda = 0.9 at row 3 is outside \[0.05, 0.2\]"):
        design.Design.from_dict(d.to_dict(), outside)
    with pytest.raises(ValueError, match="has 10 points, not 9"):
        design.Design.from_dict(d.to_dict(), d.points.iloc[:9])


def test_a_reordered_or_edited_design_frame_is_refused():
    """Issue 20 item 14: pandas keeps a frame's attrs (the design description) through sort_values, so a sorted
    Sobol' frame passed as the design of a study ran and gave wrong indices (ST of race_won for flows.lambda 1.433
    -> 0.002). The design's points_sha256 tells its own points, in their order, from any other."""
    d = design.make(RANGES, kind="sobol", n=8, seed=3)
    shuffled = d.points.sort_values("flows.lambda")
    assert shuffled.attrs  # what made the mistake possible
    base = {"run": {"dyads": 50, "periods": 10, "seed": 1}}
    with pytest.raises(ValueError, match=r"not this sobol design.s own, in its order: row 0 has .* = .*"
                                         r"sorted, filtered or edited"):  # fmt: skip
        learnrace.study(base, design=shuffled, backend="cpu", progress=False)
    edited = d.points.copy()
    edited.loc[5, "flows.lambda"] = 0.1  # within the range
    with pytest.raises(ValueError, match="row 5 has flows.lambda = 0.1 where the design places"):
        design.as_design(edited)
    g = design.make({"a.b": {"from": 1, "to": 4, "steps": 4}, "c": ["x", "y"]})
    with pytest.raises(ValueError, match="not this grid design's own"):
        design.as_design(g.points.iloc[::-1].reset_index(drop=True))
    # renamed points are still the design's points; a copy too
    renamed = d.points.assign(point=[f"q{i}" for i in range(d.n_points)])
    assert design.as_design(renamed).points["point"].iloc[0] == "q0"
    pd.testing.assert_frame_equal(design.as_design(d.points.copy()).points, d.points)


def test_a_design_regenerated_differently_is_refused():
    d = design.make(RANGES, kind="latin", n=10, seed=1)
    spec = d.to_dict()
    spec["points_sha256"] = "0" * 64  # as if another SALib had made the points
    with pytest.raises(ValueError, match="points generated again here .* are not the design's"):
        design.Design.from_dict(spec)


def test_to_engine_points_gives_python_scalars_and_names():
    d = design.make({"a.b": {"from": 1, "to": 2, "steps": 2}, "c.d": [0.5, 1.5], "e": ["x", "y"]})
    entries = design.to_engine_points(d.points)
    assert entries[0] == {"name": "p00000", "a.b": 1, "c.d": 0.5, "e": "x"}
    assert [type(entries[0][k]) for k in ("a.b", "c.d", "e")] == [int, float, str]
    # any frame: without a point column the names are generated
    plain = pd.DataFrame({"shocks.trust.sigma": [0.1, 0.2]})
    assert [e["name"] for e in design.to_engine_points(plain)] == ["p00000", "p00001"]
    with pytest.raises(ConfigError, match="shocks.trust.sigma of point 'p00001' is nan") as e:
        design.to_engine_points(pd.DataFrame({"shocks.trust.sigma": [0.1, np.nan]}))
    assert e.value.key == "shocks.trust.sigma"
    with pytest.raises(ConfigError, match="repeated"):
        design.to_engine_points(pd.DataFrame({"point": ["a", "a"], "x.y": [1, 2]}))


def test_the_engine_runs_a_design_and_keeps_its_point_names():
    d = design.make(
        {
            "shocks.trust.sigma": {"from": 0.1, "to": 0.2, "steps": 2},
            "termination.avoid_periods": {"from": 2, "to": 3, "steps": 2},
            "initial.intent_A": ["internalization", "substitution"],
        }
    )
    study = design.Study(d, {"run": {"dyads": 50, "periods": 5, "seed": 3}})
    res = learnrace.run(study.experiment(), backend="cpu", progress=False)
    assert list(res.point_names) == d.points["point"].tolist()


def test_example_study_file_loads_and_the_engine_accepts_its_keys():
    path = Path(__file__).resolve().parents[2] / "experiments" / "study_sobol.toml"
    study = design.load_study(path)
    assert study.design.kind == "sobol" and study.design.n_points == 1024 * (6 + 2)
    experiment = study.experiment()
    experiment["points"] = experiment["points"][:3]
    experiment["run"] = {**experiment["run"], "dyads": 20, "periods": 5}
    res = learnrace.run(experiment, backend="cpu", progress=False)
    assert list(res.point_names) == ["p00000", "p00001", "p00002"]


STUDY_TOML = """
[study]
design = "sobol"
n = 16
seed = 3
second_order = true

[study.parameters]
"shocks.trust.sigma" = {low = 0.05, high = 0.3}
"kernel.propositional.P6a.b0" = {low = -4, high = -2}

[run]
dyads = 100

[kernel]
type = "strategic"
"""


def test_study_toml_sets_the_design_and_the_base_experiment(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text(STUDY_TOML)
    for source in (str(path), STUDY_TOML):
        study = design.load_study(source)
        assert study.design.kind == "sobol" and study.design.second_order and study.design.seed == 3
        assert study.design.n_points == 16 * (2 * 2 + 2)
        assert study.base == {"run": {"dyads": 100}, "kernel": {"type": "strategic"}}
        experiment = study.experiment()
        assert len(experiment["points"]) == study.design.n_points
        assert experiment["kernel"] == {"type": "strategic"}
    same = design.make(
        {"shocks.trust.sigma": {"low": 0.05, "high": 0.3}, "kernel.propositional.P6a.b0": {"low": -4, "high": -2}},
        kind="sobol", n=16, seed=3, second_order=True,
    )  # fmt: skip
    pd.testing.assert_frame_equal(study.design.points, same.points)


def test_sobol_base_size_not_a_power_of_two_warns_as_salib_does():
    with pytest.warns(UserWarning, match="power of 2"):
        design.make(RANGES, kind="sobol", n=12)


BAD = [
    # (parameters, settings, key, message)
    (RANGES, {"kind": "factorial"}, "study.design", "unknown design 'factorial'"),
    ({"a.b": {"low": 2, "high": 2}}, {"kind": "random", "n": 4}, "a.b", "low must be < high, not 2 >= 2"),
    ({"a.b": {"low": "0", "high": 1}}, {"kind": "latin", "n": 4}, "a.b", "low must be a number, not '0'"),
    ({"a.b": {"low": 0, "high": math.inf}}, {"kind": "latin", "n": 4}, "a.b", "high must be finite"),
    ({"a.b": {"from": 0, "to": 1, "steps": 0}}, {}, "a.b", "steps must be >= 1, not 0"),
    ({"a.b": {"from": 0, "to": 1, "steps": 2.0}}, {}, "a.b", "steps must be an integer"),
    ({"a.b": {"from": 1, "to": 0, "steps": 3}}, {}, "a.b", "from must be < to"),
    ({"a.b": {"low": 0, "high": 1}}, {}, "a.b", "a grid needs {from, to, steps} or {values}"),
    ({"a.b": {"from": 0, "to": 1, "steps": 3}}, {"kind": "sobol", "n": 8}, "a.b", "is grid syntax"),
    ({"a.b": {"lo": 0, "high": 1}}, {"kind": "random", "n": 3}, "a.b", "has fields \\['high', 'lo'\\]"),
    ({"a.b": {"values": []}}, {}, "a.b", "values is empty"),
    ({"a.b": {"values": [1, "x"]}}, {}, "a.b", "values mix names and numbers"),
    ({"a.b": {"values": [1, 2, 1]}}, {}, "a.b", "value 1 is listed twice"),
    ({"a.b": 0.5}, {}, "a.b", "expected {low, high}"),
    ({"point": [1, 2]}, {}, "point", "names the points"),
    ({"a.b": ["x", "y", "z"]}, {"kind": "morris", "n": 4}, "a.b", "levels = 4 needs exactly 4 values, not 3"),
    ({}, {}, "study.parameters", "no parameters"),
    ({"shocks.trust.": [1, 2]}, {}, "shocks.trust.", "is not a dotted configuration key"),
    (RANGES, {"kind": "latin", "n": 4.0}, "study.n", "must be an integer, not 4.0"),
    (RANGES, {"kind": "sobol"}, "study.n", "a sobol design needs n"),
    (RANGES, {"kind": "sobol", "n": 0}, "study.n", "must be in \\[1, 10000000\\], not 0"),
    (RANGES, {"kind": "morris", "n": 1}, "study.n", "must be in \\[2, 10000000\\]"),
    ({"a.b": [1, 2]}, {"n": 4}, "study.n", "a grid design has no n"),
    (RANGES, {"kind": "latin", "n": 4, "second_order": True}, "study.second_order", "applies to sobol"),
    (RANGES, {"kind": "sobol", "n": 4, "second_order": 1}, "study.second_order", "must be true or false, not 1"),
    (RANGES, {"kind": "sobol", "n": 4, "levels": 4}, "study.levels", "applies to morris"),
    (RANGES, {"kind": "latin", "n": 4, "seed": -1}, "study.seed", "in \\[0, 4294967295\\], not -1"),
    (RANGES, {"kind": "latin", "n": 4, "confidence": 1.0}, "study.confidence", "in \\(0, 1\\)"),
    (RANGES, {"kind": "sobol", "n": 4_000_000}, "study.n", "20000000 points exceed 10000000"),
    ({f"k{i}": {"from": 0, "to": 1, "steps": 100} for i in range(4)}, {}, "study.parameters", "exceed 10000000"),
]


@pytest.mark.parametrize("parameters, settings, key, message", BAD)
def test_bad_input_is_a_config_error_naming_the_parameter(parameters, settings, key, message):
    with pytest.raises(ConfigError, match=message) as e:
        design.make(parameters, **settings)
    assert e.value.key == key


@pytest.mark.parametrize(
    "text, key, message",
    [
        ('[study]\ndesign = "grid"\nn_points = 3\n[study.parameters]\n"a.b" = [1, 2]\n', "study.n_points", "unknown"),
        ('[study]\n[study.parameters]\n"a.b" = [1, 2]\n', "study.design", "missing"),
        ("[run]\ndyads = 3\n", "study", "needs a \\[study\\] table"),
        ('[study]\ndesign = "grid"\n[study.parameters]\n"a.b" = [1]\n[[points]]\nname = "x"\n', "points", "remove"),
        ('[study]\ndesign = "grid"\n[study.parameters]\n"a.b" = [1]\n[sweep]\n"c" = [1]\n', "sweep", "remove"),
    ],
)
def test_bad_study_tables_are_config_errors(text, key, message):
    with pytest.raises(ConfigError, match=message) as e:
        design.load_study(text)
    assert e.value.key == key


def test_a_sampling_design_without_salib_names_the_study_extra(monkeypatch):
    for name in [k for k in sys.modules if k == "SALib" or k.startswith("SALib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "SALib", None)  # `import SALib` raises ImportError
    with pytest.raises(ImportError, match=r'a latin design needs SALib.*pip install "learnrace\[study\]"'):
        design.make(RANGES, kind="latin", n=4)
    assert design.make({"a.b": [1, 2]}).n_points == 2  # a grid needs no SALib
