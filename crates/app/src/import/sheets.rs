//! Opening the file and recognising its sheets and columns, before any row is read.
//!
//! Sheets are known by name (说明 sheets and completely empty sheets are skipped,
//! any other name is an error naming it); a CSV file is one table whose kind
//! follows from its headers. The first non-blank row of a sheet is its header
//! row: each header is matched by name, and unknown, duplicated and missing
//! required headers are reported at the header row.

use super::read::{self, Book, Bytes, Cell, Flow, Format, MAX_COLUMNS, ReadError, column_letter};
use super::template::{self, Field, SheetKind, SheetRole};
use super::{CellError, MAX_LISTED};
use kechuang_core::FieldError;
use std::collections::HashMap;

/// Collects errors: lists the first [`MAX_LISTED`], counts them all.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    /// The listed errors.
    pub list: Vec<CellError>,
    /// How many there were.
    pub total: usize,
}

impl Errors {
    /// Counts an error, building it only while the list has room.
    pub(crate) fn add(&mut self, make: impl FnOnce() -> CellError) {
        self.total += 1;
        if self.list.len() < MAX_LISTED {
            self.list.push(make());
        }
    }

    /// Whether there is none.
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Merges another collector.
    pub(crate) fn extend(&mut self, other: Errors) {
        self.total += other.total;
        for e in other.list {
            if self.list.len() < MAX_LISTED {
                self.list.push(e);
            }
        }
    }
}

/// How the columns of a sheet map to fields.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// Headers as written, by 0-based column.
    pub headers: Vec<String>,
    /// The field of each column (`None`: blank, unknown or duplicated header).
    pub fields: Vec<Option<Field>>,
    by_field: HashMap<Field, usize>,
    by_code: HashMap<&'static str, usize>,
    /// Columns with a blank header (data in them is an error).
    pub blank: Vec<usize>,
}

impl Layout {
    /// The column of a field.
    pub(crate) fn col(&self, f: Field) -> Option<usize> {
        self.by_field.get(&f).copied()
    }

