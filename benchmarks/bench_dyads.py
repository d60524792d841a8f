"""Benchmark of the directed-dyad build (:class:`diffusion.DyadRiskSet`).

Run with ``python benchmarks/bench_dyads.py`` (options: ``--repeat 3``, ``--skip-all``).

Timed, each the whole ``DyadRiskSet.from_events`` call (the monadic risk set included),
under both source rules (``sources="adopted"``, the default, and ``"all"``):

* one SPID policy (the most adopted) in state dyads, 50 states;
* all 728 SPID policies pooled (``process="policy"``), windows from each policy's first
  adoption to 2017;
* one UN treaty (CEDAW) in country dyads, COW membership 1980-2016;
* the 18 UN treaties pooled (``process="treaty"``), windows from each treaty's first
  ratification to 2016.

The script prints rows and the median seconds. Absolute times on a shared machine vary
up to 2x between runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import timed  # noqa: E402

from diffusion import DyadRiskSet  # noqa: E402
from diffusion.datasets import (  # noqa: E402
    load_spid,
    load_state_system,
    load_treaty_ratifications,
)


def cases():
    """(label, thunk) pairs: each thunk builds one dyad risk set."""
    spid = load_spid()
    states = sorted(spid.state_abbr.unique())
    top = spid.policy.value_counts().index[0]
    one = spid.loc[spid.policy == top, ["state_abbr", "year"]]
    treaties = load_treaty_ratifications().dropna(subset=["cown"])
    spells = load_state_system(system="cow")[["cown", "start", "end"]]
    cedaw = treaties.loc[treaties.treaty == "CEDAW", ["cown", "year"]]
    pooled_t = treaties[["cown", "treaty", "year"]]
    yield f"SPID {top}, 50 states", lambda rule: DyadRiskSet.from_events(
        one, unit="state_abbr", time="year", units=states, start=int(one.year.min()),
        end=2017, sources=rule)
    yield "SPID, 728 policies pooled", lambda rule: DyadRiskSet.from_events(
        spid, unit="state_abbr", time="year", units=states, end=2017, process="policy",
        sources=rule)
    yield "CEDAW, country dyads 1980-2016", lambda rule: DyadRiskSet.from_events(
        cedaw, unit="cown", time="year", membership=spells, start=1980, end=2016,
        outside="censor", sources=rule)
    yield "18 UN treaties pooled", lambda rule: DyadRiskSet.from_events(
        pooled_t, unit="cown", time="year", membership=spells, end=2016, process="treaty",
        outside="censor", sources=rule)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-all", action="store_true",
                        help="time only the default rule (the 'all' rule builds ~47M rows)")
    args = parser.parse_args()
    rules = ("adopted",) if args.skip_all else ("adopted", "all")
    print("| data | sources | dyad-years | seconds |")
    print("|---|---|---|---|")
    for label, build in cases():
        for rule in rules:
            t, d = timed(lambda: build(rule), repeat=args.repeat)
            print(f"| {label} | {rule} | {d.n_obs:,} | {t:.2f} |")
            del d


if __name__ == "__main__":
    main()
