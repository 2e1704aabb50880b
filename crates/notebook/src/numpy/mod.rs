//! Printing `f64` arrays exactly as NumPy's `str(ndarray)` does with the
//! default print options.
//!
//! A port of the rules in NumPy's `arrayprint.py` (`FloatingFormat`,
//! `_formatArray`) and `dragon4.c`, checked byte for byte against a table
//! that NumPy itself printed (`tests/data/numpy_str.jsonl`).

pub(crate) mod dragon4;
mod float_format;
mod layout;

use ndarray::{ArrayBase, Data, Dimension};

use crate::float_repr;
use float_format::FloatFormat;
use layout::{LINE_WIDTH, Layout, THRESHOLD, shown_values};

/// NumPy's `str(a)` for an `f64` array of any dimension, with the default
/// print options (`precision=8`, `floatmode='maxprec'`, `suppress=False`,
/// `linewidth=75`, `threshold=1000`, `edgeitems=3`, `sign='-'`):
///
/// - each value prints with its shortest unique digits, but at most 8 after
///   the point, and trailing zeros trimmed (`1.`, `0.5`);
/// - all values share one width: the integer parts (with a column for the
///   sign when any value is negative) and the fractions are padded;
/// - scientific notation for every value when the largest finite |value|
///   is at least `1e8`, the smallest non-zero one is below `1e-4`, or their
///   ratio exceeds 1000 (`1.5e-05`, all with as many mantissa digits as the
///   longest needs and a common exponent width);
/// - `nan`, `inf`, `-inf` right-aligned in the same width; `-0.` keeps its
///   sign;
/// - rows on separate lines, each inner line indented by one space per
///   open bracket, a blank line between the 2-D blocks of a 3-D array;
/// - lines wrapped before 75 characters (the wrapped part indented to
///   stand under the first element);
/// - arrays of more than 1000 elements summarised with `...`, keeping 3
///   items at each end of every axis;
/// - a 0-d array prints as its scalar (Python's `repr` of the float), an
///   empty one as `[]`.
///
/// Like NumPy's, the text has no trailing newline, and a caller's prefix
/// does not indent the continuation lines: `f"W: {W}"` is `"W: "` followed
/// by `str(W)`.
///
/// ```
/// use backprop_notebook::array_str;
/// use ndarray::array;
///
/// let w = array![[-0.1429865, 0.17558202], [1.38290122, -1.30285315]];
/// assert_eq!(array_str(&w), "[[-0.1429865   0.17558202]\n [ 1.38290122 -1.30285315]]");
/// assert_eq!(array_str(&array![1.0, 2.0, 1e-5]), "[1.e+00 2.e+00 1.e-05]");
/// assert_eq!(array_str(&array![f64::NAN, -0.0, 2.5]), "[ nan -0.   2.5]");
/// ```
pub fn array_str<S, D>(a: &ArrayBase<S, D>) -> String
where
    S: Data<Elem = f64>,
    D: Dimension,
{
    let a = a.view().into_dyn();
    if a.ndim() == 0 {
        return float_repr(a[[]]);
    }
    if a.is_empty() {
        return "[]".to_string();
    }
    let summarise = a.len() > THRESHOLD;
    let mut values = Vec::new();
    shown_values(&a, summarise, &mut values);
    let format = FloatFormat::new(&values);
    let layout = Layout {
        format: &format,
        summarise,
    };
    // The hanging indent is the space under the opening bracket.
    layout.render(&a, " ", LINE_WIDTH)
}
