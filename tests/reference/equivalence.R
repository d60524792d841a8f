#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.exposure.structural_equivalence and network exposure:
# R netdiffuseR (struct_equiv, exposure).
#
# Usage (from the repository root):
#
#   Rscript tests/reference/equivalence.R [inputs_dir] [outputs_dir]
#
# Inputs (written by tests/reference/equivalence_make_inputs.py): equivalence_doctors.csv,
# equivalence_ties.csv, equivalence_random.csv. Output: outputs/equivalence.json.
#
# netdiffuseR 1.22.4 (Vega Yon, Dyal, Hayes & Valente; CRAN, MIT licence). Not in Debian:
# it was built here from the package's source. Its conventions, fixed by this script:
#   * graph[i, j] = 1 when i names j (ego -> alter); the Medical Innovation graph is built
#     as the package's data-raw script builds medInnovationsDiffNet (nominations of
#     surveyed doctors only, several nominations of one colleague add up);
#   * struct_equiv: geodesics by approx_geodesic (paths of at most n = 6 steps, longer or
#     no path = 0), divided by their maximum; Burt's distance and weights; groupvar =
#     within groups;
#   * exposure at time t uses adoption at or before t (toa <= t);
#   * exposure(alt.graph = "se") weights alters by 1 / SE (stored to document it;
#     diffusion uses SE, as Burt).
#
# Quantities written (weight matrices as non-zero triplets i, j, x with i the ego and j
# the alter, 1-based in input order; exposures as lists of rows, 18 months each):
#   medinnov$se_city            struct_equiv(g, groupvar = city)$SE
#   medinnov$se_city_n20        struct_equiv(g, groupvar = city, n = 20)$SE (exact geodesics)
#   medinnov$exposure_cohesion  exposure(diffnet)                 (125 x 18, valued = FALSE)
#   medinnov$exposure_se_burt   exposure(diffnet, alt.graph = SE_city list, valued = TRUE)
#   medinnov$exposure_se_inverse exposure(diffnet, alt.graph = "se", groupvar = "city")
#   random[[g]]$se, $se_n20, $se_v2
#                               struct_equiv on three random graphs (whole graph: default,
#                               n = 20, v = 2)
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

rows_of <- function(m) {
  m <- as.matrix(m)
  lapply(seq_len(nrow(m)), function(i) as.numeric(m[i, ]))
}

# a weight matrix as its non-zero entries (1-based row = ego, column = alter)
triplets <- function(m) {
  m <- as.matrix(m)
  nz <- which(m != 0, arr.ind = TRUE)
  nz <- nz[order(nz[, 1], nz[, 2]), , drop = FALSE]
  list(i = as.integer(nz[, 1]), j = as.integer(nz[, 2]), x = as.numeric(m[nz]))
}

adjacency <- function(nodes, ego, alter) {
  sparseMatrix(i = match(ego, nodes), j = match(alter, nodes), x = 1,
               dims = c(length(nodes), length(nodes)), dimnames = list(nodes, nodes))
}

doctors <- read.csv(file.path(inputs, "equivalence_doctors.csv"))
ties <- read.csv(file.path(inputs, "equivalence_ties.csv"))
nodes <- doctors$doctor
g <- as(adjacency(nodes, ties$ego, ties$alter), "CsparseMatrix")
T <- 18L
dn <- new_diffnet(replicate(T, g, simplify = FALSE), toa = doctors$toa, t0 = 1, t1 = T,
                  vertex.static.attrs = data.frame(city = doctors$city))

se_city <- struct_equiv(g, groupvar = doctors$city)$SE
se_list <- replicate(T, as(as(se_city, "CsparseMatrix"), "generalMatrix"), simplify = FALSE)

medinnov <- list(
  nodes = nodes,
  se_city = triplets(se_city),
  se_city_n20 = triplets(struct_equiv(g, groupvar = doctors$city, n = 20)$SE),
  exposure_cohesion = rows_of(exposure(dn)),
  exposure_se_burt = rows_of(suppressWarnings(exposure(dn, alt.graph = se_list, valued = TRUE))),
  exposure_se_inverse = rows_of(suppressWarnings(
    exposure(dn, alt.graph = "se", valued = TRUE, groupvar = "city")))
)

rand <- read.csv(file.path(inputs, "equivalence_random.csv"))
random <- lapply(sort(unique(rand$graph)), function(k) {
  part <- rand[rand$graph == k, ]
  nd <- sprintf("n%02d", 0:14)
  a <- as(adjacency(nd, part$ego, part$alter), "CsparseMatrix")
  list(nodes = nd, se = triplets(struct_equiv(a)$SE),
       se_n20 = triplets(struct_equiv(a, n = 20)$SE),
       se_v2 = triplets(struct_equiv(a, v = 2)$SE))
})

dir.create(outputs, showWarnings = FALSE, recursive = TRUE)
write_json(list(
  generated_by = "tests/reference/equivalence.R",
  r_version = R.version.string,
  netdiffuser_version = as.character(packageVersion("netdiffuseR")),
  medinnov = medinnov,
  random = random), file.path(outputs, "equivalence.json"))
