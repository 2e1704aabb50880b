//! Every integration test of `backprop-gradcheck`, in one test binary: one binary per
//! file compiled and linked the same generic code again for each.

mod common;

mod dual_oracle;
mod evaluations;
mod kink_conventions;
mod kinks_and_non_finite;
mod locate_budget;
mod no_false_failures;
mod numerics;
mod planted_bugs;
mod report_figures;
mod report_json;
mod report_text;
mod rounding;
mod strategies;
mod structure;
