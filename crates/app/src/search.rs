//! The full-text index of the matchmaking board, derived from the store.
//!
//! A [`Searcher`] owns one `kechuang-search` index (a directory beside the
//! database, or memory) and how far it has read the event log. The cursor lives
//! with the index (a file in its directory), not in the database, so every server
//! instance keeps its own index. [`Searcher::sync`] follows the event log (needs,
//! achievements, experts and policies created or changed) and is called before every search
//! and by the server every few seconds; with no cursor it rebuilds everything from
//! the store (`kechuang reindex` does the same on purpose).

use crate::{Actor, App, AppError, AppResult};
use kechuang_search::{Dim, Doc, Kind, Query, SearchError, SearchIndex};
use kechuang_store::{Stored, StoredNeed};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

/// The event entities the index follows.
const ENTITIES: [&str; 4] = ["need", "achievement", "expert", "policy"];

/// An index and its place in the event log.
#[derive(Debug)]
pub struct Searcher {
    index: SearchIndex,
    cursor: AtomicI64,
    cursor_file: Option<PathBuf>,
    sync_lock: tokio::sync::Mutex<()>,
}

fn engine(e: SearchError) -> AppError {
    AppError::Internal(anyhow::anyhow!("search index: {e}"))
}

impl Searcher {
    /// Opens the index in `dir` (or memory): a missing directory is created; a
    /// corrupt one is logged, thrown away and rebuilt at the next sync.
    pub fn open(dir: Option<&Path>) -> AppResult<Searcher> {
        let Some(dir) = dir else {
            return Ok(Searcher {
                index: SearchIndex::in_ram().map_err(engine)?,
                cursor: AtomicI64::new(0),
                cursor_file: None,
                sync_lock: tokio::sync::Mutex::new(()),
            });
        };
        let cursor_file = dir.join("kechuang-cursor");
        let (index, cursor) = match SearchIndex::open_or_create(dir) {
            Ok(i) => {
                let c = std::fs::read_to_string(&cursor_file)
                    .ok()
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(0);
                (i, c)
            }
            Err(e @ SearchError::NeedsRebuild { .. }) => {
                tracing::warn!(dir = %dir.display(), error = %e, "search index unreadable: rebuilding it from the store");
                (SearchIndex::recreate(dir).map_err(engine)?, 0)
            }
            Err(e) => return Err(engine(e)),
        };
        Ok(Searcher {
            index,
            cursor: AtomicI64::new(cursor),
            cursor_file: Some(cursor_file),
            sync_lock: tokio::sync::Mutex::new(()),
        })
    }

    /// Forgets everything: the next sync rebuilds from the store.
    pub fn reset(&self) -> AppResult<()> {
        self.index.clear().map_err(engine)?;
        self.index.commit().map_err(engine)?;
        self.set_cursor(0)
    }

    fn set_cursor(&self, seq: i64) -> AppResult<()> {
        self.cursor.store(seq, Ordering::SeqCst);
        if let Some(f) = &self.cursor_file {
            std::fs::write(f, seq.to_string()).map_err(|e| AppError::Internal(e.into()))?;
        }
        Ok(())
    }

    /// The index itself, for other read paths of this crate (the university
    /// side's reverse match in `recommend.rs`).
    pub(crate) fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Runs a query on the index as it is (the caller syncs first).
    pub fn search_index(&self, q: &Query) -> AppResult<kechuang_search::Results> {
        self.index.search(q).map_err(engine)
    }

