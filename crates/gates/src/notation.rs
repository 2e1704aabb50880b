//! How a gate applied to its operands is written, the way the expression
//! language (and the notebook) writes it: `x + [1]`, `[4]^2`, `sigmoid(y)`.

use crate::{Binary, Gate, Unary};

impl Gate {
    /// The gate applied to `operands`, written as the expression language
    /// would: infix for `+ - * / ^`, a constant parameter in place
    /// (`x - 1.0`, `2.0 * x`, `x^2`, `leaky_relu(x, 0.01)`), a function
    /// call otherwise. Numbers
    /// print as Rust's `{:?}` (shortest round-trip digits). A missing
    /// operand prints as `?`.
    ///
    /// ```
    /// use backprop_gates::{Binary, Gate, Unary};
    ///
    /// assert_eq!(Gate::Unary(Unary::Powi(2)).formula(&["[4]"]), "[4]^2");
    /// assert_eq!(Gate::Unary(Unary::AddConst(-1.0)).formula(&["x"]), "x - 1.0");
    /// assert_eq!(Gate::Binary(Binary::Div).formula(&["num", "den"]), "num / den");
    /// assert_eq!(Gate::Binary(Binary::Max).formula(&["x", "2.0"]), "max(x, 2.0)");
    /// ```
    pub fn formula(self, operands: &[&str]) -> String {
        let a = operands.first().copied().unwrap_or("?");
        let b = operands.get(1).copied().unwrap_or("?");
        match self {
            Gate::Unary(u) => match u {
                Unary::Neg => format!("-{a}"),
                Unary::AddConst(c) if c < 0.0 => format!("{a} - {:?}", -c),
                Unary::AddConst(c) => format!("{a} + {c:?}"),
                Unary::MulConst(c) => format!("{c:?} * {a}"),
                Unary::Powi(n) => format!("{a}^{n}"),
                Unary::Powf(c) => format!("{a}^{c:?}"),
                Unary::LeakyRelu(slope) => format!("leaky_relu({a}, {slope:?})"),
                other => format!("{}({a})", other.name()),
            },
            Gate::Binary(g) => match g {
                Binary::Add => format!("{a} + {b}"),
                Binary::Sub => format!("{a} - {b}"),
                Binary::Mul => format!("{a} * {b}"),
                Binary::Div => format!("{a} / {b}"),
                Binary::Pow => format!("{a}^{b}"),
                other => format!("{}({a}, {b})", other.name()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gate_names_each_operand_once() {
        for &gate in Gate::catalog() {
            let text = gate.formula(&["A", "B"]);
            assert_eq!(text.matches('A').count(), 1, "{text}");
            let expected_b = usize::from(gate.arity() == 2);
            assert_eq!(text.matches('B').count(), expected_b, "{text}");
        }
    }

    #[test]
    fn parameters_are_written_in_place() {
        assert_eq!(
            Gate::Unary(Unary::LeakyRelu(0.01)).formula(&["x"]),
            "leaky_relu(x, 0.01)"
        );
        assert_eq!(Gate::Unary(Unary::MulConst(2.0)).formula(&["x"]), "2.0 * x");
        assert_eq!(Gate::Unary(Unary::Powf(0.5)).formula(&["x"]), "x^0.5");
        assert_eq!(Gate::Unary(Unary::Neg).formula(&[]), "-?");
    }
}
