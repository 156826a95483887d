//! The row pass: every cell of every imported sheet checked against the rules of
//! `kechuang-core`, on a blocking thread.
//!
//! The 企业 sheet is read first and resolved against the stored registry (new,
//! changed or unchanged enterprises; a blank optional cell keeps the stored value),
//! then 资质 and 知识产权; their changes go to the writer as one
//! [`RegistryPlan`]. The 指标填报 sheet is then streamed: each valid row becomes a
//! compact [`FilingRow`] sent in batches, so memory stays bounded however long
//! the sheet. Nothing here touches the database; what needs the stored filings
//! (idempotency, filings under review) is decided by the writer.

use super::CellError;
use super::read::{Book, Cell, Flow, column_letter};
use super::sheets::{Errors, SheetPlan, read_error};
use super::template::{Field, SheetKind};
use super::warn::FileLog;
use crate::Actor;
use crate::ops::ip::IpInput;
use crate::ops::org::OrgInput;
use crate::ops::qualification::QualificationInput;
use kechuang_core::FieldError;
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::{IpRecordId, OrgId, QualificationId};
use kechuang_core::indicator::{self, Indicator, Sign, Unit, Values};
use kechuang_core::ip::IpRecord;
use kechuang_core::money::float_cell_to_string;
use kechuang_core::org::Organisation;
use kechuang_core::period::Period;
use kechuang_core::qualification::{Qualification, QualificationKind};
use kechuang_store::{IpRecordRow, OrgKey, OrgRecord, QualificationRecord};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc::Sender;

/// Filing rows per message to the writer.
pub(crate) const BATCH_ROWS: usize = 2000;

/// What the store holds before the import, as the reader needs it.
pub(crate) struct Registry {
    /// Every organisation.
    pub orgs: Vec<OrgRecord>,
    /// Every qualification record.
    pub quals: Vec<QualificationRecord>,
    /// Every IP record.
    pub ips: Vec<IpRecordRow>,
    /// The district's towns.
    pub towns: Vec<String>,
    /// The district's clusters.
    pub clusters: Vec<String>,
}

/// Whether a qualification row adds or changes a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// A new record.
    Created,
    /// An existing record with new values.
    Updated,
}

/// The registry part of the workbook, resolved against the store.
#[derive(Default)]
pub(crate) struct RegistryPlan {
    /// Every organisation the import may refer to, by index: the stored ones first
    /// (`..existing`), then the file's new ones.
    pub ids: Vec<OrgId>,
    /// How many of `ids` were stored before.
    pub existing: usize,
    /// Enterprises to add.
    pub new_orgs: Vec<(OrgId, Organisation)>,
    /// Enterprises to change: id, before, after.
    pub changed_orgs: Vec<(OrgId, Organisation, Organisation)>,
    /// Enterprise rows equal to the store.
    pub unchanged_orgs: u64,
    /// Towns not yet listed.
    pub new_towns: Vec<String>,
    /// Clusters not yet listed.
    pub new_clusters: Vec<String>,
    /// Qualification records to add or change (organisation index).
    pub quals: Vec<(u32, Qualification, Change)>,
    /// Qualification rows equal to the store.
    pub quals_unchanged: u64,
    /// IP records to add (organisation index).
    pub ips_new: Vec<(u32, IpRecord)>,
    /// IP records to change.
    pub ips_changed: Vec<(IpRecordId, u32, IpRecord)>,
    /// IP rows equal to the store.
    pub ips_unchanged: u64,
    /// Each organisation's rollup grouping (town, cluster, 规上) after the import,
    /// by index.
    pub keys: Vec<OrgKey>,
}

/// One valid row of 指标填报.
#[derive(Debug, Clone)]
pub(crate) struct FilingRow {
    /// Organisation index (see [`RegistryPlan::ids`]).
    pub org: u32,
    /// Period.
    pub period: Period,
    /// Excel row.
    pub row: u32,
    /// Values.
    pub values: Values,
}

/// Where the writer reports problems it finds in 指标填报 rows.
#[derive(Debug, Clone)]
pub(crate) struct FilingsSheet {
    /// Sheet name.
    pub name: String,
    /// Column letter and header of 期间.
    pub period_col: Option<(String, String)>,
}

/// From the reader to the writer, in this order: one `Registry`, then for the
/// 指标填报 sheet one `FilingsSheet` and its batches.
pub(crate) enum Msg {
    /// The registry changes.
    Registry(Box<RegistryPlan>),
    /// The 指标填报 sheet starts.
    FilingsSheet(FilingsSheet),
    /// Valid filing rows.
    Filings(Vec<FilingRow>),
}

