//! The demo district's subsidies: the "十二条措施" measures from 2022 (opened in
//! April, when the measures began) to the horizon, their budgets appropriated
//! through the ledger, and the applications and 免申即享 offers of 2022 and 2023
//! that the report counts — every one from an enterprise the rules find eligible
//! on its own records, assessed by `kechuang_core::subsidy::assess` — with real
//! ledger payments. Up to the snapshot they add up to the newspaper's figures
//! (`targets::SUBSIDY_APPLICATIONS`, `targets::SUBSIDY_PAID_FEN`): the count is
//! met by the number of declared-base applications drawn, the sum by paying in
//! date order while it fits and, last, three equipment applications of October
//! 2023 whose invoices make up the remainder exactly. Approvals past a measure's
//! budget are refused, as the engine refuses them. A few 2026 applications sit
//! in every stage of the review so the queue and the 公示 list are not empty.
//!
//! Drawn from a stream of its own, after everything else, so it changes nothing
//! before it.

use super::rng::Rng;
use super::targets::{self, ymd};
use crate::ops::ledger::{event_payload, fingerprint};
use crate::ops::subsidy::{basis_of, period_of};
use crate::{AppError, AppResult};
use chrono::NaiveDate;
use kechuang_core::ids::OrgId;
use kechuang_core::ledger::{Account, AccountKind, Transaction, TxKind};
use kechuang_core::money::FEN_PER_WAN;
use kechuang_core::org::Organisation;
use kechuang_core::qualification::Qualification;
use kechuang_core::subsidy::{self as rules, BaseKind, Measure, Records, demo_measures};
use kechuang_core::subsidy_flow::{Calendar, Stage};
use kechuang_store::{ApplicationRecord, Db, FilingVersion, HistoryEntry, NewEvent, NewLedgerTx};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// Years with measures.
const YEARS: std::ops::RangeInclusive<i32> = 2022..=targets::HORIZON_YEAR;
/// Equipment applications whose invoices make up the paid sum exactly.
const FILLERS: usize = 3;
const MIN_FILLER_FEN: i64 = 5 * FEN_PER_WAN;
const MAX_FILLER_FEN: i64 = 50 * FEN_PER_WAN;
/// The actor the demo's steps are recorded under.
const REVIEWER: &str = "user:reviewer";
const ADMIN: &str = "user:admin";

/// The demo's measures of a year: the core defaults; 2022's window opens in
/// April. The R&D investment subsidy (免申即享) goes to firms with at least 300万元
/// of R&D in the base year.
fn measures(year: i32) -> Vec<Measure> {
    let mut ms = demo_measures(year);
    for m in &mut ms {
        if year == 2022 {
            m.opens = ymd(2022, 4, 1);
        }
        if m.id == "RD-INVEST" {
            m.eligibility.push(rules::Predicate::BaseAtLeast {
                base: BaseKind::RdExpense,
                min_fen: 300 * FEN_PER_WAN,
            });
        }
    }
    ms
}

fn us_of(d: NaiveDate) -> i64 {
    d.and_hms_opt(10, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_micros() - 8 * 3_600_000_000)
}

/// One planned application with its timeline.
struct Planned {
    rec: ApplicationRecord,
    /// The day it would be paid if approved.
    pay_on: NaiveDate,
    /// The day of 联审 (where a refusal for budget is recorded).
    joint_on: NaiveDate,
    approve_on: NaiveDate,
    publicity: (NaiveDate, NaiveDate),
    accept_on: NaiveDate,
    first_on: NaiveDate,
}

fn entry(
    step: &str,
    stage: Stage,
    actor: &str,
    on: NaiveDate,
    comment: Option<String>,
) -> HistoryEntry {
    HistoryEntry {
        step: step.into(),
        stage,
        actor: actor.into(),
        on,
        at_us: us_of(on),
        comment,
    }
}

fn working_day_on_or_after(cal: &Calendar, d: NaiveDate) -> NaiveDate {
    cal.add_working_days(d, 1)
}

