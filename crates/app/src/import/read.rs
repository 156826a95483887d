//! Reading the uploaded file: what it is, whether it is safe to open, and its
//! rows, one at a time.
//!
//! - The format follows the content, not the name: a zip is xlsx, an OLE compound
//!   file is xls, text is CSV (UTF-8 with or without BOM, otherwise GB18030, of
//!   which GBK is a subset).
//! - Before calamine opens an xlsx, the zip central directory is inspected: absurd
//!   declared sizes or compression ratios are refused as a zip bomb. (The zip crate
//!   bounds every entry's output by its declared size, so the declared sizes hold.)
//! - xlsx sheets are streamed with calamine's cell reader, never loaded as a whole
//!   range: a parser thread hands batches of rows (text in one arena per batch) to
//!   the thread that checks them. xls sheets (65,536 rows at most) are read as a
//!   range.
//! - Merged cells: a byte scan of the worksheet XML for `<mergeCell` decides
//!   whether calamine is asked for the ranges at all.

use calamine::{Data, DataRef, Reader, Xls, Xlsx};
use kechuang_core::FieldError;
use std::borrow::Cow;
use std::io::{Cursor, Read};
use std::sync::Arc;

/// Largest total declared size of the entries of an xlsx.
pub(crate) const MAX_UNZIPPED_TOTAL: u64 = 4 << 30;
/// An entry larger than this must not compress better than [`MAX_RATIO`].
pub(crate) const RATIO_CHECK_FROM: u64 = 32 << 20;
/// Compression ratio above which a large entry is a zip bomb (real sheets: 5–20).
pub(crate) const MAX_RATIO: u64 = 200;
/// Most entries an xlsx may hold.
pub(crate) const MAX_ENTRIES: usize = 10_000;
/// Most rows read from one sheet.
pub(crate) const MAX_ROWS: u32 = 2_000_000;
/// Most columns a header may have.
pub(crate) const MAX_COLUMNS: usize = 512;

/// The uploaded bytes, shared by the threads of one import.
#[derive(Clone)]
pub(crate) struct Bytes(pub Arc<Vec<u8>>);

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// One cell as read, before any column's rule is applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    /// Nothing.
    Empty,
    /// Text (shared strings are borrowed from the workbook).
    Text(Cow<'a, str>),
    /// A number.
    Number(f64),
    /// An integer (xls, ods).
    Int(i64),
    /// TRUE / FALSE.
    Bool(bool),
    /// A date-formatted number: the Excel serial day (in the workbook's epoch).
    Date(f64),
    /// An error value such as `#DIV/0!`.
    Error(String),
}

impl Cell<'_> {
    /// Whether the cell holds nothing (blank text counts as nothing).
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => kechuang_core::text::trim(t).is_empty(),
            _ => false,
        }
    }

    /// The cell as the user sees it, for reports.
    pub(crate) fn display(&self, is_1904: bool) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.to_string(),
            Cell::Number(v) => {
                kechuang_core::money::float_cell_to_string(*v).unwrap_or_else(|| v.to_string())
            }
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(v) => kechuang_core::date::from_excel_serial(*v, is_1904)
                .map(kechuang_core::date::to_iso)
                .unwrap_or_else(|| v.to_string()),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// The Excel column letters of a 0-based column index: 0 → `A`, 27 → `AB`.
pub(crate) fn column_letter(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A range in A1 notation from 0-based (row, column) corners.
pub(crate) fn range_a1(start: (u32, u32), end: (u32, u32)) -> String {
    format!(
        "{}{}:{}{}",
        column_letter(start.1 as usize),
        start.0 + 1,
        column_letter(end.1 as usize),
        end.0 + 1
    )
}

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Office Open XML workbook (a zip).
    Xlsx,
    /// Excel 97–2003 workbook (an OLE compound file).
    Xls,
    /// Text.
    Csv,
}

