#pragma once

namespace engage::kernels {

// The retention models' predictions for one customer (single precision: they are estimates);
// NaN where the customer had no purchase by the calibration end.
struct RetentionPrediction {
    float p_alive = 0;                // BG/NBD P(alive)
    float expected_transactions = 0;  // BG/NBD, over the horizon
    float expected_spend = 0;         // Gamma-Gamma, per transaction
    float clv = 0;                    // discounted over the horizon
    // BG/BB on discrete opportunities (--opportunity-days), NaN when it is not fitted.
    float bgbb_p_alive = 0;           // P(alive at the next opportunity)
    float bgbb_expected_transactions = 0;  // over the whole opportunities of the horizon
    float bgbb_dert = 0;              // discounted expected residual transactions (lifetime)
    float bgbb_clv = 0;               // Gamma-Gamma spend per transaction x DERT
};

}  // namespace engage::kernels
