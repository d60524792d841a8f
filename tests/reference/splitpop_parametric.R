# Reference for the Weibull and log-logistic duration parts of
# diffusion.models.splitpop (SplitPopulationHazard(distribution = ...)).
#
# Usage (from the repository root):
#   Rscript tests/reference/splitpop_parametric.R [inputs_dir] [outputs_dir]
# Input: inputs/splitpop_sim.csv (written by tests/reference/splitpop_make_inputs.py).
# Output: outputs/splitpop_parametric.json (one entry per distribution).
#
# The likelihood is written here independently of the Python code, on the probability
# scale, from survivor functions (no cumulative-hazard increments, no log-sum-exp).
# For unit i with rows t = 1..T sorted by year, duration s_t = year - first year + 1:
#   pi       = plogis(g0 + g1 z_i)              (z from the unit's first row)
#   lambda_t = exp(-(b0 + b1 x_t)),  alpha = exp(a)
#   weibull:      S(s; lambda) = exp(-(lambda s)^alpha)
#   log-logistic: S(s; lambda) = 1 / (1 + (lambda s)^alpha)
#   q_t = S(s_t; lambda_t) / S(s_t - 1; lambda_t)   (survive year t, at risk; S(0) = 1)
#   adopter:  L = pi * (1 - q_T) * prod_{t<T} q_t
#   censored: L = (1 - pi) + pi * prod_t q_t
# It is maximised with optim(BFGS) from the no-cure start of the Python code's notes
# (here simply: duration intercept -log(event rate), everything else 0), then
# polished with Newton steps on numDeriv's gradient and Hessian. Classic SEs: inverse
# of minus the numDeriv Hessian. Cluster (by unit) SEs: sandwich of per-unit scores
# (numDeriv jacobian of the per-unit log likelihoods) with the factor
# G/(G-1) (N-1)/(N-K), N = G = units. The no-cure log likelihood (pi = 1) is
# maximised the same way and reported as loglik_no_cure.
suppressPackageStartupMessages(library(numDeriv))

script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
inputs_dir <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs_dir <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
dir.create(outputs_dir, showWarnings = FALSE, recursive = TRUE)
source(file.path(script_dir, "json_writer.R"))

d <- read.csv(file.path(inputs_dir, "splitpop_sim.csv"), stringsAsFactors = FALSE)
d <- d[order(d$unit, d$year), ]
d$s <- d$year - ave(d$year, d$unit, FUN = min) + 1
units <- unique(d$unit)
idx <- split(seq_len(nrow(d)), factor(d$unit, levels = units))
z_first <- sapply(idx, function(r) d$z[r[1]])
ev <- sapply(idx, function(r) d$event[r[length(r)]])

surv <- list(
  weibull = function(s, lambda, alpha) exp(-(lambda * s)^alpha),
  loglogistic = function(s, lambda, alpha) 1 / (1 + (lambda * s)^alpha)
)

make_unit_ll <- function(S, cure) {
  function(theta) {
    if (cure) {
      pi <- plogis(theta[1] + theta[2] * z_first)
      b <- theta[3:4]; a <- theta[5]
    } else {
      pi <- rep(1, length(idx))
      b <- theta[1:2]; a <- theta[3]
    }
    lambda <- exp(-(b[1] + b[2] * d$x))
    alpha <- exp(a)
    q <- S(d$s, lambda, alpha) / S(d$s - 1, lambda, alpha)
    out <- numeric(length(idx))
    for (i in seq_along(idx)) {
      qi <- q[idx[[i]]]
      n <- length(qi)
      if (ev[i] == 1) {
        out[i] <- log(pi[i] * (1 - qi[n]) * prod(qi[-n]))
      } else {
        out[i] <- log((1 - pi[i]) + pi[i] * prod(qi))
      }
    }
    out
  }
}

maximise <- function(unit_ll, start) {
  negll <- function(theta) {
    v <- -sum(unit_ll(theta))
    if (!is.finite(v)) 1e300 else v
  }
  fit <- optim(start, negll, method = "BFGS", control = list(maxit = 2000, reltol = 1e-14))
  theta <- fit$par
  for (it in 1:20) {
    g <- grad(function(p) sum(unit_ll(p)), theta)
    H <- hessian(function(p) sum(unit_ll(p)), theta)
    step <- solve(H, g)
    theta <- theta - step
    if (max(abs(step)) < 1e-12) break
  }
  theta
}

rate <- sum(d$event) / nrow(d)
out <- list()
for (dist in names(surv)) {
  S <- surv[[dist]]
  base_ll <- make_unit_ll(S, cure = FALSE)
  base <- maximise(base_ll, c(-log(rate), 0, 0))
  unit_ll <- make_unit_ll(S, cure = TRUE)
  theta <- maximise(unit_ll, c(0, 0, base))
  H <- hessian(function(p) sum(unit_ll(p)), theta)
  bread <- solve(-H)
  scores <- jacobian(unit_ll, theta)
  G <- length(idx); K <- length(theta)
  cl <- G / (G - 1) * (G - 1) / (G - K) * bread %*% crossprod(scores) %*% bread
  out[[dist]] <- list(
    terms = c("risk:Intercept", "risk:z", "duration:Intercept", "duration:x",
              "shape:log(alpha)"),
    params = theta,
    se_classic = sqrt(diag(bread)),
    se_cluster = sqrt(diag(cl)),
    loglik = sum(unit_ll(theta)),
    loglik_no_cure = sum(base_ll(base)),
    n_units = G,
    max_abs_score = max(abs(colSums(scores)))
  )
}
write_json(out, file.path(outputs_dir, "splitpop_parametric.json"))
