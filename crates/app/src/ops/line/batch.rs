//! Batches (批次) of trial production (docs/line-config.md): a code, a planned
//! quantity, a start and an end (open while running) and a note. A batch is the
//! line's visits whose cart arrived in its time window; its analytics and its
//! xlsx export read the rollups of the whole hours the window touches.

use super::analytics::{HOUR_US, LineAnalytics, Period, hour_of, readable_line};
use super::may_engineer;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_store::BatchRecord;
use serde_json::json;

/// A new batch as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct NewBatch {
    /// Code, unique per line.
    pub code: String,
    /// Vehicles planned (1–100000).
    pub planned_qty: i64,
    /// Start `YYYY-MM-DD HH:MM` China time; empty: now.
    pub started_at: String,
    /// End `YYYY-MM-DD HH:MM`; empty: open (running).
    pub ended_at: String,
    /// Note (at most 500 characters).
    pub note: String,
}

/// A batch as shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BatchView {
    /// Id.
    pub id: String,
    /// Code.
    pub code: String,
    /// Vehicles planned.
    pub planned_qty: i64,
    /// Start (China time).
    pub started: String,
    /// End (China time), `None` while running.
    pub ended: Option<String>,
    /// Start, unix µs.
    pub started_us: i64,
    /// End, unix µs.
    pub ended_us: Option<i64>,
    /// Running.
    pub open: bool,
    /// Note.
    pub note: String,
}

impl From<BatchRecord> for BatchView {
    fn from(b: BatchRecord) -> Self {
        Self {
            id: b.batch_id,
            code: b.code,
            planned_qty: b.planned_qty,
            started: super::views::seconds(b.started_at),
            ended: b.ended_at.map(super::views::seconds),
            started_us: b.started_at,
            ended_us: b.ended_at,
            open: b.ended_at.is_none(),
            note: b.note,
        }
    }
}

/// A batch's analytics: the figures of its hours and the batch itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BatchAnalytics {
    /// The batch.
    pub batch: BatchView,
    /// The analytics of its window.
    pub analytics: LineAnalytics,
}

fn invalid(e: FieldError) -> AppError {
    AppError::Invalid(vec![e])
}

/// Parses `YYYY-MM-DD HH:MM` (or `YYYY-MM-DDTHH:MM`, as a browser sends it) China
/// time into unix µs.
pub fn parse_instant(field: &str, s: &str) -> Result<i64, FieldError> {
    let s = s.trim().replace('T', " ");
    chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S"))
        .map(|d| d.and_utc().timestamp_micros() - 8 * HOUR_US)
        .map_err(|_| FieldError::new(field, "invalid_format"))
}

/// The period a batch is analysed over: the whole hours its window touches (to now
/// while it runs).
pub fn batch_period(b: &BatchRecord, now: i64) -> Period {
    let end = b.ended_at.unwrap_or(now).max(b.started_at + 1);
    Period::Window(hour_of(b.started_at), hour_of(end - 1) + HOUR_US)
}

/// Opens (or records) a batch on a line. Only one batch of a line may be open.
pub async fn create_batch(
    app: &App,
    actor: &Actor,
    line: &str,
    b: &NewBatch,
) -> AppResult<BatchView> {
    let spec = super::line(app, actor, line).await?;
    may_engineer(actor, &spec.org_id)?;
    let code = b.code.trim();
    if code.is_empty() {
        return Err(invalid(FieldError::new("code", "required")));
    }
    if code.chars().count() > 32 {
        return Err(invalid(FieldError::new("code", "too_long").with("max", 32)));
    }
    if !(1..=100_000).contains(&b.planned_qty) {
        return Err(invalid(
            FieldError::new("planned_qty", "out_of_range")
                .with("min", 1)
                .with("max", 100_000),
        ));
    }
    let now = app.now();
    let started = if b.started_at.trim().is_empty() {
        now
    } else {
        parse_instant("started_at", &b.started_at).map_err(invalid)?
    };
    let ended = if b.ended_at.trim().is_empty() {
        None
    } else {
        let e = parse_instant("ended_at", &b.ended_at).map_err(invalid)?;
        if e <= started {
            return Err(invalid(FieldError::new("ended_at", "before_start")));
        }
        Some(e)
    };
    if b.note.chars().count() > 500 {
        return Err(invalid(
            FieldError::new("note", "too_long").with("max", 500),
        ));
    }
    let mut tx = app.store.begin().await?;
    let existing = tx.line_batches(&spec.id).await?;
    if existing.iter().any(|x| x.code == code) {
        return Err(invalid(FieldError::new("code", "duplicate")));
    }
    if ended.is_none()
        && let Some(open) = existing.iter().find(|x| x.ended_at.is_none())
    {
        return Err(invalid(
            FieldError::new("code", "batch_open").with("batch", &open.code),
        ));
    }
    let rec = BatchRecord {
        batch_id: kechuang_store::new_id(),
        line_id: spec.id.clone(),
        code: code.to_string(),
        planned_qty: b.planned_qty,
        started_at: started,
        ended_at: ended,
        note: b.note.trim().to_string(),
        created_by: actor.tag(),
        created_at: now,
    };
    tx.insert_line_batch(&rec).await?;
    tx.append_event(
        &actor.tag(),
        "line",
        &spec.id,
        "line.batch_created",
        &json!({"batch": rec.batch_id, "code": rec.code, "planned_qty": rec.planned_qty}),
    )
    .await?;
    tx.commit().await?;
    Ok(rec.into())
}

