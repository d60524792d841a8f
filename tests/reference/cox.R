#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.CoxHazard: R survival::coxph, cox.zph, basehaz, survfit.
#
# Usage (from the repository root):
#
#   Rscript tests/reference/cox.R [inputs_dir] [outputs_dir] [lottery.tab]
#
# Defaults: tests/reference/inputs, tests/reference/outputs and
# ../shared/reference-data/policy-diffusion-benchmarks/dhb2015/lottery.tab (relative to
# the repository root); the lottery case is skipped with a message when that file is
# absent. Inputs cox_sim_*.csv are written by tests/reference/cox_make_inputs.py.
# Outputs: cox_<panel>.json, numbers printed with 17 significant digits.
#
# Model (one row per unit-year at risk):
#
#   calendar clock:  Surv(year - 1, year, event)          -- late entrants are left truncated
#   duration clock:  Surv(duration - 1, duration, event)  -- duration = year - entry + 1
#
#   coxph(Surv(start, stop, event) ~ covariates [+ strata(bloc)], ties = ties)
#
# For the Efron and Breslow cases the script also stores cox.zph (transforms km, rank,
# identity, log: chi-square per term and GLOBAL; scaled Schoenfeld residuals for km),
# basehaz(fit, centered = FALSE) and, for the unstratified Efron fit, survfit() at two
# covariate profiles. The case "efron/calendar/factor" has a categorical covariate (bloc),
# which cox.zph tests as one term with two degrees of freedom.
#
# Standard errors (names used in the JSON):
#
#   classic   sqrt(diag(fit$naive.var)), the inverse observed information
#   cluster   coxph(..., cluster = unit): crossprod(rowsum(dfbeta, unit)); no G/(G-1)
#   robust    coxph(..., cluster = row id): crossprod(dfbeta). (survival 3.x refuses
#             robust = TRUE without an id for (start, stop] data, so a row id is given.)
#
# ties = "exact": R's agexact.fit enumerates every subset of the risk set of the size of
# the tie ("CPU city"), which is infeasible with 19 tied events among 300 units. Because
# every row covers exactly one period, row (i, t) is at risk at exactly one event time, so
# the exact partial likelihood equals the conditional logistic likelihood with one stratum
# per (bloc, event time):
#
#   coxph(Surv(rep(1, n), event) ~ covariates + strata(bloc, stop), ties = "exact")
#
# which R computes with the recursive algorithm (coxexact.fit). The script checks that the
# two routes agree on the lottery panel (small ties), where agexact.fit is feasible, and
# stores the agexact values for the lottery. Only model-based SEs are stored for exact
# ties: R refuses score residuals on the coxexact route, and on the agexact route its
# robust variance uses Breslow's score residuals at the exact estimate -- that
# convention has its own script and fixtures, tests/reference/cox_exact_robust.R.
#
# Convergence: coxph.control(eps = 1e-12, iter.max = 100) -- R stops on the relative
# change of the log partial likelihood; 1e-12 puts the estimates far below the test
# tolerances (R warns that toler.chol should be < eps; that warning is suppressed).
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
vec <- function(x) as.list(unname(x))  # always a JSON array

versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
                 platform = R.version$platform,
                 coxph_control = list(eps = CONTROL$eps, iter.max = as.integer(CONTROL$iter.max)))

# ---- the model --------------------------------------------------------------------------------
with_clock <- function(d, clock) {
  if (clock == "calendar") { d$stop <- d$year } else { d$stop <- d$duration }
  d$start <- d$stop - 1
  d$rowid <- seq_len(nrow(d))
  d
}

cox_formula <- function(covariates, strata, cluster = NULL) {
  rhs <- c(covariates, if (!is.null(strata)) sprintf("strata(%s)", strata))
  as.formula(paste("Surv(start, stop, event) ~", paste(rhs, collapse = " + ")))
}

