# Reference values of tests/unit/attrition_regression_test.cpp: R's glm of churn on engaged and
# three RFM-like features, with sandwich's cluster-robust (vcovCL, clusters = managers, HC0 with
# the G / (G - 1) adjustment: its default for a glm) and robust (each row its own cluster)
# standard errors of the engaged coefficient, printed to 17 significant digits. Rerun with
#   Rscript tests/unit/reference/attrition_glm.R      (Debian: r-base-core r-cran-sandwich)
library(sandwich)
i <- 0:119
engaged <- as.integer((i * 7) %% 5 < 2)
recency <- log1p((i * 13) %% 97)
purchases <- log1p((i * 5) %% 9)
value <- log1p(((i * i) %% 17) * 3.5)
churned <- as.integer(((i * 11 + 5) %% 19) < 6 + 2 * (recency > 3) - 3 * engaged)
manager <- i %% 9
fit <- glm(churned ~ engaged + recency + purchases + value, family = binomial(),
           control = glm.control(epsilon = 1e-14, maxit = 100))
options(digits = 17)
cat(sprintf("%.17g", coef(fit)[2]), "\n")
cat(sprintf("%.17g", sqrt(vcov(fit)[2, 2])), "\n")
cat(sprintf("%.17g", sqrt(vcovCL(fit, cluster = manager)[2, 2])), "\n")
cat(sprintf("%.17g", sqrt(vcovCL(fit, cluster = i)[2, 2])), "\n")
cat(sum(churned), sum(engaged), sum(churned * engaged), "\n")
