//! kechuang-search: Chinese full-text search over needs, achievements, experts,
//! policies, challenges and platforms.
//!
//! # Design
//!
//! * **Segmentation.** One `jieba_rs::Jieba` is built per process on first use (about
//!   150 ms) from jieba's dictionary plus the domain dictionary shipped in
//!   `dict/kechuang.dict` (储能, 锂电池, 电芯, 气凝胶, 静脉识别, 专精特新, 揭榜挂帅 …, which
//!   jieba would otherwise split). The tantivy tokenizer registered as `"jieba"` is a
//!   zero-sized handle to it. Documents are indexed in jieba's *search mode* (北京大学 is
//!   also 北京 and 大学; 新型储能 is also 储能), queries are segmented in default mode, so
//!   a short query finds the longer word and a long one stays precise. Inner words share
//!   the position of the word holding them, so phrase queries still line up. Punctuation,
//!   whitespace, symbols and emoji are not tokens; text is lowercased. [`tokens`] shows a
//!   query's tokens, for explanations.
//! * **Schema.** `id` (exact, stored), `kind` (stored), `title` (stored, weight 4),
//!   `keywords` (2.5), `org` (1.5), `body` (stored for snippets, 1), one facet field
//!   holding `/kind/…` and the [`Dim`] values (`/field/…`, `/cluster/…`, `/region/…`,
//!   `/maturity/…`, `/transfer_mode/…`; for policies `/level/…`, `/category/…`,
//!   `/audience/…`, `/status/…`, `/year/…`) that serves both the exact filters and the counts,
//!   `amount` (u64 fen, fast, for range filters) and `public`.
//! * **Queries are built, never parsed.** Each distinct query token becomes one optional
//!   clause looking in every text field with its weight; for several tokens a title
//!   phrase adds a bonus. Filters are zero-scored required clauses. There is no query
//!   syntax, so `"((`, `AND OR` or `***` cannot be an error: text without letters or
//!   digits simply finds nothing. Query text is capped at 1,000 bytes and 32 tokens.
//! * **Results** carry the total, the page of hits (id, kind, title, score, an HTML
//!   snippet with matches in `<mark>` and everything else escaped, the query tokens the
//!   document contains) and facet counts over *all* matches.
//! * **Freshness.** [`SearchIndex::commit`] reloads the reader before it returns, so a
//!   committed change is visible to the next search; the caller decides how often to
//!   commit (per event batch, within the 1 s target).
//! * **Derived data.** An index that cannot be opened is reported as
//!   [`SearchError::NeedsRebuild`]; [`SearchIndex::recreate`] removes tantivy's files only
//!   (never anything else in the directory) and starts empty, for a reindex from the store.
//! * **Suggestions.** [`SearchIndex::suggest`] reads an all-letters query as pinyin
//!   (full, spaced or initials) of indexed Chinese terms, and otherwise corrects
//!   misspelt words against the index vocabulary by edit distance (see
//!   [`suggest`](mod@suggest)).
//!
//! It knows nothing of SQL or HTTP and is synchronous; call it from `spawn_blocking`.
//!
//! ```
//! use kechuang_search::{Dim, Doc, Kind, Query, SearchIndex};
//!
//! let index = SearchIndex::in_ram()?;
//! let mut doc = Doc::new("need:1", Kind::Need, "磷酸铁锂电芯热失控预警");
//! doc.body = "储能电站需要<b>早期</b>预警。".into();
//! doc.tags.push((Dim::Cluster, "新型储能".into()));
//! doc.amount = Some(50_000_000);
//! index.upsert(&doc)?;
//! index.commit()?;
//!
//! let mut q = Query::text("电芯 预警");
//! q.filters.push((Dim::Cluster, "新型储能".into()));
//! let results = index.search(&q)?;
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].id, "need:1");
//! assert!(results.hits[0].snippet.contains("&lt;b&gt;"));
//! assert_eq!(results.facet(Dim::Cluster), [("新型储能".to_owned(), 1)]);
//! # Ok::<(), kechuang_search::SearchError>(())
//! ```

mod doc;
mod error;
mod index;
mod snippet;
pub mod suggest;
mod tokenizer;

pub use doc::{Dim, Doc, Hit, Kind, Query, Results, Scored};
pub use error::SearchError;
pub use index::{SearchIndex, TOKENIZER};
pub use snippet::escape_html;
pub use tokenizer::{DOMAIN_DICT, KechuangTokenStream, KechuangTokenizer, domain_terms, tokens};
