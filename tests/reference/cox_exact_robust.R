#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for the robust and clustered variances of diffusion.CoxHazard after
# ties = "exact": R survival::coxph(Surv(start, stop, event) ~ ..., ties = "exact",
# cluster = ...).
#
# Usage (from the repository root):
#
#   Rscript tests/reference/cox_exact_robust.R [inputs_dir] [outputs_dir] [lottery.tab]
#
# Defaults as tests/reference/cox.R. Input: inputs/cox_sim_c.csv (written by
# tests/reference/cox_make_inputs.py). Outputs: cox_exact_robust_sim_c.json and, when the
# lottery file exists, cox_exact_robust_lottery.json, numbers with 17 significant digits.
#
# R's convention. For counting-process data coxph fits ties = "exact" with agexact.fit,
# which enumerates the subsets of each risk set of the size of the tie (feasible here:
# at most five tied events among at most about 80 units at risk; a few seconds). agexact.fit labels its
# fit method = "coxph", so the robust variance that coxph then computes with
# residuals.coxph(type = "dfbeta") uses the Breslow score residuals (C routine
# agscore2 with the Efron flag off) evaluated at the exact estimate:
#
#   var = V (sum_g U_g U_g') V,   V = naive.var (inverse information of the exact
#                                 likelihood), U_g = sum over cluster g of the Breslow
#                                 score residuals at beta_exact; no G/(G-1) factor.
#
# Those residuals do not sum to zero at beta_exact (they sum to the Breslow score
# there). The script checks this identity against a hand computation -- Breslow score
# residuals from a ties = "breslow" fit frozen at beta_exact (init = beta_exact,
# iter.max = 0) -- and stores the hand-computed meat too. (For (time, status) data coxph
# uses coxexact.fit, whose fit keeps method = "exact", and residuals.coxph refuses score
# residuals for it: there is no robust variance on that route.)
#
# Standard errors and variances (names used in the JSON):
#
#   classic   fit$naive.var (the inverse observed information of the exact likelihood)
#   cluster   coxph(..., cluster = unit)$var
#   robust    coxph(..., cluster = row id)$var (survival 3.x refuses robust = TRUE
#             without an id on (start, stop] data, so a row id is given, as in cox.R)
#
# Convergence: coxph.control(eps = 1e-12, iter.max = 100), as cox.R.
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages(library(survival))
`%||%` <- function(a, b) if (is.null(a)) b else a

CONTROL <- suppressWarnings(coxph.control(eps = 1e-12, iter.max = 100))

script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
inputs_dir <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs_dir <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
lottery_path <- if (length(args) >= 3) args[3] else
  file.path(script_dir, "..", "..", "..", "shared", "reference-data",
            "policy-diffusion-benchmarks", "dhb2015", "lottery.tab")
dir.create(outputs_dir, showWarnings = FALSE, recursive = TRUE)

source(file.path(script_dir, "json_writer.R"))  # json_value(), write_json()
named <- function(values, terms) setNames(as.list(unname(values)), terms)
# a K x K matrix as a named object of named rows
matrix_json <- function(M, terms) {
  setNames(lapply(seq_along(terms), function(i) named(M[i, ], terms)), terms)
}

versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
                 platform = R.version$platform,
                 coxph_control = list(eps = CONTROL$eps, iter.max = as.integer(CONTROL$iter.max)))

with_clock <- function(d, clock) {
  if (clock == "calendar") { d$stop <- d$year } else { d$stop <- d$duration }
  d$start <- d$stop - 1
  d$rowid <- seq_len(nrow(d))
  d
}

cox_formula <- function(covariates, strata) {
  rhs <- c(covariates, if (!is.null(strata)) sprintf("strata(%s)", strata))
  as.formula(paste("Surv(start, stop, event) ~", paste(rhs, collapse = " + ")))
}

fit_exact <- function(d, covariates, strata, cluster) {
  d$.cl <- d[[cluster]]
  fit <- coxph(cox_formula(covariates, strata), data = d, ties = "exact", control = CONTROL,
               cluster = .cl)
  if (fit$iter >= CONTROL$iter.max) stop("coxph did not converge")
  fit
}

# Breslow score residuals at beta (a Breslow fit frozen at beta: no iteration)
breslow_scores <- function(d, covariates, strata, beta) {
  frozen <- coxph(cox_formula(covariates, strata), data = d, ties = "breslow",
                  init = beta, control = coxph.control(iter.max = 0), x = TRUE, y = TRUE,
                  model = TRUE)
  stopifnot(isTRUE(all.equal(unname(coef(frozen)), unname(beta), tolerance = 1e-14)))
  as.matrix(residuals(frozen, type = "score"))
}

