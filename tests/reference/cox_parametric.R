#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.PiecewiseExponentialHazard (R glm poisson + sandwich) and
# diffusion.WeibullHazard (R survreg), on the Cox input panels.
#
# Usage (from the repository root):
#
#   Rscript tests/reference/cox_parametric.R [inputs_dir] [outputs_dir] [lottery.tab]
#
# Outputs: cox_parametric_sim_a.json and (when the lottery file exists)
# cox_parametric_lottery.json, numbers with 17 significant digits.
#
# Piecewise exponential: one row per unit-year at risk, exposure e (1, or 0.5 in the first
# year at risk of the simulated panel: "exposure" below), periods cut on the clock as
# diffusion.time_terms.Periods (a year equal to a break opens the next period; labels
# "[a-b]", first period the reference):
#
#   glm(event ~ x + period [+ x1:period] + offset(log(exposure)), family = poisson)
#
#   classic  vcov(fit); cluster  vcovCL(fit, cluster = ~unit, type = "HC1");
#   robust   vcovHC(fit, type = "HC1")
#
# Weibull: survreg cannot fit left-truncated data, so the comparison uses what it can
# fit: the duration clock, units whose years at risk are consecutive (no exit and
# re-entry), covariates constant within unit (x2, bloc). Each unit's history is then one
# survival time T = last duration, event = its event indicator:
#
#   survreg(Surv(T, event) ~ x2 + bloc, dist = "weibull")      log T = mu + gamma'x + sigma W
#
# and the proportional-hazards parameters are  beta0 = -mu/sigma, beta = -gamma/sigma,
# log(shape) = -log(sigma), with covariances by the delta method (exact for the sandwich
# too, at the estimate). survreg(robust = TRUE) on one row per unit is the cluster (unit)
# variance, crossprod(dfbeta) with no small-sample factor.
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(survival)
  library(sandwich)
})

GLM_CONTROL <- glm.control(epsilon = 1e-14, maxit = 100)

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

versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
                 sandwich = as.character(packageVersion("sandwich")),
                 platform = R.version$platform)

# ---- piecewise exponential -------------------------------------------------------------------
add_periods <- function(d, breaks, clock) {
  x <- if (clock == "duration") d$duration else d$year
  edges <- c(min(x), unlist(breaks), max(x) + 1)
  labels <- sprintf("[%d-%d]", edges[-length(edges)], edges[-1] - 1)
  d$period <- cut(x, breaks = edges, right = FALSE, labels = labels)
  d
}

pwe_case <- function(d, id, covariates, breaks, clock, varying, exposure, unit) {
  d <- d[complete.cases(d[, covariates, drop = FALSE]), ]
  rhs <- covariates
  if (length(breaks)) {
    d <- add_periods(d, breaks, clock)
    rhs <- c(rhs, "period", if (length(varying)) paste0(varying, ":period"))
  }
  off <- if (is.null(exposure)) "" else sprintf(" + offset(log(%s))", exposure)
  f <- as.formula(paste("event ~", paste(rhs, collapse = " + "), off))
  fit <- glm(f, data = d, family = poisson, control = GLM_CONTROL)
  if (!fit$converged) stop(id, ": glm did not converge")
  terms <- names(coef(fit))
  terms[terms == "(Intercept)"] <- "Intercept"
  # R: period[1-4]:x1; diffusion: x1:period[1-4]
  terms <- sub("^(period\\[[^]]*\\]):(.*)$", "\\2:\\1", terms)
  se <- function(V) named(sqrt(diag(V)), terms)
  message(sprintf("  %-40s n = %5d  events = %3d  loglik = %.8f", id, nobs(fit),
                  as.integer(sum(d$event)), as.numeric(logLik(fit))))
  list(covariates = as.list(covariates), breaks = as.list(as.integer(unlist(breaks))),
       clock = clock, varying = as.list(varying), exposure = exposure %||% "",
       n = nobs(fit), n_events = as.integer(sum(d$event)),
       loglik = as.numeric(logLik(fit)), aic = AIC(fit), bic = BIC(fit),
       params = named(coef(fit), terms),
       std_errors = list(classic = se(vcov(fit)),
                         cluster = se(vcovCL(fit, cluster = as.formula(paste0("~", unit)),
                                             type = "HC1")),
                         robust = se(vcovHC(fit, type = "HC1"))))
}
`%||%` <- function(a, b) if (is.null(a)) b else a

