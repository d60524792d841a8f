# Reference values for the Fine-Gray model with time-varying covariates
# (tests/test_competing.py).
#
#   python tests/reference/competing_tv_make_inputs.py  # writes inputs/competing_tv.csv
#   Rscript tests/reference/competing_tv.R [outdir]     # writes outputs/competing_tv.json
#
# Input: one row per unit and year at risk (unit, year, status, x2, z); status is the
# outcome ("a", "b") on a unit's last row and empty otherwise. z varies within unit.
#
# survival::finegray on counting-process data, Surv(start, stop, status) with id =
# unit, one (start, stop] row per year: finegray's help says "Time dependent
# covariates are allowed". A unit that ended with the other outcome keeps its last
# row's covariate values on the rows finegray adds after its end (weighted by the
# censoring survival ratio); coxph(ties = "breslow", id = unit) on that data gives the
# coefficients, the robust (id-clustered) and the naive variances.
#   duration clock: (year - entry, year - entry + 1], every unit starts at 0
#   calendar clock: (year - 1, year], late entry (finegray weights by the censoring
#                   and the entry distributions: its code, its help page disclaims it)
#
# Covariates times known functions of time on the unit-level fixture of competing.R
# (inputs/competing_sim.csv, duration clock ftime = last - entry + 1): cmprsk::crr's
# cov2 / tf interface (terms x1 * log(t) and x2 * (t > 10), crr's sandwich), and the same
# terms through coxph's tt() on survival::finegray data (robust and naive variances).
args <- commandArgs(trailingOnly = TRUE)
here <- if (length(args) >= 2) args[2] else "tests/reference"
outdir <- if (length(args) >= 1) args[1] else file.path(here, "outputs")
source(file.path(here, "json_writer.R"))
suppressPackageStartupMessages({library(survival); library(cmprsk)})

d <- read.csv(file.path(here, "inputs", "competing_tv.csv"), na.strings = "NA",
              colClasses = c(status = "character"))
d <- d[order(d$unit, d$year), ]
d$entry <- ave(d$year, d$unit, FUN = min)
d$fs <- factor(ifelse(d$status == "", "censor", d$status), levels = c("censor", "a", "b"))
clocks <- list(duration = list(start = d$year - d$entry, stop = d$year - d$entry + 1),
               calendar = list(start = d$year - 1, stop = d$year))

out <- list(package_versions = list(survival = as.character(packageVersion("survival")),
                                    cmprsk = as.character(packageVersion("cmprsk"))),
            n_rows = nrow(d), n_units = length(unique(d$unit)))
ctl <- coxph.control(eps = 1e-12, iter.max = 100, toler.chol = 1e-14)
for (clock in names(clocks)) {
  d$start <- clocks[[clock]]$start
  d$stop <- clocks[[clock]]$stop
  for (key in c("a", "b")) {
    fg <- finegray(Surv(start, stop, fs) ~ ., data = d[, c("start", "stop", "fs", "x2", "z",
                                                          "unit")],
                   etype = key, id = unit)
    # the rows finegray adds after a competing event repeat the unit's last z
    lastz <- tapply(d$z, d$unit, function(v) v[length(v)])
    added <- fg$fgstart >= tapply(d$stop, d$unit, max)[fg$unit]
    stopifnot(any(added), all(fg$z[added] == lastz[fg$unit[added]]))
    cf <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x2 + z, weights = fgwt, data = fg,
                ties = "breslow", id = unit, robust = TRUE, control = ctl)
    out[[paste0("finegray_tv_", clock, "_", key)]] <- list(
      coef = unname(coef(cf)), robust_var = unname(as.vector(vcov(cf))),
      naive_var = unname(as.vector(cf$naive.var)), loglik = cf$loglik[2],
      n_fg_rows = nrow(fg), n_added = sum(added), iter = cf$iter)
  }
}

u <- read.csv(file.path(here, "inputs", "competing_sim.csv"), na.strings = "NA",
              colClasses = c(status = "character"))
u$ftime <- u$last - u$entry + 1
u$fstatus <- ifelse(u$status == "a", 1L, ifelse(u$status == "b", 2L, 0L))
u$fs <- factor(u$fstatus, levels = 0:2, labels = c("censor", "a", "b"))
X <- as.matrix(u[, c("x1", "x2")])
tf <- function(t) cbind(log(t), as.numeric(t > 10))
for (cause in c(1L, 2L)) {
  key <- c("a", "b")[cause]
  fit <- crr(u$ftime, u$fstatus, cov1 = X, cov2 = X, tf = tf, failcode = cause, cencode = 0,
             gtol = 1e-12, maxiter = 100)
  out[[paste0("crr_tf_", key)]] <- list(
    coef = unname(fit$coef), var = unname(as.vector(fit$var)), loglik = fit$loglik,
    converged = fit$converged)
  fg <- finegray(Surv(ftime, fs) ~ ., data = u[, c("ftime", "fs", "x1", "x2", "unit")],
                 etype = key)
  cf <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2 + tt(x1) + tt(x2), weights = fgwt,
              data = fg, ties = "breslow", id = unit, robust = TRUE, control = ctl,
              tt = list(function(x, t, ...) x * log(t), function(x, t, ...) x * (t > 10)))
  out[[paste0("finegray_tt_", key)]] <- list(
    coef = unname(coef(cf)), robust_var = unname(as.vector(vcov(cf))),
    naive_var = unname(as.vector(cf$naive.var)))
}

dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
write_json(out, file.path(outdir, "competing_tv.json"))
cat("wrote", file.path(outdir, "competing_tv.json"), "\n")
