//! Saved searches with alerts: a user keeps a query (text and filters) on needs,
//! achievements, policies or 揭榜挂帅 calls; when the event log shows a new
//! record of that kind, the query is run against it with the search engine's own
//! matching (the same tokenizer, fields and filters as the search page) and a
//! match becomes a notification.

use crate::ops::notify::Draft;
use crate::search::{achievement_doc, need_doc, policy_doc};
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::notify::Kind as NoteKind;
use kechuang_core::text::trim;
use kechuang_search::{Dim, Doc, Kind, Query, SearchIndex};
use kechuang_store::{Db, Event, SavedSearchRow};
use serde::Serialize;

/// Most saved searches one user may keep.
pub const MAX_PER_USER: usize = 50;

/// The record kinds a search may be saved on: `(code, zh-CN)`.
pub const KINDS: [(&str, &str); 4] = [
    ("need", "技术需求"),
    ("achievement", "科技成果"),
    ("policy", "政策"),
    ("challenge", "揭榜挂帅榜单"),
];

fn kind_zh(code: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, z)| *z)
        .unwrap_or("记录")
}

/// A saved search as listed.
#[derive(Debug, Clone, Serialize)]
pub struct SavedSearchView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Kind, zh-CN.
    pub kind_zh: &'static str,
    /// Query text.
    pub q: String,
    /// The 技术领域 / policy category filter, if any.
    pub field: String,
    /// Where to run it now.
    pub url: String,
}

fn filters_of(row: &SavedSearchRow) -> Vec<(String, String)> {
    serde_json::from_str(&row.filters).unwrap_or_default()
}

fn view(row: SavedSearchRow) -> SavedSearchView {
    let field = filters_of(&row)
        .into_iter()
        .map(|(_, v)| v)
        .next()
        .unwrap_or_default();
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    let url = match row.kind.as_str() {
        "policy" => format!("/policies?q={}", enc(&row.query_text)),
        "challenge" => "/challenges".to_string(),
        k => format!("/search?kind={k}&q={}", enc(&row.query_text)),
    };
    SavedSearchView {
        kind_zh: kind_zh(&row.kind),
        id: row.saved_search_id,
        name: row.name,
        kind: row.kind,
        q: row.query_text,
        field,
        url,
    }
}

fn user_of(actor: &Actor) -> AppResult<&str> {
    actor
        .user_id
        .as_ref()
        .map(|u| u.as_str())
        .ok_or(AppError::Forbidden)
}

