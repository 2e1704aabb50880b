//! The functions an expression can call, one per scalar gate.

use std::fmt;

use backprop_gates::{Binary, Gate, Unary};

/// A function callable in an expression, such as `sigmoid(x)` or
/// `max(a, b)`.
///
/// Every function is a gate of `backprop-gates`; [`Function::gate`] says
/// which, and that gate's documentation states the derivative formula.
///
/// ```
/// use backprop_expr::Function;
///
/// assert_eq!(Function::from_name("log"), Some(Function::Ln)); // an alias
/// assert_eq!(Function::Max.arity(), 2);
/// assert_eq!(Function::Sigmoid.gate().name(), "sigmoid");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// `sigmoid(x) = 1 / (1 + e⁻ˣ)`
    Sigmoid,
    /// `exp(x) = eˣ`
    Exp,
    /// `ln(x)`, also spelled `log(x)`: the natural logarithm
    Ln,
    /// `sqrt(x) = √x`
    Sqrt,
    /// `tanh(x)`
    Tanh,
    /// `relu(x) = max(x, 0)`
    Relu,
    /// `abs(x) = |x|`
    Abs,
    /// `sin(x)`
    Sin,
    /// `cos(x)`
    Cos,
    /// `softplus(x) = ln(1 + eˣ)`
    Softplus,
    /// `recip(x) = 1 / x`
    Recip,
    /// `max(a, b)`
    Max,
    /// `min(a, b)`
    Min,
}

impl Function {
    /// Every function, in the order `--help` lists them.
    pub const ALL: [Function; 13] = [
        Function::Sigmoid,
        Function::Exp,
        Function::Ln,
        Function::Sqrt,
        Function::Tanh,
        Function::Relu,
        Function::Abs,
        Function::Sin,
        Function::Cos,
        Function::Softplus,
        Function::Recip,
        Function::Max,
        Function::Min,
    ];

    /// The function's name in expressions.
    pub fn name(self) -> &'static str {
        match self {
            Function::Sigmoid => "sigmoid",
            Function::Exp => "exp",
            Function::Ln => "ln",
            Function::Sqrt => "sqrt",
            Function::Tanh => "tanh",
            Function::Relu => "relu",
            Function::Abs => "abs",
            Function::Sin => "sin",
            Function::Cos => "cos",
            Function::Softplus => "softplus",
            Function::Recip => "recip",
            Function::Max => "max",
            Function::Min => "min",
        }
    }

    /// The function called `name` in expressions (`log` is `ln`).
    pub fn from_name(name: &str) -> Option<Function> {
        if name == "log" {
            return Some(Function::Ln);
        }
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// How many arguments it takes.
    pub fn arity(self) -> usize {
        self.gate().arity()
    }

    /// The gate that computes it and its derivative.
    pub fn gate(self) -> Gate {
        match self {
            Function::Sigmoid => Gate::Unary(Unary::Sigmoid),
            Function::Exp => Gate::Unary(Unary::Exp),
            Function::Ln => Gate::Unary(Unary::Ln),
            Function::Sqrt => Gate::Unary(Unary::Sqrt),
            Function::Tanh => Gate::Unary(Unary::Tanh),
            Function::Relu => Gate::Unary(Unary::Relu),
            Function::Abs => Gate::Unary(Unary::Abs),
            Function::Sin => Gate::Unary(Unary::Sin),
            Function::Cos => Gate::Unary(Unary::Cos),
            Function::Softplus => Gate::Unary(Unary::Softplus),
            Function::Recip => Gate::Unary(Unary::Recip),
            Function::Max => Gate::Binary(Binary::Max),
            Function::Min => Gate::Binary(Binary::Min),
        }
    }

    /// The known function whose name is closest to `name` (at most two
    /// single-character edits away), for "did you mean" hints.
    pub fn suggest(name: &str) -> Option<Function> {
        let candidates = Function::ALL
            .into_iter()
            .map(|f| (f.name(), f))
            .chain([("log", Function::Ln)]);
        candidates
            .map(|(n, f)| (edit_distance(name, n), f))
            .filter(|&(d, _)| d <= 2)
            .min_by_key(|&(d, _)| d)
            .map(|(_, f)| f)
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Levenshtein distance between two short strings (one row of the table).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use backprop_gates::Gate;

    #[test]
    fn names_round_trip() {
        for f in Function::ALL {
            assert_eq!(Function::from_name(f.name()), Some(f));
        }
        assert_eq!(Function::from_name("log"), Some(Function::Ln));
        assert_eq!(Function::from_name("Sigmoid"), None);
    }

    #[test]
    fn every_parameterless_gate_is_an_operator_or_a_function() {
        // Operators cover add/sub/mul/div/pow/neg and the constant forms
        // (add_const, mul_const, powi, powf); leaky_relu needs a constant
        // slope and has no expression syntax.
        let operators = [
            "add",
            "sub",
            "mul",
            "div",
            "pow",
            "neg",
            "add_const",
            "mul_const",
            "powi",
            "powf",
            "leaky_relu",
        ];
        for gate in Gate::catalog() {
            let name = gate.name();
            let as_function = Function::ALL.iter().any(|f| f.gate() == *gate);
            assert!(
                as_function || operators.contains(&name),
                "gate {name} has no expression syntax"
            );
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(Function::suggest("sigmod"), Some(Function::Sigmoid));
        assert_eq!(Function::suggest("sqr"), Some(Function::Sqrt));
        assert_eq!(Function::suggest("zzzzzzzz"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
