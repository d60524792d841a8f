#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.DiscreteTimeHazard: R glm + sandwich.
#
# Usage (from the repository root):
#
#   Rscript tests/reference/discrete_time.R [inputs_dir] [outputs_dir] [lottery.tab]
#
# Defaults: tests/reference/inputs, tests/reference/outputs and
# ../shared/reference-data/policy-diffusion-benchmarks/dhb2015/lottery.tab (relative to
# the repository root). The lottery case is skipped with a message when that file is absent.
#
# Inputs (written by tests/reference/make_inputs.py): simulated risk-set panels, one row
# per unit-year at risk (columns unit, year, event, x1, x2, regional, world, duration).
# Outputs: one JSON file per input, discrete_time_<name>.json, holding for every case the coefficients,
# standard errors under several covariance estimators, log-likelihood, AIC, BIC and the
# number of rows and events. Numbers are printed with 17 significant digits
# (sprintf("%.17g")), enough to recover the exact double. The script writes its own JSON
# (see write_json below) so that it needs nothing beyond sandwich and base R.
#
# Conventions that diffusion mirrors (see diffusion/models/time_terms.py):
#
# * Estimation rows are the rows with no missing value in the covariates (listwise
#   deletion, as glm's na.omit). Time terms are built on the estimation rows only.
# * duration = year - (unit's first year in the risk set) + 1. It counts from the first
#   year AT RISK, even when that row is later dropped for a missing covariate, and it
#   keeps running across a gap in membership (exit and re-entry).
# * Cubic: s = x - min(x) + 1 over the estimation rows (so s starts at 1), terms
#   s, s^2, s^3; x is the duration or the calendar year.
# * Spline: splines::ns(x, df) on the estimation rows (x = duration or year). diffusion
#   builds a basis of the same space that may differ by a rotation, so only the
#   non-time coefficients, their SEs, the log-likelihood and the fitted time profile
#   (the time part of the linear predictor at each value of x) are basis-free. Every
#   basis function is 0 at the lower boundary knot, so the intercept is basis-free too.
# * Periods: indicators of [b_k, b_{k+1} - 1] (a year equal to a break starts the new
#   period); the first period is the reference.
# * Dummies: one indicator per year (or duration) value; the earliest value is the
#   reference. Where some years have no event their dummies would be -Inf, and the case
#   "dummies, empty years dropped" removes those rows first (diffusion's
#   Dummies(empty = "drop"), as Stata's logit does).
#
# Covariance estimators (names used in the JSON, and the R call that defines them):
#
#   classic                sqrt(diag(vcov(fit)))           expected information (IRLS)
#   cluster                vcovCL(fit, cluster = ~unit, type = "HC1")
#                            = G/(G-1) (N-1)/(N-K) A^-1 B A^-1, A expected information
#   robust                 vcovHC(fit, type = "HC1")  = N/(N-K) A^-1 B A^-1
#   cluster_hc0            vcovCL(fit, cluster = ~unit, type = "HC0", cadjust = FALSE)
#   cluster_stata          vcovCL(fit, cluster = ~unit, type = "HC0", cadjust = TRUE)
#                            = G/(G-1) A^-1 B A^-1 (Stata's factor, expected information)
#   classic_observed       solve(observed information), computed by hand below
#                            (cloglog and probit)
#   cluster_stata_observed G/(G-1) H^-1 B H^-1 with H the observed information: what
#                            Stata's cloglog, vce(cluster unit) reports
#
# Every glm is run with glm.control(epsilon = 1e-14, maxit = 100) and then polished by
# restarting it from its own estimate (see fit_glm), so that the reported estimates are
# converged far below the tolerances of the Python tests.
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(stats)
  library(splines)
  library(sandwich)
})

CONTROL <- glm.control(epsilon = 1e-14, maxit = 100)

# ---- locations --------------------------------------------------------------------------
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

# ---- data ---------------------------------------------------------------------------------
read_panel <- function(path) {
  d <- read.csv(path, stringsAsFactors = FALSE)
  d <- d[order(d$unit, d$year), ]
  # duration counts from the unit's first year in the risk set (see the header); check
  # that the column written by make_inputs.py follows that convention
  first_year <- ave(d$year, d$unit, FUN = min)
  stopifnot(all(d$year - first_year + 1 == d$duration))
  d
}

