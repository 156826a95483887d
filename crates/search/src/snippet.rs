//! Snippet HTML: matched ranges in `<mark>`, everything else escaped.

use std::ops::Range;

/// Snippet length in characters.
pub(crate) const SNIPPET_CHARS: usize = 160;

/// Only this much of a long text is searched for a snippet, which keeps a 100 KB body
/// from costing a full segmentation per hit; a match further in gives the text's start.
pub(crate) const SNIPPET_SOURCE_BYTES: usize = 16 * 1024;

/// `s` cut to at most `max` bytes at a character boundary.
pub(crate) fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

pub(crate) fn snippet_source(text: &str) -> &str {
    truncate_bytes(text, SNIPPET_SOURCE_BYTES)
}

/// The first [`SNIPPET_CHARS`] characters of `text`.
pub(crate) fn prefix(text: &str) -> &str {
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'`, so the result is safe in element content and in
/// quoted attributes.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// `fragment` as HTML with the byte ranges `marks` (sorted, non-overlapping, as tantivy
/// gives them) wrapped in `<mark>`. Ranges that do not fit the fragment are ignored.
pub(crate) fn render(fragment: &str, marks: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(fragment.len() + 16 * marks.len());
    let mut at = 0;
    for m in marks {
        let (Some(before), Some(marked)) = (fragment.get(at..m.start), fragment.get(m.clone()))
        else {
            continue;
        };
        escape_html(before, &mut html);
        html.push_str("<mark>");
        escape_html(marked, &mut html);
        html.push_str("</mark>");
        at = m.end;
    }
    escape_html(fragment.get(at..).unwrap_or(""), &mut html);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_escapes_around_and_inside_marks() {
        let text = "<script>x</script> 储能 & \"q\"";
        let start = text.find("储能").unwrap_or(0);
        let marks: Vec<Range<usize>> = std::iter::once(start..start + "储能".len()).collect();
        let html = render(text, &marks);
        assert_eq!(
            html,
            "&lt;script&gt;x&lt;/script&gt; <mark>储能</mark> &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn bad_ranges_are_ignored_not_panicked_on() {
        let html = render("储能", &[1..2, 0..100]);
        assert_eq!(html, "储能");
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_bytes("储能", 4), "储");
        assert_eq!(truncate_bytes("储能", 100), "储能");
        assert_eq!(prefix(&"字".repeat(500)).chars().count(), SNIPPET_CHARS);
    }
}
