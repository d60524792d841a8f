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
# What "glmer" holds: glmer's own estimates, log-likelihood, AIC and BIC. Its standard
# errors (vcov(fit)) are NOT recorded. In lme4 1.1 vcov.merMod of a GLMM with nAGQ > 0
# inverts by default (use.hessian = NULL -> TRUE, ?vcov.merMod: "whether to use the
# finite-difference Hessian of the deviance function") the Hessian that glmer computes
# at the end of its fit by plain central differences with step 1e-4 (lme4:::deriv12), at
# the point where bobyqa stopped; when that matrix is not positive definite it warns and
# falls back to the RX-based covariance (getME(fit, "RX")), which treats theta as known.
# For the Laplace cases that Hessian is unreliable (below): issue 10 (item 3) reports a
# regeneration with the same R, lme4 and Matrix whose vcov standard errors for
# cloglog/1 moved by up to 26 %, with lme4 warning about its Hessian.
#
# Why a second, "polished" set of values: glmer's derivative-free optimiser (bobyqa, even
# with rhoend = 1e-12 and tolPwrss = 1e-14 as below) stops where the gradient of the
# deviance is still about 1e-4, leaving estimates up to ~5e-6 (relative) from the
# maximum. The script therefore takes Newton steps on lme4's own deviance function, a
# function of c(theta, beta) for nAGQ > 0 (glmer(..., devFunOnly = TRUE), here through
# update(fit, devFunOnly = TRUE); ?glmer: "devFunOnly: logical - return only the deviance
# evaluation function"), until the step is below 1e-8 standard errors. The polished
# values are lme4's objective at its maximum.
#
# Derivatives: numDeriv::genD (Gilbert P, Varadhan R (2019). numDeriv: Accurate Numerical
# Derivatives. R package version 2016.8-1.1, https://CRAN.R-project.org/package=numDeriv;
# the method of numDeriv::hessian, "Richardson"): central first and second differences at
# steps h, h/2, h/4, h/8, combined by Richardson extrapolation (Linfield and Penny 1989,
# as cited in ?genD), which cancels the h^2, h^4 and h^6 error terms. The steps are taken
# in standardised coordinates z, (theta, beta) = p + s * z, with s the standard errors
# rounded to one significant digit (numDeriv's own steps are relative to |p|: 0.1 |p| is
# 3 SEs for an intercept of -3 and 1/3 SE for a slope of 0.02). The error of a second
# difference at step h from noise e in the function is ~e / h^2: h = 0.5 SE for smooth
# deviances (lme4's AGQ: e ~ 1e-11 for logit and probit, ~1e-9 for cloglog, whose
# PIRLS converges linearly; the exact Laplace by hand), h = 0.1 SE for lme4's Laplace deviance
# (below), whose jumps a smaller step crosses less often. The standard
# errors are the square roots of the diagonal of (H / 2)^-1, H the Hessian of the
# deviance in (theta, beta): the inverse of minus the Hessian of the log-likelihood.
# Against an analytic-gradient Hessian of the same likelihood (diffusion's engine) these
# agree to ~1e-9 for AGQ (nAGQ = 7, 15) with the logit and probit links, to 3e-7 with
# cloglog.
#
# lme4's evaluation of the Laplace approximation (nAGQ = 1) is inexact. It is taken at
# the conditional modes found by PIRLS, and depends on them to FIRST order (through
# log det L, whose weights are taken at the modes). PIRLS stops on a relative change of
# the penalised deviance below tolPwrss; 1e-14 is the tightest that works (1e-15 fails
# with "PIRLS step-halvings failed to reduce deviance"), and it leaves lme4's Laplace
# deviance ~1e-6 (absolute) from the exact value (modes solved to 1e-15), with jumps
# where the number of PIRLS iterations changes. (With the default tolPwrss = 1e-7 the
# error is ~1e-5.) Second differences of such a function are uncertain at ~1e-5
# relative at best (4e-6 measured with h = 0.1 SE, 2e-4 with h = 0.5 SE), so the
# Laplace cases also record the exact Laplace approximation computed by hand
# ("laplace_by_hand": per-unit modes by uniroot to 1e-15) with its standard errors by
# the same numDeriv method, at the polished parameters. AGQ with several points is
# insensitive to the centring and needs none of this.
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(stats)
  library(lme4)
  library(numDeriv)
})

# calc.derivs = FALSE: glmer's own finite-difference gradient and Hessian (lme4:::deriv12,
# used by vcov and by its convergence checks) are not needed; polish() computes both.
CONTROL <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-14, calc.derivs = FALSE,
                        optCtrl = list(rhoend = 1e-12, maxfun = 1e5))
# first Richardson step, in standard errors (then /2, /4, /8): for lme4's AGQ deviance
# and the exact Laplace by hand (smooth; noise ~1e-9), and for lme4's Laplace deviance
# (jumps of ~1e-6; see the header)
STEP_SMOOTH <- 0.5
STEP_LAPLACE_LME4 <- 0.1

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