/// The actor's saved searches.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<SavedSearchView>> {
    let user = user_of(actor)?;
    let mut db = app.store.read().await?;
    Ok(db
        .saved_searches_of(user)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Saves a search: `kind` one of [`KINDS`]; `field` an optional 技术领域 (needs,
/// achievements) or category (policies). Text or a filter is required.
pub async fn create(
    app: &App,
    actor: &Actor,
    name: &str,
    kind: &str,
    q: &str,
    field: &str,
) -> AppResult<SavedSearchView> {
    let user = user_of(actor)?.to_string();
    let mut errs = Vec::new();
    let kind = trim(kind);
    if !KINDS.iter().any(|(c, _)| *c == kind) {
        errs.push(FieldError::new("kind", "saved_search_kind_invalid").with("value", kind));
    }
    let q = trim(q);
    if q.chars().count() > 200 {
        errs.push(FieldError::new("q", "too_long").with("max", 200));
    }
    let field = trim(field);
    if field.chars().count() > 50 {
        errs.push(FieldError::new("field", "too_long").with("max", 50));
    }
    if q.is_empty() && field.is_empty() {
        errs.push(FieldError::new("q", "saved_search_empty"));
    }
    let mut name = trim(name).to_string();
    if name.chars().count() > 50 {
        errs.push(FieldError::new("name", "too_long").with("max", 50));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    if name.is_empty() {
        name = if q.is_empty() { field } else { q }
            .chars()
            .take(50)
            .collect();
    }
    let filters: Vec<(String, String)> = if field.is_empty() {
        Vec::new()
    } else {
        let dim = if kind == "policy" {
            Dim::Category
        } else {
            Dim::Field
        };
        vec![(dim.as_str().to_string(), field.to_string())]
    };
    let mut tx = app.store.begin().await?;
    if tx.saved_searches_of(&user).await?.len() >= MAX_PER_USER {
        return Err(AppError::Conflict(
            FieldError::new("name", "saved_search_limit").with("max", MAX_PER_USER),
        ));
    }
    let row = SavedSearchRow {
        saved_search_id: kechuang_store::new_id(),
        user_id: user.clone(),
        name,
        kind: kind.to_string(),
        query_text: q.to_string(),
        filters: serde_json::to_string(&filters).map_err(|e| AppError::Internal(e.into()))?,
        created_at: app.now(),
    };
    tx.insert_saved_search(&row).await?;
    tx.append_event(
        &actor.tag(),
        "saved_search",
        &row.saved_search_id,
        "saved_search.created",
        &serde_json::json!({"kind": row.kind, "q": row.query_text, "filters": filters}),
    )
    .await?;
    tx.commit().await?;
    Ok(view(row))
}

/// Deletes one of the actor's saved searches.
pub async fn delete(app: &App, actor: &Actor, id: &str) -> AppResult<()> {
    let user = user_of(actor)?;
    let mut tx = app.store.begin().await?;
    if !tx.delete_saved_search(user, id).await? {
        return Err(AppError::NotFound);
    }
    tx.append_event(
        &actor.tag(),
        "saved_search",
        id,
        "saved_search.deleted",
        &serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every string in a JSON document, joined (the text of a call's document).
fn json_text(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_text(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| json_text(v, out)),
        _ => {}
    }
}

/// The document of a record that has just appeared, if the event is one.
async fn new_doc(db: &mut Db, e: &Event) -> AppResult<Option<(String, Doc)>> {
    Ok(match e.kind.as_str() {
        "need.created" => db
            .need(&e.entity_id)
            .await?
            .map(|r| ("need".to_string(), need_doc(&r))),
        "achievement.created" => db
            .achievement(&e.entity_id)
            .await?
            .map(|r| ("achievement".to_string(), achievement_doc(&r))),
        "policy.published" => db
            .policy(&e.entity_id)
            .await?
            .map(|r| ("policy".to_string(), policy_doc(&r))),
        "challenge.call.stage" => {
            let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
            if p["to"] != "published" {
                return Ok(None);
            }
            db.challenge_call_text(&e.entity_id)
                .await?
                .map(|(title, group, doc)| {
                    let mut d =
                        Doc::new(format!("challenge:{}", e.entity_id), Kind::Challenge, title);
                    let mut body = String::new();
                    json_text(&serde_json::from_str(&doc).unwrap_or_default(), &mut body);
                    d.body = body;
                    d.keywords = vec![group];
                    ("challenge".to_string(), d)
                })
        }
        _ => None,
    })
}

fn engine(e: kechuang_search::SearchError) -> AppError {
    AppError::Internal(anyhow::anyhow!("search: {e}"))
}

/// The alerts a batch of events raises: `(user id, event seq, notification)`.
/// The new records go into a small in-memory index and each saved search of
/// their kinds is run on it once.
pub(crate) async fn alerts(db: &mut Db, events: &[Event]) -> AppResult<Vec<(String, i64, Draft)>> {
    let mut docs: Vec<(i64, String, Doc, String)> = Vec::new();
    for e in events {
        if let Some((kind, doc)) = new_doc(db, e).await? {
            docs.push((e.seq, kind, doc, e.entity_id.clone()));
        }
    }
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let index = SearchIndex::in_ram().map_err(engine)?;
    for (_, _, d, _) in &docs {
        index.upsert(d).map_err(engine)?;
    }
    index.commit().map_err(engine)?;
    let mut kinds: Vec<&str> = docs.iter().map(|(_, k, _, _)| k.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut out = Vec::new();
    for kind in kinds {
        for s in db.saved_searches_for_kind(kind).await? {
            let mut q = Query::text(s.query_text.clone());
            q.kinds = Kind::parse(kind).into_iter().collect();
            q.filters = filters_of(&s)
                .into_iter()
                .filter_map(|(d, v)| {
                    Dim::ALL
                        .into_iter()
                        .find(|x| x.as_str() == d)
                        .map(|d| (d, v))
                })
                .collect();
            q.limit = Query::MAX_LIMIT;
            let hits = index.search(&q).map_err(engine)?;
            for h in hits.hits {
                let Some((seq, _, doc, id)) = docs.iter().find(|(_, _, d, _)| d.id == h.id) else {
                    continue;
                };
                let link = match kind {
                    "need" => format!("/needs/{id}"),
                    "achievement" => format!("/achievements/{id}"),
                    "policy" => format!("/policies/{id}"),
                    _ => format!("/challenges/{id}"),
                };
                out.push((
                    s.user_id.clone(),
                    *seq,
                    Draft {
                        kind: NoteKind::SavedSearch,
                        title: format!("订阅“{}”有新{}", s.name, kind_zh(kind)),
                        body: format!(
                            "新{}“{}”符合您保存的搜索“{}”。",
                            kind_zh(kind),
                            doc.title,
                            s.name
                        ),
                        link,
                        reason: s.saved_search_id.clone(),
                    },
                ));
            }
        }
    }
    Ok(out)
}