/// What the reader hands back when it is done.
pub(crate) struct ReaderOutcome {
    /// Every error found in the file.
    pub errors: Errors,
    /// Data rows read.
    pub rows_read: u64,
    /// The valid filing rows' money values, for the unit check.
    pub file_log: FileLog,
    /// The book, for a second look at suspicious rows.
    pub book: Book,
    /// The 指标填报 sheet, if any.
    pub filings: Option<SheetPlan>,
}

/// Everything the reader starts from.
pub(crate) struct ReaderInput {
    /// The opened workbook.
    pub book: Book,
    /// Its sheets, 企业 first.
    pub plans: Vec<SheetPlan>,
    /// Errors found while inspecting it.
    pub errors: Errors,
    /// The stored registry.
    pub registry: Registry,
    /// Who imports (for the town scope).
    pub actor: Actor,
    /// Raised as soon as any error is found, so the writer stops writing.
    pub failed: Arc<AtomicBool>,
}

/// How a cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum As {
    Text,
    Date,
    Bool,
}

fn read_as(f: Field) -> As {
    match f {
        Field::FoundedOn
        | Field::RecognizedOn
        | Field::ValidUntil
        | Field::GrantedOn
        | Field::AcquiredOn => As::Date,
        Field::AboveScale | Field::UsedInHte => As::Bool,
        _ => As::Text,
    }
}

/// A cell as the text the core parsers read: numbers as Excel shows them, date
/// cells and serial numbers in date columns as ISO dates, booleans as 是/否.
fn cell_text<'c>(
    cell: &'c Cell<'_>,
    how: As,
    is_1904: bool,
    field: &str,
) -> Result<Cow<'c, str>, FieldError> {
    let serial_to_text = |v: f64| -> String {
        if how == As::Date && v.fract() == 0.0 && (19_000_101.0..=22_001_231.0).contains(&v) {
            return format!("{}", v as i64);
        }
        if how == As::Date
            && let Some(d) = kechuang_core::date::from_excel_serial(v, is_1904)
        {
            return kechuang_core::date::to_iso(d);
        }
        float_cell_to_string(v).unwrap_or_else(|| v.to_string())
    };
    Ok(match cell {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(t) => Cow::Borrowed(t.as_ref()),
        Cell::Number(v) => Cow::Owned(serial_to_text(*v)),
        Cell::Int(i) => Cow::Owned(serial_to_text(*i as f64)),
        Cell::Bool(b) => Cow::Borrowed(if *b { "是" } else { "否" }),
        Cell::Date(v) => Cow::Owned(
            kechuang_core::date::from_excel_serial(*v, is_1904)
                .map(kechuang_core::date::to_iso)
                .unwrap_or_else(|| v.to_string()),
        ),
        Cell::Error(e) => return Err(FieldError::new(field, "cell_error").with("value", e)),
    })
}

/// A value in an indicator's unit from a numeric cell, exactly as Excel shows it
/// (15 significant digits). The common case avoids any text: `n / 10^d == v`
/// proves `v` is the double nearest to the decimal `n·10^-d`, which has at most
/// 15 digits, so Excel shows exactly that decimal.
fn scaled_from_float(v: f64, decimals: u32) -> Option<i64> {
    if decimals > 15 || !v.is_finite() {
        return None;
    }
    let p = 10f64.powi(decimals as i32);
    let n = (v * p).round();
    (n.abs() < 1e15 && n / p == v).then_some(n as i64)
}

/// Parses one indicator cell; `Ok(None)` when blank.
pub(crate) fn indicator_value(
    ind: &Indicator,
    cell: &Cell<'_>,
    is_1904: bool,
) -> Result<Option<i64>, FieldError> {
    let number = |v: f64| -> Result<Option<i64>, FieldError> {
        if ind.unit != Unit::Level
            && let Some(n) = scaled_from_float(v, ind.decimals)
            && n.unsigned_abs() <= indicator::MAX_ABS_STORED as u64
            && !(ind.sign == Sign::NonNegative && n < 0)
        {
            return Ok(Some(n));
        }
        let text = float_cell_to_string(v)
            .ok_or_else(|| FieldError::new(ind.code, "number_invalid").with("value", v))?;
        ind.parse_value(&text).map(Some)
    };
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) => {
            if kechuang_core::text::trim(t).is_empty() {
                Ok(None)
            } else {
                ind.parse_value(t).map(Some)
            }
        }
        Cell::Number(v) => number(*v),
        Cell::Int(i) => number(*i as f64),
        Cell::Bool(_) | Cell::Date(_) => {
            Err(FieldError::new(ind.code, "number_invalid").with("value", cell.display(is_1904)))
        }
        Cell::Error(e) => Err(FieldError::new(ind.code, "cell_error").with("value", e)),
    }
}

