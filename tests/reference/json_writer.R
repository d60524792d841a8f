# A small JSON writer shared by the reference scripts (sourced, not run on its own).
# Named list or named vector -> object; unnamed list -> array; unnamed atomic vector of
# length 1 -> scalar, of other length -> array. Doubles use %.17g (round-trip exact);
# a missing value is written as null; non-finite numbers are refused because JSON has
# no representation for them.
json_string <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  paste0("\"", s, "\"")
}

json_scalar <- function(x) {
  if (is.na(x) && !is.nan(x)) return("null")
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.character(x) || is.factor(x)) return(json_string(as.character(x)))
  if (is.integer(x)) return(sprintf("%d", x))
  if (!is.finite(x)) stop("JSON writer: non-finite number ", x)
  sprintf("%.17g", x)
}

json_value <- function(x, indent = 0L) {
  if (is.null(x)) return("null")
  if (!is.list(x) && (!is.null(names(x)) || length(x) != 1L)) x <- as.list(x)
  if (!is.list(x)) return(json_scalar(x))
  named <- !is.null(names(x))
  if (length(x) == 0L) return(if (named) "{}" else "[]")
  pad <- strrep("  ", indent + 1L)
  items <- vapply(x, json_value, "", indent = indent + 1L, USE.NAMES = FALSE)
  if (named) items <- paste0(json_string(names(x)), ": ", items)
  # short arrays of scalars stay on one line
  if (!named && all(!vapply(x, is.list, NA)) && sum(nchar(items)) < 200)
    return(paste0("[", paste(items, collapse = ", "), "]"))
  open <- if (named) "{" else "["
  close <- if (named) "}" else "]"
  paste0(open, "\n", paste0(pad, items, collapse = ",\n"), "\n",
         strrep("  ", indent), close)
}

write_json <- function(x, path) writeLines(json_value(x), path, useBytes = TRUE)
