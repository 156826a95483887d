//! 有用 / 没用 feedback on a need's matches: one vote per user per (need,
//! candidate), changeable; the bureau sees the counts.

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_store::FeedbackCount;
use serde_json::json;

/// A vote as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct FeedbackInput {
    /// `achievement` or `expert`.
    pub candidate_kind: String,
    /// The candidate's id.
    pub candidate_id: String,
    /// 有用 (true) or 没用 (false).
    pub useful: Option<bool>,
}

/// Votes on one candidate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeedbackCountView {
    /// `achievement` or `expert`.
    pub candidate_kind: String,
    /// Id.
    pub candidate_id: String,
    /// 有用.
    pub useful: i64,
    /// 没用.
    pub not_useful: i64,
}

impl From<FeedbackCount> for FeedbackCountView {
    fn from(c: FeedbackCount) -> Self {
        FeedbackCountView {
            candidate_kind: c.candidate_kind,
            candidate_id: c.candidate_id,
            useful: c.useful,
            not_useful: c.not_useful,
        }
    }
}

/// Who a vote belongs to: the account (unique even if a login name is
/// reused later), or the actor's tag for the command line.
fn voter(actor: &Actor) -> String {
    match &actor.user_id {
        Some(u) => format!("user_id:{}", u.as_str()),
        None => actor.tag(),
    }
}

/// Records (or changes) the actor's vote on a candidate of a need's matches.
pub async fn give(app: &App, actor: &Actor, need_id: &str, input: &FeedbackInput) -> AppResult<()> {
    // The need first: an unknown one is 404 whatever the body says.
    let mut tx = app.store.begin().await?;
    tx.need(need_id).await?.ok_or(AppError::NotFound)?;
    let mut errs = Vec::new();
    let kind = input.candidate_kind.trim();
    if !matches!(kind, "achievement" | "expert") {
        errs.push(FieldError::new("candidate_kind", "choice_invalid").with("value", kind));
    }
    if input.useful.is_none() {
        errs.push(FieldError::new("useful", "required"));
    }
    let id = input.candidate_id.trim();
    if id.is_empty() {
        errs.push(FieldError::new("candidate_id", "required"));
    }
    let (Some(useful), true) = (input.useful, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let exists = if kind == "achievement" {
        tx.achievement(id).await?.is_some()
    } else {
        tx.expert(id).await?.is_some()
    };
    if !exists {
        return Err(AppError::invalid(
            FieldError::new("candidate_id", "choice_invalid").with("value", id),
        ));
    }
    tx.upsert_feedback(need_id, kind, id, &voter(actor), useful, app.now())
        .await?;
    tx.append_event(
        &actor.tag(),
        "match_feedback",
        need_id,
        "match_feedback.given",
        &json!({"candidate_kind": kind, "candidate_id": id, "useful": useful}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The actor's own votes on a need's candidates: `(kind, id) → useful`.
pub async fn mine(
    app: &App,
    actor: &Actor,
    need_id: &str,
) -> AppResult<Vec<(String, String, bool)>> {
    let mut db = app.store.read().await?;
    Ok(db.feedback_of(need_id, &voter(actor)).await?)
}

/// Votes per candidate of a need (or of every need): bureau staff only.
pub async fn counts(
    app: &App,
    actor: &Actor,
    need_id: Option<&str>,
) -> AppResult<Vec<FeedbackCountView>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    Ok(db
        .feedback_counts(need_id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
