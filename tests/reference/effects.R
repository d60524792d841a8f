#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.effects: average marginal effects, predicted annual
# adoption probabilities and first differences, with delta-method standard errors.
#
# Usage (from the repository root):
#
#   Rscript tests/reference/effects.R [inputs_dir] [outputs_dir] [lottery.csv]
#
# Inputs: inputs/sim_a.csv and inputs/sim_b.csv (make_inputs.py) and the bundled
# data/lottery.csv. Output: outputs/effects.json.
#
# R's margins package is not used (not installed here, and its SEs use numerical
# derivatives); every quantity is computed by hand from the fitted glm (or brglmFit):
#
#   mean function m = linkinv, m' = mu.eta, m'' its derivative (per link, below);
#   X(data) = model.matrix of the fitted terms on data (R's own encoding of I(x^2) and
#   interactions: independent of diffusion's formulaic encoding);
#   prediction      p = mean_i m(x_i'b),          gradient mean_i m'(x_i'b) x_i
#   AME of v        mean_i m'(eta_i) D_i'b,        D = (X(v + h) - X(v - h)) / (2h),
#                   gradient mean_i [m''(eta_i) (D_i'b) x_i + m'(eta_i) D_i]
#   first difference p(v = to) - p(v = from), gradient the difference
#   SE              sqrt(g' V g), V = the fit's covariance (named per case)
#   interval of a probability: on the logit scale of p, plogis(qlogis(p) +/- z se/(p(1-p)))
#
# Each analytic value is checked against plain finite differences (numDeriv-free): the
# AME against the central difference of the average prediction in v, and each gradient
# against central differences of the quantity in b; the script stops if they differ by
# more than 1e-6 (relative to the gradient's scale).
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages({
  library(stats)
  library(sandwich)
  library(brglm2)
})

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

# ---- mean functions ----------------------------------------------------------------------------
mean_fns <- function(link) {
  switch(link,
    logit = list(m = plogis, m1 = function(e) plogis(e) * (1 - plogis(e)),
                 m2 = function(e) plogis(e) * (1 - plogis(e)) * (1 - 2 * plogis(e))),
    probit = list(m = pnorm, m1 = dnorm, m2 = function(e) -e * dnorm(e)),
    cloglog = list(m = function(e) -expm1(-exp(e)), m1 = function(e) exp(e - exp(e)),
                   m2 = function(e) exp(e - exp(e)) * (1 - exp(e))),
    stop("unknown link ", link))
}

