//! Numerical gradient checking (placeholder: lands with its own issue).
