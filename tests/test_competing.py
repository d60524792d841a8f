"""Competing risks: outcome column, cause-specific risk sets, Fine-Gray, cumulative incidence.

Reference values: ``tests/reference/competing.R`` (R ``cmprsk::crr``, ``cuminc``,
``survival::finegray`` + ``coxph``, ``survfit`` multi-state) on
``inputs/competing_sim.csv`` (written by ``competing_make_inputs.py``), stored in
``outputs/competing_sim.json`` at 17 digits.

Tolerances
----------
* Fine-Gray coefficients and every covariance entry against crr (run with
  ``gtol = 1e-12``) and against coxph on crr's weights: ``1e-6`` absolute (both solve the
  same equations to about ``1e-10``; the margin covers convergence criteria).
* Against ``survival::finegray`` + ``coxph(ties = "breslow")``, with
  ``weights="finegray"``: ``1e-6`` absolute (coefficients, robust and naive variances).
  The two weight conventions differ on tied years by between ``1e-5`` and ``5e-3`` in
  the coefficients (checked, so a change of convention on either side is noticed).
* With late entry (calendar clock, ``weights="finegray"``) against finegray on
  ``Surv(entry - 1, last, status)`` + ``coxph``: ``1e-6`` absolute.
* Time-varying covariates (``tests/reference/competing_tv.R`` on
  ``inputs/competing_tv.csv``, one row per unit-year, ``outputs/competing_tv.json``):
  against ``survival::finegray(Surv(start, stop, status) ~ ., id)`` + ``coxph(ties =
  "breslow", id)`` with ``coxph.control(eps = 1e-12)``, duration and calendar clocks:
  ``1e-10`` absolute for coefficients, robust and naive variances (agreement is about
  ``1e-13``); log pseudo-likelihood ``1e-9``.
* Time interactions ``x * f(t)``: against ``crr(cov1, cov2, tf, gtol = 1e-12)``
  (coefficients and crr's sandwich) and ``coxph(... + tt(x))`` on finegray data:
  ``1e-10`` absolute (agreement is about ``1e-15``).
* Cause-specific Cox against coxph: ``1e-6`` relative (coefficients, standard errors).
* Cumulative incidence against cuminc / survfit: ``1e-12`` absolute (sums of ratios).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, read_reference_csv, run_r_script

from diffusion import CoxHazard, DiscreteTimeHazard, RiskSet
from diffusion.data.competing import cause_specific, competing_risk_set
from diffusion.errors import DataError, EstimationError, SpecificationError
from diffusion.models.competing import _engine as engine
from diffusion.models.competing import FineGray
from diffusion.report.incidence import cumulative_incidence, cumulative_incidence_table

R_SCRIPT = REF / "competing.R"
R_SCRIPT_TV = REF / "competing_tv.R"
REFERENCE = json.loads((OUTPUTS / "competing_sim.json").read_text())
REFERENCE_TV = json.loads((OUTPUTS / "competing_tv.json").read_text())
TOL_TV = 1e-10
TOL_TF = 1e-10
TOL_FG = 1e-6
TOL_FINEGRAY = 5e-3
RTOL_COX = 1e-6
TOL_CIF = 1e-12


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return pd.read_csv(INPUTS / "competing_sim.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def rs(units) -> RiskSet:
    ev = units.loc[units.status != "", ["unit", "last", "status"]].rename(
        columns={"last": "year", "status": "how"})
    mem = pd.DataFrame({"unit": units.unit, "start": units.entry, "end": units["last"]})
    rs = competing_risk_set(ev, unit="unit", time="year", outcome="how", membership=mem,
                            end=1990)
    cov = units.set_index("unit")
    return rs.assign(x1=lambda f: f.unit.map(cov.x1).to_numpy(),
                     x2=lambda f: f.unit.map(cov.x2).to_numpy())


def _matrix(values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(2, 2)


# ------------------------------------------------------------------ Fine-Gray vs R
@pytest.mark.parametrize("cause", ["a", "b"])
def test_fine_gray_equals_crr(rs, cause):
    ref = REFERENCE[f"crr_{cause}"]
    res = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause=cause).fit()
    np.testing.assert_allclose(res.params.to_numpy(), ref["coef"], rtol=0, atol=TOL_FG)
    np.testing.assert_allclose(res.cov.to_numpy(), _matrix(ref["var"]), rtol=0, atol=TOL_FG)
    assert res.loglik == pytest.approx(ref["loglik"], abs=1e-8)
    assert res.cov_type == "crr" and res.n_units == 240


@pytest.mark.parametrize("cause", ["a", "b"])
def test_fine_gray_robust_and_classic_equal_weighted_coxph(rs, cause):
    ref = REFERENCE[f"coxph_crr_weights_{cause}"]
    model = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause=cause)
    robust = model.fit(cov_type="robust")
    classic = model.fit(cov_type="classic")
    np.testing.assert_allclose(robust.params.to_numpy(), ref["coef"], rtol=0, atol=TOL_FG)
    np.testing.assert_allclose(robust.cov.to_numpy(), _matrix(ref["robust_var"]), rtol=0,
                               atol=TOL_FG)
    np.testing.assert_allclose(classic.cov.to_numpy(), _matrix(ref["naive_var"]), rtol=0,
                               atol=TOL_FG)


@pytest.mark.parametrize("cause", ["a", "b"])
def test_finegray_weights_equal_finegray_coxph(rs, cause):
    ref = REFERENCE[f"finegray_breslow_{cause}"]
    model = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause=cause,
                     weights="finegray")
    robust, classic = model.fit(cov_type="robust"), model.fit(cov_type="classic")
    np.testing.assert_allclose(robust.params.to_numpy(), ref["coef"], rtol=0, atol=TOL_FG)
    np.testing.assert_allclose(robust.cov.to_numpy(), _matrix(ref["robust_var"]), rtol=0,
                               atol=TOL_FG)
    np.testing.assert_allclose(classic.cov.to_numpy(), _matrix(ref["naive_var"]), rtol=0,
                               atol=TOL_FG)


@pytest.mark.parametrize("cause", ["a", "b"])
def test_crr_and_finegray_weights_differ_on_tied_years(rs, cause):
    # the two conventions are documented as different; a change on either side shows here
    crr = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause=cause).fit()
    fg = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause=cause,
                  weights="finegray").fit()
    diff = np.abs(crr.params.to_numpy() - fg.params.to_numpy()).max()
    assert 1e-5 < diff < TOL_FINEGRAY


def test_finegray_censoring_weights_hand_case():
    # censoring at 2 with the event at 2 first: 1 of 3 left at risk, G(3-) = 2/3
    time = np.array([1.0, 2, 2, 3, 3])
    status = np.array([2, 0, 1, 1, 0])
    np.testing.assert_allclose(engine.censoring_left(time, status, "finegray"),
                               [1, 1, 1, 2 / 3, 2 / 3])
    np.testing.assert_allclose(engine.censoring_left(time, status, "crr"),
                               [1, 1, 1, 3 / 4, 3 / 4])


def test_crr_sandwich_exceeds_robust_by_the_censoring_term(rs):
    model = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause="a")
    crr, robust = model.fit(), model.fit(cov_type="robust")
    assert not np.allclose(crr.cov.to_numpy(), robust.cov.to_numpy(), rtol=1e-4)


def test_calendar_clock_with_late_entry_is_refused_with_crr_weights(rs):
    with pytest.raises(SpecificationError, match="left truncation"):
        FineGray(rs, covariates=["x1"], outcome="how", cause="a", clock="calendar").fit()


@pytest.mark.parametrize("cause", ["a", "b"])
def test_late_entry_with_finegray_weights_equals_finegray_delayed(rs, cause):
    ref = REFERENCE[f"finegray_delayed_{cause}"]
    model = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause=cause,
                     clock="calendar", weights="finegray")
    robust, classic = model.fit(), model.fit(cov_type="classic")
    assert robust.cov_type == "robust"
    np.testing.assert_allclose(robust.params.to_numpy(), ref["coef"], rtol=0, atol=TOL_FG)
    np.testing.assert_allclose(robust.cov.to_numpy(), _matrix(ref["robust_var"]), rtol=0,
                               atol=TOL_FG)
    np.testing.assert_allclose(classic.cov.to_numpy(), _matrix(ref["naive_var"]), rtol=0,
                               atol=TOL_FG)
    with pytest.raises(SpecificationError, match="not available with left truncation"):
        model.fit(cov_type="crr")


def test_calendar_clock_equals_duration_without_late_entry(rs, units):
    first = units.loc[units.entry == 1950, "unit"]
    sub = rs.frame
    mem = pd.DataFrame({"unit": first, "start": 1950,
                        "end": units.set_index("unit").loc[first, "last"].to_numpy()})
    ev = units.loc[units.unit.isin(first) & (units.status != ""), ["unit", "last", "status"]]
    rs0 = competing_risk_set(ev.rename(columns={"last": "year", "status": "how"}),
                             unit="unit", time="year", outcome="how", membership=mem, end=1990)
    x = sub.drop_duplicates("unit").set_index("unit")["x1"]
    rs0 = rs0.assign(x1=lambda f: f.unit.map(x).to_numpy())
    a = FineGray(rs0, covariates=["x1"], outcome="how", cause="a", clock="calendar").fit()
    b = FineGray(rs0, covariates=["x1"], outcome="how", cause="a").fit()
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12)


def test_fine_gray_hand_case_without_censoring_is_cox():
    """No censoring: G = 1, every unit failing from the other cause keeps weight 1."""
    time = np.array([1.0, 2, 3, 4, 5, 6])
    status = np.array([1, 2, 1, 2, 1, 1])
    X = np.array([[0.0], [1], [1], [0], [1], [0]])
    data = engine.prepare(X, time, status)
    # with weight 1 forever, other-cause units are in every later risk set
    assert np.all(data.W[:, status == 2] == 1)
    # at beta = 0 the score is sum over events of (x_i - mean x over its risk set):
    # t=1: all six, 0 - 1/2; t=3: units 2-6, 1 - 3/5; t=5: units 2, 4, 5, 6, 1 - 1/2;
    # t=6: units 2, 4, 6, 0 - 1/3 (units 2 and 4 stay after their other-cause event)
    ev = engine.evaluate(data, np.zeros(1))
    assert ev.score[0] == pytest.approx(-1 / 2 + 2 / 5 + 1 / 2 - 1 / 3, abs=1e-14)


def test_censoring_weights_hand_case():
    # censorings at 2 (of 4 with T >= 2) and at 3 (of 3 with T >= 3; the event at 3
    # is still at risk of censoring, as in crr's survfit): G(3-) = 3/4, G(4-) = 1/2
    time = np.array([1.0, 2, 3, 3, 4])
    status = np.array([2, 0, 0, 1, 1])
    g = engine.censoring_left(time, status)
    np.testing.assert_allclose(g, [1, 1, 0.75, 0.75, 0.5])
    data = engine.prepare(np.zeros((5, 1)), time, status)
    # the other-cause unit (T = 1) carries G(t-)/G(1-) at t = 3 and t = 4
    np.testing.assert_allclose(data.W[:, 0], [0.75, 0.5])


# ------------------------------------------------ Fine-Gray, time-varying covariates
@pytest.fixture(scope="module")
def rows_tv() -> pd.DataFrame:
    return read_reference_csv(INPUTS / "competing_tv.csv").fillna({"status": ""})


@pytest.fixture(scope="module")
def rs_tv(rows_tv) -> RiskSet:
    g = rows_tv.groupby("unit")
    units = pd.DataFrame({"start": g.year.min(), "end": g.year.max(),
                          "how": g.status.last()}).reset_index()
    ev = units.loc[units.how != "", ["unit", "end", "how"]].rename(columns={"end": "year"})
    rs = competing_risk_set(ev, unit="unit", time="year", outcome="how",
                            membership=units[["unit", "start", "end"]], end=1990)
    by_row = rows_tv.set_index(["unit", "year"])
    key = pd.MultiIndex.from_arrays([rs.frame.unit, rs.frame.year])
    return rs.assign(x2=lambda f: by_row.x2.reindex(key).to_numpy(),
                     z=lambda f: by_row.z.reindex(key).to_numpy())


@pytest.mark.parametrize("clock", ["duration", "calendar"])
@pytest.mark.parametrize("cause", ["a", "b"])
def test_time_varying_equals_finegray_coxph(rs_tv, clock, cause):
    """survival::finegray on (start, stop] rows + coxph(ties = "breslow", id = unit)."""
    ref = REFERENCE_TV[f"finegray_tv_{clock}_{cause}"]
    model = FineGray(rs_tv, covariates=["x2", "z"], outcome="how", cause=cause, clock=clock,
                     weights="finegray")
    robust, classic = model.fit(), model.fit(cov_type="classic")
    assert robust.cov_type == "robust" and robust.extra["time_varying"] == ("z",)
    np.testing.assert_allclose(robust.params.to_numpy(), ref["coef"], rtol=0, atol=TOL_TV)
    np.testing.assert_allclose(robust.cov.to_numpy(), _matrix(ref["robust_var"]), rtol=0,
                               atol=TOL_TV)
    np.testing.assert_allclose(classic.cov.to_numpy(), _matrix(ref["naive_var"]), rtol=0,
                               atol=TOL_TV)
    assert robust.loglik == pytest.approx(ref["loglik"], abs=1e-9)
    assert robust.n_units == REFERENCE_TV["n_units"]
    # every unit that ended with the other outcome is carried forward, and counted
    other = robust.extra["n_competing"]
    assert [n.count for n in robust.notes if n.kind == "fine_gray_carry_forward"] == [other]


TF = {"x1*log(t)": ("x1", np.log), "x2*(t>10)": ("x2", lambda t: (t > 10).astype(float))}


@pytest.mark.parametrize("cause", ["a", "b"])
def test_time_interactions_equal_crr_cov2_tf(rs, cause):
    """crr(cov1 = X, cov2 = X, tf = function(t) cbind(log(t), t > 10)), crr's sandwich."""
    ref = REFERENCE_TV[f"crr_tf_{cause}"]
    res = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause=cause,
                   time_interactions=TF).fit()
    assert res.cov_type == "crr" and list(res.params.index) == ["x1", "x2", *TF]
    np.testing.assert_allclose(res.params.to_numpy(), ref["coef"], rtol=0, atol=TOL_TF)
    np.testing.assert_allclose(res.cov.to_numpy(), np.reshape(ref["var"], (4, 4)), rtol=0,
                               atol=TOL_TF)
    assert res.loglik == pytest.approx(ref["loglik"], abs=1e-9)