fn extension(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Decides the format from the content (and the name only to word the error).
pub(crate) fn sniff(bytes: &[u8], file_name: &str) -> Result<Format, FieldError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Format::Xls);
    }
    let ext = extension(file_name);
    if looks_like_text(bytes) {
        return Ok(Format::Csv);
    }
    Err(match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "csv" | "txt" | "" => FieldError::new("file", "file_unreadable")
            .with(
                "value",
                format!(
                    "内容不是有效的 {} 文件",
                    if ext.is_empty() { "表格" } else { &ext }
                ),
            ),
        other => FieldError::new("file", "file_format").with("value", other),
    })
}

fn looks_like_text(bytes: &[u8]) -> bool {
    !bytes.is_empty() && !bytes.contains(&0) && decode_text(bytes).is_some()
}

/// Decodes CSV text: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK
/// and GB2312). `None` when neither decodes without errors.
pub(crate) fn decode_text(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Some(Cow::Borrowed(s));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
    if had_errors {
        None
    } else {
        Some(Cow::Owned(text.into_owned()))
    }
}

/// Refuses a zip whose central directory declares absurd sizes.
pub(crate) fn check_zip(bytes: &Bytes) -> Result<(), FieldError> {
    let bomb = |what: String| FieldError::new("file", "zip_bomb").with("value", what);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).map_err(|e| {
        FieldError::new("file", "file_unreadable").with("value", format!("zip: {e}"))
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(bomb(format!("{} 个压缩条目", zip.len())));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| {
            FieldError::new("file", "file_unreadable").with("value", format!("zip: {e}"))
        })?;
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        total = total.saturating_add(size);
        if size > RATIO_CHECK_FROM && size / packed > MAX_RATIO {
            return Err(bomb(format!(
                "条目 {} 由 {} 字节解压为 {} 字节",
                String::from_utf8_lossy(entry.name_raw()),
                packed,
                size
            )));
        }
    }
    if total > MAX_UNZIPPED_TOTAL {
        return Err(bomb(format!("解压后共 {} MB", total >> 20)));
    }
    Ok(())
}

/// Whether any worksheet of the xlsx holds a `<mergeCell` element: a scan of the
/// inflated XML, far cheaper than parsing it.
pub(crate) fn xlsx_has_merged_cells(bytes: &Bytes) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes.clone())) else {
        return false;
    };
    let finder = memchr::memmem::Finder::new(b"mergeCell");
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).to_ascii_lowercase();
        if !(name.contains("worksheets/") && name.ends_with(".xml")) {
            continue;
        }
        let mut buf = vec![0u8; 1 << 16];
        let keep = 16;
        let mut filled = 0;
        loop {
            let n = match entry.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let end = filled + n;
            let hay = &buf[..end];
            let mut from = 0;
            while let Some(p) = finder.find(&hay[from..]) {
                let at = from + p + b"mergeCell".len();
                match hay.get(at) {
                    // `<mergeCells count=…>` is the container; a cell has `s` missing.
                    Some(b's') => from = at,
                    Some(_) => return true,
                    None => break,
                }
            }
            // Keep a tail so a name split across reads is still found.
            let tail = end.saturating_sub(keep);
            buf.copy_within(tail..end, 0);
            filled = end - tail;
        }
    }
    false
}

/// Whether to go on reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Next row, please.
    Continue,
    /// Stop reading this sheet.
    Stop,
}

enum Inner {
    Xlsx(Box<Xlsx<Cursor<Bytes>>>),
    Xls(Box<Xls<Cursor<Bytes>>>),
    Csv(Arc<str>),
}

/// An opened workbook (or CSV file), its sheets in order.
pub(crate) struct Book {
    inner: Inner,
    /// Sheet names, in workbook order (one unnamed sheet for CSV).
    pub sheets: Vec<String>,
    /// Whether dates count from 1904.
    pub is_1904: bool,
}

