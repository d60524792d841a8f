#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.FirthHazard: R brglm2 (bias-reduced binary GLMs).
#
# Usage (from the repository root):
#
#   Rscript tests/reference/firth.R [inputs_dir] [outputs_dir] [lottery.csv]
#
# Defaults: tests/reference/inputs, tests/reference/outputs and the bundled
# data/lottery.csv. Inputs firth_rare.csv and firth_separation.csv are written by
# tests/reference/firth_make_inputs.py. Output: outputs/firth.json.
#
# The estimator (brglm2 0.9, type = "AS_mean", the default of brglmFit) solves the
# mean-bias-reducing adjusted score equations (Firth 1993; Kosmidis & Firth 2009)
#
#   U*(beta) = sum_i x_i [ (y_i - mu_i) d1_i / V_i + h_i d2_i / (2 d1_i) ] = 0
#
# with d1 = dmu/deta, d2 = d2mu/deta2, V = mu (1 - mu) and h_i the hat values of the
# weighted fit (W = d1^2 / V). For the logit link this is Firth's penalised likelihood
# l(beta) + log det(X'WX) / 2; for probit and cloglog there is no such objective.
#
# Quantities written for every case (names used in the JSON):
#
#   params                  coef(fit)
#   loglik, aic, bic        logLik(fit), AIC(fit), BIC(fit): the *unpenalised* Bernoulli
#                           log-likelihood at the bias-reduced estimate, K parameters
#   penalised_loglik        logit only: loglik + log det(X'WX) / 2 (Firth's objective)
#   std_errors$classic      sqrt(diag(vcov(fit))): inverse expected information at the
#                           estimate (brglm2's summary)
#   std_errors$cluster      vcovCL(fit, cluster = ~unit, type = "HC1") with the ADJUSTED
#                           scores as estfun (estfun.brglmFit below): the sandwich of the
#                           estimating equations that define the estimator,
#                           G/(G-1) (N-1)/(N-K) A^-1 (sum_g S*_g S*_g') A^-1
#   std_errors$robust       the same with one cluster per row: N/(N-K) A^-1 (S*'S*) A^-1
#   std_errors$cluster_ml_scores
#                           what sandwich::vcovCL(fit, cluster = ~unit, type = "HC1")
#                           gives WITHOUT the override: sandwich's estfun.glm uses the
#                           unadjusted ML scores, which do not sum to zero at the
#                           bias-reduced estimate. Stored to document the difference
#                           (diffusion uses the adjusted scores).
#
# Every fit uses brglmControl(epsilon = 1e-12, maxit = 1000): brglm2 stops when the sum
# of the absolute steps falls below epsilon, far tighter than the Python tests need; the
# script checks that the scoring step implied by the adjusted score at the reported
# estimate is below 1e-8 standard errors.
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(stats)
  library(sandwich)
  library(brglm2)
})

CONTROL <- brglmControl(epsilon = 1e-12, maxit = 1000)

script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
inputs_dir <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs_dir <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
lottery_path <- if (length(args) >= 3) args[3] else
  file.path(script_dir, "..", "..", "data", "lottery.csv")
dir.create(outputs_dir, showWarnings = FALSE, recursive = TRUE)

# ---- a small JSON writer (as discrete_time.R) ------------------------------------------------
source(file.path(script_dir, "json_writer.R"))  # json_value(), write_json()

# ---- the adjusted scores -----------------------------------------------------------------------
# d2mu/deta2 divided by dmu/deta, for each link (brglm2's d2mus / d1mus)
d2_over_d1 <- function(link, eta, mu) {
  switch(link,
         logit = 1 - 2 * mu,
         probit = -eta,
         cloglog = 1 - exp(eta),
         stop("no d2/d1 for link ", link))
}

