//! What the checker compares against what, and how strictly.

use std::time::Duration;

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
    /// upstream `v`. Four forward evaluations per input whatever its size
    /// (eight when the first comparison fails and is repeated with a
    /// narrower step); on failure the wrong elements are located within a
    /// budget of [`Options::locate_limit`] further forward evaluations.
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
/// assert_eq!(Options::default().locate_limit, 2_000);
/// ```
///
/// # What a check costs
///
/// In forward evaluations of the oracle, for [`check_vjp`](crate::check_vjp)
/// with inputs of `n₁, n₂, …` elements and an output of `m` elements:
///
/// - always 1, at the unperturbed point;
/// - [`Mode::Exhaustive`]: 4 per input element (`±h`, `±h/2`), 4 more for
///   an element where a comparison fails (judged again at `h/4`), so at most
///   `1 + 8·Σnᵢ`; and `m` backward runs (one-hot upstreams);
/// - [`Mode::Fast`]: 4 per input (one projection), 4 more for an input
///   whose projection fails, so at most `1 + 8·k` for `k` inputs, whatever
///   their sizes; plus, for inputs whose projection does not pass, at most
///   [`locate_limit`](Options::locate_limit) forward evaluations to locate
///   the wrong elements (shared by those inputs).
///
/// Backward runs of the rule: 1 with the check's upstream, plus 2 for the
/// structural checks ([`structural`](Options::structural)), plus `m` in
/// exhaustive mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Exhaustive, fast, or chosen by size. Default [`Mode::Auto`].
    pub mode: Mode,
    /// Seed of the random upstream gradients and directions (ChaCha8, so the
    /// same seed gives the same check on every platform). Reported.
    /// Default `0`.
    pub seed: u64,
    /// Tolerances; `None` (the default) uses [`Tolerances::for_dtype`] of the
    /// rule's type.
    pub tolerances: Option<Tolerances>,
    /// Precision the forward (oracle) function really computes in. The step
    /// is `cbrt(eps) * max(|x|, 1)` with this type's `eps`, and the rounding
    /// floor of the error estimate uses it too. Keep `F64` (the default)
    /// when the forward runs in `f64`; set `F32` if it only wraps an `f32`
    /// computation.
    pub oracle: Dtype,
    /// Multiplies every finite-difference step (default `1`).
    pub step_scale: f64,
    /// [`Mode::Auto`] runs exhaustively up to this many Jacobian entries
    /// (inputs' elements times output elements; default `16_384`), fast
    /// above.
    pub auto_exhaustive_limit: usize,
    /// [`Mode::Exhaustive`] refuses Jacobians larger than this (default
    /// `4_194_304` entries, 32 MiB of `f64`).
    pub max_jacobian_entries: usize,
    /// The budget, in forward evaluations, for locating the wrong elements
    /// after a fast check that did not pass (default `2_000`; `0` never
    /// locates, and the report says so). Shared by the inputs whose
    /// projection did not pass, each taking an equal share of what is
    /// left; the search never spends more than its share.
    ///
    /// An input whose elements can all be checked one at a time within its
    /// share (each element costs 4 forward evaluations, 8 if it fails, so
    /// up to 250 elements with the default budget) is checked element by
    /// element. A larger input is searched by bisection: a block of
    /// elements under suspicion (at first, the whole input) is split in
    /// halves, each half is compared as a projection onto a random
    /// direction confined to it (4 forward evaluations), and the halves
    /// that do not pass are searched in turn, depth first, the worse half
    /// first, down to single elements, checked one at a time. One wrong
    /// element among `n` costs `8·⌈log₂ n⌉ + 8` forward evaluations: 104
    /// among 4,096 elements, 168 among a million. The search stops when
    /// it has found [`worst_count`](Options::worst_count) elements that do
    /// not pass, when no block is under suspicion any more, or when its
    /// next step (at most 8 evaluations) could overrun the budget; the
    /// report's [`Located`](crate::Located) says which, and names the
    /// smallest block still under suspicion when the budget cut the search
    /// short.
    pub locate_limit: usize,
    /// Run the structural checks (shapes, zero upstream, repeatability).
    /// Default `true`.
    pub structural: bool,
    /// How many of the worst elements a report keeps (and prints); also how
    /// many wrong elements locating looks for. Default `5`.
    pub worst_count: usize,
    /// How far, in ulps of its magnitude, the forward function's values may
    /// be off by rounding (default `8`). It floors the error estimate at
    /// `rounding_ulps · eps · |f| / (t/2)`. Raise it for long computations
    /// whose rounding accumulates — after n operations the worst case is
    /// about n ulps (Higham's γₙ), so a sum of a million terms is not good
    /// to 8 — or a correct gradient may be reported as failing.
    pub rounding_ulps: f64,
    /// A check still running after this long reports its progress on
    /// standard error: what it is doing and the evaluations so far, then
    /// again every 5 seconds. Default 2 seconds; `None` never reports. A
    /// check that ends sooner prints nothing.
    pub progress_after: Option<Duration>,
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
            locate_limit: 2_000,
            structural: true,
            worst_count: 5,
            rounding_ulps: 8.0,
            progress_after: Some(Duration::from_secs(2)),
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
