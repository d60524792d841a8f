#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.exposure.infer_network: R NetworkInference::netinf.
#
# Usage (from the repository root):
#
#   Rscript tests/reference/netinf.R [inputs_dir] [outputs_dir] [dhb_policies.csv] [spid.csv]
#
# Defaults: tests/reference/inputs, tests/reference/outputs and the bundled
# data/dhb_policies.csv and data/spid.csv (728 policies, 17,835 adoptions). Inputs netinf_tiny.csv and netinf_random.csv are written by
# tests/reference/netinf_make_inputs.py. Output: outputs/netinf.json.
#
# NetworkInference 1.2.4 (Linder & Desmarais; CRAN, MIT licence). Not in Debian: it was
# built here from the package's source. The algorithm (Gomez-Rodriguez, Leskovec &
# Krause 2010) as the package implements it:
#
#   score of parent u for v, dt = t_v - t_u > 0:  log(0.5 f(dt)) for a network edge,
#                                                 log(1e-10 f(dt)) for an external parent
#   improvement of u -> v: sum over cascades with u before v of the gain from making u
#                          the parent of v when that beats v's current parent
#   greedy: add the best edge (ties: the last in the order of (destination, origin) ids)
#   p_value: Vuong's test, 1 - Phi(sum(d) / (sd(d) sqrt(n))), d = new - 1/n - old tree
#            scores over the n cascades; Phi by Abramowitz & Stegun 7.1.26
#
# Conventions fixed here so that Python and R see the same problem:
#   * node_names are the sorted unit labels (node ids decide ties between edges);
#   * collation is "C", so that cascade ids sort as Python sorts them;
#   * with p_value_cutoff, netinf also returns the first edge whose p-value reaches the
#     cutoff; the tests compare diffusion's edges with all but that last row.
#
# Quantities written for every case: edges (origin, destination, improvement, p_value,
# in the order inferred), params (given or initialised) and, for tiny_exp, the trees.
# ---------------------------------------------------------------------------------------

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages(library(NetworkInference))

args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(normalizePath(sub("^--file=", "",
  grep("^--file=", commandArgs(FALSE), value = TRUE)[1])))
inputs <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
dhb_file <- if (length(args) >= 3) args[3] else
  file.path(script_dir, "..", "..", "data", "dhb_policies.csv")
spid_file <- if (length(args) >= 4) args[4] else
  file.path(script_dir, "..", "..", "data", "spid.csv")
source(file.path(script_dir, "json_writer.R"))

cascades_of <- function(d) {
  d <- d[!is.na(d$time), ]
  as_cascade_long(data.frame(node_name = as.character(d$unit), event_time = d$time,
                             cascade_id = as.character(d$cascade)),
                  node_names = sort(unique(as.character(d$unit))))
}

run <- function(d, ...) {
  out <- netinf(cascades_of(d), quiet = TRUE, ...)
  trees <- NULL
  if (is.list(out) && !is.data.frame(out)) {
    trees <- out$trees
    out <- out$network
  }
  res <- list(
    edges = list(origin = as.character(out$origin_node),
                 destination = as.character(out$destination_node),
                 improvement = as.numeric(out$improvement),
                 p_value = as.numeric(out$p_value)),
    params = as.numeric(attr(out, "diffusion_model_parameters")),
    args = list(...))
  if (!is.null(trees)) {
    res$trees <- list(parent = as.character(trees$parent), child = as.character(trees$child),
                      log_score = as.numeric(trees$log_score),
                      cascade = as.character(trees$cascade_id))
  }
  res
}

tiny <- read.csv(file.path(inputs, "netinf_tiny.csv"))
random <- read.csv(file.path(inputs, "netinf_random.csv"))
dhb <- read.csv(dhb_file)
names(dhb)[names(dhb) == "state"] <- "unit"
names(dhb)[names(dhb) == "policy"] <- "cascade"
names(dhb)[names(dhb) == "year"] <- "time"
dhb_1980 <- dhb[dhb$time >= 1945 & dhb$time <= 1979, ]
spid <- read.csv(spid_file, na.strings = "")
spid <- data.frame(unit = spid$state_abbr, cascade = spid$policy, time = spid$year)

cases <- list(
  tiny_exp = run(tiny, trans_mod = "exponential", n_edges = 4, params = 0.5, trees = TRUE),
  tiny_rayleigh = run(tiny, trans_mod = "rayleigh", n_edges = 3, params = 0.5),
  tiny_lognormal = run(tiny, trans_mod = "log-normal", n_edges = 3, params = c(0, 1)),
  tiny_default = run(tiny, trans_mod = "exponential", n_edges = 4),
  tiny_pvalue = run(tiny, trans_mod = "exponential", p_value_cutoff = 0.05, params = 0.5),
  random_exp = run(random, trans_mod = "exponential", n_edges = 25, params = 0.7),
  random_rayleigh = run(random, trans_mod = "rayleigh", n_edges = 20, params = 2),
  random_lognormal = run(random, trans_mod = "log-normal", n_edges = 20, params = c(0.5, 1.2)),
  random_pvalue = run(random, trans_mod = "exponential", p_value_cutoff = 0.1),
  dhb_all = run(dhb, trans_mod = "exponential", n_edges = 300),
  dhb_1980 = run(dhb_1980, trans_mod = "exponential", n_edges = 300, params = 0.5),
  spid_all = run(spid, trans_mod = "exponential", n_edges = 500)
)

dir.create(outputs, showWarnings = FALSE, recursive = TRUE)
write_json(list(
  generated_by = "tests/reference/netinf.R",
  r_version = R.version.string,
  networkinference_version = as.character(packageVersion("NetworkInference")),
  cases = cases), file.path(outputs, "netinf.json"))
