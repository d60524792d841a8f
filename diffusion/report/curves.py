"""Descriptive curves behind the plots: Kaplan-Meier estimates and exposure by year.

Kaplan-Meier on a risk set
--------------------------
Each row ``(i, t)`` of a risk set is a counting-process interval ``(d - 1, d]`` on the
duration clock, with ``d = t - origin_i + 1``:

* ``origin="entry"`` (default): ``origin_i`` is the unit's first year at risk
  (:meth:`RiskSet.entry_times`, per spell with ``repeated=True``), so ``d = 1`` in
  that year. A unit that leaves the system and re-enters is not at risk during the
  gap and re-enters at the duration its clock has reached (left truncation of the
  second spell), as in the duration terms of the hazard models.
* ``origin="membership"``: ``origin_i`` is the first year the unit was a member of
  the system (independence). Units already members when the study window opens enter
  observation late, at ``d = start - origin_i + 1``: they are left truncated, so they
  count in the risk set only from that duration on.

With ``n(d)`` the rows at risk at ``d`` (rows whose interval ends at ``d``) and
``e(d)`` the events among them, the product-limit estimate is
``S(d) = prod_{u <= d} (1 - e(u) / n(u))`` with Greenwood's
``Var(log S(d)) = sum_{u <= d} e(u) / (n(u) (n(u) - e(u)))``. The interval is the
log-log one, ``S(d)^exp(+-z sqrt(Var) / log S(d))`` -- the default of Stata's ``sts``
and lifelines; R's ``survfit`` defaults to ``conf.type = "log"`` (pass
``conf.type = "log-log"`` to compare). These equal R
``survfit(Surv(d - 1, d, event) ~ 1)`` on the rows (``start < u <= stop``) and lifelines
``KaplanMeierFitter.fit(stop, event, entry=start)`` per spell, once lifelines' entry
convention (at risk *at* the entry time, ``entry <= u``) is accounted for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import stats

from diffusion.data.checks import check_option, preview, show
from diffusion.data.history import OPEN_START
from diffusion.errors import SpecificationError
from diffusion.exposure.base import group_codes

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.data.riskset import RiskSet

__all__ = ["ORIGINS", "exposure_over_time_table", "kaplan_meier_table", "row_groups"]

Origin = Literal["entry", "membership"]
ORIGINS = ("entry", "membership")


def row_groups(risk_set: RiskSet, groups: pd.DataFrame | None, group: str | None) -> np.ndarray | None:
    """Group label (as str) of every row of the risk set, validated by ``group_codes``."""
    if groups is None:
        if group is not None:
            raise SpecificationError("group= names a column of groups=; pass the groups table too.")
        return None
    group_codes(groups, group, risk_set)  # validates: one group per member unit
    col = group or next(c for c in groups.columns if c != risk_set.unit)
    lookup = pd.Series(groups[col].to_numpy(), index=pd.Index(groups[risk_set.unit]))
    return risk_set._frame[risk_set.unit].map(lookup).astype(str).to_numpy()


def check_only(only, available: list[str], what: str = "group") -> list[str] | None:
    """Refuse requests for groups that do not exist, naming those that do."""
    if only is None:
        return None
    if isinstance(only, str) or not hasattr(only, "__iter__"):
        raise SpecificationError(f"only must be a list of {what} names, got {show(only)}.")
    only = [str(g) for g in only]
    unknown = [g for g in only if g not in available]
    if unknown:
        raise SpecificationError(
            f"{what}(s) {preview(unknown)} do not exist; the {what}s are "
            f"{preview(available, 20)}."
        )
    if not only:
        raise SpecificationError(f"only is empty; name at least one {what}.")
    return only


def durations(risk_set: RiskSet, origin: str) -> np.ndarray:
    """Duration ``d`` of every row of the risk set on the chosen origin (see module doc)."""
    origin = check_option(origin, ORIGINS, name="origin")
    frame = risk_set._frame
    t = frame[risk_set.time].to_numpy(dtype=np.int64)
    if origin == "entry":
        return t - risk_set.entry_times().to_numpy(dtype=np.int64) + 1
    if risk_set.repeated:
        raise SpecificationError(
            "origin='membership' measures the time to the first event since the unit joined "
            "the system; with repeated events use origin='entry' (time since the start of "
            "each spell)."
        )
    hist = risk_set.single_history("the Kaplan-Meier curve")
    first = pd.Series(hist.spell_start).groupby(hist.spell_unit).min()
    codes = hist.codes(frame[risk_set.unit])
    start = first.reindex(codes).to_numpy()
    if (start <= OPEN_START).any():
        raise SpecificationError(
            "origin='membership' needs the year each unit joined the system, but this risk "
            "set was built with units= (members for the whole window, no start year). Pass "
            "membership spells to RiskSet.from_events, or use origin='entry'."
        )
    return t - start.astype(np.int64) + 1


def _km(d: np.ndarray, event: np.ndarray, z: float) -> pd.DataFrame:
    times, inv = np.unique(d, return_inverse=True)
    n = np.bincount(inv, minlength=len(times)).astype(np.float64)
    e = np.bincount(inv, weights=event, minlength=len(times))
    surv = np.cumprod(1.0 - e / n)
    # Greenwood's sum; infinite once every unit at risk has had the event
    term = np.divide(e, n * (n - e), out=np.full(len(n), np.inf), where=n > e)
    green = np.cumsum(np.where(e > 0, term, 0.0))
    lower, upper = surv.copy(), surv.copy()  # S = 1 (no event yet) and S = 0: degenerate
    inside = (surv > 0) & (surv < 1) & np.isfinite(green)
    logs = np.log(surv[inside])
    half = z * np.sqrt(green[inside]) / logs  # negative
    lower[inside] = surv[inside] ** np.exp(-half)
    upper[inside] = surv[inside] ** np.exp(half)
    lower[(surv == 0) | ~np.isfinite(green)] = 0.0
    return pd.DataFrame({"duration": times, "n_risk": n.astype(np.int64),
                         "n_events": e.astype(np.int64), "survival": surv,
                         "lower": lower, "upper": upper})


def kaplan_meier_table(
    risk_set: RiskSet,
    groups: pd.DataFrame | None = None,
    *,
    group: str | None = None,
    origin: Origin = "entry",
    level: float = 0.95,
) -> pd.DataFrame:
    """Kaplan-Meier estimate of the time to adoption, overall and by group.

    Parameters
    ----------
    risk_set : RiskSet
    groups : DataFrame, optional
        Unit column and a group column (as for exposure measures): one curve per group
        besides the overall one.
    group : str, optional
        The group column of ``groups`` when it has several.
    origin : {"entry", "membership"}, default "entry"
        Duration since the first year at risk, or since the unit joined the system
        (units already members when the window opens are left truncated).
    level : float, default 0.95
        Level of the log-log confidence interval.

    Returns
    -------
    DataFrame
        ``group`` (``"all"`` and each group), ``duration`` (every duration with rows at
        risk), ``n_risk``, ``n_events``, ``survival`` (share not yet adopted),
        ``lower``, ``upper``.

    Notes
    -----
    See the module docstring for the estimator, the left truncation and the
    conventions of R, Stata and lifelines.

    Examples
    --------
    >>> import diffusion as d
    >>> world = d.simulate.world(seed=1, n_units=60)
    >>> km = d.report.kaplan_meier_table(world.risk_set(), world.groups)
    >>> sorted(km["group"].unique())[:3]
    ['R0', 'R1', 'R2']
    """
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise SpecificationError(f"level must lie strictly between 0 and 1, got {show(level)}.")
    z = float(stats.norm.ppf(0.5 + level / 2))
    d = durations(risk_set, origin)
    event = risk_set._frame[risk_set.event].to_numpy(dtype=np.float64)
    labels = row_groups(risk_set, groups, group)
    pieces = [_km(d, event, z).assign(group="all")]
    if labels is not None:
        for g in sorted(pd.unique(labels)):
            sel = labels == g
            pieces.append(_km(d[sel], event[sel], z).assign(group=g))
    out = pd.concat(pieces, ignore_index=True)
    return out[["group", "duration", "n_risk", "n_events", "survival", "lower", "upper"]]


def exposure_over_time_table(
    risk_set: RiskSet,
    column: str,
    groups: pd.DataFrame | None = None,
    *,
    group: str | None = None,
) -> pd.DataFrame:
    """Mean and quartiles of a risk-set column by year, over the units at risk.

    Parameters
    ----------
    risk_set : RiskSet
    column : str
        A numeric column of the risk set (an exposure measure or covariate).
    groups : DataFrame, optional
        Unit column and a group column: one set of rows per group besides ``"all"``.
    group : str, optional
        The group column of ``groups`` when it has several.

    Returns
    -------
    DataFrame
        ``group``, the time column, ``n`` (rows with a value), ``n_missing`` (rows
        without one: left out of the statistics, never dropped silently), ``mean``,
        ``q25``, ``median``, ``q75`` (R ``quantile`` type 7, numpy's default).
    """
    frame = risk_set._frame
    if not isinstance(column, str) or column not in frame.columns:
        raise SpecificationError(
            f"column {show(column)} is not in the risk set; its columns are "
            f"{preview(list(frame.columns), 15)}. Add exposure with with_exposure."
        )
    values = frame[column]
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        raise SpecificationError(f"column {show(column)} is not numeric ({values.dtype}).")
    labels = row_groups(risk_set, groups, group)
    data = pd.DataFrame({"time": frame[risk_set.time].to_numpy(),
                         "value": values.to_numpy(dtype=np.float64, na_value=np.nan)})
    pieces = [("all", data)]
    if labels is not None:
        pieces += [(g, data[labels == g]) for g in sorted(pd.unique(labels))]
    out = []
    for g, part in pieces:
        by = part.groupby("time")["value"]
        stats_ = pd.DataFrame({
            "n": by.count(), "n_missing": by.size() - by.count(), "mean": by.mean(),
            "q25": by.quantile(0.25), "median": by.median(), "q75": by.quantile(0.75),
        })
        out.append(stats_.reset_index().assign(group=g))
    table = pd.concat(out, ignore_index=True).rename(columns={"time": risk_set.time})
    return table[["group", risk_set.time, "n", "n_missing", "mean", "q25", "median", "q75"]]
