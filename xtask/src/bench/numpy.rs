//! The NumPy side of the matmul comparison: `xtask/scripts/numpy_matmul.py`
//! run on one shape and element type at a time, right after ours in every
//! round, so both see the same load.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::matmul::{self, Dtype, Shape};

/// The script's JSON line for one shape.
#[derive(Deserialize, Debug, Clone)]
pub struct Measurement {
    pub dtype: String,
    pub b: usize,
    pub m: usize,
    pub k: usize,
    pub n: usize,
    pub forward_s: f64,
    pub backward_s: f64,
    /// OpenBLAS's kernel family (`"SkylakeX"`, `"Haswell"`, ...) or
    /// `"unknown"`.
    pub isa: String,
    /// The line as the script printed it.
    #[serde(skip)]
    pub raw: serde_json::Value,
}

impl Measurement {
    /// Keeps the better of each time: this one's or `other`'s (another
    /// round of the same shape and type), in the fields and the raw line.
    pub fn keep_best(&mut self, other: &Measurement) {
        self.forward_s = self.forward_s.min(other.forward_s);
        self.backward_s = self.backward_s.min(other.backward_s);
        self.raw["forward_s"] = self.forward_s.into();
        self.raw["backward_s"] = self.backward_s.into();
    }
}

/// Runs the script on `shape` in `dtype`, best of `runs`.
///
/// `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` are removed for this command
/// alone: some machines set them to work around old OpenBLAS builds, and
/// they slow a current NumPy down; we compare against NumPy at its best.
pub fn measure(
    script: &Path,
    shape: Shape,
    dtype: Dtype,
    runs: usize,
) -> Result<Measurement, String> {
    let output = Command::new("python3")
        .arg(script)
        .arg(shape.to_string())
        .args(["--dtype", dtype.name(), "--runs", &runs.to_string()])
        .env_remove("OPENBLAS_CORETYPE")
        .env_remove("OPENBLAS_L2_SIZE")
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
    let mut parsed: Measurement =
        serde_json::from_str(line).map_err(|e| format!("unexpected line {line:?}: {e}"))?;
    if (parsed.b, parsed.m, parsed.k, parsed.n) != (shape.b, shape.m, shape.k, shape.n)
        || parsed.dtype != dtype.name()
    {
        return Err(format!(
            "asked for {shape} {}, NumPy measured {line}",
            dtype.name()
        ));
    }
    parsed.raw =
        serde_json::from_str(line).map_err(|e| format!("unexpected line {line:?}: {e}"))?;
    Ok(parsed)
}

/// One JSON line comparing both, measured back to back:
/// `{"op":"matmul_vs_numpy","dtype":..,...,"forward_ratio":..,"backward_ratio":..}`,
/// each ratio NumPy's time over ours (above 1: we are faster).
#[derive(Serialize)]
pub struct Comparison {
    op: &'static str,
    dtype: &'static str,
    numpy_isa: String,
    b: usize,
    m: usize,
    k: usize,
    n: usize,
    forward_ratio: f64,
    backward_ratio: f64,
    backward_over_forward: f64,
}

impl Comparison {
    pub fn new(ours: &matmul::Measurement, numpy: &Measurement) -> Comparison {
        Comparison {
            op: "matmul_vs_numpy",
            dtype: ours.dtype,
            numpy_isa: numpy.isa.clone(),
            b: ours.b,
            m: ours.m,
            k: ours.k,
            n: ours.n,
            forward_ratio: numpy.forward_s / ours.forward_s,
            backward_ratio: numpy.backward_s / ours.backward_s,
            backward_over_forward: ours.backward_s / ours.forward_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_keep_the_best_times_in_the_fields_and_the_raw_line() {
        let round = |line: &str| {
            let mut m: Measurement = serde_json::from_str(line).unwrap();
            m.raw = serde_json::from_str(line).unwrap();
            m
        };
        let mut best = round(
            r#"{"dtype":"f64","b":1,"m":2,"k":3,"n":4,"forward_s":0.5,"backward_s":1.0,"isa":"Haswell"}"#,
        );
        best.keep_best(&round(
            r#"{"dtype":"f64","b":1,"m":2,"k":3,"n":4,"forward_s":0.25,"backward_s":2.0,"isa":"Haswell"}"#,
        ));
        assert_eq!((best.forward_s, best.backward_s), (0.25, 1.0));
        assert_eq!(best.raw["forward_s"], 0.25);
        assert_eq!(best.raw["backward_s"], 1.0);
        assert_eq!(best.raw["isa"], "Haswell");
    }
}