/// Closes a running batch now (or at `ended_at`, `YYYY-MM-DD HH:MM`).
pub async fn close_batch(
    app: &App,
    actor: &Actor,
    line: &str,
    batch: &str,
    ended_at: Option<&str>,
) -> AppResult<BatchView> {
    let spec = super::line(app, actor, line).await?;
    may_engineer(actor, &spec.org_id)?;
    let mut tx = app.store.begin().await?;
    let b = tx
        .line_batch(&spec.id, batch)
        .await?
        .ok_or(AppError::NotFound)?;
    if b.ended_at.is_some() {
        return Err(invalid(FieldError::new("batch", "already_closed")));
    }
    let end = match ended_at.filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_instant("ended_at", s).map_err(invalid)?,
        None => app.now(),
    };
    if end <= b.started_at {
        return Err(invalid(FieldError::new("ended_at", "before_start")));
    }
    if !tx.close_line_batch(&b.batch_id, end).await? {
        return Err(invalid(FieldError::new("batch", "already_closed")));
    }
    tx.append_event(
        &actor.tag(),
        "line",
        &spec.id,
        "line.batch_closed",
        &json!({"batch": b.batch_id, "code": b.code}),
    )
    .await?;
    tx.commit().await?;
    Ok(BatchRecord {
        ended_at: Some(end),
        ..b
    }
    .into())
}

impl App {
    /// The line (id) a batch belongs to, `NotFound` when absent or not visible.
    pub async fn line_of_batch(&self, actor: &Actor, batch_id: &str) -> AppResult<String> {
        let mut db = self.store.read().await?;
        let b = db
            .line_batch_by_id(batch_id)
            .await?
            .ok_or(AppError::NotFound)?;
        readable_line(&mut db, actor, &b.line_id).await?;
        Ok(b.line_id)
    }

    /// The batches of a line, newest first.
    pub async fn line_batches(&self, actor: &Actor, line: &str) -> AppResult<Vec<BatchView>> {
        let mut db = self.store.read().await?;
        let spec = readable_line(&mut db, actor, line).await?;
        Ok(db
            .line_batches(&spec.id)
            .await?
            .into_iter()
            .map(BatchView::from)
            .collect())
    }

    /// One batch and the period it is analysed over.
    pub async fn line_batch(
        &self,
        actor: &Actor,
        line: &str,
        batch: &str,
    ) -> AppResult<(BatchView, Period)> {
        let mut db = self.store.read().await?;
        let spec = readable_line(&mut db, actor, line).await?;
        let b = db
            .line_batch(&spec.id, batch)
            .await?
            .ok_or(AppError::NotFound)?;
        let p = batch_period(&b, self.now());
        Ok((b.into(), p))
    }

    /// The analytics of a batch.
    pub async fn line_batch_analytics(
        &self,
        actor: &Actor,
        line: &str,
        batch: &str,
        spc: Option<&str>,
    ) -> AppResult<BatchAnalytics> {
        let (b, period) = self.line_batch(actor, line, batch).await?;
        let mut analytics = self.line_analytics(actor, line, period, spc).await?;
        analytics.period = format!("批次 {}（{}）", b.code, period.label());
        Ok(BatchAnalytics {
            batch: b,
            analytics,
        })
    }

    /// The xlsx export of a batch.
    pub async fn line_batch_xlsx(
        &self,
        actor: &Actor,
        line: &str,
        batch: &str,
        spc: Option<&str>,
    ) -> AppResult<Vec<u8>> {
        let (_, period) = self.line_batch(actor, line, batch).await?;
        self.line_analytics_xlsx(actor, line, period, spc).await
    }
}