# ---- the quantities ------------------------------------------------------------------------------
make_case <- function(fit, data, link, V) {
  f <- mean_fns(link)
  tt <- delete.response(terms(fit))
  b <- coef(fit)
  X_of <- function(newdata) model.matrix(tt, newdata, xlev = fit$xlevels)
  X0 <- X_of(data)
  stopifnot(max(abs(X0 %*% b - fit$linear.predictors)) < 1e-10)
  se <- function(g) sqrt(drop(t(g) %*% V %*% g))

  avg_pred <- function(X, beta = b) mean(f$m(drop(X %*% beta)))
  avg_pred_grad <- function(X) colMeans(f$m1(drop(X %*% b)) * X)
  set <- function(values) {
    nd <- data
    for (v in names(values)) nd[[v]] <- values[[v]]
    X_of(nd)
  }
  numeric_grad <- function(fun) {
    sapply(seq_along(b), function(j) {
      h <- 1e-5 / max(abs(X0[, j]))  # scaled to the column (s^3 reaches 1e5)
      e <- replace(numeric(length(b)), j, h)
      (fun(b + e) - fun(b - e)) / (2 * h)
    })
  }
  check <- function(analytic, numeric, what) {
    scale <- max(abs(analytic), 1e-12)
    if (max(abs(analytic - numeric)) / scale > 1e-6)
      stop(what, ": analytic and numerical derivatives differ: ",
           max(abs(analytic - numeric)) / scale)
  }
  prob_entry <- function(p, g) {
    s <- se(g)
    half <- qnorm(0.975) * s / (p * (1 - p))
    list(probability = p, std_error = s, lower = plogis(qlogis(p) - half),
         upper = plogis(qlogis(p) + half))
  }

  list(
    ame = function(v) {
      x <- data[[v]]
      h <- 1e-5 * sd(x)
      D <- (set(setNames(list(x + h), v)) - set(setNames(list(x - h), v))) / (2 * h)
      eta <- drop(X0 %*% b)
      slope <- drop(D %*% b)
      est <- mean(f$m1(eta) * slope)
      g <- colMeans(f$m2(eta) * slope * X0 + f$m1(eta) * D)
      # checks: the AME against the central difference of the average prediction in v
      # (a larger step: the prediction is smooth in v), the gradient against b-differences
      H <- 1e-4 * sd(x)
      numeric_ame <- (avg_pred(set(setNames(list(x + H), v))) -
                      avg_pred(set(setNames(list(x - H), v)))) / (2 * H)
      check(est, numeric_ame, paste("AME of", v))
      check(g, numeric_grad(function(beta) mean(f$m1(drop(X0 %*% beta)) * drop(D %*% beta))),
            paste("gradient of the AME of", v))
      list(estimate = est, std_error = se(g))
    },
    average = function(values) {
      X <- if (length(values)) set(values) else X0
      g <- avg_pred_grad(X)
      check(g, numeric_grad(function(beta) avg_pred(X, beta)), "gradient of a prediction")
      prob_entry(avg_pred(X), g)
    },
    first_difference = function(v, from, to) {
      X1 <- set(setNames(list(from), v))
      X2 <- set(setNames(list(to), v))
      g <- avg_pred_grad(X2) - avg_pred_grad(X1)
      p1 <- avg_pred(X1)
      p2 <- avg_pred(X2)
      list(probability_from = p1, probability_to = p2, estimate = p2 - p1, std_error = se(g))
    },
    profiles = function(profiles) {
      X <- X_of(profiles)
      eta <- unname(drop(X %*% b))
      lapply(seq_len(nrow(X)), function(i) prob_entry(f$m(eta[i]), f$m1(eta[i]) * X[i, ]))
    },
    profile_difference = function(profiles, v, from, to) {
      lo <- profiles
      hi <- profiles
      lo[[v]] <- from
      hi[[v]] <- to
      X1 <- X_of(lo)
      X2 <- X_of(hi)
      lapply(seq_len(nrow(X1)), function(i) {
        e1 <- sum(X1[i, ] * b)
        e2 <- sum(X2[i, ] * b)
        g <- unname(f$m1(e2) * X2[i, ] - f$m1(e1) * X1[i, ])
        list(probability_from = f$m(e1), probability_to = f$m(e2),
             estimate = f$m(e2) - f$m(e1), std_error = se(g))
      })
    },
    loglik = as.numeric(logLik(fit))
  )
}

fit_glm <- function(f, d, link) {
  fit <- glm(f, data = d, family = binomial(link),
             control = glm.control(epsilon = 1e-14, maxit = 100))
  for (i in 1:50) {  # polish as discrete_time.R does
    b <- coef(fit)
    fit <- glm(f, data = d, family = binomial(link), start = b,
               control = glm.control(epsilon = 1e-14, maxit = 100))
    if (max(abs(coef(fit) - b) / sqrt(diag(vcov(fit)))) < 1e-10) break
  }
  fit
}

cases <- list()

