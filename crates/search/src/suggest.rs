//! "Did you mean": misspelt query words replaced by close words of the index.
//!
//! A misspelt Chinese word rarely survives segmentation whole (锂电迟 comes out as
//! 锂电 + 迟), so corrections are made per *run*: adjacent CJK query tokens form one run,
//! any other token is a run of its own. In each run holding a token the index does not
//! know, every window of one to three adjacent tokens that contains such a token and has
//! at least two characters is looked up in the term dictionaries of the title, keywords
//! and body fields with a Levenshtein automaton (distance 1, or 2 for five characters or
//! more; a transposition costs 1). The best window wins — most unknown tokens covered,
//! then smallest distance, then a term as long as the window (a typo is more often a
//! wrong character than a missing one), then the term in most documents — and is replaced by its
//! term. The suggestion is the query text with those replacements, or `None`.
//!
//! **Pinyin.** A query made only of ASCII letters (spaces and `'` allowed) holding a
//! word the index does not know is first read as pinyin: full pinyin (`chuneng`,
//! `chu neng`, `lidianchi`, `chunengdianchi`) is split into the pinyin of indexed
//! Chinese terms (fewest terms, then most documents) and replaced by those terms
//! (储能, 锂电池, 储能电池); a query without vowels of two to six letters is read as
//! initials (`cn` → the most frequent indexed term whose syllables start c, n). The
//! pinyin keys come from every Chinese term of two to six characters in the title,
//! keywords and body dictionaries (every reading of a heteronym, `ü` as `v` and `u`),
//! built on first use and again after the index changes. Anything else, or pinyin
//! that does not cover the whole query, falls through to the edit-distance correction.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::Term;
use tantivy_fst::Automaton;

use crate::SearchIndex;
use crate::error::SearchError;
use crate::index::query_tokens;
use crate::tokenizer::Tok;

/// Terms read from the dictionaries per span and field at most.
/// How good a window's correction is; smaller is better.
type Rank = (Reverse<usize>, (u8, usize), Reverse<u64>);

/// An indexed term near a word: (term, (distance, length difference), documents).
type Near = (String, (u8, usize), u64);

const MAX_CANDIDATES: usize = 2_000;

static LEV1: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));
static LEV2: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(2, true));

struct Lev(DFA);

impl Automaton for Lev {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

impl SearchIndex {
    /// A corrected query if some of its words are not in the index but a close word is
    /// (see the module doc); `None` if there is nothing to correct or no close word.
    pub fn suggest(&self, text: &str) -> Result<Option<String>, SearchError> {
        let toks = query_tokens(text);
        let searcher = self.searcher();
        let fields = self.fields().weighted_text().map(|(f, _)| f);
        let known = |t: &Tok| -> Result<bool, SearchError> {
            for field in fields {
                if searcher.doc_freq(&Term::from_field_text(field, &t.text))? > 0 {
                    return Ok(true);
                }
            }
            Ok(false)
        };
        // Runs of adjacent CJK tokens (any other token is a run of its own), each token
        // with whether the index knows it.
        if is_pinyin_like(text) {
            let mut unknown = false;
            for t in &toks {
                if !known(t)? {
                    unknown = true;
                    break;
                }
            }
            if unknown && let Some(s) = self.pinyin_suggest(text)? {
                return Ok(Some(s));
            }
        }
        let mut sorted = toks;
        sorted.sort_by_key(|t| t.from);
        let mut runs: Vec<Vec<(Tok, bool)>> = Vec::new();
        for tok in sorted {
            let is_known = known(&tok)?;
            let joins = all_cjk(&tok)
                && runs
                    .last()
                    .and_then(|r| r.last())
                    .is_some_and(|(prev, _)| prev.to == tok.from && all_cjk(prev));
            match runs.last_mut() {
                Some(run) if joins => run.push((tok, is_known)),
                _ => runs.push(vec![(tok, is_known)]),
            }
        }

        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut changed = false;
        for run in runs {
            // The window of at most three tokens holding unknown tokens whose nearest
            // indexed term is best: most unknown tokens covered, then nearest, then
            // most frequent.
            let mut best: Option<(Rank, usize, usize, String)> = None;
            for a in 0..run.len() {
                for b in a..run.len().min(a + 3) {
                    let window = &run[a..=b];
                    let covered = window.iter().filter(|(_, k)| !k).count();
                    if covered == 0 {
                        continue;
                    }
                    let (from, to) = (window[0].0.from, window[window.len() - 1].0.to);
                    let Some(word) = text.get(from..to) else {
                        continue;
                    };
                    if let Some((term, dist, docs)) = self.closest(&word.to_lowercase())? {
                        let key = (Reverse(covered), dist, Reverse(docs));
                        if best.as_ref().is_none_or(|(k, ..)| key < *k) {
                            best = Some((key, from, to, term));
                        }
                    }
                }
            }
            if let Some((_, from, to, term)) = best
                && let Some(before) = text.get(at..from)
            {
                out.push_str(before);
                out.push_str(&term);
                at = to;
                changed = true;
            }
        }
        if !changed {
            return Ok(None);
        }
        out.push_str(text.get(at..).unwrap_or(""));
        Ok(Some(out))
    }

