"""Network thresholds, adopter categories, infectiousness and susceptibility: tiny
hand-computed cases, bad input, and the comparison with R netdiffuseR 1.22.4
(tests/reference/thresholds.R -> outputs/thresholds.json)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, run_r_script
from hypothesis import given, settings
from hypothesis import strategies as st

from diffusion import RiskSet
from diffusion.errors import DiffusionError, SpecificationError
from diffusion.exposure import network, thresholds, world_share
from diffusion.exposure.thresholds import THRESHOLD_CLASSES, TIME_CLASSES

R_OUT = json.loads((OUTPUTS / "thresholds.json").read_text())
# R's statistics divide by (denominator + 1e-15): a relative difference of ~1e-14 on
# these small counts; R's exposures and cutoffs are exact. Tolerance 1e-12.
RTOL = 1e-12


def _chain():
    """a -> b -> c, d -> c (source -> target). a adopts in 1, b in 2, c in 3, d never."""
    ties = pd.DataFrame({"source": ["a", "b", "d"], "target": ["b", "c", "c"]})
    ev = pd.DataFrame({"unit": ["a", "b", "c"], "year": [1, 2, 3]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", units=list("abcd"), start=1, end=3)
    return rs, network(ties)


def test_hand_computed_chain():
    rs, net = _chain()
    res = thresholds(rs, net)
    thr = res.table.set_index("unit")["threshold"]
    # a has no source (0); b's only source a adopted in 1 <= 2 (1); c: b adopted, d not (1/2)
    assert thr.to_dict() == {"a": 0.0, "b": 1.0, "c": 0.5}
    lag1 = thresholds(rs, net, lags=1).table.set_index("unit")["threshold"]
    assert np.isnan(lag1["a"]) and lag1["b"] == 1.0 and lag1["c"] == 0.5
    u = res.units.set_index("unit")
    # infectiousness of a: its only target b adopts in 2 (1 of 1 later adopter), one unit
    # adopts in 2 -> 1 / 1; b: c adopts in 3 -> 1; c adopts last -> 0; d never -> NaN
    assert u["infectiousness"].tolist()[:3] == [1.0, 1.0, 0.0]
    assert np.isnan(u.loc["d", "infectiousness"])
    # susceptibility of c: sources b (adopted in 2 = t - 1) and d (never): 1 / 1, one adopter
    assert u.loc["c", "susceptibility"] == 1.0 and u.loc["a", "susceptibility"] == 0.0
    # classes: toa 1, 2, 3 -> mean 2, sd 1: cut (1, 2, 3), left-closed
    assert res.cutoffs["time"] == pytest.approx((1.0, 2.0, 3.0))
    assert list(res.table["time_class"]) == ["Early Majority", "Late Majority", "Laggards"]
    assert res.n_adopters == 3 and res.n_units == 4


def test_discounted_window_by_hand():
    """Susceptibility of e with K = 2: sources d (adopted 3) and c (adopted 2); e adopts 4.
    k=1: d at 3 -> num 1, den 1 (c, d adopted by 3: 2); k=2 (w=2): c at 2 -> num 1/2,
    den (c) 1/2. n adopting: in 3 one (d), in 2 one (c) -> 1 + 1/2."""
    ties = pd.DataFrame({"source": ["d", "c", "a"], "target": ["e", "e", "d"]})
    ev = pd.DataFrame({"unit": list("acde"), "year": [1, 2, 3, 4]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", units=list("acde"), start=1, end=4)
    s = thresholds(rs, network(ties), window=2).units.set_index("unit")["susceptibility"]
    assert s["e"] == pytest.approx((1 + 0.5) / (2 + 0.5) / 1.5, rel=1e-14)
    e = thresholds(rs, network(ties), window=2, discount="exponential", rate=1.0)
    # w_2 = (1 + 1)^1 = 2: the same as linear here
    assert e.units.set_index("unit").loc["e", "susceptibility"] == pytest.approx(s["e"])


def test_bad_input():
    rs, net = _chain()
    with pytest.raises(SpecificationError, match="thresholds need a network"):
        thresholds(rs, world_share())
    with pytest.raises(DiffusionError, match="need a network"):
        thresholds(rs, None)
    with pytest.raises(SpecificationError, match="lags"):
        thresholds(rs, net, lags=-1)
    with pytest.raises(SpecificationError, match="window"):
        thresholds(rs, net, window=0)
    with pytest.raises(SpecificationError, match="discount"):
        thresholds(rs, net, discount="hyperbolic")
    with pytest.raises(SpecificationError, match="rate"):
        thresholds(rs, net, discount="exponential", rate=float("nan"))
    with pytest.raises(SpecificationError, match="normalize"):
        thresholds(rs, net, normalize=1)


def test_window_clipped_is_noted():
    rs, net = _chain()
    res = thresholds(rs, net, window=5)
    assert res.window == 2 and "window_clipped" in {n.kind for n in res.notes}


# ------------------------------------------------------------------ R netdiffuseR
def _medinnov():
    doctors = pd.read_csv(INPUTS / "equivalence_doctors.csv")
    ties = pd.read_csv(INPUTS / "equivalence_ties.csv").drop_duplicates()
    rs = RiskSet.from_events(doctors, unit="doctor", time="toa", units=doctors["doctor"],
                             start=1, end=18)
    return rs, network(ties, source="alter", target="ego")


def _tiny():
    tiny = pd.read_csv(INPUTS / "thresholds_tiny.csv")
    ties = pd.read_csv(INPUTS / "thresholds_tiny_ties.csv")
    rs = RiskSet.from_events(tiny.dropna(), unit="unit", time="toa", units=tiny["unit"],
                             start=1, end=5)
    return rs, network(ties, source="alter", target="ego")


def _tiny_dynamic():
    tiny = pd.read_csv(INPUTS / "thresholds_tiny.csv")
    ties = pd.read_csv(INPUTS / "thresholds_tiny_dynamic.csv")
    rs = RiskSet.from_events(tiny.dropna(), unit="unit", time="toa", units=tiny["unit"],
                             start=1, end=5)
    return rs, network(ties, source="alter", target="ego", time="period")


CASES = {"medinnov": _medinnov, "tiny": _tiny, "tiny_dynamic": _tiny_dynamic}
STATS = {"": {}, "_k3": {"window": 3},
         "_k3_exp": {"window": 3, "discount": "exponential", "rate": 0.5},
         "_raw": {"normalize": False}}


def _by_node(frame, case, column):
    unit = frame.columns[0]
    return frame.set_index(unit).reindex(R_OUT[case]["nodes"])[column].to_numpy(float)


def _r(case, key):
    return np.array([np.nan if v is None else v for v in R_OUT[case][key]], dtype=float)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lags,key", [(0, "threshold"), (1, "threshold_lag1")])
def test_thresholds_equal_netdiffuser(case, lags, key):
    rs, net = CASES[case]()
    res = thresholds(rs, net, lags=lags)
    np.testing.assert_allclose(_by_node(res.table, case, "threshold"), _r(case, key),
                               rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("case", CASES)
def test_classes_equal_netdiffuser(case):
    res = thresholds(*CASES[case]())
    for ours, key, cut in (("time_class", "class_toa", "time"),
                           ("threshold_class", "class_thr", "threshold")):
        codes = res.table.set_index(res.table.columns[0])[ours].cat.codes
        got = codes.reindex(R_OUT[case]["nodes"]).fillna(-1).to_numpy(int)
        np.testing.assert_array_equal(got, np.array(R_OUT[case][key]))
        np.testing.assert_allclose(res.cutoffs[cut], R_OUT[case][f"cutoffs_{key[6:]}"],
                                   rtol=1e-14)
    assert list(res.table["time_class"].cat.categories) == list(TIME_CLASSES)
    assert list(res.table["threshold_class"].cat.categories) == list(THRESHOLD_CLASSES)


@pytest.mark.parametrize("suffix", STATS)
def test_medinnov_infection_susceptibility_equal_netdiffuser(suffix):
    rs, net = _medinnov()
    res = thresholds(rs, net, **STATS[suffix])
    for ours, key in (("infectiousness", "infection"), ("susceptibility", "susceptibility")):
        np.testing.assert_allclose(_by_node(res.units, "medinnov", ours),
                                   _r("medinnov", key + suffix), rtol=RTOL, atol=1e-15)


def _replay_r_quirk(case, kw):
    """Our kernel with the non-adopters coded as R's C++ sees them (NA cast to INT_MIN)."""
    from scipy import sparse

    from diffusion.exposure.thresholds import _contagion

    tiny = pd.read_csv(INPUTS / "thresholds_tiny.csv")
    pos = {u: i for i, u in enumerate(tiny["unit"])}
    if case == "tiny":
        ties = pd.read_csv(INPUTS / "thresholds_tiny_ties.csv").assign(period=0)
    else:
        ties = pd.read_csv(INPUTS / "thresholds_tiny_dynamic.csv")
    mats = []
    for p in range(1, 6):
        part = ties[ties["period"].isin([0, p])]
        mats.append(sparse.csr_matrix((np.ones(len(part)), (part["ego"].map(pos),
                                                            part["alter"].map(pos))),
                                      shape=(8, 8)))
    toa = tiny["toa"].fillna(-(2.0 ** 31)).to_numpy(float)
    k = np.arange(1, kw.get("window", 1) + 1, dtype=float)
    disc = k if kw.get("discount", "linear") == "linear" else 1.5 ** (k - 1)
    out = _contagion(mats, toa, 5, len(k), disc, kw.get("normalize", True), forward=False)
    return np.where(tiny["toa"].isna(), np.nan, out)


