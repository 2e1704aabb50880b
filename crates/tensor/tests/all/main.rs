//! Every integration test of `backprop-tensor`, in one test binary: each
//! module was its own binary, and each compiled and linked the generic
//! tensor code again (about 20 s of CPU a binary in a cold dev build).

mod common;

mod catalog;
mod constants;
#[cfg(feature = "svg")] // diagrams are drawn by the `svg` feature
mod diagram;
mod edges;
mod elementwise;
mod errors;
mod gemm;
mod graph;
mod literals;
mod matmul;
mod optim;
mod reductions;
mod shape_ops;
mod softmax;
mod train_spiral;
