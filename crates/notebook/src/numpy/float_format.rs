//! NumPy's `FloatingFormat` (`numpy/_core/arrayprint.py`) for the default
//! print options: one formatter per array, chosen from all the values that
//! will be shown, so that every element prints with the same width.

use super::dragon4::{self, Options, Trim};

/// `precision` in NumPy's default print options.
pub(crate) const PRECISION: u32 = 8;

/// Fixed notation only while the largest |value| is below this
/// (`10 ** min(8, finfo(float64).precision)`).
const EXP_CUTOFF_MAX: f64 = 1e8;

/// Formats each element of one array in NumPy's `floatmode='maxprec'`,
/// `suppress=False`, `sign='-'`.
#[derive(Debug)]
pub(crate) struct FloatFormat {
    /// Scientific notation for every element.
    exp_format: bool,
    /// Characters left of the decimal point (sign included).
    pad_left: usize,
    /// Characters right of the decimal point (fixed), or of the mantissa's
    /// point through the exponent (scientific).
    pad_right: usize,
    /// Scientific: digits after the mantissa's point, for every element.
    precision: u32,
    /// Scientific: digits in the exponent, for every element.
    exp_size: usize,
}

impl FloatFormat {
    /// `FloatingFormat.fillFormat`: decides the notation from the finite
    /// values, then the common widths from a first pass that prints each of
    /// them with unique digits.
    pub(crate) fn new(data: &[f64]) -> Self {
        let finite: Vec<f64> = data.iter().copied().filter(|x| x.is_finite()).collect();
        let mut format = FloatFormat {
            exp_format: false,
            pad_left: 0,
            pad_right: 0,
            precision: PRECISION,
            exp_size: 0,
        };

        // Zeros (either sign) do not count towards the notation.
        let non_zero = finite.iter().filter(|x| **x != 0.0).map(|x| x.abs());
        let (min, max) = non_zero.fold((f64::INFINITY, 0.0f64), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        if max > 0.0 {
            // max / min may overflow to infinity, which counts as > 1000.
            format.exp_format = max >= EXP_CUTOFF_MAX || min < 0.0001 || max / min > 1000.0;
        }

        let first_pass = Options {
            precision: Some(PRECISION),
            min_digits: None,
            trim: Trim::Zeros,
            pad_left: None,
            pad_right: None,
            exp_digits: None,
        };
        if finite.is_empty() {
            // nothing to measure
        } else if format.exp_format {
            let strs: Vec<String> = finite
                .iter()
                .map(|x| dragon4::scientific(*x, &first_pass))
                .collect();
            let mut frac_len = 0;
            for s in &strs {
                let (mantissa, exponent) = s.split_once('e').expect("scientific has an exponent");
                let (int, frac) = mantissa.split_once('.').expect("mantissa has a point");
                format.exp_size = format.exp_size.max(exponent.len() - 1);
                format.pad_left = format.pad_left.max(int.len());
                frac_len = frac_len.max(frac.len());
            }
            format.precision = frac_len as u32;
            format.pad_right = format.exp_size + 2 + frac_len;
        } else {
            for x in &finite {
                let s = dragon4::positional(*x, &first_pass);
                let (int, frac) = s.split_once('.').expect("positional has a point");
                format.pad_left = format.pad_left.max(int.len());
                format.pad_right = format.pad_right.max(frac.len());
            }
        }

        // Room for `nan`, `inf` and `-inf` in the same width.
        if finite.len() != data.len() {
            let neg_inf = usize::from(data.contains(&f64::NEG_INFINITY));
            let offset = format.pad_right + 1;
            format.pad_left = format
                .pad_left
                .max(3usize.saturating_sub(offset))
                .max((3 + neg_inf).saturating_sub(offset));
        }
        format
    }

    /// `FloatingFormat.__call__`: one element, padded to the common width.
    pub(crate) fn format(&self, x: f64) -> String {
        if !x.is_finite() {
            let text = if x.is_nan() {
                "nan"
            } else if x > 0.0 {
                "inf"
            } else {
                "-inf"
            };
            let width = self.pad_left + self.pad_right + 1;
            return format!("{text:>width$}");
        }
        if self.exp_format {
            dragon4::scientific(
                x,
                &Options {
                    precision: Some(self.precision),
                    min_digits: Some(self.precision),
                    trim: Trim::Keep,
                    pad_left: Some(self.pad_left),
                    pad_right: None,
                    exp_digits: Some(self.exp_size),
                },
            )
        } else {
            dragon4::positional(
                x,
                &Options {
                    precision: Some(PRECISION),
                    min_digits: Some(0),
                    trim: Trim::Zeros,
                    pad_left: Some(self.pad_left),
                    pad_right: Some(self.pad_right),
                    exp_digits: None,
                },
            )
        }
    }
}