# ---- time terms -----------------------------------------------------------------------------
# Each builder takes the estimation rows and returns them (possibly fewer rows) with the
# time columns added, the right-hand-side text to append, and a named vector that maps
# R's coefficient names to diffusion's.

cubic_term <- function(d, scale) {
  x <- if (scale == "duration") d$duration else d$year
  d$s <- x - min(x) + 1  # s = 1 in the earliest estimation row
  lab <- if (scale == "duration") "duration" else "t"
  list(data = d, rhs = "s + I(s^2) + I(s^3)",
       rename = c("s" = lab, "I(s^2)" = paste0(lab, "^2"), "I(s^3)" = paste0(lab, "^3")))
}

spline_term <- function(d, df, scale) {
  # ns() places its interior knots at quantiles of the estimation rows, boundary knots
  # at their range; no intercept column. Coefficients are named ns(duration)[k] (or
  # ns(t)[k]), but they depend on the basis: compare only the basis-free quantities.
  var <- if (scale == "duration") "duration" else "year"
  lab <- if (scale == "duration") "duration" else "t"
  rhs <- sprintf("ns(%s, df = %d)", var, df)
  list(data = d, rhs = rhs,
       rename = setNames(sprintf("ns(%s)[%d]", lab, seq_len(df)), paste0(rhs, seq_len(df))))
}

periods_term <- function(d, breaks, scale) {
  x <- if (scale == "duration") d$duration else d$year
  edges <- c(min(x), unlist(breaks), max(x) + 1)  # breaks: a list (a JSON array)
  labels <- sprintf("[%d-%d]", edges[-length(edges)], edges[-1] - 1)
  # right = FALSE: a value equal to a break opens the next period
  d$period <- cut(x, breaks = edges, right = FALSE, labels = labels)
  list(data = d, rhs = "period", rename = NULL)  # glm names them period[1930-1969]
}

dummies_term <- function(d, scale, drop_empty) {
  x <- if (scale == "duration") d$duration else d$year
  lab <- if (scale == "duration") "duration" else "year"
  if (drop_empty) {
    with_event <- unique(x[d$event == 1])
    keep <- x %in% with_event
    d <- d[keep, ]
    x <- x[keep]
  }
  d$time_f <- factor(x, levels = sort(unique(x)))  # first (earliest) level = reference
  levs <- levels(d$time_f)[-1]
  list(data = d, rhs = "time_f",
       rename = setNames(sprintf("%s[%s]", lab, levs), paste0("time_f", levs)))
}

build_time <- function(d, time) {
  switch(time$kind,
    none = list(data = d, rhs = NULL, rename = NULL),
    cubic = cubic_term(d, time$scale),
    spline = spline_term(d, time$df, time$scale),
    periods = periods_term(d, time$breaks, time$scale),
    dummies = dummies_term(d, time$scale, isTRUE(time$empty == "drop")),
    stop("unknown time term ", time$kind))
}

# ---- observed information (negative Hessian), by hand -----------------------------------------
# Per-row log-likelihood l = y log(mu) + (1 - y) log(1 - mu); the observed information
# is X' diag(-d2l/deta2) X. glm's expected information replaces -d2l/deta2 by
# (dmu/deta)^2 / (mu (1 - mu)); the two differ for the non-canonical links.
#
# cloglog: mu = 1 - exp(-e), e = exp(eta); a = dmu/deta = e exp(-e), da/deta = a (1 - e)
#   dl/deta   = y a / mu - (1 - y) e
#   d2l/deta2 = y [a (1 - e) / mu - (a / mu)^2] - (1 - y) e
# probit: mu = pnorm(eta); r1 = dnorm/pnorm(eta), r0 = dnorm/pnorm(-eta) (Mills ratios),
#   d r1/deta = -r1 (eta + r1), d r0/deta = -r0 (eta - r0)
#   dl/deta   = y r1 - (1 - y) r0
#   d2l/deta2 = -y r1 (eta + r1) + (1 - y) r0 (eta - r0)
row_derivatives <- function(link, y, eta) {
  if (link == "cloglog") {
    e <- exp(eta)
    mu <- -expm1(-e)
    a <- e * exp(-e)
    list(d1 = y * a / mu - (1 - y) * e,
         d2 = y * (a * (1 - e) / mu - (a / mu)^2) - (1 - y) * e)
  } else if (link == "probit") {
    r1 <- exp(dnorm(eta, log = TRUE) - pnorm(eta, log.p = TRUE))
    r0 <- exp(dnorm(eta, log = TRUE) - pnorm(-eta, log.p = TRUE))
    list(d1 = y * r1 - (1 - y) * r0,
         d2 = -y * r1 * (eta + r1) + (1 - y) * r0 * (eta - r0))
  } else stop("observed information by hand: no formulas for link ", link)
}

