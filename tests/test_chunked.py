"""Chunked fits (diffusion.data.chunks, ChunkedDiscreteTimeHazard): equal to the in-memory
fit on data that fits, on this machine and on a Dask LocalCluster; bad chunks refused.

Tolerance: coefficients and standard errors agree with the in-memory
DiscreteTimeHazard (itself equal to R glm + sandwich at 1e-8, tests/test_discrete_vs_r.py)
to 1e-9 relative; only the order of floating-point sums differs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diffusion import ChunkedDiscreteTimeHazard, DiscreteTimeHazard, RiskSet
from diffusion.data.chunks import open_chunks, write_chunks
from diffusion.datasets import load_spid
from diffusion.errors import (
    CollinearityError,
    DataError,
    DiffusionError,
    EstimationError,
    InvalidEventError,
    MissingColumnError,
    SpecificationError,
)

pytest.importorskip("pyarrow", reason="chunk stores need pyarrow (the 'scale' extra)")

TOL = 1e-9
FORMULA = "event ~ x + since + C(policy)"


@pytest.fixture(scope="module")
def pooled() -> RiskSet:
    """20 SPID policies pooled, with a time-varying covariate that has gaps."""
    spid = load_spid()
    states = sorted(spid.state_abbr.unique())
    top = spid.policy.value_counts().index[:20]
    rs = RiskSet.from_events(spid[spid.policy.isin(top)], unit="state_abbr", time="year",
                             units=states, end=2017, process="policy")
    f = rs.frame
    since = (f["year"] - f.groupby("policy")["year"].transform("min")).to_numpy()
    x = np.random.default_rng(7).normal(size=len(f))
    x[::53] = np.nan
    return rs.assign(since=since, x=x)


def _by_policy(rs: RiskSet) -> list[pd.DataFrame]:
    return [g for _, g in rs.frame.groupby("policy", sort=False)]


def _close(a, b) -> None:
    assert list(a.terms) == list(b.terms)
    np.testing.assert_allclose(b._params, a._params, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(b.std_errors, a.std_errors, rtol=TOL)
    assert b.n_obs == a.n_obs and b.n_events == a.n_events
    assert b.loglik == pytest.approx(a.loglik, rel=1e-12)


@pytest.mark.parametrize(("link", "cov"), [
    ("cloglog", ("cluster", None, "expected", "r")),
    ("logit", ("cluster", None, "expected", "r")),
    ("probit", ("cluster", None, "expected", "r")),
    ("cloglog", ("cluster", "policy", "observed", "stata")),
    ("probit", ("robust", None, "expected", "none")),
    ("logit", ("robust", None, "observed", "stata")),
    ("cloglog", ("classic", None, "observed", "r")),
])
def test_chunked_equals_in_memory(pooled: RiskSet, link: str, cov) -> None:
    cov_type, cluster, information, small = cov
    opts = dict(cov_type=cov_type, cluster=cluster, information=information,
                small_sample=small)
    mem = DiscreteTimeHazard.from_formula(FORMULA, pooled, link=link).fit(**opts)
    ch = ChunkedDiscreteTimeHazard.from_formula(FORMULA, _by_policy(pooled), link=link,
                                                unit="state_abbr").fit(**opts)
    _close(mem, ch)
    assert ch.n_units == mem.n_units and ch.n_clusters == mem.n_clusters
    assert ch.n_iter == mem.n_iter  # the same iteration (Fisher steps, then Newton)
    assert ch.extra["n_chunks"] == 20
    note = [n for n in ch.notes if n.kind == "missing_values"]
    assert note and note[0].count == int(pooled.frame["x"].isna().sum())


def _random_parts(f: pd.DataFrame, k: int) -> list[pd.DataFrame]:
    shuffled = f.sample(frac=1.0, random_state=3)
    cuts = np.linspace(0, len(f), k + 1).astype(int)
    return [shuffled.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:])]


def test_split_does_not_matter(pooled: RiskSet) -> None:
    """Any split of the rows gives the same fit: by policy, by year, in 7 random parts."""
    f = pooled.frame
    splits = [_by_policy(pooled), [g for _, g in f.groupby("year")],
              _random_parts(f, 7)]
    fits = [ChunkedDiscreteTimeHazard.from_formula(FORMULA, s, link="cloglog",
                                                   unit="state_abbr").fit() for s in splits]
    for other in fits[1:]:
        _close(fits[0], other)


def test_categorical_levels_come_from_all_chunks(pooled: RiskSet) -> None:
    """Each chunk holds one policy (and C(period) sees different periods per chunk), yet every
    chunk is encoded with all levels, as the in-memory design."""
    formula = "event ~ xl + C(policy) + C(period)"
    late = pooled.frame.year >= 1990
    rs = pooled.assign(xl=np.where(late, pooled.frame["x"], np.nan),
                       period=np.minimum((pooled.frame.year // 5) * 5, 2010))
    mem = DiscreteTimeHazard.from_formula(formula, rs, link="logit").fit()
    chunks = [g for _, g in rs.frame[late].groupby("policy")]
    assert any(g["period"].nunique() < rs.frame[late]["period"].nunique() for g in chunks)
    ch = ChunkedDiscreteTimeHazard.from_formula(formula, chunks, link="logit",
                                                unit="state_abbr").fit()
    _close(mem, ch)


def test_parquet_store_roundtrip(pooled: RiskSet, tmp_path) -> None:
    store = write_chunks((g for g in _by_policy(pooled)), tmp_path / "chunks")
    assert len(store.files) == 20 and store.total_rows == pooled.n_obs
    reopened = open_chunks(tmp_path / "chunks")
    assert reopened.n_rows == store.n_rows and reopened.columns == store.columns
    mem = DiscreteTimeHazard.from_formula(FORMULA, pooled, link="cloglog").fit()
    ch = ChunkedDiscreteTimeHazard.from_formula(FORMULA, str(tmp_path / "chunks"),
                                                link="cloglog", unit="state_abbr")
    assert ch.chunks.files == store.files      # a path opens the store
    _close(mem, ch.fit())
    with pytest.raises(DataError, match="already holds a chunk store"):
        write_chunks(_by_policy(pooled)[:2], tmp_path / "chunks")
    again = write_chunks(_by_policy(pooled)[:2], tmp_path / "chunks", overwrite=True)
    assert len(again.files) == 2 and len(open_chunks(tmp_path / "chunks").files) == 2


def test_caller_frames_are_not_modified(pooled: RiskSet) -> None:
    chunks = _by_policy(pooled)
    before = [c.copy() for c in chunks]
    ChunkedDiscreteTimeHazard.from_formula("event ~ x + C(policy)", chunks, link="logit",
                                           unit="state_abbr").fit()
    for a, b in zip(before, chunks):
        pd.testing.assert_frame_equal(a, b)


def test_dask_local_cluster_equals_in_memory(pooled: RiskSet, tmp_path) -> None:
    dd = pytest.importorskip("dask.dataframe", reason="needs dask (the 'scale' extra)")
    distributed = pytest.importorskip("distributed", reason="needs dask.distributed")
    store = write_chunks(_by_policy(pooled), tmp_path / "chunks")
    mem = DiscreteTimeHazard.from_formula(FORMULA, pooled, link="cloglog").fit()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        ddf = dd.read_parquet(str(tmp_path / "chunks"))
        assert ddf.npartitions == 20
        ch = ChunkedDiscreteTimeHazard.from_formula(FORMULA, ddf, link="cloglog",
                                                    unit="state_abbr").fit()
        assert store.to_dask().npartitions == 20
    _close(mem, ch)


# ------------------------------------------------------------------ bad input
def test_mismatched_schemas_are_named(tmp_path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    a = pd.DataFrame({"unit": [1, 2], "year": [2000, 2000], "event": [0, 1], "x": [0.1, 0.2]})
    a.to_parquet(d / "part-00000.parquet")
    a.assign(x=["a", "b"]).to_parquet(d / "part-00001.parquet")
    a.drop(columns="x").to_parquet(d / "part-00002.parquet")
    with pytest.raises(DataError, match=r"part-00001.parquet .*other types in x"):
        open_chunks(d)
    with pytest.raises(DataError, match="lacks column"):
        write_chunks([a, a.drop(columns="x")], tmp_path / "w")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no .parquet files"):
        open_chunks(tmp_path / "empty")
    with pytest.raises(DataError, match="not a directory"):
        open_chunks(tmp_path / "nowhere")


def test_bad_events_name_chunk_unit_and_year() -> None:
    a = pd.DataFrame({"unit": ["A", "B"], "year": [2000, 2001], "event": [0, 1], "x": [0.1, 0.2]})
    b = a.assign(event=[0, 2])
    with pytest.raises(InvalidEventError, match=r"2 at unit 'B', year 2001 in chunk 1"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ x", [a, b], link="logit", unit="unit",
                                               time="year").fit()


def test_specification_errors(pooled: RiskSet) -> None:
    chunks = _by_policy(pooled)
    with pytest.raises(SpecificationError, match="stateful transform"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ scale(x)", chunks, link="logit")
    with pytest.raises(MissingColumnError, match="'gdp'"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ gdp", chunks, link="logit")
    with pytest.raises(SpecificationError, match="link"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ x", chunks, link="identity")
    with pytest.raises(SpecificationError, match="cluster column"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ x", chunks, link="logit").fit()
    with pytest.raises(DataError, match="chunks must be"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ x", 42, link="logit")
    with pytest.raises(DataError, match="chunk 1 has columns"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ x", [chunks[0], chunks[1][["x"]]],
                                               link="logit")


def test_collinear_terms_are_named(pooled: RiskSet) -> None:
    chunks = [c.assign(x2=2 * c["since"]) for c in _by_policy(pooled)]
    with pytest.raises(CollinearityError, match=r"since.*x2|x2.*since"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ since + x2", chunks, link="logit",
                                               unit="state_abbr").fit()


def test_no_events_is_an_estimation_error(pooled: RiskSet) -> None:
    chunks = [c.assign(event=0) for c in _by_policy(pooled)]
    with pytest.raises(EstimationError, match="no events"):
        ChunkedDiscreteTimeHazard.from_formula("event ~ x", chunks, link="logit",
                                               unit="state_abbr").fit()
    assert issubclass(EstimationError, DiffusionError)


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_kernel_observed_weights_equal_the_link_formula(link: str) -> None:
    """The in-place observed-information weights of the Newton steps (engine and chunked
    fit) equal Link.observed_weight, computed independently from mu, g and g'."""
    from diffusion.models.discrete_time._glm import _Kernel
    from diffusion.models.links import get_link

    rng = np.random.default_rng(11)
    eta = rng.uniform(-8.0, 3.0, 4000)
    lk = get_link(link)
    y = (rng.random(4000) < lk.mean(eta)).astype(float)
    kernel = _Kernel(lk, y)
    kernel(eta)
    got = kernel.observed(eta, np.empty(len(y)))
    # 1e-8: on cloglog events with small exp(eta) both formulas lose digits to the
    # cancellation in r exp(e) - 1 (about 1e-9 relative at eta = -8)
    np.testing.assert_allclose(got, lk.observed_weight(y, eta), rtol=1e-8, atol=1e-300)
    assert np.all(got > 0)