@pytest.mark.parametrize("case", ["tiny", "tiny_dynamic"])
@pytest.mark.parametrize("suffix", STATS)
def test_tiny_infection_equal_and_susceptibility_explained(case, suffix):
    """Infectiousness equals R. Susceptibility equals R for units without a non-adopting
    source; for the others R counts the non-adopters f, h as early adopters in the
    denominator (its C++ casts NA to INT_MIN): coding them so reproduces R exactly."""
    rs, net = CASES[case]()
    res = thresholds(rs, net, **STATS[suffix])
    np.testing.assert_allclose(_by_node(res.units, case, "infectiousness"),
                               _r(case, "infection" + suffix), rtol=RTOL, atol=1e-15)
    ours = _by_node(res.units, case, "susceptibility")
    ref = _r(case, "susceptibility" + suffix)
    nodes = R_OUT[case]["nodes"]
    clean = [nodes.index(u) for u in "abc"]
    np.testing.assert_allclose(ours[clean], ref[clean], rtol=RTOL)
    np.testing.assert_allclose(_replay_r_quirk(case, STATS[suffix]), ref, rtol=RTOL,
                               atol=1e-15)
    if case == "tiny":
        assert not np.allclose(ours[[3, 4, 6]], ref[[3, 4, 6]])
    # d names b, c, f; in K = 1 R's ratio is 2 / 3 (b, c of b, c, f), ours 2 / 2
    if (case, suffix) == ("tiny", ""):
        assert ours[3] == pytest.approx(0.5) and ref[3] == pytest.approx(2 / 3 / 2, rel=RTOL)
        assert ours[4] == pytest.approx(0.5) and ref[4] == pytest.approx(1 / 3, rel=RTOL)


