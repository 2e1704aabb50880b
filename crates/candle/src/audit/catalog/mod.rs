//! Every audited call: the differentiable public ops of candle-core and
//! candle-nn, each at several configurations.
//!
//! To audit another op, add a [`Case`] to the module of its kind (or a new
//! module listed in [`catalog`]): its call, its inputs' shapes and value
//! ranges, the candle function, and — for anything beyond plain
//! elementwise arithmetic — its naive forward and VJP from
//! [`backprop_audit::naive`] (written there, framework-free, when it is
//! missing), so that a failure can be confirmed.

mod binary;
mod conv;
mod elementwise;
mod index;
mod linalg;
mod nn;
mod pool;
mod reduce;
mod shape;

use super::case::Case;

/// Every case of the audit, grouped by kind: elementwise, binary, matrix
/// products, reductions, shapes, indexing, convolutions, pooling and
/// resizing, candle-nn.
pub fn catalog() -> Vec<Case> {
    let mut cases = elementwise::cases();
    cases.extend(binary::cases());
    cases.extend(linalg::cases());
    cases.extend(reduce::cases());
    cases.extend(shape::cases());
    cases.extend(index::cases());
    cases.extend(conv::cases());
    cases.extend(pool::cases());
    cases.extend(nn::cases());
    cases
}