/// The timeline of an application submitted (or an offer accepted) on `on`.
fn timeline(
    rng: &mut Rng,
    cal: &Calendar,
    on: NaiveDate,
) -> (
    NaiveDate,
    NaiveDate,
    NaiveDate,
    (NaiveDate, NaiveDate),
    NaiveDate,
    NaiveDate,
) {
    let add = |d: NaiveDate, n: i64| d + chrono::TimeDelta::days(n);
    let accept = working_day_on_or_after(cal, add(on, rng.between(1, 4)));
    let first = working_day_on_or_after(cal, add(accept, rng.between(3, 12)));
    let joint = working_day_on_or_after(cal, add(first, rng.between(7, 20)));
    let from = working_day_on_or_after(cal, add(joint, rng.between(1, 5)));
    let until = cal.add_working_days(from, 5);
    let approve = working_day_on_or_after(cal, add(until, rng.between(1, 6)));
    let pay = working_day_on_or_after(cal, add(approve, rng.between(5, 20)));
    (accept, first, joint, (from, until), approve, pay)
}

struct Ctx<'a> {
    records: &'a HashMap<i32, HashMap<OrgId, Records>>,
    measures: &'a BTreeMap<(i32, String), Measure>,
    cal: Calendar,
}

impl Ctx<'_> {
    /// A planned application if the firm is eligible on `on` with `declared`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one place builds every planned row"
    )]
    fn plan(
        &self,
        rng: &mut Rng,
        org: &OrgId,
        year: i32,
        code: &str,
        source: &str,
        on: NaiveDate,
        declared: BTreeMap<BaseKind, i64>,
    ) -> Option<Planned> {
        let m = self.measures.get(&(year, code.to_string()))?;
        let r = self.records.get(&year)?.get(org)?;
        let period = period_of(year);
        let f = rules::facts(code, year, period, on, r, &declared, None);
        let a = rules::assess(m, &f);
        if !a.eligible {
            return None;
        }
        let (accept_on, first_on, joint_on, publicity, approve_on, pay_on) =
            timeline(rng, &self.cal, on);
        Some(Planned {
            rec: ApplicationRecord {
                id: kechuang_store::new_id(),
                measure_year: year,
                measure_code: code.into(),
                org_id: org.clone(),
                org_name: String::new(),
                period,
                source: source.into(),
                stage: Stage::Submitted,
                declared,
                amount_applied_fen: a.amount_fen,
                assessment: a,
                amount_approved_fen: None,
                history: Vec::new(),
                objections: Vec::new(),
                rejection: None,
                publicity: None,
                submitted_on: Some(on),
                approved_on: None,
                paid_on: None,
                ledger_tx_id: None,
                created_at: us_of(on),
                updated_at: us_of(on),
            },
            pay_on,
            joint_on,
            approve_on,
            publicity,
            accept_on,
            first_on,
        })
    }
}

/// What the subsidy part of the demo wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Written {
    /// Applications and offers.
    pub applications: usize,
    /// Payments.
    pub payments: usize,
}

/// How one planned application ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    Paid,
    RefusedReview,
    RefusedBudget,
}

fn declared_for(rng: &mut Rng, code: &str) -> Option<(BaseKind, i64)> {
    let wan = |w: f64| (w * FEN_PER_WAN as f64).round() as i64 / 100 * 100;
    Some(match code {
        "RESEARCH-PROJECT" => (
            BaseKind::ProjectFunding,
            wan(rng.log_normal(60.0, 0.6).max(12.0)),
        ),
        "RD-EQUIPMENT" => (
            BaseKind::EquipmentInvoice,
            wan(rng.log_normal(110.0, 0.5).max(52.0)),
        ),
        "LOAN-INTEREST" => (
            BaseKind::InterestPaid,
            wan(rng.log_normal(9.0, 0.5).max(1.0)),
        ),
        "LOAN-SERVICE-FEE" => (BaseKind::ServiceFee, wan(rng.log_normal(3.0, 0.5).max(0.5))),
        _ => return None,
    })
}

const DECLARED: [&str; 4] = [
    "RESEARCH-PROJECT",
    "RD-EQUIPMENT",
    "LOAN-INTEREST",
    "LOAN-SERVICE-FEE",
];

