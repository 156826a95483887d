//! Import of technology needs (技术需求), achievements (科技成果) and experts (专家)
//! from an xlsx workbook (sheets 技术需求 / 科技成果 / 专家, any subset) or a CSV file
//! (UTF-8 or GBK, one kind per file, recognised by its headers), all or nothing.
//! docs/matchmaking-import.md describes the files.
//!
//! How an import runs:
//!
//! 1. On a blocking thread the file is opened with the foundation import's reader
//!    (size limit, format sniffing, zip-bomb check), the sheets are recognised and
//!    every row is read as text.
//! 2. In one store transaction every row is checked: its owner organisation
//!    (统一社会信用代码 or exact name, visible to the actor and of a kind that may own
//!    such a record), its 编号 (unique per kind and owner within the file) and its
//!    fields through the same core validation as the forms. Every refused cell is
//!    listed (sheet, row, column, header, value, why).
//! 3. With any error nothing is written. Otherwise each row is compared with the
//!    record its 编号 created before: new rows are inserted, changed ones updated,
//!    equal ones left alone, each write with the same event as the form's, so the
//!    search index follows. A dry run, or a file that changes nothing, rolls back;
//!    importing the same file twice writes nothing the second time.

mod columns;
pub mod template;

pub use columns::{Col, MmKind};

use crate::import::read::{self, Book, Bytes, Cell, Flow, Format, ReadError};
use crate::import::{CellError, MAX_LISTED};
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::{ImportBatchId, OrgId};
use kechuang_core::matchmaking::{AchievementInput, ExpertInput, NeedInput, NeedStatus};
use kechuang_core::org::OrgKind;
use kechuang_store::{Db, OrgRecord};
use serde_json::json;
use std::collections::HashMap;

/// Longest 编号, characters.
pub const MAX_KEY: usize = 50;

/// How to run a matchmaking import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct MmImportOptions {
    /// Validate and count only; write nothing.
    pub dry_run: bool,
    /// Only this kind: the sheet of that kind in a workbook, or the kind a CSV
    /// file holds (instead of recognising it by its headers).
    pub kind: Option<MmKind>,
}

/// Created / updated / unchanged counts of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Records added.
    pub created: u64,
    /// Records changed.
    pub updated: u64,
    /// Records already as in the file.
    pub unchanged: u64,
}

/// What an import did (or would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MmSummary {
    /// 技术需求.
    pub needs: Counts,
    /// 科技成果.
    pub achievements: Counts,
    /// 专家.
    pub experts: Counts,
    /// Data rows read, over all sheets.
    pub rows_read: u64,
}

impl MmSummary {
    fn counts(&mut self, k: MmKind) -> &mut Counts {
        match k {
            MmKind::Needs => &mut self.needs,
            MmKind::Achievements => &mut self.achievements,
            MmKind::Experts => &mut self.experts,
        }
    }

    /// Whether applying the import changes anything.
    pub fn changes_anything(&self) -> bool {
        [self.needs, self.achievements, self.experts]
            .iter()
            .any(|c| c.created + c.updated > 0)
    }

    /// zh-CN lines for the report.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (k, c) in [
            (MmKind::Needs, self.needs),
            (MmKind::Achievements, self.achievements),
            (MmKind::Experts, self.experts),
        ] {
            if c.created + c.updated + c.unchanged > 0 {
                out.push(format!(
                    "{}：新增 {}，更新 {}，无变化 {}",
                    k.zh(),
                    c.created,
                    c.updated,
                    c.unchanged
                ));
            }
        }
        out.push(format!("读取行数：{}", self.rows_read));
        out
    }
}

/// The outcome of a matchmaking import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MmImportReport {
    /// The file name as uploaded.
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// The refused cells, at most [`MAX_LISTED`], in sheet, row and column order.
    pub errors: Vec<CellError>,
    /// How many errors there were in all.
    pub error_total: usize,
    /// Whether the import was written.
    pub applied: bool,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// What it did or would do (for a refused file: what was read).
    pub summary: MmSummary,
    /// The recorded batch, when something was written.
    pub batch_id: Option<ImportBatchId>,
}