observed_information <- function(fit, link) {
  X <- model.matrix(fit)
  info <- crossprod(X, X * -row_derivatives(link, fit$y, fit$linear.predictors)$d2)
  check_observed_information(fit, link, info)
  info
}

# Cross-check of the analytic second derivatives: central differences of the score
# X' dl/deta, with a step per coefficient scaled to its column (s^3 reaches 10^6).
check_observed_information <- function(fit, link, info) {
  X <- model.matrix(fit)
  score <- function(b) drop(crossprod(X, row_derivatives(link, fit$y, drop(X %*% b))$d1))
  b <- coef(fit)
  numeric_info <- sapply(seq_along(b), function(j) {
    h <- 1e-5 / max(abs(X[, j]))
    step <- replace(numeric(length(b)), j, h)
    -(score(b + step) - score(b - step)) / (2 * h)
  })
  rel <- max(abs(numeric_info - info) / sqrt(outer(diag(info), diag(info))))
  if (rel > 1e-6) stop("analytic and numerical Hessians differ: ", rel)
  rel
}

# ---- fitting -------------------------------------------------------------------------------
# glm stops when the relative change of the deviance falls below epsilon. For probit and
# cloglog, Fisher scoring converges only linearly, and at that point the estimates can
# still be ~1e-7 standard errors from the maximum: a relative error near 1e-6 for a
# coefficient close to zero (e.g. a period effect of 0.002), as large as the tolerance of
# the Python tests. So the fit is polished: glm is restarted from its own estimate (each
# restart takes at least one more scoring step) until the estimates move by less than
# 1e-10 standard errors. This also makes vcov(fit) -- computed by glm from the weights
# of the last iteration -- the expected information at the final estimate.
fit_glm <- function(f, d, link) {
  fit <- glm(f, data = d, family = binomial(link = link), control = CONTROL)
  iterations <- fit$iter
  for (restart in 1:50) {
    if (!fit$converged) stop(deparse(f), ": glm did not converge")
    b <- coef(fit)
    fit <- glm(f, data = d, family = binomial(link = link), control = CONTROL, start = b)
    iterations <- iterations + fit$iter
    if (max(abs(coef(fit) - b) / sqrt(diag(vcov(fit)))) < 1e-10) break
    if (restart == 50) stop(deparse(f), ": estimates still move after 50 restarts")
  }
  fit$iter <- iterations
  fit
}

# ---- one case ----------------------------------------------------------------------------------
# Names coefficients as diffusion does: "(Intercept)" -> "Intercept", time terms as above.
diffusion_names <- function(r_names, rename) {
  out <- r_names
  out[out == "(Intercept)"] <- "Intercept"
  hit <- out %in% names(rename)
  out[hit] <- rename[out[hit]]
  out
}

named <- function(values, terms) setNames(as.list(unname(values)), terms)