/// Plans every application of 2022 and 2023 (up to the snapshot), with its end.
fn plan_counted(seed: u64, ctx: &Ctx<'_>, firms: &[OrgId]) -> AppResult<Vec<(Planned, End)>> {
    let mut rng = Rng::stream(seed, "subsidies");
    let mut planned: Vec<Planned> = Vec::new();
    // 免申即享 offers of the year's scan, most accepted within weeks.
    let mut offers = 0usize;
    for year in [2022, 2023] {
        let scan_on = if year == 2022 {
            ymd(2022, 4, 15)
        } else {
            ymd(2023, 3, 1)
        };
        for code in ["RD-INVEST", "HTE-CULTIVATION"] {
            for org in firms {
                let accept = scan_on + chrono::TimeDelta::days(rng.between(2, 40));
                if let Some(mut p) =
                    ctx.plan(&mut rng, org, year, code, "offer", accept, BTreeMap::new())
                {
                    p.rec.created_at = us_of(scan_on);
                    p.rec.history.push(entry(
                        "offer",
                        Stage::Offered,
                        "demo",
                        scan_on,
                        Some("免申即享：依据已审核的填报数据和资质自动匹配".into()),
                    ));
                    planned.push(p);
                    offers += 1;
                }
            }
        }
    }
    // Declared-base applications fill the count up to the target.
    let wanted = targets::SUBSIDY_APPLICATIONS - FILLERS;
    if offers >= wanted {
        return Err(AppError::Internal(anyhow::anyhow!(
            "demo subsidies: {offers} offers leave no room"
        )));
    }
    let mut taken: HashMap<(i32, OrgId), Vec<&str>> = HashMap::new();
    let mut tries = 0;
    while planned.len() < wanted {
        tries += 1;
        if tries > 200_000 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "demo subsidies: too few eligible firms"
            )));
        }
        let year = if rng.chance(0.4) { 2022 } else { 2023 };
        let code = *rng.pick(&DECLARED);
        let org = rng.pick(firms);
        let t = taken.entry((year, org.clone())).or_default();
        let clash = t.contains(&code)
            || (code.starts_with("LOAN-") && t.iter().any(|c| c.starts_with("LOAN-")));
        if clash {
            continue;
        }
        let on = if year == 2022 {
            rng.date_between(ymd(2022, 4, 6), ymd(2022, 11, 30))
        } else {
            rng.date_between(ymd(2023, 1, 9), ymd(2023, 9, 20))
        };
        let Some((base, fen)) = declared_for(&mut rng, code) else {
            continue;
        };
        let declared = BTreeMap::from([(base, fen)]);
        if let Some(mut p) = ctx.plan(&mut rng, org, year, code, "application", on, declared) {
            p.rec
                .history
                .push(entry("submit", Stage::Submitted, "demo", on, None));
            t.push(code);
            planned.push(p);
        }
    }
    // In the order they would be paid: review refusals at random, then the
    // budget, then the paid sum up to the snapshot.
    planned.sort_by_key(|p| (p.pay_on, p.rec.created_at));
    let mut committed: HashMap<(i32, String), i64> = HashMap::new();
    let mut paid_in_range = 0i64;
    let room = targets::SUBSIDY_PAID_FEN - FILLERS as i64 * MIN_FILLER_FEN;
    let mut out = Vec::with_capacity(planned.len() + FILLERS);
    for mut p in planned {
        let amount = p.rec.amount_applied_fen;
        let key = (p.rec.measure_year, p.rec.measure_code.clone());
        let budget = ctx.measures.get(&key).map_or(0, |m| m.annual_budget_fen)
            - if key == (2023, "RD-EQUIPMENT".to_string()) {
                FILLERS as i64 * MAX_FILLER_FEN
            } else {
                0
            };
        let used = committed.get(&key).copied().unwrap_or(0);
        let end = if rng.chance(0.05) {
            End::RefusedReview
        } else if used + amount > budget {
            End::RefusedBudget
        } else if p.pay_on <= targets::SNAPSHOT && paid_in_range + amount > room {
            if p.rec.measure_year == 2022 {
                End::RefusedBudget
            } else {
                // Paid after the snapshot (the year's last payment batch).
                p.pay_on = ymd(2023, 11, 1) + chrono::TimeDelta::days(rng.between(0, 40));
                p.approve_on = p.approve_on.min(p.pay_on);
                End::Paid
            }
        } else {
            End::Paid
        };
        if end == End::Paid {
            *committed.entry(key).or_default() += amount;
            if p.pay_on <= targets::SNAPSHOT {
                paid_in_range += amount;
            }
        }
        out.push((p, end));
    }
    // The remainder, in three equipment applications paid in October 2023.
    let mut rest = targets::SUBSIDY_PAID_FEN - paid_in_range;
    if !(FILLERS as i64 * MIN_FILLER_FEN..=FILLERS as i64 * MAX_FILLER_FEN).contains(&rest) {
        return Err(AppError::Internal(anyhow::anyhow!(
            "demo subsidies: remainder {rest} fen out of reach"
        )));
    }
    let mut made = 0;
    let mut tries = 0;
    while made < FILLERS {
        tries += 1;
        if tries > 100_000 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "demo subsidies: no filler firm"
            )));
        }
        let org = rng.pick(firms);
        let t = taken.entry((2023, org.clone())).or_default();
        if t.contains(&"RD-EQUIPMENT") {
            continue;
        }
        let left = (FILLERS - made) as i64;
        let amount = if left == 1 { rest } else { rest / left };
        let on = rng.date_between(ymd(2023, 7, 3), ymd(2023, 8, 10));
        let declared = BTreeMap::from([(BaseKind::EquipmentInvoice, amount * 10)]);
        let Some(mut p) = ctx.plan(
            &mut rng,
            org,
            2023,
            "RD-EQUIPMENT",
            "application",
            on,
            declared,
        ) else {
            continue;
        };
        if p.rec.amount_applied_fen != amount {
            return Err(AppError::Internal(anyhow::anyhow!(
                "demo subsidies: filler assessed {}",
                p.rec.amount_applied_fen
            )));
        }
        t.push("RD-EQUIPMENT");
        p.rec
            .history
            .push(entry("submit", Stage::Submitted, "demo", on, None));
        p.pay_on = ymd(2023, 10, 16) + chrono::TimeDelta::days(made as i64 * 3);
        p.approve_on = ymd(2023, 10, 9);
        p.publicity = (ymd(2023, 9, 18), ymd(2023, 9, 22));
        rest -= amount;
        made += 1;
        out.push((p, End::Paid));
    }
    Ok(out)
}

