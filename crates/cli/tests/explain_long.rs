//! `explain` on an expression whose explanation is far longer than one of
//! the 64 KiB chunks it is written in: every line still where the formulas
//! of `x*y + x*y + …` put it.

mod common;

use common::backprop_with_stdin;

#[test]
fn a_long_explanation_is_whole_and_aligned() {
    let n = 3000; // terms: 2n - 1 stages, about 1.5 MB of explanation
    let sum = vec!["x*y"; n].join(" + ");
    let run = backprop_with_stdin(&["explain", "-", "x=2", "y=3"], Some(&sum));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.len() > 1 << 20, "{} bytes", run.stdout.len());
    let lines: Vec<&str> = run.stdout.lines().collect();
    let stages = 2 * n - 1;
    // Header 2, blank, title, inputs 2, stages; blank, 3 lines of title,
    // the output's line, 3 per stage; blank, title, 2 gradients.
    assert_eq!(
        lines.len(),
        2 + 1 + 1 + 2 + stages + 1 + 3 + 1 + 3 * stages + 1 + 1 + 2
    );

    // Forward rows: columns aligned on every row; stage 2j+1 (j >= 1) is
    // the sum of the first j+1 terms, 6 each.
    let forward = &lines[4..6 + stages];
    // Columns in characters (`…` is three bytes).
    let column = |row: &str, byte: usize| row[..byte].chars().count();
    let equals = column(forward[0], forward[0].find(" = ").unwrap());
    let name_start = column(forward[0], forward[0].find('x').unwrap()); // the first input
    for row in forward {
        let first_equals = row.find(" = ").unwrap();
        assert_eq!(column(row, first_equals), equals, "{row}");
        let name: String = row[..first_equals].chars().skip(name_start).collect();
        assert!(
            name.trim_end().chars().count() <= backprop_expr::NAME_LIMIT,
            "{row}"
        );
    }
    for j in 1..n {
        let row = forward[2 + 2 * j];
        let stage = format!("[{}]", 2 * j + 1);
        assert!(row.trim_start().starts_with(&stage), "{row}");
        assert!(row.ends_with(&format!(" = {}.0", 6 * (j + 1))), "{row}");
    }
    assert!(
        forward[2 + 2 * 2].contains("x*y + x*y + x*y "),
        "{}",
        forward[6]
    );
    assert!(forward[2 + 2 * 20].contains(" … "), "{}", forward[42]);

    // Backward: x receives 3.0 from each product, in order.
    let totals: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.split_once("; dx is now ").map(|(_, t)| t))
        .collect();
    let expected: Vec<String> = (1..=n).map(|i| format!("{}.0", 3 * i)).collect();
    assert_eq!(totals, expected);
    assert_eq!(
        &lines[lines.len() - 3..],
        [
            "gradients",
            &format!("  df/dx = {}.0", 3 * n),
            &format!("  df/dy = {}.0", 2 * n)
        ]
    );
}
