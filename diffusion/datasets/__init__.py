"""Real data in the box: loaders for the tables bundled in ``data/``.

Each loader returns a new :class:`pandas.DataFrame` (change it freely) and its docstring
is the table's codebook: unit, years, variables, source, licence, known issues and the
corrections made. The longer codebooks are ``data/<table>.md``; the tables are rebuilt
from the public sources by ``scripts/build_data.py``.

Countries (every table carries ``iso3``, ``cown``, usually ``gwcode``, and ``country``)

load_suffrage
    First year of female suffrage (LIED v6.8; Paxton et al. beside it).
load_state_system
    Membership spells of the COW (v2016) or Gleditsch-Ward (2017) state system.
load_regions
    Codes and regional classifications (COW, World Bank, UN M49, continent).
load_treaty_ratifications
    Ratification years of 18 UN human-rights treaties (long form).
load_belem_do_para
    Ratification years of the Belém do Pará Convention (OAS, 1994).
load_environmental_treaties
    Years states became parties to nine environmental treaties (Ramsar to Stockholm).
load_environmental_treaty_counts
    Country-years: multilateral environmental agreements joined (cumulative).
load_covariates
    Country-years: GDP, population, V-Dem, Polity, BMR, IGO and INGO proxies, KOF.
load_domestic_violence_laws
    First national domestic-violence law of the 35 OAS states (Hawkins & Humes 2002).
load_vaw_laws
    Violence-against-women laws and action plans (low confidence; does not time first
    domestic-violence laws).
load_work_injury
    First work-injury law and first social insurance, 186 countries (GWIP).
load_science_policy
    First national science-policy body and first science ministry (Finnemore 1993).

US states

load_spid, load_spid_policies
    Adoptions of 728 policies (SPID) and the policies' metadata.
load_lottery
    Berry & Berry's (1990) state lottery panel.
Networks

load_medical_innovation, load_medical_innovation_ties
    Coleman, Katz & Menzel's doctors, the month they adopted tetracycline, and their
    advice, discussion and friendship nominations.
load_dhb_policies, load_dhb_networks
    Adoptions of 187 policies and the diffusion networks inferred from them by
    Desmarais, Harden & Boehmke (2015).
"""

from diffusion.datasets.covariates import load_covariates
from diffusion.datasets.dhb import DHB_NETWORKS, load_dhb_networks, load_dhb_policies
from diffusion.datasets.domestic_violence import load_domestic_violence_laws
from diffusion.datasets.environment import (
    ENVIRONMENTAL_TREATIES,
    load_environmental_treaties,
    load_environmental_treaty_counts,
)
from diffusion.datasets.lottery import load_lottery
from diffusion.datasets.medical_innovation import (
    load_medical_innovation,
    load_medical_innovation_ties,
)
from diffusion.datasets.regions import load_regions
from diffusion.datasets.science_policy import load_science_policy
from diffusion.datasets.spid import load_spid, load_spid_policies
from diffusion.datasets.state_system import load_state_system
from diffusion.datasets.suffrage import load_suffrage
from diffusion.datasets.treaties import TREATIES, load_belem_do_para, load_treaty_ratifications
from diffusion.datasets.vaw import load_vaw_laws
from diffusion.datasets.work_injury import load_work_injury

__all__ = [
    "DHB_NETWORKS",
    "ENVIRONMENTAL_TREATIES",
    "TREATIES",
    "load_belem_do_para",
    "load_covariates",
    "load_dhb_networks",
    "load_dhb_policies",
    "load_domestic_violence_laws",
    "load_environmental_treaties",
    "load_environmental_treaty_counts",
    "load_lottery",
    "load_medical_innovation",
    "load_medical_innovation_ties",
    "load_regions",
    "load_science_policy",
    "load_spid",
    "load_spid_policies",
    "load_state_system",
    "load_suffrage",
    "load_treaty_ratifications",
    "load_vaw_laws",
    "load_work_injury",
]