    /// The column whose field reports errors as `code` (`credit_code`, `town`, an
    /// indicator code…).
    pub(crate) fn col_for_code(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// The indicator columns, in sheet order.
    pub(crate) fn indicators(&self) -> Vec<(usize, &'static kechuang_core::indicator::Indicator)> {
        self.fields
            .iter()
            .enumerate()
            .filter_map(|(c, f)| match f {
                Some(Field::Indicator(i)) => {
                    kechuang_core::indicator::ALL.get(*i).map(|ind| (c, ind))
                }
                _ => None,
            })
            .collect()
    }
}

/// One sheet to import.
pub(crate) struct SheetPlan {
    /// Its position in the workbook.
    pub index: usize,
    /// Its name as written (for CSV, the kind's name).
    pub name: String,
    /// What it holds.
    pub kind: SheetKind,
    /// The header row (1-based).
    pub header_row: u32,
    /// Its columns.
    pub layout: Layout,
    /// Whether every required column is present (rows are checked only then).
    pub usable: bool,
}

impl SheetPlan {
    /// An error at a cell of this sheet.
    pub(crate) fn error(
        &self,
        row: u32,
        col: Option<usize>,
        value: Option<String>,
        error: FieldError,
    ) -> CellError {
        CellError {
            sheet: self.name.clone(),
            row,
            column: col.map(column_letter),
            header: col
                .and_then(|c| self.layout.headers.get(c))
                .filter(|h| !h.is_empty())
                .cloned(),
            value,
            error,
        }
    }
}

/// A workbook ready for the row pass.
pub(crate) struct Inspected {
    /// The opened book.
    pub book: Book,
    /// The sheets to import, in processing order (企业, 资质, 知识产权, 指标填报).
    pub plans: Vec<SheetPlan>,
    /// Problems found so far (sheets, headers, merged cells of xls).
    pub errors: Errors,
    /// For xlsx: the scan for merged cells, running beside the row pass (it
    /// inflates every worksheet, so it should not hold the rows up).
    pub merge_scan: Option<std::thread::JoinHandle<bool>>,
}

/// The result of opening a file.
pub(crate) struct Opened {
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// The inspected workbook, or the errors that stop the import before any row.
    pub result: Result<Inspected, Vec<CellError>>,
}

/// Opens and inspects the file. Runs on a blocking thread.
pub(crate) fn open(bytes: Bytes, file_name: &str, max_bytes: u64) -> Opened {
    let sha256 = kechuang_core::event::sha256_hex(bytes.as_ref());
    let result = open_inner(bytes, file_name, max_bytes);
    Opened { sha256, result }
}

fn open_inner(bytes: Bytes, file_name: &str, max_bytes: u64) -> Result<Inspected, Vec<CellError>> {
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
    let mut book = Book::open(bytes.clone(), format).map_err(file_error)?;
    let mut errors = Errors::default();
    let mut plans: Vec<SheetPlan> = Vec::new();
    for index in 0..book.sheets.len() {
        let name = book.sheets[index].clone();
        let role = if book.is_csv() {
            None
        } else {
            template::sheet_role(&name)
        };
        if role == Some(SheetRole::Instructions) {
            continue;
        }
        let header = match header_row(&mut book, index) {
            Ok(h) => h,
            Err(e) => {
                errors.add(|| sheet_error(&name, read_error(e)));
                continue;
            }
        };
        let Some((header_row, cells)) = header else {
            continue;
        }; // a completely empty sheet
        let kind = match (role, book.is_csv()) {
            (Some(SheetRole::Import(k)), _) => k,
            (_, true) => template::kind_from_headers(cells.iter().map(String::as_str)),
            _ => {
                errors.add(|| {
                    sheet_error(
                        &name,
                        FieldError::new("sheet", "sheet_unknown").with("value", &name),
                    )
                });
                continue;
            }
        };
        let name = if book.is_csv() {
            kind.zh().to_string()
        } else {
            name
        };
        if let Some(other) = plans.iter().find(|p| p.kind == kind) {
            let other = other.name.clone();
            errors.add(|| {
                sheet_error(
                    &name,
                    FieldError::new("sheet", "sheet_duplicate")
                        .with("value", &name)
                        .with("other", other),
                )
            });
            continue;
        }
        let (layout, usable) = layout(kind, &name, header_row, &cells, &mut errors);
        plans.push(SheetPlan {
            index,
            name,
            kind,
            header_row,
            layout,
            usable,
        });
    }
    if plans.is_empty() {
        let mut list = vec![CellError::file(FieldError::new("file", "sheet_missing"))];
        list.extend(errors.list);
        return Err(list);
    }
    let merge_scan = match format {
        Format::Xlsx => {
            let bytes = bytes.clone();
            std::thread::Builder::new()
                .name("import-merge-scan".into())
                .spawn(move || read::xlsx_has_merged_cells(&bytes))
                .ok()
        }
        _ => {
            let sheets: Vec<(usize, String)> =
                plans.iter().map(|p| (p.index, p.name.clone())).collect();
            merged_cells(&mut book, &sheets, &mut errors);
            None
        }
    };
    plans.sort_by_key(|p| p.kind);
    Ok(Inspected {
        book,
        plans,
        errors,
        merge_scan,
    })
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

/// The report entry for a sheet that could not be read to its end.
pub(crate) fn read_error(e: ReadError) -> FieldError {
    match e {
        ReadError::Unreadable(m) => FieldError::new("file", "file_unreadable").with("value", m),
        ReadError::TooManyRows => {
            FieldError::new("file", "too_many_rows").with("max", read::MAX_ROWS)
        }
    }
}

/// The first non-blank row: its number and its cells as text.
fn header_row(book: &mut Book, sheet: usize) -> Result<Option<(u32, Vec<String>)>, ReadError> {
    let is_1904 = book.is_1904;
    let mut found = None;
    book.for_each_row(sheet, &mut |row, cells: &[Cell<'_>]| {
        let texts = cells
            .iter()
            .map(|c| kechuang_core::text::trim(&c.display(is_1904)).to_string())
            .collect();
        found = Some((row, texts));
        Flow::Stop
    })?;
    Ok(found)
}

fn layout(
    kind: SheetKind,
    sheet: &str,
    row: u32,
    cells: &[String],
    errors: &mut Errors,
) -> (Layout, bool) {
    let mut l = Layout {
        headers: Vec::new(),
        fields: Vec::new(),
        by_field: HashMap::new(),
        by_code: HashMap::new(),
        blank: Vec::new(),
    };
    let at = |col: usize, text: &str, error: FieldError| CellError {
        sheet: sheet.to_string(),
        row,
        column: Some(column_letter(col)),
        header: Some(text.to_string()),
        value: Some(text.to_string()),
        error,
    };
    for (col, text) in cells.iter().enumerate() {
        if col >= MAX_COLUMNS {
            if cells[col..].iter().any(|t| !t.is_empty()) {
                errors.add(|| {
                    sheet_error(
                        sheet,
                        FieldError::new("sheet", "too_many_columns").with("max", MAX_COLUMNS),
                    )
                });
            }
            break;
        }
        l.headers.push(text.clone());
        if text.is_empty() {
            l.fields.push(None);
            l.blank.push(col);
            continue;
        }
        match template::field_for_header(kind, text) {
            None => {
                errors.add(|| {
                    at(
                        col,
                        text,
                        FieldError::new("header", "header_unknown").with("value", text),
                    )
                });
                l.fields.push(None);
            }
            Some(Field::Ignored) => l.fields.push(Some(Field::Ignored)),
            Some(f) if l.by_field.contains_key(&f) => {
                errors.add(|| {
                    at(
                        col,
                        text,
                        FieldError::new("header", "header_duplicate").with("value", text),
                    )
                });
                l.fields.push(None);
            }
            Some(f) => {
                l.by_field.insert(f, col);
                let code = match f {
                    Field::Indicator(i) => kechuang_core::indicator::ALL.get(i).map(|ind| ind.code),
                    other => template::spec(kind, other).map(|s| s.code),
                };
                if let Some(code) = code {
                    l.by_code.insert(code, col);
                }
                l.fields.push(Some(f));
            }
        }
    }
    let mut usable = true;
    for spec in kind.fields().iter().filter(|s| s.required) {
        if l.col(spec.field).is_none() {
            usable = false;
            errors.add(|| CellError {
                sheet: sheet.to_string(),
                row,
                column: None,
                header: None,
                value: Some(spec.header.to_string()),
                error: FieldError::new("header", "header_missing").with("value", spec.header),
            });
        }
    }
    (l, usable)
}

/// Reports every merged range of the imported sheets (`(index, name)` pairs).
pub(crate) fn merged_cells(book: &mut Book, sheets: &[(usize, String)], errors: &mut Errors) {
    for (index, name) in sheets {
        match book.merged_ranges(*index) {
            Ok(ranges) => {
                for r in ranges {
                    let top = r.split(':').next().unwrap_or("").to_string();
                    let (letters, digits): (String, String) =
                        top.chars().partition(|c| c.is_ascii_alphabetic());
                    let row = digits.parse().unwrap_or(0);
                    errors.add(|| CellError {
                        sheet: name.clone(),
                        row,
                        column: Some(letters),
                        header: None,
                        value: Some(r.clone()),
                        error: FieldError::new("sheet", "merged_cells").with("value", &r),
                    });
                }
            }
            Err(e) => errors.add(|| {
                sheet_error(
                    name,
                    FieldError::new("file", "file_unreadable").with("value", e),
                )
            }),
        }
    }
}