@pytest.mark.parametrize("cause", ["a", "b"])
def test_time_interactions_with_finegray_weights_equal_coxph_tt(rs, cause):
    """coxph(... + tt(x1) + tt(x2), tt = x * f(t)) on survival::finegray data."""
    ref = REFERENCE_TV[f"finegray_tt_{cause}"]
    model = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause=cause,
                     weights="finegray", time_interactions=TF)
    robust, classic = model.fit(cov_type="robust"), model.fit(cov_type="classic")
    np.testing.assert_allclose(robust.params.to_numpy(), ref["coef"], rtol=0, atol=TOL_TV)
    np.testing.assert_allclose(robust.cov.to_numpy(), np.reshape(ref["robust_var"], (4, 4)),
                               rtol=0, atol=TOL_TV)
    np.testing.assert_allclose(classic.cov.to_numpy(), np.reshape(ref["naive_var"], (4, 4)),
                               rtol=0, atol=TOL_TV)


def test_time_interactions_are_checked(rs, rs_tv):
    def fit(rs_, tf, **kw):
        return FineGray(rs_, covariates=["x2"], outcome="how", cause="a",
                        time_interactions=tf, **kw).fit()

    with pytest.raises(SpecificationError, match=r"'x1\*log\(t - 1\)'.*not finite at "
                                                 r"1 duration time\(s\) \(e\.g\. t = 1\)"):
        fit(rs, {"x1*log(t - 1)": ("x1", lambda t: np.log(t - 1))})
    with pytest.raises(SpecificationError, match="returned shape \\(\\) for"):
        fit(rs, {"x1*t": ("x1", lambda t: 1.0)})
    with pytest.raises(SpecificationError, match="distinct from the covariates"):
        fit(rs, {"x2": ("x1", np.log)})
    with pytest.raises(SpecificationError, match="'nope' is not a column"):
        fit(rs, {"nope*t": ("nope", np.log)})
    with pytest.raises(SpecificationError,
                       match=r"time interaction column\(s\) must be constant within unit "
                             r"\(crr's cov2\): 'z' varies within"):
        fit(rs_tv, {"z*t": ("z", np.log)}, weights="finegray")


