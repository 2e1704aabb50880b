//! The example's pictures, as SVG drawn with `plotters`: a model's decision
//! regions over the spiral, and the loss curves.

use backprop_tensor::case_study::{self, Classifier, Spiral};
use ndarray::Array2;
use plotters::prelude::*;

/// One colour per class (ColorBrewer "Set1": red, blue, green).
const CLASS_COLORS: [RGBColor; 3] = [
    RGBColor(228, 26, 28),
    RGBColor(55, 126, 184),
    RGBColor(77, 175, 74),
];

/// The grid step of the decision regions, as in the case study's plot.
const STEP: f64 = 0.02;

type Error = Box<dyn std::error::Error>;

/// The colour of class `k`.
fn color(k: usize) -> RGBColor {
    CLASS_COLORS[k % CLASS_COLORS.len()]
}

/// The model's predicted class over a grid covering the data with a margin
/// of 1 (the case study's `np.meshgrid(np.arange(x_min, x_max, h), ...)`),
/// drawn as light regions, with the data points on top.
pub fn regions(
    model: &impl Classifier,
    data: &Spiral,
    title: &str,
    accuracy: f64,
) -> Result<String, Error> {
    let column = |j: usize| data.x.column(j).iter().copied().collect::<Vec<f64>>();
    let bounds = |v: Vec<f64>| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min) - 1.0;
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max) + 1.0;
        (lo, hi)
    };
    let ((x_lo, x_hi), (y_lo, y_hi)) = (bounds(column(0)), bounds(column(1)));
    let (nx, ny) = (
        ((x_hi - x_lo) / STEP).ceil() as usize,
        ((y_hi - y_lo) / STEP).ceil() as usize,
    );
    let grid = Array2::from_shape_fn((nx * ny, 2), |(i, j)| match j {
        0 => x_lo + (i % nx) as f64 * STEP,
        _ => y_lo + (i / nx) as f64 * STEP,
    });
    let classes = case_study::predict(model, grid.view())?;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (520, 520)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{title}: training accuracy {accuracy:.2}"),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
        chart.configure_mesh().disable_mesh().draw()?;
        // One rectangle per run of equal predictions along a grid row, so
        // the file stays small.
        let mut cells = Vec::new();
        for row in 0..ny {
            let y = y_lo + row as f64 * STEP;
            let mut start = 0;
            for col in 1..=nx {
                let class = classes[row * nx + start];
                if col == nx || classes[row * nx + col] != class {
                    let (x0, x1) = (x_lo + start as f64 * STEP, x_lo + col as f64 * STEP);
                    cells.push(Rectangle::new(
                        [(x0, y), (x1.min(x_hi), (y + STEP).min(y_hi))],
                        color(class).mix(0.3).filled(),
                    ));
                    start = col;
                }
            }
        }
        chart.draw_series(cells)?;
        chart.draw_series(
            data.x
                .rows()
                .into_iter()
                .zip(data.y.iter())
                .map(|(p, &k)| Circle::new((p[0], p[1]), 3, color(k).filled())),
        )?;
        root.present()?;
    }
    Ok(svg)
}

/// Both loss curves against the iteration, on a log-scale iteration axis
/// (the linear classifier's 200 steps and the network's 10,000).
pub fn losses(linear: &[f64], network: &[f64]) -> Result<String, Error> {
    let top = linear.iter().chain(network).copied().fold(0.0, f64::max) * 1.05;
    let last = network.len().max(linear.len()) as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "training loss (data loss + regularization)",
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d((1.0..last).log_scale(), 0.0..top)?;
        chart
            .configure_mesh()
            .x_desc("iteration + 1 (log scale)")
            .y_desc("loss")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;
        for (losses, name, color) in [
            (linear, "softmax linear classifier", RGBColor(55, 126, 184)),
            (network, "two-layer network", RGBColor(228, 26, 28)),
        ] {
            chart
                .draw_series(LineSeries::new(
                    losses.iter().enumerate().map(|(i, &l)| ((i + 1) as f64, l)),
                    color.stroke_width(1),
                ))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}
