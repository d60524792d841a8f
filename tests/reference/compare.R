#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.compare, HazardResults.wald_test, break_search and
# period_interactions: R glm / coxph + anova + sandwich.
#
# Usage (from the repository root):
#
#   Rscript tests/reference/compare.R [inputs_dir] [outputs_dir]
#
# Defaults: tests/reference/inputs and tests/reference/outputs. Input: compare_sim.csv
# (written by compare_make_inputs.py), one row per unit-year at risk with columns unit,
# year, event, x1, x2, x3 (missing in ~1/8 of the rows), regional, world, duration.
# Output: compare_sim.json; numbers are printed with 17 significant digits.
#
# What each block computes (and the diffusion call it checks):
#
# * anova_*: nested glm (binomial, cloglog or logit) or coxph fits on the same rows and
#   anova(..., test = "LRT") (glm) / anova(cox0, cox1) (coxph): the sequential LR
#   statistic, its df and p-value; logLik, AIC and BIC of each fit
#   (diffusion.compare(res1, res2, ...)).
# * common_*: a model without x3 and one with x3. R's anova refuses fits on different
#   numbers of rows, so both are fitted here on the complete cases of x3 -- the common
#   sample diffusion.compare refits on when it is given the fit without x3 on all rows.
# * wald: hand-computed W = (R b - q)' (R V R')^-1 (R b - q), p = P(chi2(r) > W), for
#   several hypotheses and three covariances: vcov (classic), sandwich::vcovCL(type =
#   "HC1", cluster = ~unit) (cluster) and vcovHC(type = "HC1") (robust); for coxph the
#   model-based variance (naive.var) and the cluster(unit) robust variance (no
#   small-sample factor, as diffusion's default for Cox). (result.wald_test("..."))
# * breaks: the profile log-likelihood of a break in the effect of world: for each
#   candidate year c, glm(event ~ x1 + regional + world + world:I(year >= c)), its
#   logLik, the coefficient of the interaction and its vcovCL(HC1) standard error
#   (diffusion.break_search). Candidate years where the interaction is collinear are
#   not in the grid.
# * periods: world split at 1950 and 1980, "separate" coding (one column per period,
#   without world) and "difference" coding (world plus the later periods)
#   (diffusion.period_interactions).
#
# Every glm is fitted with glm.control(epsilon = 1e-14, maxit = 100) and restarted
# from its own estimate until it moves by less than 1e-10 SE (as discrete_time.R), and
# every coxph with coxph.control(eps = 1e-12, iter.max = 100).
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(stats)
  library(sandwich)
  library(survival)
})

CONTROL <- glm.control(epsilon = 1e-14, maxit = 100)
# R warns that toler.chol should be < eps; suppressed, as in cox.R
COX_CONTROL <- suppressWarnings(coxph.control(eps = 1e-12, iter.max = 100))

script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
inputs_dir <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs_dir <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
dir.create(outputs_dir, showWarnings = FALSE, recursive = TRUE)

source(file.path(script_dir, "json_writer.R"))  # json_value(), write_json()

d <- read.csv(file.path(inputs_dir, "compare_sim.csv"), stringsAsFactors = FALSE)
d <- d[order(d$unit, d$year), ]
stopifnot(all(d$year - ave(d$year, d$unit, FUN = min) + 1 == d$duration))
cc <- d[!is.na(d$x3), ]  # the common sample of the models with and without x3

# ---- fitting ------------------------------------------------------------------------------
fit_glm <- function(f, data, link) {
  fit <- glm(f, data = data, family = binomial(link = link), control = CONTROL)
  for (restart in 1:50) {
    if (!fit$converged) stop(deparse(f), ": glm did not converge")
    b <- coef(fit)
    fit <- glm(f, data = data, family = binomial(link = link), control = CONTROL, start = b)
    if (max(abs(coef(fit) - b) / sqrt(diag(vcov(fit)))) < 1e-10) break
    if (restart == 50) stop(deparse(f), ": estimates still move after 50 restarts")
  }
  fit
}

fit_cox <- function(f, data, cluster = FALSE) {
  if (cluster) {
    coxph(f, data = data, ties = "efron", control = COX_CONTROL, cluster = unit)
  } else {
    coxph(f, data = data, ties = "efron", control = COX_CONTROL)
  }
}

diffusion_names <- function(x) { x[x == "(Intercept)"] <- "Intercept"; x }
named <- function(values, terms) setNames(as.list(unname(values)), terms)

# the cubic in duration of diffusion's Cubic(scale = "duration"): s = duration - min + 1
cubic <- function(data) {
  data$s <- data$duration - min(data$duration) + 1
  data
}
CUBIC_RENAME <- c("s" = "duration", "I(s^2)" = "duration^2", "I(s^3)" = "duration^3")