    /// The indexed term nearest to `word` within the allowed distance.
    fn closest(&self, word: &str) -> Result<Option<Near>, SearchError> {
        let chars = word.chars().count();
        if chars < 2 {
            return Ok(None);
        }
        let builder = if chars >= 5 { &*LEV2 } else { &*LEV1 };
        let searcher = self.searcher();
        let fields = [
            self.fields().title,
            self.fields().keywords,
            self.fields().body,
        ];
        // term -> (distance, documents)
        let mut found: HashMap<String, (u8, u64)> = HashMap::new();
        let measure = builder.build_dfa(word);
        for segment in searcher.segment_readers() {
            for field in fields {
                let inverted = segment.inverted_index(field)?;
                let dfa = builder.build_dfa(word);
                let mut stream = inverted
                    .terms()
                    .search(Lev(dfa))
                    .into_stream()
                    .map_err(tantivy::TantivyError::from)?;
                let mut n = 0;
                while stream.advance() && n < MAX_CANDIDATES {
                    n += 1;
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if term == word {
                        continue;
                    }
                    let docs = u64::from(stream.value().doc_freq);
                    let entry = found.entry(term.to_owned()).or_insert((u8::MAX, 0));
                    entry.0 = entry.0.min(distance(&measure, term));
                    entry.1 += docs;
                }
            }
        }
        Ok(found
            .into_iter()
            .map(|(term, (dist, docs))| {
                let len_diff = term.chars().count().abs_diff(chars);
                (term, (dist, len_diff), docs)
            })
            .min_by(|a, b| (a.1, Reverse(a.2), &a.0).cmp(&(b.1, Reverse(b.2), &b.0))))
    }
}

/// Whether a token may join a run of adjacent tokens: only CJK text is joined, so
/// separate Latin words stay separate.
fn all_cjk(tok: &Tok) -> bool {
    tok.text.chars().all(is_cjk)
}

fn distance(dfa: &DFA, term: &str) -> u8 {
    let mut state = dfa.initial_state();
    for b in term.bytes() {
        state = dfa.transition(state, b);
    }
    match dfa.distance(state) {
        Distance::Exact(d) => d,
        Distance::AtLeast(d) => d,
    }
}

/// Pinyin keys of the index's Chinese terms, cached per searcher generation.
#[derive(Default)]
pub(crate) struct PinyinCache(Mutex<Option<(u64, Arc<PinyinMap>)>>);

/// Pinyin (and initials) → the indexed term with that reading in most documents.
#[derive(Debug, Default)]
pub(crate) struct PinyinMap {
    full: HashMap<String, (String, u64)>,
    initials: HashMap<String, (String, u64)>,
    longest: usize,
}

/// Longest pinyin query read, bytes.
const MAX_PINYIN_QUERY: usize = 80;
/// Readings kept per term (heteronyms multiply them).
const MAX_READINGS: usize = 8;

/// Whether the text is only ASCII letters, spaces and apostrophes, with a letter.
pub fn is_pinyin_like(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.len() <= MAX_PINYIN_QUERY
        && t.chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '\'')
}

/// Every plain reading of a Chinese term (`ü` written `v` and `u`), at most
/// [`MAX_READINGS`]; empty if a character has no pinyin.
pub fn readings(term: &str) -> Vec<String> {
    use pinyin::ToPinyinMulti;
    let mut out = vec![String::new()];
    for c in term.chars() {
        let Some(multi) = c.to_pinyin_multi() else {
            return Vec::new();
        };
        let mut syllables: Vec<String> = Vec::new();
        for p in multi {
            let plain = p.plain();
            for v in [plain.replace('ü', "v"), plain.replace('ü', "u")] {
                if !syllables.contains(&v) {
                    syllables.push(v);
                }
            }
        }
        let mut next = Vec::new();
        for prefix in &out {
            for syl in &syllables {
                if next.len() < MAX_READINGS {
                    next.push(format!("{prefix}{syl}"));
                }
            }
        }
        out = next;
    }
    out
}