def test_time_varying_hand_case_carries_the_last_value_forward():
    """No censoring before the last time, so every weight is 1 (times 1, 2, 3).

    A ends with the other cause at 1 (x = 1, carried forward); B fails at 2 (x: 0, 2);
    C fails at 3 (x: 0, 1, 3); D is censored at 3 (x: 5, 5, 0). At beta = 0:
    t = 2: risk set A 1, B 2, C 1, D 5 (mean 9/4, variance 43/16), event B: 2 - 9/4;
    t = 3: risk set A 1, C 3, D 0 (mean 4/3, variance 14/9), event C: 3 - 4/3.
    """
    path = np.array([[1.0, 1, 1], [0, 2, 2], [0, 1, 3], [5, 5, 0]])[:, :, None]
    data = engine.prepare(path, np.array([1.0, 2, 3, 3]), np.array([2, 1, 1, 0]),
                          grid=np.array([1.0, 2, 3]))
    ev = engine.evaluate(data, np.zeros(1))
    assert ev.score[0] == pytest.approx(-1 / 4 + 5 / 3, abs=1e-14)
    assert ev.info[0, 0] == pytest.approx(43 / 16 + 14 / 9, abs=1e-14)
    assert ev.loglik == pytest.approx(-np.log(4) - np.log(3), abs=1e-14)


