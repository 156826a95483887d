//! [`SearchIndex`]: the tantivy index, its schema, writing and searching.

use std::collections::BTreeMap;
use std::fs;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery,
    Query as TantivyQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

use crate::doc::{Dim, Doc, Hit, Kind, Query, Results, Scored};
use crate::error::SearchError;
use crate::snippet::{SNIPPET_CHARS, render, snippet_source};
use crate::tokenizer::{KechuangTokenizer, Tok, analyse};

/// Name under which [`KechuangTokenizer`] is registered.
pub const TOKENIZER: &str = "jieba";

/// Query text beyond this many bytes is ignored.
pub(crate) const MAX_QUERY_BYTES: usize = 1_000;
/// Distinct query tokens beyond this many are ignored.
pub(crate) const MAX_QUERY_TOKENS: usize = 32;

/// Field weights: a title match counts four times a body match.
const TITLE_BOOST: f32 = 4.0;
const KEYWORDS_BOOST: f32 = 2.5;
const ORG_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;
/// Extra weight when the query's words appear together, in order, in the title.
const TITLE_PHRASE_BOOST: f32 = 2.0;

/// Writer heap: two indexing threads of 24 MB each (tantivy needs at least 15 MB each).
const WRITER_THREADS: usize = 2;
const WRITER_HEAP_BYTES: usize = 48_000_000;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub kind: Field,
    pub title: Field,
    pub body: Field,
    pub keywords: Field,
    pub org: Field,
    pub facets: Field,
    pub amount: Field,
    pub public: Field,
}

impl Fields {
    /// The text fields a query token is looked up in, with their weights.
    pub(crate) fn weighted_text(&self) -> [(Field, f32); 4] {
        [
            (self.title, TITLE_BOOST),
            (self.keywords, KEYWORDS_BOOST),
            (self.org, ORG_BOOST),
            (self.body, BODY_BOOST),
        ]
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { opts.set_stored() } else { opts }
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        title: b.add_text_field("title", text(true)),
        body: b.add_text_field("body", text(true)),
        keywords: b.add_text_field("keywords", text(false)),
        org: b.add_text_field("org", text(false)),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        amount: b.add_u64_field("amount", NumericOptions::default().set_indexed().set_fast()),
        public: b.add_bool_field("public", NumericOptions::default().set_indexed()),
    };
    (b.build(), fields)
}

fn kind_facet(kind: Kind) -> tantivy::schema::Facet {
    tantivy::schema::Facet::from_path(["kind", kind.as_str()])
}

fn dim_facet(dim: Dim, value: &str) -> tantivy::schema::Facet {
    tantivy::schema::Facet::from_path([dim.as_str(), value])
}

/// Facet values cannot hold the path separator's encoding (NUL); other control
/// characters and surrounding space are dropped too.
fn clean_value(value: &str) -> String {
    value.trim().chars().filter(|c| !c.is_control()).collect()
}

