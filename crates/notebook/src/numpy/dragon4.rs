//! NumPy's float-to-decimal conversion (its Dragon4, `dragon4.c`), ported
//! rule for rule: `format_float_positional` and `format_float_scientific`
//! for finite `f64` values.
//!
//! NumPy does not print floats with the C library or with Python's `repr`;
//! it runs its own Dragon4 (Steele & White, Burger & Dybvig) on exact big
//! integers, with two knobs that decide every digit of `str(ndarray)`:
//!
//! - *unique* digit generation stops at the first digit that tells the value
//!   apart from its neighbours (inclusive margins when the mantissa is even,
//!   as IEEE round-half-even reads them back), but never after the *cutoff*
//!   digit (`precision` digits after the point, or in total), and never
//!   before the *minimum* digit;
//! - the last digit is then rounded: down if only the lower neighbour's
//!   margin was reached, up if only the upper one's, otherwise by comparing
//!   the exact remainder with one half, ties to the even digit.
//!
//! Everything here is exact arithmetic on `BigUint`; no step rounds.

use std::cmp::Ordering;

use num_bigint::BigUint;

/// How `cutoff_max` / `cutoff_min` count digits (`CutoffMode` in NumPy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cutoff {
    /// Digits in total, from the first significant one (scientific).
    Total,
    /// Digits after the decimal point (positional, `fractional=True`).
    Fraction,
}

/// What happens to trailing zeros and the decimal point (`trim=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trim {
    /// `'k'`: keep trailing zeros and the point.
    Keep,
    /// `'.'`: drop trailing zeros, keep the point (`1.`).
    Zeros,
}

/// The options NumPy's Python layer passes down (`Dragon4_Options`), for
/// unique digit generation (the only mode `str(ndarray)` uses by default).
/// `None` stands for NumPy's `-1` ("not given").
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Cut off after this many digits.
    pub precision: Option<u32>,
    /// Print at least this many digits.
    pub min_digits: Option<u32>,
    /// Trailing-zero trimming.
    pub trim: Trim,
    /// Pad with spaces on the left until this many characters stand left of
    /// the decimal point (sign included).
    pub pad_left: Option<usize>,
    /// Positional only: pad with spaces on the right until this many
    /// characters stand right of the decimal point.
    pub pad_right: Option<usize>,
    /// Scientific only: at least this many exponent digits (default 2).
    pub exp_digits: Option<usize>,
}

/// A finite `f64` as NumPy's Dragon4 sees it: `mantissa · 2^exponent`.
struct Decoded {
    negative: bool,
    mantissa: u64,
    exponent: i32,
    /// Index of the highest set bit of `mantissa`.
    mantissa_bit: u32,
    /// At a power of two the gap to the next float below is half the gap
    /// above, so the low margin is half the high one.
    unequal_margins: bool,
}

fn decode(x: f64) -> Decoded {
    let bits = x.to_bits();
    let fraction = bits & ((1 << 52) - 1);
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let negative = bits >> 63 == 1;
    if biased != 0 {
        Decoded {
            negative,
            mantissa: (1 << 52) | fraction,
            exponent: biased - 1023 - 52,
            mantissa_bit: 52,
            unequal_margins: biased != 1 && fraction == 0,
        }
    } else {
        Decoded {
            negative,
            mantissa: fraction,
            exponent: 1 - 1023 - 52,
            mantissa_bit: fraction.checked_ilog2().unwrap_or(0),
            unequal_margins: false,
        }
    }
}

/// NumPy's output buffer size, which bounds the digit count when no cutoff
/// is given (never reached by unique generation of an `f64`).
const BUFFER_SIZE: i32 = 16384;

