//! The writer: one store transaction, fed by the reader through a channel.
//!
//! It applies the registry plan (towns, clusters, new and changed enterprises,
//! qualifications, IP records), then compares each batch of filing rows with the
//! stored filings: a row equal to the current approved values is skipped, a row
//! whose latest version is under review is an error, any other row becomes a new
//! approved version (`source = import`). Once any error is known it stops writing
//! but goes on comparing, so the report lists every bad row. At the end it commits
//! only when there is no error, no unaccepted warning, no dry run, and something
//! changed; otherwise it rolls back.

use super::read::Book;
use super::read::column_letter;
use super::sheets::{Errors, Inspected, SheetPlan};
use super::validate::{
    self, Change, FilingRow, FilingsSheet, Msg, ReaderInput, Registry, RegistryPlan,
};
use super::warn::{self, FileLog};
use super::{CellError, ImportOptions, ImportReport, ImportSummary, join_error};
use crate::ops::org::{diff, org_json};
use crate::{Actor, App, AppResult};
use kechuang_core::FieldError;
use kechuang_core::filing::{FilingSource, FilingStatus};
use kechuang_core::ids::{ImportBatchId, IpRecordId, OrgId};
use kechuang_core::indicator::Values;
use kechuang_core::period::Period;
use kechuang_store::bulk::FilingBatchMeta;
use kechuang_store::bulk::FilingHead;
use kechuang_store::{Db, NewEvent, OrgKey, RollupDelta};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

struct Writer {
    db: Db,
    /// Writing at all (not a dry run).
    transaction: bool,
    failed: Arc<AtomicBool>,
    batch_id: ImportBatchId,
    actor: String,
    now: i64,
    ids: Vec<OrgId>,
    existing: usize,
    summary: ImportSummary,
    errors: Errors,
    events: Vec<NewEvent>,
    sheet: Option<FilingsSheet>,
    history: FileLog,
    history_loaded: Vec<bool>,
    keys: Vec<OrgKey>,
    rollup: RollupDelta,
    /// The columns every filing version the import writes shares.
    meta: FilingBatchMeta,
}

impl Writer {
    /// Whether writes go through: a transaction and no error so far.
    fn writing(&self) -> bool {
        self.transaction && !self.failed.load(Ordering::Relaxed)
    }

    fn event(&mut self, entity_id: &str, kind: &str, payload: serde_json::Value) {
        self.events.push(NewEvent {
            actor: self.actor.clone(),
            entity: "organisation".into(),
            entity_id: entity_id.to_string(),
            kind: kind.into(),
            payload,
        });
    }

    async fn registry(&mut self, plan: RegistryPlan) -> AppResult<()> {
        self.ids = plan.ids;
        self.existing = plan.existing;
        self.keys = plan.keys;
        self.history_loaded = vec![false; self.existing];
        let s = &mut self.summary;
        s.enterprises_created = plan.new_orgs.len() as u64;
        s.enterprises_updated = plan.changed_orgs.len() as u64;
        s.enterprises_unchanged = plan.unchanged_orgs;
        s.towns_added = plan.new_towns.len() as u64;
        s.clusters_added = plan.new_clusters.len() as u64;
        s.qualifications_created =
            plan.quals.iter().filter(|q| q.2 == Change::Created).count() as u64;
        s.qualifications_updated =
            plan.quals.iter().filter(|q| q.2 == Change::Updated).count() as u64;
        s.qualifications_unchanged = plan.quals_unchanged;
        s.ip_created = plan.ips_new.len() as u64;
        s.ip_updated = plan.ips_changed.len() as u64;
        s.ip_unchanged = plan.ips_unchanged;
        if !self.writing() {
            return Ok(());
        }
        for t in &plan.new_towns {
            self.db.ensure_town(t, None, 1000, None).await?;
        }
        for c in &plan.new_clusters {
            self.db.ensure_cluster(c, 1000).await?;
        }
        self.db
            .insert_organisations(&plan.new_orgs, self.now)
            .await?;
        for (id, o) in &plan.new_orgs {
            self.event(id.as_str(), "organisation.created", org_json(o));
        }
        for (id, before, after) in &plan.changed_orgs {
            self.db.update_organisation(id, after, self.now).await?;
            self.event(
                id.as_str(),
                "organisation.updated",
                json!({ "changes": diff(before, after) }),
            );
        }
        for (org, q, _) in &plan.quals {
            let id = self.ids[*org as usize].clone();
            self.db.upsert_qualification(&id, q, self.now).await?;
            let payload = json!({"kind": q.kind.code(), "number": q.number, "recognized_on": q.recognized_on, "valid_until": q.valid_until});
            self.event(id.as_str(), "qualification.recorded", payload);
        }
        for (org, ip) in &plan.ips_new {
            let org_id = self.ids[*org as usize].clone();
            let id = IpRecordId(kechuang_store::new_id());
            self.db.insert_ip(&id, &org_id, ip, self.now).await?;
            self.event(
                org_id.as_str(),
                "ip.added",
                json!({"ip_record_id": id, "number": ip.number, "type": ip.ip_type.code()}),
            );
        }
        for (id, org, ip) in &plan.ips_changed {
            let org_id = self.ids[*org as usize].clone();
            self.db.update_ip(id, &org_id, ip, self.now).await?;
            self.event(org_id.as_str(), "ip.updated", json!({"ip_record_id": id, "status": ip.status.code(), "used_in_hte": ip.used_in_hte}));
        }
        Ok(())
    }

