#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for pooled event history with absorbed effects:
# RiskSet.from_events(process = "policy") and
# DiscreteTimeHazard.from_formula(..., absorb = c("policy", "year")).
#
# Usage (from the repository root):
#
#   Rscript tests/reference/pooled.R [inputs_dir] [outputs_dir]
#
# Inputs (written by tests/reference/pooled_make_inputs.py): pooled_events.csv,
# pooled_covariates.csv, pooled_units.csv. Output: outputs/pooled.json.
#
# What this script does on its own, independently of diffusion:
#
# 1. The pooled risk set. Every unit is at risk of every policy from the policy's first
#    adoption (SPID's convention) to END = 2005, until the year it adopts it (event = 1
#    in that year, no rows after).
# 2. world: within each policy, the share of the 40 units that had adopted that policy
#    by t - 1. x1, x2: the unit's covariates of t - 1.
# 3. Groups of the absorbed factors whose outcomes are all 0 (or all 1) are removed,
#    repeatedly until none is left -- fixest's rule (its dummy effect would be -Inf).
# 4. The dummy-variable fit: glm(event ~ x1 + x2 + world + factor(policy) +
#    factor(year), binomial(link)), glm.control(epsilon = 1e-14, maxit = 100), restarted
#    from its own estimate until the estimates stop moving (1e-10 standard errors).
#
# Quantities written per link (logit, probit, cloglog), for x1, x2, world only:
#
#   params              coef(fit)
#   se$classic          sqrt(diag(vcov(fit)))
#   se$robust           sandwich::vcovHC(fit, type = "HC1")
#   se$cluster_unit     sandwich::vcovCL(fit, cluster = ~unit, type = "HC1")
#   se$cluster_policy   sandwich::vcovCL(fit, cluster = ~policy, type = "HC1")
#   se$cluster_twoway   sandwich::vcovCL(fit, cluster = ~unit + policy, type = "HC1",
#                       multi0 = FALSE)
#   loglik              logLik(fit)
#   n_obs, n_events     rows and events of the fit; n_dropped: rows removed in step 3
#   k                   number of coefficients of the dummy fit (the K of HC1's
#                       (N-1)/(N-K): 3 + all absorbed parameters + the intercept)
#   cox_efron           coxph(Surv(year - 1, year, event) ~ x1 + x2 + strata(policy),
#                       ties = "efron") on all rows: coef, model-based SEs, robust SEs
#                       with cluster = unit (R applies no G/(G-1)), log partial likelihood
# The risk set itself is written as counts (rows, events per policy) and a checksum of
# the world column, so that the Python construction is checked as well.
# ---------------------------------------------------------------------------------------
suppressPackageStartupMessages(library(sandwich))
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "tests/reference"
})
inputs_dir <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs_dir <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
source(file.path(script_dir, "json_writer.R"))

END <- 2005L
events <- read.csv(file.path(inputs_dir, "pooled_events.csv"), stringsAsFactors = FALSE)
covs <- read.csv(file.path(inputs_dir, "pooled_covariates.csv"), stringsAsFactors = FALSE)
units <- read.csv(file.path(inputs_dir, "pooled_units.csv"), stringsAsFactors = FALSE)$unit

# 1-2. the pooled risk set, policy by policy
pieces <- list()
for (p in sort(unique(events$policy))) {
  ev <- events[events$policy == p, ]
  start <- min(ev$year)
  adopt <- setNames(ev$year, ev$unit)
  for (u in units) {
    ay <- if (u %in% names(adopt)) adopt[[u]] else NA_integer_
    if (!is.na(ay) && ay < start) next  # adopted before the window: not at risk
    years <- start:(if (is.na(ay)) END else min(ay, END))
    pieces[[length(pieces) + 1L]] <- data.frame(
      policy = p, unit = u, year = years,
      event = as.integer(!is.na(ay) & years == ay),
      stringsAsFactors = FALSE)
  }
}
rs <- do.call(rbind, pieces)
share <- function(p, t) sum(events$policy == p & events$year <= t - 1) / length(units)
rs$world <- mapply(share, rs$policy, rs$year)
key <- paste(covs$unit, covs$year)
lag_key <- paste(rs$unit, rs$year - 1L)
rs$x1 <- covs$x1[match(lag_key, key)]
rs$x2 <- covs$x2[match(lag_key, key)]
stopifnot(!anyNA(rs))
risk_set <- list(
  n_rows = nrow(rs), n_events = sum(rs$event),
  rows_per_policy = as.list(table(rs$policy)),
  world_sum = sum(rs$world)
)