/// A full-text index of [`Doc`]s, on disk or in memory.
///
/// It is derived data: the store is the truth, [`SearchIndex::upsert`] and
/// [`SearchIndex::delete`] follow the event log, and a corrupt index is thrown away
/// ([`SearchIndex::recreate`]) and rebuilt. One process writes a directory at a time.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    writer: Mutex<IndexWriter>,
    reader: IndexReader,
    dir: Option<PathBuf>,
    pinyin: crate::suggest::PinyinCache,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if there is
    /// none.
    ///
    /// An index that cannot be read, or was written with another schema, gives
    /// [`SearchError::NeedsRebuild`]: log it, call [`SearchIndex::recreate`] and reindex.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, SearchError> {
        let rebuild = |reason: String| SearchError::NeedsRebuild {
            path: dir.to_path_buf(),
            reason,
        };
        fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let directory = MmapDirectory::open(dir).map_err(|e| rebuild(e.to_string()))?;
        let (schema, fields) = schema();
        let exists = Index::exists(&directory).map_err(|e| rebuild(e.to_string()))?;
        let index = if exists {
            let index = Index::open(directory).map_err(|e| rebuild(e.to_string()))?;
            if index.schema() != schema {
                return Err(rebuild("the index was written with another schema".into()));
            }
            index
        } else {
            Index::create(directory, schema, tantivy::IndexSettings::default())?
        };
        Self::from_index(index, fields, Some(dir.to_path_buf()))
    }

    /// Deletes the index files in `dir` (only tantivy's own files: nothing else there is
    /// touched) and creates an empty index.
    pub fn recreate(dir: &Path) -> Result<SearchIndex, SearchError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SearchError::Io { path, source }
        };
        if dir.exists() {
            for entry in fs::read_dir(dir).map_err(io(dir))? {
                let entry = entry.map_err(io(dir))?;
                let name = entry.file_name();
                let is_file = entry.file_type().map_err(io(dir))?.is_file();
                if is_file && is_index_file(&name.to_string_lossy()) {
                    fs::remove_file(entry.path()).map_err(io(&entry.path()))?;
                }
            }
        }
        tracing::warn!(dir = %dir.display(), "search index recreated empty; it needs a reindex");
        Self::open_or_create(dir)
    }

    /// An empty index in memory (tests, tools).
    pub fn in_ram() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        Self::from_index(Index::create_in_ram(schema), fields, None)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        dir: Option<PathBuf>,
    ) -> Result<SearchIndex, SearchError> {
        index
            .tokenizers()
            .register(TOKENIZER, TextAnalyzer::builder(KechuangTokenizer).build());
        let path = dir.clone().unwrap_or_default();
        let writer = index
            .writer_with_num_threads(WRITER_THREADS, WRITER_HEAP_BYTES)
            .map_err(|e| match e {
                TantivyError::LockFailure(..) => SearchError::Locked { path: path.clone() },
                other => SearchError::Engine(other),
            })?;
        // Manual reloads: `commit` reloads before it returns, so a committed change is
        // visible to the very next search.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: TantivyError| SearchError::NeedsRebuild {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        Ok(SearchIndex {
            index,
            fields,
            writer: Mutex::new(writer),
            reader,
            dir,
            pinyin: crate::suggest::PinyinCache::default(),
        })
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // A panic while holding the lock leaves tantivy's writer usable (its state is
        // its own); uncommitted changes are what `commit` decides about.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `doc`, replacing any document with the same id. Visible after [`commit`].
    ///
    /// [`commit`]: SearchIndex::commit
    pub fn upsert(&self, doc: &Doc) -> Result<(), SearchError> {
        if doc.id.is_empty() {
            return Err(SearchError::EmptyId);
        }
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &doc.id);
        d.add_text(f.kind, doc.kind.as_str());
        d.add_text(f.title, &doc.title);
        d.add_text(f.body, &doc.body);
        for k in &doc.keywords {
            d.add_text(f.keywords, k);
        }
        d.add_text(f.org, &doc.org);
        d.add_facet(f.facets, kind_facet(doc.kind));
        for (dim, value) in &doc.tags {
            let value = clean_value(value);
            if !value.is_empty() {
                d.add_facet(f.facets, dim_facet(*dim, &value));
            }
        }
        if let Some(amount) = doc.amount {
            d.add_u64(f.amount, amount);
        }
        d.add_bool(f.public, doc.public);
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(f.id, &doc.id));
        writer.add_document(d)?;
        Ok(())
    }

    /// Removes the document with `id` (if any). Visible after [`SearchIndex::commit`].
    pub fn delete(&self, id: &str) {
        self.writer()
            .delete_term(Term::from_field_text(self.fields.id, id));
    }

    /// Removes every document (before a full reindex). Visible after commit.
    pub fn clear(&self) -> Result<(), SearchError> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    /// Makes all changes so far durable and visible to searches.
    pub fn commit(&self) -> Result<(), SearchError> {
        self.writer().commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Number of live documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub(crate) fn pinyin_cache(&self) -> &crate::suggest::PinyinCache {
        &self.pinyin
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Runs `query`. Never fails on what the user typed: text without letters or digits
    /// gives empty results.
    pub fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let toks = query_tokens(&query.text);
        let tokens: Vec<String> = toks.iter().map(|t| t.text.clone()).collect();
        let Some(full) = self.full_query(query, &toks) else {
            return Ok(Results {
                tokens,
                ..Results::default()
            });
        };

        let limit = query.limit.min(Query::MAX_LIMIT);
        let offset = query.offset.min(Query::MAX_OFFSET);
        let mut facet_collector = FacetCollector::for_field("facets");
        facet_collector.add_facet("/kind");
        for dim in Dim::ALL {
            facet_collector.add_facet(tantivy::schema::Facet::from_path([dim.as_str()]));
        }
        let top = TopDocs::with_limit(limit.max(1))
            .and_offset(offset)
            .order_by_score();
        let searcher = self.reader.searcher();
        let (top, total, facet_counts) = searcher.search(&full, &(top, Count, facet_collector))?;

        let top: Vec<(f32, DocAddress)> = top.into_iter().take(limit).collect();
        let addrs: Vec<DocAddress> = top.iter().map(|&(_, a)| a).collect();
        let matched = self.matched_terms(&searcher, &addrs, &toks)?;
        let mut hits = Vec::with_capacity(top.len());
        for ((score, addr), matched) in top.into_iter().zip(matched) {
            if let Some(hit) = self.hit_with(&searcher, addr, score, matched)? {
                hits.push(hit);
            }
        }
        let (kinds, facets) = facet_results(&facet_counts);
        Ok(Results {
            total,
            hits,
            tokens,
            kinds,
            facets,
        })
    }

    /// The ranking of [`SearchIndex::search`] without its extras: the first
    /// `query.limit` ids with their kind and score, no total, no facets, no snippets,
    /// no matched terms (for re-ranking many candidates; see
    /// [`SearchIndex::hits_by_id`] for the few that are shown).
    pub fn search_scored(&self, query: &Query) -> Result<Vec<Scored>, SearchError> {
        let toks = query_tokens(&query.text);
        let Some(full) = self.full_query(query, &toks) else {
            return Ok(Vec::new());
        };
        let top = TopDocs::with_limit(query.limit.clamp(1, Query::MAX_LIMIT))
            .and_offset(query.offset.min(Query::MAX_OFFSET))
            .order_by_score();
        let searcher = self.reader.searcher();
        let top = searcher.search(&full, &top)?;
        let f = &self.fields;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            };
            if let Some(kind) = Kind::parse(&text(f.kind)) {
                out.push(Scored {
                    id: text(f.id),
                    kind,
                    score,
                });
            }
        }
        Ok(out)
    }

    /// The documents with these ids as [`Hit`]s for the query `text` (snippet and
    /// matched terms as [`SearchIndex::search`] gives them; score 0), in the order of
    /// `ids`; ids not in the index are left out.
    pub fn hits_by_id(&self, text: &str, ids: &[String]) -> Result<Vec<Hit>, SearchError> {
        let toks = query_tokens(text);
        let searcher = self.reader.searcher();
        let mut addrs = Vec::with_capacity(ids.len());
        for id in ids {
            let q = TermQuery::new(
                Term::from_field_text(self.fields.id, id),
                IndexRecordOption::Basic,
            );
            let found = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
            if let Some((_, addr)) = found.first() {
                addrs.push(*addr);
            }
        }
        let matched = self.matched_terms(&searcher, &addrs, &toks)?;
        let mut out = Vec::with_capacity(addrs.len());
        for (addr, matched) in addrs.into_iter().zip(matched) {
            if let Some(hit) = self.hit_with(&searcher, addr, 0.0, matched)? {
                out.push(hit);
            }
        }
        Ok(out)
    }

    /// The query tokens found in each document, in token order: one forward pass
    /// over each token's postings per segment and field for all the documents,
    /// instead of one postings lookup per document, token and field.
    fn matched_terms(
        &self,
        searcher: &Searcher,
        addrs: &[DocAddress],
        toks: &[Tok],
    ) -> Result<Vec<Vec<String>>, SearchError> {
        let mut found = vec![vec![false; toks.len()]; addrs.len()];
        let mut segments: Vec<u32> = addrs.iter().map(|a| a.segment_ord).collect();
        segments.sort_unstable();
        segments.dedup();
        for seg in segments {
            // This segment's documents, ascending (postings only move forward).
            let mut docs: Vec<(u32, usize)> = addrs
                .iter()
                .enumerate()
                .filter(|(_, a)| a.segment_ord == seg)
                .map(|(i, a)| (a.doc_id, i))
                .collect();
            docs.sort_unstable();
            let segment = searcher.segment_reader(seg);
            for (t, tok) in toks.iter().enumerate() {
                for (field, _) in self.fields.weighted_text() {
                    if docs.iter().all(|&(_, i)| found[i][t]) {
                        break;
                    }
                    let inverted = segment.inverted_index(field)?;
                    let term = Term::from_field_text(field, &tok.text);
                    let Some(mut postings) = inverted
                        .read_postings(&term, IndexRecordOption::Basic)
                        .map_err(TantivyError::from)?
                    else {
                        continue;
                    };
                    for &(doc, i) in &docs {
                        // A fresh postings list stands on its first document;
                        // `seek` may only move forward from there.
                        let at = if postings.doc() < doc {
                            postings.seek(doc)
                        } else {
                            postings.doc()
                        };
                        if at == doc {
                            found[i][t] = true;
                        }
                    }
                }
            }
        }
        Ok(found
            .into_iter()
            .map(|f| {
                toks.iter()
                    .zip(f)
                    .filter(|(_, hit)| *hit)
                    .map(|(tok, _)| tok.text.clone())
                    .collect()
            })
            .collect())
    }

    /// The text query of `query` with its filters; `None` when the text has no
    /// tokens (it finds nothing).
    fn full_query(&self, query: &Query, toks: &[Tok]) -> Option<BooleanQuery> {
        let text_query: Box<dyn TantivyQuery> = if query.text.trim().is_empty() {
            Box::new(AllQuery)
        } else if toks.is_empty() {
            return None;
        } else {
            self.text_query(toks)
        };
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![(Occur::Must, text_query)];
        let mut filter = |q: Box<dyn TantivyQuery>| {
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
        };
        let f = &self.fields;
        if !query.kinds.is_empty() {
            filter(any_facet(
                f.facets,
                query.kinds.iter().map(|k| kind_facet(*k)),
            ));
        }
        let mut by_dim: BTreeMap<Dim, Vec<tantivy::schema::Facet>> = BTreeMap::new();
        for (dim, value) in &query.filters {
            by_dim
                .entry(*dim)
                .or_default()
                .push(dim_facet(*dim, &clean_value(value)));
        }
        for (_, facets) in by_dim {
            filter(any_facet(f.facets, facets));
        }
        if query.amount_min.is_some() || query.amount_max.is_some() {
            let bound = |b: Option<u64>| match b {
                Some(v) => Bound::Included(Term::from_field_u64(f.amount, v)),
                None => Bound::Unbounded,
            };
            match (query.amount_min, query.amount_max) {
                (Some(lo), Some(hi)) if lo > hi => filter(Box::new(EmptyQuery)),
                (lo, hi) => filter(Box::new(RangeQuery::new(bound(lo), bound(hi)))),
            }
        }
        if !query.include_hidden {
            filter(Box::new(TermQuery::new(
                Term::from_field_bool(f.public, true),
                IndexRecordOption::Basic,
            )));
        }
        Some(BooleanQuery::new(clauses))
    }

    /// One clause per token (any may match), each looked up in every text field with
    /// its weight, plus a phrase bonus in the title for multi-token queries.
    fn text_query(&self, toks: &[Tok]) -> Box<dyn TantivyQuery> {
        // One flat union of (token, field) term clauses: the same sum of scores as
        // a union per token, without a nested union per token to drive.
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for tok in toks {
            for (field, boost) in self.fields.weighted_text() {
                let tq = TermQuery::new(
                    Term::from_field_text(field, &tok.text),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(tq), boost)),
                ));
            }
        }
        if toks.len() >= 2 {
            let terms: Vec<(usize, Term)> = toks
                .iter()
                .map(|t| {
                    (
                        t.position,
                        Term::from_field_text(self.fields.title, &t.text),
                    )
                })
                .collect();
            let phrase = PhraseQuery::new_with_offset(terms);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(phrase), TITLE_PHRASE_BOOST)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// A hit for a document whose matched query tokens are known.
    fn hit_with(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        matched: Vec<String>,
    ) -> Result<Option<Hit>, SearchError> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let id = text(f.id);
        let Some(kind) = Kind::parse(&text(f.kind)) else {
            tracing::warn!(id, "search index document without a known kind skipped");
            return Ok(None);
        };
        let title = text(f.title);
        let body = text(f.body);

        let terms: BTreeMap<String, f32> = matched.iter().map(|t| (t.clone(), 1.0)).collect();
        let snippet_for = |field: Field, text: &str| {
            let generator = SnippetGenerator::new(
                terms.clone(),
                TextAnalyzer::builder(KechuangTokenizer).build(),
                field,
                SNIPPET_CHARS,
            );
            generator.snippet(snippet_source(text))
        };
        let mut snippet = snippet_for(f.body, &body);
        if snippet.highlighted().is_empty() {
            let in_title = snippet_for(f.title, &title);
            if !in_title.highlighted().is_empty() {
                snippet = in_title;
            }
        }
        let snippet = if snippet.fragment().is_empty() {
            render(crate::snippet::prefix(&body), &[])
        } else {
            render(snippet.fragment(), snippet.highlighted())
        };
        Ok(Some(Hit {
            id,
            kind,
            title,
            score,
            snippet,
            matched,
        }))
    }

    /// The index directory (`None` in memory).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The underlying tantivy index, for tools.
    pub fn tantivy(&self) -> &Index {
        &self.index
    }
}

