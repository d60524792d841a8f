# Reference values for diffusion's competing-risks tools (tests/test_competing.py).
#
#   python tests/reference/competing_make_inputs.py   # writes inputs/competing_sim.csv
#   Rscript tests/reference/competing.R [outdir]      # writes outputs/competing_sim.json
#
# Input: one row per unit (unit, entry, last, status, x1, x2); status "a", "b" or ""
# (censored). Durations: ftime = last - entry + 1 (years at risk), so every unit
# starts at 0 (no late entry): cmprsk::crr and survival::finegray take no left
# truncation. The calendar-time curves with late entry use survfit's counting-process
# form, Surv(entry - 1, last, state), which does.
args <- commandArgs(trailingOnly = TRUE)
here <- if (length(args) >= 2) args[2] else "tests/reference"
outdir <- if (length(args) >= 1) args[1] else file.path(here, "outputs")
source(file.path(here, "json_writer.R"))
suppressPackageStartupMessages({library(survival); library(cmprsk)})

d <- read.csv(file.path(here, "inputs", "competing_sim.csv"), na.strings = "NA",
              colClasses = c(status = "character"))
d$ftime <- d$last - d$entry + 1
d$fstatus <- ifelse(d$status == "a", 1L, ifelse(d$status == "b", 2L, 0L))
X <- as.matrix(d[, c("x1", "x2")])

out <- list(package_versions = list(survival = as.character(packageVersion("survival")),
                                    cmprsk = as.character(packageVersion("cmprsk"))))
for (cause in c(1L, 2L)) {
  key <- c("a", "b")[cause]
  # crr: Breslow ties, censoring weights from the Kaplan-Meier of the censoring
  # distribution at t-, sandwich variance with the censoring-weight term
  # gtol tightened from 1e-6: crr's default stops about 1e-5 from the maximum
  fit <- crr(d$ftime, d$fstatus, X, failcode = cause, cencode = 0, gtol = 1e-12,
             maxiter = 100)
  # finegray: weighted counting-process data; coxph with Breslow ties reproduces the
  # crr coefficients; its robust variance (cluster by id) omits the censoring term
  d$fs <- factor(d$fstatus, levels = 0:2, labels = c("censor", "a", "b"))
  fg <- finegray(Surv(ftime, fs) ~ ., data = d[, c("ftime", "fs", "x1", "x2", "unit")],
                 etype = key)
  cf <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2, weights = fgwt, data = fg,
              ties = "breslow", id = unit, robust = TRUE)
  cfe <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2, weights = fgwt, data = fg,
               ties = "efron", id = unit, robust = TRUE)
  # the same weights as crr, written out as counting-process rows by hand: a unit
  # failing from the other cause at T stays at risk after T with weight
  # G(t-) / G(T-) at each later event time t (G: Kaplan-Meier of the censoring, as crr)
  st <- ifelse(d$fstatus == cause, 1L, ifelse(d$fstatus == 0L, 0L, 2L))
  km <- survfit(Surv(d$ftime, d$fstatus == 0L) ~ 1)
  Gleft <- function(t) {
    s <- c(1, km$surv)[findInterval(t, km$time, left.open = TRUE) + 1]
    s
  }
  tg <- sort(unique(d$ftime[st == 1L]))
  rows <- list()
  for (i in seq_len(nrow(d))) {
    rows[[length(rows) + 1L]] <- data.frame(unit = d$unit[i], start = 0, stop = d$ftime[i],
      status = as.integer(st[i] == 1L), w = 1, x1 = d$x1[i], x2 = d$x2[i])
    if (st[i] == 2L) {
      later <- tg[tg > d$ftime[i]]
      if (length(later)) {
        lo <- c(d$ftime[i], head(later, -1))
        rows[[length(rows) + 1L]] <- data.frame(unit = d$unit[i], start = lo, stop = later,
          status = 0L, w = Gleft(later) / Gleft(d$ftime[i]), x1 = d$x1[i], x2 = d$x2[i])
      }
    }
  }
  cw <- do.call(rbind, rows)
  cc <- coxph(Surv(start, stop, status) ~ x1 + x2, weights = w, data = cw,
              ties = "breslow", id = unit, robust = TRUE,
              control = coxph.control(eps = 1e-10, iter.max = 50))
  out[[paste0("coxph_crr_weights_", key)]] <- list(
    coef = unname(coef(cc)), robust_var = unname(as.vector(vcov(cc))),
    naive_var = unname(as.vector(cc$naive.var)))
  out[[paste0("crr_", key)]] <- list(
    coef = unname(fit$coef), var = unname(as.vector(fit$var)),
    loglik = fit$loglik, converged = fit$converged)
  out[[paste0("finegray_breslow_", key)]] <- list(
    coef = unname(coef(cf)), robust_var = unname(as.vector(vcov(cf))),
    naive_var = unname(as.vector(cf$naive.var)))
  out[[paste0("finegray_efron_", key)]] <- list(
    coef = unname(coef(cfe)), robust_var = unname(as.vector(vcov(cfe))))
}