# 3. drop groups whose outcomes are all 0 or all 1, repeatedly
keep <- rep(TRUE, nrow(rs))
repeat {
  changed <- FALSE
  for (f in c("policy", "year")) {
    g <- rs[[f]][keep]
    s <- tapply(rs$event[keep], g, sum)
    n <- tapply(rs$event[keep], g, length)
    bad <- names(s)[s == 0 | s == n]
    if (length(bad)) {
      keep <- keep & !(as.character(rs[[f]]) %in% bad)
      changed <- TRUE
    }
  }
  if (!changed) break
}
fit_data <- rs[keep, ]
fit_data$policy <- factor(fit_data$policy)
fit_data$year <- factor(fit_data$year)

# 4. dummy-variable fits
TERMS <- c("x1", "x2", "world")
CONTROL <- glm.control(epsilon = 1e-14, maxit = 100)
cases <- list()
for (link in c("logit", "probit", "cloglog")) {
  fit <- glm(event ~ x1 + x2 + world + policy + year, data = fit_data,
             family = binomial(link), control = CONTROL)
  # Fisher scoring converges linearly for probit and cloglog: glm's deviance criterion
  # stops ~1e-8 (relative) short of the maximum. Restart glm from its own estimate
  # until no coefficient moves by 1e-10 of its standard error (as discrete_time.R).
  for (restart in 1:50) {
    b <- coef(fit)
    fit <- glm(event ~ x1 + x2 + world + policy + year, data = fit_data,
               family = binomial(link), control = CONTROL, start = b)
    if (max(abs(coef(fit) - b) / sqrt(diag(vcov(fit)))) < 1e-10) break
    stopifnot(restart < 50)
  }
  stopifnot(fit$converged, !anyNA(coef(fit)))
  se <- function(v) unname(sqrt(diag(v)[TERMS]))
  cases[[link]] <- list(
    params = unname(coef(fit)[TERMS]),
    se = list(
      classic = se(vcov(fit)),
      robust = se(vcovHC(fit, type = "HC1")),
      cluster_unit = se(vcovCL(fit, cluster = ~unit, type = "HC1")),
      cluster_policy = se(vcovCL(fit, cluster = ~policy, type = "HC1")),
      cluster_twoway = se(vcovCL(fit, cluster = ~unit + policy, type = "HC1", multi0 = FALSE))
    ),
    loglik = as.numeric(logLik(fit)),
    n_obs = nrow(fit_data), n_events = sum(fit_data$event),
    n_dropped = sum(!keep), k = length(coef(fit))
  )
}

# 5. Cox model stratified by policy on the whole risk set (no rows dropped): each row
#    (i, t) is the interval (t - 1, t]; every unit enters a policy's risk set at the
#    policy's start, so the calendar and duration clocks give the same fit.
cox <- coxph(Surv(year - 1, year, event) ~ x1 + x2 + strata(policy), data = rs,
             ties = "efron", control = coxph.control(eps = 1e-11, iter.max = 50))
cox_robust <- coxph(Surv(year - 1, year, event) ~ x1 + x2 + strata(policy), data = rs,
                    ties = "efron", cluster = unit,
                    control = coxph.control(eps = 1e-11, iter.max = 50))
cases[["cox_efron"]] <- list(
  params = unname(coef(cox)),
  se = list(classic = unname(sqrt(diag(vcov(cox)))),
            cluster_unit = unname(sqrt(diag(vcov(cox_robust))))),
  loglik = cox$loglik[2], n_obs = nrow(rs), n_events = sum(rs$event)
)

write_json(list(
  generated_by = "tests/reference/pooled.R",
  versions = list(R = R.version.string, sandwich = as.character(packageVersion("sandwich")),
                  platform = R.version$platform),
  terms = TERMS,
  risk_set = risk_set,
  cases = cases
), file.path(outputs_dir, "pooled.json"))
message("wrote ", file.path(outputs_dir, "pooled.json"))