@pytest.mark.r
def test_r_script_reproduces_fixtures(tmp_path):
    run_r_script(REF / "thresholds.R", INPUTS, tmp_path)
    new = json.loads((tmp_path / "thresholds.json").read_text())
    for case in ("medinnov", "tiny", "tiny_dynamic"):
        for key, value in R_OUT[case].items():
            if key == "nodes":
                assert new[case][key] == value
                continue
            a = np.array([np.nan if v is None else v for v in new[case][key]], dtype=float)
            np.testing.assert_allclose(a, _r(case, key), rtol=1e-12)


def test_isolated_adopters_are_noted():
    ties = pd.DataFrame({"source": ["a"], "target": ["b"]})
    ev = pd.DataFrame({"unit": ["a", "b", "c"], "year": [1, 2, 2]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", units=list("abc"), start=1, end=2)
    res = thresholds(rs, network(ties))
    assert res.table.set_index("unit")["threshold"].to_dict() == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert {n.kind: n.count for n in res.notes}["threshold_no_sources"] == 2


def test_threshold_plot():
    from diffusion.report import threshold_plot

    rs, net = _chain()
    res = thresholds(rs, net, lags=1)
    fig = threshold_plot(res, labels=True)
    ax = fig.axes[0]
    assert len(ax.collections[0].get_offsets()) == 2  # a has no threshold at lag 1
    assert "1 adopter(s) without a threshold" in fig.texts[0].get_text()
    # three vertical and three horizontal cut-off lines
    assert len(ax.lines) == 6
    with pytest.raises(SpecificationError, match="thresholds"):
        threshold_plot(rs)


def test_valued_medinnov_equal_netdiffuser():
    """Weighted ties (a colleague named in k networks weighs k): the threshold equals
    threshold(valued = TRUE); infectiousness and susceptibility ignore weights, as R's
    (its valued = TRUE values equal the 0/1 ones)."""
    doctors = pd.read_csv(INPUTS / "equivalence_doctors.csv")
    ties = pd.read_csv(INPUTS / "equivalence_ties.csv")
    weighted = ties.groupby(["ego", "alter"]).size().rename("w").reset_index()
    rs = RiskSet.from_events(doctors, unit="doctor", time="toa", units=doctors["doctor"],
                             start=1, end=18)
    net = network(weighted, source="alter", target="ego", weight="w")
    res = thresholds(rs, net)
    np.testing.assert_allclose(_by_node(res.table, "medinnov", "threshold"),
                               _r("medinnov", "threshold_valued"), rtol=RTOL, atol=1e-15)
    assert not np.allclose(_r("medinnov", "threshold_valued"), _r("medinnov", "threshold"))
    k3 = thresholds(rs, net, window=3)
    for ours, key in (("infectiousness", "infection"), ("susceptibility", "susceptibility")):
        np.testing.assert_allclose(_by_node(res.units, "medinnov", ours),
                                   _r("medinnov", key + "_valued"), rtol=RTOL, atol=1e-15)
        np.testing.assert_allclose(_by_node(k3.units, "medinnov", ours),
                                   _r("medinnov", key + "_valued_k3"), rtol=RTOL, atol=1e-15)


def test_invariances_and_input_untouched():
    """Reordering ties and events changes nothing; thresholds lie in [0, 1]; the inputs
    are not modified."""
    rs, net = _medinnov()
    base = thresholds(rs, net)
    ties = pd.read_csv(INPUTS / "equivalence_ties.csv").drop_duplicates()
    shuffled = ties.sample(frac=1.0, random_state=4)
    copy = shuffled.copy()
    again = thresholds(rs, network(shuffled, source="alter", target="ego"))
    pd.testing.assert_frame_equal(shuffled, copy)
    pd.testing.assert_frame_equal(base.table, again.table)
    pd.testing.assert_frame_equal(base.units, again.units)
    assert base.table["threshold"].between(0, 1).all()
    # a self-nomination changes nothing (and is noted)
    loops = pd.concat([ties, pd.DataFrame({"ego": ["1-001"], "alter": ["1-001"]})])
    with_loop = thresholds(rs, network(loops, source="alter", target="ego"))
    pd.testing.assert_frame_equal(base.table, with_loop.table)
    assert "network_self_loops" in {n.kind for n in with_loop.notes}


def test_adopters_before_window_are_sources_only():
    """c adopted in 0, before the window 1..3: no threshold and no statistics, but it
    counts as an adopted source of b (threshold 1) and in b's susceptibility."""
    ties = pd.DataFrame({"source": ["c", "a"], "target": ["b", "b"]})
    spells = pd.DataFrame({"unit": list("abc"), "start": [0, 0, 0], "end": [3, 3, 3]})
    ev = pd.DataFrame({"unit": ["c", "a", "b"], "year": [0, 1, 2]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", membership=spells, start=1,
                             end=3)
    res = thresholds(rs, network(ties))
    assert res.table.set_index("unit")["threshold"].to_dict() == {"a": 0.0, "b": 1.0}
    assert "adopted_before_window" in {n.kind for n in res.notes}
    u = res.units.set_index("unit")
    assert np.isnan(u.loc["c", "susceptibility"])
    # b: sources a (adopted in 1 = t - 1) and c (adopted before): 1 / 2, one adopter in 1
    assert u.loc["b", "susceptibility"] == pytest.approx(0.5)


def test_yearly_ties_outside_window_are_noted():
    rs, _ = _chain()
    ties = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "b", "c"],
                         "year": [2, 9, 3]})
    res = thresholds(rs, network(ties, time="year"))
    assert {n.kind: n.count for n in res.notes}["network_ties_outside_window"] == 1
    # b reads the ties of 2 (a -> b): 1; c the ties of 3 (b -> c): 1; a none: 0
    assert res.table["threshold"].tolist() == [0.0, 1.0, 1.0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=20),
       st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=7, max_size=7),
       st.integers(1, 3))