# Per-row adjusted scores S*_i = x_i [ (y - mu) d1 / V + h d2 / (2 d1) ]
adjusted_scores <- function(fit) {
  X <- model.matrix(fit)
  eta <- fit$linear.predictors
  mu <- fitted(fit)
  fam <- family(fit)
  d1 <- fam$mu.eta(eta)
  score <- (fit$y - mu) * d1 / fam$variance(mu)
  w <- d1^2 / fam$variance(mu)
  Q <- qr.Q(qr(sqrt(w) * X))
  h <- rowSums(Q * Q)
  X * (score + 0.5 * h * d2_over_d1(fam$link, eta, mu))
}

# sandwich's generics dispatch to this method for brglmFit objects (found on the search
# path before the registered estfun.glm): vcovCL and vcovHC then use the adjusted scores
estfun.brglmFit <- function(x, ...) adjusted_scores(x)

# ---- one case ------------------------------------------------------------------------------------
named <- function(values, terms) setNames(as.list(unname(values)), terms)

fit_case <- function(d, id, response, covariates, link, cubic_duration, cluster) {
  d <- d[complete.cases(d[, c(covariates, cluster), drop = FALSE]), ]
  rhs <- covariates
  rename <- c("(Intercept)" = "Intercept")
  if (cubic_duration) {
    d$s <- d$duration - min(d$duration) + 1
    rhs <- c(rhs, "s", "I(s^2)", "I(s^3)")
    rename <- c(rename, "s" = "duration", "I(s^2)" = "duration^2", "I(s^3)" = "duration^3")
  }
  f <- as.formula(paste(response, "~", paste(rhs, collapse = " + ")))
  fit <- glm(f, data = d, family = binomial(link), method = "brglmFit", type = "AS_mean",
             control = CONTROL)
  if (!fit$converged) stop(id, ": brglmFit did not converge")
  terms <- names(coef(fit))
  terms[terms %in% names(rename)] <- rename[terms[terms %in% names(rename)]]

  S <- adjusted_scores(fit)
  X <- model.matrix(fit)
  A_inv <- vcov(fit)
  # the adjusted score is zero at the estimate: the scoring step it implies is below
  # 1e-8 standard errors (a scale-free check: the cubic columns reach 1e5)
  if (max(abs(A_inv %*% colSums(S)) / sqrt(diag(A_inv))) > 1e-8)
    stop(id, ": adjusted score not zero at the estimate")
  w <- weights(fit, "working")
  info <- crossprod(X * sqrt(w))
  if (max(abs(A_inv %*% info - diag(ncol(X)))) > 1e-8) stop(id, ": vcov is not the inverse expected information")

  n <- nrow(X)
  k <- ncol(X)
  cl <- d[[cluster]]
  G <- length(unique(cl))
  by_hand <- G / (G - 1) * (n - 1) / (n - k) * A_inv %*% crossprod(rowsum(S, cl)) %*% A_inv
  V_cluster <- vcovCL(fit, cluster = cl, type = "HC1")
  if (max(abs(V_cluster - by_hand) / sqrt(outer(diag(by_hand), diag(by_hand)))) > 1e-10)
    stop(id, ": vcovCL with the adjusted scores differs from the sandwich by hand")
  V_robust <- n / (n - k) * A_inv %*% crossprod(S) %*% A_inv
  V_hc1 <- vcovHC(fit, type = "HC1")
  if (max(abs(V_hc1 - V_robust) / sqrt(outer(diag(V_robust), diag(V_robust)))) > 1e-10)
    stop(id, ": vcovHC with the adjusted scores differs from the sandwich by hand")
  V_ml <- local({
    # sandwich's default estfun.glm: working residuals x working weights x X
    S_ml <- X * (residuals(fit, "working") * weights(fit, "working"))
    G / (G - 1) * (n - 1) / (n - k) * A_inv %*% crossprod(rowsum(S_ml, cl)) %*% A_inv
  })
  V_ml_sandwich <- sandwich::vcovCL(structure(fit, class = c("glm", "lm")), cluster = cl,
                                    type = "HC1")
  if (max(abs(V_ml_sandwich - V_ml) / sqrt(outer(diag(V_ml), diag(V_ml)))) > 1e-10)
    stop(id, ": vcovCL with estfun.glm differs from the ML-score sandwich by hand")

  se <- function(V) named(sqrt(diag(V)), terms)
  out <- list(
    formula = paste(response, "~", paste(covariates, collapse = " + ")),
    link = link,
    time = if (cubic_duration) "cubic_duration" else "none",
    cluster = cluster,
    nobs = n,
    n_events = as.integer(sum(fit$y)),
    n_clusters = G,
    loglik = as.numeric(logLik(fit)),
    aic = AIC(fit),
    bic = BIC(fit),
    iterations = fit$iter,
    params = named(coef(fit), terms),
    std_errors = list(classic = se(A_inv), cluster = se(V_cluster), robust = se(V_robust),
                      cluster_ml_scores = se(V_ml))
  )
  if (link == "logit")
    out$penalised_loglik <- out$loglik + 0.5 * as.numeric(determinant(info)$modulus)
  message(sprintf("  %-40s n = %5d  events = %3d  loglik = %.6f  (%d iterations)",
                  id, n, out$n_events, out$loglik, fit$iter))
  out
}

