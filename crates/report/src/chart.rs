//! The worst relative error of every rule, as a horizontal bar chart on a
//! log scale (SVG, drawn with `plotters`): one row per rule, its f64 check
//! above and its f32 check below, coloured by outcome.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::{CheckResult, Outcome};

/// Errors below this are drawn at this floor (an exact match is `0`).
const FLOOR: f64 = 1e-18;
/// CS231n's guide lines: below 1e-7 is good, above 1e-2 is wrong.
const GOOD: f64 = 1e-7;
const WRONG: f64 = 1e-2;

const ROW_HEIGHT: u32 = 18;
const WIDTH: u32 = 1000;
const LABEL_WIDTH: u32 = 330;

/// One row: a rule and the check of each type.
struct Row<'a> {
    label: String,
    f64: Option<&'a CheckResult>,
    f32: Option<&'a CheckResult>,
}

fn rows(checks: &[CheckResult]) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = Vec::new();
    // A failure without an error figure (a missing gradient, a panic) is
    // drawn too, as a full bar: every failure shows in the chart.
    for c in checks
        .iter()
        .filter(|c| c.worst_rel_error.is_some() || !c.outcome().is_ok())
    {
        let label = format!("{}/{}", c.suite, c.rule);
        let i = match rows.iter().position(|r| r.label == label) {
            Some(i) => i,
            None => {
                rows.push(Row {
                    label,
                    f64: None,
                    f32: None,
                });
                rows.len() - 1
            }
        };
        match c.dtype.as_deref() {
            Some("f32") => rows[i].f32 = Some(c),
            _ => rows[i].f64 = Some(c),
        }
    }
    rows
}

/// An SVG chart, or `None` when no check reported a relative error and
/// none failed.
pub(crate) fn render(checks: &[CheckResult]) -> Option<String> {
    let rows = rows(checks);
    if rows.is_empty() {
        return None;
    }
    let height = 70 + ROW_HEIGHT * rows.len() as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        draw(&root, &rows).ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

fn bar_color(c: &CheckResult, base: RGBColor) -> RGBAColor {
    match c.outcome() {
        Outcome::Passed => base.mix(0.85),
        Outcome::Kink => RGBColor(230, 160, 0).mix(0.9),
        Outcome::Known => RGBColor(130, 80, 223).mix(0.9),
        Outcome::Skipped => RGBColor(150, 150, 150).mix(0.9),
        Outcome::Failed | Outcome::NotReproduced => RED.mix(0.9),
    }
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    rows: &[Row<'_>],
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    root.fill(&WHITE)?;
    let n = rows.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(LABEL_WIDTH)
        .build_cartesian_2d((FLOOR..1.0).log_scale(), 0.0..n)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("worst relative error (log scale; exact matches drawn at 1e-18)")
        .x_label_formatter(&|v| format!("{v:.0e}"))
        .draw()?;

    let f64_color = RGBColor(46, 125, 50);
    let f32_color = RGBColor(102, 187, 106);
    let mut bars = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        // Row 0 at the top.
        let top = n - i as f64;
        let halves = [
            (row.f64, top - 0.08, top - 0.5, f64_color),
            (row.f32, top - 0.5, top - 0.92, f32_color),
        ];
        for (check, y0, y1, color) in halves {
            let Some(c) = check else { continue };
            let e = c.worst_rel_error.unwrap_or(1.0);
            let e = if e.is_finite() {
                e.clamp(FLOOR, 1.0)
            } else {
                1.0
            };
            bars.push(Rectangle::new(
                [(FLOOR, y0), (e, y1)],
                bar_color(c, color).filled(),
            ));
        }
    }
    chart.draw_series(bars)?;
    for (threshold, color) in [(GOOD, BLUE), (WRONG, RED)] {
        chart.draw_series(LineSeries::new(
            [(threshold, 0.0), (threshold, n)],
            color.stroke_width(1),
        ))?;
    }

    let label_style = ("sans-serif", 12)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (i, row) in rows.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(FLOOR, n - i as f64 - 0.5));
        root.draw(&Text::new(
            row.label.clone(),
            (x - 6, y),
            label_style.clone(),
        ))?;
    }
    Ok(())
}