def test_properties(pairs, times, window):
    """Values lie in [0, 1]; renaming the units permutes the results and changes nothing
    else."""
    units = [f"u{i}" for i in range(7)]
    ties = pd.DataFrame([(units[a], units[b]) for a, b in pairs],
                        columns=["source", "target"]).drop_duplicates()
    ev = pd.DataFrame([(u, t) for u, t in zip(units, times) if t is not None],
                      columns=["unit", "year"])
    if ev.empty:
        return
    rs = RiskSet.from_events(ev, unit="unit", time="year", units=units, start=1, end=5)
    res = thresholds(rs, network(ties), window=window)
    assert res.table["threshold"].between(0, 1).all()
    raw = thresholds(rs, network(ties), window=window, normalize=False).units
    for col in ("infectiousness", "susceptibility"):
        assert raw[col].dropna().between(0, 1 + 1e-12).all()
        assert res.units[col].dropna().between(0, 1 + 1e-12).all()
    rename = {u: f"z{6 - i}" for i, u in enumerate(units)}
    rs2 = RiskSet.from_events(ev.replace({"unit": rename}), unit="unit", time="year",
                              units=[rename[u] for u in units], start=1, end=5)
    res2 = thresholds(rs2, network(ties.replace(rename)), window=window)
    a = res.units.assign(unit=res.units["unit"].map(rename)).set_index("unit").sort_index()
    b = res2.units.set_index("unit").sort_index()
    pd.testing.assert_frame_equal(a, b)
