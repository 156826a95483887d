//! The one jieba segmenter of the process, the domain dictionary, and the tantivy
//! tokenizer over them.
//!
//! The dictionary is built once ([`JIEBA`], about 150 ms) and shared by every index,
//! every indexing thread and every query: [`KechuangTokenizer`] is a zero-sized handle
//! to it, so tantivy's habit of cloning tokenizers per thread and per query costs
//! nothing. (`tantivy_jieba::JiebaTokenizer::with_jieba` owns its `Jieba`, so each of
//! those clones would copy the whole dictionary, and its shared global has no domain
//! dictionary; that is why this crate talks to jieba-rs directly.)

use std::sync::LazyLock;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The domain dictionary shipped with the crate (`dict/kechuang.dict`).
pub const DOMAIN_DICT: &str = include_str!("../dict/kechuang.dict");

/// Tokens longer than this (in bytes) are dropped: a 100 KB run of letters is not a word
/// anyone searches for, and tantivy rejects terms above 64 KB.
pub(crate) const MAX_TOKEN_BYTES: usize = 100;

/// The shared segmenter: jieba's default dictionary plus [`DOMAIN_DICT`].
pub(crate) static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for (word, freq) in domain_terms() {
        jieba.add_word(word, freq, None);
    }
    jieba
});

/// The terms of the domain dictionary with their optional frequency.
pub fn domain_terms() -> impl Iterator<Item = (&'static str, Option<usize>)> {
    DOMAIN_DICT.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next()?;
        let freq = parts.next().and_then(|f| f.parse().ok());
        Some((word, freq))
    })
}

/// One token: normalised text, byte range in the input, ordinal position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub text: String,
    pub from: usize,
    pub to: usize,
    pub position: usize,
}

/// Segments `text`.
///
/// `search_mode` (used for indexing) adds the dictionary words inside longer words, so
/// 北京大学 is also indexed as 北京 and 大学 and 新型储能 as 储能. Such inner words share the
/// position of the word that contains them, so positions count words and phrase
/// queries built from a default-mode segmentation of the query still line up.
///
/// Whitespace, punctuation, symbols and emoji are dropped (a token is kept only if it has
/// a letter or digit in some script), as are tokens over [`MAX_TOKEN_BYTES`]; text is
/// lowercased.
pub(crate) fn analyse(text: &str, search_mode: bool) -> Vec<Tok> {
    let raw = if search_mode {
        JIEBA.cut_for_search(text, true)
    } else {
        JIEBA.cut(text, true)
    };
    let mut raw: Vec<(usize, usize, &str)> = raw
        .into_iter()
        .map(|t| (t.byte_start, t.byte_end, t.word))
        .collect();
    // Longest first at each start, so the containing word comes before its parts.
    raw.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = Vec::with_capacity(raw.len());
    let mut position = 0;
    let mut word_end = None;
    for (from, to, word) in raw {
        if word.len() > MAX_TOKEN_BYTES || !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        match word_end {
            Some(end) if from < end => {} // inside the current word: same position
            Some(_) => {
                position += 1;
                word_end = Some(to);
            }
            None => word_end = Some(to),
        }
        out.push(Tok {
            text: word.to_lowercase(),
            from,
            to,
            position,
        });
    }
    out
}

/// The tokens a query for `text` looks for, in order, as the index stores them.
///
/// This is the default (non-search) jieba segmentation, normalised the same way as
/// indexed text; it is what [`crate::SearchIndex::search`] builds its query from and what
/// an explanation ("matched: 储能, 电芯") can show.
///
/// ```
/// let t = kechuang_search::tokens("磷酸铁锂电芯的热管理，<b>AND</b> ***");
/// assert_eq!(t, ["磷酸铁锂", "电芯", "的", "热管理", "b", "and", "b"]);
/// ```
pub fn tokens(text: &str) -> Vec<String> {
    analyse(text, false).into_iter().map(|t| t.text).collect()
}

/// The tantivy tokenizer registered as `"jieba"`: search-mode [`analyse`] over the shared
/// [`JIEBA`].
#[derive(Debug, Clone, Copy, Default)]
pub struct KechuangTokenizer;

/// Token stream of [`KechuangTokenizer`]: the tokens are computed up front.
#[derive(Debug)]
pub struct KechuangTokenStream {
    rest: Vec<Token>,
    current: Token,
}

impl Tokenizer for KechuangTokenizer {
    type TokenStream<'a> = KechuangTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KechuangTokenStream {
        let mut rest: Vec<Token> = analyse(text, true)
            .into_iter()
            .map(|t| Token {
                offset_from: t.from,
                offset_to: t.to,
                position: t.position,
                text: t.text,
                position_length: 1,
            })
            .collect();
        rest.reverse();
        KechuangTokenStream {
            rest,
            current: Token::default(),
        }
    }
}

impl TokenStream for KechuangTokenStream {
    fn advance(&mut self) -> bool {
        match self.rest.pop() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_has_over_a_hundred_terms() {
        assert!(domain_terms().count() >= 100);
    }

    #[test]
    fn search_mode_inner_words_share_the_position_of_their_word() {
        let toks = analyse("锂电池回收，新型储能", true);
        let find = |w: &str| toks.iter().find(|t| t.text == w).map(|t| t.position);
        assert_eq!(find("锂电池"), Some(0));
        assert_eq!(find("电池"), Some(0));
        assert_eq!(find("回收"), Some(1));
        assert_eq!(find("新型储能"), Some(2));
        assert_eq!(find("储能"), Some(2));
        assert_eq!(tokens("锂电池回收"), ["锂电池", "回收"]);
    }

    #[test]
    fn punctuation_whitespace_and_emoji_are_dropped_and_ascii_lowercased() {
        assert!(tokens("，。！？ \t\n（）《》 🚀🔋 *** \"((").is_empty());
        assert_eq!(tokens("LFP 电芯"), ["lfp", "电芯"]);
    }

    #[test]
    fn overlong_tokens_are_dropped() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(tokens(&long).is_empty());
        assert_eq!(tokens(&"a".repeat(MAX_TOKEN_BYTES)).len(), 1);
    }

    #[test]
    fn token_stream_offsets_point_into_the_text() {
        let text = "锂电池回收";
        let mut tokenizer = KechuangTokenizer;
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            assert_eq!(&text[t.offset_from..t.offset_to], t.text);
            seen.push(t.text.clone());
        }
        assert!(seen.contains(&"锂电池".to_owned()), "{seen:?}");
    }
}
