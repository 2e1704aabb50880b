//! What the checker compares against what, and how strictly.

use serde::Serialize;

use crate::Dtype;

/// How strictly analytic and numerical derivatives must agree.
///
/// An element passes when
///
/// ```text
/// |a - n| <= atol + rtol * max(|a|, |n|) + error_factor * err_est
/// ```
///
/// where `a` is the analytic value (the rule under test), `n` the numerical
/// one and `err_est` the numerical error estimate (from one Richardson level,
/// floored at the rounding error of the differences).
///
/// ```
/// use backprop_gradcheck::{Dtype, Tolerances};
///
/// let strict = Tolerances::for_dtype(Dtype::F64);
/// let loose = Tolerances { rtol: 1e-3, ..strict };
/// assert!(loose.rtol > strict.rtol);
/// assert!(Tolerances::for_dtype(Dtype::F32).rtol > strict.rtol);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tolerances {
    /// Absolute tolerance.
    pub atol: f64,
    /// Relative tolerance, against the larger of `|a|` and `|n|`.
    pub rtol: f64,
    /// Multiple `k` of the numerical error estimate added to the tolerance.
    pub error_factor: f64,
    /// Largest difference allowed between two backward runs with the same
    /// upstream gradient (`0`: bit-for-bit equal).
    pub nondeterminism: f64,
    /// Ulps (of the rule's own type, scaled by the conditioning of a rule
    /// computed from its output) allowed between a gate's derivative and the
    /// dual-number derivative of its forward function.
    pub dual_ulps: u64,
}

impl Tolerances {
    /// Defaults for rules computing in `dtype`.
    ///
    /// `f64`: `atol = 1e-10`, `rtol = 1e-7` (CS231n's "good" relative
    /// error). `f32`: `atol = 1e-5`, `rtol = 1e-4`, about a thousand `f32`
    /// ulps, room for the rounding of sums of products. Both add one error
    /// estimate (`error_factor = 1`), demand bit-for-bit repeatable backward
    /// runs, and allow 4 ulps against dual numbers.
    pub fn for_dtype(dtype: Dtype) -> Tolerances {
        match dtype {
            Dtype::F64 => Tolerances {
                atol: 1e-10,
                rtol: 1e-7,
                error_factor: 1.0,
                nondeterminism: 0.0,
                dual_ulps: 4,
            },
            Dtype::F32 => Tolerances {
                atol: 1e-5,
                rtol: 1e-4,
                error_factor: 1.0,
                nondeterminism: 0.0,
                dual_ulps: 4,
            },
        }
    }

    /// The tolerance for one element with analytic value `a`, numerical
    /// value `n` and error estimate `err_est`.
    pub fn allowed(&self, a: f64, n: f64, err_est: f64) -> f64 {
        self.atol + self.rtol * a.abs().max(n.abs()) + self.error_factor * err_est
    }
}

/// Which comparison to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The full Jacobian, entry by entry: the rule's backward run once per
    /// output element (one-hot upstream gradients) against central
    /// differences per input element, plus the backward run for the given or
    /// random upstream against its numerical value, element by element.
    /// Locates every wrong entry; for small inputs.
    Exhaustive,
    /// Random projections: `vᵀ(J·u)` from central differences along a random
    /// direction `u`, against `(vᵀJ)·u` from one backward run with a random
    /// upstream `v`. A constant number of evaluations whatever the size; on
    /// failure the backward run is re-checked element by element to locate
    /// the worst element.
    Fast,
    /// Exhaustive when the Jacobian has at most
    /// [`Options::auto_exhaustive_limit`] entries, fast otherwise.
    Auto,
}

/// Everything configurable about a check. `Options::default()` is right for
/// most uses; tolerances default to those of the rule's type.
///
/// ```
/// use backprop_gradcheck::{Mode, Options};
///
/// let options = Options { mode: Mode::Fast, seed: 42, ..Options::default() };
/// assert_eq!(options.seed, 42);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Exhaustive, fast, or chosen by size.
    pub mode: Mode,
    /// Seed of the random upstream gradients and directions (ChaCha8, so the
    /// same seed gives the same check on every platform). Reported.
    pub seed: u64,
    /// Tolerances; `None` uses [`Tolerances::for_dtype`] of the rule's type.
    pub tolerances: Option<Tolerances>,
    /// Precision the forward (oracle) function really computes in. The step
    /// is `cbrt(eps) * max(|x|, 1)` with this type's `eps`, and the rounding
    /// floor of the error estimate uses it too. Keep `F64` when the forward
    /// runs in `f64`; set `F32` if it only wraps an `f32` computation.
    pub oracle: Dtype,
    /// Multiplies every finite-difference step (default `1`).
    pub step_scale: f64,
    /// [`Mode::Auto`] runs exhaustively up to this many Jacobian entries.
    pub auto_exhaustive_limit: usize,
    /// [`Mode::Exhaustive`] refuses Jacobians larger than this.
    pub max_jacobian_entries: usize,
    /// When fast mode does not pass, re-check element by element to find
    /// the worst element, if the input has at most this many elements
    /// (each costs four forward evaluations); `0` never locates.
    pub locate_limit: usize,
    /// Run the structural checks (shapes, zero upstream, repeatability).
    pub structural: bool,
    /// How many of the worst elements a report keeps (and prints).
    pub worst_count: usize,
    /// How far, in ulps of its magnitude, the forward function's values may
    /// be off by rounding (default `8`). It floors the error estimate at
    /// `rounding_ulps · eps · |f| / (t/2)`. Raise it for long computations
    /// whose rounding accumulates — after n operations the worst case is
    /// about n ulps (Higham's γₙ), so a sum of a million terms is not good
    /// to 8 — or a correct gradient may be reported as failing.
    pub rounding_ulps: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Auto,
            seed: 0,
            tolerances: None,
            oracle: Dtype::F64,
            step_scale: 1.0,
            auto_exhaustive_limit: 1 << 14,
            max_jacobian_entries: 1 << 22,
            locate_limit: 1 << 16,
            structural: true,
            worst_count: 5,
            rounding_ulps: 8.0,
        }
    }
}

impl Options {
    /// `rounding_ulps · eps` of the oracle type: the relative rounding error
    /// assumed in each forward value.
    pub fn rounding_unit(&self) -> f64 {
        self.rounding_ulps * self.oracle.epsilon()
    }

    /// The tolerances for a rule computing in `dtype`.
    pub fn tolerances_for(&self, dtype: Dtype) -> Tolerances {
        self.tolerances
            .unwrap_or_else(|| Tolerances::for_dtype(dtype))
    }

    /// The finite-difference step at `x`: `cbrt(eps) * max(|x|, 1)` times
    /// [`step_scale`](Options::step_scale), `eps` of the oracle's type.
    ///
    /// ```
    /// use backprop_gradcheck::Options;
    ///
    /// let o = Options::default();
    /// assert_eq!(o.step(0.5), f64::EPSILON.cbrt());
    /// assert_eq!(o.step(-1000.0), f64::EPSILON.cbrt() * 1000.0);
    /// ```
    pub fn step(&self, x: f64) -> f64 {
        self.oracle.epsilon().cbrt() * x.abs().max(1.0) * self.step_scale
    }
}
