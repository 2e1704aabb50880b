//! The op families of the audit, one file each.

pub mod activation;
pub mod advanced;
pub mod arithmetic;
pub mod conv;
pub mod elementwise;
pub mod indexing;
pub mod matmul;
pub mod nn;
pub mod order;
pub mod pool;
pub mod reduce;
pub mod resize;
pub mod shape;
