//! The audit of candle's ops.