/// The initials of a term's first reading (`储能` → `cn`).
fn initials(term: &str) -> Option<String> {
    use pinyin::ToPinyin;
    term.chars()
        .map(|c| c.to_pinyin().map(|p| p.first_letter()))
        .collect::<Option<String>>()
}

fn better(a: &(String, u64), b: &(String, u64)) -> bool {
    // More documents, then the shorter term, then the smaller one (deterministic).
    (
        a.1,
        std::cmp::Reverse(a.0.chars().count()),
        std::cmp::Reverse(&a.0),
    ) > (
        b.1,
        std::cmp::Reverse(b.0.chars().count()),
        std::cmp::Reverse(&b.0),
    )
}

impl PinyinMap {
    fn insert(map: &mut HashMap<String, (String, u64)>, key: String, cand: (String, u64)) {
        match map.get(&key) {
            Some(cur) if !better(&cand, cur) => {}
            _ => {
                map.insert(key, cand);
            }
        }
    }

    /// Splits `letters` into keys of indexed terms: fewest terms, then most documents.
    fn segment(&self, letters: &str) -> Option<String> {
        let n = letters.len();
        // best[i]: the best split of letters[..i] as (terms, -documents, previous cut, term).
        let mut best: Vec<Option<(usize, i128, usize, String)>> = vec![None; n + 1];
        best[0] = Some((0, 0, 0, String::new()));
        for i in 0..n {
            let Some((count, docs, _, _)) = best[i].clone() else {
                continue;
            };
            let last = n.min(i + self.longest);
            for (j, slot) in best.iter_mut().enumerate().take(last + 1).skip(i + 2) {
                let Some((term, df)) = letters.get(i..j).and_then(|k| self.full.get(k)) else {
                    continue;
                };
                let cand = (count + 1, docs - i128::from(*df), i, term.clone());
                if slot.as_ref().is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                    *slot = Some(cand);
                }
            }
        }
        best[n].as_ref()?;
        let mut parts = Vec::new();
        let mut at = n;
        while at > 0 {
            let (_, _, prev, term) = best[at].clone()?;
            parts.push(term);
            at = prev;
        }
        parts.reverse();
        Some(parts.concat())
    }
}

impl SearchIndex {
    /// The pinyin map of the current index (built once per searcher generation).
    fn pinyin_map(&self) -> Result<Arc<PinyinMap>, SearchError> {
        let searcher = self.searcher();
        let generation = searcher.generation().generation_id();
        let cache = self.pinyin_cache();
        if let Ok(guard) = cache.0.lock()
            && let Some((g, map)) = guard.as_ref()
            && *g == generation
        {
            return Ok(map.clone());
        }
        let mut docs: HashMap<String, u64> = HashMap::new();
        let fields = [
            self.fields().title,
            self.fields().keywords,
            self.fields().body,
        ];
        for segment in searcher.segment_readers() {
            for field in fields {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .stream()
                    .map_err(tantivy::TantivyError::from)?;
                while stream.advance() {
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let chars = term.chars().count();
                    if !(2..=6).contains(&chars) || !term.chars().all(is_cjk) {
                        continue;
                    }
                    *docs.entry(term.to_owned()).or_default() += u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut map = PinyinMap::default();
        for (term, df) in docs {
            for key in readings(&term) {
                map.longest = map.longest.max(key.len());
                PinyinMap::insert(&mut map.full, key, (term.clone(), df));
            }
            if let Some(key) = initials(&term) {
                PinyinMap::insert(&mut map.initials, key, (term, df));
            }
        }
        let map = Arc::new(map);
        if let Ok(mut guard) = cache.0.lock() {
            *guard = Some((generation, map.clone()));
        }
        Ok(map)
    }

    /// The Chinese terms a pinyin query spells, if it spells indexed terms
    /// (see the module doc).
    pub fn pinyin_suggest(&self, text: &str) -> Result<Option<String>, SearchError> {
        if !is_pinyin_like(text) {
            return Ok(None);
        }
        let letters: String = text
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if letters.len() < 2 {
            return Ok(None);
        }
        let map = self.pinyin_map()?;
        if !letters.contains(['a', 'e', 'i', 'o', 'u', 'v']) {
            if letters.len() > 6 {
                return Ok(None);
            }
            return Ok(map.initials.get(&letters).map(|(t, _)| t.clone()));
        }
        Ok(map.segment(&letters))
    }
}
