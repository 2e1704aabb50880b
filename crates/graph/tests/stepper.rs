//! The step-by-step page (`Graph::to_html`): self-contained, every stage and
//! step present with the notebook's numbers, fan-out sums in the engine's
//! order, any name safely escaped, any depth.

use backprop_graph::{Graph, Var};
use serde_json::Value;

/// The notebook's cell In [8] / In [12] at x = 3, y = -4, stages named as
/// the notebook names them.
fn notebook(g: &Graph) -> Var<'_> {
    let x = g.named("x", 3.0);
    let y = g.named("y", -4.0);
    let sigy = y.sigmoid().named("sigy");
    let num = (x + sigy).named("num");
    let sigx = x.sigmoid().named("sigx");
    let xpy = (x + y).named("xpy");
    let xpysqr = xpy.powi(2).named("xpysqr");
    let den = (sigx + xpysqr).named("den");
    let invden = den.recip().named("invden");
    (num * invden).named("f")
}

/// The page's data: the JSON in `<script type="application/json">`.
fn data(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"bp-data\">";
    let start = html.find(open).expect("the data script") + open.len();
    let end = start + html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..end]).expect("valid JSON")
}

/// The page's `<script` elements: our data and our script, nothing else
/// (the command-line tests check the whole page is self-contained).
fn assert_two_scripts(html: &str) {
    assert_eq!(html.to_ascii_lowercase().matches("<script").count(), 2);
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("a string")
}

#[test]
fn notebook_page_has_every_stage_and_step_with_the_notebooks_numbers() {
    let g = Graph::new();
    let f = notebook(&g);
    let html = g.to_html(
        f,
        "f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)\nat x = 3, y = -4",
    );
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_two_scripts(&html);
    let d = data(&html);

    // 8 operations: 8 forward stages, 8 backward steps.
    let steps = d["steps"].as_array().unwrap();
    assert_eq!(d["forwardStages"], 8);
    assert_eq!(d["backwardSteps"], 8);
    assert_eq!(steps.len(), 8 + 8);
    let nodes = d["nodes"].as_array().unwrap();
    let by_label = |label: &str| {
        nodes
            .iter()
            .position(|n| n["label"] == label)
            .unwrap_or_else(|| panic!("{label} missing"))
    };
    // Forward stages in the notebook's order, values as cell In [8] prints.
    let forward: Vec<&str> = steps[..8]
        .iter()
        .map(|s| str_of(&nodes[s["f"].as_u64().unwrap() as usize]["label"]))
        .collect();
    assert_eq!(
        forward,
        ["sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden", "f"]
    );
    for (label, value) in [
        ("sigy", "0.01798620996209156"),
        ("num", "3.0179862099620918"),
        ("den", "1.9525741268224333"),
        ("f", "1.5456448841066441"),
    ] {
        assert_eq!(nodes[by_label(label)]["value"], value, "{label}");
    }
    assert_eq!(nodes[by_label("xpysqr")]["formula"], "[4]^2");
    assert_eq!(nodes[by_label("f")]["formula"], "[2] * [7]");
    // Every box of the page is in the SVG.
    for n in nodes {
        assert!(html.contains(&format!("id=\"n{}\"", n["id"])), "{n}");
    }

    // Backward: x receives three contributions (the notebook's three
    // `dx +=`), in the engine's order, summing to cell In [12]'s dfdx.
    let x = by_label("x") as u64;
    let into_x: Vec<&Value> = steps[8..]
        .iter()
        .flat_map(|s| s["s"].as_array().unwrap())
        .filter(|send| send[0] == x)
        .collect();
    assert_eq!(into_x.len(), 3);
    for (k, send) in into_x.iter().enumerate() {
        assert_eq!(send[4], k as u64 + 1);
        assert_eq!(send[5], 3);
    }
    assert_eq!(into_x[2][3], "2.0595697955721652");
    let y = by_label("y") as u64;
    let last_y = steps[8..]
        .iter()
        .flat_map(|s| s["s"].as_array().unwrap())
        .rfind(|send| send[0] == y)
        .unwrap();
    assert_eq!(last_y[3], "1.5922327514838093");
    // The first backward step starts from the output with upstream 1.
    assert_eq!(steps[8]["b"], by_label("f") as u64);
    assert_eq!(steps[8]["up"], "1.0");
    // The running sums are the engine's sums, bit for bit.
    let grads = g.backward(f);
    for step in &steps[8..] {
        for send in step["s"].as_array().unwrap() {
            let total: f64 = str_of(&send[3]).parse().unwrap();
            if send[4] == send[5] {
                let node = &nodes[send[0].as_u64().unwrap() as usize];
                let id = g.node(node["id"].as_u64().unwrap() as usize).unwrap();
                assert_eq!(total.to_bits(), grads[id].to_bits(), "{node}");
            }
        }
    }
}

