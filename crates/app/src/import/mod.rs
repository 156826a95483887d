//! Workbook import: the bureau's xlsx, xls or CSV of enterprises, qualifications,
//! IP records and quarterly indicator filings, all or nothing.
//!
//! How an import runs (docs/import-template.md describes the workbook):
//!
//! 1. [`read`] sniffs the format from the content, refuses files that are too
//!    large, not spreadsheets or zip bombs, and [`sheets`] recognises the sheets
//!    and their headers (unknown, missing and duplicated headers, merged cells).
//!    Errors about the file itself come back as report rows with row 0; nothing
//!    touches the database until the file has opened.
//! 2. One store transaction is opened (a read connection for a dry run). A
//!    blocking thread ([`validate`]) streams the sheets — 企业 first, then 资质,
//!    知识产权 and 指标填报 — checking every cell (calamine parses an xlsx sheet on
//!    a thread of its own beside it), and sends the resolved registry changes and
//!    batches of valid filing rows through a channel to the writer ([`apply`]),
//!    which compares them with what is stored and writes only what changed,
//!    inside the open transaction, while the reader goes on. The scan for merged
//!    cells runs on a third thread and is joined at the end.
//! 3. At the end: any error anywhere rolls the whole transaction back, so a file
//!    with one bad cell writes nothing, and a kill -9 at any moment leaves the
//!    database as it was. Values that look like 元 typed where 万元 is expected
//!    ([`warn`]) are held back as warnings unless the importer accepts them. An
//!    import that changes nothing rolls back too, so importing the same file twice
//!    writes nothing the second time.

mod apply;
pub(crate) mod read;
mod sheets;
pub(crate) mod template;
mod validate;
mod warn;

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::ImportBatchId;
use std::fmt;

/// Most errors (and warnings) listed in a report; all are counted.
pub const MAX_LISTED: usize = 1000;

/// How to run an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ImportOptions {
    /// Import even though some values look like 元 where 万元 is expected.
    pub accept_warnings: bool,
    /// Validate and count only; write nothing.
    pub dry_run: bool,
}

/// One refused (or suspicious) cell, or a problem with a whole sheet or file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    /// The sheet as named in the workbook (for CSV, the kind of table it holds).
    pub sheet: String,
    /// Excel's 1-based row number; 0 for the whole sheet or file.
    pub row: u32,
    /// Excel's column letter, e.g. `C`.
    pub column: Option<String>,
    /// The column's header as written in the file.
    pub header: Option<String>,
    /// The cell's content as the user sees it.
    pub value: Option<String>,
    /// What is wrong: a stable code, the field and the message parameters.
    pub error: FieldError,
}

impl CellError {
    /// The reason, in zh-CN.
    pub fn message(&self) -> String {
        self.error.message()
    }

    /// Where, in zh-CN: `工作表“企业”第3行C列（所属镇街）`.
    pub fn location(&self) -> String {
        let mut s = String::new();
        if !self.sheet.is_empty() {
            s.push_str(&format!("工作表“{}”", self.sheet));
        }
        if self.row > 0 {
            s.push_str(&format!("第{}行", self.row));
        }
        if let Some(c) = &self.column {
            s.push_str(&format!("{c}列"));
        }
        if let Some(h) = &self.header {
            s.push_str(&format!("（{h}）"));
        }
        if s.is_empty() {
            "文件".to_string()
        } else {
            s
        }
    }

    /// A problem with the file as a whole.
    pub(crate) fn file(error: FieldError) -> Self {
        CellError {
            sheet: String::new(),
            row: 0,
            column: None,
            header: None,
            value: None,
            error,
        }
    }
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.location(), self.message())
    }
}