case <- function(d, id, covariates, clock, strata, unit) {
  d <- d[complete.cases(d[, c(covariates, strata), drop = FALSE]), ]
  d <- with_clock(d, clock)
  cl <- fit_exact(d, covariates, strata, unit)
  rob <- fit_exact(d, covariates, strata, "rowid")
  terms <- names(coef(cl))
  stopifnot(isTRUE(all.equal(coef(cl), coef(rob), tolerance = 0)),
            isTRUE(all.equal(cl$naive.var, rob$naive.var, tolerance = 0)))
  V <- cl$naive.var
  U <- breslow_scores(d, covariates, strata, coef(cl))
  meat_cluster <- crossprod(rowsum(U, d[[unit]]))
  meat_robust <- crossprod(U)
  # R's robust variance is the sandwich of the Breslow score residuals at the exact
  # estimate (see the header)
  stopifnot(isTRUE(all.equal(cl$var, V %*% meat_cluster %*% V, tolerance = 1e-10,
                             check.attributes = FALSE)),
            isTRUE(all.equal(rob$var, V %*% meat_robust %*% V, tolerance = 1e-10,
                             check.attributes = FALSE)))
  se <- function(M) named(sqrt(diag(M)), terms)
  message(sprintf("  %-36s n = %5d  events = %3d  loglik = %.8f  (%d iterations)",
                  id, cl$n, cl$nevent, cl$loglik[2], cl$iter))
  list(route = "agexact: Surv(start, stop, event)", covariates = covariates,
       ties = "exact", clock = clock, strata = strata %||% "", cluster = unit,
       n = cl$n, n_events = cl$nevent, n_clusters = length(unique(d[[unit]])),
       iterations = cl$iter, loglik = cl$loglik[2],
       params = named(coef(cl), terms),
       std_errors = list(classic = se(V), cluster = se(cl$var), robust = se(rob$var)),
       cov = list(classic = matrix_json(V, terms), cluster = matrix_json(cl$var, terms),
                  robust = matrix_json(rob$var, terms)),
       # the sum of the Breslow score residuals at the exact estimate (not zero)
       breslow_score_sum = named(colSums(U), terms))
}

# ---- simulated panel --------------------------------------------------------------------------
SIM_COVARIATES <- c("x1", "x2", "regional")
path <- file.path(inputs_dir, "cox_sim_c.csv")
message("cox_sim_c (", path, ")")
d <- read.csv(path, stringsAsFactors = FALSE)
d <- d[order(d$unit, d$year), ]
stopifnot(all(d$duration == d$year - d$entry + 1))
cases <- list()
# (duration clock without strata: seven tied events among about 150 units at one
# duration, about 1e10 subsets per iteration for agexact.fit -- left out)
for (setup in list(list("calendar", NULL), list("calendar", "bloc"), list("duration", "bloc"))) {
  clock <- setup[[1]]
  strata <- setup[[2]]
  key <- paste("exact", clock, if (is.null(strata)) "none" else strata, sep = "/")
  cases[[key]] <- case(d, paste0("cox_sim_c/", key), SIM_COVARIATES, clock, strata, "unit")
}
write_json(list(generated_by = "tests/reference/cox_exact_robust.R",
                input = "tests/reference/inputs/cox_sim_c.csv",
                versions = versions, cases = cases),
           file.path(outputs_dir, "cox_exact_robust_sim_c.json"))

# ---- Berry & Berry (1990): state lotteries (as cox.R) -------------------------------------------
if (file.exists(lottery_path)) {
  message("lottery (", lottery_path, ")")
  lot <- read.delim(lottery_path, stringsAsFactors = FALSE)
  lot <- lot[order(lot$state, lot$year), ]
  names(lot)[names(lot) == "adopt"] <- "event"
  lot$entry <- ave(lot$year, lot$state, FUN = min)
  lot$duration <- lot$year - lot$entry + 1
  COV <- c("fiscal", "party", "elect1", "elect2", "income1", "religion", "neighbor")
  cases <- list()
  cases[["exact/calendar/none"]] <- case(lot, "lottery/exact/calendar/none", COV, "calendar",
                                         NULL, "state")
  stopifnot(cases[[1]]$n == 857)
  write_json(list(generated_by = "tests/reference/cox_exact_robust.R",
                  input = "../shared/reference-data/policy-diffusion-benchmarks/dhb2015/lottery.tab",
                  versions = versions, cases = cases),
             file.path(outputs_dir, "cox_exact_robust_lottery.json"))
} else {
  message("lottery: ", lottery_path, " is absent; skipped")
}
