//! Unary math: every elementwise `Tensor` method with a derivative, and
//! candle-nn's `sigmoid` and friends.

use std::f64::consts::PI;

use crate::InputLayout;
use crate::audit::case::{Case, Package, Values};
use backprop_audit::Reference;
use backprop_audit::naive::elementwise as e;

/// One unary function: how it is called, its values' range, its formula.
struct Unary {
    package: Package,
    function: &'static str,
    call: &'static str,
    f: fn(&candle_core::Tensor) -> candle_core::Result<candle_core::Tensor>,
    values: Values,
    reference: fn() -> Reference,
}

/// Standard normal values, kept a little away from zero (kinks at 0).
const AWAY: Values = Values::AwayFromZero(0.05, 2.5);
/// Positive values (logarithms, roots, powers).
const POSITIVE: Values = Values::Uniform(0.3, 2.5);

fn unaries() -> Vec<Unary> {
    use candle_nn::ops as nn;
    let u = |package, function, call, f, values, reference| Unary {
        package,
        function,
        call,
        f,
        values,
        reference,
    };
    use Package::{Core, Nn};
    vec![
        u(
            Core,
            "exp",
            "exp()",
            |x| x.exp(),
            Values::Normal,
            || Reference::unary(f64::exp, f64::exp),
        ),
        u(
            Core,
            "log",
            "log()",
            |x| x.log(),
            POSITIVE,
            || Reference::unary(f64::ln, |x| 1.0 / x),
        ),
        u(
            Core,
            "sqrt",
            "sqrt()",
            |x| x.sqrt(),
            POSITIVE,
            || Reference::unary(f64::sqrt, |x| 0.5 / x.sqrt()),
        ),
        u(
            Core,
            "recip",
            "recip()",
            |x| x.recip(),
            Values::AwayFromZero(0.4, 2.5),
            || Reference::unary(|x| 1.0 / x, |x| -1.0 / (x * x)),
        ),
        u(
            Core,
            "sqr",
            "sqr()",
            |x| x.sqr(),
            Values::Normal,
            || Reference::unary(|x| x * x, |x| 2.0 * x),
        ),
        u(
            Core,
            "abs",
            "abs()",
            |x| x.abs(),
            AWAY,
            || Reference::unary(f64::abs, f64::signum),
        ),
        u(
            Core,
            "neg",
            "neg()",
            |x| x.neg(),
            Values::Normal,
            || Reference::unary(|x| -x, |_| -1.0),
        ),
        u(
            Core,
            "tanh",
            "tanh()",
            |x| x.tanh(),
            Values::Normal,
            || Reference::unary(f64::tanh, |x| 1.0 - x.tanh().powi(2)),
        ),
        u(
            Core,
            "sin",
            "sin()",
            |x| x.sin(),
            Values::Uniform(-PI, PI),
            || Reference::unary(f64::sin, f64::cos),
        ),
        u(
            Core,
            "cos",
            "cos()",
            |x| x.cos(),
            Values::Uniform(-PI, PI),
            || Reference::unary(f64::cos, |x| -x.sin()),
        ),
        u(
            Core,
            "erf",
            "erf()",
            |x| x.erf(),
            Values::Normal,
            || Reference::unary(e::erf, e::erf_d),
        ),
        u(
            Core,
            "gelu",
            "gelu()",
            |x| x.gelu(),
            Values::Normal,
            || Reference::unary(e::gelu_tanh, e::gelu_tanh_d),
        ),
        u(
            Core,
            "gelu_erf",
            "gelu_erf()",
            |x| x.gelu_erf(),
            Values::Normal,
            || Reference::unary(e::gelu_erf, e::gelu_erf_d),
        ),
        u(
            Core,
            "silu",
            "silu()",
            |x| x.silu(),
            Values::Normal,
            || Reference::unary(e::silu, e::silu_d),
        ),
        u(
            Core,
            "elu",
            "elu(alpha=1)",
            |x| x.elu(1.0),
            AWAY,
            || Reference::unary(|x| e::elu(x, 1.0), |x| e::elu_d(x, 1.0)),
        ),
        u(
            Core,
            "elu",
            "elu(alpha=0.5)",
            |x| x.elu(0.5),
            AWAY,
            || Reference::unary(|x| e::elu(x, 0.5), |x| e::elu_d(x, 0.5)),
        ),
        u(
            Core,
            "relu",
            "relu()",
            |x| x.relu(),
            AWAY,
            || Reference::unary(|x| x.max(0.0), |x| if x > 0.0 { 1.0 } else { 0.0 }),
        ),
        u(
            Core,
            "powf",
            "powf(2.5)",
            |x| x.powf(2.5),
            POSITIVE,
            || Reference::unary(|x| x.powf(2.5), |x| 2.5 * x.powf(1.5)),
        ),
        u(
            Core,
            "powf",
            "powf(-0.5)",
            |x| x.powf(-0.5),
            POSITIVE,
            || Reference::unary(|x| x.powf(-0.5), |x| -0.5 * x.powf(-1.5)),
        ),
        u(
            Core,
            "affine",
            "affine(mul=1.5, add=-0.3)",
            |x| x.affine(1.5, -0.3),
            Values::Normal,
            || Reference::unary(|x| 1.5 * x - 0.3, |_| 1.5),
        ),
        u(
            Core,
            "clamp",
            "clamp(-0.5, 0.5)",
            |x| x.clamp(-0.5, 0.5),
            Values::Normal,
            || {
                Reference::unary(
                    |x| x.clamp(-0.5, 0.5),
                    |x| if x.abs() < 0.5 { 1.0 } else { 0.0 },
                )
            },
        ),
        u(
            Core,
            "ceil",
            "ceil()",
            |x| x.ceil(),
            Values::Uniform(-2.4, 2.4),
            || Reference::unary(f64::ceil, |_| 0.0),
        ),
        u(
            Core,
            "floor",
            "floor()",
            |x| x.floor(),
            Values::Uniform(-2.4, 2.4),
            || Reference::unary(f64::floor, |_| 0.0),
        ),
        u(
            Core,
            "round",
            "round()",
            |x| x.round(),
            Values::Uniform(-2.4, 2.4),
            || Reference::unary(f64::round, |_| 0.0),
        ),
        u(
            Nn,
            "ops::sigmoid",
            "candle_nn::ops::sigmoid()",
            nn::sigmoid,
            Values::Normal,
            || Reference::unary(e::sigmoid, e::sigmoid_d),
        ),
        u(
            Nn,
            "ops::silu",
            "candle_nn::ops::silu()",
            nn::silu,
            Values::Normal,
            || Reference::unary(e::silu, e::silu_d),
        ),
        u(
            Nn,
            "ops::leaky_relu",
            "candle_nn::ops::leaky_relu(0.1)",
            |x| nn::leaky_relu(x, 0.1),
            AWAY,
            || {
                Reference::unary(
                    |x| if x > 0.0 { x } else { 0.1 * x },
                    |x| if x > 0.0 { 1.0 } else { 0.1 },
                )
            },
        ),
    ]
}

/// Each unary function on a contiguous matrix, a transposed one, a strided
/// 3-D tensor, and with its input used again after it (fan-out).
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for u in unaries() {
        let f = u.f;
        let base =
            Case::new(u.package, u.function, u.call, move |t| f(&t[0])).reference((u.reference)());
        cases.push(base.clone().input("x", &[3, 4], u.values));
        cases.push(
            base.clone()
                .input("x", &[3, 4], u.values)
                .layout(InputLayout::Transposed),
        );
        cases.push(
            base.clone()
                .input("x", &[2, 3, 2], u.values)
                .layout(InputLayout::Strided),
        );
        cases.push(base.input("x", &[2, 3], u.values).fan_out());
    }
    cases
}