/// Dragon4 proper: the decimal digits of `mantissa · 2^exponent` and the
/// decimal exponent of the first one, in unique mode with the given cutoffs.
fn dragon4(
    v: &Decoded,
    cutoff: Cutoff,
    cutoff_max: Option<u32>,
    cutoff_min: Option<u32>,
) -> (Vec<u8>, i32) {
    if v.mantissa == 0 {
        return (vec![0], 0);
    }
    let is_even = v.mantissa.is_multiple_of(2);
    let pow2 = |e: i32| BigUint::from(1u8) << e as u32;
    // value = scaled_value / scale; margins are half the gaps to the
    // neighbouring floats, on the same scale. The high margin is twice the
    // low one at a power of two, else equal.
    let (mut scaled_value, mut scale, mut margin_low) = match (v.unequal_margins, v.exponent > 0) {
        (true, true) => (
            BigUint::from(v.mantissa) << (v.exponent + 2) as u32,
            BigUint::from(4u8),
            pow2(v.exponent),
        ),
        (true, false) => (
            BigUint::from(v.mantissa) << 2u32,
            pow2(-v.exponent + 2),
            BigUint::from(1u8),
        ),
        (false, true) => (
            BigUint::from(v.mantissa) << (v.exponent + 1) as u32,
            BigUint::from(2u8),
            pow2(v.exponent),
        ),
        (false, false) => (
            BigUint::from(v.mantissa) << 1u32,
            pow2(-v.exponent + 1),
            BigUint::from(1u8),
        ),
    };
    let high_factor: u32 = if v.unequal_margins { 2 } else { 1 };

    // NumPy's estimate of floor(log10(v)) + 1: correct or one too low.
    let log10_2 = std::f64::consts::LOG10_2;
    let mut digit_exponent =
        ((f64::from(v.mantissa_bit as i32 + v.exponent)) * log10_2 - 0.69).ceil() as i32;
    // Below the fractional cutoff: start at the cutoff digit, which then
    // rounds the whole value.
    if let (Some(max), Cutoff::Fraction) = (cutoff_max, cutoff)
        && digit_exponent <= -(max as i32)
    {
        digit_exponent = -(max as i32) + 1;
    }
    let ten = BigUint::from(10u8);
    if digit_exponent > 0 {
        scale *= ten.pow(digit_exponent as u32);
    } else if digit_exponent < 0 {
        let p = ten.pow((-digit_exponent) as u32);
        scaled_value *= &p;
        margin_low *= &p;
    }
    if scaled_value >= scale {
        digit_exponent += 1;
    } else {
        scaled_value *= 10u32;
        margin_low *= 10u32;
    }

    let mut cutoff_max_exponent = digit_exponent - BUFFER_SIZE;
    if let Some(max) = cutoff_max {
        let desired = match cutoff {
            Cutoff::Total => digit_exponent - max as i32,
            Cutoff::Fraction => -(max as i32),
        };
        cutoff_max_exponent = cutoff_max_exponent.max(desired);
    }
    let mut cutoff_min_exponent = digit_exponent;
    if let Some(min) = cutoff_min {
        let desired = match cutoff {
            Cutoff::Total => digit_exponent - min as i32,
            Cutoff::Fraction => -(min as i32),
        };
        cutoff_min_exponent = cutoff_min_exponent.min(desired);
    }
    let mut print_exponent = digit_exponent - 1;

    let mut digits = Vec::new();
    let (digit, low, high) = loop {
        digit_exponent -= 1;
        let digit = (&scaled_value / &scale)
            .to_u32_digits()
            .first()
            .copied()
            .unwrap_or(0) as u8;
        debug_assert!(digit < 10);
        scaled_value %= &scale;
        let value_high = &scaled_value + &margin_low * high_factor;
        let low = match scaled_value.cmp(&margin_low) {
            Ordering::Less => true,
            Ordering::Equal => is_even,
            Ordering::Greater => false,
        };
        let high = match value_high.cmp(&scale) {
            Ordering::Greater => true,
            Ordering::Equal => is_even,
            Ordering::Less => false,
        };
        if ((low || high) && digit_exponent <= cutoff_min_exponent)
            || digit_exponent == cutoff_max_exponent
        {
            break (digit, low, high);
        }
        digits.push(digit);
        scaled_value *= 10u32;
        margin_low *= 10u32;
    };

    // Round the last digit: down if only the low margin was reached, up if
    // only the high one; otherwise to nearest by the exact remainder, ties
    // to the even digit.
    let round_down = if low == high {
        match (&scaled_value << 1u32).cmp(&scale) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => digit % 2 == 0,
        }
    } else {
        low
    };
    if round_down {
        digits.push(digit);
    } else if digit == 9 {
        while digits.last() == Some(&9) {
            digits.pop();
        }
        match digits.last_mut() {
            Some(d) => *d += 1,
            None => {
                digits.push(1);
                print_exponent += 1;
            }
        }
    } else {
        digits.push(digit + 1);
    }
    (digits, print_exponent)
}

