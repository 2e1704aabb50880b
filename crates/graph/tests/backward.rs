//! Wiring and backprop behaviour of scalar graphs. Each test states the
//! formula its expected numbers come from.

use backprop_graph::Graph;

#[test]
fn chain_rule_cell() {
    // f = (x + y)·z: df/dx = df/dy = z = -4, df/dz = x + y = 3
    let g = Graph::new();
    let (x, y, z) = (g.var(-2.0), g.var(5.0), g.var(-4.0));
    let f = (x + y) * z;
    let d = g.backward(f);
    assert_eq!((f.value(), d[x], d[y], d[z]), (-12.0, -4.0, -4.0, 3.0));
}

#[test]
fn fan_out_accumulates() {
    // b = a + a, c = b + b = 4a: dc/da = 4, dc/db = 2
    let g = Graph::new();
    let a = g.var(1.5);
    let b = a + a;
    let c = b + b;
    let d = g.backward(c);
    assert_eq!((d[a], d[b], d[c]), (4.0, 2.0, 1.0));
}

#[test]
fn reused_non_leaf_value_gets_every_path() {
    // micrograd #2: u = x·y used three times, f = u·u + u
    // df/du = 2u + 1, df/dx = (2u + 1)·y, df/dy = (2u + 1)·x
    let g = Graph::new();
    let (x, y) = (g.var(3.0), g.var(-2.0));
    let u = x * y; // -6
    let f = u * u + u;
    let d = g.backward(f);
    assert_eq!(f.value(), 30.0);
    assert_eq!(d[u], -11.0);
    assert_eq!((d[x], d[y]), (22.0, -33.0));
}

#[test]
fn backward_twice_gives_the_same_answer() {
    // f = x·x·x: df/dx = 3x² = 12 at x = 2, every time
    let g = Graph::new();
    let x = g.var(2.0);
    let f = x * x * x;
    let first = g.backward(f);
    let second = g.backward(f);
    assert_eq!(first[x], 12.0);
    assert_eq!(second[x], 12.0);
}

#[test]
fn gradient_of_an_intermediate_node() {
    // q = x + y, f = q·z: backward from q gives dq/dx = dq/dy = 1, and z
    // (which q does not depend on) gets 0; later nodes are not reached
    let g = Graph::new();
    let (x, y, z) = (g.var(-2.0), g.var(5.0), g.var(-4.0));
    let q = x + y;
    let f = q * z;
    let d = g.backward(q);
    assert_eq!((d[x], d[y], d[q]), (1.0, 1.0, 1.0));
    assert_eq!((d[z], d[f]), (0.0, 0.0));
    assert!(!d.reached(z.id()) && !d.reached(f.id()));
}

#[test]
fn nodes_off_the_path_do_not_poison_gradients() {
    // ln(0) = -inf with derivative inf is recorded but not used: f = 2x
    // must still give df/dx = 2, not NaN from 0·inf
    let g = Graph::new();
    let x = g.var(0.0);
    let _unused = x.ln();
    let f = x * 2.0;
    assert_eq!(g.backward(f)[x], 2.0);
}

#[test]
fn constants_mix_on_either_side() {
    // f = 1 + 2x - x/4 + 3/x - (5 - x): df/dx = 2 - 1/4 - 3/x² + 1 at x = 2
    let g = Graph::new();
    let x = g.var(2.0);
    let f = 1.0 + 2.0 * x - x / 4.0 + 3.0 / x - (5.0 - x);
    assert_eq!(f.value(), 1.0 + 4.0 - 0.5 + 1.5 - 3.0);
    assert_eq!(g.backward(f)[x], 2.0 - 0.25 - 0.75 + 1.0);
}

#[test]
fn method_gates_apply_their_rules() {
    // f = relu(x)·softplus(x) + max(x, y) + powf(x, 1.5) at x = 4, y = 1:
    // df/dx = softplus(4) + σ(4)·4 + 1 + 1.5·√4, df/dy = 0
    let g = Graph::new();
    let (x, y) = (g.var(4.0), g.var(1.0));
    let f = x.relu() * x.softplus() + x.max(y) + x.powf(1.5);
    let d = g.backward(f);
    let sp = (1.0 + 4.0_f64.exp()).ln();
    let sig = 1.0 / (1.0 + (-4.0_f64).exp());
    assert!((d[x] - (sp + sig * 4.0 + 1.0 + 3.0)).abs() < 1e-12);
    assert_eq!(d[y], 0.0);
}

