# R's side of tests/e2e/survival.sh: coxph (Efron ties) of churn after the as-of date on the
# covariates that entered Engage's model, on the complete cases (na.omit, as Engage), and the
# log-rank test by tier (survdiff) on every customer at risk, and Harrell's C (concordance) of
# the keyed linear predictor. Prints JSON.
# Usage: Rscript survival_fit.R DATA_CSV COVARIATES (comma-separated)
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
covariates <- strsplit(args[2], ",")[[1]]
m <- na.omit(d[, c("day", "churned", covariates)])
f <- coxph(as.formula(paste("Surv(day, churned) ~", paste(covariates, collapse = " + "))), data = m,
           ties = "efron", control = coxph.control(iter.max = 50))
# With fewer than two tiers among the customers at risk there is no test (Engage: null).
logrank <- if (length(unique(d$tier)) >= 2) survdiff(Surv(day, churned) ~ factor(tier), data = d)$chisq else NA
# Harrell's C of Engage's keyed linear predictor (higher risk, earlier churn: reverse = TRUE).
k <- na.omit(d[, c("day", "churned", "key")])
cc <- concordance(Surv(day, churned) ~ key, data = k, reverse = TRUE)
zph <- cox.zph(f)$table[, "chisq"]
num <- function(x) paste(sprintf("%.17g", x), collapse = ", ")
cat(sprintf('{"n": %d, "events": %d, "at_risk": %d, "coef": [%s], "se": [%s], "loglik": [%s], "iter": %d, "logrank": %s, "c": %s, "count": [%s], "zph": [%s]}\n',
            f$n, f$nevent, nrow(d), num(coef(f)), num(sqrt(diag(vcov(f)))), num(f$loglik), f$iter, if (is.na(logrank)) "null" else num(logrank), num(cc$concordance), num(cc$count), num(zph)))
