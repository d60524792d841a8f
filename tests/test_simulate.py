"""The simulated world: reproducible, consistent with the exposure definitions, recoverable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import diffusion as d
from diffusion.errors import SpecificationError


def test_same_seed_same_world_and_different_seed_differs():
    a, b, c = (d.simulate.world(seed=s, n_units=50) for s in (3, 3, 4))
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.membership, b.membership)
    assert not a.events.equals(c.events)


def test_world_has_late_entry_exits_and_pre_entry_adoption():
    w = d.simulate.world(seed=1, n_units=300)
    spells = w.membership.groupby("unit").size()
    assert (spells > 1).any()  # re-entries
    assert (w.membership["start"] > w.start).any()  # late entry
    assert any(n.kind == "adopted_before_risk" for n in w.risk_set().notes)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("link", ["cloglog", "logit"])
def test_parameter_recovery(seed, link):
    """Large worlds: every estimate within 4 standard errors of the truth."""
    w = d.simulate.world(seed=seed, n_units=1000, n_groups=20, link=link, intercept=-4.5)
    res = d.DiscreteTimeHazard.from_formula(
        "event ~ x1 + x2 + regional + world", w.risk_set(), link=link).fit()
    z = (res.params - pd.Series(w.truth)) / res.std_errors
    assert np.all(np.abs(z) < 4), z.to_dict()


@pytest.mark.parametrize("kwargs", [{"late_entry": 1.5}, {"exit_rate": -0.1},
                                    {"n_units": 0}, {"link": "tobit"}, {"end": 1895}])
def test_impossible_designs_are_refused(kwargs):
    with pytest.raises(d.DiffusionError):
        d.simulate.world(seed=1, **kwargs)


def test_simulate_raises_specification_error_for_probabilities():
    with pytest.raises(SpecificationError, match="late_entry is a probability"):
        d.simulate.world(seed=1, late_entry=2.0)