glm_summary <- function(fit, rename = NULL) {
  terms <- diffusion_names(names(coef(fit)))
  hit <- terms %in% names(rename)
  terms[hit] <- rename[terms[hit]]
  list(terms = as.list(terms), nobs = nobs(fit), n_events = as.integer(sum(fit$y)),
       loglik = as.numeric(logLik(fit)), aic = AIC(fit), bic = BIC(fit),
       params = named(coef(fit), terms))
}

cox_summary <- function(fit) {
  list(terms = as.list(names(coef(fit))), nobs = fit$n, n_events = fit$nevent,
       loglik = fit$loglik[2], aic = AIC(fit), bic = BIC(fit),
       params = named(coef(fit), names(coef(fit))))
}

# sequential LR tests of anova(): one entry per model after the first
anova_glm <- function(fits) {
  a <- do.call(anova, c(unname(fits), list(test = "LRT")))
  lapply(2:nrow(a), function(i) list(
    statistic = a$Deviance[i], df = as.integer(a$Df[i]), p_value = a[["Pr(>Chi)"]][i]))
}

anova_cox <- function(fits) {
  a <- do.call(anova, unname(fits))
  lapply(2:nrow(a), function(i) list(
    statistic = a$Chisq[i], df = as.integer(a$Df[i]), p_value = a[["Pr(>|Chi|)"]][i]))
}

message("anova: glm cloglog, four nested models on all rows")
F_CLOGLOG <- list("event ~ x1", "event ~ x1 + regional", "event ~ x1 + regional + world",
                  "event ~ x1 + regional + world + x2")
fits <- lapply(F_CLOGLOG, function(f) fit_glm(as.formula(f), d, "cloglog"))
anova_cloglog <- list(link = "cloglog", time = "none", formulas = F_CLOGLOG,
                      models = lapply(fits, glm_summary), tests = anova_glm(fits))
big_glm <- fits[[4]]

message("anova: glm logit with a cubic in duration")
dc <- cubic(d)
F_LOGIT <- list("event ~ x1 + s + I(s^2) + I(s^3)",
                "event ~ x1 + regional + world + s + I(s^2) + I(s^3)")
fits <- lapply(F_LOGIT, function(f) fit_glm(as.formula(f), dc, "logit"))
anova_logit_cubic <- list(
  link = "logit", time = "cubic_duration",
  formulas = list("event ~ x1", "event ~ x1 + regional + world"),
  models = lapply(fits, glm_summary, rename = CUBIC_RENAME), tests = anova_glm(fits))

message("common sample: glm cloglog with and without x3, on the complete cases of x3")
F_COMMON <- list("event ~ x1 + regional", "event ~ x1 + regional + x3")
fits <- lapply(F_COMMON, function(f) fit_glm(as.formula(f), cc, "cloglog"))
common_cloglog <- list(link = "cloglog", formulas = F_COMMON, nobs_all = nrow(d),
                       models = lapply(fits, glm_summary), tests = anova_glm(fits))

message("anova: coxph (duration clock, Efron ties)")
F_COX <- list("Surv(duration - 1, duration, event) ~ x1 + regional",
              "Surv(duration - 1, duration, event) ~ x1 + regional + world + x2")
fits <- lapply(F_COX, function(f) fit_cox(as.formula(f), d))
anova_cox_fits <- list(formulas = list("x1 + regional", "x1 + regional + world + x2"),
                       models = lapply(fits, cox_summary), tests = anova_cox(fits))
big_cox <- fit_cox(as.formula(F_COX[[2]]), d, cluster = TRUE)

message("common sample: coxph with and without x3")
F_COX_COMMON <- list("Surv(duration - 1, duration, event) ~ x1 + regional",
                     "Surv(duration - 1, duration, event) ~ x1 + regional + x3")
fits <- lapply(F_COX_COMMON, function(f) fit_cox(as.formula(f), cc))
common_cox <- list(formulas = list("x1 + regional", "x1 + regional + x3"), nobs_all = nrow(d),
                   models = lapply(fits, cox_summary), tests = anova_cox(fits))

# ---- Wald tests --------------------------------------------------------------------------
wald <- function(b, V, R, q) {
  diff <- drop(R %*% b - q)
  W <- drop(t(diff) %*% solve(R %*% V %*% t(R), diff))
  list(statistic = W, df = nrow(R), p_value = pchisq(W, nrow(R), lower.tail = FALSE))
}

constraint_matrix <- function(terms, rows) {
  # rows: list of named coefficient vectors (term -> weight)
  R <- matrix(0, length(rows), length(terms), dimnames = list(NULL, terms))
  for (i in seq_along(rows)) R[i, names(rows[[i]])] <- rows[[i]]
  R
}

