//! Tensor graph diagrams: each node's op, shape and (for small tensors)
//! values and gradients, in DOT and SVG, drawn by the scalar graphs'
//! layout.

use backprop_tensor::TensorGraph;
use ndarray::{Array2, array};
use roxmltree::Document;

/// The texts of the SVG's node boxes, one `Vec` per box, by element id.
fn boxes(svg: &str) -> Vec<(String, Vec<String>)> {
    let doc = Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("node ")))
        .map(|g| {
            let texts = g
                .children()
                .filter(|t| t.has_tag_name("text"))
                .map(|t| t.text().unwrap_or("").trim().to_owned())
                .collect();
            (g.attribute("id").unwrap().to_owned(), texts)
        })
        .collect()
}

#[test]
fn a_matrix_vector_product_shows_ops_shapes_values_and_gradients() {
    // loss = sum(W·x): dW = outer(ones, x), dx = the column sums of W.
    let g = TensorGraph::<f64>::new();
    let w = g.named("W", array![[1.0, 2.0], [3.0, 4.0]]);
    let x = g.named("x", array![1.0, -1.0]);
    let unused = g.named("unused", array![9.0]);
    let loss = w.matmul(x).unwrap().sum().named("loss");
    let grads = g.backward(loss).unwrap();
    let svg = g.to_svg(loss, Some(&grads));
    let boxes = boxes(&svg);
    assert_eq!(boxes.len(), 4, "W, x, W·x, loss; not `unused`");
    assert!(!svg.contains("unused"));
    let find = |id: usize| {
        &boxes
            .iter()
            .find(|(i, _)| *i == format!("n{id}"))
            .unwrap()
            .1
    };
    assert_eq!(
        find(w.id().index()),
        &[
            "W",
            "input",
            "shape (2, 2)",
            "value [[1, 2],",
            "[3, 4]]",
            "grad [[1, -1],",
            "[1, -1]]"
        ]
    );
    assert_eq!(
        find(x.id().index()),
        &["x", "input", "shape (2,)", "value [1, -1]", "grad [4, 6]"]
    );
    assert_eq!(
        find(loss.id().index()),
        &["loss", "sum(all)", "shape ()", "value -2", "grad 1"]
    );
    let product = boxes
        .iter()
        .find(|(_, t)| t[1] == "matmul")
        .expect("the product");
    assert_eq!(product.1[0], format!("#{}", loss.id().index() - 1));
    assert_eq!(product.1[3], "value [-1, -1]");
    let _ = unused;

    let dot = g.to_dot(loss, Some(&grads));
    assert!(dot.starts_with("digraph backprop {"), "{dot}");
    assert!(dot.contains("{W|input|shape (2, 2)|value [[1, 2],|\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}[3, 4]]|grad [[1, -1],|\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}[1, -1]]}"), "{dot}");
    assert_eq!(
        dot.matches(" -> ").count(),
        3,
        "W and x into the product, the product into the sum"
    );
}

#[test]
fn large_tensors_show_their_shape_only() {
    let g = TensorGraph::<f32>::new();
    let big = g.named("big", Array2::<f32>::ones((5, 5)));
    let loss = big.sigmoid().mean().named("loss");
    let grads = g.backward(loss).unwrap();
    let boxes = boxes(&g.to_svg(loss, Some(&grads)));
    let texts = &boxes.iter().find(|(_, t)| t[0] == "big").unwrap().1;
    assert_eq!(texts, &["big", "input", "shape (5, 5)"], "25 > 16 elements");
    let loss_texts = &boxes.iter().find(|(_, t)| t[0] == "loss").unwrap().1;
    assert_eq!(loss_texts[1], "mean(all)");
    assert_eq!(loss_texts[4], "grad 1");
}

#[test]
fn any_name_gives_well_formed_output_and_deep_graphs_draw_on_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let g = TensorGraph::<f64>::new();
            let mut v = g.named("<x & \"y\">\u{1}", array![0.5, 0.25]);
            for _ in 0..3_000 {
                v = v.sin();
            }
            let svg = g.to_svg(v, None);
            let boxes = boxes(&svg);
            assert_eq!(boxes.len(), 3_001);
            assert_eq!(boxes[0].1[0], "<x & \"y\">\u{FFFD}");
            assert!(g.to_dot(v, None).contains("\\<x & \\\"y\\\"\\>"));
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_case_studys_network_draws_with_its_data_as_a_constant() {
    use backprop_tensor::case_study::{self, Classifier, TwoLayerNet};
    use rand::SeedableRng;

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let data = case_study::spiral(5, 3, &mut rng);
    let net = TwoLayerNet::new(2, 4, 3, &mut rng);
    let g = TensorGraph::<f64>::new();
    let p = net.parameters().record(&g);
    for (id, name) in net.ids().into_iter().zip(["W", "b", "W2", "b2"]) {
        p[id].named(name);
    }
    let x = g.constant(data.x.clone()).named("X");
    let loss = case_study::loss(&net, &p, x, &data.y, 1e-3)
        .unwrap()
        .named("loss");
    let grads = g.backward(loss).unwrap();
    let svg = g.to_svg(loss, Some(&grads));
    let boxes = boxes(&svg);
    let texts = |name: &str| &boxes.iter().find(|(_, t)| t[0] == name).unwrap().1;
    assert_eq!(&texts("X")[..3], ["X", "constant", "shape (15, 2)"]);
    assert_eq!(
        texts("X").len(),
        3,
        "30 elements: no values, and no gradient for data"
    );
    assert_eq!(&texts("W")[..3], ["W", "input", "shape (2, 4)"]);
    assert_eq!(texts("b2")[1], "input");
    assert!(texts("loss")[1].starts_with("add"), "{:?}", texts("loss"));
    assert!(
        boxes.iter().any(|(_, t)| t[1] == "relu"),
        "the hidden layer's relu is drawn"
    );
    let doc = Document::parse(&svg).unwrap();
    let constants = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("node constant"))
        .count();
    assert_eq!(constants, 1, "only X is a constant");
}