/// One recognised sheet, read as text.
struct SheetRows {
    kind: MmKind,
    name: String,
    /// Column index → its definition and the header as written.
    cols: Vec<(usize, &'static Col, String)>,
    /// Data rows: Excel row number and the cells as text, by column index.
    rows: Vec<(u32, Vec<String>)>,
}

impl SheetRows {
    fn col_of(&self, field: &str) -> Option<&(usize, &'static Col, String)> {
        self.cols.iter().find(|(_, c, _)| c.field == field)
    }
}

fn errors_sorted(mut list: Vec<CellError>) -> (Vec<CellError>, usize) {
    let total = list.len();
    list.sort_by(|a, b| {
        (
            &a.sheet,
            a.row,
            a.column.as_ref().map(|c| (c.len(), c.clone())),
        )
            .cmp(&(
                &b.sheet,
                b.row,
                b.column.as_ref().map(|c| (c.len(), c.clone())),
            ))
    });
    list.truncate(MAX_LISTED);
    (list, total)
}

fn sheet_error(sheet: &str, error: FieldError) -> CellError {
    CellError {
        sheet: sheet.to_string(),
        row: 0,
        column: None,
        header: None,
        value: None,
        error,
    }
}

fn read_error(e: ReadError) -> FieldError {
    match e {
        ReadError::Unreadable(m) => FieldError::new("file", "file_unreadable").with("value", m),
        ReadError::TooManyRows => {
            FieldError::new("file", "too_many_rows").with("max", read::MAX_ROWS)
        }
    }
}

/// Opens the file and reads every recognised sheet (blocking), with the errors of
/// their headers; `Err` when there is nothing to read.
fn read_file(
    bytes: Bytes,
    file_name: &str,
    max_bytes: u64,
    only: Option<MmKind>,
) -> Result<(Vec<SheetRows>, Vec<CellError>), Vec<CellError>> {
    let file_error = |e: FieldError| vec![CellError::file(e)];
    let size = bytes.as_ref().len() as u64;
    if size > max_bytes {
        return Err(file_error(
            FieldError::new("file", "file_too_large")
                .with("size", size)
                .with("max", max_bytes),
        ));
    }
    let format = read::sniff(bytes.as_ref(), file_name).map_err(file_error)?;
    if format == Format::Xlsx {
        read::check_zip(&bytes).map_err(file_error)?;
    }
    let mut book = Book::open(bytes, format).map_err(file_error)?;
    let is_1904 = book.is_1904;
    let mut errors = Vec::new();
    let mut sheets: Vec<SheetRows> = Vec::new();
    for index in 0..book.sheets.len() {
        let name = book.sheets[index].clone();
        let by_name = if book.is_csv() {
            None
        } else {
            let k = MmKind::from_sheet_name(&name);
            if k.is_none() {
                // 说明 and other sheets are not data; a sheet named like a kind is.
                continue;
            }
            k
        };
        if let (Some(k), Some(only)) = (by_name, only)
            && k != only
        {
            continue;
        }
        let mut header: Option<(u32, Vec<String>)> = None;
        let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
        let read = book.for_each_row(index, &mut |row, cells: &[Cell<'_>]| {
            let texts: Vec<String> = cells.iter().map(|c| c.display(is_1904)).collect();
            if header.is_none() {
                header = Some((
                    row,
                    texts
                        .iter()
                        .map(|t| kechuang_core::text::trim(t).to_string())
                        .collect(),
                ));
            } else {
                rows.push((row, texts));
            }
            Flow::Continue
        });
        if let Err(e) = read {
            errors.push(sheet_error(&name, read_error(e)));
            continue;
        }
        let Some((header_row, headers)) = header else {
            continue; // an empty sheet
        };
        let kind = match by_name.or(only).or_else(|| MmKind::from_headers(&headers)) {
            Some(k) => k,
            None => {
                errors.push(CellError::file(FieldError::new("file", "mm_sheet_missing")));
                continue;
            }
        };
        let name = if book.is_csv() {
            kind.zh().to_string()
        } else {
            name
        };
        if sheets.iter().any(|s| s.kind == kind) {
            errors.push(sheet_error(
                &name,
                FieldError::new("sheet", "sheet_duplicate")
                    .with("value", &name)
                    .with("other", kind.zh()),
            ));
            continue;
        }
        let mut cols: Vec<(usize, &'static Col, String)> = Vec::new();
        let width = rows
            .iter()
            .map(|(_, r)| r.len())
            .max()
            .unwrap_or(0)
            .max(headers.len());
        let empty = String::new();
        for i in 0..width {
            let h = headers.get(i).unwrap_or(&empty);
            if h.is_empty() {
                if rows
                    .iter()
                    .any(|(_, r)| r.get(i).is_some_and(|v| !v.trim().is_empty()))
                {
                    let column = read::column_letter(i);
                    errors.push(CellError {
                        sheet: name.clone(),
                        row: header_row,
                        column: Some(column.clone()),
                        header: None,
                        value: None,
                        error: FieldError::new("header", "column_without_header")
                            .with("column", column),
                    });
                }
                continue;
            }
            let at = |code: &'static str| CellError {
                sheet: name.clone(),
                row: header_row,
                column: Some(read::column_letter(i)),
                header: Some(h.clone()),
                value: Some(h.clone()),
                error: FieldError::new("header", code).with("value", h),
            };
            match kind.column(h) {
                None => errors.push(at("header_unknown")),
                Some(c) if cols.iter().any(|(_, x, _)| x.field == c.field) => {
                    errors.push(at("header_duplicate"))
                }
                Some(c) => cols.push((i, c, h.clone())),
            }
        }
        for c in kind.columns().iter().filter(|c| c.required) {
            if !cols.iter().any(|(_, x, _)| x.field == c.field) {
                errors.push(CellError {
                    sheet: name.clone(),
                    row: header_row,
                    column: None,
                    header: Some(c.header.to_string()),
                    value: None,
                    error: FieldError::new("header", "header_missing").with("value", c.header),
                });
            }
        }
        sheets.push(SheetRows {
            kind,
            name,
            cols,
            rows,
        });
    }
    if sheets.is_empty() && errors.is_empty() {
        errors.push(CellError::file(FieldError::new("file", "mm_sheet_missing")));
    }
    if sheets.is_empty() {
        return Err(errors);
    }
    sheets.sort_by_key(|s| s.kind);
    Ok((sheets, errors))
}

/// Whether a file looks like a matchmaking import (a workbook with a sheet named
/// 技术需求, 科技成果 or 专家, or a CSV whose headers name one of these kinds), so a
/// caller can choose between this import and the registry import. Cheap on large
/// files: an xlsx's sheet list is read from `xl/workbook.xml`, a CSV's first line only.
pub fn looks_like_matchmaking(bytes: &[u8], file_name: &str) -> bool {
    use std::io::Read;
    let Ok(format) = read::sniff(bytes, file_name) else {
        return false;
    };
    match format {
        Format::Xlsx => {
            let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
                return false;
            };
            let Ok(entry) = zip.by_name("xl/workbook.xml") else {
                return false;
            };
            let mut xml = String::new();
            if entry.take(8 << 20).read_to_string(&mut xml).is_err() {
                return false;
            }
            MmKind::ALL
                .iter()
                .any(|k| xml.contains(&format!("name=\"{}\"", k.zh())))
        }
        Format::Xls => {
            Book::open(Bytes(std::sync::Arc::new(bytes.to_vec())), format).is_ok_and(|b| {
                b.sheets
                    .iter()
                    .any(|s| MmKind::from_sheet_name(s).is_some())
            })
        }
        Format::Csv => {
            let head = &bytes[..bytes.len().min(64 << 10)];
            let line = match head.iter().position(|b| *b == b'\n') {
                Some(end) => &head[..end],
                None => head,
            };
            let Ok(mut book) = Book::open(Bytes(std::sync::Arc::new(line.to_vec())), format) else {
                return false;
            };
            let mut headers = Vec::new();
            let ok = book.for_each_row(0, &mut |_, cells: &[Cell<'_>]| {
                headers = cells
                    .iter()
                    .map(|c| kechuang_core::text::trim(&c.display(false)).to_string())
                    .collect();
                Flow::Stop
            });
            ok.is_ok() && MmKind::from_headers(&headers).is_some()
        }
    }
}

