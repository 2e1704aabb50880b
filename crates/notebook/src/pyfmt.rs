//! Printing numbers exactly as Python prints them.

use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

use backprop_gates::Real;

use crate::numpy::dragon4::shortest_digits;

/// Python's `repr(float)`: the shortest digits that round-trip, fixed
/// notation with a trailing `.0` when integral, scientific when the decimal
/// exponent is below -4 or at least 16 (`1e-05`, `1.5e+16`), and `nan`,
/// `inf`, `-inf`, `-0.0`.
///
/// ```
/// use backprop_notebook::float_repr;
/// assert_eq!(float_repr(-4.0), "-4.0");
/// assert_eq!(float_repr(1e-5), "1e-05");
/// assert_eq!(float_repr(1.5e16), "1.5e+16");
/// assert_eq!(float_repr(0.1 + 0.2), "0.30000000000000004");
/// ```
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    // The shortest round-tripping digits, nearest to x, from the exact
    // Dragon4 that also prints NumPy arrays. Rust's shortest `{:e}` is not
    // enough: it breaks exact ties upward where Python takes the even digit,
    // and re-rounding x to that many digits can leave the interval that
    // reads back as x at a power of two, whose lower neighbour is nearer
    // than the upper (2^-1017 is 7.120236347223045e-307 in Python; rounded
    // to 16 digits it is ...044e-307, which reads back as another float).
    let (digits, exp) = shortest_digits(x);
    let digits: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let body = if (-4..16).contains(&exp) {
        fixed(&digits, exp + 1)
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{first}{dot}e{esign}{:02}", exp.abs())
    };
    format!("{sign}{body}")
}

/// Lays out `digits` (`d1 d2 ...`, value `0.d1d2... × 10^point`) in fixed
/// notation, always with a fractional part.
fn fixed(digits: &str, point: i32) -> String {
    let n = digits.len() as i32;
    if point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else if point >= n {
        format!("{digits}{}.0", "0".repeat((point - n) as usize))
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    }
}

/// A Python number: the notebook keeps `int` and `float` apart
/// (`dfdq = -4` but `dfdx = -4.0`), so the replays do too.
///
/// Arithmetic follows Python: `int ∘ int` stays `int` (except true division),
/// anything with a `float` becomes `float`; constants introduced by rules
/// (`from_f64`) are floats, like the notebook's `1.0`. `Display` prints
/// `str()` of the value.
#[derive(Clone, Copy, Debug)]
pub enum PyNum {
    /// A Python `int`.
    Int(i64),
    /// A Python `float`.
    Float(f64),
}

impl PyNum {
    /// The value as a float (Python's `float(x)`).
    pub fn as_f64(self) -> f64 {
        match self {
            PyNum::Int(i) => i as f64,
            PyNum::Float(x) => x,
        }
    }

    /// Applies `int_op` when both are ints, else `float_op` on floats.
    fn combine(
        self,
        other: PyNum,
        int_op: fn(i64, i64) -> Option<i64>,
        float_op: fn(f64, f64) -> f64,
    ) -> PyNum {
        match (self, other) {
            (PyNum::Int(a), PyNum::Int(b)) => {
                PyNum::Int(int_op(a, b).expect("notebook integers stay within i64"))
            }
            _ => PyNum::Float(float_op(self.as_f64(), other.as_f64())),
        }
    }

    fn float(self, op: fn(f64) -> f64) -> PyNum {
        PyNum::Float(op(self.as_f64()))
    }
}

impl fmt::Display for PyNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyNum::Int(i) => write!(f, "{i}"),
            PyNum::Float(x) => f.write_str(&float_repr(*x)),
        }
    }
}

/// Python's `str(list)`: `[a, b, c]`.
pub fn py_list(items: &[PyNum]) -> String {
    let parts: Vec<String> = items.iter().map(PyNum::to_string).collect();
    format!("[{}]", parts.join(", "))
}

impl PartialEq for PyNum {
    fn eq(&self, other: &Self) -> bool {
        self.as_f64() == other.as_f64()
    }
}

impl PartialOrd for PyNum {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.as_f64().partial_cmp(&other.as_f64())
    }
}

impl Add for PyNum {
    type Output = PyNum;
    fn add(self, o: PyNum) -> PyNum {
        self.combine(o, i64::checked_add, |a, b| a + b)
    }
}

impl Sub for PyNum {
    type Output = PyNum;
    fn sub(self, o: PyNum) -> PyNum {
        self.combine(o, i64::checked_sub, |a, b| a - b)
    }
}

impl Mul for PyNum {
    type Output = PyNum;
    fn mul(self, o: PyNum) -> PyNum {
        self.combine(o, i64::checked_mul, |a, b| a * b)
    }
}

impl Div for PyNum {
    type Output = PyNum;
    /// True division: always a float, as in Python 3.
    fn div(self, o: PyNum) -> PyNum {
        PyNum::Float(self.as_f64() / o.as_f64())
    }
}

impl Neg for PyNum {
    type Output = PyNum;
    fn neg(self) -> PyNum {
        match self {
            PyNum::Int(i) => PyNum::Int(-i),
            PyNum::Float(x) => PyNum::Float(-x),
        }
    }
}

impl Real for PyNum {
    fn from_f64(v: f64) -> Self {
        PyNum::Float(v)
    }
    fn to_f64(self) -> f64 {
        self.as_f64()
    }
    fn exp(self) -> Self {
        self.float(f64::exp)
    }
    fn ln(self) -> Self {
        self.float(f64::ln)
    }
    fn ln_1p(self) -> Self {
        self.float(f64::ln_1p)
    }
    fn sqrt(self) -> Self {
        self.float(f64::sqrt)
    }
    fn tanh(self) -> Self {
        self.float(f64::tanh)
    }
    fn sin(self) -> Self {
        self.float(f64::sin)
    }
    fn cos(self) -> Self {
        self.float(f64::cos)
    }
    fn abs(self) -> Self {
        match self {
            PyNum::Int(i) => PyNum::Int(i.abs()),
            PyNum::Float(x) => PyNum::Float(x.abs()),
        }
    }
    /// `x ** n`: an int for a non-negative power of an int; otherwise C's
    /// `pow`, which is what Python's float `**` calls.
    fn powi(self, n: i32) -> Self {
        match self {
            PyNum::Int(i) if n >= 0 => PyNum::Int(
                i.checked_pow(n as u32)
                    .expect("notebook integers stay within i64"),
            ),
            _ => PyNum::Float(self.as_f64().powf(f64::from(n))),
        }
    }
    fn powf(self, y: Self) -> Self {
        PyNum::Float(self.as_f64().powf(y.as_f64()))
    }
    fn is_finite(self) -> bool {
        self.as_f64().is_finite()
    }
}
