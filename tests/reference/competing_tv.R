# Reference values for the Fine-Gray model with a time-varying covariate
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
args <- commandArgs(trailingOnly = TRUE)
here <- if (length(args) >= 2) args[2] else "tests/reference"
outdir <- if (length(args) >= 1) args[1] else file.path(here, "outputs")
source(file.path(here, "json_writer.R"))
suppressPackageStartupMessages(library(survival))

d <- read.csv(file.path(here, "inputs", "competing_tv.csv"), na.strings = "NA",
              colClasses = c(status = "character"))
d <- d[order(d$unit, d$year), ]
d$entry <- ave(d$year, d$unit, FUN = min)
d$fs <- factor(ifelse(d$status == "", "censor", d$status), levels = c("censor", "a", "b"))
clocks <- list(duration = list(start = d$year - d$entry, stop = d$year - d$entry + 1),
               calendar = list(start = d$year - 1, stop = d$year))

out <- list(package_versions = list(survival = as.character(packageVersion("survival"))),
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

dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
write_json(out, file.path(outdir, "competing_tv.json"))
cat("wrote", file.path(outdir, "competing_tv.json"), "\n")
