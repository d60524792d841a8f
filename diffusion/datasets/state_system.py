"""State-system membership spells: Correlates of War (v2016) and Gleditsch-Ward (2017)."""

from __future__ import annotations

from typing import Literal, get_args

import pandas as pd

from diffusion.datasets._files import read_table
from diffusion.errors import SpecificationError

__all__ = ["System", "load_state_system"]

System = Literal["cow", "gw"]

_DTYPES = {
    "system": "object", "cown": "Int64", "gwcode": "Int64", "iso3": "object",
    "country": "object", "start": "int64", "end": "int64", "open_ended": "bool",
    "microstate": "bool",
}
_CODE = {"cow": "cown", "gw": "gwcode"}


def load_state_system(*, system: System = "cow") -> pd.DataFrame:
    """Membership spells of the international state system, one row per spell.

    Unit: the membership spell of a state; a state can have several (Germany, COW 255:
    1816-1945 and 1990-2016). Years: 1816-2016 (COW, 243 spells of 217 states) and
    1816-2017 (G&W, 239 spells of 226 states, microstates included).

    Parameters
    ----------
    system : {"cow", "gw"}, default "cow"
        Correlates of War *State System Membership List* v2016, or Gleditsch & Ward's
        list of independent states (2017 revision) with their list of microstates.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by code and start, with columns

        ``cown`` (COW) or ``gwcode`` (G&W) (Int64)
            The state's code in the chosen system.
        ``iso3`` (str)
            ISO 3166-1 alpha-3 code of today's state; also given to the predecessor
            that held the same ISO code (COW 260, German Federal Republic, and COW 678,
            Yemen Arab Republic; G&W 255, Germany/Prussia, and 815, Vietnam/Annam).
            Empty for states without one (German Democratic Republic, Austria-Hungary,
            Czechoslovakia, Kosovo, ...). Several spells can share an ``iso3``.
        ``country`` (str)
            The list's own name for the state.
        ``start``, ``end`` (int)
            First and last calendar year of the spell, inclusive: a state that joined on
            10 January 1920 is a member in 1920. Years only; the lists have exact dates.
        ``open_ended`` (bool)
            The spell runs to the end of the list (COW 2016-12-31, G&W 2017), i.e. the
            state was still a member: ``end`` is then the last year of coverage, not an
            exit.
        ``microstate`` (bool)
            G&W: the state is on G&W's separate microstates list. COW (which keeps
            microstates in its main list): the same states as flagged by the R package
            states.

    Raises
    ------
    diffusion.errors.SpecificationError
        ``system`` is not "cow" or "gw".

    Notes
    -----
    The lists differ by design: COW requires diplomatic recognition and population
    thresholds (New Zealand enters in 1920), G&W independence (New Zealand 1907); G&W
    treat unified Yemen as the Yemen Arab Republic (678) continued, COW as a new state
    (679); COW's 345 is Serbia/Yugoslavia throughout, G&W split Serbia (340) from
    Yugoslavia (345). Say which list defines the risk set.

    To treat open-ended spells as ongoing beyond the list's coverage (what
    :meth:`diffusion.RiskSet.from_events` does with a missing ``end``), blank their end:
    ``spells["end"] = spells["end"].where(~spells["open_ended"])``.

    Sources: Correlates of War Project (2017), *State System Membership List, v2016*,
    correlatesofwar.org (free to use with citation), read from the R package
    peacesciencer (S. Miller). Gleditsch & Ward (1999), "A Revised List of Independent
    States since the Congress of Vienna", *International Interactions* 25(4): 393-413,
    lists ``iisystem.dat`` and ``microstatessystem.dat`` (2017), read from the R package
    states 0.3.3 (A. Beger, MIT). Codebook: ``data/state_system.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_state_system
    >>> cow = load_state_system(system="cow")
    >>> cow.loc[cow["cown"] == 255, ["start", "end"]].to_numpy().tolist()
    [[1816, 1945], [1990, 2016]]
    """
    if system not in _CODE:
        raise SpecificationError(
            f"system={system!r} is not a state-system list; choose one of "
            f"{', '.join(repr(s) for s in get_args(System))} (Correlates of War or "
            "Gleditsch-Ward)."
        )
    spells = read_table("state_system", _DTYPES)
    other = _CODE["gw" if system == "cow" else "cow"]
    spells = spells.loc[spells["system"] == system].drop(columns=["system", other])
    return spells.reset_index(drop=True)