HYPOTHESES <- list(
  "regional = world" = list(rows = list(c(regional = 1, world = -1)), q = 0),
  "regional + world = 0" = list(rows = list(c(regional = 1, world = 1)), q = 0),
  "regional = 0, world = 0" = list(rows = list(c(regional = 1), c(world = 1)), q = c(0, 0)),
  "2 * regional - world = 1, x1 = 0" = list(rows = list(c(regional = 2, world = -1),
                                                        c(x1 = 1)), q = c(1, 0)),
  "x2" = list(rows = list(c(x2 = 1)), q = 0)
)

message("Wald tests: glm cloglog, classic / cluster / robust")
b <- coef(big_glm)
names(b) <- diffusion_names(names(b))
COVS <- list(classic = vcov(big_glm),
             cluster = vcovCL(big_glm, cluster = d$unit, type = "HC1"),
             robust = vcovHC(big_glm, type = "HC1"))
wald_glm <- list(formula = F_CLOGLOG[[4]], link = "cloglog", tests = list())
for (h in names(HYPOTHESES)) {
  R <- constraint_matrix(names(b), HYPOTHESES[[h]]$rows)
  wald_glm$tests[[h]] <- lapply(COVS, function(V) wald(b, V, R, HYPOTHESES[[h]]$q))
}

message("Wald tests: coxph, classic / cluster(unit)")
b <- coef(big_cox)
COX_COVS <- list(classic = big_cox$naive.var, cluster = big_cox$var)
wald_cox <- list(formula = "x1 + regional + world + x2", tests = list())
for (h in names(HYPOTHESES)) {
  R <- constraint_matrix(names(b), HYPOTHESES[[h]]$rows)
  wald_cox$tests[[h]] <- lapply(COX_COVS, function(V) wald(b, V, R, HYPOTHESES[[h]]$q))
}

# ---- break search ------------------------------------------------------------------------
message("break search: world x 1[year >= c]")
GRID <- seq(1925L, 2005L, by = 5L)
base <- fit_glm(event ~ x1 + regional + world, d, "cloglog")
profile <- lapply(GRID, function(c) {
  d$brk <- d$world * (d$year >= c)
  fit <- fit_glm(event ~ x1 + regional + world + brk, d, "cloglog")
  V <- vcovCL(fit, cluster = d$unit, type = "HC1")
  list(year = c, loglik = as.numeric(logLik(fit)), change = unname(coef(fit)["brk"]),
       std_err = sqrt(V["brk", "brk"]))
})
breaks <- list(formula = "event ~ x1 + regional + world", term = "world", link = "cloglog",
               years = as.list(GRID), loglik_no_break = as.numeric(logLik(base)),
               profile = profile)

# ---- period interactions -------------------------------------------------------------------
message("period interactions: world split at 1950 and 1980")
lo <- min(d$year); hi <- max(d$year)
d$w1 <- d$world * (d$year < 1950)
d$w2 <- d$world * (d$year >= 1950 & d$year < 1980)
d$w3 <- d$world * (d$year >= 1980)
P_NAMES <- c(w1 = sprintf("world:period[%d-1949]", lo), w2 = "world:period[1950-1979]",
             w3 = sprintf("world:period[1980-%d]", hi))
sep <- fit_glm(event ~ x1 + regional + w1 + w2 + w3, d, "cloglog")
dif <- fit_glm(event ~ x1 + regional + world + w2 + w3, d, "cloglog")
rename_periods <- function(fit) {
  s <- glm_summary(fit, rename = P_NAMES)
  V <- vcovCL(fit, cluster = d$unit, type = "HC1")
  s$std_errors <- named(sqrt(diag(V)), unlist(s$terms))
  s
}
periods <- list(term = "world", breaks = list(1950L, 1980L), link = "cloglog",
                separate = rename_periods(sep), difference = rename_periods(dif))

versions <- list(
  R = R.version.string,
  stats = as.character(packageVersion("stats")),
  sandwich = as.character(packageVersion("sandwich")),
  survival = as.character(packageVersion("survival")),
  platform = R.version$platform,
  lapack = La_version(),
  blas = basename(extSoftVersion()[["BLAS"]])
)

write_json(list(
  generated_by = "tests/reference/compare.R",
  input = "tests/reference/inputs/compare_sim.csv",
  versions = versions,
  anova_cloglog = anova_cloglog,
  anova_logit_cubic = anova_logit_cubic,
  common_cloglog = common_cloglog,
  anova_cox = anova_cox_fits,
  common_cox = common_cox,
  wald_glm = wald_glm,
  wald_cox = wald_cox,
  breaks = breaks,
  periods = periods
), file.path(outputs_dir, "compare_sim.json"))
message("wrote ", file.path(outputs_dir, "compare_sim.json"))
