#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.exposure.thresholds: R netdiffuseR threshold(),
# classify_adopters(), infection() and susceptibility().
#
# Usage (from the repository root):
#
#   Rscript tests/reference/thresholds.R [inputs_dir] [outputs_dir]
#
# Inputs: equivalence_doctors.csv and equivalence_ties.csv (Medical Innovation, written by
# equivalence_make_inputs.py; doctors coded toa = 18 are adopters in the last period here,
# as in netdiffuseR's medInnovationsDiffNet), thresholds_tiny.csv and
# thresholds_tiny_ties.csv (8 units, 5 periods, two non-adopters coded NA; hand-written),
# thresholds_tiny_dynamic.csv (the same ties by period, tie r of the file present in
# period p when (r + p) mod 3 != 0, r counted from 0: a dynamic graph).
# Output: outputs/thresholds.json.
#
# netdiffuseR 1.22.4 (MIT licence), not in Debian: built from the package's public source
# (networkDynamic, which Debian lacks, was dropped from its imports; none of the
# functions used here touch it). Conventions fixed by this script:
#   * graph[i, j] = 1 when i names j (ego -> alter); exposure and the statistics use
#     0/1 ties (valued = FALSE, the package default);
#   * threshold(): exposure at the time of adoption (lags = 0) and one period before
#     (lags = 1); include_censored = FALSE;
#   * classify_adopters(): findInterval() on mean + sd * c(-1, 0, 1) (codes 0..3,
#     NA for a missing value); cutoffs stored;
#   * infection()/susceptibility(): K = 1 (default), K = 3 linear discount,
#     K = 3 exponential discount with r = 0.5, and K = 1 without normalisation;
#   * *_valued: the same with valued = TRUE (the Medical Innovation graph counts a
#     colleague named in several of the three networks several times).
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(netdiffuseR)
  library(Matrix)
})

args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(normalizePath(sub("^--file=", "",
  grep("^--file=", commandArgs(FALSE), value = TRUE)[1])))
inputs <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
source(file.path(script_dir, "json_writer.R"))

adjacency <- function(nodes, ego, alter) {
  sparseMatrix(i = match(ego, nodes), j = match(alter, nodes), x = 1,
               dims = c(length(nodes), length(nodes)), dimnames = list(nodes, nodes))
}

# NA as NaN in the JSON (json_writer writes non-finite numbers as null)
num <- function(x) as.numeric(x)

statistics <- function(dn) {
  cl <- classify_adopters(dn)
  list(
    toa = num(dn$toa),
    threshold = num(threshold(dn)),
    threshold_lag1 = num(threshold(dn, lags = 1L)),
    class_toa = as.integer(cl$toa) - 2L,   # factor levels NA, 0..3 -> -1 .. 3
    class_thr = as.integer(cl$thr) - 2L,
    cutoffs_toa = num(cl$cutoffs$toa),
    cutoffs_thr = num(cl$cutoffs$thr),
    infection = num(infection(dn)),
    susceptibility = num(susceptibility(dn)),
    infection_k3 = num(infection(dn, K = 3L)),
    susceptibility_k3 = num(susceptibility(dn, K = 3L)),
    infection_k3_exp = num(infection(dn, K = 3L, expdiscount = TRUE, r = 0.5)),
    susceptibility_k3_exp = num(susceptibility(dn, K = 3L, expdiscount = TRUE, r = 0.5)),
    infection_raw = num(infection(dn, normalize = FALSE)),
    susceptibility_raw = num(susceptibility(dn, normalize = FALSE)),
    threshold_valued = num(threshold(dn, valued = TRUE)),
    infection_valued = num(infection(dn, valued = TRUE)),
    susceptibility_valued = num(susceptibility(dn, valued = TRUE)),
    infection_valued_k3 = num(infection(dn, K = 3L, valued = TRUE)),
    susceptibility_valued_k3 = num(susceptibility(dn, K = 3L, valued = TRUE))
  )
}

doctors <- read.csv(file.path(inputs, "equivalence_doctors.csv"))
ties <- read.csv(file.path(inputs, "equivalence_ties.csv"))
g <- as(adjacency(doctors$doctor, ties$ego, ties$alter), "CsparseMatrix")
T <- 18L
dn <- new_diffnet(replicate(T, g, simplify = FALSE), toa = doctors$toa, t0 = 1, t1 = T)

tiny <- read.csv(file.path(inputs, "thresholds_tiny.csv"), stringsAsFactors = FALSE)
tiny_ties <- read.csv(file.path(inputs, "thresholds_tiny_ties.csv"), stringsAsFactors = FALSE)
gt <- as(adjacency(tiny$unit, tiny_ties$ego, tiny_ties$alter), "CsparseMatrix")
dt <- suppressWarnings(new_diffnet(replicate(5L, gt, simplify = FALSE), toa = tiny$toa,
                                   t0 = 1, t1 = 5))

dyn <- read.csv(file.path(inputs, "thresholds_tiny_dynamic.csv"), stringsAsFactors = FALSE)
gd <- lapply(1:5, function(p) {
  part <- dyn[dyn$period == p, ]
  as(adjacency(tiny$unit, part$ego, part$alter), "CsparseMatrix")
})
dd <- suppressWarnings(new_diffnet(gd, toa = tiny$toa, t0 = 1, t1 = 5))

dir.create(outputs, showWarnings = FALSE, recursive = TRUE)
write_json(list(
  generated_by = "tests/reference/thresholds.R",
  r_version = R.version.string,
  netdiffuser_version = as.character(packageVersion("netdiffuseR")),
  medinnov = c(list(nodes = doctors$doctor), statistics(dn)),
  tiny = c(list(nodes = tiny$unit), statistics(dt)),
  tiny_dynamic = c(list(nodes = tiny$unit), statistics(dd))), file.path(outputs, "thresholds.json"))
