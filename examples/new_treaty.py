"""Fit the CEDAW ratification design to new treaty data.

Run: ``python examples/new_treaty.py``. A user's table needs only a country code
(``iso3`` or ``cown``) and the ratification year; here the CRPD years from the
bundled table stand in for "your" file. From the shell the same is
``python -m diffusion treaty my_treaty.csv --start 2007 --name MYTREATY``.
"""

from __future__ import annotations

from diffusion import datasets
from diffusion.replications.treaties import run_treaty


def main() -> None:
    table = datasets.load_treaty_ratifications()
    mine = table.loc[table["treaty"] == "CRPD", ["iso3", "year"]]
    rep = run_treaty("CRPD", events=mine, start=2007, name="crpd")
    print(rep.report())


if __name__ == "__main__":
    main()
