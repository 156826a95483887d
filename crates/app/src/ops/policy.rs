//! The policy library (政策库): the district's published policies, searched in
//! full text, read by anyone, and matched to the enterprise types they serve.
//!
//! * A bureau administrator creates (as a draft), edits, publishes, marks
//!   expired and repeals policies; every write appends an event (entity
//!   `policy`), which the search index follows.
//! * Anyone, anonymous visitors included, lists, searches and reads the public
//!   policies (published, expired, repealed); drafts are seen by bureau staff
//!   only, and to everyone else a draft does not exist (404).
//! * Search: with words, the full-text index (jieba, ranked, highlighted
//!   snippets, filters as facets); without the index, or when it fails, the
//!   database with `LIKE` (every word must appear), so the library still works.
//!   Without words, the list is the database's, newest first.
//! * "Which policies may my enterprise use": the published policies in force
//!   today whose served types ([`Audience`]) meet what an organisation is and
//!   holds (its kind and its valid qualifications), with their measure ids.

use super::matchmaking::Choice;
use super::visible_org;
use crate::search::Searcher;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::org::OrgKind;
use kechuang_core::policy::{self, Audience, Level, Policy, PolicyInput, Status, Step};
use kechuang_store::{PolicyFilter, StoreError, StoredPolicy};
use serde_json::json;

/// Largest page.
pub const MAX_PER_PAGE: i64 = 100;
/// Policies the by-type views read at most (the district has a few hundred).
const MAX_IN_FORCE: i64 = 5_000;

fn level_choice(l: Level) -> Choice {
    Choice {
        code: l.code(),
        zh: l.zh(),
    }
}

fn status_choice(s: Status) -> Choice {
    Choice {
        code: s.code(),
        zh: s.zh(),
    }
}

fn audience_choice(a: Audience) -> Choice {
    Choice {
        code: a.code(),
        zh: a.zh(),
    }
}

/// A policy as the list shows it (no full text).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyBrief {
    /// Id.
    pub id: String,
    /// 标题.
    pub title: String,
    /// 发文机关.
    pub issuer: String,
    /// 文号.
    pub doc_no: Option<String>,
    /// 层级.
    pub level: Choice,
    /// 类别.
    pub category: String,
    /// 状态.
    pub status: Choice,
    /// 发布日期.
    pub published_on: Option<chrono::NaiveDate>,
    /// 生效日期.
    pub effective_from: Option<chrono::NaiveDate>,
    /// 失效日期.
    pub effective_to: Option<chrono::NaiveDate>,
    /// 摘要.
    pub summary: Option<String>,
    /// 适用对象.
    pub audiences: Vec<Choice>,
    /// Linked measure ids.
    pub measures: Vec<String>,
}

impl From<&StoredPolicy> for PolicyBrief {
    fn from(s: &StoredPolicy) -> Self {
        let p = &s.policy;
        PolicyBrief {
            id: s.id.clone(),
            title: p.title.clone(),
            issuer: p.issuer.clone(),
            doc_no: p.doc_no.clone(),
            level: level_choice(p.level),
            category: p.category.clone(),
            status: status_choice(s.status),
            published_on: p.published_on,
            effective_from: p.effective_from,
            effective_to: p.effective_to,
            summary: p.summary.clone(),
            audiences: p.audiences.iter().copied().map(audience_choice).collect(),
            measures: p.measures.clone(),
        }
    }
}

/// A policy with its full text.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyView {
    /// Everything the list shows.
    #[serde(flatten)]
    pub brief: PolicyBrief,
    /// 全文.
    pub body: String,
    /// 原文链接.
    pub source_url: Option<String>,
    /// Whether it is in force today.
    pub in_force: bool,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs.
    pub updated_at: i64,
}

