//! Technology contract registration: contracts, their parties, the workflow's
//! history, changes (变更登记), the yearly registration sequence and the
//! statistics.
//!
//! The statistics read registered contracts by registration date from the
//! per-day sums `contract_day_sum`, which [`Db::insert_contracts`],
//! [`Db::set_contract_state`] and [`Db::set_contract_terms`] keep in the same
//! transaction (minus the old values, plus the new); a town-scoped reader reads
//! the same sums kept per town (`contract_town_day_sum`, migration 0014).

use super::{parse_date, parse_opt_date};
use crate::{Db, Result, StoreError, with_conn};
use chrono::NaiveDate;
use kechuang_core::contract::{PartyType, RefusalReason, Side, Status, Subtype};
use kechuang_core::date::to_iso;
use sqlx::AssertSqlSafe;

/// A stored contract (without its text, parties and history).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContractRecord {
    /// Id.
    pub id: String,
    /// The registering (seller) organisation.
    pub seller_org_id: String,
    /// Its name.
    pub seller_name: String,
    /// Title.
    pub title: String,
    /// Current subtype (the registrar's classification once registered).
    pub subtype: Subtype,
    /// The subtype as submitted.
    pub declared_subtype: Subtype,
    /// Technical field.
    pub field: String,
    /// IP type.
    pub ip_type: Option<String>,
    /// From a government programme.
    pub government_programme: bool,
    /// 合同成交额, fen.
    pub amount_fen: i64,
    /// Non-technical part, fen.
    pub non_technical_fen: i64,
    /// 技术交易额 as declared, fen.
    pub tech_declared_fen: i64,
    /// 技术交易额 as verified (equals the declared one until registered), fen.
    pub tech_verified_fen: i64,
    /// Signed.
    pub signed_on: NaiveDate,
    /// Valid from.
    pub valid_from: NaiveDate,
    /// Valid to.
    pub valid_to: NaiveDate,
    /// Duplicate key.
    pub fingerprint: String,
    /// Parties-and-amount key.
    pub dup_key: String,
    /// The first seller's type.
    pub seller_type: PartyType,
    /// The first buyer's type.
    pub buyer_type: PartyType,
    /// Status.
    pub status: Status,
    /// Regime id at acceptance.
    pub regime: Option<String>,
    /// Submitted (or resubmitted) on.
    pub submitted_on: NaiveDate,
    /// Accepted on.
    pub accepted_on: Option<NaiveDate>,
    /// Last day to decide.
    pub deadline: Option<NaiveDate>,
    /// Disputed.
    pub disputed: bool,
    /// Registration number.
    pub registration_number: Option<String>,
    /// Registered on.
    pub registered_on: Option<NaiveDate>,
    /// Refusal reason.
    pub refusal_reason: Option<RefusalReason>,
    /// Refusal remarks.
    pub refusal_note: Option<String>,
    /// Cancelled on.
    pub cancelled_on: Option<NaiveDate>,
    /// Why cancelled.
    pub cancel_reason: Option<String>,
    /// The seller's town.
    pub town: Option<String>,
    /// The matchmaking collaboration it closes.
    pub collaboration_id: Option<String>,
    /// The matchmaking session it was signed at.
    pub session_id: Option<String>,
    /// The 揭榜挂帅 call it came from.
    pub challenge_id: Option<String>,
    /// Who submitted it.
    pub created_by: String,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs.
    pub updated_at: i64,
}

/// One party as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContractPartyRow {
    /// Side.
    pub side: Side,
    /// Name.
    pub name: String,
    /// Credit code.
    pub credit_code: Option<String>,
    /// Type.
    pub kind: PartyType,
    /// The registry organisation, when known.
    pub org_id: Option<String>,
}

/// One workflow step as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContractStepRow {
    /// Order.
    pub line: i32,
    /// Step code.
    pub step: String,
    /// Status after it.
    pub status_after: String,
    /// Actor tag.
    pub actor: String,
    /// Day.
    pub on_date: NaiveDate,
    /// Remarks.
    pub note: Option<String>,
    /// Unix µs.
    pub at: i64,
}

/// One changed value of a 变更登记.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContractChangeRow {
    /// Order.
    pub line: i32,
    /// Field.
    pub field: String,
    /// Old value.
    pub old_value: Option<String>,
    /// New value.
    pub new_value: Option<String>,
    /// Why.
    pub reason: String,
    /// Actor tag.
    pub actor: String,
    /// Day.
    pub on_date: NaiveDate,
}

/// A history row to bulk-insert.
#[derive(Debug, Clone)]
pub struct ContractStepInsert {
    /// Contract.
    pub contract_id: String,
    /// Order.
    pub line: i32,
    /// Step code.
    pub step: &'static str,
    /// Status after.
    pub status_after: Status,
    /// Actor tag.
    pub actor: String,
    /// Day.
    pub on: NaiveDate,
    /// Remarks.
    pub note: Option<String>,
    /// Unix µs.
    pub at: i64,
}

/// A contract to insert.
#[derive(Debug, Clone)]
pub struct NewContract<'a> {
    /// The stored values (status, dates and so on as they start).
    pub record: &'a ContractRecord,
    /// The contract text.
    pub body: &'a str,
    /// Parties in order.
    pub parties: &'a [ContractPartyRow],
}