/// The shortest digits that identify a finite `x` among all `f64`s (when
/// read back with round-half-even), the nearest such digits to `x`, and the
/// decimal exponent of the first: `|x| ≈ 0.d₁d₂… × 10^(exponent + 1)`.
/// These are the digits of Python's `repr(x)`, and of NumPy's
/// `format_float_scientific(x)` with no precision.
pub(crate) fn shortest_digits(x: f64) -> (Vec<u8>, i32) {
    debug_assert!(x.is_finite());
    dragon4(&decode(x), Cutoff::Total, None, None)
}

fn push_digits(out: &mut String, digits: &[u8]) {
    out.extend(digits.iter().map(|d| char::from(b'0' + d)));
}

/// Drops trailing zeros after the decimal point (never the point itself).
fn trim_zeros(out: &mut String, fraction_digits: &mut usize) {
    while *fraction_digits > 0 && out.ends_with('0') {
        out.pop();
        *fraction_digits -= 1;
    }
}

/// `np.format_float_positional(x, unique=True, fractional=True, ...)` for a
/// finite `x` (`FormatPositional` in `dragon4.c`).
pub(crate) fn positional(x: f64, opts: &Options) -> String {
    debug_assert!(x.is_finite());
    let v = decode(x);
    let (digits, print_exponent) = dragon4(&v, Cutoff::Fraction, opts.precision, opts.min_digits);
    let mut out = String::new();
    let has_sign = usize::from(v.negative);
    if v.negative {
        out.push('-');
    }
    let (whole_digits, mut fraction_digits);
    if print_exponent >= 0 {
        whole_digits = print_exponent as usize + 1;
        if digits.len() <= whole_digits {
            push_digits(&mut out, &digits);
            out.extend(std::iter::repeat_n('0', whole_digits - digits.len()));
            fraction_digits = 0;
        } else {
            push_digits(&mut out, &digits[..whole_digits]);
            out.push('.');
            push_digits(&mut out, &digits[whole_digits..]);
            fraction_digits = digits.len() - whole_digits;
        }
    } else {
        let zeros = (-(print_exponent + 1)) as usize;
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', zeros));
        push_digits(&mut out, &digits);
        whole_digits = 1;
        fraction_digits = zeros + digits.len();
    }
    if fraction_digits == 0 {
        out.push('.');
    }
    let wanted = opts.min_digits.unwrap_or(0) as usize;
    match opts.trim {
        Trim::Keep if wanted > fraction_digits => {
            out.extend(std::iter::repeat_n('0', wanted - fraction_digits));
            fraction_digits = wanted;
        }
        Trim::Keep => {}
        Trim::Zeros => trim_zeros(&mut out, &mut fraction_digits),
    }
    if let Some(right) = opts.pad_right
        && right >= fraction_digits
    {
        out.extend(std::iter::repeat_n(' ', right - fraction_digits));
    }
    if let Some(left) = opts.pad_left
        && left > whole_digits + has_sign
    {
        out.insert_str(0, &" ".repeat(left - whole_digits - has_sign));
    }
    out
}