/// Finishes a planned application's flow for its end.
fn finish(p: &mut Planned, end: End, rng: &mut Rng) {
    let r = &mut p.rec;
    let offer = r.source == "offer";
    if offer {
        r.history.push(entry(
            "accept_offer",
            Stage::FirstReviewed,
            "demo",
            p.accept_on,
            None,
        ));
    } else {
        r.history.push(entry(
            "accept",
            Stage::Accepted,
            REVIEWER,
            p.accept_on,
            None,
        ));
        if end == End::RefusedReview && rng.chance(0.5) {
            let reason = "初审：佐证材料与申报金额不一致";
            r.history.push(entry(
                "reject",
                Stage::Rejected,
                REVIEWER,
                p.first_on,
                Some(reason.into()),
            ));
            r.stage = Stage::Rejected;
            r.rejection = Some(reason.into());
            r.updated_at = us_of(p.first_on);
            return;
        }
        r.history.push(entry(
            "pass_first_review",
            Stage::FirstReviewed,
            REVIEWER,
            p.first_on,
            None,
        ));
    }
    let refusal = match end {
        End::RefusedReview => Some("联审：经核查不符合申报条件"),
        End::RefusedBudget => Some("联审：本年度该项措施预算额度已用完，未予安排"),
        End::Paid => None,
    };
    if let Some(reason) = refusal {
        r.history.push(entry(
            "reject",
            Stage::Rejected,
            REVIEWER,
            p.joint_on,
            Some(reason.into()),
        ));
        r.stage = Stage::Rejected;
        r.rejection = Some(reason.into());
        r.updated_at = us_of(p.joint_on);
        return;
    }
    r.history.push(entry(
        "pass_joint_review",
        Stage::JointReviewed,
        REVIEWER,
        p.joint_on,
        None,
    ));
    r.history.push(entry(
        "publicize",
        Stage::Publicized,
        ADMIN,
        p.publicity.0,
        None,
    ));
    r.publicity = Some(p.publicity);
    r.history
        .push(entry("approve", Stage::Approved, ADMIN, p.approve_on, None));
    r.amount_approved_fen = Some(r.amount_applied_fen);
    r.approved_on = Some(p.approve_on);
    r.history
        .push(entry("pay", Stage::Paid, ADMIN, p.pay_on, None));
    r.paid_on = Some(p.pay_on);
    r.stage = Stage::Paid;
    r.updated_at = us_of(p.pay_on);
}

