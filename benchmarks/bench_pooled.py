"""Benchmark of the pooled SPID fit: diffusion's absorbed effects against pyfixest's feglm.

Run with ``python benchmarks/bench_pooled.py`` (pyfixest from ``pip install ".[bench]"``).
Options: ``--repeat 3``, ``--link logit``.

The data are all 728 SPID policies in one pooled risk set (about 950,000
policy-state-years, :func:`diffusion.datasets.load_spid`), with two exposures computed
within each policy (the share of states that adopted it by ``t - 1`` and the share of
the other states of the Census division, as ``examples/spid_pooled.py``). The model,
the same for both tools, is::

    event ~ world + division | policy + year       (logit; ~930 absorbed effects)

with standard errors clustered by state. Timed:

* the build: ``RiskSet.from_events(..., process="policy")`` plus both exposures;
* diffusion ``DiscreteTimeHazard.from_formula(..., absorb=["policy", "year"]).fit(
  cluster="state_abbr")`` -- the whole fit: design, dropping the year groups without
  adoptions, scoring with the effects swept out, clustered covariance;
* pyfixest ``feglm("event ~ world + division | policy + year", family="logit",
  vcov={"CRV1": "state_abbr"})`` on the risk set's frame (pyfixest drops the same
  groups; its default small-sample factor counts fewer absorbed parameters, so its
  standard errors differ in the fourth digit -- see :mod:`diffusion.models.discrete_time.absorb`).

The script prints each time (median of ``--repeat`` runs), the ratio, and the largest
difference between the two tools' coefficients. Only ratios are meaningful on a shared
machine.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

from _timing import timed  # noqa: E402
from spid_pooled import divisions  # noqa: E402

from diffusion import DiscreteTimeHazard, RiskSet  # noqa: E402
from diffusion.datasets import load_spid  # noqa: E402
from diffusion.exposure import regional_density, world_share  # noqa: E402


def build():
    spid = load_spid()
    states = sorted(spid["state_abbr"].unique())
    rs = RiskSet.from_events(spid, unit="state_abbr", time="year", process="policy",
                             units=states, end=2017)
    return (rs.with_exposure("world", world_share())
              .with_exposure("division", regional_density(divisions())))


def fit_fixest(frame):
    """pyfixest's feglm on the same logit (policy and year absorbed, clustered by state)."""
    import pyfixest as pf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.feglm("event ~ world + division | policy + year", data=frame,
                        family="logit", vcov={"CRV1": "state_abbr"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--link", default="logit", choices=["logit", "cloglog"])
    args = parser.parse_args()

    t_build, rs = timed(build, args.repeat)
    print(f"pooled risk set and exposures: {rs.n_obs:,} rows, {t_build:.2f} s")
    model = DiscreteTimeHazard.from_formula("event ~ world + division", rs, link=args.link,
                                            absorb=["policy", "year"])
    t_ours, ours = timed(lambda: model.fit(cluster="state_abbr"), args.repeat)
    rows = [("diffusion (absorb=['policy', 'year'])", t_ours)]
    diff = None
    try:
        import pyfixest as pf
    except ImportError:  # pragma: no cover
        pf = None
        print("pyfixest is not installed: pip install pyfixest")
    if pf is not None and args.link == "logit":
        frame = rs.frame
        t_pf, fit = timed(lambda: fit_fixest(frame), args.repeat)
        rows.append(("pyfixest feglm (logit)", t_pf))
        theirs = fit.coef()[["world", "division"]].to_numpy()
        diff = float(np.max(np.abs(ours.params[["world", "division"]].to_numpy() - theirs)))
        se_ratio = ours.std_errors[["world", "division"]].to_numpy() / fit.se()[
            ["world", "division"]].to_numpy()
    print(f"\n| model ({args.link}, {ours.n_obs:,} rows) | seconds | ratio to diffusion |")
    print("|---|---|---|")
    for name, t in rows:
        print(f"| {name} | {t:.2f} | {t / t_ours:.2f} |")
    if diff is not None:
        print(f"\nlargest coefficient difference: {diff:.2e}; SE ratio diffusion/pyfixest: "
              f"{', '.join(f'{r:.6f}' for r in se_ratio)}")


if __name__ == "__main__":
    main()
