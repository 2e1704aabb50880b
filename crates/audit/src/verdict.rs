//! The audit as a `backprop-report` report (`report.json`, `junit.xml`,
//! `report.md`, `report.html`) and its verdict, the exit rule.

use backprop_report::{KnownFinding, Report};

use crate::Audit;

/// The CPU model (`model name` of `/proc/cpuinfo`; the architecture where
/// there is none), for reports and benchmark figures.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

impl Audit {
    /// The report of the audit titled `title`: every check, the known
    /// findings (each linked to its file, with the command that audits its
    /// smallest failing configuration:
    /// [`Finding::audit_command`](crate::Finding::audit_command)), the
    /// seed, filter, CPU, wall time and the adapter's `properties`
    /// (versions, device, oracle).
    pub fn to_report(&self, title: &str, properties: &[(&str, &str)]) -> Report {
        let mut report = Report::new(title)
            .with_seed(self.options.seed)
            .with_filter(self.options.filter.clone());
        for (name, value) in properties {
            report = report.with_property(*name, *value);
        }
        if let Some(dtype) = self.options.dtype {
            report = report.with_property("dtype", dtype.name());
        }
        report = report
            .with_property("cpu", cpu_model())
            .with_seconds(self.seconds)
            .with_known_findings(
                self.findings
                    .iter()
                    .map(|f| {
                        KnownFinding::new(f.advisory.id.clone(), f.advisory.title.clone())
                            .with_reference(f.path())
                    })
                    .collect(),
            );
        for c in &self.checks {
            report.push(c.clone());
        }
        // Each known finding with the command that audits its smallest
        // failing configuration alone.
        let states = report.finding_states();
        for (finding, known) in self.findings.iter().zip(&mut report.known_findings) {
            let smallest = states
                .iter()
                .find(|s| s.finding.id == finding.advisory.id)
                .and_then(|s| s.smallest());
            let check = smallest.and_then(|q| self.checks.iter().find(|c| c.qualified_name() == q));
            known.reproducer =
                check.and_then(|c| finding.audit_command(&c.name, self.options.seed));
        }
        report
    }

    /// The exit rule: `true` when the failing checks are exactly those the
    /// known findings claim and every known finding still reproduces (a
    /// known finding whose checks now pass, or that no check claims in an
    /// unfiltered run, fails the audit: the framework changed).
    pub fn passed(&self) -> bool {
        self.to_report("audit", &[]).passed()
    }
}