    async fn filings(&mut self, batch: Vec<FilingRow>) -> AppResult<()> {
        // The stored side, for organisations that existed before the import.
        let mut stored: Vec<u32> = batch
            .iter()
            .map(|r| r.org)
            .filter(|o| (*o as usize) < self.existing)
            .collect();
        stored.sort_unstable();
        stored.dedup();
        let mut heads: HashMap<(u32, i32), FilingHead> = HashMap::new();
        if !stored.is_empty() {
            let unseen: Vec<u32> = stored
                .iter()
                .copied()
                .filter(|o| !self.history_loaded[*o as usize])
                .collect();
            if !unseen.is_empty() {
                let refs: Vec<&OrgId> = unseen.iter().map(|o| &self.ids[*o as usize]).collect();
                let index: HashMap<&str, u32> = unseen
                    .iter()
                    .map(|o| (self.ids[*o as usize].as_str(), *o))
                    .collect();
                for (id, period, values) in self.db.current_values_of(&refs).await? {
                    if let Some(o) = index.get(id.as_str()) {
                        self.history.push(*o, period, 0, &values);
                    }
                }
                for o in unseen {
                    self.history_loaded[o as usize] = true;
                }
            }
            let refs: Vec<&OrgId> = stored.iter().map(|o| &self.ids[*o as usize]).collect();
            let mut periods: Vec<Period> = batch
                .iter()
                .filter(|r| (r.org as usize) < self.existing)
                .map(|r| r.period)
                .collect();
            periods.sort_unstable();
            periods.dedup();
            let index: HashMap<&str, u32> = stored
                .iter()
                .map(|o| (self.ids[*o as usize].as_str(), *o))
                .collect();
            for h in self.db.filing_heads(&refs, &periods).await? {
                if let Some(o) = index.get(h.org_id.as_str()) {
                    heads.insert((*o, h.period.code()), h);
                }
            }
        }
        let mut to_clear: Vec<(OrgId, Period)> = Vec::new();
        // (organisation index, version, row)
        let mut to_write: Vec<(u32, i32, FilingRow)> = Vec::new();
        for r in batch {
            let head = heads.get(&(r.org, r.period.code()));
            if let Some(h) = head {
                if h.latest_status == FilingStatus::Submitted {
                    self.under_review(&r, h);
                    continue;
                }
                if h.current.as_ref() == Some(&r.values) {
                    self.summary.filings_unchanged += 1;
                    continue;
                }
            }
            if head.is_some_and(|h| h.current.is_some()) {
                to_clear.push((self.ids[r.org as usize].clone(), r.period));
            }
            self.summary.filings_created += 1;
            to_write.push((r.org, head.map_or(1, |h| h.latest_version + 1), r));
        }
        if self.writing() {
            if !to_clear.is_empty() {
                self.db.clear_current_many(&to_clear).await?;
            }
            let rows: Vec<(&OrgId, Period, i32, &Values)> = to_write
                .iter()
                .map(|(o, v, r)| (&self.ids[*o as usize], r.period, *v, &r.values))
                .collect();
            self.db.insert_filings_unrolled(&self.meta, &rows).await?;
            for (o, _, r) in &to_write {
                if let Some(key) = self.keys.get(*o as usize) {
                    self.rollup.add(r.period.code(), key, &r.values, 1);
                }
            }
        }
        Ok(())
    }