    /// Documents in the index.
    pub fn len(&self) -> u64 {
        self.index.num_docs()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Brings the index up to the event log; returns the records (re)indexed.
    pub async fn sync(&self, app: &App) -> AppResult<usize> {
        let _one = self.sync_lock.lock().await;
        let cursor = self.cursor.load(Ordering::SeqCst);
        let mut db = app.store.read().await?;
        if cursor == 0 {
            // Read the log's end first: anything written while we copy is
            // applied again at the next sync (upserts are idempotent).
            let last = db.last_event_seq().await?;
            self.index.clear().map_err(engine)?;
            // Keyset pages by id: each page costs the same however deep the scan.
            const PAGE: i64 = 2_000;
            let mut n = 0;
            let mut after = String::new();
            loop {
                let rows = db.needs_after(&after, PAGE).await?;
                n += rows.len();
                for r in &rows {
                    self.index.upsert(&need_doc(r)).map_err(engine)?;
                }
                match rows.last() {
                    Some(r) if rows.len() as i64 == PAGE => after = r.id.clone(),
                    _ => break,
                }
            }
            after.clear();
            loop {
                let rows = db.achievements_after(&after, PAGE).await?;
                n += rows.len();
                for r in &rows {
                    self.index.upsert(&achievement_doc(r)).map_err(engine)?;
                }
                match rows.last() {
                    Some(r) if rows.len() as i64 == PAGE => after = r.id.clone(),
                    _ => break,
                }
            }
            after.clear();
            loop {
                let rows = db.experts_after(&after, PAGE).await?;
                n += rows.len();
                for r in &rows {
                    self.index.upsert(&expert_doc(r)).map_err(engine)?;
                }
                match rows.last() {
                    Some(r) if rows.len() as i64 == PAGE => after = r.id.clone(),
                    _ => break,
                }
            }
            after.clear();
            loop {
                let rows = db.policies_after(&after, PAGE).await?;
                n += rows.len();
                for r in &rows {
                    self.index.upsert(&policy_doc(r)).map_err(engine)?;
                }
                match rows.last() {
                    Some(r) if rows.len() as i64 == PAGE => after = r.id.clone(),
                    _ => break,
                }
            }
            self.index.commit().map_err(engine)?;
            self.set_cursor(last.max(1))?;
            return Ok(n);
        }
        let mut n = 0;
        let mut seq = cursor;
        loop {
            let events = db.events_after(seq, 5_000).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                break;
            };
            for e in events
                .iter()
                .filter(|e| ENTITIES.contains(&e.entity.as_str()))
            {
                let doc = match e.entity.as_str() {
                    "need" => db.need(&e.entity_id).await?.map(|r| need_doc(&r)),
                    "achievement" => db
                        .achievement(&e.entity_id)
                        .await?
                        .map(|r| achievement_doc(&r)),
                    "policy" => db.policy(&e.entity_id).await?.map(|r| policy_doc(&r)),
                    _ => db.expert(&e.entity_id).await?.map(|r| expert_doc(&r)),
                };
                match doc {
                    Some(d) => self.index.upsert(&d).map_err(engine)?,
                    None => self.index.delete(&format!("{}:{}", e.entity, e.entity_id)),
                }
                n += 1;
            }
            seq = last;
        }
        if seq != cursor {
            self.index.commit().map_err(engine)?;
            self.set_cursor(seq)?;
        }
        Ok(n)
    }

    /// Searches the board (after catching up with the log).
    pub async fn search(
        &self,
        app: &App,
        _actor: &Actor,
        req: &SearchRequest,
    ) -> AppResult<SearchView> {
        self.sync(app).await?;
        let mut q = Query::text(req.q.clone());
        if let Some(k) = req.kind.as_deref().filter(|k| !k.is_empty()) {
            q.kinds = vec![Kind::parse(k).ok_or_else(|| {
                AppError::invalid(
                    kechuang_core::FieldError::new("kind", "choice_invalid").with("value", k),
                )
            })?];
        }
        if let Some(f) = req.field.as_deref().filter(|f| !f.is_empty()) {
            q.filters.push((Dim::Field, f.to_string()));
        }
        q.limit = req.per_page.unwrap_or(20).clamp(1, 100) as usize;
        q.offset = ((req.page.unwrap_or(1).max(1) - 1) as usize) * q.limit;
        let r = self.index.search(&q).map_err(engine)?;
        let fields = r.facet(Dim::Field).to_vec();
        // When nothing matched, or the query is all letters (perhaps pinyin).
        let suggestion = if r.total == 0 || kechuang_search::suggest::is_pinyin_like(&req.q) {
            self.index.suggest(&req.q).map_err(engine)?
        } else {
            None
        };
        Ok(SearchView {
            total: r.total,
            hits: r.hits.into_iter().map(hit_view).collect(),
            tokens: r.tokens,
            kinds: r.kinds.into_iter().map(|(k, n)| (k.as_str(), n)).collect(),
            fields,
            suggestion,
        })
    }
}

/// The API's view of a hit; the index id is `<kind>:<record id>`.
fn hit_view(h: kechuang_search::Hit) -> SearchHit {
    let (kind, id) = h.id.split_once(':').unwrap_or(("", h.id.as_str()));
    SearchHit {
        url: if kind == "policy" {
            format!("/policies/{id}")
        } else {
            format!("/{kind}s/{id}")
        },
        id: id.to_string(),
        kind: h.kind.as_str(),
        kind_zh: kind_zh(h.kind),
        title: h.title,
        snippet_html: h.snippet,
        matched: h.matched,
    }
}