# ---- A: sim_a, cloglog, cubic in duration, cluster-robust by unit --------------------------------
sim_a <- read.csv(file.path(inputs_dir, "sim_a.csv"), stringsAsFactors = FALSE)
sim_a$s <- sim_a$duration - min(sim_a$duration) + 1
fit <- fit_glm(event ~ x1 + x2 + regional + s + I(s^2) + I(s^3), sim_a, "cloglog")
V <- vcovCL(fit, cluster = sim_a$unit, type = "HC1")
k <- make_case(fit, sim_a, "cloglog", V)
profiles <- data.frame(x1 = c(0, 1), x2 = c(0, 1), regional = c(0.2, 0.5), duration = c(10, 30))
profiles$s <- profiles$duration - min(sim_a$duration) + 1
cases[["sim_a/cloglog/cubic_duration"]] <- list(
  panel = "sim_a", formula = "event ~ x1 + x2 + regional", link = "cloglog",
  time = "cubic_duration", cov = "cluster", loglik = k$loglik,
  ame = sapply(c("x1", "x2", "regional"), k$ame, simplify = FALSE),
  average = list(observed = k$average(list()),
                 "regional=0" = k$average(list(regional = 0)),
                 "regional=0.5" = k$average(list(regional = 0.5))),
  first_difference = list("regional:0->0.5" = k$first_difference("regional", 0, 0.5)),
  profiles = list(values = profiles[, c("x1", "x2", "regional", "duration")],
                  probability = k$profiles(profiles),
                  first_difference_x2 = k$profile_difference(profiles, "x2", 0, 1))
)

# ---- B: sim_b, logit, a square and an interaction, classic covariance ------------------------------
sim_b <- read.csv(file.path(inputs_dir, "sim_b.csv"), stringsAsFactors = FALSE)
sim_b <- sim_b[complete.cases(sim_b[, c("x1", "x2", "regional")]), ]
fit <- fit_glm(event ~ x1 + I(x1^2) + x2 * regional, sim_b, "logit")
k <- make_case(fit, sim_b, "logit", vcov(fit))
cases[["sim_b/logit/square_interaction"]] <- list(
  panel = "sim_b", formula = "event ~ x1 + I(x1**2) + x2 * regional", link = "logit",
  time = "none", cov = "classic", loglik = k$loglik,
  ame = sapply(c("x1", "x2", "regional"), k$ame, simplify = FALSE),
  average = list("x1=-1" = k$average(list(x1 = -1)), "x1=0" = k$average(list(x1 = 0)),
                 "x1=1" = k$average(list(x1 = 1))),
  first_difference = list("x2:0->1" = k$first_difference("x2", 0, 1))
)

# ---- C: Berry & Berry lottery, probit, classic covariance ------------------------------------------
lot <- read.csv(lottery_path, stringsAsFactors = FALSE)
LOTTERY <- c("fiscal", "party", "elect1", "elect2", "income1", "religion", "neighbor")
lot <- lot[complete.cases(lot[, LOTTERY]), ]
f_lot <- as.formula(paste("adopt ~", paste(LOTTERY, collapse = " + ")))
fit <- fit_glm(f_lot, lot, "probit")
k <- make_case(fit, lot, "probit", vcov(fit))
cases[["lottery/probit"]] <- list(
  panel = "lottery", formula = paste("adopt ~", paste(LOTTERY, collapse = " + ")),
  link = "probit", time = "none", cov = "classic", loglik = k$loglik,
  ame = sapply(LOTTERY, k$ame, simplify = FALSE),
  first_difference = list("elect1:0->1" = k$first_difference("elect1", 0, 1),
                          "neighbor:0->2" = k$first_difference("neighbor", 0, 2))
)

# ---- D: the same lottery model by bias reduction (brglm2, logit), classic covariance --------------
fit <- glm(f_lot, data = lot, family = binomial("logit"), method = "brglmFit",
           type = "AS_mean", control = brglmControl(epsilon = 1e-12, maxit = 1000))
k <- make_case(fit, lot, "logit", vcov(fit))
cases[["lottery/firth_logit"]] <- list(
  panel = "lottery", formula = paste("adopt ~", paste(LOTTERY, collapse = " + ")),
  link = "logit", estimator = "firth", time = "none", cov = "classic", loglik = k$loglik,
  ame = sapply(LOTTERY, k$ame, simplify = FALSE),
  first_difference = list("neighbor:0->2" = k$first_difference("neighbor", 0, 2))
)

write_json(list(
  generated_by = "tests/reference/effects.R",
  versions = list(R = R.version.string, sandwich = as.character(packageVersion("sandwich")),
                  brglm2 = as.character(packageVersion("brglm2")),
                  platform = R.version$platform),
  cases = cases
), file.path(outputs_dir, "effects.json"))
message("effects: ", length(cases), " cases written")
