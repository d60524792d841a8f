"""Published numbers beside ours: the verdict rule, sign-only studies, the JSON block."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from diffusion import replications
from diffusion.replications import base
from diffusion.replications.base import Claim, PublishedEstimate, PublishedStudy, Replication
from diffusion.replications.published import STUDIES
from diffusion.results.hazard import HazardResults


def _res(est: float, se: float) -> HazardResults:
    return HazardResults(model="m", terms=("x",), _params=np.array([est]),
                         _cov=np.array([[se**2]]), loglik=-1.0, n_obs=10, n_events=2,
                         n_units=5, cov_type="classic")


def _rep(claims, results, published=None) -> Replication:
    return Replication("t", "T", "c", "d", tuple(claims), results, published=published)


def test_threshold_is_five_percent_two_sided():
    assert base.ALPHA == 0.05 and base.LEVEL == 0.95
    # z = 1.80: p = 0.072, significant at 0.10 but not at 0.05
    z = 1.80
    rep = _rep([Claim("x", "positive", +1)], {"main": _res(z, 1.0)})
    row = rep.verdicts().iloc[0]
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(z))
    assert not row["reproduced"] and row["verdict"] == "not reproduced: p >= 0.05"
    # z = 2.00: p = 0.0455 < 0.05
    assert _rep([Claim("x", "positive", +1)], {"main": _res(2.0, 1.0)}).reproduced


def test_opposite_sign_is_named():
    rep = _rep([Claim("x", "negative", -1)], {"main": _res(3.0, 1.0)})
    assert rep.verdicts()["verdict"].iloc[0] == "not reproduced: opposite sign"


def test_magnitude_must_lie_in_the_published_interval():
    # published 1.0 (SE 0.2): interval 1.0 +- 1.96*0.2 = [0.608, 1.392]
    pub = PublishedEstimate("X", 1.0, se=0.2, source="Table 1")
    inside = _rep([Claim("x", "+", +1, published=pub)], {"main": _res(1.3, 0.1)})
    outside = _rep([Claim("x", "+", +1, published=pub)], {"main": _res(1.5, 0.1)})
    v_in, v_out = inside.verdicts().iloc[0], outside.verdicts().iloc[0]
    assert v_in["reproduced"] and bool(v_in["within_published_ci"])
    assert v_in["difference"] == pytest.approx(0.3)
    assert not v_out["reproduced"] and not v_out["within_published_ci"]
    assert v_out["verdict"] == "not reproduced: outside the published 95% interval"


def test_standard_error_follows_from_a_printed_statistic():
    pub = PublishedEstimate("X", 0.8, stat=4.0, stat_kind="t", source="Table 2")
    assert pub.std_error == pytest.approx(0.2)
    lo, hi = pub.interval()
    assert (lo, hi) == pytest.approx((0.8 - 1.959963984540054 * 0.2, 0.8 + 1.959963984540054 * 0.2))
    assert PublishedEstimate("X", 0.8, source="s").interval() is None


def test_numbers_need_a_source():
    with pytest.raises(ValueError, match="where they were read"):
        PublishedStudy(citation="c", table="Table 1", n_obs=10)
    PublishedStudy(citation="c", sign_only="no copy")  # fine without numbers


def test_report_shows_published_beside_ours_and_json_cites_each_number():
    study = PublishedStudy(citation="c", table="Table 2", page="741", n_obs=1234, n_events=56,
                           window="1890-1990", source="page X")
    pub = PublishedEstimate("Regional", 1.0, se=0.2, source="Table 2, col 1, p. 741")
    rep = _rep([Claim("x", "+", +1, published=pub)], {"main": _res(1.1, 0.1)}, study)
    text = rep.report()
    assert "Table 2, p. 741" in text and "N = 1234" in text and "+1.000 (0.200)" in text
    assert "+1.100 (0.100)" in text and "+0.100" in text  # ours and the difference
    data = json.loads(json.dumps(rep.to_json()))
    block = data["published"]
    assert block["sign_only"] is False
    assert block["n_obs"] == {"value": 1234, "source": "page X"}
    assert block["estimates"][0]["source"] == "Table 2, col 1, p. 741"
    assert data["claims"][0]["published_coef"] == 1.0


def test_sign_only_says_so():
    rep = _rep([Claim("x", "+", +1)], {"main": _res(3.0, 1.0)},
               PublishedStudy(citation="c", sign_only="no public copy"))
    assert rep.sign_only
    assert "SIGN-ONLY" in rep.report() and "no public copy" in rep.report()
    block = rep.to_json()["published"]
    assert block["sign_only"] is True and block["reason"] == "no public copy"
    assert rep.verdicts()["within_published_ci"].iloc[0] is None


@pytest.mark.parametrize("name", replications.NAMES)
def test_every_replication_has_a_published_record(name):
    assert name in STUDIES
    study = STUDIES[name]
    # either numbers with a source, or an explicit reason
    assert study.sign_only or study.source


def test_claim_of_no_effect():
    flat = _rep([Claim("x", "unrelated", 0)], {"main": _res(0.1, 1.0)})
    strong = _rep([Claim("x", "unrelated", 0)], {"main": _res(3.0, 1.0)})
    assert flat.reproduced and flat.verdicts()["sign"].iloc[0] == "0"
    assert flat.verdicts()["verdict"].iloc[0] == "reproduced (no effect: p >= 0.05)"
    assert not strong.reproduced
    assert strong.verdicts()["verdict"].iloc[0] == "not reproduced: an effect at p < 0.05"
