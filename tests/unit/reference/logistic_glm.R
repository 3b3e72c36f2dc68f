# Reference values of tests/unit/baselines_test.cpp (LogisticRegression.MatchesGlm): R's glm on
# the data set that the test builds, printed to 17 significant digits. Rerun with
#   Rscript tests/unit/reference/logistic_glm.R
i <- 0:59
x1 <- i %% 7
x2 <- ((i * i) %% 11) / 3
y <- as.integer(((i * 5 + 3) %% 13) < 4 + x1)
# A tight convergence: glm reports the standard errors at its second-to-last iterate.
fit <- glm(y ~ x1 + x2, family = binomial(), control = glm.control(epsilon = 1e-14, maxit = 100))
s <- summary(fit)$coefficients
options(digits = 17)
cat(sprintf("%.17g", s[, "Estimate"]), "\n")
cat(sprintf("%.17g", s[, "Std. Error"]), "\n")
cat(sprintf("%.17g", as.numeric(logLik(fit))), "\n")
cat(sum(y), "\n")