@pytest.mark.parametrize("weights", ["crr", "finegray"])
def test_time_varying_engine_equals_constant_when_nothing_varies(rs, weights):
    """Invariance: constant paths on a grid give the unit-level fit, every covariance."""
    model = FineGray(rs, covariates=["x1", "x2"], outcome="how", cause="a", weights=weights)
    table, status, _ = model.sample()
    X = table[["x1", "x2"]].to_numpy(dtype=float)
    time = table["time"].to_numpy(dtype=float)
    grid = np.arange(1.0, time.max() + 1)
    flat = engine.prepare(X, time, status, weights)
    paths = engine.prepare(np.repeat(X[:, None, :], len(grid), axis=1), time, status,
                           weights, grid=grid)
    b_flat, b_paths = engine.fit(flat).params, engine.fit(paths).params
    np.testing.assert_allclose(b_paths, b_flat, rtol=0, atol=1e-12)
    for kind in ("crr", "robust", "classic"):
        np.testing.assert_allclose(engine.covariance(paths, b_flat, kind),
                                   engine.covariance(flat, b_flat, kind), rtol=1e-12)


def test_time_varying_missing_value_drops_the_unit(rs_tv):
    frame = rs_tv.frame
    hole = frame.index[(frame.unit == "u001")][2]
    rs_hole = rs_tv.assign(z_hole=lambda f: f["z"].mask(f.index == hole))
    res = FineGray(rs_hole, covariates=["x2", "z_hole"], outcome="how", cause="a",
                   weights="finegray").fit()
    assert res.n_units == REFERENCE_TV["n_units"] - 1
    [note] = [n for n in res.notes if n.kind == "listwise_deletion"]
    assert note.count == 1 and "u001" in note.message


