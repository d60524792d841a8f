# Reference for diffusion.models.splitpop (discrete-time split-population cloglog model).
#
# Usage (from the repository root):
#   Rscript tests/reference/splitpop.R [inputs_dir] [outputs_dir]
# Input: inputs/splitpop_sim.csv (written by tests/reference/splitpop_make_inputs.py).
# Output: outputs/splitpop.json.
#
# The likelihood is written here independently of the Python code, directly on the
# probability scale (no log-sum-exp): for unit i with rows t = 1..T (sorted by year),
#   pi = plogis(g0 + g1 z_i)   (z from the unit's first row)
#   h_t = 1 - exp(-exp(b0 + b1 x_t))
#   adopter:  L = pi * h_T * prod_{t<T} (1 - h_t)
#   censored: L = (1 - pi) + pi * prod_t (1 - h_t)
# No conditioning on survival before the first row (late entry starts the spell).
# It is maximised with optim(BFGS), then polished with Newton steps on numDeriv's
# gradient and Hessian. Classic SEs: inverse of minus the numDeriv Hessian. Cluster
# (by unit) SEs: sandwich of per-unit scores (numDeriv jacobian of the per-unit log
# likelihoods) with the factor G/(G-1) (N-1)/(N-K), N = G = units.
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
units <- unique(d$unit)
idx <- split(seq_len(nrow(d)), factor(d$unit, levels = units))
z_first <- sapply(idx, function(r) d$z[r[1]])
ev <- sapply(idx, function(r) d$event[r[length(r)]])

unit_ll <- function(theta) {
  pi <- plogis(theta[1] + theta[2] * z_first)
  h <- 1 - exp(-exp(theta[3] + theta[4] * d$x))
  out <- numeric(length(idx))
  for (i in seq_along(idx)) {
    r <- idx[[i]]
    hi <- h[r]
    n <- length(hi)
    if (ev[i] == 1) {
      out[i] <- log(pi[i] * hi[n] * prod(1 - hi[-n]))
    } else {
      out[i] <- log((1 - pi[i]) + pi[i] * prod(1 - hi))
    }
  }
  out
}
negll <- function(theta) -sum(unit_ll(theta))

fit <- optim(c(0, 0, -2, 0), negll, method = "BFGS",
             control = list(maxit = 1000, reltol = 1e-14))
theta <- fit$par
for (it in 1:10) {
  g <- grad(function(p) sum(unit_ll(p)), theta)
  H <- hessian(function(p) sum(unit_ll(p)), theta)
  step <- solve(H, g)
  theta <- theta - step
  if (max(abs(step)) < 1e-12) break
}
H <- hessian(function(p) sum(unit_ll(p)), theta)
bread <- solve(-H)
scores <- jacobian(unit_ll, theta)
G <- length(idx); K <- length(theta)
meat <- crossprod(scores)
cl <- G / (G - 1) * (G - 1) / (G - K) * bread %*% meat %*% bread

names(theta) <- c("risk:Intercept", "risk:z", "duration:Intercept", "duration:x")
write_json(list(
  terms = names(theta),
  params = unname(theta),
  se_classic = sqrt(diag(bread)),
  se_cluster = sqrt(diag(cl)),
  loglik = sum(unit_ll(theta)),
  n_units = G,
  n_censored = sum(ev == 0),
  max_abs_score = max(abs(colSums(scores)))
), file.path(outputs_dir, "splitpop.json"))
