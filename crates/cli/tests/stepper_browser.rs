//! The step-by-step page in a real browser: headless Chromium (driven over
//! the DevTools protocol through a pipe, `common/chromium.rs`) opens the
//! page that `backprop explain --html` wrote, steps to the end with the
//! keyboard, and the gradients on the circuit must be exactly
//! `backprop grad --json`'s.
//!
//! Chromium is found at `$BACKPROP_CHROMIUM`, `/usr/bin/chromium`,
//! `chromium`, `chromium-browser` or `google-chrome` on `PATH`. Without one
//! the tests fail under `CI=true` (CI installs the system's `chromium`, see
//! `.ci/run`) and are skipped with a message elsewhere.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::chromium::{self, Chromium};
use common::page::{backward_steps, forward_stages, page_data};
use common::{backprop, grad_json};

const IN_12: &str = "(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)";

/// Headless Chromium, or `None` (with a message) when this machine has
/// none and we are not in CI. In CI a missing browser fails the test.
fn browser(name: &str) -> Option<Chromium> {
    let Some(path) = chromium::find() else {
        let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
        assert!(
            !in_ci,
            "CI must run the browser test: install Chromium (`apt-get install -y chromium`, \
             as .ci/run does) or set BACKPROP_CHROMIUM"
        );
        eprintln!(
            "SKIPPED: no Chromium found (set BACKPROP_CHROMIUM or `apt-get install chromium`); \
             the browser test of the step-by-step page did not run"
        );
        return None;
    };
    let profile = scratch(&format!("{name}-profile"));
    Some(Chromium::launch(&path, profile).unwrap_or_else(|e| panic!("{e}")))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "backprop-stepper-browser-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the page with `explain --html`; returns explain's text and the file.
fn write_page(expr: &str, values: &[&str], name: &str) -> (String, PathBuf) {
    let path = scratch(name).join("page.html");
    let mut args = vec!["explain", expr];
    args.extend_from_slice(values);
    args.extend_from_slice(&["--html", path.to_str().unwrap()]);
    let run = backprop(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    (run.stdout, path)
}

fn url(path: &Path, fragment: &str) -> String {
    format!("file://{}{fragment}", path.display())
}

/// Opens `url` and waits until the page's script has run.
fn open(tab: &mut Chromium, url: &str) {
    tab.open(url, "document.body.getAttribute('data-ready') === 'true'");
}

/// The counter's text, `step N / TOTAL (...)`.
fn counter(tab: &mut Chromium) -> String {
    tab.eval("document.getElementById('bp-counter').textContent")
        .as_str()
        .unwrap()
        .to_owned()
}

/// Each input's name and the gradient text its box shows now, in creation
/// order (the order `grad --json` prints).
fn input_gradients(tab: &mut Chromium) -> Vec<(String, String)> {
    let json = tab.eval(
        "(() => { const d = JSON.parse(document.getElementById('bp-data').textContent); \
         return JSON.stringify(d.nodes.filter(n => n.formula === null && n.kind !== 'constant') \
         .map(n => [n.label, document.querySelector('#n' + n.id + ' text.grad').textContent.trim()])); })()",
    );
    serde_json::from_str(json.as_str().unwrap()).unwrap()
}

/// Steps `presses` times to the right, then compares the gradients shown
/// with `grad --json`'s, bit for bit.
fn step_to_the_end_and_compare(tab: &mut Chromium, expr: &str, values: &[&str], presses: usize) {
    for k in 1..=presses {
        press(tab, "ArrowRight");
        assert!(
            counter(tab).starts_with(&format!("step {k} / {presses}")),
            "{expr}: after {k} presses: {}",
            counter(tab)
        );
    }
    assert_gradients_are_grad_jsons(tab, expr, values);
}

/// The gradients the page shows now are `grad --json`'s, bit for bit.
fn assert_gradients_are_grad_jsons(tab: &mut Chromium, expr: &str, values: &[&str]) {
    let mut args = vec![expr];
    args.extend_from_slice(values);
    let (_, expected) = grad_json(&args);
    let shown = input_gradients(tab);
    assert_eq!(shown.len(), expected.len(), "{expr}: {shown:?}");
    for ((name, text), (want_name, want)) in shown.iter().zip(&expected) {
        assert_eq!(name, want_name, "{expr}");
        let value: f64 = text
            .strip_prefix("grad ")
            .unwrap_or_else(|| panic!("{expr}: {name}: {text:?}"))
            .parse()
            .unwrap();
        assert_eq!(
            value.to_bits(),
            want.as_f64().unwrap().to_bits(),
            "{expr}: d{name}"
        );
    }
}

fn press(tab: &mut Chromium, key: &str) {
    tab.press(key);
}

#[test]
fn stepping_to_the_end_with_the_keyboard_shows_grad_jsons_gradients() {
    let Some(mut tab) = browser("in12") else {
        return;
    };
    let (explain, page) = write_page(IN_12, &["x=3", "y=-4"], "in12");
    let html = std::fs::read_to_string(&page).unwrap();
    let total = forward_stages(&explain).len() + backward_steps(&explain).len();
    assert_eq!(total, 14, "7 stages forward, 7 steps backward");
    assert_eq!(page_data(&html)["steps"].as_array().unwrap().len(), total);

    open(&mut tab, &url(&page, ""));
    assert_eq!(counter(&mut tab), format!("step 0 / {total} (inputs)"));
    for (name, grad) in input_gradients(&mut tab) {
        assert_eq!(grad, "", "{name} has no gradient before the backward pass");
    }

    step_to_the_end_and_compare(&mut tab, IN_12, &["x=3", "y=-4"], total);
    press(&mut tab, "ArrowRight");
    assert!(
        counter(&mut tab).starts_with(&format!("step {total} / {total}")),
        "stays at the end"
    );
    assert_eq!(tab.eval("location.hash"), format!("#step={total}"));
    let done = tab.eval("document.getElementById('bp-explain').textContent");
    assert!(
        done.as_str()
            .unwrap()
            .contains("df/dx = 2.0595697955721652"),
        "{done}"
    );

    // Back one step with the keyboard; Home returns to the inputs.
    press(&mut tab, "ArrowLeft");
    assert!(counter(&mut tab).starts_with(&format!("step {} / {total}", total - 1)));
    assert_eq!(tab.eval("location.hash"), format!("#step={}", total - 1));
    press(&mut tab, "Home");
    assert!(counter(&mut tab).starts_with(&format!("step 0 / {total}")));
    assert!(input_gradients(&mut tab).iter().all(|(_, g)| g.is_empty()));
}

#[test]
fn constants_fan_out_and_trivial_outputs_step_to_grad_jsons_gradients() {
    let Some(mut tab) = browser("various") else {
        return;
    };
    for (expr, values) in [
        ("max(x, 2) * 3 + x^2.5 + 2^x", &["x=3"][..]),
        ("x * x * x + x", &["x=-1.5"]),
        (
            "sigmoid(w0*x0 + w1*x1 + w2)",
            &["w0=2", "w1=-3", "w2=-3", "x0=-1", "x1=-2"],
        ),
        ("x", &["x=2"]),
        ("2 * 3", &[]),
    ] {
        let (explain, page) = write_page(expr, values, "various");
        let total = forward_stages(&explain).len() + backward_steps(&explain).len();
        open(&mut tab, &url(&page, ""));
        assert_eq!(
            counter(&mut tab),
            format!("step 0 / {total} (inputs)"),
            "{expr}"
        );
        step_to_the_end_and_compare(&mut tab, expr, values, total);
    }
}

#[test]
fn a_linked_step_opens_there_and_hovering_shows_the_formula() {
    let Some(mut tab) = browser("link") else {
        return;
    };
    let (_, page) = write_page(IN_12, &["x=3", "y=-4"], "link");
    // Step 12 = backward step 5: [3] sigmoid(x) sends x its second
    // contribution of three (dx is now 1.5474253467325334, as `explain`
    // prints).
    open(&mut tab, &url(&page, "#step=12"));
    assert!(
        counter(&mut tab).starts_with("step 12 / 14"),
        "{}",
        counter(&mut tab)
    );
    let panel = tab.eval("document.getElementById('bp-explain').textContent");
    let panel = panel.as_str().unwrap();
    assert!(
        panel.contains("dx = 1.5474253467325334") && panel.contains("contribution 2 of 3"),
        "{panel}"
    );

    // Editing the fragment moves the page there.
    tab.eval("location.hash = '#step=5'");
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while !counter(&mut tab).starts_with("step 5 / 14") {
        assert!(Instant::now() < deadline, "{}", counter(&mut tab));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    tab.eval("location.hash = '#step=12'");
    while !counter(&mut tab).starts_with("step 12 / 14") {
        assert!(Instant::now() < deadline, "{}", counter(&mut tab));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    // Hover the box of [3] sigmoid(x): formula, local derivative, value.
    let data = page_data(&std::fs::read_to_string(&page).unwrap());
    let node = data["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["ref"] == "[3]")
        .expect("stage [3]");
    let (x, y) = tab.centre_of(&format!("#n{} rect", node["id"]));
    tab.move_mouse(x, y);
    let hover = tab.eval(
        "(() => { const h = document.getElementById('bp-hover'); return h.hidden ? '' : h.textContent; })()",
    );
    let hover = hover.as_str().unwrap();
    for expected in [
        "[3] = sigmoid(x)",
        "value 0.9525741268224334",
        "local ∂[3]/∂x = 0.045176659730912",
        "grad -0.7915934472725935",
    ] {
        assert!(hover.contains(expected), "{expected:?} not in {hover:?}");
    }
}

#[test]
fn the_buttons_step_forward_and_back_and_jump() {
    let Some(mut tab) = browser("buttons") else {
        return;
    };
    let (_, page) = write_page(IN_12, &["x=3", "y=-4"], "buttons");
    open(&mut tab, &url(&page, ""));
    let click = |tab: &mut Chromium, button: &str, expected: usize| {
        let (x, y) = tab.centre_of(&format!("#bp-{button}"));
        tab.click(x, y);
        assert!(
            counter(tab).starts_with(&format!("step {expected} / 14")),
            "after {button}: {}",
            counter(tab)
        );
        assert_eq!(tab.eval("location.hash"), format!("#step={expected}"));
    };
    click(&mut tab, "next", 1);
    click(&mut tab, "next", 2);
    click(&mut tab, "prev", 1);
    click(&mut tab, "last", 14);
    assert!(
        tab.eval("document.getElementById('bp-next').disabled") == true,
        "nothing after the end"
    );
    click(&mut tab, "prev", 13);
    click(&mut tab, "first", 0);
    assert!(input_gradients(&mut tab).iter().all(|(_, g)| g.is_empty()));
}

/// 40 terms of 5 operations plus 40 sums on 3 inputs: 243 operations, 282
/// nodes with the constants.
fn two_hundred_nodes() -> String {
    let terms: Vec<String> = (0..40)
        .map(|i| format!("tanh(x * {i} + y) * sigmoid(z - {i})"))
        .collect();
    terms.join(" + ")
}

const LARGE_VALUES: &[&str] = &["x=0.3", "y=-0.2", "z=1.5"];

#[test]
fn a_200_node_page_jumps_to_the_end_and_back() {
    let Some(mut tab) = browser("large") else {
        return;
    };
    let expr = two_hundred_nodes();
    let (explain, page) = write_page(&expr, LARGE_VALUES, "large");
    let total = forward_stages(&explain).len() + backward_steps(&explain).len();
    open(&mut tab, &url(&page, ""));
    press(&mut tab, "End");
    assert!(counter(&mut tab).starts_with(&format!("step {total} / {total}")));
    assert_gradients_are_grad_jsons(&mut tab, &expr, LARGE_VALUES);
    // A step back from the end, then the linked middle of the backward pass.
    press(&mut tab, "ArrowLeft");
    assert_eq!(tab.eval("location.hash"), format!("#step={}", total - 1));
    press(&mut tab, "Home");
    assert!(input_gradients(&mut tab).iter().all(|(_, g)| g.is_empty()));
}

/// Page size and load time for a 200-node expression (a measurement, not
/// a test: `cargo test -p backprop-cli --test stepper_browser -- --ignored
/// --nocapture`). The load time is the browser's own navigation timing:
/// navigation start to the end of the load event, which includes parsing
/// the data, drawing the first step and every handler.
#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn measure_a_200_node_page() {
    let Some(mut tab) = browser("measure") else {
        return;
    };
    let (_, page) = write_page(&two_hundred_nodes(), LARGE_VALUES, "measure");
    let html = std::fs::read_to_string(&page).unwrap();
    let data = page_data(&html);
    let mut loads = Vec::new();
    for run in 0..6 {
        open(&mut tab, &url(&page, &format!("?run={run}#step=0")));
        // The load event has ended once `loadEventEnd` is set.
        let mut load = 0.0;
        while load == 0.0 {
            load = tab
                .eval("performance.getEntriesByType('navigation')[0].loadEventEnd")
                .as_f64()
                .unwrap();
        }
        loads.push(load);
    }
    let started = Instant::now();
    press(&mut tab, "End");
    let to_end = started.elapsed();
    println!(
        "200-node page: {} nodes, {} steps, {} bytes; load (navigation start to load event end) \
         first {:.1} ms, then {:?} ms; End key round trip {:.1} ms",
        data["nodes"].as_array().unwrap().len(),
        data["steps"].as_array().unwrap().len(),
        html.len(),
        loads[0],
        &loads[1..],
        to_end.as_secs_f64() * 1e3
    );
}