/// A period cell (memoised: a sheet has few distinct periods).
#[derive(Default)]
pub(crate) struct Periods(HashMap<String, Result<Period, FieldError>>);

impl Periods {
    /// Parses a period cell.
    pub(crate) fn parse(&mut self, cell: &Cell<'_>, is_1904: bool) -> Result<Period, FieldError> {
        let text = cell_text(cell, As::Text, is_1904, "period")?;
        if let Some(r) = self.0.get(text.as_ref()) {
            return r.clone();
        }
        let r = if kechuang_core::text::trim(&text).is_empty() {
            Err(FieldError::new("period", "required"))
        } else {
            Period::parse(&text)
        };
        if self.0.len() < 4096 {
            self.0.insert(text.into_owned(), r.clone());
        }
        r
    }
}

struct State {
    actor: Actor,
    is_1904: bool,
    errors: Errors,
    failed: Arc<AtomicBool>,
    rows_read: u64,
    /// Canonical credit code → organisation index.
    codes: HashMap<String, u32>,
    /// Stored organisations by index (`None` for the file's new ones).
    before: Vec<Option<Organisation>>,
    /// Whether each organisation's (new) town is within the actor's scope.
    in_scope: Vec<bool>,
    plan: RegistryPlan,
    towns: HashSet<String>,
    clusters: HashSet<String>,
    quals: HashMap<(u32, QualificationKind, chrono::NaiveDate), (QualificationId, Qualification)>,
    ips: HashMap<(u32, String), (IpRecordId, IpRecord)>,
    tx: Sender<Msg>,
    closed: bool,
}

impl State {
    fn error(
        &mut self,
        plan: &SheetPlan,
        row: u32,
        col: Option<usize>,
        value: Option<String>,
        e: FieldError,
    ) {
        self.failed.store(true, Ordering::Relaxed);
        self.errors.add(|| plan.error(row, col, value, e));
    }

    fn send(&mut self, msg: Msg) {
        if !self.closed && self.tx.blocking_send(msg).is_err() {
            // The writer has stopped (a store failure): stop reading.
            self.closed = true;
        }
    }

    /// Resolves the credit-code cell of a 资质, 知识产权 or 指标填报 row.
    fn resolve(
        &mut self,
        plan: &SheetPlan,
        row: u32,
        cells: &[Cell<'_>],
        last: &mut Option<(String, u32)>,
    ) -> Option<u32> {
        let col = plan.layout.col(Field::CreditCode)?;
        let cell = cells.get(col).unwrap_or(&Cell::Empty);
        if let (Cell::Text(t), Some((prev, idx))) = (cell, last.as_ref())
            && t.as_ref() == prev.as_str()
        {
            return Some(*idx);
        }
        let text = match cell_text(cell, As::Text, self.is_1904, "credit_code") {
            Ok(t) => t,
            Err(e) => {
                self.error(plan, row, Some(col), Some(cell.display(self.is_1904)), e);
                return None;
            }
        };
        let trimmed = kechuang_core::text::trim(&text);
        if trimmed.is_empty() {
            self.error(
                plan,
                row,
                Some(col),
                None,
                FieldError::new("credit_code", "required"),
            );
            return None;
        }
        let idx = match self.codes.get(trimmed) {
            Some(i) => *i,
            None => match CreditCode::parse(trimmed) {
                Err(e) => {
                    self.error(plan, row, Some(col), Some(trimmed.to_string()), e);
                    return None;
                }
                Ok(code) => match self.codes.get(code.as_str()) {
                    Some(i) => *i,
                    None => {
                        let e = FieldError::new("credit_code", "enterprise_unknown")
                            .with("value", code.as_str());
                        self.error(plan, row, Some(col), Some(trimmed.to_string()), e);
                        return None;
                    }
                },
            },
        };
        if !self.in_scope.get(idx as usize).copied().unwrap_or(false) {
            self.error(
                plan,
                row,
                Some(col),
                Some(trimmed.to_string()),
                FieldError::new("credit_code", "town_scope"),
            );
            return None;
        }
        if let Cell::Text(t) = cell {
            match last {
                Some((buf, i)) => {
                    buf.clear();
                    buf.push_str(t);
                    *i = idx;
                }
                None => *last = Some((t.to_string(), idx)),
            }
        }
        Some(idx)
    }

    /// Errors from a core parser, each at the column of the field it names.
    fn field_errors(
        &mut self,
        plan: &SheetPlan,
        row: u32,
        cells: &[Cell<'_>],
        errs: Vec<FieldError>,
    ) {
        for e in errs {
            let col = plan.layout.col_for_code(&e.field);
            let value = col
                .and_then(|c| cells.get(c))
                .map(|c| c.display(self.is_1904))
                .filter(|v| !v.is_empty());
            self.error(plan, row, col, value, e);
        }
    }

    /// The text of each field of a row, and whether the cell was blank; cells
    /// holding error values are reported.
    fn texts<'c>(
        &mut self,
        plan: &SheetPlan,
        row: u32,
        cells: &'c [Cell<'_>],
    ) -> (HashMap<Field, Cow<'c, str>>, bool) {
        let mut out = HashMap::new();
        let mut ok = true;
        for (col, f) in plan.layout.fields.iter().enumerate() {
            let Some(f) = f else { continue };
            let Some(cell) = cells.get(col) else { continue };
            let code = super::template::spec(plan.kind, *f).map_or("", |s| s.code);
            match cell_text(cell, read_as(*f), self.is_1904, code) {
                Ok(t) => {
                    if !kechuang_core::text::trim(&t).is_empty() {
                        out.insert(*f, t);
                    }
                }
                Err(e) => {
                    ok = false;
                    self.error(plan, row, Some(col), Some(cell.display(self.is_1904)), e);
                }
            }
        }
        (out, ok)
    }