/// The records of every enterprise as the rules read them, from the plan.
fn records(
    orgs: &[(OrgId, Organisation)],
    quals: &[(OrgId, Qualification)],
) -> HashMap<OrgId, Records> {
    let mut out: HashMap<OrgId, Records> = orgs
        .iter()
        .filter(|(_, o)| o.kind == kechuang_core::org::OrgKind::Enterprise)
        .map(|(id, o)| {
            (
                id.clone(),
                Records {
                    in_district: o.town.is_some(),
                    ..Records::default()
                },
            )
        })
        .collect();
    for (id, q) in quals {
        if let Some(r) = out.get_mut(id) {
            r.qualifications.push(q.clone());
        }
    }
    out
}

fn rd_by_year(filings: &[FilingVersion]) -> HashMap<(OrgId, i32), i64> {
    filings
        .iter()
        .filter(|f| f.is_current && f.period.is_annual())
        .filter_map(|f| {
            f.values
                .get("rd_expense")
                .map(|v| ((f.org_id.clone(), f.period.year_number()), v))
        })
        .collect()
}

/// Plans and writes the measures, budgets, applications, offers and payments.
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
    quals: &[(OrgId, Qualification)],
    filings: &[FilingVersion],
    now: i64,
) -> AppResult<(Written, Vec<NewEvent>)> {
    let all: BTreeMap<(i32, String), Measure> = YEARS
        .flat_map(|y| measures(y).into_iter().map(move |m| ((y, m.id.clone()), m)))
        .collect();
    let base = records(orgs, quals);
    let rd = rd_by_year(filings);
    let firms: Vec<OrgId> = orgs
        .iter()
        .filter(|(id, _)| base.contains_key(id))
        .map(|(id, _)| id.clone())
        .collect();
    let mut events = Vec::new();
    let mut written = Written::default();
    let mut rng = Rng::stream(seed, "subsidies-flow");
    // Records per measure year (the base period's R&D).
    let mut by_year: HashMap<i32, HashMap<OrgId, Records>> = HashMap::new();
    for year in YEARS {
        let period = period_of(year);
        let mut rs = base.clone();
        for (id, r) in &mut rs {
            r.rd_expense = rd.get(&(id.clone(), period)).copied();
            r.rd_expense_prev = rd.get(&(id.clone(), period - 1)).copied();
        }
        by_year.insert(year, rs);
    }
    let ctx = Ctx {
        records: &by_year,
        measures: &all,
        cal: Calendar::default(),
    };
    let mut apps = plan_counted(seed, &ctx, &firms)?;
    for (p, end) in &mut apps {
        finish(p, *end, &mut rng);
    }
    let mut rows: Vec<ApplicationRecord> = apps.into_iter().map(|(p, _)| p.rec).collect();
    rows.extend(plan_live(&ctx, &firms, &mut rng));
    let names: HashMap<&OrgId, &str> = orgs.iter().map(|(id, o)| (id, o.name.as_str())).collect();

    // Measures and their budgets, appropriated through the ledger.
    let treasury = Account::new(AccountKind::Treasury, "district")?;
    tx.ensure_ledger_account(&treasury, "区级财政", None, now)
        .await?;
    for ((year, code), m) in &all {
        let at = us_of(m.opens);
        tx.insert_measure(*year, m, at).await?;
        let line = Account::budget(*year, code)?;
        tx.ensure_ledger_account(&line, &format!("{year}年{}", m.name), None, at)
            .await?;
        let t = Transaction::transfer(
            &format!("subsidy-budget:{year}:{code}:v0"),
            TxKind::Appropriation,
            treasury.clone(),
            line,
            m.annual_budget_fen,
        )?;
        post(tx, &t, None, Some(&format!("{}年度预算", m.name)), at).await?;
    }
    // Payments, then the applications that point at them.
    let mut committed: BTreeMap<(i32, String), i64> = BTreeMap::new();
    for r in &mut rows {
        if let Some(a) = r.amount_approved_fen {
            *committed
                .entry((r.measure_year, r.measure_code.clone()))
                .or_default() += a;
        }
        let (Stage::Paid, Some(amount), Some(on)) = (r.stage, r.amount_approved_fen, r.paid_on)
        else {
            continue;
        };
        let to = Account::enterprise(r.org_id.as_str())?;
        let name = names.get(&r.org_id).copied().unwrap_or("企业");
        tx.ensure_ledger_account(&to, name, Some(r.org_id.as_str()), us_of(on))
            .await?;
        let t = Transaction::transfer(
            &format!("demo-subsidy-pay:{}", r.id),
            TxKind::SubsidyPayment,
            Account::budget(r.measure_year, &r.measure_code)?,
            to,
            amount,
        )?;
        let m = &all[&(r.measure_year, r.measure_code.clone())];
        let basis = basis_of(&r.id);
        let memo = format!("{}年{}", r.measure_year, m.name);
        r.ledger_tx_id = Some(post(tx, &t, Some(&basis), Some(&memo), us_of(on)).await?);
        written.payments += 1;
    }
    tx.insert_applications(&rows).await?;
    for ((year, code), fen) in &committed {
        if !tx.commit_measure_budget(*year, code, *fen).await? {
            return Err(AppError::Internal(anyhow::anyhow!(
                "demo subsidies: {year}:{code} over budget"
            )));
        }
    }
    written.applications = rows.len();
    events.extend(rows.iter().map(|r| NewEvent {
        actor: "demo".into(),
        entity: "subsidy_application".into(),
        entity_id: r.id.clone(),
        kind: "subsidy.demo_created".into(),
        payload: json!({
            "year": r.measure_year, "measure": r.measure_code, "org_id": r.org_id, "period": r.period,
            "source": r.source, "stage": r.stage.as_str(), "amount_approved_fen": r.amount_approved_fen,
            "ledger_tx_id": r.ledger_tx_id,
        }),
    }));
    Ok((written, events))
}