# ---------------------------------------------------------------- cause-specific
@pytest.mark.parametrize("cause", ["a", "b"])
def test_cause_specific_cox_equals_coxph(rs, cause):
    ref = REFERENCE[f"cause_specific_cox_{cause}"]
    model = CoxHazard(cause_specific(rs, outcome="how", cause=cause), covariates=["x1", "x2"])
    classic = model.fit(cov_type="classic")
    robust = model.fit()
    np.testing.assert_allclose(classic.params.to_numpy(), ref["coef"], rtol=RTOL_COX)
    np.testing.assert_allclose(classic.std_errors.to_numpy(),
                               np.sqrt(np.diag(_matrix(ref["var"]))), rtol=RTOL_COX)
    np.testing.assert_allclose(robust.std_errors.to_numpy(),
                               np.sqrt(np.diag(_matrix(ref["robust_var"]))), rtol=RTOL_COX)
    assert classic.loglik == pytest.approx(ref["loglik"], rel=1e-9)


def test_cause_specific_equals_risk_set_with_other_causes_censored(rs, units):
    """Invariance: competing events censored by hand give the same discrete-time fit."""
    ev = units.loc[units.status == "a", ["unit", "last"]].rename(columns={"last": "year"})
    mem = pd.DataFrame({"unit": units.unit, "start": units.entry, "end": units["last"]})
    by_hand = RiskSet.from_events(ev, unit="unit", time="year", membership=mem, end=1990)
    cov = units.set_index("unit")
    by_hand = by_hand.assign(x1=lambda f: f.unit.map(cov.x1).to_numpy())
    cs = cause_specific(rs, outcome="how", cause="a")
    a = DiscreteTimeHazard(by_hand, covariates=["x1"], link="cloglog", time="cubic").fit()
    b = DiscreteTimeHazard(cs, covariates=["x1"], link="cloglog", time="cubic").fit()
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), rtol=1e-10)
    assert cs.n_events == 67
    assert [n.count for n in cs.notes if n.kind == "competing_censored"] == [85]