/// What an import did (or, for a dry run or a refused file, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Enterprises (organisations) added.
    pub enterprises_created: u64,
    /// Enterprises whose attributes changed.
    pub enterprises_updated: u64,
    /// Enterprises already as in the file.
    pub enterprises_unchanged: u64,
    /// Qualification records added.
    pub qualifications_created: u64,
    /// Qualification records whose number or validity changed.
    pub qualifications_updated: u64,
    /// Qualification records already as in the file.
    pub qualifications_unchanged: u64,
    /// IP records added.
    pub ip_created: u64,
    /// IP records changed.
    pub ip_updated: u64,
    /// IP records already as in the file.
    pub ip_unchanged: u64,
    /// Filing versions written (a first version or a correction).
    pub filings_created: u64,
    /// Filing rows equal to the current approved values.
    pub filings_unchanged: u64,
    /// Towns added to the district's list.
    pub towns_added: u64,
    /// Clusters added to the district's list.
    pub clusters_added: u64,
    /// Data rows read, over all sheets.
    pub rows_read: u64,
}

impl ImportSummary {
    /// Whether applying the import changes anything.
    pub fn changes_anything(&self) -> bool {
        self.enterprises_created
            + self.enterprises_updated
            + self.qualifications_created
            + self.qualifications_updated
            + self.ip_created
            + self.ip_updated
            + self.filings_created
            + self.towns_added
            + self.clusters_added
            > 0
    }
}

/// The outcome of an import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// The file name as uploaded.
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// The errors, at most [`MAX_LISTED`], in sheet, row and column order.
    pub errors: Vec<CellError>,
    /// How many errors there were in all.
    pub error_total: usize,
    /// Suspicious values (`unit_suspect`), at most [`MAX_LISTED`].
    pub warnings: Vec<CellError>,
    /// How many warnings there were in all.
    pub warning_total: usize,
    /// Whether the import was written.
    pub applied: bool,
    /// What it did or would do.
    pub summary: ImportSummary,
    /// The recorded batch, when something was written.
    pub batch_id: Option<ImportBatchId>,
}

impl ImportReport {
    fn refused(file_name: &str, sha256: String, errors: Vec<CellError>) -> Self {
        let error_total = errors.len();
        ImportReport {
            file_name: file_name.to_string(),
            sha256,
            errors,
            error_total,
            warnings: Vec::new(),
            warning_total: 0,
            applied: false,
            summary: ImportSummary::default(),
            batch_id: None,
        }
    }
}

/// Imports a workbook or CSV file (bureau staff; a town-scoped actor only for
/// enterprises in its towns). Problems with the file or its cells come back in the
/// report, which says whether anything was written; `Err` is for permission and
/// internal failures only.
pub async fn import_bytes(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: Vec<u8>,
    opts: &ImportOptions,
) -> AppResult<ImportReport> {
    actor.require_bureau()?;
    let bytes = read::Bytes(std::sync::Arc::new(bytes));
    let opened = {
        let bytes = bytes.clone();
        let name = file_name.to_string();
        let max = app.config.max_import_bytes;
        tokio::task::spawn_blocking(move || sheets::open(bytes, &name, max))
            .await
            .map_err(join_error)?
    };
    let sha256 = opened.sha256;
    let inspected = match opened.result {
        Ok(i) => i,
        Err(errors) => return Ok(ImportReport::refused(file_name, sha256, errors)),
    };
    let report = apply::run(app, actor, file_name, sha256, inspected, opts).await?;
    // After a bulk load the query planner's statistics are stale; refresh them
    // (cheap). A failure here does not undo a committed import.
    if report.applied
        && report.summary.rows_read >= BULK_ROWS
        && let Err(e) = app.store.analyze().await
    {
        tracing::warn!(error = %e, "refreshing statistics after an import failed");
    }
    Ok(report)
}

/// Imports of at least this many rows refresh the planner's statistics.
const BULK_ROWS: u64 = 10_000;

fn join_error(e: tokio::task::JoinError) -> AppError {
    AppError::Internal(anyhow::anyhow!("import worker failed: {e}"))
}