impl Book {
    /// Opens the bytes in the sniffed format.
    pub(crate) fn open(bytes: Bytes, format: Format) -> Result<Book, FieldError> {
        let unreadable = |e: String| FieldError::new("file", "file_unreadable").with("value", e);
        match format {
            Format::Xlsx => {
                let x: Xlsx<_> =
                    Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
                let sheets = x.sheet_names();
                let is_1904 = x.has_1904_epoch();
                Ok(Book {
                    inner: Inner::Xlsx(Box::new(x)),
                    sheets,
                    is_1904,
                })
            }
            Format::Xls => {
                let x: Xls<_> =
                    Xls::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
                let sheets = x.sheet_names();
                let is_1904 = x.has_1904_epoch();
                Ok(Book {
                    inner: Inner::Xls(Box::new(x)),
                    sheets,
                    is_1904,
                })
            }
            Format::Csv => {
                let text = decode_text(bytes.as_ref())
                    .ok_or_else(|| unreadable("文本编码无法识别".into()))?;
                Ok(Book {
                    inner: Inner::Csv(Arc::from(text.as_ref())),
                    sheets: vec![String::new()],
                    is_1904: false,
                })
            }
        }
    }

    /// Whether this is a CSV file.
    pub(crate) fn is_csv(&self) -> bool {
        matches!(self.inner, Inner::Csv(_))
    }

    /// Merged ranges of a sheet, in A1 notation.
    pub(crate) fn merged_ranges(&mut self, sheet: usize) -> Result<Vec<String>, String> {
        let name = self.sheets.get(sheet).cloned().unwrap_or_default();
        let dims = match &mut self.inner {
            Inner::Xlsx(x) => x
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| e.to_string())?,
            Inner::Xls(x) => x
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| e.to_string())?,
            Inner::Csv(_) => Vec::new(),
        };
        Ok(dims.iter().map(|d| range_a1(d.start, d.end)).collect())
    }

    /// Calls `f` with every non-blank row of a sheet: its 1-based row number and its
    /// cells by 0-based column. Stops after [`MAX_ROWS`] rows with `Err`.
    pub(crate) fn for_each_row(
        &mut self,
        sheet: usize,
        f: &mut dyn FnMut(u32, &[Cell<'_>]) -> Flow,
    ) -> Result<(), ReadError> {
        let name = self.sheets.get(sheet).cloned().unwrap_or_default();
        match &mut self.inner {
            Inner::Xlsx(x) => xlsx_rows(x, &name, f),
            Inner::Xls(x) => {
                let range = x
                    .worksheet_range(&name)
                    .map_err(|e| ReadError::Unreadable(e.to_string()))?;
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let mut row_buf: Vec<Cell<'_>> = Vec::new();
                let mut count = 0u32;
                for (i, row) in range.rows().enumerate() {
                    row_buf.clear();
                    row_buf.resize(c0 as usize, Cell::Empty);
                    row_buf.extend(row.iter().map(from_data));
                    if row_buf.iter().all(Cell::is_blank) {
                        continue;
                    }
                    count += 1;
                    if count > MAX_ROWS {
                        return Err(ReadError::TooManyRows);
                    }
                    if f(r0 + i as u32 + 1, &row_buf) == Flow::Stop {
                        break;
                    }
                }
                Ok(())
            }
            Inner::Csv(text) => csv_rows(text, f),
        }
    }
}

/// Why a sheet could not be read to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// The XML or the file is broken.
    Unreadable(String),
    /// More than [`MAX_ROWS`] rows.
    TooManyRows,
}

fn from_data(d: &Data) -> Cell<'static> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Cell::Text(Cow::Owned(s.clone()))
        }
        Data::Float(v) => Cell::Number(*v),
        Data::Int(i) => Cell::Int(*i),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            if dt.is_datetime() {
                Cell::Date(dt.as_f64())
            } else {
                Cell::Number(dt.as_f64())
            }
        }
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// A cell as the parser thread hands it over; text lives in the batch's arena.
#[derive(Debug, Clone, Copy)]
enum Raw {
    Empty,
    Text(u32, u32),
    Number(f64),
    Int(i64),
    Bool(bool),
    Date(f64),
    Error(u32, u32),
}

