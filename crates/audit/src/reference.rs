//! An op written out by its definition: naive forward and vector-Jacobian
//! product over `f64` arrays, the second route that confirms a finding
//! without calling the framework.

use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};

/// A forward function of several `f64` arrays.
pub type Forward = Arc<dyn Fn(&[ArrayD<f64>]) -> ArrayD<f64> + Send + Sync>;
/// A VJP: inputs and upstream gradient to one gradient per input.
pub type Vjp = Arc<dyn Fn(&[ArrayD<f64>], &ArrayD<f64>) -> Vec<ArrayD<f64>> + Send + Sync>;

/// An op's naive forward and VJP.
///
/// ```
/// use backprop_audit::Reference;
/// use ndarray::{arr1, ArrayD};
///
/// let exp = Reference::unary(f64::exp, f64::exp);
/// let x = arr1(&[0.0, 1.0]).into_dyn();
/// let g = (exp.vjp)(&[x.clone()], &arr1(&[1.0, 2.0]).into_dyn());
/// assert_eq!(g[0], arr1(&[1.0, 2.0 * 1f64.exp()]).into_dyn());
/// let both = exp.fan_out(); // cat([exp(x), x])
/// assert_eq!((both.forward)(&[x]).len(), 4);
/// ```
#[derive(Clone)]
pub struct Reference {
    /// The forward pass.
    pub forward: Forward,
    /// The vector-Jacobian product.
    pub vjp: Vjp,
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reference")
    }
}

impl Reference {
    /// A reference from its two functions.
    pub fn new(
        forward: impl Fn(&[ArrayD<f64>]) -> ArrayD<f64> + Send + Sync + 'static,
        vjp: impl Fn(&[ArrayD<f64>], &ArrayD<f64>) -> Vec<ArrayD<f64>> + Send + Sync + 'static,
    ) -> Reference {
        Reference {
            forward: Arc::new(forward),
            vjp: Arc::new(vjp),
        }
    }

    /// An elementwise function of one input: `f` and its derivative `df`.
    pub fn unary(
        f: impl Fn(f64) -> f64 + Send + Sync + 'static,
        df: impl Fn(f64) -> f64 + Send + Sync + 'static,
    ) -> Reference {
        Reference::new(
            move |x| x[0].mapv(&f),
            move |x, g| vec![g * &x[0].mapv(&df)],
        )
    }

    /// The op with its single input used a second time:
    /// `cat([flatten(op(x)), flatten(x)])`. The VJP adds the second path's
    /// upstream gradient to the op's.
    pub fn fan_out(self) -> Reference {
        let (forward, vjp) = (self.forward.clone(), self.vjp);
        let forward_for_vjp = self.forward;
        Reference::new(
            move |x| {
                let y = forward(x);
                let mut out: Vec<f64> = y.iter().copied().collect();
                out.extend(x[0].iter().copied());
                ArrayD::from_shape_vec(IxDyn(&[out.len()]), out).expect("flat")
            },
            move |x, g| {
                let y = forward_for_vjp(x);
                let n = y.len();
                let flat: Vec<f64> = g.iter().copied().collect();
                let gy =
                    ArrayD::from_shape_vec(y.raw_dim(), flat[..n].to_vec()).expect("output shape");
                let gx = ArrayD::from_shape_vec(x[0].raw_dim(), flat[n..].to_vec())
                    .expect("input shape");
                let mut grads = vjp(x, &gy);
                grads[0] = &grads[0] + &gx;
                grads
            },
        )
    }
}
