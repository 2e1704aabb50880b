//! Every integration test of `backprop-selfcheck`, in one test binary: one binary per
//! file compiled and linked the same generic code again for each.

mod catalog;
mod check_result;
mod tensor_kinks;
