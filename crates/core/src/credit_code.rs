//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! 18 characters from the 31-character set `0-9 A-Z` without `I O Z S V`:
//! position 1 the registering authority, 2 the organisation category, 3–8 the
//! administrative division code, 9–17 the organisation identifier, 18 the check
//! character. The check character is `31 − (Σ cᵢ·wᵢ mod 31)` with `wᵢ = 3^(i−1) mod 31`
//! (a result of 31 is written `0`).

use crate::error::FieldError;
use std::fmt;

const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A 统一社会信用代码 whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CreditCode(String);

fn value_of(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// The check character for the first 17 characters, if they are all valid.
pub fn check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in b.iter().enumerate() {
        sum += value_of(c)? * WEIGHTS[i];
    }
    let r = 31 - sum % 31;
    Some(CHARSET[if r == 31 { 0 } else { r as usize }] as char)
}

impl CreditCode {
    /// Parses a code as typed: surrounding spaces, full-width characters and lower
    /// case are accepted; the result is the canonical upper-case form. Errors are
    /// reported against the field `credit_code`:
    /// `credit_code_length`, `credit_code_char` (position, character),
    /// `credit_code_division` (positions 3–8 must be digits), `credit_code_check_char`
    /// (expected, found).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = crate::text::half_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let field = "credit_code";
        let n = s.chars().count();
        if n != 18 {
            return Err(FieldError::new(field, "credit_code_length")
                .with("value", input.trim())
                .with("length", n));
        }
        for (i, c) in s.chars().enumerate() {
            if !c.is_ascii() || value_of(c as u8).is_none() {
                return Err(FieldError::new(field, "credit_code_char")
                    .with("value", input.trim())
                    .with("position", i + 1)
                    .with("char", c));
            }
        }
        if !s[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(field, "credit_code_division").with("value", input.trim()));
        }
        let expected =
            check_char(&s[..17]).ok_or_else(|| FieldError::new(field, "credit_code_char"))?;
        let found = s.as_bytes()[17] as char;
        if expected != found {
            return Err(FieldError::new(field, "credit_code_check_char")
                .with("value", input.trim())
                .with("expected", expected)
                .with("found", found));
        }
        Ok(CreditCode(s))
    }

    /// Builds a valid code from 17 leading characters by appending the check character.
    pub fn complete(first17: &str) -> Option<Self> {
        let c = check_char(first17)?;
        if !first17[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(CreditCode(format!("{first17}{c}")))
    }

    /// The canonical 18-character form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The administrative division code (positions 3–8).
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_examples() {
        // The example printed in many explanations of GB 32100-2015.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("911100007109288314").is_ok());
    }

    #[test]
    fn normalises_case_spaces_and_full_width() {
        let c = CreditCode::parse(" ９１３５０１００m０００１００y４３ ").unwrap();
        assert_eq!(c.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn refuses_a_wrong_check_character_naming_the_right_one() {
        let e = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert_eq!(e.code, "credit_code_check_char");
        assert_eq!(e.param("expected"), Some("3"));
        assert_eq!(e.param("found"), Some("4"));
        assert!(e.message().contains("校验"), "{}", e.message());
    }

    #[test]
    fn refuses_wrong_length_and_excluded_letters() {
        assert_eq!(
            CreditCode::parse("9135010").unwrap_err().code,
            "credit_code_length"
        );
        let e = CreditCode::parse("91350100M000100I43").unwrap_err();
        assert_eq!(e.code, "credit_code_char");
        assert_eq!(e.param("position"), Some("16"));
        assert_eq!(
            CreditCode::parse("9135A100M000100Y43").unwrap_err().code,
            "credit_code_division"
        );
    }

    #[test]
    fn complete_appends_a_check_character_that_parses() {
        let c = CreditCode::complete("91500224MA5U0000X").unwrap();
        assert!(CreditCode::parse(c.as_str()).is_ok());
    }

    #[test]
    fn check_char_maps_a_remainder_of_31_to_zero() {
        // Search a prefix whose weighted sum is ≡ 0 mod 31, so 31 − 0 = 31 → '0'.
        let mut found = false;
        for n in 0..2000u32 {
            let p = format!("91500224{:09}", n);
            let sum: u32 = p
                .bytes()
                .enumerate()
                .map(|(i, c)| value_of(c).unwrap() * WEIGHTS[i])
                .sum();
            if sum.is_multiple_of(31) {
                assert_eq!(check_char(&p), Some('0'));
                found = true;
                break;
            }
        }
        assert!(found);
    }
}