fn kind_zh(k: Kind) -> &'static str {
    match k.as_str() {
        "need" => "技术需求",
        "achievement" => "科技成果",
        "expert" => "专家",
        "policy" => "政策",
        "challenge" => "揭榜挂帅",
        _ => "平台",
    }
}

fn kind(s: &str) -> Kind {
    Kind::parse(s).unwrap_or(Kind::Need)
}

pub(crate) fn need_doc(r: &StoredNeed) -> Doc {
    let (n, status) = &r.record;
    let mut d = Doc::new(format!("need:{}", r.id), kind("need"), n.title.clone());
    d.body = [&n.description, &n.indicators, &n.problem, &n.basis]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    d.keywords = n.keywords.clone();
    d.org = r.org_name.clone();
    if let Some(f) = &n.field {
        d.tags.push((Dim::Field, f.clone()));
    }
    d.amount = n.budget.and_then(|m| u64::try_from(m.fen()).ok());
    d.public = matches!(
        status,
        kechuang_core::matchmaking::NeedStatus::Open
            | kechuang_core::matchmaking::NeedStatus::Talking
    );
    d
}

pub(crate) fn achievement_doc(r: &Stored<kechuang_core::matchmaking::Achievement>) -> Doc {
    let a = &r.record;
    let mut d = Doc::new(
        format!("achievement:{}", r.id),
        kind("achievement"),
        a.title.clone(),
    );
    d.body = a.summary.clone().unwrap_or_default();
    d.keywords = a.keywords.iter().chain(&a.inventors).cloned().collect();
    d.org = r.org_name.clone();
    if let Some(f) = &a.field {
        d.tags.push((Dim::Field, f.clone()));
    }
    if let Some(m) = a.maturity {
        d.tags.push((Dim::Maturity, m.code().to_string()));
    }
    for t in &a.transfer_modes {
        d.tags.push((Dim::TransferMode, t.code().to_string()));
    }
    d.amount = a.price.and_then(|m| u64::try_from(m.fen()).ok());
    d
}

/// A policy as the index holds it: 文号, category, issuer and the served types
/// are keywords; level, category, served types, status and year are facets;
/// only public statuses are public.
pub(crate) fn policy_doc(r: &kechuang_store::StoredPolicy) -> Doc {
    let p = &r.policy;
    let mut d = Doc::new(format!("policy:{}", r.id), Kind::Policy, p.title.clone());
    d.body = match &p.summary {
        Some(s) => format!("{s}\n{}", p.body),
        None => p.body.clone(),
    };
    d.keywords = p
        .doc_no
        .iter()
        .cloned()
        .chain([p.category.clone()])
        .chain(p.audiences.iter().map(|a| a.zh().to_string()))
        .collect();
    d.org = p.issuer.clone();
    d.tags.push((Dim::Level, p.level.code().to_string()));
    d.tags.push((Dim::Category, p.category.clone()));
    for a in &p.audiences {
        d.tags.push((Dim::Audience, a.code().to_string()));
    }
    d.tags.push((Dim::Status, r.status.code().to_string()));
    if let Some(y) = p.year() {
        d.tags.push((Dim::Year, y.to_string()));
    }
    d.public = r.status.is_public();
    d
}

fn expert_doc(r: &Stored<kechuang_core::matchmaking::Expert>) -> Doc {
    let e = &r.record;
    let mut d = Doc::new(format!("expert:{}", r.id), kind("expert"), e.name.clone());
    d.body = [&e.title, &e.projects, &e.profile]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    d.keywords = e.fields.iter().chain(&e.keywords).cloned().collect();
    d.org = r.org_name.clone();
    for f in &e.fields {
        d.tags.push((Dim::Field, f.clone()));
    }
    d
}

/// A search request.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// What the user typed.
    pub q: String,
    /// `need`, `achievement` or `expert`.
    pub kind: Option<String>,
    /// 技术领域 (exact).
    pub field: Option<String>,
    /// Page from 1.
    pub page: Option<i64>,
    /// Page size (1–100).
    pub per_page: Option<i64>,
}