/// Which contracts to list.
#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    /// Only those registered by this organisation or where it is a party
    /// (`visible_to_org`); `None` for the bureau.
    pub visible_to_org: Option<String>,
    /// Only these towns (a scoped bureau user).
    pub towns: Option<Vec<String>>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Title or number contains.
    pub q: Option<String>,
    /// Registered on or after.
    pub registered_from: Option<NaiveDate>,
    /// Registered on or before.
    pub registered_to: Option<NaiveDate>,
    /// Page size.
    pub limit: i64,
    /// Offset.
    pub offset: i64,
}

/// A state change of the workflow, written guarded by the status it starts from.
#[derive(Debug, Clone)]
pub struct ContractState<'a> {
    /// New status.
    pub status: Status,
    /// Subtype.
    pub subtype: Subtype,
    /// Verified 技术交易额.
    pub tech_verified_fen: i64,
    /// Regime.
    pub regime: Option<&'a str>,
    /// Submitted on (a resubmission moves it).
    pub submitted_on: NaiveDate,
    /// Accepted on.
    pub accepted_on: Option<NaiveDate>,
    /// Deadline.
    pub deadline: Option<NaiveDate>,
    /// Disputed.
    pub disputed: bool,
    /// Number.
    pub registration_number: Option<&'a str>,
    /// Registered on.
    pub registered_on: Option<NaiveDate>,
    /// Refusal.
    pub refusal_reason: Option<RefusalReason>,
    /// Refusal note.
    pub refusal_note: Option<&'a str>,
    /// Cancelled on.
    pub cancelled_on: Option<NaiveDate>,
    /// Why.
    pub cancel_reason: Option<&'a str>,
    /// Unix µs.
    pub at: i64,
}

/// The terms of a contract as a resubmission or a 变更登记 rewrites them.
#[derive(Debug, Clone)]
pub struct ContractTerms<'a> {
    /// Title.
    pub title: &'a str,
    /// Declared subtype.
    pub declared_subtype: Subtype,
    /// Current subtype.
    pub subtype: Subtype,
    /// Field.
    pub field: &'a str,
    /// IP type.
    pub ip_type: Option<&'a str>,
    /// Government programme.
    pub government_programme: bool,
    /// Amount.
    pub amount_fen: i64,
    /// Non-technical part.
    pub non_technical_fen: i64,
    /// Declared 技术交易额.
    pub tech_declared_fen: i64,
    /// Verified 技术交易额.
    pub tech_verified_fen: i64,
    /// Signed.
    pub signed_on: NaiveDate,
    /// Valid from.
    pub valid_from: NaiveDate,
    /// Valid to.
    pub valid_to: NaiveDate,
    /// Text.
    pub body: &'a str,
    /// Fingerprint.
    pub fingerprint: &'a str,
    /// Parties-and-amount key.
    pub dup_key: &'a str,
    /// First seller's type.
    pub seller_type: PartyType,
    /// First buyer's type.
    pub buyer_type: PartyType,
    /// Parties.
    pub parties: &'a [ContractPartyRow],
    /// Unix µs.
    pub at: i64,
}

/// A dimension of the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractDim {
    /// Registration month (`YYYY-MM`).
    Month,
    /// Category.
    Category,
    /// Subtype.
    Subtype,
    /// Technical field.
    Field,
    /// Seller's party type.
    SellerType,
    /// Buyer's party type.
    BuyerType,
    /// Town.
    Town,
}

/// The uploaded contract text's description (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct ContractFileMeta {
    /// The contract.
    pub contract_id: String,
    /// File name as uploaded.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Who uploaded it (event-log tag).
    pub uploaded_by: String,
    /// Unix µs.
    pub created_at: i64,
}

/// One group of the statistics.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContractSum {
    /// The group's key.
    pub key: String,
    /// Contracts.
    pub count: i64,
    /// 合同成交额, fen.
    pub amount_fen: i64,
    /// 技术交易额 (verified), fen.
    pub tech_fen: i64,
}