/// Rows parsed by the parser thread: `(row, first cell, cell count)` into `cells`.
#[derive(Default)]
struct RawBatch {
    rows: Vec<(u32, u32, u32)>,
    cells: Vec<Raw>,
    text: String,
}

impl RawBatch {
    fn text(&mut self, s: &str) -> (u32, u32) {
        let at = self.text.len() as u32;
        self.text.push_str(s);
        (at, s.len() as u32)
    }

    fn cell(&self, r: Raw) -> Cell<'_> {
        let text = |at: u32, len: u32| {
            self.text
                .get(at as usize..(at + len) as usize)
                .unwrap_or("")
        };
        match r {
            Raw::Empty => Cell::Empty,
            Raw::Text(a, l) => Cell::Text(Cow::Borrowed(text(a, l))),
            Raw::Number(v) => Cell::Number(v),
            Raw::Int(i) => Cell::Int(i),
            Raw::Bool(b) => Cell::Bool(b),
            Raw::Date(v) => Cell::Date(v),
            Raw::Error(a, l) => Cell::Error(text(a, l).to_string()),
        }
    }
}

/// Streams an xlsx sheet: calamine parses on a scoped thread of its own and hands
/// over batches of rows, while this thread runs `f`, so parsing and checking use
/// two cores. Dropping the receiver stops the parser.
fn xlsx_rows(
    x: &mut Xlsx<Cursor<Bytes>>,
    name: &str,
    f: &mut dyn FnMut(u32, &[Cell<'_>]) -> Flow,
) -> Result<(), ReadError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<RawBatch, ReadError>>(4);
    std::thread::scope(|scope| {
        let parser = std::thread::Builder::new()
            .name("import-xlsx-parse".into())
            .spawn_scoped(scope, move || parse_sheet(x, name, &tx))
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        let mut result = Ok(());
        let mut count = 0u32;
        'batches: for msg in rx.iter() {
            let batch = match msg {
                Ok(b) => b,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            let mut cells: Vec<Cell<'_>> = Vec::with_capacity(64);
            for &(row, first, n) in &batch.rows {
                cells.clear();
                let range = first as usize..(first + n) as usize;
                cells.extend(
                    batch
                        .cells
                        .get(range)
                        .unwrap_or(&[])
                        .iter()
                        .map(|r| batch.cell(*r)),
                );
                count += 1;
                if count > MAX_ROWS {
                    result = Err(ReadError::TooManyRows);
                    break 'batches;
                }
                if f(row, &cells) == Flow::Stop {
                    break 'batches;
                }
            }
        }
        drop(rx);
        if parser.join().is_err() {
            result = Err(ReadError::Unreadable("xlsx parser failed".into()));
        }
        result
    })
}

/// The parser thread: every non-blank row of the sheet, in batches that grow
/// from one row (so reading just the header parses little).
fn parse_sheet(
    x: &mut Xlsx<Cursor<Bytes>>,
    name: &str,
    tx: &std::sync::mpsc::SyncSender<Result<RawBatch, ReadError>>,
) {
    let mut reader = match x.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(Err(ReadError::Unreadable(e.to_string())));
            return;
        }
    };
    let mut batch = RawBatch::default();
    let mut limit = 1usize;
    let mut row: Vec<Raw> = Vec::with_capacity(64);
    let mut current: Option<u32> = None;
    let mut blank = true;
    // Appends the current row to the batch; false when the receiver is gone.
    let flush = |batch: &mut RawBatch,
                 row: &mut Vec<Raw>,
                 r: u32,
                 blank: bool,
                 limit: &mut usize|
     -> bool {
        if !blank {
            batch
                .rows
                .push((r + 1, batch.cells.len() as u32, row.len() as u32));
            batch.cells.append(row);
        }
        row.clear();
        if batch.rows.len() >= *limit {
            *limit = (*limit * 32).min(1024);
            if tx.send(Ok(std::mem::take(batch))).is_err() {
                return false;
            }
        }
        true
    };
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                let _ = tx.send(Err(ReadError::Unreadable(e.to_string())));
                return;
            }
        };
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current
                && !flush(&mut batch, &mut row, prev, blank, &mut limit)
            {
                return;
            }
            current = Some(r);
            blank = true;
        }
        let c = c as usize;
        if c >= 16_384 {
            continue;
        }
        let raw = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::SharedString(s) => text_raw(&mut batch, s, &mut blank),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                text_raw(&mut batch, s, &mut blank)
            }
            DataRef::Float(v) => Raw::Number(*v),
            DataRef::Int(i) => Raw::Int(*i),
            DataRef::Bool(b) => Raw::Bool(*b),
            DataRef::DateTime(dt) if dt.is_datetime() => Raw::Date(dt.as_f64()),
            DataRef::DateTime(dt) => Raw::Number(dt.as_f64()),
            DataRef::Error(e) => {
                let (a, l) = batch.text(&e.to_string());
                Raw::Error(a, l)
            }
        };
        if !matches!(raw, Raw::Text(..)) {
            blank = false;
        }
        if c >= row.len() {
            row.resize(c, Raw::Empty);
            row.push(raw);
        } else {
            row[c] = raw;
        }
    }
    if let Some(prev) = current {
        limit = 0;
        flush(&mut batch, &mut row, prev, blank, &mut limit);
    }
    if !batch.rows.is_empty() {
        let _ = tx.send(Ok(batch));
    }
}

