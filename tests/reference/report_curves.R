#!/usr/bin/env Rscript
# ---------------------------------------------------------------------------------------
# Reference values for diffusion.report: Kaplan-Meier curves on a risk set (left
# truncation) and predicted hazards of discrete-time models for covariate profiles.
#
# Usage (from the repository root):
#
#   Rscript tests/reference/report_curves.R [inputs_dir] [outputs_dir]
#
# Inputs (written by tests/reference/report_make_inputs.py): report_rows.csv (one row per
# unit-year at risk), report_membership.csv (membership spells), report_profiles.csv.
# Output: report_curves.json, numbers printed with 17 significant digits.
#
# Kaplan-Meier (survival::survfit, conf.type = "log-log": the interval of Stata's sts
# and lifelines; R's default is "log"). Each row is the counting-process interval
# (d - 1, d] on a duration clock d, at risk at u when d - 1 < u <= d:
#
#   origin "entry":      d = year - (first year at risk of the unit) + 1
#   origin "membership": d = year - (first membership year of the unit) + 1
#
# A unit back from a gap in membership re-enters at the duration its clock has reached,
# and (origin "membership") a unit already a member when the window opens in 1890 enters
# observation late: both are left truncation, which survfit handles through (start, stop].
# Only event times are stored (survfit also lists censoring times).
#
# Predicted hazards (glm, binomial links) for the two profiles at every period of the
# estimation sample, predict(type = "response"), and the adoption probability
# 1 - cumprod(1 - h):
#
#   cloglog_cubic:   event ~ x1 + x2 + regional + s + s^2 + s^3, s = d - min(d) + 1 over
#                    the estimation rows (d: duration since entry; rows with a missing x1
#                    are dropped first, as diffusion's listwise deletion)
#   logit_periods:   event ~ x1 + x2 + regional + period, period = [min, 1929],
#                    [1930, 1959], [1960, max] of the calendar year (first = reference)
# ---------------------------------------------------------------------------------------

suppressPackageStartupMessages(library(survival))

script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
inputs_dir <- if (length(args) >= 1) args[1] else file.path(script_dir, "inputs")
outputs_dir <- if (length(args) >= 2) args[2] else file.path(script_dir, "outputs")
dir.create(outputs_dir, showWarnings = FALSE, recursive = TRUE)
source(file.path(script_dir, "json_writer.R"))  # write_json()
vec <- function(x) as.list(unname(x))

rows <- read.csv(file.path(inputs_dir, "report_rows.csv"), stringsAsFactors = FALSE)
spells <- read.csv(file.path(inputs_dir, "report_membership.csv"), stringsAsFactors = FALSE)
profiles <- read.csv(file.path(inputs_dir, "report_profiles.csv"), stringsAsFactors = FALSE)

rows$entry <- ave(rows$year, rows$unit, FUN = min)
rows$d_entry <- rows$year - rows$entry + 1
first_member <- tapply(spells$start, spells$unit, min)
rows$d_member <- rows$year - as.numeric(first_member[rows$unit]) + 1

km <- function(d, event, strata = NULL) {
  df <- data.frame(start = d - 1, stop = d, event = event)
  if (is.null(strata)) {
    fits <- list(all = survfit(Surv(start, stop, event) ~ 1, data = df, conf.type = "log-log"))
  } else {
    fits <- lapply(split(df, strata), function(part)
      survfit(Surv(start, stop, event) ~ 1, data = part, conf.type = "log-log"))
  }
  lapply(fits, function(f) {
    keep <- f$n.event > 0
    list(time = vec(f$time[keep]), n_risk = vec(as.integer(f$n.risk[keep])),
         n_event = vec(as.integer(f$n.event[keep])), surv = vec(f$surv[keep]),
         lower = vec(f$lower[keep]), upper = vec(f$upper[keep]))
  })
}

predicted <- function(fit, newdata_for_period, periods) {
  out <- list()
  for (i in seq_len(nrow(profiles))) {
    nd <- newdata_for_period(profiles[rep(i, length(periods)), ], periods)
    h <- unname(predict(fit, newdata = nd, type = "response"))
    out[[profiles$profile[i]]] <- list(time = vec(periods), hazard = vec(h),
                                       adoption = vec(1 - cumprod(1 - h)))
  }
  out
}

complete <- rows[!is.na(rows$x1), ]
dmin <- min(complete$d_entry)
complete$s <- complete$d_entry - dmin + 1
cloglog <- glm(event ~ x1 + x2 + regional + s + I(s^2) + I(s^3), data = complete,
               family = binomial(link = "cloglog"), control = glm.control(epsilon = 1e-14, maxit = 100))
durations <- seq(min(complete$d_entry), max(complete$d_entry))
pred_cloglog <- predicted(cloglog, function(nd, p) { nd$s <- p - dmin + 1; nd }, durations)

period_of <- function(year) cut(year, c(-Inf, 1929, 1959, Inf),
                                labels = c("early", "middle", "late"))
complete$period <- period_of(complete$year)
logit <- glm(event ~ x1 + x2 + regional + period, data = complete,
             family = binomial(link = "logit"), control = glm.control(epsilon = 1e-14, maxit = 100))
years <- seq(min(complete$year), max(complete$year))
pred_logit <- predicted(logit, function(nd, p) { nd$period <- period_of(p); nd }, years)

out <- list(
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
  km_entry = km(rows$d_entry, rows$event),
  km_entry_region = km(rows$d_entry, rows$event, rows$region),
  km_membership = km(rows$d_member, rows$event),
  predict_cloglog_cubic = list(coef = as.list(coef(cloglog)), profiles = pred_cloglog),
  predict_logit_periods = list(coef = as.list(coef(logit)), profiles = pred_logit)
)
write_json(out, file.path(outputs_dir, "report_curves.json"))
cat("wrote", file.path(outputs_dir, "report_curves.json"), "\n")