fit_cox <- function(d, covariates, ties, strata, cluster = NULL) {
  f <- cox_formula(covariates, strata)
  if (is.null(cluster)) {
    fit <- coxph(f, data = d, ties = ties, control = CONTROL, x = TRUE, model = TRUE)
  } else {
    d$.cl <- d[[cluster]]
    fit <- coxph(f, data = d, ties = ties, control = CONTROL, cluster = .cl, x = TRUE,
                 model = TRUE)
  }
  if (fit$iter >= CONTROL$iter.max) stop("coxph did not converge")
  fit
}

# exact ties through the conditional-logistic route (see the header)
fit_exact_clogit <- function(d, covariates, strata) {
  d$one <- 1
  groups <- c(strata, "stop")
  rhs <- c(covariates, sprintf("strata(%s)", paste(groups, collapse = ", ")))
  f <- as.formula(paste("Surv(one, event) ~", paste(rhs, collapse = " + ")))
  coxph(f, data = d, ties = "exact", control = CONTROL)
}

zph_table <- function(z) {
  tb <- z$table
  list(chisq = named(tb[, "chisq"], rownames(tb)), df = named(as.integer(tb[, "df"]), rownames(tb)),
       p = named(tb[, "p"], rownames(tb)))
}

# exact_route: "clogit" (simulated panels) or "agreg" (lottery), see the header
case <- function(d, id, covariates, ties, clock, strata, unit, details = FALSE,
                 profiles = NULL, exact_route = "clogit") {
  d <- d[complete.cases(d[, c(covariates, strata), drop = FALSE]), ]
  d <- with_clock(d, clock)
  se <- function(V) named(sqrt(diag(V)), names(coef(fit)))
  if (ties == "exact" && exact_route == "clogit") {
    fit <- fit_exact_clogit(d, covariates, strata)
    out <- list(route = "coxexact: Surv(1, event) ~ x + strata(stratum, stop)")
    ses <- list(classic = se(fit$var))
  } else {
    fit <- fit_cox(d, covariates, ties, strata, cluster = if (ties == "exact") NULL else unit)
    out <- list(route = "agreg: Surv(start, stop, event)")
    ses <- list(classic = se(fit$naive.var %||% fit$var))
    if (ties != "exact") {
      ses$cluster <- se(fit$var)
      rob <- fit_cox(d, covariates, ties, strata, cluster = "rowid")
      ses$robust <- se(rob$var)
    }
  }
  out <- c(out, list(
    covariates = covariates, ties = ties, clock = clock, strata = strata %||% "",
    n = fit$n, n_events = fit$nevent, iterations = fit$iter,
    loglik = fit$loglik[2], loglik_null = fit$loglik[1],
    # AIC(fit), BIC(fit) by hand (agexact.fit returns no class): BIC uses the events
    aic = -2 * fit$loglik[2] + 2 * length(coef(fit)),
    bic = -2 * fit$loglik[2] + length(coef(fit)) * log(fit$nevent),
    params = named(coef(fit), names(coef(fit))), std_errors = ses))
  if (details && ties != "exact") {
    zph <- list()
    for (tr in c("km", "rank", "identity", "log"))
      zph[[tr]] <- zph_table(cox.zph(fit, transform = tr))
    out$zph <- zph
    # scaled Schoenfeld residuals (km transform) with the event rows they belong to
    z <- cox.zph(fit, transform = "km")
    out$zph_residuals <- list(time = vec(z$time), x = vec(z$x),
                              y = lapply(setNames(seq_len(ncol(z$y)), colnames(z$y)),
                                         function(j) vec(z$y[, j])))
    if (!is.null(strata)) out$zph_residuals$strata <- vec(as.character(z$strata))
    bh <- basehaz(fit, centered = FALSE)
    out$basehaz <- list(time = vec(bh$time), cumhaz = vec(bh$hazard))
    if (!is.null(strata)) out$basehaz$strata <- vec(sub("^[^=]*=", "", as.character(bh$strata)))
    if (!is.null(profiles)) {
      sf <- survfit(fit, newdata = profiles)
      out$survfit <- list(profiles = lapply(seq_len(nrow(profiles)), function(i)
                            named(unlist(profiles[i, ]), names(profiles))),
                          time = vec(sf$time),
                          surv = lapply(seq_len(nrow(profiles)), function(i) vec(sf$surv[, i])),
                          cumhaz = lapply(seq_len(nrow(profiles)), function(i) vec(sf$cumhaz[, i])))
    }
  }
  message(sprintf("  %-40s n = %5d  events = %3d  loglik = %.8f  (%d iterations)",
                  id, fit$n, fit$nevent, fit$loglik[2], fit$iter))
  out
}