#[test]
fn trace_lists_each_step_with_locals_and_contributions() {
    // f = q·z with q = x + y: the first step is f's mul, sending
    // local z = -4 to q and local q = 3 to z
    let g = Graph::new();
    let (x, y, z) = (g.named("x", -2.0), g.named("y", 5.0), g.named("z", -4.0));
    let q = (x + y).named("q");
    let f = (q * z).named("f");
    let t = g.trace(f);
    assert_eq!(t.steps.len(), 2);
    let mul = &t.steps[0];
    assert_eq!(
        (mul.label.as_str(), mul.gate.name(), mul.upstream),
        ("f", "mul", 1.0)
    );
    let sends: Vec<(&str, f64, f64)> = mul
        .sends
        .iter()
        .map(|c| (c.label.as_str(), c.local, c.sent))
        .collect();
    assert_eq!(sends, vec![("q", -4.0, -4.0), ("z", 3.0, 3.0)]);
    let add = &t.steps[1];
    assert_eq!((add.label.as_str(), add.upstream), ("q", -4.0));
    assert_eq!(add.sends[0].sent, -4.0);
    assert_eq!(t.gradients[x], -4.0);
    let text = t.to_string();
    assert!(text.contains("f = mul(q, z)"), "{text}");
    assert!(text.contains("to z: local 3.0 x upstream = 3.0"), "{text}");
}

#[test]
fn dot_export_shows_values_and_gradients() {
    let g = Graph::new();
    let (x, y) = (g.named("x", 3.0), g.named("y", -4.0));
    let f = (x * y).named("f");
    let _unrelated = g.var(9.0);
    let dot = g.to_dot(f, Some(&g.backward(f)));
    assert!(dot.starts_with("digraph backprop {"));
    assert!(
        dot.contains("n0 [label=\"{x|input|value 3.0|grad -4.0}\"]"),
        "{dot}"
    );
    assert!(
        dot.contains("n2 [label=\"{f|mul|value -12.0|grad 1.0}\"]"),
        "{dot}"
    );
    assert!(dot.contains("n0 -> n2;") && dot.contains("n1 -> n2;"));
    assert!(
        !dot.contains("n3"),
        "nodes the output does not use are left out"
    );
}

#[test]
#[should_panic(expected = "another Graph")]
fn mixing_graphs_is_a_programming_error() {
    let (g1, g2) = (Graph::new(), Graph::new());
    let _ = g1.var(1.0) + g2.var(2.0);
}

#[test]
fn memory_per_node_is_within_budget() {
    // node (12) + value (8) + gradient (8) + reached flag (1)
    assert_eq!(Graph::BYTES_PER_NODE, 29);
}

#[test]
fn a_path_the_output_ignores_contributes_zero_not_nan() {
    // f = x + max(y, max(x, x/0)) at x = -1.4, y = 0: max picks y, and the
    // inner max picks x over x/0 = -inf. df/dx = 1, df/dy = 1; the losing
    // x/0 branch has local derivative 1/0 = inf but upstream 0, and
    // 0 · inf must not turn the gradient into NaN.
    let g = Graph::new();
    let (x, y) = (g.var(-1.4), g.var(0.0));
    let f = x + y.max(x.max(x / 0.0));
    let d = g.backward(f);
    assert_eq!((d[x], d[y]), (1.0, 1.0));
}

#[test]
fn zero_gradients_still_reach_their_inputs_as_positive_zero() {
    // f = relu(√x - 1) at x = 0: relu'(-1) = 0, so √x's upstream is 0 and
    // 0 · √'(0) = 0 · inf must give 0. Backward skips the work for a zero
    // upstream; x must still be reached, with +0 (not NaN, not -0).
    let g = Graph::new();
    let x = g.var(0.0);
    let f = (x.sqrt() - 1.0).relu();
    let d = g.backward(f);
    assert!(d.reached(x.id()));
    assert_eq!(d[x].to_bits(), 0.0f64.to_bits());

    // h = y · (-0): the contribution to y is -0 · 1 = -0; a sum that starts
    // at +0 stays +0, as it did when every contribution was added.
    let y = g.var(2.0);
    let h = y * g.constant(-0.0);
    let d = g.backward(h);
    assert!(d.reached(y.id()));
    assert_eq!(d[y].to_bits(), 0.0f64.to_bits());
}