# ------------------------------------------------------------- cumulative incidence
def test_cumulative_incidence_calendar_with_late_entry_equals_survfit(rs):
    ref = REFERENCE["aj_calendar"]
    table = cumulative_incidence_table(rs, outcome="how").set_index("time")
    np.testing.assert_allclose(table.loc[ref["time"], "a"], ref["a"], rtol=0, atol=TOL_CIF)
    np.testing.assert_allclose(table.loc[ref["time"], "b"], ref["b"], rtol=0, atol=TOL_CIF)
    np.testing.assert_array_equal(table.loc[ref["time"], "n_risk"], ref["n_risk"])
    total = table["survival"] + table["a"] + table["b"]
    np.testing.assert_allclose(total, 1.0, atol=1e-12)


@pytest.mark.parametrize("cause", ["a", "b"])
def test_cumulative_incidence_duration_equals_cuminc_and_survfit(rs, cause):
    table = cumulative_incidence_table(rs, outcome="how", clock="duration").set_index("time")
    aj = REFERENCE["aj_duration"]
    np.testing.assert_allclose(table.loc[aj["time"], cause], aj[cause], rtol=0, atol=TOL_CIF)
    ci = REFERENCE[f"cuminc_{cause}"]
    # cuminc lists each jump twice (before and after); keep the value after the jump
    est = pd.Series(ci["est"], index=ci["time"]).groupby(level=0).last()
    est = est[est.index > 0]
    np.testing.assert_allclose(table.loc[est.index, cause], est.to_numpy(), rtol=0,
                               atol=TOL_CIF)


@pytest.mark.parametrize("cause", ["a", "b"])
def test_cumulative_incidence_se_equals_cuminc_variance(rs, cause):
    table = cumulative_incidence_table(rs, outcome="how", clock="duration", se=True)
    table = table.set_index("time")
    ci = REFERENCE[f"cuminc_{cause}"]
    var = pd.Series(ci["var"], index=ci["time"]).groupby(level=0).last()
    var = var[var.index > 0]
    np.testing.assert_allclose(table.loc[var.index, f"se_{cause}"] ** 2, var.to_numpy(),
                               rtol=0, atol=TOL_CIF)


def test_cumulative_incidence_plot(rs):
    fig = cumulative_incidence(rs, outcome="how", stacked=True)
    assert len(fig.axes[0].lines) == 2
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b"]


# ------------------------------------------------------------------------ bad input
def _ev():
    return pd.DataFrame({"c": ["A", "B", "C"], "year": [2001, 2002, 2003],
                         "how": ["r", "a", "r"]})


