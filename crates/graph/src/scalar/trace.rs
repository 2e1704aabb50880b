//! The staged backward pass, as the notebook prints it: each node's local
//! derivatives, its upstream gradient, and what it sends to each input.

use std::fmt;

use backprop_gates::Gate;

use super::{Gradients, Graph};
use crate::engine::{NodeId, Observer, Tape};
use crate::scalar::op::ScalarOp;

/// One backward step: a node passing its gradient on to its inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The node sending.
    pub node: NodeId,
    /// Its name, or `#index`.
    pub label: String,
    /// The gate that produced it.
    pub gate: Gate,
    /// Its forward value.
    pub value: f64,
    /// `d output / d node`, complete when the step runs.
    pub upstream: f64,
    /// What goes to each differentiable input, in input order.
    pub sends: Vec<Contribution>,
}

/// What one step sends to one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The input receiving.
    pub to: NodeId,
    /// Its name, or `#index`.
    pub label: String,
    /// The local derivative `∂node/∂input`.
    pub local: f64,
    /// `local · upstream`, added to the input's gradient.
    pub sent: f64,
}

/// A whole staged backward pass and the gradients it produced.
///
/// Its `Display` prints one block per step, in backward order.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The node backward started from.
    pub output: NodeId,
    /// Its name, or `#index`.
    pub output_label: String,
    /// Its value.
    pub output_value: f64,
    /// Steps in the order they ran (reverse creation order).
    pub steps: Vec<Step>,
    /// The resulting gradients (the same as [`Graph::backward`] gives).
    pub gradients: Gradients,
}

/// Builds one [`Step`] at a time and hands each to `each` when it is
/// complete, so a trace of any length needs memory for one step only.
struct Recorder<'a, F: FnMut(&Step)> {
    graph: &'a Graph,
    tape: &'a Tape<ScalarOp>,
    current: Option<Step>,
    each: F,
}

impl<F: FnMut(&Step)> Recorder<'_, F> {
    fn finish_step(&mut self) {
        if let Some(step) = self.current.take() {
            (self.each)(&step);
        }
    }
}

impl<F: FnMut(&Step)> Observer<f64> for Recorder<'_, F> {
    fn visit(&mut self, node: NodeId, upstream: &f64) {
        self.finish_step();
        let values = self.tape.values();
        if let Some(gate) = self.tape.op(node).gate(values) {
            self.current = Some(Step {
                node,
                label: self.graph.label(node),
                gate,
                value: values[node.index()],
                upstream: *upstream,
                sends: Vec::with_capacity(2),
            });
        }
    }

    fn contribution(&mut self, from: NodeId, to: NodeId, sent: &f64) {
        let (locals, n) = self
            .tape
            .op(from)
            .local_derivatives(from, self.tape.values());
        let label = self.graph.label(to);
        let step = self
            .current
            .as_mut()
            .expect("a node with a gate was visited before it sends");
        let local = locals[..n][step.sends.len()].1;
        step.sends.push(Contribution {
            to,
            label,
            local,
            sent: *sent,
        });
    }
}

/// Runs the backward pass of `output`, calling `each` with every step in
/// the order they run, and returns the gradients.
pub(crate) fn stream(graph: &Graph, output: NodeId, each: impl FnMut(&Step)) -> Gradients {
    let tape = graph.tape();
    let mut recorder = Recorder {
        graph,
        tape: &tape,
        current: None,
        each,
    };
    let gradients = Gradients(tape.backward_observed(output, 1.0, &mut recorder));
    recorder.finish_step();
    gradients
}

pub(crate) fn record(graph: &Graph, output: NodeId) -> Trace {
    let mut steps = Vec::new();
    let gradients = stream(graph, output, |step| steps.push(step.clone()));
    Trace {
        output,
        output_label: graph.label(output),
        output_value: *graph.tape().value(output),
        steps,
        gradients,
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "backward from {} = {:?}",
            self.output_label, self.output_value
        )?;
        for step in &self.steps {
            let inputs: Vec<&str> = step.sends.iter().map(|c| c.label.as_str()).collect();
            writeln!(
                f,
                "{} = {}({}) = {:?}; upstream d/d{} = {:?}",
                step.label,
                step.gate,
                inputs.join(", "),
                step.value,
                step.label,
                step.upstream
            )?;
            for c in &step.sends {
                writeln!(
                    f,
                    "  to {}: local {:?} x upstream = {:?}",
                    c.label, c.local, c.sent
                )?;
            }
        }
        Ok(())
    }
}
