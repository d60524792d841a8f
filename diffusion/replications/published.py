"""What each replicated study printed, as far as public text shows it.

One record per replication: the study, and either the numbers of its results table as
printed (each with table, page and the address where it was read) or, where no public
copy of the table could be read, the reason it is **sign-only**. A number enters here
only when it was read in the source cited beside it; nothing is filled in from memory
or inferred from our own estimates. The searches behind the sign-only records (stored
public web pages, public code and documentation, in 2026) are listed in
``docs/guide/replications.md``.
"""

from __future__ import annotations

from diffusion.replications.base import PublishedStudy

__all__ = ["STUDIES"]

_NO_COPY = ("No public copy of the article's results table could be read (searched: stored "
            "public web pages, public code and documentation); the claims are the article's "
            "stated findings, judged by sign and p < 0.05.")

STUDIES: dict[str, PublishedStudy] = {
    "suffrage": PublishedStudy(
        citation=("Ramirez, F. O., Soysal, Y. & Shanahan, S. (1997). The changing logic of "
                  "political citizenship. American Sociological Review 62(5):735-745."),
        sign_only=_NO_COPY),
    "cedaw": PublishedStudy(
        citation=("Wotipka & Ramirez (2008), in Simmons, Dobbin & Garrett (eds), The Global "
                  "Diffusion of Markets and Democracy, 303-343."),
        sign_only=(_NO_COPY + " Only the title page of the 2003 conference version was "
                   "readable.")),
    "crpd": PublishedStudy(
        citation="No published study: the CEDAW design applied to new treaty data.",
        sign_only="No published study of CRPD ratification with this design is replicated."),
    "lottery": PublishedStudy(
        citation="Berry & Berry (1990), American Political Science Review 84(2):395-415.",
        table="Table 1, column 1", page="406",
        sign_only=(_NO_COPY + " The table and page are those named by the Desmarais, Harden "
                   "& Boehmke (2015) replication script (lottery.replication.R), whose data "
                   "give the 857 state-years used here; the article's own N was not read."),
        notes=("Berry & Berry's significance tests were one-tailed, according to the "
               "replication files of Cruz-Aceves & Mallinson (2018, analysis.do): \"in the "
               "article we reported one-tailed tests, consistent with Berry and Berry "
               "(1990)\". Our verdicts use two-sided p < 0.05, which is stricter.",)),
    "policy_networks": PublishedStudy(
        citation=("Desmarais, Harden & Boehmke (2015), \"Persistent policy pathways: "
                  "inferring diffusion networks in the American states\", American Political "
                  "Science Review 109(2):392-406."),
        sign_only=_NO_COPY,
        notes=("DHB's replication script (lottery.replication.R, model m1sc2) measures "
               "network exposure as the COUNT of a state's sources that had adopted (the "
               "share is commented out), and its cumulative adopter list appears to run "
               "through the current year; ours is the share of sources that adopted by "
               "t - 1. Signs are comparable, magnitudes are not.",)),
    "medical_innovation": PublishedStudy(
        citation=("Coleman, Katz & Menzel (1966), Medical Innovation; Burt (1987), American "
                  "Journal of Sociology 92(6):1287-1335; Van den Bulte & Lilien (2001), "
                  "American Journal of Sociology 106(5):1409-1435."),
        sign_only=_NO_COPY,
        notes=("The studies disagree on cohesion: Burt (1987, abstract) \"Where contagion "
               "occurred, its effect was through structural equivalence not cohesion\"; Van "
               "den Bulte & Lilien (2001, abstract) \"When marketing efforts are controlled "
               "for, contagion effects disappear.\"",)),
    "domestic_violence": PublishedStudy(
        citation=("Hawkins & Humes (2002), \"Human rights and domestic violence\", Political "
                  "Science Quarterly 117(2):231-257."),
        sign_only=_NO_COPY),
    "science_policy": PublishedStudy(
        citation=("Finnemore (1993), International Organization 47(4):565-597."),
        sign_only=("Finnemore's quantitative test is a set of histograms of R&D spending, "
                   "scientists, GDP per capita and defence spending at the time of adoption "
                   "(Figures 1-4, pp. 572-575), not a regression table: there is no "
                   "coefficient to compare. Her stated facts are compared with the data "
                   "in their own table."),
        notes=("p. 572: \"Figures 1-4 provide little support for the necessary condition "
               "hypothesis\" (domestic demand).",)),
    "environment": PublishedStudy(
        citation=("Frank, Hironaka & Schofer (2000), American Sociological Review "
                  "65(1):96-116."),
        sign_only=(_NO_COPY + " Only the JSTOR cover page and the abstract were readable; "
                   "the abstract names the five indicators modelled (national parks, "
                   "chapters of international environmental associations, memberships in "
                   "intergovernmental environmental organizations, environmental impact "
                   "assessment laws, environmental ministries), none of which is treaty "
                   "ratification.")),
}

#: the record of a fit to the user's own treaty data
USER_TREATY = PublishedStudy(
    citation="Ratification years supplied by the user.",
    sign_only="The data are the user's: there is no published table to compare with.")
