//! Local derivative rules for backpropagation.
//!
//! Every gate is a forward function `f` and its local derivative `df`, written
//! once, here, with its formula in its doc comment. Nothing in this crate
//! knows about graphs: `backprop-graph` applies these rules to scalars and
//! `backprop-tensor` lifts them elementwise.
//!
//! Rules are generic over [`Real`], implemented for `f32`, `f64` and the
//! forward-mode [`Dual`] number, so each rule's hand-written derivative can be
//! checked against the exact derivative of its own forward function.
//!
//! ```
//! use backprop_gates::{Dual, Sigmoid, UnaryRule};
//!
//! // The notebook's neuron: f = sigmoid(1), local gradient (1 - f)·f.
//! let f = Sigmoid.f(1.0_f64);
//! let local = Sigmoid.df(1.0, f);
//! assert_eq!(local, (1.0 - f) * f);
//!
//! // The same derivative from dual numbers, with no rule involved.
//! let exact = Sigmoid.f(Dual::variable(1.0_f64)).tangent;
//! assert!((local - exact).abs() < 1e-16);
//! ```
//!
//! The [catalog](Gate::catalog) enumerates every rule with its arity,
//! [`Domain`] and [`Kinks`], so tools can sample each one where it is
//! differentiable.
//!
//! At the edges — kinks, singular points such as `0⁰`, saturated tails,
//! signed zeros — each gate returns a chosen, documented number, listed by
//! [`edges()`] (and, beside PyTorch's and JAX's, in the crate README and
//! each gate's documentation). A gate with kinks declares its
//! [`KinkConvention`]:
//!
//! ```
//! use backprop_gates::{Binary, Unary};
//!
//! // d(x^y) at (0, 0): 0 and 0 (x⁰ = 1 for every x; 0ʸ = 0 for y > 0).
//! assert_eq!(Binary::Pow.derivatives(0.0_f64, 0.0, 1.0), (0.0, 0.0));
//! // relu'(0) = 0, the left derivative; max(x, x) gives ½ to each side.
//! assert_eq!(Unary::Relu.derivative(0.0_f64, 0.0), 0.0);
//! assert_eq!(Binary::Max.derivatives(2.0_f64, 2.0, 2.0), (0.5, 0.5));
//! ```

mod binary;
mod catalog;
mod chain;
mod dual;
mod edges;
mod notation;
mod real;
mod ulps;
mod unary;

pub use binary::{Add, Binary, BinaryRule, BinaryVisitor, Div, Max, Min, Mul, Pow, Sub};
pub use catalog::{DerivativeFrom, Domain, Gate, KinkConvention, Kinks};
pub use chain::chain;
pub use dual::Dual;
pub use edges::{Edge, EdgeKind, edges};
pub use real::Real;
pub use ulps::ulps_between;
pub use unary::{
    Abs, AddConst, Cos, Exp, LeakyRelu, Ln, MulConst, Neg, Powf, Powi, Recip, Relu, Sigmoid, Sin,
    Softplus, Sqrt, Tanh, Unary, UnaryRule, UnaryVisitor,
};

#[cfg(test)]
mod catalog_tests {
    use super::catalog::{KIND_COUNT, kind_index};
    use super::*;

    #[test]
    fn catalog_covers_every_kind_of_rule() {
        let mut seen = [false; KIND_COUNT];
        for &g in Gate::catalog() {
            seen[kind_index(g)] = true;
        }
        let missing: Vec<usize> = (0..KIND_COUNT).filter(|&i| !seen[i]).collect();
        assert!(
            missing.is_empty(),
            "kinds without a catalog entry: {missing:?}"
        );
    }

    #[test]
    fn catalog_names_are_unique_per_parameter() {
        let mut labels: Vec<String> = Gate::catalog().iter().map(|g| g.to_string()).collect();
        let n = labels.len();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), n);
    }
}