# ---- simulated panels ---------------------------------------------------------------------------
SIM_COVARIATES <- c("x1", "x2", "regional")
PROFILES <- data.frame(x1 = c(0, 1), x2 = c(0, 1), regional = c(0, 0.2))

run_panel <- function(name) {
  path <- file.path(inputs_dir, paste0(name, ".csv"))
  message(name, " (", path, ")")
  d <- read.csv(path, stringsAsFactors = FALSE)
  d <- d[order(d$unit, d$year), ]
  stopifnot(all(d$duration == d$year - d$entry + 1))
  cases <- list()
  for (ties in c("efron", "breslow", "exact")) for (clock in c("calendar", "duration"))
    for (strata in list(NULL, "bloc")) {
      key <- paste(ties, clock, if (is.null(strata)) "none" else strata, sep = "/")
      details <- ties != "exact"
      profiles <- if (is.null(strata) && ties == "efron") PROFILES else NULL
      cases[[key]] <- case(d, paste0(name, "/", key), SIM_COVARIATES, ties, clock, strata,
                           "unit", details = details, profiles = profiles)
    }
  # a categorical covariate: cox.zph tests the factor as one term (df = 2)
  cases[["efron/calendar/factor"]] <- case(d, paste0(name, "/efron/calendar/factor"),
                                           c("x1", "x2", "bloc"), "efron", "calendar", NULL,
                                           "unit", details = TRUE)
  write_json(list(generated_by = "tests/reference/cox.R",
                  input = paste0("tests/reference/inputs/", name, ".csv"),
                  versions = versions, cases = cases),
             file.path(outputs_dir, paste0(name, ".json")))
}

run_panel("cox_sim_a")
run_panel("cox_sim_b")

# ---- Berry & Berry (1990): state lotteries, 1964-1986 (year coded 64-86) -------------------------
if (file.exists(lottery_path)) {
  message("lottery (", lottery_path, ")")
  lot <- read.delim(lottery_path, stringsAsFactors = FALSE)
  lot <- lot[order(lot$state, lot$year), ]
  names(lot)[names(lot) == "adopt"] <- "event"
  # entry = first year in the panel (before listwise deletion), as RiskSet.entry_times()
  lot$entry <- ave(lot$year, lot$state, FUN = min)
  lot$duration <- lot$year - lot$entry + 1
  COV <- c("fiscal", "party", "elect1", "elect2", "income1", "religion", "neighbor")
  cases <- list()
  for (ties in c("efron", "breslow", "exact")) {
    key <- paste(ties, "calendar", "none", sep = "/")
    cases[[key]] <- case(lot, paste0("lottery/", key), COV, ties, "calendar", NULL, "state",
                         details = ties != "exact", exact_route = "agreg")
  }
  # the two routes to the exact likelihood agree (see the header)
  dl <- with_clock(lot[complete.cases(lot[, COV]), ], "calendar")
  a <- fit_cox(dl, COV, "exact", NULL)
  b <- fit_exact_clogit(dl, COV, NULL)
  stopifnot(isTRUE(all.equal(coef(a), coef(b), tolerance = 1e-8)),
            isTRUE(all.equal(a$loglik, b$loglik, tolerance = 1e-10)),
            isTRUE(all.equal(a$var, b$var, tolerance = 1e-7)))
  stopifnot(cases[["efron/calendar/none"]]$n == 857)
  write_json(list(generated_by = "tests/reference/cox.R",
                  input = "../shared/reference-data/policy-diffusion-benchmarks/dhb2015/lottery.tab",
                  versions = versions, cases = cases),
             file.path(outputs_dir, "cox_lottery.json"))
} else {
  message("lottery: ", lottery_path, " is absent; skipped")
}
