//! One audited call: a candle function in one configuration, its inputs'
//! shapes and value ranges, its layout, and its naive reference.

use std::sync::Arc;

use backprop_gradcheck::{Dtype, Mode};
use candle_core::Tensor;
use ndarray::{ArrayD, IxDyn};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::InputLayout;
use backprop_audit::Reference;

/// A candle function of the audited inputs.
pub type CandleFn = Arc<dyn Fn(&[Tensor]) -> candle_core::Result<Tensor> + Send + Sync>;

/// Which crate the audited function belongs to (the JUnit suite).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Package {
    /// `candle-core` (`Tensor` methods).
    Core,
    /// `candle-nn` (`candle_nn::ops`, `candle_nn::loss`).
    Nn,
}

impl Package {
    /// `"candle-core"` or `"candle-nn"`.
    pub fn name(self) -> &'static str {
        match self {
            Package::Core => "candle-core",
            Package::Nn => "candle-nn",
        }
    }
}

/// Where an input's values are drawn from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Values {
    /// Standard normal.
    Normal,
    /// Uniform on `[lo, hi)`.
    Uniform(f64, f64),
    /// Uniform magnitude on `[lo, hi)` with a random sign: away from zero
    /// (for kinks at 0 and poles).
    AwayFromZero(f64, f64),
    /// These values, in order (row-major); shape must match.
    Fixed(&'static [f64]),
}

impl Values {
    fn draw(self, rng: &mut ChaCha8Rng, k: usize) -> f64 {
        match self {
            Values::Normal => rng.sample(ndarray_rand::rand_distr::StandardNormal),
            Values::Uniform(lo, hi) => rng.random_range(lo..hi),
            Values::AwayFromZero(lo, hi) => {
                let m = rng.random_range(lo..hi);
                if rng.random_bool(0.5) { m } else { -m }
            }
            Values::Fixed(v) => v[k % v.len()],
        }
    }
}

/// One input of a case.
#[derive(Clone, Debug)]
pub struct InputSpec {
    /// Its name in reports (`"x"`, `"kernel"`).
    pub name: &'static str,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Where its values come from.
    pub values: Values,
}

/// One audited call.
#[derive(Clone)]
pub struct Case {
    /// The crate of the function.
    pub package: Package,
    /// The function as users call it (`"conv1d"`, `"ops::softmax"`): the
    /// rule of the report, and what `--filter` and progress group by.
    pub function: &'static str,
    /// The call with its configuration, e.g.
    /// `conv1d(padding=1, stride=1, dilation=1, groups=1)`.
    pub call: String,
    /// The differentiated inputs.
    pub inputs: Vec<InputSpec>,
    /// Their memory layout.
    pub layout: InputLayout,
    /// Extra words after the shapes (e.g. `"fan-out"`).
    pub variant: Option<&'static str>,
    /// The candle function of the inputs.
    pub f: CandleFn,
    /// The naive forward and VJP, where written.
    pub reference: Option<Reference>,
    /// Mode of the numerical comparison.
    pub mode: Mode,
    /// The dtypes to check (f64 and f32 unless the op has only one).
    pub dtypes: Vec<Dtype>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.base_name())
    }
}

impl Case {
    /// A case of `function`, called as `call`, with no inputs yet.
    pub fn new(
        package: Package,
        function: &'static str,
        call: impl Into<String>,
        f: impl Fn(&[Tensor]) -> candle_core::Result<Tensor> + Send + Sync + 'static,
    ) -> Case {
        Case {
            package,
            function,
            call: call.into(),
            inputs: Vec::new(),
            layout: InputLayout::Contiguous,
            variant: None,
            f: Arc::new(f),
            reference: None,
            mode: Mode::Auto,
            dtypes: Dtype::ALL.to_vec(),
        }
    }

    /// Adds an input.
    pub fn input(mut self, name: &'static str, shape: &[usize], values: Values) -> Case {
        self.inputs.push(InputSpec {
            name,
            shape: shape.to_vec(),
            values,
        });
        self
    }

    /// Sets the naive reference.
    pub fn reference(mut self, reference: Reference) -> Case {
        self.reference = Some(reference);
        self
    }

    /// Sets the layout.
    pub fn layout(mut self, layout: InputLayout) -> Case {
        self.layout = layout;
        self
    }

    /// Sets the mode of the numerical comparison.
    pub fn mode(mut self, mode: Mode) -> Case {
        self.mode = mode;
        self
    }

    /// The same call with its single input used a second time, after the
    /// op: `cat([op(x).flatten_all(), x.flatten_all()])`. A backward rule
    /// that overwrites the gradient accumulated for its input, instead of
    /// adding to it, fails here.
    pub fn fan_out(mut self) -> Case {
        let f = self.f.clone();
        self.f = Arc::new(move |t: &[Tensor]| {
            let y = f(t)?.flatten_all()?;
            Tensor::cat(&[&y, &t[0].flatten_all()?], 0)
        });
        self.reference = self.reference.map(Reference::fan_out);
        self.variant = Some("fan-out");
        self
    }

    /// The shapes part of the name: `x[2, 3, 7] w[4, 3, 3]`.
    fn shapes(&self) -> String {
        self.inputs
            .iter()
            .map(|i| format!("{}{:?}", i.name, i.shape))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The name without dtype: call, shapes, layout and variant.
    pub fn base_name(&self) -> String {
        let mut name = format!("{} {}", self.call, self.shapes());
        if self.layout != InputLayout::Contiguous {
            name.push(' ');
            name.push_str(self.layout.name());
        }
        if let Some(v) = self.variant {
            name.push(' ');
            name.push_str(v);
        }
        name
    }

    /// The JUnit test case name: `conv1d(padding=1, ...) x[..] w[..] [f64]`.
    pub fn name(&self, dtype: Dtype) -> String {
        format!("{} [{dtype}]", self.base_name())
    }

    /// The input values for a run seeded with `seed`: drawn from each
    /// input's range with ChaCha8 seeded by the case's name, and rounded to
    /// `f32`, so the f64 and f32 checks look at the same point.
    pub fn values(&self, seed: u64) -> Vec<ArrayD<f64>> {
        let mut rng =
            ChaCha8Rng::seed_from_u64(backprop_gradcheck::entry_seed(seed, &self.base_name()));
        self.inputs
            .iter()
            .map(|spec| {
                let mut k = 0;
                ArrayD::from_shape_simple_fn(IxDyn(&spec.shape), || {
                    let v = spec.values.draw(&mut rng, k);
                    k += 1;
                    f64::from(v as f32)
                })
            })
            .collect()
    }

    /// The inputs' names.
    pub fn input_names(&self) -> Vec<String> {
        self.inputs.iter().map(|i| i.name.to_string()).collect()
    }
}
