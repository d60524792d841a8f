#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.FrailtyHazard: R lme4::glmer with a unit random intercept.
#
# Usage (from the repository root):
#
#   Rscript tests/reference/frailty.R [inputs_dir] [outputs_dir] [cases]
#
# cases: optional comma-separated subset of the case keys (e.g. "logit/7,cloglog/1"),
# used by the live-R test to rerun part of the script quickly.
# Input: inputs/frailty_sim.csv (tests/reference/frailty_make_inputs.py). Output:
# outputs/frailty.json.
#
# Model: glmer(event ~ x1 + x2 + t + (1 | unit), family = binomial(link), nAGQ = q).
# For nAGQ > 1 lme4's deviance is -2 times the adaptive Gauss-Hermite approximation of
# the marginal log-likelihood (C++ glmerAGQ): rule centred at the conditional mode of
# each unit's spherical random effect and scaled by 1/L_ii, with L the Cholesky factor
# of Lambda'Z'WZ Lambda + I and W lme4's PIRLS weights (the EXPECTED information weights);
# for 0/1 responses the deviance residuals are -2 log f, so logLik(fit) = -deviance/2 is
# the approximated log-likelihood itself, without any further constant. nAGQ = 1 is the
# Laplace approximation. The random-effect SD is theta (scale 1 for the binomial family).
#
# Standard errors: vcov(fit) of lme4 1.1 for a GLMM inverts the finite-difference
# Hessian of the deviance in (theta, beta) that glmer computes at the end of its
# optimisation (lme4:::deriv12, step 1e-4) and keeps the beta block:
# [ (H_dev / 2)^-1 ]_beta = [ (-Hessian of the log-likelihood)^-1 ]_beta.
#
# Why a second, "polished" set of values: glmer's derivative-free optimiser (bobyqa, even
# with rhoend = 1e-12 and tolPwrss = 1e-12 as below) stops where the finite-difference
# gradient of the deviance is still about 1e-4, leaving estimates up to ~5e-6 (relative)
# from the maximum; repeated fits with other tolerances move them by that much. The
# script therefore takes Newton steps on lme4's own deviance function
# (update(fit, devFunOnly = TRUE)) with the gradient and Hessian of lme4:::deriv12 until
# the step is below 1e-8 standard errors. The polished values are lme4's objective at its
# maximum; "glmer" holds what glmer itself reports.
#
# Why tolPwrss = 1e-14: the deviance is evaluated at the conditional modes found by
# PIRLS, and the Laplace approximation (nAGQ = 1) depends on them to FIRST order (through
# log det L, whose weights are taken at the modes). With the default tolPwrss = 1e-7,
# lme4's Laplace log-likelihood at given parameters is ~1e-5 (absolute) from the exact
# Laplace value (computed by hand with uniroot for the modes); with 1e-12, ~2e-8; with
# 1e-14 they agree to 1e-10. AGQ with several points is insensitive to the centring.
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(stats)
  library(lme4)
})

CONTROL <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-14,
                        optCtrl = list(rhoend = 1e-12, maxfun = 1e5))

script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
inputs_dir <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs_dir <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
only <- if (length(args) >= 3) strsplit(args[3], ",", fixed = TRUE)[[1]] else NULL
dir.create(outputs_dir, showWarnings = FALSE, recursive = TRUE)

# ---- a small JSON writer (as discrete_time.R) ------------------------------------------------
source(file.path(script_dir, "json_writer.R"))  # json_value(), write_json()

named <- function(values, terms) setNames(as.list(unname(values)), terms)

# ---- Newton polishing on lme4's deviance function ------------------------------------------------
polish <- function(fit) {
  dd <- update(fit, devFunOnly = TRUE)
  p <- unname(c(getME(fit, "theta"), fixef(fit)))
  for (i in 1:20) {
    d12 <- lme4:::deriv12(dd, p, delta = 1e-4)
    step <- solve(d12$Hessian, d12$gradient)
    se <- sqrt(diag(solve(d12$Hessian / 2)))
    p <- p - step
    if (max(abs(step) / se) < 1e-8) break
    if (i == 20) stop("Newton polishing did not converge")
  }
  H <- lme4:::deriv12(dd, p, delta = 1e-4)$Hessian
  V <- solve(H / 2)  # inverse of minus the Hessian of the log-likelihood, (theta, beta)
  list(p = p, loglik = -dd(p) / 2, V = V, newton_steps = i)
}