# ---- Weibull via survreg -----------------------------------------------------------------------
weibull_case <- function(d, id, covariates) {
  d <- d[order(d$unit, d$year), ]
  gaps <- tapply(d$year, d$unit, function(y) any(diff(y) != 1))
  d <- d[!gaps[d$unit], ]
  one <- do.call(rbind, lapply(split(d, d$unit), function(u)
    data.frame(unit = u$unit[1], time = max(u$duration), event = max(u$event),
               u[1, covariates, drop = FALSE])))
  stopifnot(all(tapply(d$duration, d$unit, min) == 1))  # no late entry on this clock
  f <- as.formula(paste("Surv(time, event) ~", paste(covariates, collapse = " + ")))
  ctl <- survreg.control(rel.tolerance = 1e-13, maxiter = 100)
  fit <- survreg(f, data = one, dist = "weibull", control = ctl)
  rob <- survreg(f, data = one, dist = "weibull", control = ctl, robust = TRUE)
  stopifnot(isTRUE(all.equal(coef(fit), coef(rob))))
  k <- length(coef(fit))
  s <- fit$scale
  theta <- c(-coef(fit) / s, -log(s))
  # d theta / d (coef, log sigma)
  J <- matrix(0, k + 1, k + 1)
  J[1:k, 1:k] <- diag(-1 / s, k)
  J[1:k, k + 1] <- coef(fit) / s
  J[k + 1, k + 1] <- -1
  terms <- c("Intercept", names(coef(fit))[-1], "log(shape)")
  terms <- sub("^bloc", "C(bloc)[T.", terms)
  terms <- ifelse(grepl("^C\\(bloc\\)\\[T\\.", terms), paste0(terms, "]"), terms)
  se <- function(V) named(sqrt(diag(J %*% V %*% t(J))), terms)
  message(sprintf("  %-40s n = %5d  events = %3d  loglik = %.8f", id, nrow(one),
                  as.integer(sum(one$event)), fit$loglik[2]))
  list(covariates = as.list(covariates), clock = "duration",
       units = as.list(sort(unique(d$unit))), n_rows = nrow(d), n_events = sum(one$event),
       loglik = fit$loglik[2], params = named(theta, terms),
       std_errors = list(classic = se(vcov(fit)), cluster = se(rob$var)))
}

# ---- simulated panel -------------------------------------------------------------------------------
d <- read.csv(file.path(inputs_dir, "cox_sim_a.csv"), stringsAsFactors = FALSE)
d <- d[order(d$unit, d$year), ]
d$exposure <- ifelse(d$duration == 1, 0.5, 1)  # entered during its first year
message("cox_sim_a")
cases <- list(
  "pwe/calendar" = pwe_case(d, "pwe/calendar", c("x1", "x2", "regional", "world"),
                            list(1930L, 1970L), "calendar", character(), "exposure", "unit"),
  "pwe/duration_varying" = pwe_case(d, "pwe/duration_varying", c("x2", "regional"),
                                    list(5L, 20L), "duration", "x1", NULL, "unit"),
  "pwe/exponential" = pwe_case(d, "pwe/exponential", c("x1", "x2"), list(), "calendar",
                               character(), "exposure", "unit"),
  "weibull/duration" = weibull_case(d, "weibull/duration", c("x2", "bloc"))
)
write_json(list(generated_by = "tests/reference/cox_parametric.R",
                input = "tests/reference/inputs/cox_sim_a.csv", versions = versions,
                cases = cases),
           file.path(outputs_dir, "cox_parametric_sim_a.json"))

# ---- lottery ----------------------------------------------------------------------------------------
if (file.exists(lottery_path)) {
  message("lottery")
  lot <- read.delim(lottery_path, stringsAsFactors = FALSE)
  lot <- lot[order(lot$state, lot$year), ]
  names(lot)[names(lot) == "adopt"] <- "event"
  COV <- c("fiscal", "party", "elect1", "elect2", "income1", "religion", "neighbor")
  cases <- list("pwe/calendar" = pwe_case(lot, "lottery/pwe/calendar", COV, list(75L),
                                          "calendar", character(), NULL, "state"))
  write_json(list(generated_by = "tests/reference/cox_parametric.R",
                  input = "../shared/reference-data/policy-diffusion-benchmarks/dhb2015/lottery.tab",
                  versions = versions, cases = cases),
             file.path(outputs_dir, "cox_parametric_lottery.json"))
} else {
  message("lottery: ", lottery_path, " is absent; skipped")
}
