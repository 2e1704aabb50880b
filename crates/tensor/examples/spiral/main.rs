//! The CS231n "minimal neural network case study" on `backprop-tensor`: the
//! spiral data set, a softmax linear classifier, then a two-layer ReLU
//! network, with the case study's hyperparameters and printing.
//!
//! ```sh
//! cargo run --release --example spiral                  # from the workspace root
//! cargo run --release --example spiral -- --out pictures
//! cargo run --release --example spiral -- --json run.json --seed 7
//! cargo run --release --example spiral -- --graph network-graph.svg
//! # refresh the pictures of crates/tensor/README.md (tracked files):
//! cargo run --release --example spiral -- --out crates/tensor/images
//! ```
//!
//! It writes three SVG pictures (the decision regions of both models and
//! the loss curves) into the folder `--out DIR`, by default `spiral/` in
//! the Cargo target folder it was built in (`target/spiral/`), never over
//! the tracked pictures unless told to; with `--json FILE` the data set, the initial parameters, the
//! hyperparameters and every iteration's loss, so that the run can be
//! replayed in NumPy (`python3 xtask/scripts/replay_spiral.py FILE`). With
//! `--graph FILE` it draws the trained network's computational graph (one
//! step's loss, every node's op and shape, small tensors' values and
//! gradients) as SVG, or as Graphviz DOT if FILE ends in `.dot`.

mod plots;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use backprop_tensor::case_study::{
    self, Classifier, Hyperparameters, LinearClassifier, Spiral, TwoLayerNet,
};
use backprop_tensor::optim::Parameters;
use backprop_tensor::{TensorError, TensorGraph};
use clap::Parser;
use rand::SeedableRng;
use serde_json::{Value, json};

/// Points per class, classes, input dimensions, hidden units: the case
/// study's N, K, D and h.
const N: usize = 100;
const K: usize = 3;
const D: usize = 2;
const HIDDEN: usize = 100;

/// Train the CS231n case study's softmax classifier and two-layer network
/// on the spiral data set.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Seed of the random generator (data and initial weights).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Also write the data, initial parameters, hyperparameters and losses
    /// to this JSON file, for a replay in NumPy.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Where to write the SVG pictures [default: `spiral/` in the Cargo
    /// target folder, e.g. `target/spiral/`]. `--out crates/tensor/images`
    /// refreshes the README's pictures.
    #[arg(long, visible_alias = "plots", value_name = "DIR")]
    out: Option<PathBuf>,
    /// Do not draw the pictures.
    #[arg(long, conflicts_with = "out")]
    no_plots: bool,
    /// Also draw the trained network's computational graph (one step's
    /// loss with every shape, and small tensors' values and gradients) to
    /// FILE: SVG, or Graphviz DOT if FILE ends in `.dot`.
    #[arg(long, value_name = "FILE")]
    graph: Option<PathBuf>,
}

impl Args {
    /// The folder for the pictures: `--out`, or [`default_out`] of the
    /// running executable.
    fn out_dir(&self) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| default_out(std::env::current_exe().ok().as_deref()))
    }
}

/// Where the pictures go without `--out`: `spiral/` in the Cargo target
/// folder the example runs from (`cargo run` runs
/// `<target>/<profile>/examples/spiral`), else `target/spiral` under the
/// current folder.
fn default_out(exe: Option<&Path>) -> PathBuf {
    exe.and_then(|exe| {
        let examples = exe.parent()?;
        if examples.file_name()? != "examples" {
            return None;
        }
        Some(examples.parent()?.parent()?.join("spiral"))
    })
    .unwrap_or_else(|| Path::new("target").join("spiral"))
}

/// One model's run, for the JSON dump and the pictures.
struct Run {
    initial: Parameters,
    hyper: Hyperparameters,
    losses: Vec<f64>,
    accuracy: f64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(args.seed);
    let data = case_study::spiral(N, K, &mut rng);
    println!(
        "spiral data: {} points, {K} classes, {D} dimensions (seed {})",
        data.x.nrows(),
        args.seed
    );

    println!("\nsoftmax linear classifier");
    let mut linear = LinearClassifier::new(D, K, &mut rng);
    let linear_run = train(&mut linear, &data, Hyperparameters::LINEAR, 10)?;

    println!("\ntwo-layer network, {HIDDEN} hidden units");
    let mut net = TwoLayerNet::new(D, HIDDEN, K, &mut rng);
    let net_run = train(&mut net, &data, Hyperparameters::NETWORK, 1000)?;

