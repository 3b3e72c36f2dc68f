# R's side of tests/e2e/survival.sh: coxph (Efron ties) of churn after the as-of date on the
# covariates that entered Engage's model, on the complete cases (na.omit, as Engage), and the
# log-rank test by tier (survdiff) on every customer at risk, and Harrell's C (concordance) of
# the keyed linear predictor. Prints JSON.
# Usage: Rscript survival_fit.R DATA_CSV COVARIATES (comma-separated) FOLLOW_UP_DAYS
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
# Time-dependent AUC of the keys and Brier score of survfit's S(tau | x) at 30/90/180/365 <= H.
H0 <- basehaz(f, centered = FALSE)
lp <- as.vector(as.matrix(m[, covariates, drop = FALSE]) %*% coef(f))
taus <- c(30, 90, 180, 365)
taus <- taus[taus <= as.numeric(args[3])]
auc <- sapply(taus, function(tau) {
    cases <- k$key[k$churned == 1 & k$day <= tau]; controls <- k$key[k$day > tau | k$churned == 0]
    (sum(outer(cases, controls, ">")) + 0.5 * sum(outer(cases, controls, "=="))) / (length(cases) * length(controls))
})
brier <- sapply(taus, function(tau) {
    h <- max(c(0, H0$hazard[H0$time <= tau]))
    mean(((m$day > tau | m$churned == 0) - exp(-h * exp(lp)))^2)
})
num <- function(x) paste(sprintf("%.17g", x), collapse = ", ")
cat(sprintf('{"n": %d, "events": %d, "at_risk": %d, "coef": [%s], "se": [%s], "loglik": [%s], "iter": %d, "logrank": %s, "c": %s, "count": [%s], "zph": [%s], "auc": [%s], "brier": [%s]}\n',
            f$n, f$nevent, nrow(d), num(coef(f)), num(sqrt(diag(vcov(f)))), num(f$loglik), f$iter, if (is.na(logrank)) "null" else num(logrank), num(cc$concordance), num(cc$count), num(zph), num(auc), num(brier)))