# ---- derivatives by Richardson extrapolation, in standardised coordinates ---------------------
# Gradient and Hessian of f at p from numDeriv::genD on z -> f(p + s * z) at z = 0 (with
# x = 0, genD's first step is eps: here `step` standard errors).
derivs <- function(f, p, s, step) {
  k <- length(p)
  D <- genD(function(z) f(p + s * z), numeric(k),
            method.args = list(eps = step, d = 0, r = 4, v = 2))$D
  H <- matrix(0, k, k)
  H[upper.tri(H, diag = TRUE)] <- D[-seq_len(k)]  # genD: (i, j) for j <= i, row by row
  H <- H + t(H) - diag(diag(H))
  list(gradient = D[seq_len(k)] / s, hessian = H / outer(s, s))
}

# standard errors from a Hessian of the deviance, NaN where it is not positive definite
se_of <- function(H) {
  V <- tryCatch(solve(H / 2), error = function(e) matrix(NaN, nrow(H), ncol(H)))
  d <- diag(V)
  ifelse(is.finite(d) & d > 0, sqrt(pmax(d, 0)), NaN)
}

# ---- Newton polishing on lme4's deviance function ------------------------------------------------
polish <- function(fit, step) {
  dd <- update(fit, devFunOnly = TRUE)  # deviance as a function of c(theta, beta)
  p <- unname(c(getME(fit, "theta"), fixef(fit)))
  # the scale of the steps: first the RX-based standard errors of beta (always defined)
  # and a tenth of theta, then the standard errors from the Hessian at glmer's estimate
  s <- c(0.1 * max(p[1], 0.1), sqrt(diag(chol2inv(getME(fit, "RX")))))
  s <- signif(se_of(derivs(dd, p, s, step)$hessian), 1)
  if (!all(is.finite(s))) stop("the deviance Hessian at glmer's estimate is not positive definite")
  for (i in 1:20) {
    d12 <- derivs(dd, p, s, step)
    delta <- solve(d12$hessian, d12$gradient)
    p <- p - delta
    if (max(abs(delta) / s) < 1e-8) break
    if (i == 20) stop("Newton polishing did not converge")
  }
  H <- derivs(dd, p, s, step)$hessian
  V <- solve(H / 2)  # inverse of minus the Hessian of the log-likelihood, (theta, beta)
  list(p = p, s = s, loglik = -dd(p) / 2, V = V, newton_steps = i)
}

# ---- the Laplace approximation by hand ------------------------------------------------------------
# At given (sd, beta): for each unit the mode of g(u) = sum_t log f(y_t | eta_t + sd u) - u^2/2
# by uniroot on g'(u) (to 1e-15), and log s = -log(1 + sd^2 sum_t w_t) / 2 with the
# expected weights w = mu.eta^2 / (mu (1 - mu)) at the mode; the Laplace log-likelihood is
# sum_i [g(u_i) + log s_i]. lme4's value at the same point differs by its PIRLS tolerance
# (see the header): ~1e-10 to ~1e-6 (absolute).
laplace_by_hand <- function(d, link) {
  fam <- binomial(link)
  X <- model.matrix(~ x1 + x2 + t, d)
  units <- split(seq_len(nrow(d)), d$unit)
  function(sd, beta) {
    eta <- drop(X %*% beta)
    total <- 0
    for (rows in units) {
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
}

# ---- one case --------------------------------------------------------------------------------------
fit_case <- function(d, id, link, nAGQ) {
  f <- event ~ x1 + x2 + t + (1 | unit)
  fit <- glmer(f, data = d, family = binomial(link), nAGQ = nAGQ, control = CONTROL)
  terms <- names(fixef(fit))
  terms[terms == "(Intercept)"] <- "Intercept"
  k <- length(terms)
  pol <- polish(fit, if (nAGQ == 1) STEP_LAPLACE_LME4 else STEP_SMOOTH)
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
      df = as.integer(attr(logLik(fit), "df"))
    ),
    polished = list(
      sd = pol$p[1],
      params = named(pol$p[-1], terms),
      loglik = pol$loglik,
      std_errors = named(se_pol[-1], terms),
      sd_std_error = se_pol[1],
      newton_steps = as.integer(pol$newton_steps),
      step_scale = named(pol$s, c("sd", terms))
    )
  )
  if (nAGQ == 1) {
    ll <- laplace_by_hand(d, link)
    dev <- function(p) -2 * ll(p[1], p[-1])
    se_hand <- se_of(derivs(dev, pol$p, pol$s, STEP_SMOOTH)$hessian)
    out$laplace_by_hand <- list(
      loglik = ll(pol$p[1], pol$p[-1]),
      std_errors = named(se_hand[-1], terms),
      sd_std_error = se_hand[1]
    )
  }
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
    numDeriv = as.character(packageVersion("numDeriv")),
    platform = R.version$platform,
    glmer_control = list(optimizer = "bobyqa", tolPwrss = CONTROL$tolPwrss,
                         calc.derivs = CONTROL$calc.derivs,
                         rhoend = CONTROL$optCtrl$rhoend, maxfun = CONTROL$optCtrl$maxfun),
    derivatives = list(method = "numDeriv::genD (Richardson), standardised coordinates",
                       first_step_in_se = list(agq = STEP_SMOOTH, laplace_by_hand = STEP_SMOOTH,
                                               laplace_lme4 = STEP_LAPLACE_LME4),
                       r = 4L, v = 2L)
  ),
  cases = cases
), file.path(outputs_dir, "frailty.json"))
