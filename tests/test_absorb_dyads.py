"""Absorbed effects on directed dyads: common events (issue #13).

With ``sources="adopted"`` a directed-dyad risk set has a high event share (every
dyad of an adopting unit is an event row: 15 % in the SPID dyads). There the
log-likelihood at R's starting values ``mu = (y + 1/2) / 2`` -- every row at
``log 0.75`` -- is above the model's maximum, and an engine whose step halving
compares against it never leaves the start (the absorbed engine used to stop with a
ConvergenceError while the ``C(policy)`` dummy fit converged). The reference here is
the dummy-variable fit of our binary engine, which is itself tested against R ``glm``
(tests/test_pooled.py, tests/test_discrete_time.py); absorbed and dummy fits solve the
same likelihood equations, so they agree to rounding (tolerance 1e-8 relative).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diffusion import DiscreteTimeHazard, DyadRiskSet, RiskSet

LINKS = ["logit", "probit", "cloglog"]


def _dyads(seed=3, n_units=12, n_proc=4, span=12):
    """Simulated directed dyads, ``sources="adopted"``, with years since the source
    adopted (``since``, in decades) as the covariate, as in the SPID repro."""
    rng = np.random.default_rng(seed)
    units = [f"u{i:02d}" for i in range(n_units)]
    rows = [(f"p{p}", u, 2000 + p + int(rng.integers(0, span)))
            for p in range(n_proc) for u in units if rng.random() < 0.8]
    ev = pd.DataFrame(rows, columns=["policy", "state", "year"])
    d = DyadRiskSet.from_events(ev, unit="state", time="year", units=units,
                                process="policy", end=2000 + n_proc + span)
    adopted = ev.set_index(["policy", "state"])["year"]
    f = d.frame
    source_year = adopted.reindex(pd.MultiIndex.from_arrays([f["policy"], f["source"]]))
    return d.assign(since=(f["year"].to_numpy() - source_year.to_numpy()) / 10)


@pytest.fixture(scope="module")
def dyads():
    return _dyads()


@pytest.mark.parametrize("link", LINKS)
def test_absorbed_policy_on_dyads_with_common_events_equals_dummy_fit(dyads, link):
    dummy = DiscreteTimeHazard.from_formula("since + C(policy)", dyads, link=link)
    absorbed = DiscreteTimeHazard.from_formula("since", dyads, link=link, absorb=["policy"])
    rd = dummy.fit(cluster="state")
    # the case is the hard one: R's start has a higher log-likelihood than the maximum
    assert dyads.n_obs * np.log(0.75) > rd.loglik
    for kw in ({"cov_type": "classic"}, {"cluster": "state"}):
        ra, rd = absorbed.fit(**kw), dummy.fit(**kw)
        assert ra.converged
        assert ra.n_obs == rd.n_obs == dyads.n_obs
        np.testing.assert_allclose(ra.params.to_numpy(), rd.params[["since"]].to_numpy(),
                                   rtol=1e-8)
        np.testing.assert_allclose(ra.std_errors.to_numpy(),
                                   rd.std_errors[["since"]].to_numpy(), rtol=1e-8)
        assert ra.loglik == pytest.approx(rd.loglik, rel=1e-10)


def _panel(rs, rows):
    """The rows of ``rs`` at ``rows`` as a plain panel (unit: dyad x process)."""
    f = rs.frame.iloc[rows]
    f = f.assign(dyad_process=f["dyad"].astype(str) + "/" + f["policy"])
    return RiskSet.from_panel(f, unit="dyad_process", time="year", event="event")


@pytest.mark.parametrize("link", ["logit", "cloglog"])
def test_absorbed_policy_and_year_on_dyads_equals_dummy_fit(dyads, link):
    ra = DiscreteTimeHazard.from_formula("since", dyads, link=link,
                                         absorb=["policy", "year"]).fit(cluster="state")
    # years without an adoption (the first and the last ones) predict their rows
    # perfectly: dropped and counted; every policy has events in the other years
    f = dyads.frame
    events = f.groupby("year")["event"].transform("sum").to_numpy()
    quiet = events == 0
    n_years = f.loc[quiet, "year"].nunique()
    assert n_years >= 2
    note = {n.kind: n for n in ra.notes}["absorb_dropped"]
    assert note.count == int(quiet.sum())
    assert f"'year': {n_years} group(s), {int(quiet.sum())} row(s), 0 event(s)" in note.message
    assert "'policy'" not in note.message
    np.testing.assert_array_equal(ra.estimation_rows, np.flatnonzero(~quiet))
    rd = DiscreteTimeHazard.from_formula(
        "since + C(policy) + C(year)", _panel(dyads, ra.estimation_rows), link=link,
    ).fit(cluster="state")
    np.testing.assert_allclose(ra.params.to_numpy(), rd.params[["since"]].to_numpy(),
                               rtol=1e-8)
    np.testing.assert_allclose(ra.std_errors.to_numpy(), rd.std_errors[["since"]].to_numpy(),
                               rtol=1e-8)
    assert ra.loglik == pytest.approx(rd.loglik, rel=1e-10)


def test_absorbed_only_effects_on_dyads_reach_the_group_hazards(dyads):
    # no covariates, one factor: the maximum is each policy's event share
    res = DiscreteTimeHazard.from_formula("event ~ 1", dyads, link="logit",
                                          absorb=["policy"]).fit()
    f = dyads.frame
    share = f.groupby("policy")["event"].transform("mean").to_numpy()
    expected = float(np.sum(f["event"] * np.log(share) + (1 - f["event"]) * np.log1p(-share)))
    assert res.loglik == pytest.approx(expected, rel=1e-10)
