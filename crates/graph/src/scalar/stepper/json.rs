//! The page's data as JSON, written here rather than with `serde_json`:
//! the data is a few flat arrays of strings and integers, and linking
//! `serde_json` into `backprop-graph` would make `f64 == _` ambiguous
//! (its `PartialEq<Value>` impls) in every crate that depends on the graph.

/// A JSON value of the page's data.
pub(super) enum Json {
    /// `null`.
    Null,
    /// A non-negative integer (positions, counts).
    Int(usize),
    /// A string (every number is written by Rust as text).
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in order.
    Obj(Vec<(&'static str, Json)>),
}

impl From<usize> for Json {
    fn from(n: usize) -> Json {
        Json::Int(n)
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::Str(s)
    }
}

impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(v: Option<T>) -> Json {
        v.map_or(Json::Null, Into::into)
    }
}

impl Json {
    /// The JSON text. `<` is written `\u003c`, so the text can sit inside
    /// a `<script>` element whatever the strings hold. (The data nests a
    /// fixed four levels deep, whatever the graph's size.)
    pub(super) fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Int(n) => out.push_str(&n.to_string()),
            Json::Str(s) => string(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (k, (key, value)) in fields.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string literal.
fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_for_json_and_for_a_script_element() {
        let mut out = String::new();
        Json::Obj(vec![
            ("a", Json::Str("\"\\</script>\u{1}\n\u{2028}é".into())),
            ("b", Json::Arr(vec![Json::Int(3), Json::Null])),
        ])
        .write(&mut out);
        assert_eq!(
            out,
            r#"{"a":"\"\\\u003c/script>\u0001\u000a\u2028é","b":[3,null]}"#
        );
    }
}
