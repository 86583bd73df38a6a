"""The output schema registry (_core.output_schema): the Python reader, Results, labels and docs/output_schema.md
follow it, and each concept has one name."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import learnrace
from learnrace import _core, _schema_doc, labels
from learnrace._sources import schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "output_schema.md"


def shape_of(text: str, sizes: dict) -> tuple:
    """The registry's shape text ("[P,7,T+1]") with a run's axis sizes."""
    out = []
    for token in filter(None, text.strip("[]").split(",")):
        symbol, _, plus = token.partition("+")
        out.append(int(token) if token.isdigit() else sizes[symbol] + int(plus or 0))
    return tuple(out)


def test_the_document_is_generated_from_the_registry():
    text = DOC.read_text(encoding="utf-8")
    assert _schema_doc.generated_block(text) == _schema_doc.render(), (
        "docs/output_schema.md is stale: python -m learnrace._schema_doc docs/output_schema.md"
    )


def test_the_document_lists_exactly_the_registrys_datasets_and_attributes():
    block = _schema_doc.generated_block(DOC.read_text(encoding="utf-8"))
    s = schema()
    sections = {}
    for title, body in re.findall(r"### (.+?)\n\n(.*?)(?=\n### |\Z)", block, flags=re.S):
        sections[title] = [re.match(r"\| `([^`]+)`", row).group(1) for row in body.splitlines()[2:] if row.strip()]
    assert sections["`/counts`"] + sections["`/outcomes`"] == [c["name"] for c in s["count_sections"]]
    assert sections["`/trajectories`"] == [t["name"] for t in s["trajectory_fields"]]
    assert sections["Root attributes"] == [a["name"] for a in s["root_attributes"]]
    assert sections["`/meta`"] == [m["name"] for m in s["meta"]]
    assert sections["Axes"] == [a["name"] for a in s["axes"]]


def test_exported_name_lists_are_the_registrys():
    s = schema()
    assert list(_core.section_names) == [c["name"] for c in s["count_sections"]]
    assert list(_core.trajectory_names) == [t["name"] for t in s["trajectory_fields"]]
    assert tuple(s["version"]) == (4, 0)


def test_results_expose_every_registry_dataset_with_its_shape_and_dtype(small_results):
    r = small_results
    sizes = {"P": r.n_points, "T": r.periods, "B": r.transitions_by_bin.shape[2], "H": r.asymmetry_hist.shape[1],
             "K": r.trajectories["pair"].shape[1]}  # fmt: skip
    for spec in schema()["count_sections"]:
        a = getattr(r, spec["name"])
        assert a.dtype == np.dtype(spec["dtype"]), spec["name"]
        assert a.shape == shape_of(spec["shape"], sizes), spec["name"]
        assert spec["doc"] in type(r).__dict__[spec["name"]].__doc__
    assert list(r.trajectories) == [t["name"] for t in schema()["trajectory_fields"]]
    for spec in schema()["trajectory_fields"]:
        a = r.trajectories[spec["name"]]
        assert a.dtype == np.dtype(spec["dtype"]) and a.shape == shape_of(spec["shape"], sizes)


def test_labels_are_the_registrys_meta_axes():
    meta = {m["name"]: tuple(m["values"]) for m in schema()["meta"]}
    assert labels.CAUSES == meta["causes"] and labels.MOMENTS == meta["moments"]
    assert labels.FACTORS == meta["factors"] and labels.INTENTS == meta["intents"]
    assert labels.STRATEGY_CODES == meta["strategy_codes"] and labels.PAIR_NAMES == meta["pair_states"]


# ------------------------------------------------------------------------------------------------ one name per concept
def test_the_period_axis_is_period_and_a_lifetime_is_duration(small_results):
    axes = {a["name"] for a in schema()["axes"]}
    assert {"period", "duration"} <= axes and not axes & {"time", "length"}
    ds = small_results.to_xarray()
    assert not set(ds.dims) & {"time", "length"}
    assert ds["duration_by_cause"].dims == ("point", "cause", "duration")
    assert ds["occupancy"].dims == ("point", "period", "pair_state")
    km = learnrace.survival(small_results)
    assert km.index.name == "duration"
    summary = small_results.summary()
    assert not [c for c in summary.columns if c.startswith("time")]
    assert "period_share_integration" in summary.columns and "dyads_simulated" in summary.columns


def test_counts_and_records_have_different_names(small_results):
    # dyads_simulated is the count [P]; sampled_dyads the records of the trajectory sample.
    assert small_results.dyads_simulated.shape == (1,)
    records = small_results.to_pandas("sampled_dyads")
    assert isinstance(records, pd.DataFrame) and {"dyad", "cause", "duration"} <= set(records.columns)
    assert not hasattr(small_results, "dyads")
    with pytest.raises(ValueError, match="unknown frame 'dyads'"):
        small_results.to_pandas("dyads")


def test_to_pandas_returns_one_frame(small_results):
    with pytest.raises(TypeError):
        small_results.to_pandas()  # a dict of frames is `frames()`
    assert isinstance(small_results.to_pandas("transitions"), pd.DataFrame)


def test_moderators_are_named_in_full():
    assert labels.MODERATORS == ("trust", "stakes", "orientation", "relation")
    assert [labels.MODERATOR_LABELS[m] for m in labels.MODERATORS] == ["T", "S", "L", "R"]
    from learnrace.propositions.clauses import CLAUSES

    named = {m for c in CLAUSES for m in c.named}
    assert named and named <= set(labels.MODERATORS)
