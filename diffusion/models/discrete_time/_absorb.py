"""Fisher scoring with absorbed fixed effects: weighted alternating projections.

The model is ``eta = X beta + a_1[g_1] + ... + a_m[g_m]``, with one effect per level of
each absorbed factor (process, period). The effects are never put in the design.
Inside every scoring (IRLS) step -- the weighted least-squares fit of the working
response ``z = eta + u / w`` on the design -- the columns of ``X`` and ``z`` are
*residualised* on the absorbed factors with weights ``w`` by alternating projections
(Gauss-Seidel sweeps: subtract each factor's weighted group means in turn, until no
group mean moves; one factor takes one sweep, and two factors -- process and period,
the pooled model -- are solved directly through the Schur complement on the smaller
factor, which is exact and needs no iteration), and ``beta`` is the least-squares fit
of the residualised ``z`` on the residualised ``X`` (Frisch-Waugh-Lovell). The linear predictor of the next step
is ``z`` minus the residual of that fit, which includes the effects. This is the
algorithm of fixest's ``feglm`` (Berge 2018) and pyfixest's ``feglm``; the estimates
equal those of the dummy-variable fit (R ``glm`` with ``factor()`` terms).

Start and step halving: the fit starts at a linear predictor of the model (``beta = 0``
and one factor's effects at the group hazards, :func:`_start_in_model`), not at R's
``mu = (y + 1/2) / 2``, because the step halving compares every step with the
log-likelihood of the current predictor, and R's start -- a function of ``y`` -- can
have a higher log-likelihood than the model's maximum when events are common.

Speed: a sweep (or the direct two-factor solve) is one ``bincount`` and one gather per
factor and column. With three or more factors, the group means of each column are kept
between scoring steps (the weights change little once the fit settles), so later steps
need few sweeps; the alternating projections are not accelerated (no Irons-Tuck), so
three or more large, weakly connected factors converge slowly.

The kernels of the binary engine (:mod:`diffusion.models.discrete_time._glm`: link
derivatives and log-likelihood in place, the equilibrated Cholesky solve, R's
starting values) are reused, not copied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from diffusion._linalg import as_columns, column_dots, column_gram
from diffusion.models.control import FitControl
from diffusion.models.discrete_time._glm import (
    _Kernel,
    _link_in_place,
    _solve,
    _start_eta,
    halve_step,
)
from diffusion.models.links import Link

__all__ = ["Absorber", "AbsorbedFit", "fit_absorbed_glm", "DIRECT_MAX"]

#: Two absorbed factors are solved directly (not by alternating projections) when the
#: smaller has at most this many levels: a dense ``G x G`` Cholesky per scoring step.
DIRECT_MAX = 3000


class Absorber:
    """Weighted residualisation on absorbed factors, with warm starts.

    Parameters
    ----------
    codes : list of int arrays
        One array of group codes ``0 .. G-1`` per absorbed factor.
    tol : float
        Sweeps stop when the largest group-mean update is below ``tol`` times the
        column's scale (``max(1, max |x|)``).
    max_sweeps : int
    """

    def __init__(self, codes: list[np.ndarray], tol: float = 1e-13,
                 max_sweeps: int = 100_000) -> None:
        self.codes = [np.ascontiguousarray(c, dtype=np.intp) for c in codes]
        self.sizes = [int(c.max()) + 1 if len(c) else 0 for c in self.codes]
        self.tol = tol
        self.max_sweeps = max_sweeps
        self.sweeps = 0  # total sweeps, for diagnostics
        self._pair: np.ndarray | None = None
        self._null: np.ndarray | None = None
        self._direct_state: tuple | None = None
        self._means: dict[int, list[np.ndarray]] = {}

    def residualise(self, x: np.ndarray, w: np.ndarray, out: np.ndarray, key: int,
                    buf: np.ndarray, wsums: list[np.ndarray]) -> bool:
        """``out = x`` minus its weighted projection on the factors; True when converged.

        One factor: one exact sweep. Two factors, the smaller with at most
        :data:`DIRECT_MAX` levels: solved directly (:meth:`_direct`). Otherwise
        alternating projections; ``key`` names the column, so that its group means start
        where the last call left them (warm start).
        """
        if len(self.codes) == 1:
            self.sweeps += 1
            c, ws = self.codes[0], wsums[0]
            np.multiply(x, w, out=buf)
            mean = np.bincount(c, weights=buf, minlength=self.sizes[0])
            np.divide(mean, ws, out=mean, where=ws > 0)
            mean[ws <= 0] = 0.0
            np.subtract(x, mean[c], out=out)
            return True
        if len(self.codes) == 2 and min(self.sizes) <= DIRECT_MAX:
            return self._direct(x, w, out, buf, wsums)
        means = self._means.get(key)
        if means is None:
            means = [np.zeros(g) for g in self.sizes]
            self._means[key] = means
        np.copyto(out, x)
        for c, a in zip(self.codes, means):
            if np.any(a):
                out -= a[c]
        scale = max(1.0, float(np.max(np.abs(x)))) if len(x) else 1.0
        limit = self.tol * scale
        for _ in range(self.max_sweeps):
            self.sweeps += 1
            moved = 0.0
            for c, a, ws in zip(self.codes, means, wsums):
                np.multiply(out, w, out=buf)
                delta = np.bincount(c, weights=buf, minlength=len(a))
                np.divide(delta, ws, out=delta, where=ws > 0)
                delta[ws <= 0] = 0.0
                out -= delta[c]
                a += delta
                moved = max(moved, float(np.max(np.abs(delta))) if len(delta) else 0.0)
            if moved <= limit:
                return True
        return False

    def weight_sums(self, w: np.ndarray) -> list[np.ndarray]:
        """Weight per level of each factor (and, for two factors, the direct solver's setup)."""
        ws = [np.bincount(c, weights=w, minlength=g) for c, g in zip(self.codes, self.sizes)]
        if len(self.codes) == 2 and min(self.sizes) <= DIRECT_MAX:
            self._setup_direct(w, ws)
        return ws

    # ------------------------------------------------------------ two factors
    def _setup_direct(self, w: np.ndarray, ws: list[np.ndarray]) -> None:
        """Schur complement of the two-factor normal equations on the smaller factor.

        With ``A`` the larger factor (levels ``a``), ``B`` the smaller (levels ``b``) and
        ``C[a, b]`` the weight of the rows in both, the weighted least-squares effects
        solve ``diag(W_A) alpha + C beta = r_A`` and ``C' alpha + diag(W_B) beta = r_B``.
        Eliminating ``alpha``: ``S beta = r_B - C' (r_A / W_A)`` with
        ``S = diag(W_B) - C' diag(1/W_A) C``. ``S`` is singular (one null vector per
        connected component of the levels: the indicator of the component's ``b``
        levels); adding ``v v'`` for each makes it positive definite and picks the
        solution with ``v' beta = 0``, which leaves the residual unchanged.
        """
        ia, ib = (0, 1) if self.sizes[0] >= self.sizes[1] else (1, 0)
        ca, cb = self.codes[ia], self.codes[ib]
        ga, gb = self.sizes[ia], self.sizes[ib]
        if self._pair is None:
            self._pair = ca.astype(np.int64) * gb + cb
            graph = coo_matrix((np.ones(len(ca)), (ca, cb + ga)), shape=(ga + gb, ga + gb))
            _, labels = connected_components(graph, directed=False)
            comp_b = labels[ga:]
            _, comp_b = np.unique(comp_b, return_inverse=True)
            self._null = np.zeros((gb, int(comp_b.max()) + 1 if gb else 0))
            self._null[np.arange(gb), comp_b] = 1.0
        C = np.bincount(self._pair, weights=w, minlength=ga * gb).reshape(ga, gb)
        wa, wb = ws[ia], ws[ib]
        inv_a = np.divide(1.0, wa, out=np.zeros(ga), where=wa > 0)
        S = np.diag(wb) - C.T @ (C * inv_a[:, None])
        scale = max(1.0, float(np.max(wb))) if gb else 1.0
        S += scale * (self._null @ self._null.T)
        try:
            chol = linalg.cho_factor(S, lower=True, check_finite=False)
            solve = lambda r: linalg.cho_solve(chol, r, check_finite=False)  # noqa: E731
        except linalg.LinAlgError:
            # not numerically positive definite (levels with almost no weight): a
            # pseudo-inverse, which gives the same residual on the consistent system
            vals, vecs = np.linalg.eigh(S)
            keep = vals > vals[-1] * 1e-13
            pinv = (vecs[:, keep] / vals[keep]) @ vecs[:, keep].T
            solve = lambda r: pinv @ r  # noqa: E731
        self._direct_state = (ia, ib, C, inv_a, solve)

    def _direct(self, x: np.ndarray, w: np.ndarray, out: np.ndarray, buf: np.ndarray,
                wsums: list[np.ndarray]) -> bool:
        self.sweeps += 1
        ia, ib, C, inv_a, solve = self._direct_state
        ca, cb = self.codes[ia], self.codes[ib]
        np.multiply(x, w, out=buf)
        ra = np.bincount(ca, weights=buf, minlength=self.sizes[ia])
        rb = np.bincount(cb, weights=buf, minlength=self.sizes[ib])
        ra_scaled = ra * inv_a
        beta = solve(rb - C.T @ ra_scaled)
        alpha = ra_scaled - (C @ beta) * inv_a
        np.subtract(x, alpha[ca], out=out)
        out -= beta[cb]
        return True

    def residualise_columns(self, X: np.ndarray, w: np.ndarray,
                            out: np.ndarray | None = None, key0: int = 0) -> np.ndarray:
        """Every column of ``X`` residualised (column-major result)."""
        X = as_columns(X)
        out = np.empty_like(X, order="F") if out is None else out
        buf = np.empty(X.shape[0])
        ws = self.weight_sums(w)
        for j in range(X.shape[1]):
            self.residualise(X[:, j], w, out[:, j], key0 + j, buf, ws)
        return out


@dataclass(frozen=True)
class AbsorbedFit:
    params: np.ndarray
    eta: np.ndarray
    converged: bool
    n_iter: int
    sweeps: int
    messages: tuple[str, ...]


def _start_in_model(link: Link, y: np.ndarray, absorber: Absorber,
                    kernel: _Kernel) -> np.ndarray:
    """A starting linear predictor *of the model*: ``beta = 0`` and one factor's effects
    at their maximum alone, ``g(mean of y in the group)``.

    Why not R's start ``mu = (y + 1/2) / 2`` (:func:`_start_eta`): that predictor is a
    function of ``y``, not ``X beta + effects``, and its log-likelihood is not one the
    model can reach -- when events are common (a hazard of 15 %, as in directed dyads
    with adopted sources) it is *higher* than the maximum (every row at
    ``log 0.75``). R ``glm.fit`` never compares against it (it halves only on a
    non-finite deviance), but the step halving here does from the first step: every
    scoring step then lowered the log-likelihood below the start's, and halving kept
    ``eta`` near the start, a mix of the start and the model, in tiny steps until the
    iteration limit. From a predictor of the model, the scoring step is an ascent
    direction of the model's likelihood, and halving is sound from the first step.

    Of the factors, the one whose start has the largest log-likelihood is taken (one
    kernel call each). A group whose outcomes are all 0 or all 1 (the caller drops
    them; this engine does not require it) starts at ``(events + 1/2) / (rows + 1)``.
    """
    best, best_ll = None, -np.inf
    for c, g in zip(absorber.codes, absorber.sizes):
        rows = np.bincount(c, minlength=g).astype(np.float64)
        events = np.bincount(c, weights=y, minlength=g)
        inside = (events > 0) & (events < rows)
        mu = np.where(inside, events / np.maximum(rows, 1.0), (events + 0.5) / (rows + 1.0))
        eta = _link_in_place(link, mu)[c]
        ll = kernel(eta)
        if best is None or ll > best_ll:
            best, best_ll = eta, ll
    return best if best is not None else _start_eta(link, y)


def fit_absorbed_glm(y: np.ndarray, X: np.ndarray, codes: list[np.ndarray], link: Link,
                     control: FitControl, *, demean_tol: float = 1e-13) -> AbsorbedFit:
    """Bernoulli GLM with absorbed factors, by Fisher scoring (see module docstring).

    Stops when the relative change of the log-likelihood is below ``control.tol`` and the
    largest coefficient step below ``control.gtol * max(1, max |beta|)`` (or, without
    covariates, on the log-likelihood alone).
    """
    y = np.ascontiguousarray(y, dtype=np.float64)
    Xf = as_columns(X)
    n, k = Xf.shape
    kernel = _Kernel(link, y)
    absorber = Absorber(codes, tol=demean_tol)
    Xt = np.empty((n, k), order="F")
    z = np.empty(n)
    zt = np.empty(n)
    buf = np.empty(n)
    eta = _start_in_model(link, y, absorber, kernel)
    ll = kernel(eta)
    beta = np.zeros(k)
    messages: list[str] = []
    converged = False
    n_iter = 0
    key_z = k  # the working response's warm-start slot
    for n_iter in range(1, control.max_iter + control.max_newton + 1):
        w = kernel.w
        # working response z = eta + u / w (w > 0 on every row that carries information)
        np.divide(kernel.u, w, out=z, where=w > 0)
        z[w <= 0] = 0.0
        z += eta
        ws = absorber.weight_sums(w)
        ok = absorber.residualise(z, w, zt, key_z, buf, ws)
        for j in range(k):
            ok &= absorber.residualise(Xf[:, j], w, Xt[:, j], j, buf, ws)
        if not ok:
            messages.append("the alternating projections did not converge")
            break
        if k:
            new_beta = _solve(column_gram(Xt, w, buf), column_dots(Xt, w * zt))
            if new_beta is None:
                messages.append("the information matrix became singular")
                break
            # eta = z - (zt - Xt beta): the fitted values including the absorbed effects
            new_eta = z - zt + Xt @ new_beta
        else:
            new_beta = beta
            new_eta = z - zt
        accepted = halve_step(kernel, ll, lambda scale: (
            eta + scale * (new_eta - eta) if scale < 1.0 else new_eta))
        if accepted is None:
            messages.append("step halving failed to increase the log-likelihood")
            break
        scale, new_ll = accepted
        step = scale * (new_beta - beta)
        beta = beta + step
        eta = eta + scale * (new_eta - eta) if scale < 1.0 else new_eta
        change = abs(new_ll - ll) / (abs(new_ll) + 0.1)
        ll = new_ll
        small_step = (not k) or float(np.max(np.abs(step))) < control.gtol * max(
            1.0, float(np.max(np.abs(beta))))
        # with covariates the step decides, as in the binary engine: at hundreds of
        # thousands of rows the relative change of the summed log-likelihood carries
        # rounding noise above 1e-12 and may never pass control.tol; without covariates
        # (absorbed effects only) the change of the log-likelihood decides, at a floor
        # above that noise
        if n_iter > 1 and small_step and (k > 0 or change < max(control.tol, 1e-10)):
            converged = True
            break
    return AbsorbedFit(beta, eta, converged, n_iter, absorber.sweeps, tuple(messages))