    fn extra_cells(
        &mut self,
        plan: &SheetPlan,
        row: u32,
        cells: &[Cell<'_>],
        seen: &mut HashSet<usize>,
    ) {
        let width = plan.layout.headers.len();
        let blank = plan
            .layout
            .blank
            .iter()
            .copied()
            .filter(|c| *c < cells.len());
        let beyond = width..cells.len();
        for col in blank.chain(beyond) {
            if !cells[col].is_blank() && seen.insert(col) {
                let v = cells[col].display(self.is_1904);
                let e = FieldError::new("header", "column_without_header")
                    .with("column", column_letter(col));
                self.error(plan, row, Some(col), Some(v), e);
            }
        }
    }
}

/// Reads every imported sheet, sends the registry plan and the filing batches to
/// the writer, and returns the errors. Runs on a blocking thread.
pub(crate) fn run(input: ReaderInput, tx: Sender<Msg>) -> ReaderOutcome {
    let ReaderInput {
        mut book,
        plans,
        errors,
        registry,
        actor,
        failed,
    } = input;
    if !errors.is_empty() {
        failed.store(true, Ordering::Relaxed);
    }
    let mut st = State {
        actor,
        is_1904: book.is_1904,
        errors,
        failed,
        rows_read: 0,
        codes: HashMap::with_capacity(registry.orgs.len()),
        before: Vec::with_capacity(registry.orgs.len()),
        in_scope: Vec::with_capacity(registry.orgs.len()),
        plan: RegistryPlan {
            existing: registry.orgs.len(),
            ..RegistryPlan::default()
        },
        towns: registry.towns.into_iter().collect(),
        clusters: registry.clusters.into_iter().collect(),
        quals: HashMap::new(),
        ips: HashMap::new(),
        tx,
        closed: false,
    };
    let mut by_id: HashMap<String, u32> = HashMap::with_capacity(registry.orgs.len());
    for (i, r) in registry.orgs.into_iter().enumerate() {
        st.codes
            .insert(r.org.credit_code.as_str().to_string(), i as u32);
        by_id.insert(r.id.0.clone(), i as u32);
        st.in_scope.push(st.actor.in_scope(r.org.town.as_deref()));
        st.plan.ids.push(r.id);
        st.before.push(Some(r.org));
    }
    for q in registry.quals {
        if let Some(i) = by_id.get(q.org_id.as_str()) {
            st.quals
                .insert((*i, q.q.kind, q.q.recognized_on), (q.id, q.q));
        }
    }
    for r in registry.ips {
        if let Some(i) = by_id.get(r.org_id.as_str()) {
            st.ips.insert((*i, r.ip.number.clone()), (r.id, r.ip));
        }
    }
    drop(by_id);

    let mut filings_plan = None;
    let mut file_log = FileLog::default();
    let mut sent_registry = false;
    for plan in plans {
        if plan.kind == SheetKind::Filings && !sent_registry {
            send_registry(&mut st);
            sent_registry = true;
        }
        let result = match plan.kind {
            SheetKind::Enterprises => enterprises(&mut book, &plan, &mut st),
            SheetKind::Qualifications => qualifications(&mut book, &plan, &mut st),
            SheetKind::Ip => ips(&mut book, &plan, &mut st),
            SheetKind::Filings => filings(&mut book, &plan, &mut st, &mut file_log),
        };
        if let Err(e) = result {
            let e = read_error(e);
            st.failed.store(true, Ordering::Relaxed);
            st.errors.add(|| CellError {
                sheet: plan.name.clone(),
                row: 0,
                column: None,
                header: None,
                value: None,
                error: e,
            });
        }
        if plan.kind == SheetKind::Filings {
            filings_plan = Some(plan);
        }
    }
    if !sent_registry {
        send_registry(&mut st);
    }
    ReaderOutcome {
        errors: st.errors,
        rows_read: st.rows_read,
        file_log,
        book,
        filings: filings_plan,
    }
}

/// Sends the registry plan, with every organisation's grouping after the import.
fn send_registry(st: &mut State) {
    let mut p = std::mem::take(&mut st.plan);
    let key = |o: &Organisation| -> OrgKey {
        (
            o.town.clone().unwrap_or_default(),
            o.cluster.clone().unwrap_or_default(),
            o.above_scale,
        )
    };
    let mut keys: Vec<OrgKey> = st
        .before
        .iter()
        .map(|b| b.as_ref().map(key).unwrap_or_default())
        .collect();
    let index: HashMap<&str, usize> = p
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    for (id, o) in p
        .new_orgs
        .iter()
        .map(|(id, o)| (id, o))
        .chain(p.changed_orgs.iter().map(|(id, _, o)| (id, o)))
    {
        if let Some(i) = index.get(id.as_str()) {
            keys[*i] = key(o);
        }
    }
    drop(index);
    p.keys = keys;
    st.send(Msg::Registry(Box::new(p)));
}

fn enterprises(
    book: &mut Book,
    plan: &SheetPlan,
    st: &mut State,
) -> Result<(), super::read::ReadError> {
    let mut seen_rows: HashMap<u32, u32> = HashMap::new();
    let mut extra = HashSet::new();
    let is_1904 = st.is_1904;
    let code_col = plan.layout.col(Field::CreditCode);
    book.for_each_row(plan.index, &mut |row, cells| {
        if row <= plan.header_row || st.closed {
            return if st.closed {
                Flow::Stop
            } else {
                Flow::Continue
            };
        }
        st.rows_read += 1;
        if !plan.usable {
            // Only learn the codes, so other sheets do not report them unknown.
            if let Some(c) = code_col
                && let Ok(t) = cell_text(
                    cells.get(c).unwrap_or(&Cell::Empty),
                    As::Text,
                    is_1904,
                    "credit_code",
                )
                && let Ok(code) = CreditCode::parse(&t)
            {
                org_index(st, &code);
            }
            return Flow::Continue;
        }
        st.extra_cells(plan, row, cells, &mut extra);
        enterprise_row(plan, row, cells, st, &mut seen_rows);
        Flow::Continue
    })?;
    // New towns and clusters, in the order the file names them.
    let mut towns = Vec::new();
    let mut clusters = Vec::new();
    let named = st
        .plan
        .new_orgs
        .iter()
        .map(|(_, o)| o)
        .chain(st.plan.changed_orgs.iter().map(|(_, _, o)| o));
    for o in named {
        if let Some(t) = &o.town
            && !st.towns.contains(t)
            && !towns.contains(t)
        {
            towns.push(t.clone());
        }
        if let Some(c) = &o.cluster
            && !st.clusters.contains(c)
            && !clusters.contains(c)
        {
            clusters.push(c.clone());
        }
    }
    st.plan.new_towns = towns;
    st.plan.new_clusters = clusters;
    Ok(())
}

/// The index of a credit code, adding a new organisation for an unknown one.
fn org_index(st: &mut State, code: &CreditCode) -> (u32, bool) {
    if let Some(i) = st.codes.get(code.as_str()) {
        return (*i, false);
    }
    let i = st.plan.ids.len() as u32;
    st.codes.insert(code.as_str().to_string(), i);
    st.plan.ids.push(OrgId(kechuang_store::new_id()));
    st.before.push(None);
    // In scope until its row says otherwise: a row refused for another reason must
    // not make the other sheets report the enterprise out of scope.
    st.in_scope.push(true);
    (i, true)
}

fn enterprise_row(
    plan: &SheetPlan,
    row: u32,
    cells: &[Cell<'_>],
    st: &mut State,
    seen_rows: &mut HashMap<u32, u32>,
) {
    let errors_before = st.errors.total;
    let (texts, _) = st.texts(plan, row, cells);
    let t = |f: Field| texts.get(&f).map(|s| s.to_string()).unwrap_or_default();
    let input = OrgInput {
        kind: t(Field::OrgKind),
        credit_code: t(Field::CreditCode),
        name: t(Field::Name),
        town: t(Field::Town),
        cluster: t(Field::Cluster),
        longitude: t(Field::Longitude),
        latitude: t(Field::Latitude),
        founded_on: t(Field::FoundedOn),
        above_scale: t(Field::AboveScale),
        address: t(Field::Address),
    };
    let blank = |f: Field| !texts.contains_key(&f);
    let code_col = plan.layout.col(Field::CreditCode);
    let code = CreditCode::parse(&input.credit_code).ok();
    let parsed = input.parse();
    if let Err(errs) = &parsed {
        st.field_errors(plan, row, cells, errs.clone());
    }
    let Some(code) = code else { return };
    let (idx, _) = org_index(st, &code);
    if let Some(first) = seen_rows.get(&idx) {
        let e = FieldError::new("credit_code", "duplicate_row")
            .with("other_row", first)
            .with("value", code.as_str());
        st.error(plan, row, code_col, Some(input.credit_code.clone()), e);
        return;
    }
    seen_rows.insert(idx, row);
    let before = st.before[idx as usize].clone();
    if let Some(b) = &before
        && !st.actor.in_scope(b.town.as_deref())
    {
        st.error(
            plan,
            row,
            code_col,
            Some(input.credit_code.clone()),
            FieldError::new("credit_code", "town_scope"),
        );
        return;
    }
    let Ok(mut org) = parsed else { return };
    if let Some(b) = &before {
        // A blank optional cell (or an absent column) keeps the stored value.
        if blank(Field::OrgKind) {
            org.kind = b.kind;
        }
        if blank(Field::Town) {
            org.town = b.town.clone();
        }
        if blank(Field::Cluster) {
            org.cluster = b.cluster.clone();
        }
        if blank(Field::Longitude) && blank(Field::Latitude) {
            org.coordinates = b.coordinates;
        }
        if blank(Field::FoundedOn) {
            org.founded_on = b.founded_on;
        }
        if blank(Field::AboveScale) {
            org.above_scale = b.above_scale;
        }
        if blank(Field::Address) {
            org.address = b.address.clone();
        }
    }
    if !st.actor.in_scope(org.town.as_deref()) {
        let col = plan.layout.col(Field::Town).or(code_col);
        let value = org.town.clone().unwrap_or_default();
        st.error(
            plan,
            row,
            col,
            Some(value),
            FieldError::new("town", "town_scope"),
        );
        st.in_scope[idx as usize] = false;
        return;
    }
    st.in_scope[idx as usize] = true;
    if st.errors.total > errors_before {
        return;
    }
    let id = st.plan.ids[idx as usize].clone();
    match before {
        None => st.plan.new_orgs.push((id, org)),
        Some(b) if b != org => st.plan.changed_orgs.push((id, b, org)),
        Some(_) => st.plan.unchanged_orgs += 1,
    }
}

fn qualifications(
    book: &mut Book,
    plan: &SheetPlan,
    st: &mut State,
) -> Result<(), super::read::ReadError> {
    if !plan.usable {
        return Ok(());
    }
    let mut seen: HashMap<(u32, QualificationKind, chrono::NaiveDate), u32> = HashMap::new();
    let mut extra = HashSet::new();
    let mut last = None;
    book.for_each_row(plan.index, &mut |row, cells| {
        if row <= plan.header_row {
            return Flow::Continue;
        }
        st.rows_read += 1;
        st.extra_cells(plan, row, cells, &mut extra);
        let org = st.resolve(plan, row, cells, &mut last);
        let (texts, _) = st.texts(plan, row, cells);
        let t = |f: Field| texts.get(&f).map(|s| s.to_string()).unwrap_or_default();
        let input = QualificationInput {
            kind: t(Field::QualKind),
            number: t(Field::QualNumber),
            recognized_on: t(Field::RecognizedOn),
            valid_until: t(Field::ValidUntil),
        };
        let q = match input.parse() {
            Ok(q) => q,
            Err(errs) => {
                st.field_errors(plan, row, cells, errs);
                return Flow::Continue;
            }
        };
        let Some(org) = org else {
            return Flow::Continue;
        };
        let key = (org, q.kind, q.recognized_on);
        if let Some(first) = seen.get(&key) {
            let value = format!(
                "{} {} {}",
                t(Field::CreditCode),
                q.kind.zh(),
                kechuang_core::date::to_iso(q.recognized_on)
            );
            let e = FieldError::new("credit_code", "duplicate_row")
                .with("other_row", first)
                .with("value", &value);
            st.error(
                plan,
                row,
                plan.layout.col(Field::CreditCode),
                Some(value),
                e,
            );
            return Flow::Continue;
        }
        seen.insert(key, row);
        match st.quals.get(&key) {
            Some((_, stored)) if *stored == q => st.plan.quals_unchanged += 1,
            Some(_) => st.plan.quals.push((org, q, Change::Updated)),
            None => st.plan.quals.push((org, q, Change::Created)),
        }
        Flow::Continue
    })
}

fn ips(book: &mut Book, plan: &SheetPlan, st: &mut State) -> Result<(), super::read::ReadError> {
    if !plan.usable {
        return Ok(());
    }
    let mut seen: HashMap<(u32, String), u32> = HashMap::new();
    let mut extra = HashSet::new();
    let mut last = None;
    book.for_each_row(plan.index, &mut |row, cells| {
        if row <= plan.header_row {
            return Flow::Continue;
        }
        st.rows_read += 1;
        st.extra_cells(plan, row, cells, &mut extra);
        let org = st.resolve(plan, row, cells, &mut last);
        let (texts, _) = st.texts(plan, row, cells);
        let t = |f: Field| texts.get(&f).map(|s| s.to_string()).unwrap_or_default();
        let input = IpInput {
            ip_type: t(Field::IpType),
            number: t(Field::IpNumber),
            title: t(Field::IpTitle),
            granted_on: t(Field::GrantedOn),
            status: t(Field::LegalStatus),
            acquisition: t(Field::Acquisition),
            acquired_on: t(Field::AcquiredOn),
            used_in_hte: t(Field::UsedInHte),
        };
        let ip = match input.parse() {
            Ok(ip) => ip,
            Err(errs) => {
                st.field_errors(plan, row, cells, errs);
                return Flow::Continue;
            }
        };
        let Some(org) = org else {
            return Flow::Continue;
        };
        let key = (org, ip.number.clone());
        if let Some(first) = seen.get(&key) {
            let value = format!("{} {}", t(Field::CreditCode), ip.number);
            let e = FieldError::new("number", "duplicate_row")
                .with("other_row", first)
                .with("value", &value);
            st.error(
                plan,
                row,
                plan.layout.col(Field::IpNumber),
                Some(ip.number.clone()),
                e,
            );
            return Flow::Continue;
        }
        seen.insert(key.clone(), row);
        match st.ips.get(&key) {
            Some((_, stored)) if *stored == ip => st.plan.ips_unchanged += 1,
            Some((id, _)) => st.plan.ips_changed.push((id.clone(), org, ip)),
            None => st.plan.ips_new.push((org, ip)),
        }
        Flow::Continue
    })
}

fn filings(
    book: &mut Book,
    plan: &SheetPlan,
    st: &mut State,
    log: &mut FileLog,
) -> Result<(), super::read::ReadError> {
    let period_col = plan.layout.col(Field::Period);
    st.send(Msg::FilingsSheet(FilingsSheet {
        name: plan.name.clone(),
        period_col: period_col.map(|c| {
            (
                column_letter(c),
                plan.layout.headers.get(c).cloned().unwrap_or_default(),
            )
        }),
    }));
    if !plan.usable {
        return Ok(());
    }
    let Some(period_col) = period_col else {
        return Ok(());
    };
    let code_col = plan.layout.col(Field::CreditCode);
    let inds = plan.layout.indicators();
    log.start(&inds);
    let is_1904 = st.is_1904;
    let mut periods = Periods::default();
    let mut seen: HashMap<(u32, i32), u32, FastHash> = HashMap::default();
    let mut extra = HashSet::new();
    let mut last = None;
    let mut batch: Vec<FilingRow> = Vec::with_capacity(BATCH_ROWS);
    book.for_each_row(plan.index, &mut |row, cells| {
        if row <= plan.header_row {
            return Flow::Continue;
        }
        if st.closed {
            return Flow::Stop;
        }
        st.rows_read += 1;
        let errors_before = st.errors.total;
        if cells.len() > plan.layout.headers.len() || !plan.layout.blank.is_empty() {
            st.extra_cells(plan, row, cells, &mut extra);
        }
        let org = st.resolve(plan, row, cells, &mut last);
        let period_cell = cells.get(period_col).unwrap_or(&Cell::Empty);
        let period = match periods.parse(period_cell, is_1904) {
            Ok(p) => Some(p),
            Err(e) => {
                st.error(
                    plan,
                    row,
                    Some(period_col),
                    Some(period_cell.display(is_1904)).filter(|v| !v.is_empty()),
                    e,
                );
                None
            }
        };
        let mut values = Values::default();
        let mut bad_values = false;
        for (col, ind) in &inds {
            let cell = cells.get(*col).unwrap_or(&Cell::Empty);
            match indicator_value(ind, cell, is_1904) {
                Ok(v) => values.0[ind.index] = v,
                Err(e) => {
                    bad_values = true;
                    st.error(plan, row, Some(*col), Some(cell.display(is_1904)), e);
                }
            }
        }
        if !bad_values {
            if values.is_empty() {
                st.error(
                    plan,
                    row,
                    None,
                    None,
                    FieldError::new("values", "filing_empty"),
                );
            } else {
                let problems = indicator::check(&values);
                if !problems.is_empty() {
                    st.field_errors(plan, row, cells, problems);
                }
            }
        }
        if let (Some(org), Some(period)) = (org, period) {
            if let Some(first) = seen.get(&(org, period.code())) {
                let code = code_col
                    .and_then(|c| cells.get(c))
                    .map(|c| c.display(is_1904))
                    .unwrap_or_default();
                let value = format!("{code} {period}");
                let e = FieldError::new("credit_code", "duplicate_row")
                    .with("other_row", first)
                    .with("value", &value);
                st.error(plan, row, code_col, Some(code), e);
            } else {
                seen.insert((org, period.code()), row);
            }
            if st.errors.total == errors_before {
                log.push(org, period, row, &values);
                batch.push(FilingRow {
                    org,
                    period,
                    row,
                    values,
                });
                if batch.len() >= BATCH_ROWS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    st.send(Msg::Filings(full));
                }
            }
        }
        Flow::Continue
    })?;
    if !batch.is_empty() {
        st.send(Msg::Filings(batch));
    }
    Ok(())
}

/// A fast hasher for small integer keys built by the import itself (organisation
/// index, period), where SipHash's protection against chosen keys buys nothing.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

/// See [`FastHash`]: a multiply-rotate mix (FxHash's).
pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }

    fn write_i32(&mut self, v: i32) {
        self.write_u64(u64::from(v as u32));
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_cells_scale_exactly_or_fall_back() {
        assert_eq!(scaled_from_float(1234.56, 6), Some(1_234_560_000));
        assert_eq!(scaled_from_float(0.1, 6), Some(100_000));
        assert_eq!(scaled_from_float(36.25, 2), Some(3625));
        assert_eq!(scaled_from_float(36.125, 2), None);
        assert_eq!(
            scaled_from_float(0.1 + 0.2, 6),
            None,
            "formula noise goes the slow way"
        );
        assert_eq!(scaled_from_float(-12.5, 6), Some(-12_500_000));
        assert_eq!(scaled_from_float(f64::NAN, 2), None);
    }

    #[test]
    fn numeric_indicator_cells_read_as_excel_shows_them() {
        let rd = indicator::by_code("rd_expense").unwrap();
        assert_eq!(
            indicator_value(rd, &Cell::Number(0.1 + 0.2), false).unwrap(),
            Some(300_000)
        );
        assert_eq!(
            indicator_value(rd, &Cell::Number(-1.0), false)
                .unwrap_err()
                .code,
            "value_negative"
        );
        assert_eq!(
            indicator_value(rd, &Cell::Text("一百".into()), false)
                .unwrap_err()
                .code,
            "number_invalid"
        );
        assert_eq!(
            indicator_value(rd, &Cell::Text(" ".into()), false).unwrap(),
            None
        );
        let staff = indicator::by_code("employees").unwrap();
        assert_eq!(
            indicator_value(staff, &Cell::Number(36.125), false)
                .unwrap_err()
                .code,
            "number_too_precise"
        );
        let level = indicator::by_code("rd_institution_level").unwrap();
        assert_eq!(
            indicator_value(level, &Cell::Number(3.0), false).unwrap(),
            Some(3)
        );
    }

    #[test]
    fn date_columns_take_serials_and_compact_numbers() {
        let t = |c: Cell<'_>| cell_text(&c, As::Date, false, "d").unwrap().into_owned();
        assert_eq!(t(Cell::Number(45047.0)), "2023-05-01");
        assert_eq!(t(Cell::Number(20230501.0)), "20230501");
        assert_eq!(t(Cell::Date(45047.0)), "2023-05-01");
        assert_eq!(
            cell_text(&Cell::Date(43585.0), As::Date, true, "d").unwrap(),
            "2023-05-01"
        );
    }
}
