#!/usr/bin/env python3
"""Checks a learnrace run file with h5py (docs/output_schema.md): types, shapes, strings, and the
count identities every run satisfies. Run by the C++ test Hdf5RoundTrip.ReadableByH5py."""

import argparse
import sys

import h5py
import numpy as np


def as_str(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def fixed_string(v):
    """Strings are stored fixed-length (h5py reads them as bytes), never variable-length (h5py: str)."""
    return isinstance(v, bytes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--points", nargs="+", required=True)
    ap.add_argument("--slots", type=int, required=True)
    ap.add_argument("--periods", type=int, required=True)
    ap.add_argument("--dyads", type=int, required=True)
    ap.add_argument("--version", type=int, nargs=2, required=True)
    a = ap.parse_args()
    P, K, T = len(a.points), a.slots, a.periods
    problems = []

    def expect(ok, what):
        if not ok:
            problems.append(what)

    with h5py.File(a.path, "r") as f:
        at = f.attrs
        expect(fixed_string(at["filetype"]) and as_str(at["filetype"]) == "learnrace-run", "filetype")
        expect(list(at["version"]) == a.version, "version")
        for key in ("learnrace_version", "git_describe", "backend", "config_toml"):
            expect(fixed_string(at[key]), f"attribute {key} is not a fixed-length string: {type(at[key])}")
        expect(int(at["periods"]) == T, "periods")
        expect(int(at["dyads_per_point"]) == a.dyads, "dyads_per_point")
        expect("[[points]]" in as_str(at["config_toml"]), "config_toml text")
        expect(0 <= int(at["attributes_crc32"]) < 2**32, "attributes_crc32")
        datasets = []
        f.visititems(lambda name, obj: datasets.append(obj) if isinstance(obj, h5py.Dataset) else None)
        unchecked = [d.name for d in datasets if d.size and not d.fletcher32]
        expect(not unchecked, f"datasets without a Fletcher32 checksum: {unchecked}")
        vlen = [d.name for d in datasets if h5py.check_string_dtype(d.dtype) and d.dtype.kind == "O"]
        expect(not vlen, f"variable-length string datasets: {vlen}")

        names = [as_str(v) for v in f["points/name"][()]]
        expect(names == a.points, f"points/name {names}")
        expect([as_str(v) for v in f["meta/causes"][()]][2] == "race_won_by_A", "meta/causes")
        expect(
            len(f["meta/pair_states"]) == 25 and as_str(f["meta/pair_states"][23]) == "Collaboration/Competition",
            "meta/pair_states",
        )

        tr = f["counts/transitions"]
        expect(tr.shape == (P, 25, 25) and tr.dtype == np.uint64, f"transitions {tr.shape} {tr.dtype}")
        B = f["counts/transitions_by_bin"].shape[2]
        F = len(f["meta/factors"])
        expect(F == 7 and f["counts/transitions_by_bin"].shape == (P, F, B, 25, 25), "transitions_by_bin shape")
        expect(f["counts/occupancy"].shape == (P, T, 25), "occupancy shape")
        dur = f["outcomes/duration_by_cause"][()]
        expect(dur.shape == (P, 7, T + 1), "duration shape")
        mom = f["outcomes/moments"]
        expect(mom.shape == (P, 10, 2) and mom.dtype == np.int64 and int(mom.attrs["scale"]) == 2**20, "moments")
        expect(list(f["outcomes/asymmetry_hist"].attrs["range"]) == [-1.0, 1.0], "asymmetry_hist range")
        chunked = [n for n in ("counts/transitions", "counts/occupancy", "outcomes/duration_by_cause") if f[n].chunks]
        expect(len(chunked) == 3 and all(f[n].fletcher32 for n in chunked), "Fletcher32 on chunked datasets")
        dyads = f["outcomes/dyads_simulated"][()]
        expect(dyads.tolist() == [a.dyads] * P, f"dyads {dyads}")

        # Count identities: every live dyad-period in exactly one transition cell, per factor too;
        # durations sum to the dyad-periods; every dyad ends once.
        periods_lived = (dur * np.arange(T + 1)).sum(axis=(1, 2))
        expect((tr[()].sum(axis=(1, 2)) == periods_lived).all(), "transitions vs durations")
        byb = f["counts/transitions_by_bin"][()].sum(axis=(2, 3, 4))
        expect((byb == periods_lived[:, None]).all(), "transitions_by_bin per factor")
        expect((f["counts/occupancy"][()].sum(axis=(1, 2)) == periods_lived).all(), "occupancy")
        expect((dur.sum(axis=(1, 2)) == dyads).all(), "durations vs dyads")
        expect((dur[:, :, 0] == 0).all(), "duration index 0 unused")

        g = f["trajectories"]
        pair = g["pair"][()]
        expect(pair.shape == (P, K, T) and pair.dtype == np.uint8, "trajectories/pair")
        x = g["x_A"][()]
        expect(x.dtype == np.float32 and x.shape == (P, K, T), "trajectories/x_A")
        dead = pair == 255
        expect(((pair < 25) | dead).all(), "pair codes")
        expect(np.isnan(x[dead]).all() and not np.isnan(x[~dead]).any(), "NaN exactly after termination")
        dur_t = g["duration"][()]
        expect(dur_t.dtype == np.int32 and dur_t.shape == (P, K), "trajectories/duration")
        expect(((~dead).sum(axis=2) == dur_t).all(), "trajectory rows = durations")
        expect((g["dyad"][()] == np.arange(K, dtype=np.uint64) * 100).all(), "trajectory dyad ids")

    if problems:
        print("FAILED:", "; ".join(problems))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
