//! Normalising text typed by people in Chinese office software.
//!
//! Excel users mix full-width and half-width punctuation (（）vs ()), ideographic
//! spaces, curly and straight quotes. Headers and enumerated values are compared
//! after [`fold`], so "产业集群（名称）" and "产业集群(名称)" are the same header.

/// Folds full-width ASCII to half-width, unifies quotes and dashes, drops all
/// whitespace (ASCII, ideographic and non-breaking) and upper-cases Latin letters.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        let c = match c {
            '“' | '”' | '„' | '‟' | '「' | '」' | '『' | '』' | '〝' | '〞' | '\'' | '‘' | '’' => {
                '"'
            }
            '—' | '–' | '―' | '‐' | '~' | '〜' => '-',
            '【' => '[',
            '】' => ']',
            '、' => ',',
            _ => c,
        };
        if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' {
            continue;
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// Trims ASCII and ideographic whitespace and zero-width characters at both ends.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}')
}

/// Half-width digits and Latin letters for a single value (codes, numbers),
/// keeping interior text otherwise as typed.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_treats_full_and_half_width_punctuation_and_spaces_alike() {
        assert_eq!(fold("产业集群（名称）"), fold("产业集群 (名称)"));
        assert_eq!(fold("专精特新“小巨人”"), fold("专精特新\"小巨人\""));
        assert_eq!(fold("ａｂｃ　１２"), "ABC12");
    }

    #[test]
    fn trim_removes_ideographic_space_and_bom() {
        assert_eq!(trim("\u{FEFF}\u{3000} 铜梁 \u{3000}"), "铜梁");
    }
}