/// The organisations an import may name, by credit code and by name.
struct Orgs {
    by_code: HashMap<String, OrgRecord>,
    by_name: HashMap<String, Vec<OrgRecord>>,
}

impl Orgs {
    async fn load(db: &mut Db) -> AppResult<Orgs> {
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<String, Vec<OrgRecord>> = HashMap::new();
        for o in db.all_organisations().await? {
            by_name
                .entry(o.org.name.clone())
                .or_default()
                .push(o.clone());
            by_code.insert(o.org.credit_code.as_str().to_string(), o);
        }
        Ok(Orgs { by_code, by_name })
    }
}

/// The organisation kinds that may own a record of this kind (as the forms allow).
fn owner_kinds(k: MmKind) -> &'static [OrgKind] {
    match k {
        MmKind::Needs => &[OrgKind::Enterprise],
        _ => &[OrgKind::University, OrgKind::Institute, OrgKind::Enterprise],
    }
}

/// One checked row, ready to write.
enum Parsed {
    Need(kechuang_core::matchmaking::Need, Option<NeedStatus>),
    Achievement(kechuang_core::matchmaking::Achievement),
    Expert(kechuang_core::matchmaking::Expert),
}

struct RowOk {
    kind: MmKind,
    org: OrgId,
    key: String,
    parsed: Parsed,
}