fit_case <- function(d, id, response, covariates, link, time, cluster,
                     extra = character()) {
  # listwise deletion on the covariates, then the time terms on the rows that remain
  used <- c(covariates, cluster)
  d <- d[complete.cases(d[, used, drop = FALSE]), ]
  tt <- build_time(d, time)
  d <- tt$data
  rhs <- paste(c(covariates, tt$rhs), collapse = " + ")
  f <- as.formula(paste(response, "~", rhs))
  # glm's warnings are recorded in the output (and not printed): see the lottery note
  r_warnings <- character()
  fit <- withCallingHandlers(
    fit_glm(f, d, link),
    warning = function(w) {
      r_warnings <<- c(r_warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  terms <- diffusion_names(names(coef(fit)), tt$rename)
  cl <- d[[cluster]]  # cluster labels, aligned with the estimation rows
  se <- function(V) named(sqrt(diag(V)), terms)

  ses <- list(
    classic = se(vcov(fit)),
    cluster = se(vcovCL(fit, cluster = cl, type = "HC1")),
    robust = se(vcovHC(fit, type = "HC1"))
  )
  if ("cluster_variants" %in% extra) {
    ses$cluster_hc0 <- se(vcovCL(fit, cluster = cl, type = "HC0", cadjust = FALSE))
    ses$cluster_stata <- se(vcovCL(fit, cluster = cl, type = "HC0", cadjust = TRUE))
  }
  if ("observed" %in% extra) {
    H_inv <- solve(observed_information(fit, link))
    G <- length(unique(d[[cluster]]))
    S <- rowsum(estfun(fit), d[[cluster]])  # per-cluster sums of the scores
    ses$classic_observed <- se(H_inv)
    ses$cluster_stata_observed <- se(G / (G - 1) * H_inv %*% crossprod(S) %*% H_inv)
  }

  out <- list(
    formula = paste(response, "~", paste(covariates, collapse = " + ")),
    link = link,
    time = time,
    cluster = cluster,
    nobs = nobs(fit),
    n_events = as.integer(sum(fit$y)),
    n_clusters = length(unique(d[[cluster]])),
    loglik = as.numeric(logLik(fit)),
    aic = AIC(fit),
    bic = BIC(fit),
    iterations = fit$iter,
    params = named(coef(fit), terms),
    std_errors = ses
  )
  if (length(r_warnings)) out$r_warnings <- as.list(unique(r_warnings))
  if (time$kind == "spline") {
    # the time part of the linear predictor at each clock value: basis-free
    X <- model.matrix(fit)
    cols <- grepl("^ns\\(", colnames(X))
    effect <- drop(X[, cols, drop = FALSE] %*% coef(fit)[cols])
    x <- if (time$scale == "duration") d$duration else d$year
    keep <- !duplicated(x)
    o <- order(x[keep])
    out$time_profile <- list(x = as.list(x[keep][o]), effect = as.list(unname(effect[keep][o])))
  }
  message(sprintf("  %-45s n = %5d  events = %3d  loglik = %.6f  (%d iterations)",
                  id, nobs(fit), as.integer(sum(fit$y)), out$loglik, fit$iter))
  out
}

# ---- cases -----------------------------------------------------------------------------------
TIME <- list(
  none = list(kind = "none"),
  cubic_duration = list(kind = "cubic", scale = "duration"),
  cubic_calendar = list(kind = "cubic", scale = "calendar"),
  spline_duration = list(kind = "spline", df = 3L, scale = "duration"),
  spline_calendar_df5 = list(kind = "spline", df = 5L, scale = "calendar"),
  periods_1930_1970 = list(kind = "periods", breaks = list(1930L, 1970L), scale = "calendar"),
  dummies_calendar_drop = list(kind = "dummies", scale = "calendar", empty = "drop")
)
# sim_c (1990-2014, every year and duration has events): unrestricted dummies, and
# periods on both clocks
TIME_C <- list(
  none = TIME$none,
  cubic_duration = TIME$cubic_duration,
  cubic_calendar = TIME$cubic_calendar,
  spline_duration = TIME$spline_duration,
  spline_calendar_df4 = list(kind = "spline", df = 4L, scale = "calendar"),
  periods_2000_2008 = list(kind = "periods", breaks = list(2000L, 2008L), scale = "calendar"),
  periods_duration_6_15 = list(kind = "periods", breaks = list(6L, 15L), scale = "duration"),
  dummies_calendar = list(kind = "dummies", scale = "calendar", empty = "error"),
  dummies_duration = list(kind = "dummies", scale = "duration", empty = "error")
)
LINKS <- c("logit", "probit", "cloglog")
SIM_COVARIATES <- c("x1", "x2", "regional")

# extra covariance variants (small-sample factors, observed information) for three
# cases of sim_a
EXTRA <- list("cloglog/none" = c("cluster_variants", "observed"),
              "cloglog/cubic_duration" = c("cluster_variants", "observed"),
              "probit/none" = c("cluster_variants", "observed"))

versions <- list(
  R = R.version.string,
  stats = as.character(packageVersion("stats")),
  splines = as.character(packageVersion("splines")),
  sandwich = as.character(packageVersion("sandwich")),
  platform = R.version$platform,
  lapack = La_version(),
  blas = basename(extSoftVersion()[["BLAS"]]),
  glm_control = list(epsilon = CONTROL$epsilon, maxit = as.integer(CONTROL$maxit))
)

run_panel <- function(name, times) {
  path <- file.path(inputs_dir, paste0(name, ".csv"))
  message(name, " (", path, ")")
  d <- read_panel(path)
  cases <- list()
  for (link in LINKS) for (tname in names(times)) {
    key <- paste0(link, "/", tname)
    extra <- if (name == "sim_a" && key %in% names(EXTRA)) EXTRA[[key]] else character()
    cases[[key]] <- fit_case(d, paste0(name, "/", key), "event", SIM_COVARIATES, link,
                             times[[tname]], cluster = "unit", extra = extra)
  }
  write_json(list(
    generated_by = "tests/reference/discrete_time.R",
    input = paste0("tests/reference/inputs/", name, ".csv"),
    versions = versions,
    cases = cases
  ), file.path(outputs_dir, paste0("discrete_time_", name, ".json")))
}

run_panel("sim_a", TIME)
run_panel("sim_b", TIME)
run_panel("sim_c", TIME_C)

# ---- Berry & Berry (1990): state lotteries ---------------------------------------------------
# Probit of lottery adoption, state-years 1964-1986 (year coded 64-86), states leave the
# data after adopting. party is missing for Nebraska and Minnesota, so listwise
# deletion leaves 857 of 901 state-years.
#
# In the probit model with a cubic in calendar time a few state-years (high religion
# scores) have eta < -8.125, and glm warns "fitted probabilities numerically 0 or 1
# occurred" (recorded as r_warnings). This is not separation: R's probit link clamps
# eta to [-8.125, 8.125] (qnorm of the machine epsilon) when computing mu, which moves
# the fitted probability of those rows from about 1e-17 to 2.2e-16. diffusion does not
# clamp; its estimates and SEs still agree with R's to about 1e-11 relative, far
# within the tolerances, so the case is kept.
if (file.exists(lottery_path)) {
  message("lottery (", lottery_path, ")")
  lot <- read.delim(lottery_path, stringsAsFactors = FALSE)
  lot <- lot[order(lot$state, lot$year), ]
  LOTTERY_COVARIATES <- c("fiscal", "party", "elect1", "elect2", "income1", "religion",
                          "neighbor")
  lottery_cases <- list(
    "probit/none" = list(link = "probit", time = TIME$none),
    "logit/none" = list(link = "logit", time = TIME$none),
    "cloglog/none" = list(link = "cloglog", time = TIME$none),
    "probit/cubic_calendar" = list(link = "probit", time = TIME$cubic_calendar)
  )
  cases <- list()
  for (key in names(lottery_cases)) {
    spec <- lottery_cases[[key]]
    cases[[key]] <- fit_case(lot, paste0("lottery/", key), "adopt", LOTTERY_COVARIATES,
                             spec$link, spec$time, cluster = "state")
  }
  stopifnot(cases[["probit/none"]]$nobs == 857)
  write_json(list(
    generated_by = "tests/reference/discrete_time.R",
    input = "../shared/reference-data/policy-diffusion-benchmarks/dhb2015/lottery.tab",
    versions = versions,
    cases = cases
  ), file.path(outputs_dir, "discrete_time_lottery.json"))
} else {
  message("lottery: ", lottery_path, " is absent; skipped")
}