fn any_facet(
    field: Field,
    facets: impl IntoIterator<Item = tantivy::schema::Facet>,
) -> Box<dyn TantivyQuery> {
    let clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = facets
        .into_iter()
        .map(|facet| {
            let q: Box<dyn TantivyQuery> = Box::new(TermQuery::new(
                Term::from_facet(field, &facet),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

type FacetResults = (Vec<(Kind, u64)>, Vec<(Dim, Vec<(String, u64)>)>);

fn facet_results(counts: &FacetCounts) -> FacetResults {
    let values = |root: &str| {
        let mut v: Vec<(String, u64)> = counts
            .get(root)
            .filter_map(|(facet, n)| facet.to_path().last().map(|s| ((*s).to_owned(), n)))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    let kinds = values("/kind")
        .into_iter()
        .filter_map(|(k, n)| Kind::parse(&k).map(|k| (k, n)))
        .collect();
    let facets = Dim::ALL
        .into_iter()
        .map(|dim| (dim, values(&format!("/{}", dim.as_str()))))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    (kinds, facets)
}

/// The distinct tokens of a query (default segmentation), bounded in number.
pub(crate) fn query_tokens(text: &str) -> Vec<Tok> {
    let text = crate::snippet::truncate_bytes(text, MAX_QUERY_BYTES);
    let mut seen = std::collections::HashSet::new();
    analyse(text, false)
        .into_iter()
        .filter(|t| seen.insert(t.text.clone()))
        .take(MAX_QUERY_TOKENS)
        .collect()
}

/// Whether `name` is a file tantivy writes into an index directory.
fn is_index_file(name: &str) -> bool {
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(".tantivy-")
        || (name.len() > 33
            && name.as_bytes()[32] == b'.'
            && name[..32].bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tantivy_files_are_index_files() {
        assert!(is_index_file("meta.json"));
        assert!(is_index_file(".managed.json"));
        assert!(is_index_file(".tantivy-writer.lock"));
        assert!(is_index_file("0123456789abcdef0123456789abcdef.idx"));
        assert!(is_index_file("0123456789abcdef0123456789abcdef.12.del"));
        assert!(!is_index_file("kechuang.db"));
        assert!(!is_index_file("notes.txt"));
        assert!(!is_index_file("0123456789abcdef0123456789abcdeg.idx"));
    }

    #[test]
    fn query_tokens_are_distinct_and_bounded() {
        let toks = query_tokens("储能 储能 储能");
        assert_eq!(toks.len(), 1);
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(query_tokens(&many).len(), MAX_QUERY_TOKENS);
    }
}
