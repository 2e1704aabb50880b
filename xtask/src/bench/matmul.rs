//! Batched matmul, forward and backward, through `backprop-tensor`'s
//! public functions (`numpy.matmul` semantics), in `f64` and `f32`.

use std::fmt;

use backprop_tensor::{Element, matmul, matmul_vjp};
use ndarray::{ArrayD, IxDyn};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::timing::best_of;

/// A batched product `(B, M, K) @ (B, K, N)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub b: usize,
    pub m: usize,
    pub k: usize,
    pub n: usize,
}

/// The shapes measured unless `--no-default-shapes` is given.
pub const DEFAULT_SHAPES: [Shape; 3] = [
    Shape {
        b: 1,
        m: 512,
        k: 512,
        n: 512,
    },
    Shape {
        b: 64,
        m: 128,
        k: 128,
        n: 128,
    },
    Shape {
        b: 16,
        m: 256,
        k: 256,
        n: 256,
    },
];

impl Shape {
    /// Parses `BxMxKxN`.
    pub fn parse(s: &str) -> Result<Shape, String> {
        let parts: Vec<usize> = s
            .split('x')
            .map(|p| {
                p.parse::<usize>()
                    .map_err(|e| format!("{p:?} in {s:?}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        match parts[..] {
            [b, m, k, n] if parts.iter().all(|&d| d > 0) => Ok(Shape { b, m, k, n }),
            _ => Err(format!(
                "expected BxMxKxN with four positive sizes, got {s:?}"
            )),
        }
    }

    /// Multiply-adds times two.
    pub fn flops(self) -> f64 {
        2.0 * (self.b * self.m * self.k * self.n) as f64
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}x{}x{}", self.b, self.m, self.k, self.n)
    }
}

/// An element type to measure, as the command line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Dtype {
    F64,
    F32,
}

impl Dtype {
    /// `"f64"` or `"f32"`, as in the JSON rows and NumPy's script.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F64 => f64::NAME,
            Dtype::F32 => f32::NAME,
        }
    }

    /// Times forward and backward of one shape in this type.
    pub fn measure(self, shape: Shape, runs: usize) -> Measurement {
        match self {
            Dtype::F64 => measure::<f64>(shape, runs),
            Dtype::F32 => measure::<f32>(shape, runs),
        }
    }
}

/// One JSON line: `{"op":"matmul","dtype":"f64","b":..,"m":..,"k":..,"n":..,"forward_s":..,"backward_s":..}`
/// (the machine's fields follow, see `machine.rs`).
#[derive(Serialize, Clone, Debug)]
pub struct Measurement {
    pub op: &'static str,
    /// `"f64"` or `"f32"`.
    pub dtype: &'static str,
    pub b: usize,
    pub m: usize,
    pub k: usize,
    pub n: usize,
    /// Best time of `C = A @ B`.
    pub forward_s: f64,
    /// Best time of both gradients `dA = dC·Bᵀ`, `dB = Aᵀ·dC` from a given `dC`.
    pub backward_s: f64,
}

impl Measurement {
    /// Keeps the better of each time: this one's or `other`'s (another
    /// round of the same shape and type).
    pub fn keep_best(&mut self, other: &Measurement) {
        self.forward_s = self.forward_s.min(other.forward_s);
        self.backward_s = self.backward_s.min(other.backward_s);
    }

    pub fn forward_gflops(&self) -> f64 {
        let shape = Shape {
            b: self.b,
            m: self.m,
            k: self.k,
            n: self.n,
        };
        shape.flops() / self.forward_s / 1e9
    }
}

fn standard_normal_ish<A: Element>(rng: &mut ChaCha8Rng, shape: &[usize]) -> ArrayD<A> {
    // Sum of uniforms: values like NumPy's standard normal draws, cheaply.
    ArrayD::from_shape_simple_fn(IxDyn(shape), || {
        A::from_f64((0..4).map(|_| rng.random_range(-1.0..1.0)).sum::<f64>() * 0.866)
    })
}

/// Times forward and backward of one shape in `A`.
pub fn measure<A: Element>(shape: Shape, runs: usize) -> Measurement {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let Shape { b, m, k, n } = shape;
    let a = standard_normal_ish::<A>(&mut rng, &[b, m, k]);
    let w = standard_normal_ish::<A>(&mut rng, &[b, k, n]);
    let dc = standard_normal_ish::<A>(&mut rng, &[b, m, n]);
    let forward_s = best_of(runs, || matmul(&a.view(), &w.view()).expect("shapes agree"));
    let backward_s = best_of(runs, || {
        matmul_vjp(&a.view(), &w.view(), &dc.view()).expect("shapes agree")
    });
    Measurement {
        op: "matmul",
        dtype: A::NAME,
        b,
        m,
        k,
        n,
        forward_s,
        backward_s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_parse_as_b_m_k_n() {
        assert_eq!(
            Shape::parse("64x128x96x32"),
            Ok(Shape {
                b: 64,
                m: 128,
                k: 96,
                n: 32
            })
        );
        for bad in ["1x2x3", "1x2x3x4x5", "0x1x1x1", "ax1x1x1", ""] {
            assert!(Shape::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn rounds_keep_the_best_forward_and_backward_separately() {
        let round = |forward_s, backward_s| Measurement {
            op: "matmul",
            dtype: "f64",
            b: 1,
            m: 2,
            k: 3,
            n: 4,
            forward_s,
            backward_s,
        };
        let mut best = round(0.5, 1.0);
        best.keep_best(&round(0.4, 1.5)); // a better forward, a worse backward
        best.keep_best(&round(0.6, 0.9));
        assert_eq!((best.forward_s, best.backward_s), (0.4, 0.9));
    }

    #[test]
    fn json_lines_have_the_issue_format() {
        let m = Measurement {
            op: "matmul",
            dtype: "f32",
            b: 1,
            m: 2,
            k: 3,
            n: 4,
            forward_s: 0.5,
            backward_s: 1.25,
        };
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"op":"matmul","dtype":"f32","b":1,"m":2,"k":3,"n":4,"forward_s":0.5,"backward_s":1.25}"#
        );
    }
}
