//! `backprop grad`: the value and every variable's gradient.

use backprop_expr::Naming;
use backprop_graph::Graph;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::args::Input;
use crate::input::{Prepared, non_finite_warnings, number};
use crate::output::Output;
use crate::report::Failure;

/// `{"value": V, "grad": {"x": GX, ...}}`.
#[derive(Serialize)]
struct Json<'a> {
    value: Option<f64>,
    grad: Ordered<'a>,
}

/// Gradients as a JSON object in order of first appearance (serde_json's
/// own map would sort the keys).
struct Ordered<'a>(Vec<(&'a str, Option<f64>)>);

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// JSON has no NaN or infinity: those become `null`.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Runs `grad`.
pub fn run(input: &Input, json: bool) -> Result<Output, Failure> {
    let prepared = Prepared::new(input)?;
    let graph = Graph::with_capacity(prepared.expr.nodes().len());
    let eval = prepared.evaluate(&graph, Naming::VariablesOnly)?;
    let value = eval.value();
    let grads = eval.gradients();
    let names = prepared.expr.variables().iter().map(|v| v.name.as_str());
    let stdout = if json {
        let object = Json {
            value: finite(value),
            grad: Ordered(names.zip(grads.iter().map(|&g| finite(g))).collect()),
        };
        let mut text = serde_json::to_string(&object).expect("plain numbers and strings serialize");
        text.push('\n');
        text
    } else {
        let mut text = format!("f = {}\n", number(value));
        for (name, g) in names.zip(&grads) {
            text.push_str(&format!("df/d{name} = {}\n", number(*g)));
        }
        text
    };
    Ok(Output {
        stdout,
        stderr: non_finite_warnings(&eval),
        status: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_key_order_and_writes_null_for_non_finite() {
        let object = Json {
            value: finite(f64::NAN),
            grad: Ordered(vec![("z", Some(-4.0)), ("a", finite(f64::INFINITY))]),
        };
        assert_eq!(
            serde_json::to_string(&object).unwrap(),
            r#"{"value":null,"grad":{"z":-4.0,"a":null}}"#
        );
    }
}
