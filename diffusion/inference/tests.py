"""Wald and likelihood-ratio tests of linear hypotheses about the coefficients.

Wald test of ``H0: R beta = q`` (``r`` linearly independent constraints), with ``V`` the
covariance the model was fitted with (classic, robust or cluster)::

    W = (R b - q)' (R V R')^{-1} (R b - q)  ~  chi2(r)   under H0

Likelihood-ratio test of a restricted (nested) model against a larger one, both fitted
on the same rows::

    LR = 2 (loglik_full - loglik_restricted)  ~  chi2(k_full - k_restricted)

Conventions (R vs Stata vs Python)
----------------------------------
* The Wald statistic is the chi-square form, as R ``car::linearHypothesis(fit, ...,
  vcov. = V, test = "Chisq")`` and Stata ``test`` after ``logit``/``cloglog``/``stcox``
  (which all use ``chi2``, not ``F``, for these models). With a cluster-robust ``V``
  it is the statistic of Stata's ``test`` after ``vce(cluster id)``; Stata then also
  prints an ``F`` version with ``G - 1`` denominator degrees of freedom, which is not
  reported here.
* The likelihood-ratio test is R ``anova(fit0, fit1, test = "LRT")`` for ``glm`` and
  ``anova(cox0, cox1)`` for ``coxph``, and Stata ``lrtest``. It assumes the model's
  likelihood is the true one: rows independent given the covariates. With clustered
  rows (country-years of the same country) prefer the Wald test with the
  cluster-robust covariance; ``lrtest`` in Stata refuses fits with ``vce(cluster)``
  for the same reason, while R's ``anova`` does not check.

Constraints are written over the model's term names (``"regional = world"``,
``"regional + world = 0"``, ``"regional = 0, world = 0"``, ``"2 * regional - world = 1"``)
and parsed by a small parser of linear expressions -- never ``eval``. Term names that
contain operators (``"I(x - 1)"``, ``"C(region)[T.Asia]"``) are matched whole, longest
first; a name may also be quoted with backticks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from diffusion.data.checks import preview, show
from diffusion.errors import EstimationError, SpecificationError

__all__ = [
    "Hypothesis",
    "WaldTest",
    "LikelihoodRatioTest",
    "parse_constraints",
    "wald_test",
    "lr_test",
]


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


# ------------------------------------------------------------------- hypotheses
@dataclass(frozen=True, eq=False)
class Hypothesis:
    """Linear constraints ``R beta = q`` over named terms.

    Attributes
    ----------
    R : (r, K) array
    q : (r,) array
    terms : tuple of str
        The K term names (columns of ``R``).
    labels : tuple of str
        One readable line per constraint.
    """

    R: np.ndarray = field(repr=False)
    q: np.ndarray = field(repr=False)
    terms: tuple[str, ...] = field(repr=False)
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "R", _frozen(self.R))
        object.__setattr__(self, "q", _frozen(self.q))


_OPERATORS = "+-*=,;"


def _tokenize(text: str, terms: Sequence[str]) -> list[tuple[str, object, int]]:
    """Tokens ``(kind, value, position)``: kind is ``name``, ``number`` or ``op``."""
    names = sorted(set(terms), key=len, reverse=True)
    out: list[tuple[str, object, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == "`":
            j = text.find("`", i + 1)
            if j < 0:
                raise SpecificationError(
                    f"unclosed backtick at position {i} of the constraint {show(text)}.")
            name = text[i + 1:j]
            if name not in terms:
                raise SpecificationError(
                    f"{show(name)} is not a term of the model; its terms are {preview(terms, 12)}.")
            out.append(("name", name, i))
            i = j + 1
            continue
        # a known term, longest first: names may contain operators ("I(x - 1)")
        hit = next((m for m in names if text.startswith(m, i)), None)
        if hit is not None and not _word_goes_on(text, i + len(hit)):
            out.append(("name", hit, i))
            i += len(hit)
            continue
        if c in _OPERATORS:
            out.append(("op", c, i))
            i += 1
            continue
        if c.isdigit() or c == ".":
            j = i
            while j < n and (text[j].isdigit() or text[j] in ".eE"
                             or (text[j] in "+-" and text[j - 1] in "eE")):
                j += 1
            try:
                value = float(text[i:j])
            except ValueError:
                raise SpecificationError(
                    f"{show(text[i:j])} at position {i} of {show(text)} is not a number."
                ) from None
            out.append(("number", value, i))
            i = j
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _OPERATORS:
            j += 1
        raise SpecificationError(
            f"{show(text[i:j])} (at position {i} of {show(text)}) is not a term of the model; "
            f"its terms are {preview(terms, 12)}. Write constraints such as "
            f"'a = b', 'a + b = 0' or 'a = 0, b = 0' (quote unusual names with backticks)."
        )
    return out


def _word_goes_on(text: str, j: int) -> bool:
    return j < len(text) and (text[j].isalnum() or text[j] in "_.")


def _parse_side(tokens: list, k: int, terms: Sequence[str], text: str
                ) -> tuple[np.ndarray, float]:
    """One side of a constraint: a sum of ``[number *] term``, ``term [* number]``, numbers."""
    index = {t: j for j, t in enumerate(terms)}
    coef = np.zeros(k)
    const = 0.0
    pos = 0
    if not tokens:
        raise SpecificationError(f"a side of the constraint {show(text)} is empty.")

    def fail(at: int, what: str) -> SpecificationError:
        where = tokens[at][2] if at < len(tokens) else len(text)
        return SpecificationError(
            f"cannot read the constraint {show(text)} at position {where}: {what}. Write "
            f"constraints such as 'a = b', 'a + b = 0', '2 * a - b = 1' or 'a = 0, b = 0'.")

    while True:
        sign = 1.0
        while pos < len(tokens) and tokens[pos][0] == "op" and tokens[pos][1] in "+-":
            sign = -sign if tokens[pos][1] == "-" else sign
            pos += 1
        if pos >= len(tokens):
            raise fail(pos, "expected a term or a number")
        kind, value, _ = tokens[pos]
        star = pos + 1 < len(tokens) and tokens[pos + 1][:2] == ("op", "*")
        if kind == "number":
            if star:
                if pos + 2 >= len(tokens) or tokens[pos + 2][0] != "name":
                    raise fail(pos + 2, "expected a term after '*'")
                coef[index[tokens[pos + 2][1]]] += sign * float(value)
                pos += 3
            else:
                const += sign * float(value)
                pos += 1
        elif kind == "name":
            if star:
                if pos + 2 >= len(tokens) or tokens[pos + 2][0] != "number":
                    raise fail(pos + 2, "expected a number after '*' (constraints are linear)")
                coef[index[value]] += sign * float(tokens[pos + 2][1])
                pos += 3
            else:
                coef[index[value]] += sign
                pos += 1
        else:
            raise fail(pos, f"unexpected {show(value)}")
        if pos == len(tokens):
            return coef, const
        if not (tokens[pos][0] == "op" and tokens[pos][1] in "+-"):
            raise fail(pos, "expected '+', '-', '=' or ','")


def parse_constraints(hypothesis: str | Sequence[str], terms: Sequence[str]) -> Hypothesis:
    """Turn a constraint string, or a list of term names, into ``R beta = q``.

    Parameters
    ----------
    hypothesis : str or sequence of str
        A string of comma- (or semicolon-) separated linear constraints over the term
        names; a constraint without ``=`` means ``= 0``. Or a list of term names, each
        constrained to zero (the joint test that they all vanish).
    terms : sequence of str
        The model's term names.

    Returns
    -------
    Hypothesis

    Raises
    ------
    SpecificationError
        Unknown names, unreadable or non-linear expressions, constraints without any
        term, linearly dependent constraints.

    Examples
    --------
    >>> h = parse_constraints("regional = world, x1 = 0", ["Intercept", "x1", "regional", "world"])
    >>> h.R
    array([[ 0.,  0.,  1., -1.],
           [ 0.,  1.,  0.,  0.]])
    >>> h.labels
    ('regional = world', 'x1 = 0')
    """
    terms = tuple(str(t) for t in terms)
    k = len(terms)
    if isinstance(hypothesis, str):
        if not hypothesis.strip():
            raise SpecificationError("the hypothesis is empty; write constraints such as "
                                     "'regional = world' or pass a list of term names.")
        tokens = _tokenize(hypothesis, terms)
        groups: list[list] = [[]]
        for tok in tokens:
            if tok[0] == "op" and tok[1] in ",;":
                groups.append([])
            else:
                groups[-1].append(tok)
        pieces = _split_text(hypothesis, tokens)
        rows, qs, labels = [], [], []
        for group, piece in zip(groups, pieces):
            if not group:
                raise SpecificationError(
                    f"the constraint list {show(hypothesis)} has an empty constraint (two commas "
                    f"in a row, or a comma at the end).")
            eq = [i for i, t in enumerate(group) if t[:2] == ("op", "=")]
            if len(eq) > 1:
                raise SpecificationError(
                    f"the constraint {show(piece)} has {len(eq)} '=' signs; write one "
                    f"equation per constraint, separated by commas.")
            if eq:
                lhs, lc = _parse_side(group[:eq[0]], k, terms, piece)
                rhs, rc = _parse_side(group[eq[0] + 1:], k, terms, piece)
                row, q = lhs - rhs, rc - lc
                label = piece
            else:
                row, const = _parse_side(group, k, terms, piece)
                q = -const
                label = f"{piece} = 0"
            if not np.any(row):
                raise SpecificationError(
                    f"the constraint {show(piece)} names no term (or its terms cancel); a "
                    f"hypothesis constrains coefficients.")
            rows.append(row)
            qs.append(q)
            labels.append(label)
        R, q = np.vstack(rows), np.array(qs, dtype=np.float64)
    else:
        try:
            names = list(hypothesis)
        except TypeError:
            raise SpecificationError(
                f"the hypothesis must be a constraint string or a list of term names, got "
                f"{type(hypothesis).__name__}.") from None
        if not names:
            raise SpecificationError("the hypothesis names no term; pass term names or a "
                                     "constraint string such as 'regional = world'.")
        bad = [n for n in names if not isinstance(n, str) or n not in terms]
        if bad:
            raise SpecificationError(
                f"{preview(bad)} {'is' if len(bad) == 1 else 'are'} not term(s) of the model; "
                f"its terms are {preview(terms, 12)}.")
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise SpecificationError(f"term(s) {preview(dup)} are listed twice; list each once.")
        R = np.zeros((len(names), k))
        for i, name in enumerate(names):
            R[i, terms.index(name)] = 1.0
        q = np.zeros(len(names))
        labels = [f"{name} = 0" for name in names]
    if np.linalg.matrix_rank(R) < R.shape[0]:
        raise SpecificationError(
            f"the constraints {preview(labels, 8)} are linearly dependent (one follows from "
            f"the others, e.g. the same constraint twice); drop the redundant ones.")
    return Hypothesis(R, q, terms, tuple(labels))


def _split_text(text: str, tokens: list) -> list[str]:
    """The original text of each comma-separated constraint (stripped)."""
    cuts = [t[2] for t in tokens if t[0] == "op" and t[1] in ",;"]
    bounds = [-1, *cuts, len(text)]
    return [text[a + 1:b].strip() for a, b in zip(bounds[:-1], bounds[1:])]


# ----------------------------------------------------------------------- Wald
@dataclass(frozen=True, eq=False)
class WaldTest:
    """Result of a Wald test (immutable).

    Attributes
    ----------
    statistic : float
        ``W = (R b - q)' (R V R')^{-1} (R b - q)``.
    df : int
        Number of constraints.
    p_value : float
        ``P(chi2(df) > W)``.
    constraints : tuple of str
        The hypothesis, one constraint per line.
    covariance : str
        The covariance ``V`` used (e.g. ``"cluster(cown), G=110"``).
    """

    statistic: float
    df: int
    p_value: float
    constraints: tuple[str, ...]
    covariance: str
    _estimates: np.ndarray = field(repr=False)
    _std_errors: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_estimates", _frozen(self._estimates))
        object.__setattr__(self, "_std_errors", _frozen(self._std_errors))

    @property
    def table(self) -> pd.DataFrame:
        """Each constraint's estimate ``R b - q`` and its standard error."""
        return pd.DataFrame({"estimate": self._estimates, "std err": self._std_errors},
                            index=pd.Index(list(self.constraints), name="constraint"))

    def as_text(self) -> str:
        head = (f"Wald test: chi2({self.df}) = {self.statistic:.4f}, p = {self.p_value:.4g} "
                f"(covariance: {self.covariance})")
        lines = [head, "H0: " + "; ".join(self.constraints)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()


def wald_test(params: pd.Series, cov: pd.DataFrame, hypothesis: str | Sequence[str], *,
              covariance: str = "") -> WaldTest:
    """Wald test of linear constraints on ``params`` with covariance ``cov``.

    Parameters
    ----------
    params : Series
        Estimates, indexed by term name.
    cov : DataFrame
        Their covariance (same order).
    hypothesis : str or sequence of str
        See :func:`parse_constraints`.
    covariance : str
        Description of ``cov`` for the printout.

    Returns
    -------
    WaldTest

    Notes
    -----
    ``W = (R b - q)' (R V R')^{-1} (R b - q)`` is referred to ``chi2(r)``, ``r`` the
    number of constraints (R ``car::linearHypothesis(test = "Chisq")``, Stata ``test``).

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.Series([0.5, 0.2], index=["regional", "world"])
    >>> V = pd.DataFrame([[0.04, 0.0], [0.0, 0.01]], index=b.index, columns=b.index)
    >>> round(wald_test(b, V, "regional = world").statistic, 6)  # 0.3^2 / 0.05
    1.8
    """
    terms = [str(t) for t in params.index]
    h = parse_constraints(hypothesis, terms)
    b = params.to_numpy(dtype=np.float64)
    V = cov.loc[params.index, params.index].to_numpy(dtype=np.float64)
    diff = h.R @ b - h.q
    middle = h.R @ V @ h.R.T
    if not (np.all(np.isfinite(diff)) and np.all(np.isfinite(middle))):
        raise EstimationError("the estimates or their covariance are not finite; no Wald test.")
    try:
        stat = float(diff @ np.linalg.solve(middle, diff))
    except np.linalg.LinAlgError:
        raise EstimationError(
            f"the covariance of the constrained combinations {preview(h.labels, 8)} is "
            f"singular (e.g. a cluster-robust covariance with fewer clusters than "
            f"constraints); the Wald test is not defined.") from None
    df = int(h.R.shape[0])
    return WaldTest(stat, df, float(stats.chi2.sf(stat, df)), h.labels, covariance,
                    diff, np.sqrt(np.clip(np.diag(middle), 0, None)))


# ---------------------------------------------------------------- likelihood ratio
@dataclass(frozen=True)
class LikelihoodRatioTest:
    """Result of a likelihood-ratio test: ``statistic``, ``df``, ``p_value``."""

    statistic: float
    df: int
    p_value: float

    def __str__(self) -> str:
        return f"LR chi2({self.df}) = {self.statistic:.4f}, p = {self.p_value:.4g}"


def lr_test(loglik_restricted: float, loglik_full: float, df: int) -> LikelihoodRatioTest:
    """Likelihood-ratio test ``2 (loglik_full - loglik_restricted) ~ chi2(df)``.

    A statistic below zero by more than rounding means the larger model did not reach
    its maximum (it cannot fit worse than a model nested in it): that is an error.
    Rounding noise (below ``1e-8`` of the log-likelihood) is set to zero.

    Examples
    --------
    >>> t = lr_test(-100.0, -97.0, 2)
    >>> t.statistic, t.df, round(t.p_value, 6)
    (6.0, 2, 0.049787)
    """
    if isinstance(df, bool) or not isinstance(df, (int, np.integer)) or df < 1:
        raise SpecificationError(f"a likelihood-ratio test needs df >= 1, got {show(df)}.")
    stat = 2.0 * (float(loglik_full) - float(loglik_restricted))
    if stat < 0:
        if -stat > 1e-8 * max(1.0, abs(float(loglik_full))):
            raise EstimationError(
                f"the larger model's log-likelihood ({loglik_full:.6f}) is below the nested "
                f"model's ({loglik_restricted:.6f}); the larger fit did not reach its maximum. "
                f"Check its convergence (FitControl).")
        stat = 0.0
    return LikelihoodRatioTest(stat, int(df), float(stats.chi2.sf(stat, int(df))))