impl PolicyView {
    fn of(s: &StoredPolicy, today: chrono::NaiveDate) -> PolicyView {
        PolicyView {
            brief: s.into(),
            body: s.policy.body.clone(),
            source_url: s.policy.source_url.clone(),
            in_force: s.policy.in_force(s.status, today),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// One search result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyHit {
    /// The policy.
    #[serde(flatten)]
    pub policy: PolicyBrief,
    /// A fragment with the matches in `<mark>`, everything else escaped.
    pub snippet_html: String,
    /// Query words found (index search).
    pub matched: Vec<String>,
    /// Relevance (index search; 0 otherwise).
    pub score: f32,
}

/// A page of policies.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyPage {
    /// Matches (all pages).
    pub total: i64,
    /// This page.
    pub items: Vec<PolicyHit>,
    /// `index` (full text, ranked), `database` (LIKE fallback) or `list` (no words).
    pub engine: &'static str,
    /// The words searched for.
    pub tokens: Vec<String>,
    /// Page number (from 1).
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// A search or list request; every filter optional.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PolicySearch {
    /// Words.
    pub q: String,
    /// Level code.
    pub level: String,
    /// Category.
    pub category: String,
    /// 适用对象 code.
    pub audience: String,
    /// Status code (bureau staff may ask for `draft`).
    pub status: String,
    /// Year of publication.
    pub year: String,
    /// Page (from 1).
    pub page: i64,
    /// Page size (1–100, default 20).
    pub per_page: i64,
}

fn nz(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// The checked filters of a request.
struct Filters {
    level: Option<Level>,
    category: Option<String>,
    audience: Option<Audience>,
    status: Option<Status>,
    year: Option<i32>,
}

impl PolicySearch {
    fn filters(&self) -> AppResult<Filters> {
        let mut errs = Vec::new();
        let bad = |field: &str, v: &str| FieldError::new(field, "choice_invalid").with("value", v);
        let level = nz(&self.level).and_then(|v| {
            Level::parse(v).or_else(|| {
                errs.push(bad("level", v));
                None
            })
        });
        let category = nz(&self.category).and_then(|v| {
            if policy::CATEGORIES.contains(&v) {
                Some(v.to_string())
            } else {
                errs.push(bad("category", v));
                None
            }
        });
        let audience = nz(&self.audience).and_then(|v| {
            Audience::parse(v).or_else(|| {
                errs.push(bad("audience", v));
                None
            })
        });
        let status = nz(&self.status).and_then(|v| {
            Status::parse(v).or_else(|| {
                errs.push(bad("status", v));
                None
            })
        });
        let year = nz(&self.year).and_then(|v| match v.parse::<i32>() {
            Ok(y) if (1949..=2100).contains(&y) => Some(y),
            _ => {
                errs.push(FieldError::new("year", "number_invalid").with("value", v));
                None
            }
        });
        if errs.is_empty() {
            Ok(Filters {
                level,
                category,
                audience,
                status,
                year,
            })
        } else {
            Err(AppError::Invalid(errs))
        }
    }

    fn paging(&self) -> (i64, i64) {
        let per = if self.per_page <= 0 {
            20
        } else {
            self.per_page.min(MAX_PER_PAGE)
        };
        (self.page.max(1), per)
    }
}

fn is_bureau(actor: Option<&Actor>) -> bool {
    actor.is_some_and(Actor::is_bureau)
}

/// The statuses an actor may list, narrowed to the one asked for.
fn visible_statuses(actor: Option<&Actor>, asked: Option<Status>) -> Vec<Status> {
    let all: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| is_bureau(actor) || s.is_public())
        .collect();
    match asked {
        Some(s) if all.contains(&s) => vec![s],
        // Asking for drafts without the right to see them finds nothing.
        Some(_) => Vec::new(),
        None => all,
    }
}

/// Searches or lists policies. `searcher` is the full-text index (`None`: the
/// database only); an index failure is logged and the database answers.
pub async fn search(
    app: &App,
    searcher: Option<&Searcher>,
    actor: Option<&Actor>,
    req: &PolicySearch,
) -> AppResult<PolicyPage> {
    let f = req.filters()?;
    let (page, per_page) = req.paging();
    let statuses = visible_statuses(actor, f.status);
    let empty = |engine| PolicyPage {
        total: 0,
        items: Vec::new(),
        engine,
        tokens: Vec::new(),
        page,
        per_page,
    };
    if statuses.is_empty() {
        return Ok(empty("list"));
    }
    let words = req.q.trim();
    if !words.is_empty()
        && let Some(s) = searcher
    {
        match index_search(app, s, actor, req, &f, page, per_page).await {
            Ok(p) => return Ok(p),
            Err(e) => {
                tracing::warn!(error = %e, "policy search: index failed, falling back to the database")
            }
        }
    }
    let filter = PolicyFilter {
        q: nz(words).map(|w| w.chars().take(200).collect()),
        level: f.level,
        category: f.category,
        audience: f.audience,
        statuses,
        year: f.year,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let mut db = app.store.read().await?;
    let (total, rows) = db.policies(&filter).await?;
    let tokens: Vec<String> = words.split_whitespace().map(str::to_string).collect();
    Ok(PolicyPage {
        total,
        items: rows
            .iter()
            .map(|r| PolicyHit {
                snippet_html: db_snippet(&r.policy, &tokens),
                matched: tokens
                    .iter()
                    .filter(|t| {
                        r.policy.title.contains(t.as_str()) || r.policy.body.contains(t.as_str())
                    })
                    .cloned()
                    .collect(),
                policy: r.into(),
                score: 0.0,
            })
            .collect(),
        engine: if words.is_empty() { "list" } else { "database" },
        tokens,
        page,
        per_page,
    })
}

async fn index_search(
    app: &App,
    searcher: &Searcher,
    actor: Option<&Actor>,
    req: &PolicySearch,
    f: &Filters,
    page: i64,
    per_page: i64,
) -> AppResult<PolicyPage> {
    use kechuang_search::{Dim, Kind, Query};
    searcher.sync(app).await?;
    let mut q = Query::text(req.q.trim());
    q.kinds = vec![Kind::Policy];
    q.include_hidden = is_bureau(actor);
    if let Some(l) = f.level {
        q.filters.push((Dim::Level, l.code().into()));
    }
    if let Some(c) = &f.category {
        q.filters.push((Dim::Category, c.clone()));
    }
    if let Some(a) = f.audience {
        q.filters.push((Dim::Audience, a.code().into()));
    }
    if let Some(s) = f.status {
        q.filters.push((Dim::Status, s.code().into()));
    }
    if let Some(y) = f.year {
        q.filters.push((Dim::Year, y.to_string()));
    }
    q.limit = per_page as usize;
    q.offset = ((page - 1) * per_page) as usize;
    let r = searcher.search_index(&q)?;
    let ids: Vec<String> = r
        .hits
        .iter()
        .filter_map(|h| h.id.strip_prefix("policy:").map(str::to_string))
        .collect();
    let mut db = app.store.read().await?;
    let rows = db.policies_by_ids(&ids).await?;
    drop(db);
    let mut items = Vec::with_capacity(r.hits.len());
    for h in r.hits {
        let Some(row) =
            h.id.strip_prefix("policy:")
                .and_then(|id| rows.iter().find(|p| p.id == id))
        else {
            continue;
        };
        // The index may lag a status change by one sync: the database decides.
        if !(row.status.is_public() || is_bureau(actor)) {
            continue;
        }
        items.push(PolicyHit {
            policy: row.into(),
            snippet_html: h.snippet,
            matched: h.matched,
            score: h.score,
        });
    }
    Ok(PolicyPage {
        total: r.total as i64,
        items,
        engine: "index",
        tokens: r.tokens,
        page,
        per_page,
    })
}

/// A fragment of the text around the first word found, escaped, with the words
/// in `<mark>` (the database fallback's snippet).
fn db_snippet(p: &Policy, words: &[String]) -> String {
    const SPAN: usize = 60;
    let text = p
        .summary
        .as_deref()
        .filter(|s| words.is_empty() || words.iter().any(|w| s.contains(w.as_str())));
    let text = text.unwrap_or(&p.body);
    let chars: Vec<char> = text.chars().collect();
    let first = words
        .iter()
        .filter_map(|w| text.find(w.as_str()).map(|b| text[..b].chars().count()))
        .min()
        .unwrap_or(0);
    let start = first.saturating_sub(SPAN / 3);
    let end = (start + SPAN * 2).min(chars.len());
    let fragment: String = chars[start..end].iter().collect();
    // Walk the fragment once: a word starting here is marked (longest first),
    // anything else escaped; no pass over already-written HTML.
    let mut sorted: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut html = String::new();
    let mut rest = fragment.as_str();
    while let Some(c) = rest.chars().next() {
        if let Some(w) = sorted.iter().find(|w| rest.starts_with(**w)) {
            html.push_str("<mark>");
            kechuang_search::escape_html(w, &mut html);
            html.push_str("</mark>");
            rest = &rest[w.len()..];
        } else {
            kechuang_search::escape_html(&rest[..c.len_utf8()], &mut html);
            rest = &rest[c.len_utf8()..];
        }
    }
    if end < chars.len() {
        html.push('…');
    }
    html
}

/// Reads one policy: a draft only for bureau staff (anyone else: 404).
pub async fn get(app: &App, actor: Option<&Actor>, id: &str) -> AppResult<PolicyView> {
    let mut db = app.store.read().await?;
    let p = db.policy(id).await?.ok_or(AppError::NotFound)?;
    if !(p.status.is_public() || is_bureau(actor)) {
        return Err(AppError::NotFound);
    }
    Ok(PolicyView::of(&p, app.today()))
}

pub(crate) fn policy_json(p: &Policy, status: Status) -> serde_json::Value {
    json!({
        "title": p.title, "issuer": p.issuer, "doc_no": p.doc_no, "level": p.level.code(),
        "category": p.category, "published_on": p.published_on, "effective_from": p.effective_from,
        "effective_to": p.effective_to, "audiences": p.audiences, "measures": p.measures,
        "status": status.code(), "body_chars": p.body.chars().count(),
    })
}

fn doc_no_taken(p: &Policy) -> AppError {
    AppError::Conflict(
        FieldError::new("doc_no", "policy_doc_no_taken")
            .with("value", p.doc_no.clone().unwrap_or_default()),
    )
}

/// A bureau administrator adds a policy; it starts as a draft.
pub async fn create(app: &App, actor: &Actor, input: &PolicyInput) -> AppResult<PolicyView> {
    actor.require_admin()?;
    let p = input.parse().map_err(AppError::Invalid)?;
    let id = kechuang_store::new_id();
    let now = app.now();
    let mut tx = app.store.begin().await?;
    match tx
        .insert_policy(&id, &p, Status::Draft, now, &actor.tag())
        .await
    {
        Ok(()) => {}
        Err(e) if e.is_conflict("policy_doc_no_key") => return Err(doc_no_taken(&p)),
        Err(e) => return Err(e.into()),
    }
    tx.append_event(
        &actor.tag(),
        "policy",
        &id,
        "policy.created",
        &policy_json(&p, Status::Draft),
    )
    .await?;
    let stored = tx.policy(&id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(PolicyView::of(&stored, app.today()))
}

/// A bureau administrator replaces a policy's content (its status stays).
pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &PolicyInput,
) -> AppResult<PolicyView> {
    actor.require_admin()?;
    let p = input.parse().map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    let old = tx.policy(id).await?.ok_or(AppError::NotFound)?;
    match tx.update_policy(id, &p, app.now(), &actor.tag()).await {
        Ok(()) => {}
        Err(e) if e.is_conflict("policy_doc_no_key") => return Err(doc_no_taken(&p)),
        Err(e) => return Err(e.into()),
    }
    tx.append_event(
        &actor.tag(),
        "policy",
        id,
        "policy.updated",
        &policy_json(&p, old.status),
    )
    .await?;
    let stored = tx.policy(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(PolicyView::of(&stored, app.today()))
}

/// A bureau administrator moves a policy along its life cycle (publish, mark
/// expired, repeal); `reason` is recorded in the event (required to repeal).
pub async fn step(
    app: &App,
    actor: &Actor,
    id: &str,
    step: Step,
    reason: &str,
) -> AppResult<PolicyView> {
    actor.require_admin()?;
    let reason = kechuang_core::org::optional_text("reason", reason, 500)?;
    if step == Step::Repeal && reason.is_none() {
        return Err(AppError::invalid(FieldError::new("reason", "required")));
    }
    let mut tx = app.store.begin().await?;
    let old = tx.policy(id).await?.ok_or(AppError::NotFound)?;
    let to = old.status.step(step).map_err(AppError::Conflict)?;
    match tx
        .set_policy_status(id, old.status, to, app.now(), &actor.tag())
        .await
    {
        Ok(()) => {}
        // Changed under us: report the state found now.
        Err(StoreError::NotFound) => {
            return Err(AppError::Conflict(
                FieldError::new("status", "policy_status_step").with("status", old.status.zh()),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let kind = match step {
        Step::Publish => "policy.published",
        Step::Repeal => "policy.repealed",
        Step::Expire => "policy.expired",
    };
    tx.append_event(
        &actor.tag(),
        "policy",
        id,
        kind,
        &json!({"from": old.status.code(), "to": to.code(), "reason": reason}),
    )
    .await?;
    let stored = tx.policy(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(PolicyView::of(&stored, app.today()))
}

/// The step named by `publish`, `repeal` or `expire`.
pub fn parse_step(s: &str) -> AppResult<Step> {
    match s.trim() {
        "publish" => Ok(Step::Publish),
        "repeal" => Ok(Step::Repeal),
        "expire" => Ok(Step::Expire),
        other => Err(AppError::invalid(
            FieldError::new("op", "choice_invalid").with("value", other),
        )),
    }
}

/// The policies in force today (published, within their dates).
async fn in_force(app: &App) -> AppResult<Vec<StoredPolicy>> {
    let mut db = app.store.read().await?;
    let (_, rows) = db
        .policies(&PolicyFilter {
            statuses: vec![Status::Published],
            limit: MAX_IN_FORCE,
            ..PolicyFilter::default()
        })
        .await?;
    let today = app.today();
    Ok(rows
        .into_iter()
        .filter(|p| p.policy.in_force(p.status, today))
        .collect())
}

/// One enterprise type with the policies and measures it may use.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AudienceRow {
    /// The type.
    pub audience: Choice,
    /// Policies in force serving it.
    pub policies: Vec<PolicyBrief>,
    /// Their measure ids, distinct, in policy order.
    pub measures: Vec<String>,
}

fn measures_of(ps: &[PolicyBrief]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in ps {
        for m in &p.measures {
            if !out.contains(m) {
                out.push(m.clone());
            }
        }
    }
    out
}

/// The table "enterprise type → policies and measures it may use", for every
/// type (or the one asked for). Public.
pub async fn by_audience(app: &App, only: Option<&str>) -> AppResult<Vec<AudienceRow>> {
    let only = match only.and_then(nz) {
        Some(v) => Some(Audience::parse(v).ok_or_else(|| {
            AppError::invalid(FieldError::new("audience", "choice_invalid").with("value", v))
        })?),
        None => None,
    };
    let policies = in_force(app).await?;
    Ok(Audience::all()
        .into_iter()
        .filter(|a| only.is_none_or(|o| o == *a))
        .map(|a| {
            let ps: Vec<PolicyBrief> = policies
                .iter()
                .filter(|p| p.policy.serves(&[a]))
                .map(PolicyBrief::from)
                .collect();
            AudienceRow {
                audience: audience_choice(a),
                measures: measures_of(&ps),
                policies: ps,
            }
        })
        .collect())
}

/// What an organisation may use.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ForOrg {
    /// The organisation.
    pub org_id: String,
    /// Its name.
    pub org_name: String,
    /// What it is and holds today.
    pub holds: Vec<Choice>,
    /// Policies in force serving any of that.
    pub policies: Vec<PolicyBrief>,
    /// Their measure ids.
    pub measures: Vec<String>,
}

/// The policies in force that an organisation may use: an enterprise's own
/// (by default its actor's), any visible one for bureau staff; another
/// organisation's is 404.
pub async fn for_org(app: &App, actor: &Actor, org: Option<&str>) -> AppResult<ForOrg> {
    let id = match org.and_then(nz) {
        Some(o) => OrgId(o.to_string()),
        None => actor
            .org_id
            .clone()
            .ok_or_else(|| AppError::invalid(FieldError::new("org_id", "required")))?,
    };
    let mut db = app.store.read().await?;
    let o = visible_org(&mut db, actor, &id).await?;
    let today = app.today();
    let quals: Vec<_> = db
        .valid_qualification_kinds(std::slice::from_ref(&id), today)
        .await?
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    drop(db);
    let mut held = policy::held(o.org.kind, &quals);
    held.sort_by_key(|a| a.rank());
    held.dedup();
    let ps: Vec<PolicyBrief> = in_force(app)
        .await?
        .iter()
        .filter(|p| p.policy.serves(&held))
        .map(PolicyBrief::from)
        .collect();
    Ok(ForOrg {
        org_id: id.to_string(),
        org_name: o.org.name.clone(),
        holds: held
            .into_iter()
            .filter(|a| *a != Audience::Org(OrgKind::Bank))
            .map(audience_choice)
            .collect(),
        measures: measures_of(&ps),
        policies: ps,
    })
}

/// The choices the pages and the API offer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyChoices {
    /// Levels.
    pub levels: Vec<Choice>,
    /// Categories.
    pub categories: Vec<&'static str>,
    /// Enterprise types.
    pub audiences: Vec<Choice>,
    /// Statuses.
    pub statuses: Vec<Choice>,
}

/// The choices of the filters and the form.
pub fn choices() -> PolicyChoices {
    PolicyChoices {
        levels: Level::ALL.into_iter().map(level_choice).collect(),
        categories: policy::CATEGORIES.to_vec(),
        audiences: Audience::all().into_iter().map(audience_choice).collect(),
        statuses: Status::ALL.into_iter().map(status_choice).collect(),
    }
}