/// `np.format_float_scientific(x, unique=True, ...)` for a finite `x`
/// (`FormatScientific` in `dragon4.c`).
pub(crate) fn scientific(x: f64, opts: &Options) -> String {
    debug_assert!(x.is_finite());
    let v = decode(x);
    let mut out = String::new();
    let left_chars = 1 + usize::from(v.negative);
    if let Some(left) = opts.pad_left
        && left > left_chars
    {
        out.extend(std::iter::repeat_n(' ', left - left_chars));
    }
    if v.negative {
        out.push('-');
    }
    let (digits, print_exponent) = dragon4(
        &v,
        Cutoff::Total,
        opts.precision.map(|p| p + 1),
        opts.min_digits.map(|m| m + 1),
    );
    push_digits(&mut out, &digits[..1]);
    let mut fraction_digits = digits.len() - 1;
    out.push('.');
    push_digits(&mut out, &digits[1..]);
    let wanted = opts.min_digits.unwrap_or(0) as usize;
    match opts.trim {
        Trim::Keep if wanted > fraction_digits => {
            out.extend(std::iter::repeat_n('0', wanted - fraction_digits));
        }
        Trim::Keep => {}
        Trim::Zeros => trim_zeros(&mut out, &mut fraction_digits),
    }
    let exp_digits = opts.exp_digits.unwrap_or(2).min(5);
    let sign = if print_exponent < 0 { '-' } else { '+' };
    let magnitude = print_exponent.unsigned_abs();
    out.push_str(&format!("e{sign}{magnitude:0exp_digits$}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(x: f64, precision: Option<u32>) -> String {
        positional(
            x,
            &Options {
                precision,
                min_digits: None,
                trim: Trim::Zeros,
                pad_left: None,
                pad_right: None,
                exp_digits: None,
            },
        )
    }

    fn sci(x: f64, precision: Option<u32>) -> String {
        scientific(
            x,
            &Options {
                precision,
                min_digits: None,
                trim: Trim::Zeros,
                pad_left: None,
                pad_right: None,
                exp_digits: None,
            },
        )
    }

    fn opts(
        precision: Option<u32>,
        min_digits: Option<u32>,
        trim: Trim,
        pad_left: Option<usize>,
        pad_right: Option<usize>,
        exp_digits: Option<usize>,
    ) -> Options {
        Options {
            precision,
            min_digits,
            trim,
            pad_left,
            pad_right,
            exp_digits,
        }
    }

    /// Every value of a table NumPy printed
    /// (`tests/data/gen_numpy_float_scalars.py`), in the five ways the
    /// generator documents.
    #[test]
    fn matches_numpy_format_float_table() {
        let table = include_str!("../../tests/data/numpy_float_scalars.txt");
        let mut checked = 0;
        for line in table.lines().filter(|l| !l.starts_with('#')) {
            let (hex, rest) = line.split_once(' ').expect("`bits fields`");
            let x = f64::from_bits(u64::from_str_radix(hex, 16).expect("hex bits"));
            let expected: Vec<&str> = rest.split('|').collect();
            let ours = [
                scientific(x, &opts(None, None, Trim::Zeros, None, None, None)),
                positional(x, &opts(Some(8), None, Trim::Zeros, None, None, None)),
                scientific(x, &opts(Some(8), None, Trim::Zeros, None, None, None)),
                positional(
                    x,
                    &opts(Some(8), Some(0), Trim::Zeros, Some(3), Some(9), None),
                ),
                scientific(
                    x,
                    &opts(Some(5), Some(5), Trim::Keep, Some(2), None, Some(3)),
                ),
            ];
            assert_eq!(ours.as_slice(), expected.as_slice(), "bits {hex}");
            checked += 1;
        }
        assert!(checked > 1000, "only {checked} rows");
    }

    // Expected strings: NumPy 2.4's np.format_float_positional /
    // np.format_float_scientific with the same arguments.
    #[test]
    fn shortest_digits_without_cutoff() {
        assert_eq!(pos(0.1, None), "0.1");
        assert_eq!(pos(0.3 + 0.0, None), "0.3");
        assert_eq!(pos(1e23, None), "100000000000000000000000.");
        assert_eq!(pos(-0.0, None), "-0.");
        assert_eq!(sci(1e23, None), "1.e+23");
        assert_eq!(sci(5e-324, None), "5.e-324");
    }

    #[test]
    fn cutoff_rounds_the_exact_value() {
        assert_eq!(pos(0.999999999, Some(8)), "1.");
        assert_eq!(pos(1.0 / 3.0, Some(8)), "0.33333333");
        assert_eq!(pos(6e-9, Some(8)), "0.00000001");
        assert_eq!(pos(4e-9, Some(8)), "0.");
        assert_eq!(sci(123456789.0, Some(3)), "1.235e+08");
    }
}