    if let Some(path) = &args.graph {
        let dot = path.extension().is_some_and(|e| e == "dot");
        let drawing = network_graph(&net, &data, Hyperparameters::NETWORK.reg, dot)?;
        std::fs::write(path, drawing)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("\nwrote the network's graph to {}", path.display());
    }
    if let Some(path) = &args.json {
        let dump = dump(&data, &linear_run, &net_run);
        std::fs::write(path, serde_json::to_string(&dump)? + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("\nwrote {}", path.display());
    }
    if !args.no_plots {
        let out = args.out_dir();
        std::fs::create_dir_all(&out)
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        let pictures = [
            (
                "spiral_linear.svg",
                plots::regions(
                    &linear,
                    &data,
                    "softmax linear classifier",
                    linear_run.accuracy,
                )?,
            ),
            (
                "spiral_network.svg",
                plots::regions(&net, &data, "two-layer network", net_run.accuracy)?,
            ),
            (
                "spiral_loss.svg",
                plots::losses(&linear_run.losses, &net_run.losses)?,
            ),
        ];
        for (name, svg) in pictures {
            let path = out.join(name);
            std::fs::write(&path, svg)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// The two-layer network's loss on the whole data set, recorded on a new
/// graph with named parameters and backpropagated, drawn as SVG (or DOT).
fn network_graph(
    net: &TwoLayerNet,
    data: &Spiral,
    reg: f64,
    dot: bool,
) -> Result<String, TensorError> {
    let g = TensorGraph::new();
    let p = net.parameters().record(&g);
    for (id, name) in net.ids().into_iter().zip(["W", "b", "W2", "b2"]) {
        p[id].named(name);
    }
    let x = g
        .constant_shared(data.x.clone().into_dyn().into_shared())
        .named("X");
    let loss = case_study::loss(net, &p, x, &data.y, reg)?.named("loss");
    let grads = g.backward(loss)?;
    Ok(if dot {
        g.to_dot(loss, Some(&grads))
    } else {
        g.to_svg(loss, Some(&grads))
    })
}

/// Trains `model` with `hyper`, printing the loss every `every` iterations
/// and the final training accuracy as the case study does.
fn train(
    model: &mut impl Classifier,
    data: &Spiral,
    hyper: Hyperparameters,
    every: usize,
) -> Result<Run, backprop_tensor::TensorError> {
    let initial = model.parameters().clone();
    let losses = case_study::train(model, data, &hyper, |i, loss| {
        if i % every == 0 {
            println!("iteration {i}: loss {loss:.6}");
        }
    })?;
    let accuracy = case_study::accuracy(model, data)?;
    println!("training accuracy: {accuracy:.2}");
    Ok(Run {
        initial,
        hyper,
        losses,
        accuracy,
    })
}

/// The `--json` dump: `{"X": [[x0, x1], ...], "y": [...], "linear": {...},
/// "network": {...}}`.
fn dump(data: &Spiral, linear: &Run, network: &Run) -> Value {
    json!({
        "X": rows(&data.x),
        "y": data.y.to_vec(),
        "linear": model_json(linear, &["W", "b"], None),
        "network": model_json(network, &["W", "b", "W2", "b2"], Some(HIDDEN)),
    })
}

/// A matrix as a list of rows.
fn rows(m: &ndarray::Array2<f64>) -> Vec<Vec<f64>> {
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}

/// One model's object of the JSON dump: its initial parameters (under
/// their case-study names), hyperparameters, losses and accuracy.
fn model_json(run: &Run, names: &[&str], hidden: Option<usize>) -> Value {
    let mut object = serde_json::Map::new();
    for &name in names {
        let id = run
            .initial
            .ids()
            .find(|&id| run.initial.name(id) == name)
            .expect("the model has this parameter");
        let value = run.initial.value(id);
        let json_value = match value.ndim() {
            2 => json!(
                value
                    .outer_iter()
                    .map(|r| r.iter().copied().collect::<Vec<f64>>())
                    .collect::<Vec<_>>()
            ),
            _ => json!(value.iter().copied().collect::<Vec<f64>>()),
        };
        object.insert(name.to_owned(), json_value);
    }
    if let Some(h) = hidden {
        object.insert("hidden".into(), json!(h));
    }
    object.insert("step_size".into(), json!(run.hyper.step_size));
    object.insert("reg".into(), json!(run.hyper.reg));
    object.insert("iterations".into(), json!(run.hyper.iterations));
    object.insert("losses".into(), json!(run.losses));
    object.insert("accuracy".into(), json!(run.accuracy));
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("spiral").chain(args.iter().copied()))
    }

    #[test]
    fn the_pictures_go_where_out_says() {
        let args = parse(&["--out", "pictures/run 1"]).unwrap();
        assert_eq!(args.out_dir(), Path::new("pictures/run 1"));
        assert!(!args.no_plots);
        // The option's former name still works.
        let args = parse(&["--plots", "elsewhere"]).unwrap();
        assert_eq!(args.out_dir(), Path::new("elsewhere"));
        // The README's refresh command.
        let args = parse(&["--out", "crates/tensor/images"]).unwrap();
        assert_eq!(args.out, Some(PathBuf::from("crates/tensor/images")));
    }

    #[test]
    fn without_out_the_pictures_go_under_the_target_folder_not_over_the_tracked_ones() {
        let args = parse(&[]).unwrap();
        assert_eq!(args.out, None);
        assert_eq!(args.seed, 0);
        let tracked = Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
        assert_ne!(args.out_dir(), tracked);
        assert_eq!(args.out_dir().file_name().unwrap(), "spiral");

        // `cargo run --example spiral` runs <target>/<profile>/examples/spiral.
        let exe = Path::new("/work/repo/target/release/examples/spiral");
        assert_eq!(
            default_out(Some(exe)),
            Path::new("/work/repo/target/spiral")
        );
        let exe = Path::new("/tmp/shared-target/debug/examples/spiral.exe");
        assert_eq!(
            default_out(Some(exe)),
            Path::new("/tmp/shared-target/spiral")
        );
        // Anywhere else (a copied binary, a test harness): ./target/spiral.
        let elsewhere = Path::new("/usr/local/bin/spiral");
        assert_eq!(default_out(Some(elsewhere)), Path::new("target/spiral"));
        assert_eq!(default_out(None), Path::new("target/spiral"));
    }

    #[test]
    fn no_plots_and_out_exclude_each_other() {
        assert!(parse(&["--no-plots"]).unwrap().no_plots);
        let error = parse(&["--no-plots", "--out", "pictures"]).err().unwrap();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
        let error = parse(&["--out"]).err().unwrap();
        assert_eq!(error.kind(), clap::error::ErrorKind::InvalidValue);
    }

    /// The dump of a short run has exactly the issue's fields, with the
    /// parameters as they were before the first step and one loss per
    /// iteration.
    #[test]
    fn the_json_dump_has_the_documented_format() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let data = case_study::spiral(N, K, &mut rng);
        let short = |h: Hyperparameters| Hyperparameters { iterations: 3, ..h };
        let mut linear = LinearClassifier::new(D, K, &mut rng);
        let linear_run = train(&mut linear, &data, short(Hyperparameters::LINEAR), 10).unwrap();
        let mut net = TwoLayerNet::new(D, HIDDEN, K, &mut rng);
        let before = net.parameters().clone();
        let net_run = train(&mut net, &data, short(Hyperparameters::NETWORK), 1000).unwrap();
        let dump = dump(&data, &linear_run, &net_run);

        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&dump), ["X", "linear", "network", "y"]);
        assert_eq!(
            keys(&dump["linear"]),
            [
                "W",
                "accuracy",
                "b",
                "iterations",
                "losses",
                "reg",
                "step_size"
            ]
        );
        assert_eq!(
            keys(&dump["network"]),
            [
                "W",
                "W2",
                "accuracy",
                "b",
                "b2",
                "hidden",
                "iterations",
                "losses",
                "reg",
                "step_size"
            ]
        );
        assert_eq!(dump["X"].as_array().unwrap().len(), N * K);
        assert_eq!(dump["X"][150].as_array().unwrap().len(), D);
        assert_eq!(dump["X"][150][1], data.x[[150, 1]]);
        assert_eq!(dump["y"][150], 1);
        let network = &dump["network"];
        assert_eq!(network["hidden"], HIDDEN);
        assert_eq!(network["step_size"], 1.0);
        assert_eq!(network["reg"], 1e-3);
        assert_eq!(network["iterations"], 3);
        assert_eq!(network["losses"].as_array().unwrap().len(), 3);
        assert_eq!(network["W"].as_array().unwrap().len(), D);
        assert_eq!(network["W"][0].as_array().unwrap().len(), HIDDEN);
        assert_eq!(network["b2"].as_array().unwrap().len(), K);
        let w_before = before.value(before.ids().next().unwrap());
        assert_eq!(
            network["W"][1][7],
            w_before[[1, 7]],
            "parameters before the first step"
        );
        assert_ne!(
            net.parameters().value(net.ids()[0])[[1, 7]],
            w_before[[1, 7]]
        );
        assert_eq!(dump["linear"]["b"], json!([0.0, 0.0, 0.0]));
    }
}