/// One result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    /// Record id.
    pub id: String,
    /// Kind code.
    pub kind: &'static str,
    /// Kind, zh-CN.
    pub kind_zh: &'static str,
    /// Title or name (plain text).
    pub title: String,
    /// A fragment with matches in `<mark>`, everything else escaped.
    pub snippet_html: String,
    /// Query terms the record contains.
    pub matched: Vec<String>,
    /// The record's page.
    pub url: String,
}

/// The answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchView {
    /// Matches (all pages).
    pub total: usize,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// The terms searched for.
    pub tokens: Vec<String>,
    /// Matches per kind.
    pub kinds: Vec<(&'static str, u64)>,
    /// Matches per 技术领域.
    pub fields: Vec<(String, u64)>,
    /// A corrected query (or the Chinese terms a pinyin query spells) when
    /// nothing matched or the query is all letters, and a close term exists.
    pub suggestion: Option<String>,
}

/// One matched achievement or expert with why it was matched.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Match {
    /// The hit.
    #[serde(flatten)]
    pub hit: SearchHit,
    /// Owner organisation.
    pub org_name: String,
    /// Combined score, 0–1.
    pub score: f64,
    /// The reasons, zh-CN, strongest first.
    pub reasons: Vec<String>,
}

/// Query tokens a match uses at most (title and keywords first).
const MATCH_TOKENS: usize = 20;

/// Candidates retrieved by BM25 before the re-rank.
const RETRIEVE: usize = 40;