#[test]
fn any_name_is_escaped_in_the_page() {
    let g = Graph::new();
    let evil = "</script><script>alert(1)</script><!--\"'&\u{1}\u{2028}";
    let x = g.named(evil, 1.0);
    let f = (x * x).exp().named("é ✓ <b>");
    let html = g.to_html(f, "</title><script>alert(2)</script>");
    assert_two_scripts(&html);
    assert!(
        !html.contains("alert(1)</script>"),
        "raw script end in the data"
    );
    assert!(!html.contains("<script>alert"), "raw script start");
    let d = data(&html);
    let labels: Vec<&str> = d["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| str_of(&n["label"]))
        .collect();
    assert!(labels.contains(&evil), "the JSON keeps the name exactly");
    assert!(labels.contains(&"é ✓ <b>"));
    let start = html.find("<svg").unwrap();
    let end = html.find("</svg>").unwrap() + "</svg>".len();
    roxmltree::Document::parse(&html[start..end]).expect("the SVG is well-formed XML");
}

#[test]
fn constants_are_shown_but_receive_nothing() {
    let g = Graph::new();
    let x = g.named("x", 3.0);
    let two = g.constant(2.0);
    let f = x.max(two).named("f");
    let html = g.to_html(f, "max(x, 2)");
    let d = data(&html);
    let nodes = d["nodes"].as_array().unwrap();
    let constant = nodes.iter().position(|n| n["kind"] == "constant").unwrap();
    assert_eq!(nodes[constant]["ref"], "2.0");
    let steps = d["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    let sends = steps[1]["s"].as_array().unwrap();
    assert_eq!(sends.len(), 1, "only x receives");
    // The hover still lists both local derivatives of max.
    let output = &nodes[d["output"].as_u64().unwrap() as usize];
    assert_eq!(output["locals"].as_array().unwrap().len(), 2);
    assert_eq!(output["formula"], "max(x, 2.0)");
}

#[test]
fn an_input_as_output_has_gradient_one_and_no_steps() {
    let g = Graph::new();
    let x = g.named("x", 0.5);
    let d = data(&g.to_html(x, "x"));
    assert_eq!(d["steps"].as_array().unwrap().len(), 0);
    assert_eq!(d["seed"], "1.0");
    let c = g.constant(4.0);
    let d = data(&g.to_html(c, "4"));
    assert_eq!(d["seed"], Value::Null, "a constant has no gradient");
}

#[test]
fn deep_graphs_render_on_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let g = Graph::new();
            let mut v = g.named("x", 0.5);
            for _ in 0..5_000 {
                v = v.sin();
            }
            let d = data(&g.to_html(v, "a chain of 5,000 sines"));
            assert_eq!(d["steps"].as_array().unwrap().len(), 10_000);
        })
        .unwrap()
        .join()
        .unwrap();
}

/// The colour a CSS rule `selector { ... property: COLOUR; ... }` in
/// `css` gives, if there is one.
fn colour<'a>(css: &'a str, selector: &str, property: &str) -> Option<&'a str> {
    let at = css.find(&format!("{selector} {{"))?;
    let body = &css[at..at + css[at..].find('}')?];
    let value = &body[body.find(&format!("{property}:"))? + property.len() + 1..];
    Some(value[..value.find(';')?].trim())
}

#[test]
fn the_page_colours_values_and_gradients_as_the_svg_does() {
    let g = Graph::new();
    let f = notebook(&g);
    let svg = g.to_svg(f, Some(&g.backward(f)));
    let green = colour(&svg, "text.value", "fill").expect("the SVG colours values");
    let red = colour(&svg, "text.grad", "fill").expect("the SVG colours gradients");
    assert_ne!(green, red);
    let html = g.to_html(f, "f");
    // The circuit on the page carries the SVG's own style.
    assert_eq!(colour(&html, "text.value", "fill"), Some(green));
    assert_eq!(colour(&html, "text.grad", "fill"), Some(red));
    // The legend, the explanation panel and the highlights of a forward
    // step speak in values' colour; those of a backward step in gradients'.
    for (selector, property) in [
        (".bp-v", "color"),
        ("#bp-explain .bp-val", "color"),
        ("#bp-explain.bp-forward", "border-left-color"),
        ("#bp-circuit .node.bp-active.bp-fwd > rect", "stroke"),
        ("#bp-circuit .edge.bp-fwd", "stroke"),
    ] {
        assert_eq!(colour(&html, selector, property), Some(green), "{selector}");
    }
    for (selector, property) in [
        (".bp-g", "color"),
        ("#bp-explain .bp-grad", "color"),
        ("#bp-explain .bp-sum", "color"),
        ("#bp-explain.bp-backward", "border-left-color"),
        ("#bp-circuit .node.bp-active.bp-bwd > rect", "stroke"),
        ("#bp-circuit .edge.bp-bwd", "stroke"),
    ] {
        assert_eq!(colour(&html, selector, property), Some(red), "{selector}");
    }
}
