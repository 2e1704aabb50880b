//! Reading `explain`'s text and the step-by-step page it writes.

use serde_json::Value;

/// The page's data: the JSON in `<script type="application/json">`.
pub fn page_data(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"bp-data\">";
    let start = html.find(open).expect("the data script") + open.len();
    let end = start + html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..end]).expect("valid JSON")
}

/// The lines of `explain`'s text between the line starting with `from`
/// and the next line starting with `to`.
fn section<'a>(text: &'a str, from: &str, to: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| !l.starts_with(from))
        .skip(1)
        .take_while(|l| !l.starts_with(to))
        .collect()
}

/// `explain`'s forward stages: `(reference, value)` of each `[k]` row.
pub fn forward_stages(explain: &str) -> Vec<(String, String)> {
    section(explain, "forward pass", "backward pass")
        .into_iter()
        .filter(|l| l.trim_start().starts_with('['))
        .map(|l| {
            let reference = l.split_whitespace().next().expect("[k]").to_owned();
            let value = l.rsplit(" = ").next().expect("= value").to_owned();
            (reference, value)
        })
        .collect()
}

/// `explain`'s backward steps: the reference of each stage sending.
pub fn backward_steps(explain: &str) -> Vec<String> {
    section(explain, "backward pass", "gradients")
        .into_iter()
        .filter(|l| l.starts_with("  [") && l.contains("; upstream "))
        .map(|l| l.split_whitespace().next().expect("[k]").to_owned())
        .collect()
}

/// Nothing is fetched: no external script, style, font, image or link;
/// the only URL is the SVG namespace.
pub fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for banned in [
        " src=",
        " href=",
        "@import",
        "<link",
        "<iframe",
        "<img",
        "fetch(",
        "xmlhttprequest",
    ] {
        assert!(!lower.contains(banned), "{banned} in the page");
    }
    for (i, _) in lower.match_indices("url(") {
        assert!(
            lower[i..].starts_with("url(#"),
            "only local url(#id) references"
        );
    }
    for (i, _) in lower.match_indices("http") {
        assert!(
            lower[i..].starts_with("http://www.w3.org/2000/svg"),
            "only the SVG namespace names a URL"
        );
    }
    assert_eq!(
        lower.matches("<script").count(),
        2,
        "the data and our script"
    );
}