def test_unknown_outcome_code_is_refused():
    with pytest.raises(DataError, match=r"outcome code\(s\) 'a' not among causes"):
        competing_risk_set(_ev(), unit="c", time="year", outcome="how", causes=["r", "s"],
                           units=list("ABCD"), start=2001, end=2005)


def test_missing_outcome_is_refused():
    ev = _ev().assign(how=["r", None, "a"])
    with pytest.raises(DataError, match="1 event\\(s\\) without an outcome.*B \\(2002\\)"):
        competing_risk_set(ev, unit="c", time="year", outcome="how", units=list("ABCD"),
                           start=2001, end=2005)


def test_outcome_outside_the_risk_set_is_counted_and_refused_when_fitted():
    # C's only event ("s") falls after the window: declared but absent from the risk set
    ev = _ev().assign(how=["r", "a", "s"], year=[2001, 2002, 2009])
    rs = competing_risk_set(ev, unit="c", time="year", outcome="how", units=list("ABCD"),
                            start=2001, end=2005)
    assert [n.count for n in rs.notes if n.kind == "outcome_outside_risk_set"] == [1]
    with pytest.raises(DataError, match="'s' has no event inside the risk set"):
        cause_specific(rs, outcome="how", cause="s")
    with pytest.raises(SpecificationError, match="unknown outcome code 'x'"):
        cause_specific(rs, outcome="how", cause="x")


def test_not_an_outcome_column_is_refused():
    rs = competing_risk_set(_ev(), unit="c", time="year", outcome="how", units=list("ABCD"),
                            start=2001, end=2005)
    with pytest.raises(SpecificationError, match="no outcome column 'kind'"):
        cause_specific(rs, outcome="kind", cause="r")
    with pytest.raises(SpecificationError, match="not an outcome column"):
        cause_specific(rs, outcome="year", cause="r")


def test_time_varying_covariate_is_refused_with_crr_weights():
    rs = competing_risk_set(_ev(), unit="c", time="year", outcome="how", units=list("ABCD"),
                            start=2001, end=2005)
    rs = rs.assign(t=lambda f: f["year"].astype(float))
    # A has one year (event in 2001); B is the first unit in which t changes
    with pytest.raises(SpecificationError,
                       match=r"'t' varies within 3 unit\(s\) \(e\.g\. 'B': 2001 in 2001, "
                             r"2002 in 2002\).*weights='crr'.*Use weights='finegray'"):
        FineGray(rs, covariates=["t"], outcome="how", cause="r").fit()


def test_time_varying_covariate_refuses_the_crr_sandwich(rs_tv, rows_tv):
    model = FineGray(rs_tv, covariates=["x2", "z"], outcome="how", cause="a",
                     weights="finegray")
    # z is a random walk: it varies within every unit with more than one year
    n_varying = int((rows_tv.groupby("unit").size() > 1).sum())
    first = rows_tv.loc[rows_tv.unit == "u000", "year"].min()
    with pytest.raises(SpecificationError,
                       match=rf"cov_type='crr'.*not available with time-varying covariates: "
                             rf"'z' varies within {n_varying} unit\(s\) \(e\.g\. 'u000': "
                             rf"-?[0-9.]+ in {first}, -?[0-9.]+ in {first + 1}\)"
                             rf".*cov_type='robust'"):
        model.fit(cov_type="crr")
    # the constant covariate alone is still crr's model, with crr's sandwich
    assert FineGray(rs_tv, covariates=["x2"], outcome="how", cause="a").fit().cov_type == "crr"


def test_input_tables_are_not_mutated():
    ev = _ev()
    before = ev.copy()
    competing_risk_set(ev, unit="c", time="year", outcome="how", units=list("ABCD"),
                       start=2001, end=2005)
    pd.testing.assert_frame_equal(ev, before)