/// Checks one row; errors go to `errs`.
fn check_row(
    s: &SheetRows,
    row: u32,
    cells: &[String],
    actor: &Actor,
    orgs: &Orgs,
    errs: &mut Vec<CellError>,
) -> Option<RowOk> {
    let get = |field: &str| -> String {
        s.col_of(field)
            .and_then(|(i, _, _)| cells.get(*i))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let cell_err = |field: &str, error: FieldError| -> CellError {
        let col = s.col_of(field);
        CellError {
            sheet: s.name.clone(),
            row,
            column: col.map(|(i, _, _)| read::column_letter(*i)),
            header: col.map(|(_, _, h)| h.clone()),
            value: col.and_then(|(i, _, _)| cells.get(*i)).cloned(),
            error,
        }
    };
    let before = errs.len();
    // 编号.
    let key = match kechuang_core::org::required_text("key", &get("key"), MAX_KEY) {
        Ok(k) => Some(k),
        Err(e) => {
            errs.push(cell_err("key", e));
            None
        }
    };
    // The owner.
    let code = get("credit_code").to_ascii_uppercase();
    let name = get("org_name");
    let by_code = if code.is_empty() {
        None
    } else {
        match orgs.by_code.get(&code) {
            Some(o) => Some(o),
            None => {
                errs.push(cell_err(
                    "credit_code",
                    FieldError::new("credit_code", "org_unknown").with("value", &code),
                ));
                None
            }
        }
    };
    let by_name = if name.is_empty() {
        None
    } else {
        match orgs.by_name.get(&name).map(Vec::as_slice) {
            Some([o]) => Some(o),
            Some(several) => match by_code {
                // The code decides among organisations of the same name (a code
                // naming another organisation is reported as a mismatch below).
                Some(c) => several.iter().find(|o| o.id == c.id).or(several.first()),
                None => {
                    errs.push(cell_err(
                        "org_name",
                        FieldError::new("org_name", "org_ambiguous").with("value", &name),
                    ));
                    None
                }
            },
            None => {
                errs.push(cell_err(
                    "org_name",
                    FieldError::new("org_name", "org_unknown").with("value", &name),
                ));
                None
            }
        }
    };
    let owner: Option<&OrgRecord> = match (by_code, by_name) {
        (Some(a), Some(b)) if a.id != b.id => {
            errs.push(cell_err(
                "org_name",
                FieldError::new("org_name", "org_mismatch")
                    .with("value", &name)
                    .with("other", &a.org.name),
            ));
            None
        }
        (Some(a), _) => Some(a),
        (None, Some(b)) => Some(b),
        (None, None) if code.is_empty() && name.is_empty() => {
            match (&actor.org_id, actor.is_bureau()) {
                (Some(own), false) => orgs.by_code.values().find(|o| &o.id == own),
                _ => {
                    let field =
                        if s.col_of("credit_code").is_some() || s.col_of("org_name").is_none() {
                            "credit_code"
                        } else {
                            "org_name"
                        };
                    errs.push(cell_err(field, FieldError::new(field, "required")));
                    None
                }
            }
        }
        (None, None) => None,
    };
    let owner_field = if code.is_empty() {
        "org_name"
    } else {
        "credit_code"
    };
    if let Some(o) = owner {
        let allowed = if actor.is_bureau() {
            actor.can_see(o)
        } else {
            actor.org_id.as_ref() == Some(&o.id)
        };
        if !allowed {
            errs.push(cell_err(
                owner_field,
                FieldError::new(owner_field, "org_not_allowed").with("value", &o.org.name),
            ));
        } else if !owner_kinds(s.kind).contains(&o.org.kind) {
            errs.push(cell_err(
                owner_field,
                FieldError::new(owner_field, "owner_kind_invalid")
                    .with("value", &o.org.name)
                    .with("kind", o.org.kind.zh())
                    .with("what", s.kind.zh()),
            ));
        }
    }
    // The record itself, through the forms' validation.
    let list = |f: &str| vec![get(f)];
    let field_errs = |es: Vec<FieldError>, errs: &mut Vec<CellError>| {
        for e in es {
            let f = e.field.clone();
            errs.push(cell_err(&f, e));
        }
    };
    let parsed = match s.kind {
        MmKind::Needs => {
            let input = NeedInput {
                title: get("title"),
                description: get("description"),
                indicators: get("indicators"),
                problem: get("problem"),
                basis: get("basis"),
                budget_wan: get("budget_wan"),
                modes: list("modes"),
                field: get("field"),
                keywords: list("keywords"),
                deadline: get("deadline"),
            };
            let status_text = get("status");
            let status = if status_text.is_empty() {
                Some(None)
            } else {
                match NeedStatus::parse(&status_text) {
                    Some(st) => Some(Some(st)),
                    None => {
                        errs.push(cell_err(
                            "status",
                            FieldError::new("status", "choice_invalid").with("value", &status_text),
                        ));
                        None
                    }
                }
            };
            match (input.parse(), status) {
                (Ok(n), Some(st)) => Some(Parsed::Need(n, st)),
                (Err(es), _) => {
                    field_errs(es, errs);
                    None
                }
                _ => None,
            }
        }
        MmKind::Achievements => {
            let input = AchievementInput {
                title: get("title"),
                summary: get("summary"),
                inventors: list("inventors"),
                field: get("field"),
                form: get("form"),
                maturity: get("maturity"),
                transfer_modes: list("transfer_modes"),
                price_wan: get("price_wan"),
                keywords: list("keywords"),
            };
            match input.parse() {
                Ok(a) => Some(Parsed::Achievement(a)),
                Err(es) => {
                    field_errs(es, errs);
                    None
                }
            }
        }
        MmKind::Experts => {
            let input = ExpertInput {
                name: get("name"),
                title: get("title"),
                fields: list("fields"),
                keywords: list("keywords"),
                projects: get("projects"),
                profile: get("profile"),
            };
            match input.parse() {
                Ok(e) => Some(Parsed::Expert(e)),
                Err(es) => {
                    field_errs(es, errs);
                    None
                }
            }
        }
    };
    // A required column that is missing was reported once, at its header.
    let ok = errs.len() == before;
    let mut i = before;
    while i < errs.len() {
        let f = errs[i].error.field.clone();
        if s.col_of(&f).is_none() && s.kind.columns().iter().any(|c| c.required && c.field == f) {
            errs.remove(i);
        } else {
            i += 1;
        }
    }
    match (key, owner, parsed, ok) {
        (Some(key), Some(o), Some(parsed), true) => Some(RowOk {
            kind: s.kind,
            org: o.id.clone(),
            key,
            parsed,
        }),
        _ => None,
    }
}

/// Imports needs, achievements and experts from an xlsx workbook or a CSV file
/// (bureau staff for organisations in their towns; an enterprise or a university
/// or institute for itself). Problems with the file or its cells come back in the
/// report, which says whether anything was written; `Err` is for permission and
/// internal failures only.
pub async fn import_matchmaking(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: Vec<u8>,
    opts: &MmImportOptions,
) -> AppResult<MmImportReport> {
    if !actor.is_bureau() && actor.org_id.is_none() {
        return Err(AppError::Forbidden);
    }
    let sha256 = kechuang_core::event::sha256_hex(&bytes);
    let read = {
        let name = file_name.to_string();
        let max = app.config.max_import_bytes;
        let only = opts.kind;
        let bytes = Bytes(std::sync::Arc::new(bytes));
        tokio::task::spawn_blocking(move || read_file(bytes, &name, max, only))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("import worker failed: {e}")))?
    };
    let refused = |errors: Vec<CellError>, summary: MmSummary| {
        let (errors, error_total) = errors_sorted(errors);
        MmImportReport {
            file_name: file_name.to_string(),
            sha256: sha256.clone(),
            errors,
            error_total,
            applied: false,
            dry_run: opts.dry_run,
            summary,
            batch_id: None,
        }
    };
    let (sheets, mut errors) = match read {
        Ok(s) => s,
        Err(errors) => return Ok(refused(errors, MmSummary::default())),
    };
    let mut summary = MmSummary::default();
    let mut tx = app.store.begin().await?;
    let orgs = Orgs::load(&mut tx).await?;
    // Check every row (also of sheets whose headers are wrong, to list every cell).
    let mut ok: Vec<RowOk> = Vec::new();
    let mut seen: HashMap<(MmKind, OrgId, String), u32> = HashMap::new();
    for s in &sheets {
        for (row, cells) in &s.rows {
            summary.rows_read += 1;
            let Some(r) = check_row(s, *row, cells, actor, &orgs, &mut errors) else {
                continue;
            };
            match seen.get(&(r.kind, r.org.clone(), r.key.clone())) {
                Some(other) => {
                    let col = s.col_of("key");
                    errors.push(CellError {
                        sheet: s.name.clone(),
                        row: *row,
                        column: col.map(|(i, _, _)| read::column_letter(*i)),
                        header: col.map(|(_, _, h)| h.clone()),
                        value: Some(r.key.clone()),
                        error: FieldError::new("key", "duplicate_row")
                            .with("other_row", other)
                            .with("value", &r.key),
                    });
                }
                None => {
                    seen.insert((r.kind, r.org.clone(), r.key.clone()), *row);
                    ok.push(r);
                }
            }
        }
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Ok(refused(errors, summary));
    }
    // Write (inside the transaction; rolled back for a dry run or no change).
    let mut keys: HashMap<(MmKind, OrgId, String), String> = HashMap::new();
    for k in MmKind::ALL {
        if sheets.iter().any(|s| s.kind == k) {
            for (org, key, id) in tx.mm_import_keys(k.entity()).await? {
                keys.insert((k, org, key), id);
            }
        }
    }
    let now = app.now();
    let by = actor.tag();
    for r in ok {
        let existing = keys.get(&(r.kind, r.org.clone(), r.key.clone())).cloned();
        let counts = summary.counts(r.kind);
        match (r.parsed, existing) {
            (Parsed::Need(n, status), Some(id)) => match tx.need(&id).await? {
                Some(cur) => {
                    let status = status.unwrap_or(cur.record.1);
                    if (n.clone(), status) == cur.record {
                        counts.unchanged += 1;
                    } else {
                        tx.update_need(&id, &n, status, now).await?;
                        let p = crate::ops::matchmaking::need_json(&cur.org_id, &n, status);
                        tx.append_event(&by, "need", &id, "need.updated", &p)
                            .await?;
                        counts.updated += 1;
                    }
                }
                None => return Err(AppError::Internal(anyhow::anyhow!("need {id} is gone"))),
            },
            (Parsed::Need(n, status), None) => {
                let status = status.unwrap_or(NeedStatus::Open);
                let id = kechuang_store::new_id();
                tx.insert_need(&id, &r.org, &n, status, now, &by).await?;
                let p = crate::ops::matchmaking::need_json(&r.org, &n, status);
                tx.append_event(&by, "need", &id, "need.created", &p)
                    .await?;
                tx.insert_mm_import_key("need", &r.org, &r.key, &id, now)
                    .await?;
                counts.created += 1;
            }
            (Parsed::Achievement(a), Some(id)) => match tx.achievement(&id).await? {
                Some(cur) if cur.record == a => counts.unchanged += 1,
                Some(cur) => {
                    tx.update_achievement(&id, &a, now).await?;
                    let p = crate::ops::matchmaking::achievement_json(&cur.org_id, &a);
                    tx.append_event(&by, "achievement", &id, "achievement.updated", &p)
                        .await?;
                    counts.updated += 1;
                }
                None => {
                    return Err(AppError::Internal(anyhow::anyhow!(
                        "achievement {id} is gone"
                    )));
                }
            },
            (Parsed::Achievement(a), None) => {
                let id = kechuang_store::new_id();
                tx.insert_achievement(&id, &r.org, &a, now, &by).await?;
                let p = crate::ops::matchmaking::achievement_json(&r.org, &a);
                tx.append_event(&by, "achievement", &id, "achievement.created", &p)
                    .await?;
                tx.insert_mm_import_key("achievement", &r.org, &r.key, &id, now)
                    .await?;
                counts.created += 1;
            }
            (Parsed::Expert(e), Some(id)) => match tx.expert(&id).await? {
                Some(cur) if cur.record == e => counts.unchanged += 1,
                Some(cur) => {
                    tx.update_expert(&id, &e, now).await?;
                    tx.append_event(
                        &by,
                        "expert",
                        &id,
                        "expert.updated",
                        &json!({"org_id": cur.org_id, "expert": e}),
                    )
                    .await?;
                    counts.updated += 1;
                }
                None => return Err(AppError::Internal(anyhow::anyhow!("expert {id} is gone"))),
            },
            (Parsed::Expert(e), None) => {
                let id = kechuang_store::new_id();
                tx.insert_expert(&id, &r.org, &e, now, &by).await?;
                tx.append_event(
                    &by,
                    "expert",
                    &id,
                    "expert.created",
                    &json!({"org_id": r.org, "expert": e}),
                )
                .await?;
                tx.insert_mm_import_key("expert", &r.org, &r.key, &id, now)
                    .await?;
                counts.created += 1;
            }
        }
    }
    let apply = !opts.dry_run && summary.changes_anything();
    let mut batch_id = None;
    if apply {
        let id = ImportBatchId(kechuang_store::new_id());
        tx.insert_import_batch(&id, file_name, &sha256, &by, now, &json!(summary))
            .await?;
        tx.append_event(
            &by,
            "import_batch",
            id.as_str(),
            "import.applied",
            &json!({"file_name": file_name, "sha256": sha256, "kind": "matchmaking", "summary": summary}),
        )
        .await?;
        tx.commit().await?;
        batch_id = Some(id);
    } else {
        tx.rollback().await?;
    }
    Ok(MmImportReport {
        file_name: file_name.to_string(),
        sha256,
        errors: Vec::new(),
        error_total: 0,
        applied: apply,
        dry_run: opts.dry_run,
        summary,
        batch_id,
    })
}
