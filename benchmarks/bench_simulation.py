"""Benchmark of Monte Carlo power simulation: replications per second.

Run with ``python benchmarks/bench_simulation.py``. The design has 150 countries in 6
regions over 100 years (1900-1999; late entry, exits and re-entries, adoptions before
entry, a random directed network with 3 sources per country) and every effect of
:mod:`diffusion.simulate.design`: trend, regional, world, network, INGO and domestic.
Each replication draws a history, builds the risk set with regional, world and network
exposure and the lagged covariates, and fits a cloglog hazard with unit-clustered
standard errors -- the whole pipeline a user runs. It prints the replications per
second of :func:`diffusion.simulate.power` with ``n_jobs=1`` and ``n_jobs=2`` (after a
warm-up that starts the joblib workers), and the time of each stage of one
replication.
"""

from __future__ import annotations

import time

import numpy as np
from _timing import timed
from threadpoolctl import threadpool_limits

from diffusion import DiscreteTimeHazard, simulate

FORMULA = "event ~ trend + regional + world + network + ingo + domestic"


def design() -> simulate.SimulationDesign:
    return simulate.synthetic(
        seed=1, n_units=150, n_groups=6, start=1900, end=1999, late_entry=0.3,
        exit_rate=0.05, network_degree=3, link="cloglog", intercept=-5.0, trend=0.1,
        regional=2.0, world=1.0, network=1.0, ingo=0.5, domestic=0.3,
        pre_entry_adoption=0.05)




def main() -> None:
    des = design()
    s = des.structure
    print(f"Design: {s.n_units} countries, {s.n_groups} regions, {s.start}-{s.end}, "
          f"{s.n_edges} ties, link {des.link}")

    seed = np.random.SeedSequence(0)
    # one BLAS thread, as in the replications of simulate.power (see
    # diffusion.inference._replicate.replicate)
    with threadpool_limits(limits=1):
        t_gen, data = timed(lambda: simulate.generate(des, seed=seed), 9)
        t_rs, rs = timed(data.risk_set, 9)
        model = DiscreteTimeHazard.from_formula(FORMULA, rs, link="cloglog")
        t_fit, _ = timed(lambda: model.fit(cov_type="cluster"), 9)
    print(f"one replication: {rs.n_obs} rows at risk, {rs.n_events} events")
    print(f"  simulate history        {t_gen * 1000:7.1f} ms")
    print(f"  risk set + exposures    {t_rs * 1000:7.1f} ms")
    print(f"  cloglog fit (cluster)   {t_fit * 1000:7.1f} ms")
    print(f"  total                   {(t_gen + t_rs + t_fit) * 1000:7.1f} ms")

    n_sims = 200
    simulate.power(des, formula=FORMULA, n_sims=8, seed=1, n_jobs=2)  # start the workers
    for n_jobs in (1, 2):
        t0 = time.perf_counter()
        res = simulate.power(des, formula=FORMULA, n_sims=n_sims, seed=1, n_jobs=n_jobs)
        seconds = time.perf_counter() - t0
        print(f"power, n_jobs={n_jobs}: {n_sims} replications in {seconds:6.2f} s = "
              f"{n_sims / seconds:6.1f} replications/s ({res.n_failed} failed fits)")


if __name__ == "__main__":
    main()
