"""Plots and the curves behind them: Kaplan-Meier (vs R survfit and lifelines), exposure by
year, coefficient plots with hazard ratios, Cox baseline hazard and predicted adoption
(discrete-time predictions vs R predict.glm). Every plot is rendered to PNG."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import diffusion as d
from diffusion import CoxHazard, DiscreteTimeHazard, RiskSet, report
from diffusion.errors import DataError, GroupError, SpecificationError
from diffusion.time_terms import Dummies, Periods

from _reference import run_r_script

REF = Path(__file__).parent / "reference"
INPUTS = REF / "inputs"
R_SCRIPT = REF / "report_curves.R"
R_OUT = json.loads((REF / "outputs" / "report_curves.json").read_text())
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# ----------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def panel() -> RiskSet:
    rows = pd.read_csv(INPUTS / "report_rows.csv")
    spells = pd.read_csv(INPUTS / "report_membership.csv")
    return RiskSet.from_panel(rows, unit="unit", time="year", event="event", membership=spells)


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return pd.read_csv(INPUTS / "report_groups.csv")


@pytest.fixture(scope="module")
def profiles() -> pd.DataFrame:
    return pd.read_csv(INPUTS / "report_profiles.csv").set_index("profile")


@pytest.fixture(scope="module")
def world():
    return d.simulate.world(seed=4, n_units=60)


@pytest.fixture(scope="module")
def rs(world) -> RiskSet:
    return world.risk_set()


@pytest.fixture(scope="module")
def cox(rs):
    model = CoxHazard.from_formula("event ~ x1 + x2 + regional", rs)
    return model, model.fit()


@pytest.fixture(scope="module")
def cloglog(rs):
    model = DiscreteTimeHazard.from_formula("event ~ x1 + x2 + regional", rs, link="cloglog",
                                            time="cubic")
    return model, model.fit()


def _png(fig, path: Path) -> None:
    fig.savefig(path, dpi=60)
    assert path.read_bytes()[:8] == PNG_MAGIC


def _events_only(table: pd.DataFrame, group: str) -> pd.DataFrame:
    part = table[(table["group"] == group) & (table["n_events"] > 0)]
    return part.reset_index(drop=True)


# ------------------------------------------------------ Kaplan-Meier: values
def test_kaplan_meier_hand_computed_left_truncation():
    # window opens in 1900. A: member from 1900, adopts 1902. B: member since 1897 (left
    # truncated under origin="membership": first observed at d = 4), never adopts.
    # C: member from 1901, adopts 1904.
    ev = pd.DataFrame({"u": ["A", "C"], "t": [1902, 1904]})
    spells = pd.DataFrame({"u": ["A", "B", "C"], "start": [1900, 1897, 1901],
                           "end": [1910, 1910, 1910]})
    rs = RiskSet.from_events(ev, unit="u", time="t", membership=spells, start=1900, end=1905)
    entry = report.kaplan_meier_table(rs)
    # entry clock: A d=1..3 (event at 3), B d=1..6, C d=1..4 (event at 4)
    # S(3) = 1 - 1/3, S(4) = 2/3 * (1 - 1/2)
    ev3 = entry.set_index("duration")
    assert ev3.loc[3, "n_risk"] == 3 and ev3.loc[4, "n_risk"] == 2
    assert ev3.loc[3, "survival"] == pytest.approx(2 / 3, rel=1e-14)
    assert ev3.loc[4, "survival"] == pytest.approx(1 / 3, rel=1e-14)
    assert ev3.loc[6, "survival"] == pytest.approx(1 / 3, rel=1e-14)
    member = report.kaplan_meier_table(rs, origin="membership").set_index("duration")
    # membership clock: A d=1..3, B d=4..9 (1900-1905), C d=1..4: at d=3 only A and C are
    # at risk (B enters at 4), so S(3) = 1/2 and S(4) = 1/2 * (1 - 1/2)
    assert member.loc[3, "n_risk"] == 2 and member.loc[4, "n_risk"] == 2
    assert member.loc[3, "survival"] == pytest.approx(1 / 2, rel=1e-14)
    assert member.loc[4, "survival"] == pytest.approx(1 / 4, rel=1e-14)
    assert list(member.index) == list(range(1, 10))
    # Greenwood: Var(log S(4)) = 1/(2*1) + 1/(2*1) = 1; log-log interval at z = 1.959964
    z = 1.959963984540054
    s4 = 0.25
    assert member.loc[4, "lower"] == pytest.approx(s4 ** np.exp(z * 1.0 / abs(np.log(s4))))
    assert member.loc[4, "upper"] == pytest.approx(s4 ** np.exp(-z * 1.0 / abs(np.log(s4))))
    # before the first event the curve is 1 with a degenerate interval
    assert member.loc[1, ["survival", "lower", "upper"]].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("origin, key", [("entry", "km_entry"), ("membership", "km_membership")])
def test_kaplan_meier_equals_r_survfit(panel, origin, key):
    # survfit(Surv(d - 1, d, event) ~ 1, conf.type = "log-log"); only arithmetic on both
    # sides, so agreement to rounding (1e-12 relative)
    mine = _events_only(report.kaplan_meier_table(panel, origin=origin), "all")
    ref = R_OUT[key]["all"]
    np.testing.assert_array_equal(mine["duration"], ref["time"])
    np.testing.assert_array_equal(mine["n_risk"], ref["n_risk"])
    np.testing.assert_array_equal(mine["n_events"], ref["n_event"])
    for col, rcol in [("survival", "surv"), ("lower", "lower"), ("upper", "upper")]:
        np.testing.assert_allclose(mine[col], ref[rcol], rtol=1e-12, atol=1e-15)


def test_kaplan_meier_by_group_equals_r_survfit(panel, regions):
    table = report.kaplan_meier_table(panel, regions)
    ref = R_OUT["km_entry_region"]
    assert sorted(g for g in table["group"].unique() if g != "all") == sorted(ref)
    for g, values in ref.items():
        mine = _events_only(table, g)
        np.testing.assert_array_equal(mine["duration"], values["time"])
        np.testing.assert_array_equal(mine["n_risk"], values["n_risk"])
        np.testing.assert_allclose(mine["survival"], values["surv"], rtol=1e-12)
        # R leaves the interval undefined (NA) once S = 0; diffusion closes it at [0, 0]
        lower = np.array([np.nan if v is None else v for v in values["lower"]])
        defined = ~np.isnan(lower)
        np.testing.assert_allclose(mine["lower"][defined], lower[defined], rtol=1e-12, atol=1e-15)
        assert (mine["survival"][~defined] == 0).all() and (mine["lower"][~defined] == 0).all()


def test_kaplan_meier_equals_lifelines_with_entry(panel):
    from lifelines import KaplanMeierFitter

    # one lifelines subject per run of consecutive rows of a unit (a spell at risk); the
    # membership origin makes units already members in 1890 enter late (left truncation)
    frame = panel.frame
    first = pd.read_csv(INPUTS / "report_membership.csv").groupby("unit")["start"].min()
    frame["d"] = frame["year"] - frame["unit"].map(first) + 1
    run = (frame.groupby("unit")["year"].diff() != 1).cumsum()
    spells = frame.groupby(run).agg(first=("d", "min"), last=("d", "max"), event=("event", "max"))
    assert (spells["first"] > 1).sum() > 10  # left truncation is exercised
    assert frame["unit"].nunique() < len(spells)  # and re-entries after a gap
    # lifelines counts a subject at risk *at* its entry time (entry <= u); R and diffusion
    # use start < u <= stop. With whole-year durations, entry = first - 0.5 is the same
    # risk set as start = first - 1.
    kmf = KaplanMeierFitter(alpha=0.05).fit(spells["last"], spells["event"],
                                            entry=spells["first"] - 0.5)
    mine = _events_only(report.kaplan_meier_table(panel, origin="membership"), "all")
    times = mine["duration"].to_numpy(dtype=float)
    np.testing.assert_allclose(mine["survival"], kmf.survival_function_.loc[times].iloc[:, 0],
                               rtol=1e-10)
    ci = kmf.confidence_interval_.loc[times]
    np.testing.assert_allclose(mine["lower"], ci.iloc[:, 0], rtol=1e-8)
    np.testing.assert_allclose(mine["upper"], ci.iloc[:, 1], rtol=1e-8)


def test_kaplan_meier_reordering_rows_changes_nothing(panel):
    frame = panel.frame.sample(frac=1.0, random_state=3)
    spells = pd.read_csv(INPUTS / "report_membership.csv")
    shuffled = RiskSet.from_panel(frame, unit="unit", time="year", event="event",
                                  membership=spells)
    pd.testing.assert_frame_equal(report.kaplan_meier_table(shuffled),
                                  report.kaplan_meier_table(panel))


# ------------------------------------------------------- Kaplan-Meier: plots
def test_kaplan_meier_plot_png(rs, world, tmp_path):
    fig = report.kaplan_meier(rs, world.groups)
    n_groups = world.groups["region"].nunique()
    ax = fig.axes[0]
    assert len(ax.lines) == 1 + n_groups
    assert ax.get_legend().get_texts()[0].get_text() == "all units"
    assert len(ax.collections) == 1 + n_groups  # one confidence band per curve
    _png(fig, tmp_path / "km.png")
    fig = report.kaplan_meier(rs, world.groups, only=["R1"], kind="adoption", level=None)
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and len(ax.collections) == 0
    # adoption curves rise from 0
    assert ax.lines[0].get_ydata()[0] == 0.0 and ax.lines[0].get_ydata()[-1] > 0.3
    _png(fig, tmp_path / "km_adoption.png")


def test_kaplan_meier_bad_requests(rs, world):
    with pytest.raises(SpecificationError, match=r"'R9'.*do not exist.*'R0', 'R1'"):
        report.kaplan_meier(rs, world.groups, only=["R9"])
    with pytest.raises(SpecificationError, match="unknown origin"):
        report.kaplan_meier_table(rs, origin="birth")
    with pytest.raises(SpecificationError, match="unknown kind"):
        report.kaplan_meier(rs, kind="hazard")
    with pytest.raises(SpecificationError, match="level"):
        report.kaplan_meier_table(rs, level=95)
    with pytest.raises(GroupError, match="lacks"):
        report.kaplan_meier(rs, world.groups.iloc[5:])
    with pytest.raises(SpecificationError, match="pass the groups table"):
        report.kaplan_meier(rs, group="region")
    units_rs = RiskSet.from_events(pd.DataFrame({"u": ["A"], "t": [2001]}), unit="u", time="t",
                                   units=["A", "B"], start=2000, end=2005)
    with pytest.raises(SpecificationError, match="units="):
        report.kaplan_meier_table(units_rs, origin="membership")
    assert report.kaplan_meier_table(units_rs)["survival"].min() == pytest.approx(0.5)


# ----------------------------------------------------------- exposure by year
def test_exposure_over_time_table_by_hand():
    ev = pd.DataFrame({"u": ["A"], "t": [2002]})
    rs = RiskSet.from_events(ev, unit="u", time="t", units=["A", "B", "C"], start=2000,
                             end=2003)
    rs = rs.assign(expo=lambda f: np.where(f["u"] == "C", np.nan, f["t"] - 2000.0 + (f["u"] == "B")))
    table = report.exposure_over_time_table(rs, "expo")
    t2001 = table[(table["group"] == "all") & (table["t"] == 2001)].iloc[0]
    # 2001: A has 1, B has 2, C is missing
    assert (t2001["n"], t2001["n_missing"], t2001["mean"]) == (2, 1, 1.5)
    assert (t2001["q25"], t2001["median"], t2001["q75"]) == (1.25, 1.5, 1.75)
    groups = pd.DataFrame({"u": ["A", "B", "C"], "g": ["x", "y", "y"]})
    by = report.exposure_over_time_table(rs, "expo", groups)
    y2003 = by[(by["group"] == "y") & (by["t"] == 2003)].iloc[0]
    assert (y2003["n"], y2003["n_missing"], y2003["mean"]) == (1, 1, 4.0)
    assert not (by["group"] == "x").any() or by.loc[by["group"] == "x", "t"].max() == 2002


def test_exposure_over_time_plot_png(rs, world, tmp_path):
    fig = report.exposure_over_time(rs, "regional", world.groups, only=["R0", "R2"])
    ax = fig.axes[0]
    assert len(ax.lines) == 3 and len(ax.collections) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["all units at risk", "R0", "R2"]
    _png(fig, tmp_path / "exposure.png")
    # rows without a value are left out and counted in a caption
    holes = rs.assign(x1_obs=lambda f: f["x1"].where(f["year"] % 7 != 0))
    fig = report.exposure_over_time(holes, "x1_obs", band=False)
    missing = int((rs.frame["year"] % 7 == 0).sum())
    assert missing > 0
    assert any(f"{missing} row(s)" in t.get_text() for t in fig.texts)
    assert len(fig.axes[0].collections) == 0
    _png(fig, tmp_path / "exposure_x1.png")


def test_exposure_over_time_bad_requests(rs, world):
    with pytest.raises(SpecificationError, match="not in the risk set.*'regional'"):
        report.exposure_over_time(rs, "regionl")
    with pytest.raises(SpecificationError, match=r"'Europe'.*do not exist"):
        report.exposure_over_time(rs, "regional", world.groups, only=["Europe"])
    with pytest.raises(SpecificationError, match="not numeric"):
        report.exposure_over_time(rs.assign(label=lambda f: f["unit"]), "label")


# -------------------------------------------------------------- coefficients
def test_coefficient_plot_cox_and_hazard_ratios(cox, cloglog, tmp_path):
    (_, cres), (_, dres) = cox, cloglog
    fig = report.coefficient_plot([dres, cres], labels=["cloglog", "Cox"], stat="exp",
                                  term_labels={"regional": "Regional share"})
    ax = fig.axes[0]
    assert len(ax.containers) == 2
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x1", "x2", "Regional share"]
    assert ax.get_xscale() == "log"
    assert "hazard ratio" in ax.get_xlabel()
    # the marker of Cox's regional term sits at its hazard ratio
    cox_x = ax.containers[1].lines[0].get_xdata()
    np.testing.assert_allclose(cox_x, np.exp(cres.params.to_numpy()))
    _png(fig, tmp_path / "coef_hr.png")
    fig = report.coefficient_plot(cres)  # Cox has no intercept to drop: still fine
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["x1", "x2", "regional"]
    _png(fig, tmp_path / "coef.png")


def test_coefficient_plot_refusals(rs, cloglog):
    probit = DiscreteTimeHazard(rs, covariates=["x2"], link="probit").fit()
    with pytest.raises(SpecificationError, match="probit"):
        report.coefficient_plot(probit, stat="exp")
    with pytest.raises(SpecificationError, match="labels"):
        report.coefficient_plot([cloglog[1], probit], labels=["one"])
    with pytest.raises(SpecificationError, match="not HazardResults"):
        report.coefficient_plot([cloglog[0]])
    with pytest.raises(SpecificationError, match="empty"):
        report.coefficient_plot([])
    with pytest.raises(SpecificationError, match="unknown stat"):
        report.coefficient_plot(probit, stat="odds")
    with pytest.raises(SpecificationError, match="term_labels"):
        report.coefficient_plot(probit, term_labels={"nope": "x"})


# ------------------------------------------------------------ baseline hazard
def test_baseline_hazard_plot_png(cox, tmp_path):
    model, res = cox
    table = report.baseline_hazard_table(res)
    pd.testing.assert_frame_equal(table, model.baseline_hazard(res))
    fig = report.baseline_hazard(res)
    line = fig.axes[0].lines[0]
    assert len(fig.axes[0].lines) == 1
    # the step starts at 0 and ends at the last cumulative hazard
    assert line.get_ydata()[0] == 0 and line.get_ydata()[-1] == pytest.approx(
        table["cumulative_hazard"].iloc[-1])
    _png(fig, tmp_path / "baseline.png")
    for kind in ("survival", "hazard"):
        _png(report.baseline_hazard(res, kind=kind), tmp_path / f"baseline_{kind}.png")


def test_baseline_hazard_strata_and_refusals(rs, cloglog, tmp_path):
    frame = rs.frame
    frame["bloc"] = np.where(frame["unit"].str[-1].astype(int) % 2 == 0, "even", "odd")
    rs_bloc = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    res = CoxHazard.from_formula("event ~ x1 + x2", rs_bloc, strata="bloc").fit()
    fig = report.baseline_hazard(res)
    assert len(fig.axes[0].lines) == 2
    assert fig.axes[0].get_legend().get_title().get_text() == "bloc"
    _png(fig, tmp_path / "baseline_strata.png")
    assert len(report.baseline_hazard(res, only=["odd"]).axes[0].lines) == 1
    with pytest.raises(SpecificationError, match=r"stratum\(s\) 'north'.*'even', 'odd'"):
        report.baseline_hazard(res, only=["north"])
    with pytest.raises(SpecificationError, match="has none"):
        report.baseline_hazard(CoxHazard(rs, covariates=["x1"]).fit(), only=["a"])
    with pytest.raises(SpecificationError, match="Cox result"):
        report.baseline_hazard(cloglog[1])


# --------------------------------------------------------- predicted adoption
@pytest.mark.parametrize("case", ["predict_cloglog_cubic", "predict_logit_periods"])
def test_discrete_time_predictions_equal_r(panel, profiles, case):
    if case == "predict_cloglog_cubic":
        model = DiscreteTimeHazard.from_formula("event ~ x1 + x2 + regional", panel,
                                                link="cloglog", time="cubic")
    else:
        model = DiscreteTimeHazard.from_formula("event ~ x1 + x2 + regional", panel,
                                                link="logit", time=Periods([1930, 1960]))
    res = model.fit(cov_type="classic")
    ref = R_OUT[case]
    # the fits agree first (R glm epsilon 1e-14; diffusion's IRLS + Newton to gtol)
    r_coef = np.array(list(ref["coef"].values()))
    np.testing.assert_allclose(res.params.to_numpy(), r_coef, rtol=1e-6, atol=1e-9)
    table = report.predicted_adoption_table(model, res, profiles)
    for name, values in ref["profiles"].items():
        part = table[table["profile"] == name]
        np.testing.assert_array_equal(part["time"], values["time"])
        # hazards inherit the ~1e-8 relative agreement of the coefficients
        np.testing.assert_allclose(part["hazard"], values["hazard"], rtol=1e-6)
        np.testing.assert_allclose(part["adoption"], values["adoption"], rtol=1e-6)
        np.testing.assert_allclose(part["survival"], 1 - np.asarray(values["adoption"]),
                                   rtol=1e-6)


def test_discrete_time_prediction_by_hand_without_time_terms(rs):
    model = DiscreteTimeHazard(rs, covariates=["x2"], link="logit")
    res = model.fit()
    b0, b1 = res.params["Intercept"], res.params["x2"]
    table = report.predicted_adoption_table(model, res, pd.DataFrame({"x2": [1.0]}),
                                            since=2000)
    h = 1 / (1 + np.exp(-(b0 + b1)))
    assert table["time"].tolist() == list(range(2000, rs.end + 1))
    np.testing.assert_allclose(table["hazard"], h, rtol=1e-12)
    k = np.arange(1, len(table) + 1)
    np.testing.assert_allclose(table["adoption"], 1 - (1 - h) ** k, rtol=1e-10)


def test_dropped_time_dummies_predict_zero_hazard():
    # 2002 has rows but no event: Dummies(empty="drop") drops it; its hazard is 0
    ev = pd.DataFrame({"u": ["A", "B", "C", "D"], "t": [2001, 2003, 2003, 2001]})
    rs = RiskSet.from_events(ev, unit="u", time="t", units=list("ABCDEFGH"), start=2001,
                             end=2003)
    rs = rs.assign(x=lambda f: (f["u"] < "E").astype(float) + 0.1 * (f["u"] == "B"))
    model = DiscreteTimeHazard(rs, covariates=["x"], link="logit", time=Dummies(empty="drop"))
    res = model.fit()
    table = report.predicted_adoption_table(model, res, pd.DataFrame({"x": [0.0]}))
    assert table["time"].tolist() == [2001, 2002, 2003]
    assert table["hazard"].iloc[1] == 0.0 and table["hazard"].iloc[2] > 0
    assert table["survival"].iloc[1] == table["survival"].iloc[0]


def test_predicted_adoption_plots_png(cox, cloglog, tmp_path):
    profiles = pd.DataFrame({"x1": [0.0, 0.0, 0.0], "x2": [0.0, 1.0, 0.0],
                             "regional": [0.0, 0.0, 0.5]}, index=["base", "x2", "regional"])
    for name, (model, res) in {"cox": cox, "cloglog": cloglog}.items():
        fig = report.predicted_adoption(model, res, profiles)
        ax = fig.axes[0]
        assert len(ax.lines) == 3
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["base", "x2", "regional"]
        y = ax.lines[2].get_ydata()
        assert np.all(np.diff(y) >= -1e-15) and 0 < y[-1] < 1  # a probability, rising
        _png(fig, tmp_path / f"predicted_{name}.png")
    # Cox: the plot's adoption equals CoxHazard.predict (validated against R survfit)
    model, res = cox
    ref = model.predict(res, profiles, since=1950)
    fig = report.predicted_adoption(model, res, profiles, since=1950)
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(),
                               ref.loc[ref["profile"] == "x2", "adoption"])
    hazard = report.predicted_adoption(*cloglog, profiles, kind="hazard")
    assert hazard.axes[0].get_ylabel().startswith("hazard")


def test_predicted_adoption_refusals(rs, cox, cloglog):
    model, res = cloglog
    good = pd.DataFrame({"x1": [0.0], "x2": [0.0], "regional": [0.0]})
    with pytest.raises(DataError, match="lack the covariate column"):
        report.predicted_adoption(model, res, good.drop(columns="x2"))
    with pytest.raises(DataError, match="missing values"):
        report.predicted_adoption(model, res, good.assign(x1=np.nan))
    with pytest.raises(SpecificationError, match="not produced by"):
        report.predicted_adoption(model, cox[1], good)
    with pytest.raises(SpecificationError, match="CoxHazard or DiscreteTimeHazard"):
        report.predicted_adoption(d.WeibullHazard, res, good)
    with pytest.raises(SpecificationError, match="outside"):
        report.predicted_adoption(model, res, good, since=500)
    with pytest.raises(SpecificationError, match="unknown kind"):
        report.predicted_adoption(model, res, good, kind="odds")
    with pytest.raises(SpecificationError, match="unique"):
        report.predicted_adoption(model, res, pd.concat([good, good]))
    other = DiscreteTimeHazard.from_formula("event ~ x1 + x2 + regional", rs, link="cloglog",
                                            time="cubic")
    # same specification on the same risk set: the result is accepted
    assert len(report.predicted_adoption_table(other, res, good)) > 10


# ------------------------------------------------------------------ fixtures
@pytest.mark.r
def test_r_script_reproduces_fixture(tmp_path):
    run_r_script(R_SCRIPT, INPUTS, tmp_path)
    new = json.loads((tmp_path / "report_curves.json").read_text())
    assert new.keys() == R_OUT.keys()
    for key in ("km_entry", "km_membership"):
        np.testing.assert_allclose(new[key]["all"]["surv"], R_OUT[key]["all"]["surv"], rtol=1e-9)
    for case in ("predict_cloglog_cubic", "predict_logit_periods"):
        for name, values in R_OUT[case]["profiles"].items():
            np.testing.assert_allclose(new[case]["profiles"][name]["hazard"], values["hazard"],
                                       rtol=1e-9)