# ------------------------------------------------------------------------- live R
@pytest.mark.r
def test_r_script_reproduces_fixtures(tmp_path):
    run_r_script(R_SCRIPT, tmp_path, REF, timeout=300)
    new = json.loads((tmp_path / "competing_sim.json").read_text())
    for key, block in REFERENCE.items():
        if key == "package_versions":
            continue
        for name, values in block.items():
            np.testing.assert_allclose(np.asarray(new[key][name], dtype=float),
                                       np.asarray(values, dtype=float), rtol=1e-9, atol=1e-12,
                                       err_msg=f"{key}.{name}")


@pytest.mark.r
def test_r_script_tv_reproduces_fixtures(tmp_path):
    run_r_script(R_SCRIPT_TV, tmp_path, REF, timeout=120)
    new = json.loads((tmp_path / "competing_tv.json").read_text())
    for key, block in REFERENCE_TV.items():
        if key == "package_versions":
            continue
        if not isinstance(block, dict):  # row and unit counts
            assert new[key] == block, key
            continue
        for name, values in block.items():
            np.testing.assert_allclose(np.asarray(new[key][name], dtype=float),
                                       np.asarray(values, dtype=float), rtol=1e-9, atol=1e-12,
                                       err_msg=f"{key}.{name}")


def test_reentry_gap_is_counted_in_fine_gray_notes():
    # B leaves in 2002 and re-enters in 2004: its Fine-Gray time counts the gap
    ev = pd.DataFrame({"c": ["A", "B"], "year": [2003, 2005], "how": ["r", "a"]})
    mem = pd.DataFrame({"c": ["A", "B", "B", "C", "D"], "start": [2001, 2001, 2004, 2001, 2001],
                        "end": [2006, 2002, 2006, 2006, 2006]})
    rs = competing_risk_set(ev, unit="c", time="year", outcome="how", membership=mem)
    rs = rs.assign(x=lambda f: f["c"].map({"A": 0.3, "B": 1.0, "C": 0.9, "D": 0.0}))
    res = FineGray(rs, covariates=["x"], outcome="how", cause="r").fit(cov_type="classic")
    assert [n.count for n in res.notes if n.kind == "fine_gray_gap"] == [1]
    frame = rs.frame
    FineGray(rs, covariates=["x"], outcome="how", cause="r").fit()
    pd.testing.assert_frame_equal(rs.frame, frame)


def test_time_varying_covariate_is_carried_through_a_reentry_gap():
    # B leaves after 2002 and re-enters in 2004: on the duration clock its year 3 (2003)
    # has no row and keeps the value of 2002; after its competing event (2005, year 5)
    # it keeps the value of 2005
    ev = pd.DataFrame({"c": ["A", "B", "E"], "year": [2003, 2005, 2006],
                       "how": ["r", "a", "r"]})
    mem = pd.DataFrame({"c": ["A", "B", "B", "D", "E"], "start": [2001, 2001, 2004, 2001, 2001],
                        "end": [2006, 2002, 2006, 2006, 2006]})
    rs = competing_risk_set(ev, unit="c", time="year", outcome="how", membership=mem)
    rs = rs.assign(x=lambda f: (f["year"] - 2000) * f["c"].map({"A": 0, "B": 1, "D": 0.5,
                                                                "E": 0.2}))
    model = FineGray(rs, covariates=["x"], outcome="how", cause="r", weights="finegray")
    table, _, notes = model.sample()
    paths, grid, seen = model._paths(table, False)
    np.testing.assert_array_equal(grid, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(paths[list(table.index).index("B"), :, 0], [1, 2, 2, 4, 5, 5])
    assert not seen[list(table.index).index("B"), 2]
    [gap] = [n for n in notes if n.kind == "fine_gray_gap"]
    assert "keep their last value through the gap" in gap.message


def test_monotone_likelihood_is_refused():
    # the only event of "r" is in the unit with the largest x among those at risk
    ev = pd.DataFrame({"c": ["A", "B"], "year": [2003, 2005], "how": ["r", "a"]})
    rs = competing_risk_set(ev, unit="c", time="year", outcome="how", units=list("ABCD"),
                            start=2001, end=2006)
    rs = rs.assign(x=lambda f: (f["c"] == "A").astype(float))
    with pytest.raises(EstimationError, match="did not converge"):
        FineGray(rs, covariates=["x"], outcome="how", cause="r").fit()