type PartyTuple = (String, String, Option<String>, String, Option<String>);
type StepTuple = (i32, String, String, String, String, Option<String>, i64);
type ChangeTuple = (
    i32,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

/// Day sums to add: `(dim, day, key) -> (n, amount_fen, tech_fen)`.
/// Changes to the day sums: district-wide by (dim, day, key), and per town by
/// (town, dim, day, key) for every dim but the town itself.
#[derive(Default)]
struct Deltas {
    district: std::collections::BTreeMap<(&'static str, String, String), Sums>,
    town: std::collections::BTreeMap<(String, &'static str, String, String), Sums>,
}

/// (contracts, amount fen, technology transaction fen).
type Sums = (i64, i64, i64);

impl Deltas {
    fn new() -> Deltas {
        Deltas::default()
    }
}

/// Adds a registered contract's values (times `sign`) to the day sums.
fn add_deltas(d: &mut Deltas, r: &ContractRecord, sign: i64) {
    let (Status::Registered, Some(day)) = (r.status, r.registered_on) else {
        return;
    };
    let day = to_iso(day);
    let keys: [(&'static str, String); 6] = [
        ("category", r.subtype.category().as_str().to_string()),
        ("subtype", r.subtype.as_str().to_string()),
        ("field", r.field.clone()),
        ("seller_type", r.seller_type.as_str().to_string()),
        ("buyer_type", r.buyer_type.as_str().to_string()),
        ("town", r.town.clone().unwrap_or_default()),
    ];
    let town = r.town.clone().unwrap_or_default();
    for (dim, key) in keys {
        if dim != "town" {
            let e = d
                .town
                .entry((town.clone(), dim, day.clone(), key.clone()))
                .or_insert((0, 0, 0));
            e.0 += sign;
            e.1 += sign * r.amount_fen;
            e.2 += sign * r.tech_verified_fen;
        }
        let e = d
            .district
            .entry((dim, day.clone(), key))
            .or_insert((0, 0, 0));
        e.0 += sign;
        e.1 += sign * r.amount_fen;
        e.2 += sign * r.tech_verified_fen;
    }
}

impl ContractDim {
    fn rollup(self) -> &'static str {
        match self {
            ContractDim::Month | ContractDim::Category => "category",
            ContractDim::Subtype => "subtype",
            ContractDim::Field => "field",
            ContractDim::SellerType => "seller_type",
            ContractDim::BuyerType => "buyer_type",
            ContractDim::Town => "town",
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    contract_id: String,
    seller_org_id: String,
    seller_name: String,
    title: String,
    subtype: String,
    declared_subtype: String,
    field: String,
    ip_type: Option<String>,
    government_programme: bool,
    amount_fen: i64,
    non_technical_fen: i64,
    tech_declared_fen: i64,
    tech_verified_fen: i64,
    signed_on: String,
    valid_from: String,
    valid_to: String,
    fingerprint: String,
    dup_key: String,
    seller_type: String,
    buyer_type: String,
    status: String,
    regime: Option<String>,
    submitted_on: String,
    accepted_on: Option<String>,
    deadline: Option<String>,
    disputed: bool,
    registration_number: Option<String>,
    registered_on: Option<String>,
    refusal_reason: Option<String>,
    refusal_note: Option<String>,
    cancelled_on: Option<String>,
    cancel_reason: Option<String>,
    town: Option<String>,
    collaboration_id: Option<String>,
    session_id: Option<String>,
    challenge_id: Option<String>,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {v:?}"))
}

fn subtype(s: &str) -> Result<Subtype> {
    Subtype::parse(s).ok_or_else(|| corrupt("contract subtype", s))
}

fn party_type(s: &str) -> Result<PartyType> {
    PartyType::parse(s).ok_or_else(|| corrupt("contract party type", s))
}

fn side_str(s: Side) -> &'static str {
    match s {
        Side::Seller => "seller",
        Side::Buyer => "buyer",
        Side::Intermediary => "intermediary",
    }
}

fn side(s: &str) -> Result<Side> {
    match s {
        "seller" => Ok(Side::Seller),
        "buyer" => Ok(Side::Buyer),
        "intermediary" => Ok(Side::Intermediary),
        _ => Err(corrupt("contract side", s)),
    }
}

impl TryFrom<Row> for ContractRecord {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(ContractRecord {
            subtype: subtype(&r.subtype)?,
            declared_subtype: subtype(&r.declared_subtype)?,
            seller_type: party_type(&r.seller_type)?,
            buyer_type: party_type(&r.buyer_type)?,
            status: Status::parse(&r.status)
                .ok_or_else(|| corrupt("contract status", &r.status))?,
            refusal_reason: r
                .refusal_reason
                .as_deref()
                .map(|s| RefusalReason::parse(s).ok_or_else(|| corrupt("refusal", s)))
                .transpose()?,
            signed_on: parse_date(&r.signed_on)?,
            valid_from: parse_date(&r.valid_from)?,
            valid_to: parse_date(&r.valid_to)?,
            submitted_on: parse_date(&r.submitted_on)?,
            accepted_on: parse_opt_date(r.accepted_on)?,
            deadline: parse_opt_date(r.deadline)?,
            registered_on: parse_opt_date(r.registered_on)?,
            cancelled_on: parse_opt_date(r.cancelled_on)?,
            id: r.contract_id,
            seller_org_id: r.seller_org_id,
            seller_name: r.seller_name,
            title: r.title,
            field: r.field,
            ip_type: r.ip_type,
            government_programme: r.government_programme,
            amount_fen: r.amount_fen,
            non_technical_fen: r.non_technical_fen,
            tech_declared_fen: r.tech_declared_fen,
            tech_verified_fen: r.tech_verified_fen,
            fingerprint: r.fingerprint,
            dup_key: r.dup_key,
            regime: r.regime,
            disputed: r.disputed,
            registration_number: r.registration_number,
            refusal_note: r.refusal_note,
            cancel_reason: r.cancel_reason,
            town: r.town,
            collaboration_id: r.collaboration_id,
            session_id: r.session_id,
            challenge_id: r.challenge_id,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const COLS: &str = "k.contract_id, k.seller_org_id, o.name AS seller_name, k.title, k.subtype, k.declared_subtype, \
    k.field, k.ip_type, k.government_programme, k.amount_fen, k.non_technical_fen, k.tech_declared_fen, \
    k.tech_verified_fen, k.signed_on, k.valid_from, k.valid_to, k.fingerprint, k.dup_key, k.seller_type, \
    k.buyer_type, k.status, k.regime, k.submitted_on, k.accepted_on, k.deadline, k.disputed, \
    k.registration_number, k.registered_on, k.refusal_reason, k.refusal_note, k.cancelled_on, k.cancel_reason, \
    k.town, k.collaboration_id, k.session_id, k.challenge_id, k.created_by, k.created_at, k.updated_at";
const FROM: &str = "contract k JOIN organisation o ON o.organisation_id = k.seller_org_id";

/// Columns of a contract insert, in [`bind_contract!`] order.
const INSERT_COLS: &str = "contract_id, seller_org_id, title, category, subtype, declared_subtype, field, ip_type, \
    government_programme, amount_fen, non_technical_fen, tech_declared_fen, tech_verified_fen, signed_on, valid_from, \
    valid_to, body, fingerprint, dup_key, seller_type, buyer_type, status, regime, submitted_on, accepted_on, deadline, \
    disputed, registration_number, registered_on, refusal_reason, refusal_note, cancelled_on, cancel_reason, town, \
    collaboration_id, session_id, challenge_id, created_by, created_at, updated_at";
const INSERT_N: usize = 40;

macro_rules! bind_contract {
    ($q:expr, $r:expr, $body:expr) => {{
        let r: &ContractRecord = $r;
        $q.bind(r.id.clone())
            .bind(r.seller_org_id.clone())
            .bind(r.title.clone())
            .bind(r.subtype.category().as_str())
            .bind(r.subtype.as_str())
            .bind(r.declared_subtype.as_str())
            .bind(r.field.clone())
            .bind(r.ip_type.clone())
            .bind(r.government_programme)
            .bind(r.amount_fen)
            .bind(r.non_technical_fen)
            .bind(r.tech_declared_fen)
            .bind(r.tech_verified_fen)
            .bind(to_iso(r.signed_on))
            .bind(to_iso(r.valid_from))
            .bind(to_iso(r.valid_to))
            .bind($body)
            .bind(r.fingerprint.clone())
            .bind(r.dup_key.clone())
            .bind(r.seller_type.as_str())
            .bind(r.buyer_type.as_str())
            .bind(r.status.as_str())
            .bind(r.regime.clone())
            .bind(to_iso(r.submitted_on))
            .bind(r.accepted_on.map(to_iso))
            .bind(r.deadline.map(to_iso))
            .bind(r.disputed)
            .bind(r.registration_number.clone())
            .bind(r.registered_on.map(to_iso))
            .bind(r.refusal_reason.map(RefusalReason::as_str))
            .bind(r.refusal_note.clone())
            .bind(r.cancelled_on.map(to_iso))
            .bind(r.cancel_reason.clone())
            .bind(r.town.clone())
            .bind(r.collaboration_id.clone())
            .bind(r.session_id.clone())
            .bind(r.challenge_id.clone())
            .bind(r.created_by.clone())
            .bind(r.created_at)
            .bind(r.updated_at)
    }};
}

impl Db {
    /// Inserts a contract and its parties.
    pub async fn insert_contract(&mut self, n: &NewContract<'_>) -> Result<()> {
        self.insert_contracts(&[(n.record.clone(), n.body.to_string(), n.parties.to_vec())])
            .await
    }

    /// Inserts many contracts with their parties, with multi-row statements (the
    /// demo district and the benchmark).
    pub async fn insert_contracts(
        &mut self,
        rows: &[(ContractRecord, String, Vec<ContractPartyRow>)],
    ) -> Result<()> {
        for chunk in rows.chunks(400) {
            let sql = format!(
                "INSERT INTO contract ({INSERT_COLS}) VALUES {}",
                self.backend().values_tuples(chunk.len(), INSERT_N)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (r, body, _) in chunk {
                    q = bind_contract!(q, r, body.clone());
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
            let parties: Vec<(&str, usize, &ContractPartyRow)> = chunk
                .iter()
                .flat_map(|(r, _, ps)| ps.iter().enumerate().map(|(i, p)| (r.id.as_str(), i, p)))
                .collect();
            self.insert_party_rows(&parties).await?;
            let mut d = Deltas::new();
            for (r, _, _) in chunk {
                add_deltas(&mut d, r, 1);
            }
            self.apply_day_sums(&d).await?;
        }
        Ok(())
    }

    async fn apply_day_sums(&mut self, d: &Deltas) -> Result<()> {
        let rows: Vec<_> = d.town.iter().filter(|(_, v)| **v != (0, 0, 0)).collect();
        for chunk in rows.chunks(800) {
            let sql = format!(
                "INSERT INTO contract_town_day_sum (town, dim, day, key, n, amount_fen, tech_fen) VALUES {} \
                 ON CONFLICT (town, dim, day, key) DO UPDATE SET n = contract_town_day_sum.n + excluded.n, \
                 amount_fen = contract_town_day_sum.amount_fen + excluded.amount_fen, \
                 tech_fen = contract_town_day_sum.tech_fen + excluded.tech_fen",
                self.backend().values_tuples(chunk.len(), 7)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for ((town, dim, day, key), (n, a, t)) in chunk {
                    q = q.bind(town.clone()).bind(*dim).bind(day.clone()).bind(key.clone()).bind(*n).bind(*a).bind(*t);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        let rows: Vec<_> = d
            .district
            .iter()
            .filter(|(_, v)| **v != (0, 0, 0))
            .collect();
        for chunk in rows.chunks(1000) {
            let sql = format!(
                "INSERT INTO contract_day_sum (dim, day, key, n, amount_fen, tech_fen) VALUES {} \
                 ON CONFLICT (dim, day, key) DO UPDATE SET n = contract_day_sum.n + excluded.n, \
                 amount_fen = contract_day_sum.amount_fen + excluded.amount_fen, \
                 tech_fen = contract_day_sum.tech_fen + excluded.tech_fen",
                self.backend().values_tuples(chunk.len(), 6)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for ((dim, day, key), (n, a, t)) in chunk {
                    q = q.bind(*dim).bind(day.clone()).bind(key.clone()).bind(*n).bind(*a).bind(*t);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Moves the day sums from a contract's old values to its current ones.
    async fn resum(&mut self, old: &ContractRecord, id: &str) -> Result<()> {
        let new = self.contract(id).await?.ok_or(StoreError::NotFound)?;
        let mut d = Deltas::new();
        add_deltas(&mut d, old, -1);
        add_deltas(&mut d, &new, 1);
        self.apply_day_sums(&d).await
    }

    async fn insert_party_rows(
        &mut self,
        parties: &[(&str, usize, &ContractPartyRow)],
    ) -> Result<()> {
        for pc in parties.chunks(1000) {
            let sql = format!(
                "INSERT INTO contract_party (contract_id, line, side, name, credit_code, kind, org_id) VALUES {}",
                self.backend().values_tuples(pc.len(), 7)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (id, line, p) in pc {
                    q = q
                        .bind(id.to_string())
                        .bind(i32::try_from(*line).unwrap_or(i32::MAX))
                        .bind(side_str(p.side))
                        .bind(p.name.clone())
                        .bind(p.credit_code.clone())
                        .bind(p.kind.as_str())
                        .bind(p.org_id.clone());
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// One contract.
    pub async fn contract(&mut self, id: &str) -> Result<Option<ContractRecord>> {
        let r: Option<Row> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!("SELECT {COLS} FROM {FROM} WHERE k.contract_id = $1")))
                .bind(id).fetch_optional(&mut *c).await
        })?;
        r.map(ContractRecord::try_from).transpose()
    }

    /// A contract's text.
    pub async fn contract_body(&mut self, id: &str) -> Result<String> {
        let r: Option<(String,)> = with_conn!(self, c => {
            sqlx::query_as("SELECT body FROM contract WHERE contract_id = $1")
                .bind(id).fetch_optional(&mut *c).await
        })?;
        r.map(|x| x.0).ok_or(StoreError::NotFound)
    }

    /// A contract's parties in order.
    pub async fn contract_parties(&mut self, id: &str) -> Result<Vec<ContractPartyRow>> {
        let rows: Vec<PartyTuple> = with_conn!(self, c => {
            sqlx::query_as("SELECT side, name, credit_code, kind, org_id FROM contract_party WHERE contract_id = $1 ORDER BY line")
                .bind(id).fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(|(s, name, credit_code, kind, org_id)| {
                Ok(ContractPartyRow {
                    side: side(&s)?,
                    name,
                    credit_code,
                    kind: party_type(&kind)?,
                    org_id,
                })
            })
            .collect()
    }

    /// Whether an organisation is a party (by org id) of a contract.
    pub async fn is_contract_party(&mut self, id: &str, org_id: &str) -> Result<bool> {
        let n: (i64,) = with_conn!(self, c => {
            sqlx::query_as("SELECT COUNT(*) FROM contract_party WHERE contract_id = $1 AND org_id = $2")
                .bind(id).bind(org_id).fetch_one(&mut *c).await
        })?;
        Ok(n.0 > 0)
    }

    /// A contract's workflow history in order.
    pub async fn contract_steps(&mut self, id: &str) -> Result<Vec<ContractStepRow>> {
        let rows: Vec<StepTuple> = with_conn!(self, c => {
            sqlx::query_as("SELECT line, step, status_after, actor, on_date, note, at FROM contract_step WHERE contract_id = $1 ORDER BY line")
                .bind(id).fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(|(line, step, status_after, actor, on, note, at)| {
                Ok(ContractStepRow {
                    line,
                    step,
                    status_after,
                    actor,
                    on_date: parse_date(&on)?,
                    note,
                    at,
                })
            })
            .collect()
    }

    /// A contract's 变更登记 rows in order.
    pub async fn contract_changes(&mut self, id: &str) -> Result<Vec<ContractChangeRow>> {
        let rows: Vec<ChangeTuple> = with_conn!(self, c => {
            sqlx::query_as("SELECT line, field, old_value, new_value, reason, actor, on_date FROM contract_change WHERE contract_id = $1 ORDER BY line")
                .bind(id).fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(|(line, field, old_value, new_value, reason, actor, on)| {
                Ok(ContractChangeRow {
                    line,
                    field,
                    old_value,
                    new_value,
                    reason,
                    actor,
                    on_date: parse_date(&on)?,
                })
            })
            .collect()
    }

    /// Appends a workflow step.
    #[expect(clippy::too_many_arguments, reason = "one row of the history")]
    pub async fn insert_contract_step(
        &mut self,
        id: &str,
        step: &str,
        status_after: Status,
        actor: &str,
        on: NaiveDate,
        note: Option<&str>,
        at: i64,
        event_seq: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO contract_step (contract_id, line, step, status_after, actor, on_date, note, at, event_seq) \
                 VALUES ($1, (SELECT COALESCE(MAX(line), 0) + 1 FROM contract_step WHERE contract_id = $1), $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id).bind(step).bind(status_after.as_str()).bind(actor).bind(to_iso(on)).bind(note).bind(at).bind(event_seq)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Writes many history rows at once (the demo district): `(contract id,
    /// line, step, status after, actor, day, note, at)`, event sequence 0.
    pub async fn insert_contract_steps(&mut self, rows: &[ContractStepInsert]) -> Result<()> {
        for chunk in rows.chunks(1000) {
            let sql = format!(
                "INSERT INTO contract_step (contract_id, line, step, status_after, actor, on_date, note, at, event_seq) VALUES {}",
                self.backend().values_tuples(chunk.len(), 9)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for r in chunk {
                    q = q.bind(r.contract_id.clone()).bind(r.line).bind(r.step).bind(r.status_after.as_str())
                        .bind(r.actor.clone()).bind(to_iso(r.on)).bind(r.note.clone()).bind(r.at).bind(0_i64);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Appends the changed values of a 变更登记.
    pub async fn insert_contract_changes(
        &mut self,
        id: &str,
        changes: &[(String, Option<String>, Option<String>)],
        reason: &str,
        actor: &str,
        on: NaiveDate,
        at: i64,
    ) -> Result<()> {
        for (field, old, new) in changes {
            with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO contract_change (contract_id, line, field, old_value, new_value, reason, actor, on_date, at) \
                     VALUES ($1, (SELECT COALESCE(MAX(line), 0) + 1 FROM contract_change WHERE contract_id = $1), $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id).bind(field).bind(old).bind(new).bind(reason).bind(actor).bind(to_iso(on)).bind(at)
                .execute(&mut *c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// The live contract (not withdrawn or refused) with this fingerprint:
    /// `(id, title, status, number)`.
    pub async fn contract_by_fingerprint(
        &mut self,
        fingerprint: &str,
        except: Option<&str>,
    ) -> Result<Option<(String, String, String, Option<String>)>> {
        let r = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT contract_id, title, status, registration_number FROM contract \
                 WHERE fingerprint = $1 AND status <> 'withdrawn' AND status <> 'refused' \
                 AND ($2 IS NULL OR contract_id <> $2) LIMIT 1",
            )
            .bind(fingerprint).bind(except).fetch_optional(&mut *c).await
        })?;
        Ok(r)
    }

    /// Other live contracts with the same parties and amount: `(id, title, status)`.
    pub async fn contracts_by_dup_key(
        &mut self,
        dup_key: &str,
        except: &str,
    ) -> Result<Vec<(String, String, String)>> {
        let r = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT contract_id, title, status FROM contract \
                 WHERE dup_key = $1 AND contract_id <> $2 AND status <> 'withdrawn' AND status <> 'refused' \
                 ORDER BY created_at LIMIT 10",
            )
            .bind(dup_key).bind(except).fetch_all(&mut *c).await
        })?;
        Ok(r)
    }

    /// Writes a workflow state, only when the contract is still in `from`.
    /// Returns false when another writer moved it first.
    pub async fn set_contract_state(
        &mut self,
        id: &str,
        from: Status,
        s: &ContractState<'_>,
    ) -> Result<bool> {
        let Some(old) = self.contract(id).await? else {
            return Ok(false);
        };
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE contract SET status = $3, subtype = $4, category = $5, tech_verified_fen = $6, regime = $7, \
                 submitted_on = $8, accepted_on = $9, deadline = $10, disputed = $11, registration_number = $12, \
                 registered_on = $13, refusal_reason = $14, refusal_note = $15, cancelled_on = $16, cancel_reason = $17, \
                 updated_at = $18 WHERE contract_id = $1 AND status = $2",
            )
            .bind(id).bind(from.as_str()).bind(s.status.as_str()).bind(s.subtype.as_str())
            .bind(s.subtype.category().as_str()).bind(s.tech_verified_fen).bind(s.regime)
            .bind(to_iso(s.submitted_on)).bind(s.accepted_on.map(to_iso)).bind(s.deadline.map(to_iso))
            .bind(s.disputed).bind(s.registration_number).bind(s.registered_on.map(to_iso))
            .bind(s.refusal_reason.map(RefusalReason::as_str)).bind(s.refusal_note)
            .bind(s.cancelled_on.map(to_iso)).bind(s.cancel_reason).bind(s.at)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        if n != 1 {
            return Ok(false);
        }
        self.resum(&old, id).await?;
        Ok(true)
    }

    /// Rewrites a contract's terms and parties (a resubmission or a 变更登记),
    /// only when it is still in `from`.
    pub async fn set_contract_terms(
        &mut self,
        id: &str,
        from: Status,
        t: &ContractTerms<'_>,
    ) -> Result<bool> {
        let Some(old) = self.contract(id).await? else {
            return Ok(false);
        };
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE contract SET title = $3, declared_subtype = $4, subtype = $5, category = $6, field = $7, ip_type = $8, \
                 government_programme = $9, amount_fen = $10, non_technical_fen = $11, tech_declared_fen = $12, \
                 tech_verified_fen = $13, signed_on = $14, valid_from = $15, valid_to = $16, body = $17, fingerprint = $18, \
                 dup_key = $19, seller_type = $20, buyer_type = $21, updated_at = $22 WHERE contract_id = $1 AND status = $2",
            )
            .bind(id).bind(from.as_str()).bind(t.title).bind(t.declared_subtype.as_str()).bind(t.subtype.as_str())
            .bind(t.subtype.category().as_str()).bind(t.field).bind(t.ip_type).bind(t.government_programme)
            .bind(t.amount_fen).bind(t.non_technical_fen).bind(t.tech_declared_fen).bind(t.tech_verified_fen)
            .bind(to_iso(t.signed_on)).bind(to_iso(t.valid_from)).bind(to_iso(t.valid_to)).bind(t.body)
            .bind(t.fingerprint).bind(t.dup_key).bind(t.seller_type.as_str()).bind(t.buyer_type.as_str()).bind(t.at)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        if n != 1 {
            return Ok(false);
        }
        with_conn!(self, c => {
            sqlx::query("DELETE FROM contract_party WHERE contract_id = $1").bind(id).execute(&mut *c).await.map(|_| ())
        })?;
        let parties: Vec<(&str, usize, &ContractPartyRow)> = t
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| (id, i, p))
            .collect();
        self.insert_party_rows(&parties).await?;
        self.resum(&old, id).await?;
        Ok(true)
    }

    /// Links a contract to the matchmaking collaboration or session signing (or
    /// the challenge) that led to it.
    pub async fn set_contract_links(
        &mut self,
        id: &str,
        collaboration_id: Option<&str>,
        session_id: Option<&str>,
        challenge_id: Option<&str>,
        at: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "UPDATE contract SET collaboration_id = $2, session_id = $3, challenge_id = $4, updated_at = $5 WHERE contract_id = $1",
            )
            .bind(id).bind(collaboration_id).bind(session_id).bind(challenge_id).bind(at)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Takes the next registration sequence number of a year (1, 2, …). The
    /// year's row is locked until the transaction ends, so numbers are distinct
    /// and, with no rollback in between, consecutive.
    pub async fn next_contract_seq(&mut self, year: i32) -> Result<i64> {
        let r: (i64,) = with_conn!(self, c => {
            sqlx::query_as(
                "INSERT INTO contract_sequence (year, last_seq) VALUES ($1, 1) \
                 ON CONFLICT (year) DO UPDATE SET last_seq = contract_sequence.last_seq + 1 RETURNING last_seq",
            )
            .bind(year).fetch_one(&mut *c).await
        })?;
        Ok(r.0)
    }

    /// Sets a year's sequence to at least `seq` (after a bulk load).
    pub async fn bump_contract_seq(&mut self, year: i32, seq: i64) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO contract_sequence (year, last_seq) VALUES ($1, $2) \
                 ON CONFLICT (year) DO UPDATE SET last_seq = CASE WHEN contract_sequence.last_seq > $2 \
                 THEN contract_sequence.last_seq ELSE $2 END",
            )
            .bind(year).bind(seq).execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Contracts matching a filter, newest first, and how many match.
    pub async fn contracts(&mut self, f: &ContractFilter) -> Result<(i64, Vec<ContractRecord>)> {
        let mut cond = String::from("1 = 1");
        let mut binds: Vec<String> = Vec::new();
        let arg = |v: String, binds: &mut Vec<String>| {
            binds.push(v);
            format!("${}", binds.len())
        };
        if let Some(org) = &f.visible_to_org {
            let a = arg(org.clone(), &mut binds);
            cond.push_str(&format!(
                " AND (k.seller_org_id = {a} OR EXISTS (SELECT 1 FROM contract_party p WHERE p.contract_id = k.contract_id AND p.org_id = {a}))"
            ));
        }
        if let Some(towns) = &f.towns {
            if towns.is_empty() {
                cond.push_str(" AND 1 = 0");
            } else {
                let list: Vec<String> = towns.iter().map(|t| arg(t.clone(), &mut binds)).collect();
                cond.push_str(&format!(" AND k.town IN ({})", list.join(", ")));
            }
        }
        if !f.statuses.is_empty() {
            let list: Vec<String> = f
                .statuses
                .iter()
                .map(|s| arg(s.as_str().to_string(), &mut binds))
                .collect();
            cond.push_str(&format!(" AND k.status IN ({})", list.join(", ")));
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let a = arg(format!("%{}%", q.trim()), &mut binds);
            cond.push_str(&format!(
                " AND (k.title LIKE {a} OR k.registration_number LIKE {a} \
                 OR k.contract_id IN (SELECT contract_id FROM contract_file WHERE extracted_text LIKE {a}))"
            ));
        }
        if let Some(d) = f.registered_from {
            let a = arg(to_iso(d), &mut binds);
            cond.push_str(&format!(" AND k.registered_on >= {a}"));
        }
        if let Some(d) = f.registered_to {
            let a = arg(to_iso(d), &mut binds);
            cond.push_str(&format!(" AND k.registered_on <= {a}"));
        }
        let n = binds.len();
        let count_sql = format!("SELECT COUNT(*) FROM contract k WHERE {cond}");
        let list_sql = format!(
            "SELECT {COLS} FROM {FROM} WHERE {cond} ORDER BY k.created_at DESC, k.contract_id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let total: (i64,) = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(count_sql.clone()));
            for b in &binds {
                q = q.bind(b.clone());
            }
            q.fetch_one(&mut *c).await
        })?;
        let rows: Vec<Row> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(list_sql.clone()));
            for b in &binds {
                q = q.bind(b.clone());
            }
            q.bind(f.limit).bind(f.offset).fetch_all(&mut *c).await
        })?;
        let items = rows
            .into_iter()
            .map(ContractRecord::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok((total.0, items))
    }

    /// Registered contracts by registration date within `[from, to]`, grouped by
    /// one dimension (only the given towns when `towns` is set), largest amount
    /// first (months in order).
    pub async fn contract_sums(
        &mut self,
        dim: ContractDim,
        from: NaiveDate,
        to: NaiveDate,
        towns: Option<&[String]>,
    ) -> Result<Vec<ContractSum>> {
        let Some(towns) = towns else {
            return self.contract_day_sums(dim, from, to).await;
        };
        if towns.is_empty() {
            return Ok(Vec::new());
        }
        // The per-town day sums of the scoped towns: the town dimension reads
        // the category rows grouped by town.
        let (key, dim_value, order) = match dim {
            ContractDim::Month => ("substr(day, 1, 7)", "category", "1"),
            ContractDim::Town => ("town", "category", "3 DESC, 1"),
            _ => ("key", dim.rollup(), "3 DESC, 1"),
        };
        let list = (0..towns.len())
            .map(|i| format!("${}", i + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {key} AS k, CAST(SUM(n) AS BIGINT), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(tech_fen) AS BIGINT) \
             FROM contract_town_day_sum WHERE dim = $1 AND day >= $2 AND day <= $3 AND town IN ({list}) \
             GROUP BY {key} HAVING SUM(n) <> 0 ORDER BY {order}"
        );
        let rows: Vec<(String, i64, i64, i64)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(dim_value)
                .bind(to_iso(from))
                .bind(to_iso(to));
            for t in towns {
                q = q.bind(t.clone());
            }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(key, count, amount_fen, tech_fen)| ContractSum {
                key,
                count,
                amount_fen,
                tech_fen,
            })
            .collect())
    }

    /// [`Db::contract_sums`] of the whole district, from the day sums.
    async fn contract_day_sums(
        &mut self,
        dim: ContractDim,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ContractSum>> {
        let (key, order) = if dim == ContractDim::Month {
            ("substr(day, 1, 7)", "1")
        } else {
            ("key", "3 DESC, 1")
        };
        let sql = format!(
            "SELECT {key} AS k, CAST(SUM(n) AS BIGINT), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(tech_fen) AS BIGINT) \
             FROM contract_day_sum WHERE dim = $1 AND day >= $2 AND day <= $3 GROUP BY {key} \
             HAVING SUM(n) <> 0 ORDER BY {order}"
        );
        let rows: Vec<(String, i64, i64, i64)> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql.clone())).bind(dim.rollup()).bind(to_iso(from)).bind(to_iso(to))
                .fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(key, count, amount_fen, tech_fen)| ContractSum {
                key,
                count,
                amount_fen,
                tech_fen,
            })
            .collect())
    }

    /// Stores (or replaces) a contract's uploaded text file; `text`: the text
    /// extracted from it, for search.
    pub async fn put_contract_file(
        &mut self,
        m: &ContractFileMeta,
        text: Option<&str>,
        content: &[u8],
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("DELETE FROM contract_file WHERE contract_id = $1")
                .bind(&m.contract_id)
                .execute(&mut *c)
                .await?;
            sqlx::query(
                "INSERT INTO contract_file (contract_id, file_name, media_type, size_bytes, sha256, extracted_text, content, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&m.contract_id)
            .bind(&m.file_name)
            .bind(&m.media_type)
            .bind(m.size_bytes)
            .bind(&m.sha256)
            .bind(text)
            .bind(content)
            .bind(&m.uploaded_by)
            .bind(m.created_at)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// A contract's uploaded file (without bytes).
    pub async fn contract_file(&mut self, contract_id: &str) -> Result<Option<ContractFileMeta>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT contract_id, file_name, media_type, size_bytes, sha256, uploaded_by, created_at \
                 FROM contract_file WHERE contract_id = $1",
            )
            .bind(contract_id)
            .fetch_optional(&mut *c)
            .await
        })?)
    }

    /// A contract's uploaded file with its bytes.
    pub async fn contract_file_content(
        &mut self,
        contract_id: &str,
    ) -> Result<Option<(ContractFileMeta, Vec<u8>)>> {
        let Some(m) = self.contract_file(contract_id).await? else {
            return Ok(None);
        };
        let bytes: Vec<u8> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT content FROM contract_file WHERE contract_id = $1")
                .bind(contract_id)
                .fetch_one(&mut *c)
                .await
        })?;
        Ok(Some((m, bytes)))
    }

    /// Contracts in the registrar's queue (submitted or accepted), oldest first.
    pub async fn contract_queue(
        &mut self,
        towns: Option<&[String]>,
        limit: i64,
    ) -> Result<Vec<ContractRecord>> {
        let f = ContractFilter {
            towns: towns.map(<[String]>::to_vec),
            statuses: vec![Status::Submitted, Status::Accepted],
            limit,
            ..Default::default()
        };
        let (_, mut items) = self.contracts(&f).await?;
        items.sort_by(|a, b| {
            a.deadline
                .unwrap_or(NaiveDate::MAX)
                .cmp(&b.deadline.unwrap_or(NaiveDate::MAX))
                .then(a.created_at.cmp(&b.created_at))
        });
        Ok(items)
    }
}
