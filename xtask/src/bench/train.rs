//! The `train_spiral` row: one training step of the CS231n case study's
//! two-layer network (300 spiral points, 2 inputs, 100 hidden units, 3
//! classes) through `backprop-tensor` — record the loss on a new graph,
//! backward, SGD update — against the case study's NumPy step
//! (`xtask/scripts/numpy_train_spiral.py`) run right after it.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use backprop_tensor::case_study::{self, Hyperparameters, TwoLayerNet};
use backprop_tensor::optim::Sgd;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

/// The case study's sizes.
const POINTS_PER_CLASS: usize = 100;
const CLASSES: usize = 3;
const INPUTS: usize = 2;
const HIDDEN: usize = 100;

/// The NumPy script, relative to the workspace root.
pub const SCRIPT: &str = "xtask/scripts/numpy_train_spiral.py";

/// `{"op":"train_spiral",...,"step_s":..,"numpy_step_s":..}`: the best
/// time per step of ours and NumPy's, and NumPy's over ours (above 1: we
/// are faster).
#[derive(Serialize, Debug, Clone)]
pub struct Measurement {
    op: &'static str,
    pub n: usize,
    pub d: usize,
    pub hidden: usize,
    pub classes: usize,
    /// Steps per timed batch.
    pub steps: usize,
    pub step_s: f64,
    pub numpy_step_s: Option<f64>,
    pub numpy_over_ours: Option<f64>,
    /// The NumPy version, when NumPy ran.
    pub numpy: Option<String>,
    pub cpu: String,
}

/// The script's JSON line.
#[derive(Deserialize)]
struct NumpyLine {
    steps: usize,
    numpy_step_s: f64,
    numpy: String,
}

/// Rounds of ours-then-NumPy: on a shared machine the load changes from
/// second to second, and alternating gives both sides the quiet moments.
const ROUNDS: usize = 5;

/// Our step: the best of `runs` timed batches of `steps` training steps
/// (after one untimed batch), divided by `steps`; then NumPy's, if
/// `script` is given, with OpenBLAS's default threads and with one thread;
/// [`ROUNDS`] times alternately, the best of each side counting.
///
/// # Errors
///
/// When the NumPy script cannot run or prints something unexpected.
pub fn measure(runs: usize, steps: usize, script: Option<&Path>) -> Result<Measurement, String> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let data = case_study::spiral(POINTS_PER_CLASS, CLASSES, &mut rng);
    let mut net = TwoLayerNet::new(INPUTS, HIDDEN, CLASSES, &mut rng);
    let hyper = Hyperparameters::NETWORK;
    let mut sgd = Sgd::new(hyper.step_size);
    let x = data.x.clone().into_dyn().into_shared();
    let mut batch = || -> Result<f64, String> {
        let start = Instant::now();
        for _ in 0..steps {
            case_study::step(&mut net, &x, &data.y, hyper.reg, &mut sgd)
                .map_err(|e| e.to_string())?;
        }
        Ok(start.elapsed().as_secs_f64())
    };
    batch()?;
    let mut best = f64::INFINITY;
    let mut numpy: Option<NumpyLine> = None;
    for _ in 0..ROUNDS {
        for _ in 0..runs {
            best = best.min(batch()?);
        }
        if let Some(script) = script {
            // NumPy at its best: OpenBLAS's own threads may help or hurt on
            // matrices this small, so both ways.
            for blas_threads in [None, Some("1")] {
                let line = numpy_step(script, runs, steps, blas_threads)?;
                if numpy
                    .as_ref()
                    .is_none_or(|n| line.numpy_step_s < n.numpy_step_s)
                {
                    numpy = Some(line);
                }
            }
        }
    }
    let step_s = best / steps as f64;
    Ok(Measurement {
        op: "train_spiral",
        n: POINTS_PER_CLASS * CLASSES,
        d: INPUTS,
        hidden: HIDDEN,
        classes: CLASSES,
        steps,
        step_s,
        numpy_step_s: numpy.as_ref().map(|n| n.numpy_step_s),
        numpy_over_ours: numpy.as_ref().map(|n| n.numpy_step_s / step_s),
        numpy: numpy.map(|n| n.numpy),
        cpu: cpu_model(),
    })
}

/// Runs the NumPy script with the same number of runs and steps, with
/// OpenBLAS limited to `blas_threads` if given.
fn numpy_step(
    script: &Path,
    runs: usize,
    steps: usize,
    blas_threads: Option<&str>,
) -> Result<NumpyLine, String> {
    let mut command = Command::new("python3");
    command
        .arg(script)
        .args(["--runs", &runs.to_string(), "--steps", &steps.to_string()])
        .env_remove("OPENBLAS_CORETYPE")
        .env_remove("OPENBLAS_L2_SIZE");
    if let Some(threads) = blas_threads {
        command.env("OPENBLAS_NUM_THREADS", threads);
    }
    let output = command
        .output()
        .map_err(|e| format!("could not start python3 {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} exited with {}: {}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|l| !l.trim().is_empty())
        .ok_or_else(|| format!("{} printed nothing", script.display()))?;
    let parsed: NumpyLine =
        serde_json::from_str(line).map_err(|e| format!("unexpected line {line:?}: {e}"))?;
    if parsed.steps != steps {
        return Err(format!("asked for {steps} steps, NumPy measured {line}"));
    }
    Ok(parsed)
}

/// The CPU's model name from `/proc/cpuinfo`, or `unknown`.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The human-readable lines of the row.
pub fn print(m: &Measurement) {
    println!();
    println!(
        "train_spiral ({} points, {} -> {} -> {}; best batch of {} steps over {ROUNDS} rounds of ours, then NumPy) on {}:",
        m.n, m.d, m.hidden, m.classes, m.steps, m.cpu
    );
    match (m.numpy_step_s, m.numpy_over_ours) {
        (Some(numpy), Some(ratio)) => println!(
            "  step {:.1} µs, NumPy's step {:.1} µs: NumPy time / ours = {ratio:.2}x (goal >= 1)",
            m.step_s * 1e6,
            numpy * 1e6
        ),
        _ => println!("  step {:.1} µs (NumPy not run)", m.step_s * 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_has_the_issues_fields() {
        let m = measure(1, 2, None).unwrap();
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["op"], "train_spiral");
        assert_eq!(json["n"], 300);
        assert_eq!(json["hidden"], 100);
        assert!(json["step_s"].as_f64().unwrap() > 0.0);
        assert!(json["numpy_step_s"].is_null());
    }
}
