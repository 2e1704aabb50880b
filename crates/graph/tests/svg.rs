//! The SVG circuit diagram: well-formed XML, every value and gradient
//! shown, boxes that never overlap, any size of graph.

use backprop_graph::Graph;
use roxmltree::Document;

/// The notebook's cell In [8] at x = 3, y = -4.
fn notebook(g: &Graph) -> backprop_graph::Var<'_> {
    let x = g.named("x", 3.0);
    let y = g.named("y", -4.0);
    let num = (x + y.sigmoid()).named("num");
    let den = (x.sigmoid() + (x + y).powi(2)).named("den");
    (num * den.recip()).named("f")
}

/// `(x, y, width, height)` of every node box.
fn boxes(doc: &Document) -> Vec<(f64, f64, f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .map(|r| {
            let a = |name| r.attribute(name).unwrap().parse::<f64>().unwrap();
            (a("x"), a("y"), a("width"), a("height"))
        })
        .collect()
}

fn texts(doc: &Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        // The writer puts text content on its own line; SVG collapses that
        // whitespace when rendering, so compare trimmed.
        .map(|t| t.text().unwrap_or("").trim().to_owned())
        .collect()
}

#[test]
fn notebook_circuit_is_well_formed_and_shows_values_and_gradients() {
    let g = Graph::new();
    let f = notebook(&g);
    let grads = g.backward(f);
    let svg = g.to_svg(f, Some(&grads));
    let doc = Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );

    let texts = texts(&doc);
    // The notebook's printed numbers (cells In [8] and In [12]).
    for expected in [
        "value 1.5456448841066441",
        "value 0.01798620996209156",
        "value 3.0179862099620918",
        "value 1.9525741268224333",
        "grad 2.0595697955721652",
        "grad 1.5922327514838093",
        "grad 0.5121444488396316",
        "grad -0.7915934472725935",
    ] {
        assert!(texts.iter().any(|t| t == expected), "{expected} missing");
    }
    for name in ["x", "y", "num", "den", "f"] {
        assert!(texts.iter().any(|t| t == name), "{name} missing");
    }
    // One box per node, one edge per input of each of the 8 operations.
    let n_boxes = boxes(&doc).len();
    assert_eq!(n_boxes, g.len());
    let edges = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("edge"))
        .count();
    assert_eq!(
        edges, 12,
        "sigmoid 1 + add 2 + sigmoid 1 + add 2 + powi 1 + add 2 + recip 1 + mul 2"
    );
}

#[test]
fn boxes_never_overlap() {
    let g = Graph::new();
    let xs: Vec<_> = (0..6)
        .map(|i| g.named(&format!("x{i}"), i as f64))
        .collect();
    let mut acc = xs[0];
    for (i, &x) in xs.iter().enumerate().skip(1) {
        acc = (acc * x + xs[i - 1].tanh()).max(x.sigmoid());
    }
    let svg = g.to_svg(acc, Some(&g.backward(acc)));
    let doc = Document::parse(&svg).unwrap();
    let b = boxes(&doc);
    for (i, p) in b.iter().enumerate() {
        for q in &b[i + 1..] {
            let apart =
                p.0 + p.2 <= q.0 || q.0 + q.2 <= p.0 || p.1 + p.3 <= q.1 || q.1 + q.3 <= p.1;
            assert!(apart, "{p:?} overlaps {q:?}");
        }
    }
    let width: f64 = doc
        .root_element()
        .attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    let height: f64 = doc
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    for p in &b {
        assert!(p.0 >= 0.0 && p.1 >= 0.0 && p.0 + p.2 <= width && p.1 + p.3 <= height);
    }
}

#[test]
fn any_name_gives_well_formed_xml() {
    let g = Graph::new();
    let x = g.named("<a & \"b\"> ]]>\u{1}\n", 1.0);
    let f = x.exp().named("é ✓");
    let svg = g.to_svg(f, None);
    let doc = Document::parse(&svg).expect("well-formed XML");
    let texts = texts(&doc);
    assert!(texts.iter().any(|t| t == "<a & \"b\"> ]]>\u{FFFD}"));
    assert!(texts.iter().any(|t| t == "é ✓"));
    assert!(
        !texts.iter().any(|t| t.starts_with("grad")),
        "no gradients given"
    );
}

#[test]
fn large_and_deep_graphs_render_on_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            // A 5,000-node chain.
            let g = Graph::new();
            let mut v = g.named("x", 0.5);
            for _ in 0..5_000 {
                v = v.sin();
            }
            let svg = g.to_svg(v, Some(&g.backward(v)));
            assert_eq!(
                Document::parse(&svg)
                    .unwrap()
                    .descendants()
                    .filter(|n| n.has_tag_name("rect"))
                    .count(),
                5_001
            );

            // x + x + ... + x: every addition reads x, whose edges would
            // need a waypoint in every column (quadratic) without a budget.
            let g = Graph::new();
            let x = g.named("x", 1.0);
            let mut sum = x;
            for _ in 0..3_000 {
                sum = sum + x;
            }
            let svg = g.to_svg(sum, None);
            assert!(Document::parse(&svg).is_ok());
        })
        .unwrap()
        .join()
        .expect("no overflow, no panic");
}