# ---- the Laplace approximation by hand ------------------------------------------------------------
# At given (sd, beta): for each unit the mode of g(u) = sum_t log f(y_t | eta_t + sd u) - u^2/2
# by uniroot on g'(u) (to 1e-15), and log s = -log(1 + sd^2 sum_t w_t) / 2 with the
# expected weights w = mu.eta^2 / (mu (1 - mu)) at the mode; the Laplace log-likelihood is
# sum_i [g(u_i) + log s_i]. lme4's value at the same point differs only by its PIRLS
# tolerance (see the header): 1e-10 for logit, ~3e-7 for cloglog (absolute), whose Fisher
# scoring converges only linearly.
laplace_by_hand <- function(d, link, sd, beta) {
  fam <- binomial(link)
  X <- model.matrix(~ x1 + x2 + t, d)
  eta <- drop(X %*% beta)
  total <- 0
  for (rows in split(seq_len(nrow(d)), d$unit)) {
    y <- d$event[rows]
    e <- eta[rows]
    g <- function(u) sum(dbinom(y, 1, fam$linkinv(e + sd * u), log = TRUE)) - u^2 / 2
    gp <- function(u) {
      ee <- e + sd * u
      mu <- fam$linkinv(ee)
      sd * sum((y - mu) * fam$mu.eta(ee) / (mu * (1 - mu))) - u
    }
    u <- uniroot(gp, c(-30, 30), tol = 1e-15)$root
    ee <- e + sd * u
    mu <- fam$linkinv(ee)
    w <- fam$mu.eta(ee)^2 / (mu * (1 - mu))
    total <- total + g(u) - 0.5 * log(1 + sd^2 * sum(w))
  }
  total
}

# ---- one case --------------------------------------------------------------------------------------
fit_case <- function(d, id, link, nAGQ) {
  f <- event ~ x1 + x2 + t + (1 | unit)
  fit <- glmer(f, data = d, family = binomial(link), nAGQ = nAGQ, control = CONTROL)
  terms <- names(fixef(fit))
  terms[terms == "(Intercept)"] <- "Intercept"
  k <- length(terms)
  pol <- polish(fit)
  se_pol <- sqrt(diag(pol$V))
  out <- list(
    formula = "event ~ x1 + x2 + t",
    link = link,
    nAGQ = as.integer(nAGQ),
    nobs = nobs(fit),
    n_events = as.integer(sum(d$event)),
    n_groups = as.integer(ngrps(fit)[["unit"]]),
    glmer = list(
      sd = unname(getME(fit, "theta")),
      params = named(fixef(fit), terms),
      loglik = as.numeric(logLik(fit)),
      aic = AIC(fit),
      bic = BIC(fit),
      df = as.integer(attr(logLik(fit), "df")),
      std_errors = named(sqrt(diag(as.matrix(vcov(fit)))), terms)
    ),
    polished = list(
      sd = pol$p[1],
      params = named(pol$p[-1], terms),
      loglik = pol$loglik,
      std_errors = named(se_pol[-1], terms),
      sd_std_error = se_pol[1],
      newton_steps = as.integer(pol$newton_steps)
    )
  )
  if (nAGQ == 1)
    out$polished$loglik_laplace_by_hand <- laplace_by_hand(d, link, pol$p[1], pol$p[-1])
  message(sprintf("  %-22s sd = %.6f  loglik = %.6f  (polished in %d Newton steps)",
                  id, out$polished$sd, out$polished$loglik, pol$newton_steps))
  out
}

d <- read.csv(file.path(inputs_dir, "frailty_sim.csv"), stringsAsFactors = FALSE)
CASES <- list("logit/1" = list("logit", 1), "logit/7" = list("logit", 7),
              "logit/15" = list("logit", 15),
              "cloglog/1" = list("cloglog", 1), "cloglog/7" = list("cloglog", 7),
              "probit/7" = list("probit", 7))
if (!is.null(only)) {
  if (!all(only %in% names(CASES))) stop("unknown case(s): ", paste(setdiff(only, names(CASES)), collapse = ", "))
  CASES <- CASES[only]
}
cases <- list()
message("frailty_sim")
for (key in names(CASES)) {
  cases[[key]] <- fit_case(d, key, CASES[[key]][[1]], CASES[[key]][[2]])
}

write_json(list(
  generated_by = "tests/reference/frailty.R",
  versions = list(
    R = R.version.string,
    lme4 = as.character(packageVersion("lme4")),
    Matrix = as.character(packageVersion("Matrix")),
    platform = R.version$platform,
    glmer_control = list(optimizer = "bobyqa", tolPwrss = CONTROL$tolPwrss,
                         rhoend = CONTROL$optCtrl$rhoend, maxfun = CONTROL$optCtrl$maxfun)
  ),
  cases = cases
), file.path(outputs_dir, "frailty.json"))
