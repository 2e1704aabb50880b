//! NumPy's `_formatArray` (`numpy/_core/arrayprint.py`): nested brackets,
//! one row per line, blank lines between blocks, wrapping, and `...` for
//! summarised axes.
//!
//! The recursion follows the array's axes, so its depth is the number of
//! dimensions, never the number of elements.

use ndarray::{ArrayViewD, Axis};

use super::float_format::FloatFormat;

/// Line width in NumPy's default print options.
pub(crate) const LINE_WIDTH: usize = 75;
/// Arrays with more elements than this are summarised.
pub(crate) const THRESHOLD: usize = 1000;
/// Items kept at each end of a summarised axis.
pub(crate) const EDGE_ITEMS: usize = 3;

/// The indices of an axis of length `len` that are shown: all of them, or
/// the first and last [`EDGE_ITEMS`] with a gap (`true`) between.
fn shown(len: usize, summarise: bool) -> (Vec<usize>, bool) {
    if summarise && len > 2 * EDGE_ITEMS {
        let indices = (0..EDGE_ITEMS).chain(len - EDGE_ITEMS..len).collect();
        (indices, true)
    } else {
        ((0..len).collect(), false)
    }
}

/// The elements `str()` prints, in order (`_leading_trailing`): the
/// formatter's widths are measured on these only.
pub(crate) fn shown_values(a: &ArrayViewD<'_, f64>, summarise: bool, out: &mut Vec<f64>) {
    if a.ndim() == 0 {
        out.push(a[[]]);
        return;
    }
    let (indices, _) = shown(a.len_of(Axis(0)), summarise);
    for i in indices {
        shown_values(&a.index_axis(Axis(0), i), summarise, out);
    }
}

/// `_extendLine`: appends `word` to `line`, first moving `line` into `s`
/// and starting a new line if `word` would pass `line_width` (unless the
/// line holds nothing but its indent, where wrapping would not help).
fn extend_line(s: &mut String, line: &mut String, word: &str, line_width: usize, indent: &str) {
    let needs_wrap = line.len() + word.len() > line_width && line.len() > indent.len();
    if needs_wrap {
        s.push_str(line.trim_end());
        s.push('\n');
        line.clear();
        line.push_str(indent);
    }
    line.push_str(word);
}

/// Lays out an array (at least one axis) as NumPy's `str()` does.
pub(crate) struct Layout<'f> {
    pub(crate) format: &'f FloatFormat,
    pub(crate) summarise: bool,
}

impl Layout<'_> {
    /// `_formatArray`'s `recurser`: the text of `a`, whose first line
    /// starts after `hanging_indent` and whose lines end before `width`.
    pub(crate) fn render(
        &self,
        a: &ArrayViewD<'_, f64>,
        hanging_indent: &str,
        width: usize,
    ) -> String {
        if a.ndim() == 0 {
            return self.format.format(a[[]]);
        }
        let next_indent = format!("{hanging_indent} ");
        // one column less for the closing bracket
        let next_width = width.saturating_sub(1);
        let (indices, gap) = shown(a.len_of(Axis(0)), self.summarise);
        let gap_at = if gap { EDGE_ITEMS } else { usize::MAX };

        let mut s = String::new();
        if a.ndim() == 1 {
            // the last axis: elements separated by spaces, wrapped
            let elem_width = width.saturating_sub(1);
            let mut line = hanging_indent.to_string();
            for (k, &i) in indices.iter().enumerate() {
                if k == gap_at {
                    extend_line(&mut s, &mut line, "...", elem_width, hanging_indent);
                    line.push(' ');
                }
                let word = self.render(&a.index_axis(Axis(0), i), &next_indent, next_width);
                extend_line(&mut s, &mut line, &word, elem_width, hanging_indent);
                if k + 1 < indices.len() {
                    line.push(' ');
                }
            }
            s.push_str(&line);
        } else {
            // outer axes: one sub-array per line, plus a blank line per
            // axis below the next
            let line_sep = "\n".repeat(a.ndim() - 1);
            for (k, &i) in indices.iter().enumerate() {
                if k == gap_at {
                    s.push_str(hanging_indent);
                    s.push_str("...");
                    s.push_str(&line_sep);
                }
                s.push_str(hanging_indent);
                s.push_str(&self.render(&a.index_axis(Axis(0), i), &next_indent, next_width));
                if k + 1 < indices.len() {
                    s.push_str(&line_sep);
                }
            }
        }
        format!("[{}]", &s[hanging_indent.len()..])
    }
}