# finegray with delayed entry, calendar time (entry - 1, last]: finegray's code weights
# by the censoring and the entry distributions (its help page disclaims delayed entry)
d$t0 <- d$entry - 1
for (key in c("a", "b")) {
  d$fs <- factor(d$fstatus, levels = 0:2, labels = c("censor", "a", "b"))
  fgd <- finegray(Surv(t0, last, fs) ~ ., data = d[, c("t0", "last", "fs", "x1", "x2", "unit")],
                  etype = key, id = unit)
  cd <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2, weights = fgwt, data = fgd,
              ties = "breslow", id = unit, robust = TRUE,
              control = coxph.control(eps = 1e-10, iter.max = 50))
  out[[paste0("finegray_delayed_", key)]] <- list(
    coef = unname(coef(cd)), robust_var = unname(as.vector(vcov(cd))),
    naive_var = unname(as.vector(cd$naive.var)))
}

# cause-specific Cox in calendar time with late entry: the other cause censored
for (cause in c(1L, 2L)) {
  key <- c("a", "b")[cause]
  cs <- coxph(Surv(entry - 1, last, fstatus == cause) ~ x1 + x2, data = d, ties = "efron",
              control = coxph.control(eps = 1e-10, iter.max = 50))
  csr <- coxph(Surv(entry - 1, last, fstatus == cause) ~ x1 + x2 + cluster(unit), data = d,
               ties = "efron", control = coxph.control(eps = 1e-10, iter.max = 50))
  out[[paste0("cause_specific_cox_", key)]] <- list(
    coef = unname(coef(cs)), var = unname(as.vector(vcov(cs))),
    robust_var = unname(as.vector(vcov(csr))), loglik = cs$loglik[2])
}

# cumulative incidence on the duration clock (no late entry): cmprsk::cuminc
ci <- cuminc(d$ftime, d$fstatus, cencode = 0)
for (k in c("1 1", "1 2")) {
  key <- c("1 1" = "a", "1 2" = "b")[[k]]
  out[[paste0("cuminc_", key)]] <- list(time = ci[[k]]$time, est = ci[[k]]$est,
                                        var = ci[[k]]$var)
}
# Aalen-Johansen in calendar time with late entry: survfit on (entry - 1, last]
ms <- factor(d$fstatus, levels = 0:2, labels = c("censor", "a", "b"))
aj <- survfit(Surv(d$entry - 1, d$last, ms) ~ 1, id = d$unit)
out$aj_calendar <- list(time = aj$time, a = unname(aj$pstate[, 2]),
                        b = unname(aj$pstate[, 3]), n_risk = unname(aj$n.risk[, 1]))
aj0 <- survfit(Surv(d$ftime, ms) ~ 1, id = d$unit)
out$aj_duration <- list(time = aj0$time, a = unname(aj0$pstate[, 2]),
                        b = unname(aj0$pstate[, 3]),
                        se_a = unname(aj0$std.err[, 2]), se_b = unname(aj0$std.err[, 3]))

dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
write_json(out, file.path(outdir, "competing_sim.json"))
cat("wrote", file.path(outdir, "competing_sim.json"), "\n")