    fn under_review(&mut self, r: &FilingRow, h: &FilingHead) {
        self.failed.store(true, Ordering::Relaxed);
        let sheet = self.sheet.clone().unwrap_or(FilingsSheet {
            name: String::new(),
            period_col: None,
        });
        let e = FieldError::new("period", "filing_under_review")
            .with("version", h.latest_version)
            .with("value", r.period);
        self.errors.add(|| CellError {
            sheet: sheet.name,
            row: r.row,
            column: sheet.period_col.as_ref().map(|c| c.0.clone()),
            header: sheet.period_col.map(|c| c.1),
            value: Some(r.period.to_string()),
            error: e,
        });
    }
}

/// Runs the row pass and the writer, then decides whether to commit.
pub(crate) async fn run(
    app: &App,
    actor: &Actor,
    file_name: &str,
    sha256: String,
    inspected: Inspected,
    opts: &ImportOptions,
) -> AppResult<ImportReport> {
    let transaction = !opts.dry_run;
    let mut db = if transaction {
        app.store.begin().await?
    } else {
        app.store.read().await?
    };
    let registry = Registry {
        orgs: db.all_organisations().await?,
        quals: db.all_qualifications().await?,
        ips: db.all_ip_records().await?,
        towns: db.towns().await?,
        clusters: db.clusters().await?,
    };
    let batch_id = ImportBatchId(kechuang_store::new_id());
    let now = app.now();
    if transaction {
        db.insert_import_batch(&batch_id, file_name, &sha256, &actor.tag(), now, &json!({}))
            .await?;
    }
    let failed = Arc::new(AtomicBool::new(false));
    let mut w = Writer {
        db,
        transaction,
        failed: failed.clone(),
        batch_id: batch_id.clone(),
        actor: actor.tag(),
        now,
        ids: Vec::new(),
        existing: 0,
        summary: ImportSummary::default(),
        errors: Errors::default(),
        events: Vec::new(),
        sheet: None,
        history: FileLog::all_money(),
        history_loaded: Vec::new(),
        keys: Vec::new(),
        rollup: RollupDelta::default(),
        meta: FilingBatchMeta {
            status: FilingStatus::Approved,
            source: FilingSource::Import,
            is_current: true,
            created_by: format!("import:{batch_id}"),
            created_at: now,
            reviewed_by: Some(actor.tag()),
            reviewed_at: Some(now),
            import_batch_id: Some(batch_id.clone()),
        },
    };
    let Inspected {
        book,
        plans,
        errors,
        merge_scan,
    } = inspected;
    let sheets: Vec<(usize, String)> = plans.iter().map(|p| (p.index, p.name.clone())).collect();
    let input = ReaderInput {
        book,
        plans,
        errors,
        registry,
        actor: actor.clone(),
        failed,
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(4);
    let reader = tokio::task::spawn_blocking(move || validate::run(input, tx));
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Registry(plan) => w.registry(*plan).await?,
            Msg::FilingsSheet(s) => w.sheet = Some(s),
            Msg::Filings(batch) => w.filings(batch).await?,
        }
    }
    let mut outcome = reader.await.map_err(join_error)?;
    w.summary.rows_read = outcome.rows_read;

    let mut errors = std::mem::take(&mut outcome.errors);
    if let Some(scan) = merge_scan {
        // Only when a worksheet holds `<mergeCell` does calamine parse the ranges.
        let (book, found) = tokio::task::spawn_blocking(move || {
            let mut book = outcome.book;
            let mut found = Errors::default();
            if scan.join().unwrap_or(true) {
                super::sheets::merged_cells(&mut book, &sheets, &mut found);
            }
            (book, found)
        })
        .await
        .map_err(join_error)?;
        outcome.book = book;
        errors.extend(found);
    }
    errors.extend(std::mem::take(&mut w.errors));
    sort_errors(&mut errors.list);

    // Warnings: only worth computing for an import that could go through.
    let warnings = match outcome.filings {
        Some(plan) if errors.is_empty() => {
            unit_warnings(&mut w, outcome.book, plan, &outcome.file_log).await?
        }
        _ => Errors::default(),
    };

    let summary = w.summary.clone();
    let apply = errors.is_empty()
        && (warnings.is_empty() || opts.accept_warnings)
        && transaction
        && summary.changes_anything();
    let mut batch = None;
    if apply {
        let mut db = w.db;
        let payload = json!({"file_name": file_name, "sha256": sha256, "summary": summary});
        db.apply_rollup(&w.rollup).await?;
        db.set_import_batch_summary(&w.batch_id, &json!(summary))
            .await?;
        let mut events = w.events;
        events.push(NewEvent {
            actor: w.actor.clone(),
            entity: "import_batch".into(),
            entity_id: w.batch_id.to_string(),
            kind: "import.applied".into(),
            payload,
        });
        db.append_events(&events).await?;
        db.commit().await?;
        batch = Some(w.batch_id);
    } else if transaction {
        w.db.rollback().await?;
    }
    Ok(ImportReport {
        file_name: file_name.to_string(),
        sha256,
        error_total: errors.total,
        errors: errors.list,
        warning_total: warnings.total,
        warnings: warnings.list,
        applied: batch.is_some(),
        summary,
        batch_id: batch,
    })
}

