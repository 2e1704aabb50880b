//! What a figure was measured on — CPU model, the instruction set the
//! matrix kernels dispatched to, thread count, load — added to every JSON
//! row and printed above the table, so figures from different machines are
//! never confused.

use serde::Serialize;
use serde_json::{Value, json};

/// The machine facts every row carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    /// CPU model, family and model numbers (`/proc/cpuinfo`), e.g.
    /// `"AMD EPYC (family 26, model 2)"`.
    pub cpu: String,
    /// Instruction set of our matrix kernels on this CPU
    /// (`backprop_tensor::matmul_kernel`): `"avx512"`, `"avx2"`, ...
    pub isa: &'static str,
    /// The library behind our matrix kernels (`"faer"` or `"blas"`).
    pub backend: &'static str,
    /// Threads of rayon's pool (every parallel product runs on it).
    pub threads: usize,
    /// One-minute load average when the row was measured (`/proc/loadavg`),
    /// `null` where unknown.
    pub load: Option<f64>,
}

impl Machine {
    /// This machine, now.
    pub fn now() -> Machine {
        let kernel = backprop_tensor::matmul_kernel();
        Machine {
            cpu: cpu_model(),
            isa: kernel.isa,
            backend: kernel.backend,
            threads: rayon::current_num_threads(),
            load: load_average().and_then(|l| l.split_whitespace().next()?.parse().ok()),
        }
    }

    /// One line for the top of the table.
    pub fn describe(&self) -> String {
        format!(
            "CPU: {}; matmul kernels: {} ({}); {} threads",
            self.cpu, self.backend, self.isa, self.threads
        )
    }

    /// `row` as one JSON object with this machine's fields appended, in
    /// their declared order — those the row does not set itself (NumPy's
    /// rows name their own BLAS's kernel family as `"isa"` and its thread
    /// count).
    pub fn tag<T: Serialize>(&self, row: &T) -> String {
        let text = serde_json::to_string(row).expect("benchmark rows serialise");
        let Ok(Value::Object(present)) = serde_json::from_str::<Value>(&text) else {
            panic!("a benchmark row must be a JSON object, got {text}")
        };
        let fields = [
            ("cpu", json!(self.cpu)),
            ("isa", json!(self.isa)),
            ("backend", json!(self.backend)),
            ("threads", json!(self.threads)),
            ("load", json!(self.load)),
        ];
        let mut out = text[..text.len() - 1].to_owned(); // without the closing brace
        for (key, value) in fields {
            if !present.contains_key(key) {
                if out.len() > 1 {
                    out.push(',');
                }
                out.push_str(&format!("\"{key}\":{value}"));
            }
        }
        out.push('}');
        out
    }
}

/// The 1, 5 and 15 minute load averages, from `/proc/loadavg` where it
/// exists.
pub fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// `model name (family F, model M)` of the first CPU in `/proc/cpuinfo`
/// (virtual machines often report only a brand such as "AMD EPYC"; the
/// family tells generations apart, e.g. 25 is Zen 3/4 and 26 Zen 5), or
/// the architecture name where there is no such file.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| parse_cpuinfo(&text))
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned())
}

fn parse_cpuinfo(text: &str) -> Option<String> {
    let field = |name: &str| {
        text.lines()
            .take_while(|l| !l.trim().is_empty()) // the first processor only
            .find_map(|l| {
                let (key, value) = l.split_once(':')?;
                (key.trim() == name).then(|| value.trim().to_owned())
            })
    };
    let model_name = field("model name")?;
    Some(match (field("cpu family"), field("model")) {
        (Some(family), Some(model)) => format!("{model_name} (family {family}, model {model})"),
        _ => model_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_model_names_the_first_processor_with_family_and_model() {
        let text = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n\
                    model\t\t: 2\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: other\n";
        assert_eq!(
            parse_cpuinfo(text).as_deref(),
            Some("AMD EPYC (family 26, model 2)")
        );
        assert_eq!(
            parse_cpuinfo("model name\t: Intel Xeon\n").as_deref(),
            Some("Intel Xeon")
        );
        assert_eq!(parse_cpuinfo("processor\t: 0\n"), None);
    }

    #[test]
    fn rows_get_the_machine_fields_they_do_not_set() {
        let machine = Machine {
            cpu: "AMD EPYC (family 26, model 2)".into(),
            isa: "avx512",
            backend: "faer",
            threads: 2,
            load: Some(0.5),
        };
        #[derive(Serialize)]
        struct Row {
            op: &'static str,
            isa: &'static str,
        }
        assert_eq!(
            machine.tag(&Row {
                op: "numpy",
                isa: "SkylakeX"
            }),
            r#"{"op":"numpy","isa":"SkylakeX","cpu":"AMD EPYC (family 26, model 2)","backend":"faer","threads":2,"load":0.5}"#
        );
    }
}