/// The text and expansions a need is matched with: its title, keywords, problem,
/// description and indicators, segmented, with generic and one-character words
/// dropped, plus the technical terms of the concept table
/// ([`kechuang_core::concepts`]) for the everyday words it uses. Title and
/// keywords come first, so they survive the query's token cap.
fn need_query(
    n: &kechuang_core::matchmaking::Need,
) -> (String, Vec<kechuang_core::concepts::Expansion>) {
    use kechuang_core::matchmaking::QUERY_STOPWORDS;
    let mut raw = n.title.clone();
    for k in &n.keywords {
        raw.push(' ');
        raw.push_str(k);
    }
    let rest: Vec<&String> = [&n.problem, &n.description, &n.indicators]
        .into_iter()
        .flatten()
        .collect();
    let all = format!(
        "{raw} {}",
        rest.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let expansions = kechuang_core::concepts::expand(&all);
    let mut words: Vec<String> = Vec::new();
    let mut push = |w: String| {
        if w.chars().count() >= 2 && !QUERY_STOPWORDS.contains(&w.as_str()) && !words.contains(&w) {
            words.push(w);
        }
    };
    for w in kechuang_search::tokens(&raw) {
        push(w);
    }
    for e in &expansions {
        push(e.term.to_lowercase());
    }
    for r in rest {
        for w in kechuang_search::tokens(r) {
            push(w);
        }
    }
    words.truncate(MATCH_TOKENS);
    (words.join(" "), expansions)
}

/// The need's own text as typed (title, keywords, problem, description,
/// indicators), for the plain BM25 baseline.
fn need_plain_text(n: &kechuang_core::matchmaking::Need) -> String {
    let mut text = n.title.clone();
    for part in n
        .keywords
        .iter()
        .chain(n.problem.iter())
        .chain(n.description.iter())
        .chain(n.indicators.iter())
    {
        text.push(' ');
        text.push_str(part);
    }
    text
}

impl Searcher {
    /// Matches a need to achievements and experts: BM25 retrieval of the best
    /// [`RETRIEVE`] over the need's text expanded with the concept table (see
    /// `need_query`), the candidates loaded with one query per kind, then the
    /// re-rank of [`kechuang_core::matchmaking::rerank_with`], whose every
    /// contribution is a reason.
    pub async fn match_need(
        &self,
        app: &App,
        _actor: &Actor,
        need_id: &str,
        top: usize,
    ) -> AppResult<Vec<Match>> {
        use kechuang_core::matchmaking::{Candidate, Extras, rerank_with};
        use std::collections::HashMap;
        self.sync(app).await?;
        let mut db = app.store.read().await?;
        let need = db.need(need_id).await?.ok_or(AppError::NotFound)?;
        let (n, _) = &need.record;
        let (text, expansions) = need_query(n);
        let mut q = Query::text(text);
        q.kinds = vec![kind("achievement"), kind("expert")];
        q.limit = RETRIEVE;
        // Scores only: snippets and matched terms are worked out below for the few
        // candidates that are returned, not for all that are re-ranked.
        let scored = self.index.search_scored(&q).map_err(engine)?;
        let ids = |k: Kind| -> Vec<String> {
            scored
                .iter()
                .filter(|h| h.kind == k)
                .filter_map(|h| h.id.split_once(':').map(|(_, id)| id.to_string()))
                .collect()
        };
        let achievements: HashMap<String, _> = db
            .achievements_by_ids(&ids(kind("achievement")))
            .await?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let experts: HashMap<String, _> = db
            .experts_by_ids(&ids(kind("expert")))
            .await?
            .into_iter()
            .map(|e| (e.id.clone(), e))
            .collect();
        drop(db);
        // Text scores are normalised per kind: an expert's profile is shorter and
        // scores lower than an achievement's abstract, and would otherwise never
        // reach the top of the mixed list.
        let best_of = |k: Kind| {
            scored
                .iter()
                .filter(|h| h.kind == k)
                .map(|h| f64::from(h.score))
                .fold(1e-9, f64::max)
        };
        let (best_achievement, best_expert) =
            (best_of(kind("achievement")), best_of(kind("expert")));
        // Each candidate's extras: the need's expansions and both owners' credit
        // codes (the region feature).
        fn extras<'a>(
            expansions: &'a [kechuang_core::concepts::Expansion],
            need_code: &'a str,
            candidate_code: &'a str,
        ) -> Extras<'a> {
            Extras {
                expansions,
                need_org_code: Some(need_code),
                candidate_org_code: Some(candidate_code),
            }
        }
        let candidate = |index_id: &str| -> Option<(String, &str, Candidate<'_>)> {
            let (k, id) = index_id.split_once(':')?;
            if k == "achievement" {
                let a = achievements.get(id)?;
                Some((
                    a.org_name.clone(),
                    a.org_code.as_str(),
                    Candidate {
                        fields: a.record.field.as_slice(),
                        maturity: a.record.maturity,
                        price: a.record.price,
                        transfer_modes: &a.record.transfer_modes,
                    },
                ))
            } else {
                let e = experts.get(id)?;
                Some((
                    e.org_name.clone(),
                    e.org_code.as_str(),
                    Candidate {
                        fields: &e.record.fields,
                        maturity: None,
                        price: None,
                        transfer_modes: &[],
                    },
                ))
            }
        };
        let mut ranked: Vec<(f64, f64, &str)> = Vec::new();
        for h in &scored {
            let Some((_, code, c)) = candidate(&h.id) else {
                continue;
            };
            let best = if h.kind == kind("achievement") {
                best_achievement
            } else {
                best_expert
            };
            let text = f64::from(h.score) / best;
            let (score, _) =
                rerank_with(n, text, &[], &extras(&expansions, &need.org_code, code), &c);
            ranked.push((score, text, &h.id));
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(top.clamp(1, 50));
        let shown: Vec<String> = ranked.iter().map(|r| r.2.to_string()).collect();
        let hits = self.index.hits_by_id(&q.text, &shown).map_err(engine)?;
        let mut out = Vec::with_capacity(hits.len());
        for h in hits {
            let (Some((org_name, code, c)), Some((_, text, _))) =
                (candidate(&h.id), ranked.iter().find(|r| r.2 == h.id))
            else {
                continue;
            };
            let (score, reasons) = rerank_with(
                n,
                *text,
                &h.matched,
                &extras(&expansions, &need.org_code, code),
                &c,
            );
            out.push(Match {
                hit: hit_view(h),
                org_name,
                score,
                reasons,
            });
        }
        Ok(out)
    }

    /// Plain BM25 for a need, the baseline of `kechuang bench match`: the need's
    /// text as typed, no expansion, no re-rank. Index ids (`kind:id`), best first.
    pub async fn bm25_need(&self, app: &App, need_id: &str, top: usize) -> AppResult<Vec<String>> {
        self.sync(app).await?;
        let mut db = app.store.read().await?;
        let need = db.need(need_id).await?.ok_or(AppError::NotFound)?;
        drop(db);
        let mut q = Query::text(need_plain_text(&need.record.0));
        q.kinds = vec![kind("achievement"), kind("expert")];
        q.limit = top.clamp(1, Query::MAX_LIMIT);
        let r = self.index.search_scored(&q).map_err(engine)?;
        Ok(r.into_iter().map(|h| h.id).collect())
    }
}
