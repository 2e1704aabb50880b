//! The command line: commands, arguments and their `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// What `backprop --help` shows after the commands.
const LANGUAGE: &str = "\
Expressions:
  numbers      3  -4  2.5  1e-3  .5
  variables    x  w0  x_1   (a letter or _, then letters, digits, _)
  operators    + - * /   ^ or ** (power)   unary -   ( )
  functions    sigmoid exp ln log sqrt tanh relu abs sin cos softplus recip
               max(a, b)  min(a, b)
  precedence   as in Python: ^ binds tighter than unary minus (-x^2 = -(x^2))
               and is right-associative (2^3^2 = 2^9)

Values: NAME=VALUE arguments after the expression (x=3 y=-4), or --at x=3,y=-4.
An EXPR of - reads the expression from standard input.

Exit status: 0 success, 1 `check` found a wrong gradient, 2 bad input
(expression, values or arguments), 3 a file could not be read or written.

Examples:
  backprop grad '(x + y) * z' x=-2 y=5 z=-4
  backprop grad --json 'sigmoid(w0*x0 + w1*x1 + w2)' --at w0=2,w1=-3,w2=-3,x0=-1,x1=-2
  backprop explain '(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)' x=3 y=-4 --svg circuit.svg
  backprop check 'x * ln(y) + max(x, y)^2' x=1.5 y=2
  echo 'x^2 + y^2' | backprop grad - x=1 y=2";

/// Value and gradients of any expression, its backward pass explained
/// stage by stage as in the lecture notebook, circuit diagrams, and a
/// finite-difference check of the gradients.
#[derive(Debug, Parser)]
#[command(name = "backprop", version, after_long_help = LANGUAGE, after_help = LANGUAGE)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the value and the gradient with respect to every variable.
    #[command(after_help = "\
Examples:
  backprop grad '(x + y) * z' x=-2 y=5 z=-4
      f = -12.0
      df/dx = -4.0
      df/dy = -4.0
      df/dz = 3.0
  backprop grad --json '(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)' --at x=3,y=-4
      {\"value\":1.5456448841066441,\"grad\":{\"x\":2.0595697955721652,\"y\":1.5922327514838093}}
  echo 'x^2 + y^2' | backprop grad - x=1 y=2")]
    Grad {
        /// Expression and values.
        #[command(flatten)]
        input: Input,
        /// Print exactly one JSON object, {"value": V, "grad": {"x": GX, ...}}:
        /// shortest round-trip numbers, null for NaN or infinity, variables in
        /// order of first appearance.
        #[arg(long)]
        json: bool,
    },
    /// Show the forward pass stage by stage, then the backward pass: each
    /// stage's local derivative, upstream gradient and what it sends to each
    /// input, ending with the gradients.
    #[command(after_help = "\
Examples:
  backprop explain '(x + y) * z' x=-2 y=5 z=-4
  backprop explain '(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)' x=3 y=-4 --dot f.dot --svg f.svg
  dot -Tpng f.dot -o f.png      # the DOT file needs Graphviz; the SVG does not
  backprop explain '(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)' x=3 y=-4 --html f.html
                                # open f.html in a browser; f.html#step=9 links step 9")]
    Explain {
        /// Expression and values.
        #[command(flatten)]
        input: Input,
        /// Also write the circuit diagram, with values and gradients, as
        /// Graphviz DOT to FILE.
        #[arg(long, value_name = "FILE")]
        dot: Option<PathBuf>,
        /// Also write the circuit diagram, with values and gradients, as SVG
        /// to FILE (drawn without any external program).
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// Also write a self-contained HTML page to FILE that steps through
        /// the forward and backward pass on the circuit (buttons or arrow
        /// keys; #step=N links a step; nothing is fetched).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Check the backpropagated gradients against central finite
    /// differences (backprop-gradcheck) and print a verdict per variable.
    /// Exit status 0 if every variable passes (or sits on a kink, such as
    /// relu at 0, where no derivative exists), 1 otherwise.
    #[command(after_help = "\
Examples:
  backprop check '(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)' x=3 y=-4
  backprop check 'relu(x) * y' x=0 y=2          # kink: relu has no derivative at 0
  backprop check 'x^3' x=2 --rtol 1e-9")]
    Check {
        /// Expression and values.
        #[command(flatten)]
        input: Input,
        /// Relative tolerance (default: backprop-gradcheck's for f64).
        #[arg(long, value_name = "RTOL", allow_negative_numbers = true)]
        rtol: Option<f64>,
        /// Absolute tolerance (default: backprop-gradcheck's for f64).
        #[arg(long, value_name = "ATOL", allow_negative_numbers = true)]
        atol: Option<f64>,
    },
}

/// The expression and the values of its variables.
#[derive(Debug, Args)]
pub struct Input {
    /// The expression, quoted, e.g. '(x + y) * z'; `-` reads it from
    /// standard input.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// Values of the variables: x=3 y=-4 (commas also work: x=3,y=-4).
    #[arg(value_name = "NAME=VALUE")]
    pub values: Vec<String>,
    /// Values of the variables, comma-separated: --at x=3,y=-4 (may be
    /// repeated).
    #[arg(long = "at", value_name = "NAME=VALUE,...")]
    pub at: Vec<String>,
}