async fn post(
    tx: &mut Db,
    t: &Transaction,
    basis: Option<&str>,
    memo: Option<&str>,
    at_us: i64,
) -> AppResult<String> {
    let id = kechuang_store::new_id();
    let once = if t.kind() == TxKind::SubsidyPayment {
        basis
    } else {
        None
    };
    let fp = fingerprint(t, basis, memo);
    let event = event_payload(t, basis, memo, None);
    let new = NewLedgerTx {
        id: &id,
        tx: t,
        basis,
        once_basis: once,
        memo,
        reverses: None,
        fingerprint: &fp,
        actor: "demo",
        at_us,
        event: &event,
    };
    match tx.post_ledger_tx(&new).await? {
        Ok(_) => Ok(id),
        Err(e) => Err(AppError::Internal(anyhow::anyhow!("demo ledger: {e}"))),
    }
}

/// 2026 applications in every stage of the review (after the snapshot, so the
/// report's 2023 figures do not see them), and a few 免申即享 offers waiting.
fn plan_live(ctx: &Ctx<'_>, firms: &[OrgId], rng: &mut Rng) -> Vec<ApplicationRecord> {
    const STAGES: [Stage; 14] = [
        Stage::Submitted,
        Stage::Submitted,
        Stage::Submitted,
        Stage::Accepted,
        Stage::Accepted,
        Stage::FirstReviewed,
        Stage::FirstReviewed,
        Stage::JointReviewed,
        Stage::JointReviewed,
        Stage::Publicized,
        Stage::Publicized,
        Stage::Publicized,
        Stage::Approved,
        Stage::Rejected,
    ];
    let year = targets::HORIZON_YEAR;
    let mut out = Vec::new();
    let mut used: Vec<(OrgId, &str)> = Vec::new();
    let mut tries = 0;
    while out.len() < STAGES.len() && tries < 50_000 {
        tries += 1;
        let code = *rng.pick(&DECLARED);
        let org = rng.pick(firms);
        if used.iter().any(|(o, c)| {
            o == org && (*c == code || (c.starts_with("LOAN-") && code.starts_with("LOAN-")))
        }) {
            continue;
        }
        let Some((base, fen)) = declared_for(rng, code) else {
            continue;
        };
        let on = rng.date_between(ymd(year, 6, 1), ymd(year, 8, 20));
        let Some(mut p) = ctx.plan(
            rng,
            org,
            year,
            code,
            "application",
            on,
            BTreeMap::from([(base, fen)]),
        ) else {
            continue;
        };
        used.push((org.clone(), code));
        let stage = STAGES[out.len()];
        let r = &mut p.rec;
        r.history
            .push(entry("submit", Stage::Submitted, "demo", on, None));
        let steps: [(&str, Stage, &str, NaiveDate); 5] = [
            ("accept", Stage::Accepted, REVIEWER, p.accept_on),
            (
                "pass_first_review",
                Stage::FirstReviewed,
                REVIEWER,
                p.first_on,
            ),
            (
                "pass_joint_review",
                Stage::JointReviewed,
                REVIEWER,
                p.joint_on,
            ),
            ("publicize", Stage::Publicized, ADMIN, ymd(year, 9, 21)),
            ("approve", Stage::Approved, ADMIN, ymd(year, 9, 28)),
        ];
        let upto = match stage {
            Stage::Accepted => 1,
            Stage::FirstReviewed => 2,
            Stage::JointReviewed => 3,
            Stage::Publicized => 4,
            Stage::Approved => 5,
            Stage::Rejected => 2,
            _ => 0,
        };
        for (step, st, actor, d) in steps.iter().take(upto) {
            r.history
                .push(entry(step, *st, actor, (*d).min(targets::HORIZON), None));
        }
        if upto >= 4 {
            r.publicity = Some((ymd(year, 9, 21), ymd(year, 9, 25)));
        }
        if stage == Stage::Approved {
            r.amount_approved_fen = Some(r.amount_applied_fen);
            r.approved_on = Some(ymd(year, 9, 28));
        }
        if stage == Stage::Rejected {
            let reason = "联审：设备发票与合同金额不符";
            r.history.push(entry(
                "reject",
                Stage::Rejected,
                REVIEWER,
                p.joint_on.min(targets::HORIZON),
                Some(reason.into()),
            ));
            r.rejection = Some(reason.into());
        }
        r.stage = stage;
        r.updated_at = r.history.last().map_or(r.created_at, |h| h.at_us);
        out.push(p.rec);
    }
    // Offers of the 2026 scan not yet answered.
    let scan_on = ymd(year, 9, 1);
    let mut offers = 0;
    for org in firms {
        if offers >= 12 {
            break;
        }
        if let Some(mut p) = ctx.plan(
            rng,
            org,
            year,
            "RD-INVEST",
            "offer",
            scan_on,
            BTreeMap::new(),
        ) {
            p.rec.stage = Stage::Offered;
            p.rec.submitted_on = None;
            p.rec.history.push(entry(
                "offer",
                Stage::Offered,
                "demo",
                scan_on,
                Some("免申即享：依据已审核的填报数据和资质自动匹配".into()),
            ));
            out.push(p.rec);
            offers += 1;
        }
    }
    out
}
