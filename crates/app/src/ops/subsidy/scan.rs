//! 免申即享: the platform finds the enterprises that already qualify for a
//! measure from their approved filings and qualifications, and offers them the
//! subsidy to accept with one click.
//!
//! One read gathers the records of every enterprise in four queries (not one per
//! firm); the rules run in memory; one write transaction inserts the offers with
//! multi-row statements and one event each. An enterprise that already has an
//! application or an offer for the measure and period — in any stage, declined
//! or refused included — is never offered it again, and the partial unique index
//! holds one live application per measure, enterprise and period.

use super::{MeasureView, period_of};
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::subsidy::{self as rules};
use kechuang_core::subsidy_flow::Stage;
use kechuang_store::{ApplicationRecord, HistoryEntry, NewEvent};
use serde_json::json;
use std::collections::{BTreeMap, HashSet};

/// What a scan did for one measure.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeasureScan {
    /// The measure.
    pub measure: MeasureView,
    /// Enterprises assessed.
    pub assessed: usize,
    /// Of those, eligible.
    pub eligible: usize,
    /// Eligible but already holding an application or offer.
    pub already: usize,
    /// Offers made now.
    pub offers_created: usize,
}

/// What a scan did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanReport {
    /// Measure year.
    pub year: i32,
    /// Base period.
    pub period: i32,
    /// Enterprises in the district.
    pub firms: usize,
    /// Per measure.
    pub measures: Vec<MeasureScan>,
    /// Offers made now, all measures.
    pub offers_created: usize,
}

/// Scans every 免申即享 measure of `year` (or the one named) and offers it to the
/// eligible enterprises that have none (bureau staff).
pub async fn scan(
    app: &App,
    actor: &Actor,
    year: i32,
    code: Option<&str>,
) -> AppResult<ScanReport> {
    actor.require_bureau()?;
    let today = app.today();
    let period = period_of(year);
    let mut db = app.store.read().await?;
    let mut measures: Vec<_> = db
        .measures(Some(year))
        .await?
        .into_iter()
        .filter(|m| m.measure.no_application)
        .collect();
    if let Some(c) = code.map(str::trim).filter(|c| !c.is_empty()) {
        measures.retain(|m| m.measure.id == c);
        if measures.is_empty() {
            return Err(AppError::invalid(
                FieldError::new("measure", "subsidy_measure_unknown")
                    .with("value", format!("{year}:{c}")),
            ));
        }
    }
    let records = db.subsidy_records(None, year, period).await?;
    let mut existing = Vec::with_capacity(measures.len());
    for m in &measures {
        let set: HashSet<String> = db
            .subsidy_existing(&m.measure.id, period)
            .await?
            .into_iter()
            .map(|o| o.0)
            .collect();
        existing.push(set);
    }
    drop(db);
    let now = app.now();
    let empty = BTreeMap::new();
    let mut offers = Vec::new();
    let mut out = Vec::new();
    for (m, existing) in measures.iter().zip(&existing) {
        // Facts as on a day inside the window (today, or its nearest end).
        let on = today.clamp(m.measure.opens, m.measure.closes);
        let mut s = MeasureScan {
            measure: MeasureView::of(m, today),
            assessed: 0,
            eligible: 0,
            already: 0,
            offers_created: 0,
        };
        for (org, r) in &records {
            s.assessed += 1;
            let f = rules::facts(&m.measure.id, year, period, on, r, &empty, None);
            let a = rules::assess(&m.measure, &f);
            if !a.eligible {
                continue;
            }
            s.eligible += 1;
            if existing.contains(org.as_str()) {
                s.already += 1;
                continue;
            }
            s.offers_created += 1;
            offers.push(ApplicationRecord {
                id: kechuang_store::new_id(),
                measure_year: year,
                measure_code: m.measure.id.clone(),
                org_id: org.clone(),
                org_name: String::new(),
                period,
                source: "offer".into(),
                stage: Stage::Offered,
                declared: BTreeMap::new(),
                amount_applied_fen: a.amount_fen,
                assessment: a,
                amount_approved_fen: None,
                history: vec![HistoryEntry {
                    step: "offer".into(),
                    stage: Stage::Offered,
                    actor: actor.tag(),
                    on: today,
                    at_us: now,
                    comment: Some("免申即享：依据已审核的填报数据和资质自动匹配".into()),
                }],
                objections: Vec::new(),
                rejection: None,
                publicity: None,
                submitted_on: None,
                approved_on: None,
                paid_on: None,
                ledger_tx_id: None,
                created_at: now,
                updated_at: now,
            });
        }
        out.push(s);
    }
    if !offers.is_empty() {
        let events: Vec<NewEvent> = offers
            .iter()
            .map(|o| NewEvent {
                actor: actor.tag(),
                entity: "subsidy_application".into(),
                entity_id: o.id.clone(),
                kind: "subsidy.offered".into(),
                payload: json!({
                    "year": year, "measure": o.measure_code, "org_id": o.org_id, "period": period,
                    "amount_fen": o.amount_applied_fen,
                }),
            })
            .collect();
        let mut db = app.store.begin().await?;
        match db.insert_applications(&offers).await {
            Ok(()) => {}
            // An application arrived between the read and this write: scan again.
            Err(e) if e.is_conflict("subsidy_application_once_key") => {
                return Err(AppError::Conflict(FieldError::new(
                    "measure",
                    "subsidy_scan_raced",
                )));
            }
            Err(e) => return Err(e.into()),
        }
        db.append_events(&events).await?;
        db.commit().await?;
    }
    Ok(ScanReport {
        year,
        period,
        firms: records.len(),
        offers_created: offers.len(),
        measures: out,
    })
}