fn text_raw(batch: &mut RawBatch, s: &str, blank: &mut bool) -> Raw {
    if !kechuang_core::text::trim(s).is_empty() {
        *blank = false;
    }
    let (a, l) = batch.text(s);
    Raw::Text(a, l)
}

fn csv_rows(text: &str, f: &mut dyn FnMut(u32, &[Cell<'_>]) -> Flow) -> Result<(), ReadError> {
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if !first_line.contains(',') && first_line.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut row = 0u32;
    let mut count = 0u32;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(ReadError::Unreadable(format!("CSV 第{}行：{e}", row + 1))),
        }
        row += 1;
        let mut buf: Vec<Cell<'_>> = Vec::with_capacity(record.len());
        buf.extend(record.iter().map(|s| {
            if s.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(Cow::Borrowed(s))
            }
        }));
        if buf.iter().all(Cell::is_blank) {
            continue;
        }
        count += 1;
        if count > MAX_ROWS {
            return Err(ReadError::TooManyRows);
        }
        if f(row, &buf) == Flow::Stop {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        assert_eq!(range_a1((0, 0), (1, 2)), "A1:C2");
    }

    #[test]
    fn text_decodes_as_utf8_or_gb18030() {
        assert_eq!(decode_text("\u{FEFF}企业".as_bytes()).unwrap(), "企业");
        let (gbk, _, _) = encoding_rs::GBK.encode("统一社会信用代码,企业名称");
        assert_eq!(decode_text(&gbk).unwrap(), "统一社会信用代码,企业名称");
        assert!(decode_text(&[0x81, 0x20, 0xFF, 0xFF]).is_none());
    }

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest", "a.csv").unwrap(), Format::Xlsx);
        assert_eq!(sniff("a,b\n1,2".as_bytes(), "a.xlsx").unwrap(), Format::Csv);
        assert_eq!(
            sniff(&[0, 1, 2, 0xFF], "a.xlsx").unwrap_err().code,
            "file_unreadable"
        );
        assert_eq!(
            sniff(&[0, 1, 2, 0xFF], "a.pdf").unwrap_err().code,
            "file_format"
        );
    }
}
