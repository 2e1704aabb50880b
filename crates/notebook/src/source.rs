//! The notebook itself, committed next to the replays, and the printed
//! output of each of its cells.

/// The lecture notebook's text, exactly as given.
pub const NOTEBOOK: &str = include_str!("../data/backprop-notebook.txt");

/// The output the notebook printed for cell `In [number]`, with a trailing
/// newline after each line, or `None` if there is no such cell.
///
/// A cell's output is the paragraph right after its last `print(` line.
pub fn notebook_output(number: u32) -> Option<String> {
    let header = format!("In [{number}]:");
    let lines: Vec<&str> = NOTEBOOK.lines().collect();
    let start = lines.iter().position(|l| l.trim_end() == header)? + 1;
    let end = lines[start..]
        .iter()
        .position(|l| l.starts_with("In ["))
        .map_or(lines.len(), |i| start + i);
    let cell = &lines[start..end];
    let last_print = cell.iter().rposition(|l| l.starts_with("print("))?;
    let output: Vec<&str> = cell[last_print + 1..]
        .iter()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .copied()
        .collect();
    Some(output.iter().map(|l| format!("{l}\n")).collect())
}
