#pragma once

namespace engage::kernels {

// The retention models' predictions for one customer (single precision: they are estimates);
// NaN where the customer had no purchase by the calibration end.
struct RetentionPrediction {
    float p_alive = 0;                // BG/NBD P(alive)
    float expected_transactions = 0;  // BG/NBD, over the horizon
    float expected_spend = 0;         // Gamma-Gamma, per transaction
    float clv = 0;                    // discounted over the horizon
};

}  // namespace engage::kernels