/// The `unit_suspect` warnings: candidates from the log codes of the row pass and
/// the store history, then, only if there are any, the exact values of their rows
/// (read again) and of the store's current filings.
async fn unit_warnings(
    w: &mut Writer,
    book: Book,
    plan: SheetPlan,
    file_log: &FileLog,
) -> AppResult<Errors> {
    let mut warnings = Errors::default();
    let candidates = warn::candidates(file_log, &w.history);
    if candidates.pairs.is_empty() {
        return Ok(warnings);
    }
    let mut book = book;
    let (plan, file_values, candidates) = tokio::task::spawn_blocking(move || {
        let v = warn::exact_file_values(&mut book, &plan, &candidates);
        (plan, v, candidates)
    })
    .await
    .map_err(join_error)?;
    let mut orgs: Vec<u32> = candidates
        .pairs
        .iter()
        .map(|p| p.0)
        .filter(|o| (*o as usize) < w.existing)
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    let refs: Vec<&OrgId> = orgs.iter().map(|o| &w.ids[*o as usize]).collect();
    let index: HashMap<&str, u32> = orgs
        .iter()
        .map(|o| (w.ids[*o as usize].as_str(), *o))
        .collect();
    // Inside the transaction these may already be the file's values for the periods
    // it holds; the file's values win for those periods anyway.
    let store: Vec<(u32, Period, Values)> =
        w.db.current_values_of(&refs)
            .await?
            .into_iter()
            .filter_map(|(id, p, v)| index.get(id.as_str()).map(|o| (*o, p, v)))
            .collect();
    let cols: HashMap<usize, usize> = plan
        .layout
        .indicators()
        .into_iter()
        .map(|(c, i)| (i.index, c))
        .collect();
    for s in warn::exact(&candidates, &file_values, &store) {
        let col = cols.get(&s.ind).copied();
        warnings.add(|| CellError {
            sheet: plan.name.clone(),
            row: s.row,
            column: col.map(column_letter),
            header: col.and_then(|c| plan.layout.headers.get(c).cloned()),
            value: s.error.param("value").map(str::to_string),
            error: s.error,
        });
    }
    Ok(warnings)
}

/// Orders errors by sheet (file-level first, then sheets in the order they were
/// checked), row and column (B before AA).
fn sort_errors(list: &mut [CellError]) {
    let mut rank: HashMap<String, usize> = HashMap::new();
    rank.insert(String::new(), 0);
    for e in list.iter() {
        let n = rank.len();
        rank.entry(e.sheet.clone()).or_insert(n);
    }
    let col_key = |c: &Option<String>| {
        c.as_ref()
            .map_or((0, String::new()), |c| (c.len(), c.clone()))
    };
    list.sort_by(|a, b| {
        let ra = rank.get(&a.sheet).copied().unwrap_or(usize::MAX);
        let rb = rank.get(&b.sheet).copied().unwrap_or(usize::MAX);
        ra.cmp(&rb)
            .then(a.row.cmp(&b.row))
            .then_with(|| col_key(&a.column).cmp(&col_key(&b.column)))
    });
}