# ---- separation: what maximum likelihood does ----------------------------------------------------
ml_separation <- function(d) {
  warn <- character()
  fit <- withCallingHandlers(
    glm(event ~ x1 + colony + regional, data = d, family = binomial("logit"),
        control = glm.control(epsilon = 1e-14, maxit = 100)),
    warning = function(w) {
      warn <<- c(warn, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  list(colony = unname(coef(fit)["colony"]), converged = fit$converged,
       r_warnings = as.list(unique(warn)))
}

# ---- cases ---------------------------------------------------------------------------------------
LINKS <- c("logit", "probit", "cloglog")
cases <- list()

rare <- read.csv(file.path(inputs_dir, "firth_rare.csv"), stringsAsFactors = FALSE)
message("firth_rare")
for (link in LINKS) {
  cases[[paste0("firth_rare/", link, "/none")]] <-
    fit_case(rare, paste0("firth_rare/", link), "event", c("x1", "x2", "regional"), link,
             FALSE, "unit")
  cases[[paste0("firth_rare/", link, "/cubic_duration")]] <-
    fit_case(rare, paste0("firth_rare/", link, "/cubic"), "event", c("x1", "x2", "regional"),
             link, TRUE, "unit")
}

sep <- read.csv(file.path(inputs_dir, "firth_separation.csv"), stringsAsFactors = FALSE)
message("firth_separation")
stopifnot(sum(sep$event[sep$colony == 1]) == 0)
for (link in LINKS) {
  cases[[paste0("firth_separation/", link, "/none")]] <-
    fit_case(sep, paste0("firth_separation/", link), "event", c("x1", "colony", "regional"),
             link, FALSE, "unit")
}

message("lottery (", lottery_path, ")")
lot <- read.csv(lottery_path, stringsAsFactors = FALSE)
LOTTERY_COVARIATES <- c("fiscal", "party", "elect1", "elect2", "income1", "religion", "neighbor")
for (link in LINKS) {
  cases[[paste0("lottery/", link, "/none")]] <-
    fit_case(lot, paste0("lottery/", link), "adopt", LOTTERY_COVARIATES, link, FALSE, "state")
}

write_json(list(
  generated_by = "tests/reference/firth.R",
  versions = list(
    R = R.version.string,
    brglm2 = as.character(packageVersion("brglm2")),
    sandwich = as.character(packageVersion("sandwich")),
    platform = R.version$platform,
    brglm_control = list(epsilon = CONTROL$epsilon, maxit = as.integer(CONTROL$maxit))
  ),
  ml_separation = ml_separation(sep),
  cases = cases
), file.path(outputs_dir, "firth.json"))
