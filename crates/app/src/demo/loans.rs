//! Knowledge-value credit loans of the demo district: the demo banks lend to demo
//! enterprises from 2018 on. Each loan rests on a stored evaluation of its
//! borrower (computed from the registry records as of a few weeks before the
//! loan, with the line table then in force: 2017 before 2023, 2023 after), the
//! borrower's consent to the bank and the bank's approval; its principal is within
//! the evaluation's line. Up to the snapshot there are exactly
//! [`targets::LOANS_COUNT`] loans with [`targets::LOANS_AMOUNT_FEN`] of principal
//! and [`targets::LOANS_LEVERAGED_FEN`] of commercial loans leveraged alongside;
//! after it the programme goes on. Loans due before the horizon are repaid with
//! their interest, except a few overdue ones: one compensated by the risk fund
//! (through the ledger, the fund appropriated first), one claim waiting for the
//! bureau, two overdue without a claim. Loans drawn from 2025Q4 on run two or
//! three years, so they stay current well past the horizon.
//!
//! Evaluations read the enterprise's R&D-institution level from the platform
//! registry on their day (the demo writes the loans after the platforms), as the
//! bureau's evaluation does.
//!
//! Everything comes from its own random stream (`loans`), so the other demo
//! records are unchanged.

use super::rng::Rng;
use super::targets::{self, HORIZON, SNAPSHOT, ymd};
use crate::ops::credit::{Basis, FUND, SCOPE, claim_basis, compute};
use crate::{AppError, AppResult};
use chrono::{Months, NaiveDate};
use kechuang_core::credit::{CompensationRule, LineTable, Model};
use kechuang_core::ids::OrgId;
use kechuang_core::ledger::{Account, AccountKind, Transaction, TxKind};
use kechuang_core::loan::{Loan, LoanTerms};
use kechuang_core::money::FEN_PER_WAN;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::platform::{PlatformFact, institution_level};
use kechuang_store::{
    ClaimRecord, ConsentRecord, CreditEvaluationRecord, Db, DecisionRecord, LadderInput,
    LoanRecord, NewEvent, NewLedgerTx, RepaymentRecord,
};
use serde_json::json;
use std::collections::HashMap;

/// Principal in steps of 10 万元.
const UNIT_FEN: i64 = 10 * FEN_PER_WAN;
const ACTOR: &str = "demo";

/// What the demo's loans came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LoanSummary {
    /// Loans.
    pub loans: usize,
    /// Paid compensation claims.
    pub paid_claims: usize,
}

struct Planned {
    org: usize,
    bank: usize,
    eval: CreditEvaluationRecord,
    start: NaiveDate,
    months: u32,
    amount_fen: i64,
    leveraged_fen: i64,
    rate_bp: i32,
}

fn err(msg: String) -> AppError {
    AppError::Internal(anyhow::anyhow!("demo loans: {msg}"))
}

fn table_on(d: NaiveDate) -> LineTable {
    if d < ymd(2023, 1, 1) {
        LineTable::y2017()
    } else {
        LineTable::y2023()
    }
}

/// The platform registry's facts by organisation.
type Facts = HashMap<OrgId, Vec<PlatformFact>>;

/// Evaluates one enterprise on a day with the default model, the table then in
/// force and its R&D-institution level on the day.
fn evaluate_on(
    input: &LadderInput,
    facts: &Facts,
    on: NaiveDate,
    now: i64,
) -> AppResult<CreditEvaluationRecord> {
    let basis = Basis {
        model: Model::default(),
        table: table_on(on),
        validity_days: 365,
    };
    let level = facts
        .get(&input.org.id)
        .map_or(kechuang_core::indicator::InstitutionLevel::None, |f| {
            institution_level(f, on)
        });
    compute(input, &basis, level, on, ACTOR, now)
}

/// Picks a borrower for a loan drawn on `start`: the best of forty enterprises
/// founded a year before, evaluated a few weeks earlier.
fn borrower(
    rng: &mut Rng,
    inputs: &[LadderInput],
    facts: &Facts,
    founded: &[Option<NaiveDate>],
    start: NaiveDate,
    now: i64,
) -> AppResult<(usize, CreditEvaluationRecord)> {
    let on = start - chrono::TimeDelta::days(rng.between(5, 40));
    for _ in 0..60 {
        let mut best: Option<(usize, CreditEvaluationRecord)> = None;
        for _ in 0..40 {
            let i = rng.index(inputs.len());
            if founded[i].is_none_or(|f| f + chrono::TimeDelta::days(365) > on) {
                continue;
            }
            let e = evaluate_on(&inputs[i], facts, on, now)?;
            if e.grade.is_some() && best.as_ref().is_none_or(|(_, b)| e.line_fen > b.line_fen) {
                best = Some((i, e));
            }
        }
        if let Some(b) = best {
            return Ok(b);
        }
    }
    Err(err(format!("no graded borrower for {start}")))
}

/// Steers principal amounts (in units of 10 万元, each within its line) to sum
/// to `target` units exactly.
fn steer(rng: &mut Rng, amounts: &mut [i64], lines: &[i64], target: i64) -> AppResult<()> {
    let mut order: Vec<usize> = (0..amounts.len()).collect();
    rng.shuffle(&mut order);
    let mut sum: i64 = amounts.iter().sum();
    while sum != target {
        let before = sum;
        for &i in &order {
            if sum < target && amounts[i] < lines[i] {
                amounts[i] += 1;
                sum += 1;
            } else if sum > target && amounts[i] > 1 {
                amounts[i] -= 1;
                sum -= 1;
            }
            if sum == target {
                break;
            }
        }
        if sum == before {
            return Err(err(format!("cannot reach {target} units from {sum}")));
        }
    }
    Ok(())
}

/// Splits `total` units over weights, largest remainders first (exact).
fn apportion(total: i64, weights: &[u64]) -> Vec<i64> {
    let w: u128 = weights.iter().map(|&x| u128::from(x)).sum();
    if w == 0 {
        return vec![0; weights.len()];
    }
    let t = u128::try_from(total).unwrap_or(0);
    let mut out: Vec<i64> = weights
        .iter()
        .map(|&x| i64::try_from(t * u128::from(x) / w).unwrap_or(0))
        .collect();
    let mut rest: Vec<(u128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, &x)| (t * u128::from(x) % w, i))
        .collect();
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = total - out.iter().sum::<i64>();
    for (_, i) in rest {
        if left <= 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

fn schedule(rng: &mut Rng, years: &[(i32, usize)], after_snapshot: bool) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for &(y, n) in years {
        let (from, to) = match (y, after_snapshot) {
            (2023, false) => (ymd(2023, 1, 1), SNAPSHOT),
            (2023, true) => (ymd(2023, 11, 1), ymd(2023, 12, 31)),
            (2026, _) => (ymd(2026, 1, 1), ymd(2026, 6, 30)),
            _ => (ymd(y, 1, 1), ymd(y, 12, 31)),
        };
        let mut days: Vec<NaiveDate> = (0..n).map(|_| rng.date_between(from, to)).collect();
        days.sort();
        out.extend(days);
    }
    out
}

async fn post(
    tx: &mut Db,
    t: &Transaction,
    basis: Option<&str>,
    memo: Option<&str>,
    now: i64,
) -> AppResult<String> {
    let id = kechuang_store::new_id();
    let once = (t.kind() == TxKind::Compensation)
        .then_some(basis)
        .flatten();
    let event = crate::ops::ledger::event_payload(t, basis, memo, None);
    let fp = crate::ops::ledger::fingerprint(t, basis, memo);
    let new = NewLedgerTx {
        id: &id,
        tx: t,
        basis,
        once_basis: once,
        memo,
        reverses: None,
        fingerprint: &fp,
        actor: ACTOR,
        at_us: now,
        event: &event,
    };
    tx.post_ledger_tx(&new)
        .await?
        .map_err(|e| err(e.to_string()))?;
    Ok(id)
}

fn event(entity: &str, id: &str, kind: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        actor: ACTOR.into(),
        entity: entity.into(),
        entity_id: id.into(),
        kind: kind.into(),
        payload,
    }
}

/// Writes the demo's evaluations, consents, decisions, loans, repayments and
/// claims in the demo's transaction.
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
    showcase: &OrgId,
    now: i64,
) -> AppResult<LoanSummary> {
    let mut rng = Rng::stream(seed, "loans");
    let banks: Vec<(OrgId, String)> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Bank)
        .map(|(id, o)| (id.clone(), o.name.clone()))
        .collect();
    let login_bank = banks
        .iter()
        .position(|(_, n)| n == super::people::BANK_ORG)
        .ok_or_else(|| err("no login bank".into()))?;
    let firm_ids: Vec<OrgId> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Enterprise)
        .map(|(id, _)| id.clone())
        .collect();
    let mut inputs: Vec<LadderInput> = Vec::with_capacity(firm_ids.len());
    for chunk in firm_ids.chunks(300) {
        inputs.extend(tx.ladder_inputs(chunk).await?);
    }
    let founded: Vec<Option<NaiveDate>> = inputs.iter().map(|i| i.org.org.founded_on).collect();
    let mut facts: Facts = HashMap::new();
    for (org, f) in tx.platform_facts(None).await? {
        facts.entry(org).or_default().push(f);
    }
    let showcase_i = inputs
        .iter()
        .position(|i| &i.org.id == showcase)
        .ok_or_else(|| err("no showcase firm".into()))?;

    // Plan: the snapshot's loans, then the later ones.
    let before = schedule(&mut rng, &targets::LOANS_PER_YEAR, false);
    let after = schedule(&mut rng, &targets::LOANS_AFTER, true);
    if before.len() != targets::LOANS_COUNT {
        return Err(err(format!("{} loans planned", before.len())));
    }
    let mut plan: Vec<Planned> = Vec::with_capacity(before.len() + after.len());
    let n_after = after.len();
    for (k, start) in before.into_iter().chain(after).enumerate() {
        let last_two = k + 2 >= targets::LOANS_COUNT + n_after;
        let (org, eval, bank) = if last_two {
            // The showcase firm borrows from the login bank, so both logins see loans.
            let on = start - chrono::TimeDelta::days(20);
            let e = evaluate_on(&inputs[showcase_i], &facts, on, now)?;
            if e.grade.is_some() {
                (showcase_i, e, login_bank)
            } else {
                let (i, e) = borrower(&mut rng, &inputs, &facts, &founded, start, now)?;
                (i, e, login_bank)
            }
        } else {
            let (i, e) = borrower(&mut rng, &inputs, &facts, &founded, start, now)?;
            (i, e, rng.index(banks.len()))
        };
        let line_units = eval.line_fen / UNIT_FEN;
        let units = ((line_units as f64) * rng.uniform(0.45, 1.0)).floor() as i64;
        let months = if start < ymd(2025, 10, 1) {
            12
        } else {
            *rng.pick(&[24, 36])
        };
        plan.push(Planned {
            org,
            bank,
            start,
            months,
            amount_fen: units.clamp(1, line_units.max(1)) * UNIT_FEN,
            leveraged_fen: 0,
            rate_bp: i32::try_from(rng.between(345, 460)).unwrap_or(385),
            eval,
        });
    }
    // Steer the snapshot's principal and leverage to the published figures.
    let snap = targets::LOANS_COUNT;
    let mut units: Vec<i64> = plan[..snap]
        .iter()
        .map(|p| p.amount_fen / UNIT_FEN)
        .collect();
    let lines: Vec<i64> = plan[..snap]
        .iter()
        .map(|p| p.eval.line_fen / UNIT_FEN)
        .collect();
    steer(
        &mut rng,
        &mut units,
        &lines,
        targets::LOANS_AMOUNT_FEN / UNIT_FEN,
    )?;
    for (p, u) in plan.iter_mut().zip(&units) {
        p.amount_fen = u * UNIT_FEN;
    }
    let weights: Vec<u64> = plan[..snap]
        .iter()
        .map(|p| {
            if rng.chance(0.75) {
                (p.amount_fen / FEN_PER_WAN) as u64 * rng.between(50, 200) as u64
            } else {
                0
            }
        })
        .collect();
    let leveraged = apportion(targets::LOANS_LEVERAGED_FEN / FEN_PER_WAN, &weights);
    for (p, l) in plan.iter_mut().zip(leveraged) {
        p.leveraged_fen = l * FEN_PER_WAN;
    }
    for p in plan[snap..].iter_mut() {
        if rng.chance(0.75) {
            p.leveraged_fen =
                (p.amount_fen / FEN_PER_WAN) * rng.between(50, 150) / 100 * FEN_PER_WAN;
        }
    }
    // The overdue loans: drawn after the snapshot, due before the horizon with
    // at least 100 days to spare.
    let overdue: Vec<usize> = {
        let mut c: Vec<usize> = (snap..plan.len())
            .filter(|&k| {
                let p = &plan[k];
                p.months == 12
                    && p.org != showcase_i
                    && p.start + Months::new(12) <= HORIZON - chrono::TimeDelta::days(100)
                    && p.start >= ymd(2024, 6, 1)
            })
            .collect();
        rng.shuffle(&mut c);
        c.truncate(4);
        c
    };
    if overdue.len() < 4 {
        return Err(err("too few candidates for overdue loans".into()));
    }

    // Write.
    let mut events = Vec::new();
    let mut consents: HashMap<(usize, usize), String> = HashMap::new();
    let mut loan_ids = Vec::with_capacity(plan.len());
    for (k, p) in plan.iter().enumerate() {
        let org = &inputs[p.org].org;
        let (bank_id, _) = &banks[p.bank];
        tx.insert_credit_evaluation(&p.eval).await?;
        events.push(event(
            "credit_evaluation",
            &p.eval.id,
            "credit.evaluated",
            json!({"org_id": org.id, "evaluated_on": p.eval.evaluated_on, "score": p.eval.score, "grade": p.eval.grade, "line_fen": p.eval.line_fen}),
        ));
        if let std::collections::hash_map::Entry::Vacant(v) = consents.entry((p.org, p.bank)) {
            let c = ConsentRecord {
                id: kechuang_store::new_id(),
                org_id: org.id.clone(),
                org_name: String::new(),
                bank_id: bank_id.clone(),
                bank_name: String::new(),
                scope: SCOPE.into(),
                granted_on: p.eval.evaluated_on,
                revoked_on: None,
            };
            tx.insert_consent(&c, now, ACTOR).await?;
            events.push(event(
                "credit_consent",
                &c.id,
                "credit.consent_granted",
                json!({"org_id": org.id, "bank_id": bank_id, "granted_on": c.granted_on}),
            ));
            v.insert(c.id);
        }
        let decided_on =
            (p.start - chrono::TimeDelta::days(rng.between(0, 4))).max(p.eval.evaluated_on);
        let d = DecisionRecord {
            id: kechuang_store::new_id(),
            evaluation_id: p.eval.id.clone(),
            org_id: org.id.clone(),
            bank_id: bank_id.clone(),
            approved: true,
            amount_fen: p.amount_fen,
            reason: None,
            decided_on,
            decided_at: now,
            decided_by: ACTOR.into(),
        };
        tx.insert_credit_decision(&d).await?;
        events.push(event(
            "credit_decision",
            &d.id,
            "credit.decided",
            json!({"evaluation_id": d.evaluation_id, "approved": true, "amount_fen": d.amount_fen}),
        ));
        let end = p.start + Months::new(p.months);
        let terms = LoanTerms {
            amount_fen: p.amount_fen,
            rate_bp: u32::try_from(p.rate_bp).unwrap_or(0),
            start: p.start,
            end,
            leveraged_fen: p.leveraged_fen,
        };
        let core = Loan::new(terms.clone()).map_err(|e| err(format!("loan {k}: {e:?}")))?;
        let l = LoanRecord {
            id: kechuang_store::new_id(),
            org_id: org.id.clone(),
            org_name: String::new(),
            bank_id: bank_id.clone(),
            bank_name: String::new(),
            evaluation_id: p.eval.id.clone(),
            decision_id: Some(d.id.clone()),
            amount_fen: p.amount_fen,
            rate_bp: p.rate_bp,
            start_on: p.start,
            end_on: end,
            purpose: Some(
                rng.pick(&["研发投入", "设备购置", "流动资金", "技术改造", "新产品试制"])
                    .to_string(),
            ),
            leveraged_fen: p.leveraged_fen,
            service_fee_fen: p.amount_fen / 200,
            over_line_reason: None,
            repaid_fen: 0,
            compensated: false,
            created_at: now,
            created_by: ACTOR.into(),
        };
        tx.insert_loan(&l).await?;
        events.push(event(
            "loan",
            &l.id,
            "loan.recorded",
            json!({"org_id": l.org_id, "bank_id": l.bank_id, "amount_fen": l.amount_fen, "start": l.start_on, "end": l.end_on, "leveraged_commercial_fen": l.leveraged_fen}),
        ));
        // Repayments: interest on each anniversary up to the horizon; principal
        // and the last interest at the end when due by then.
        let mut reps: Vec<(NaiveDate, i64, i64)> = Vec::new();
        let is_overdue = overdue.contains(&k);
        if is_overdue {
            if overdue[0] == k {
                // Some principal came back before it went bad: an odd amount.
                reps.push((p.start + Months::new(6), 333_333, core.interest(182).fen()));
            }
        } else if end <= HORIZON {
            reps.push((
                end,
                p.amount_fen,
                core.interest((end - p.start).num_days() as u32).fen(),
            ));
        } else {
            let mut y = 1;
            while p.start + Months::new(12 * y) <= HORIZON {
                reps.push((p.start + Months::new(12 * y), 0, core.interest(365).fen()));
                y += 1;
            }
        }
        for (i, (on, principal, interest)) in reps.into_iter().enumerate() {
            let r = RepaymentRecord {
                id: kechuang_store::new_id(),
                loan_id: l.id.clone(),
                key: format!("demo-repay-{}-{i}", l.id),
                paid_on: on,
                principal_fen: principal,
                interest_fen: interest,
                created_at: now,
                created_by: ACTOR.into(),
            };
            if !tx.insert_repayment(&r).await? {
                return Err(err(format!("repayment of loan {k}")));
            }
            events.push(event(
                "loan",
                &l.id,
                "loan.repaid",
                json!({"key": r.key, "paid_on": on, "principal_fen": principal, "interest_fen": interest}),
            ));
        }
        loan_ids.push(l.id);
    }
    // A few declined applications.
    for _ in 0..15 {
        let start = rng.date_between(ymd(2024, 1, 1), ymd(2026, 6, 30));
        let (i, e) = borrower(&mut rng, &inputs, &facts, &founded, start, now)?;
        let b = rng.index(banks.len());
        tx.insert_credit_evaluation(&e).await?;
        if let std::collections::hash_map::Entry::Vacant(v) = consents.entry((i, b)) {
            let c = ConsentRecord {
                id: kechuang_store::new_id(),
                org_id: inputs[i].org.id.clone(),
                org_name: String::new(),
                bank_id: banks[b].0.clone(),
                bank_name: String::new(),
                scope: SCOPE.into(),
                granted_on: e.evaluated_on,
                revoked_on: None,
            };
            tx.insert_consent(&c, now, ACTOR).await?;
            v.insert(c.id);
        }
        let d = DecisionRecord {
            id: kechuang_store::new_id(),
            evaluation_id: e.id.clone(),
            org_id: inputs[i].org.id.clone(),
            bank_id: banks[b].0.clone(),
            approved: false,
            amount_fen: 0,
            reason: Some(
                rng.pick(&[
                    "经营现金流不足，暂不授信",
                    "存在未结清的逾期记录",
                    "申请用途与研发无关",
                ])
                .to_string(),
            ),
            decided_on: start,
            decided_at: now,
            decided_by: ACTOR.into(),
        };
        tx.insert_credit_decision(&d).await?;
        events.push(event(
            "credit_decision",
            &d.id,
            "credit.decided",
            json!({"evaluation_id": d.evaluation_id, "approved": false, "reason": d.reason}),
        ));
    }
    // Consents the login bank has not decided yet: what its credit officer finds
    // waiting. A stream of its own, so the loans above do not move.
    let mut pending_rng = Rng::stream(seed, "loans-pending");
    let mut pending = 0;
    for _ in 0..50 {
        if pending == 3 {
            break;
        }
        let start = pending_rng.date_between(ymd(2026, 9, 1), ymd(2026, 10, 31));
        let (i, e) = borrower(&mut pending_rng, &inputs, &facts, &founded, start, now)?;
        let std::collections::hash_map::Entry::Vacant(v) = consents.entry((i, login_bank)) else {
            continue;
        };
        tx.insert_credit_evaluation(&e).await?;
        let c = ConsentRecord {
            id: kechuang_store::new_id(),
            org_id: inputs[i].org.id.clone(),
            org_name: String::new(),
            bank_id: banks[login_bank].0.clone(),
            bank_name: String::new(),
            scope: SCOPE.into(),
            granted_on: e.evaluated_on,
            revoked_on: None,
        };
        tx.insert_consent(&c, now, ACTOR).await?;
        events.push(event(
            "credit_consent",
            &c.id,
            "credit.consent_granted",
            json!({"org_id": c.org_id, "bank_id": c.bank_id, "granted_on": c.granted_on}),
        ));
        v.insert(c.id);
        pending += 1;
    }
    // The risk fund, appropriated by the city and the district at 4 : 6.
    let fund = Account::parse(FUND).map_err(|e| err(e.to_string()))?;
    tx.ensure_ledger_account(&fund, "知识价值信用贷款风险补偿资金", None, now)
        .await?;
    for (code, name, wan) in [("city", "市级财政", 800), ("district", "区级财政", 1200)] {
        let t = Account::new(AccountKind::Treasury, code).map_err(|e| err(e.to_string()))?;
        tx.ensure_ledger_account(&t, name, None, now).await?;
        let appr = Transaction::transfer(
            &format!("demo-credit-fund-{code}"),
            TxKind::Appropriation,
            t,
            fund.clone(),
            wan * FEN_PER_WAN,
        )
        .map_err(|e| err(format!("{e:?}")))?;
        post(tx, &appr, None, Some("风险补偿资金注资"), now).await?;
    }
    // Claims: the first overdue loan compensated, the second waiting.
    let rule = CompensationRule::default();
    let mut paid_claims = 0;
    for (n, &k) in overdue.iter().take(2).enumerate() {
        let p = &plan[k];
        let end = p.start + Months::new(p.months);
        let claimed_on = end + chrono::TimeDelta::days(if n == 0 { 100 } else { 95 });
        let principal = p.amount_fen - if n == 0 { 333_333 } else { 0 };
        let split = rule
            .split(kechuang_core::money::Money::from_fen(principal))
            .map_err(|e| err(e.to_string()))?;
        let (bank_id, bank_name) = &banks[p.bank];
        let c = ClaimRecord {
            id: kechuang_store::new_id(),
            loan_id: loan_ids[k].clone(),
            bank_id: bank_id.clone(),
            org_id: inputs[p.org].org.id.clone(),
            principal_fen: split.principal.fen(),
            fund_fen: split.fund.fen(),
            bank_fen: split.bank.fen(),
            city_fen: split.city.fen(),
            district_fen: split.district.fen(),
            days_overdue: (claimed_on - end).num_days() as i32,
            claimed_on,
            state: "claimed".into(),
            ledger_tx_id: None,
            claimed_at: now,
            claimed_by: ACTOR.into(),
            decided_at: None,
            decided_by: None,
        };
        tx.insert_claim(&c).await?;
        events.push(event(
            "credit_claim",
            &c.id,
            "credit.claimed",
            json!({"loan_id": c.loan_id, "principal_fen": c.principal_fen, "fund_fen": c.fund_fen, "city_fen": c.city_fen, "district_fen": c.district_fen}),
        ));
        if n == 0 {
            let to = Account::new(AccountKind::Bank, bank_id.as_str())
                .map_err(|e| err(e.to_string()))?;
            tx.ensure_ledger_account(&to, bank_name, Some(bank_id.as_str()), now)
                .await?;
            let basis = claim_basis(&c.id);
            let pay = Transaction::transfer(
                &format!("demo-credit-claim-{}", c.id),
                TxKind::Compensation,
                fund.clone(),
                to,
                c.fund_fen,
            )
            .map_err(|e| err(format!("{e:?}")))?;
            let tx_id = post(
                tx,
                &pay,
                Some(&basis),
                Some("知识价值信用贷款风险补偿"),
                now,
            )
            .await?;
            if !tx
                .mark_claim_paid(&c.id, &c.loan_id, &tx_id, now, ACTOR)
                .await?
            {
                return Err(err("claim not paid".into()));
            }
            events.push(event(
                "credit_claim",
                &c.id,
                "credit.claim_paid",
                json!({"loan_id": c.loan_id, "ledger_tx_id": tx_id}),
            ));
            paid_claims += 1;
        }
    }
    tx.append_events(&events).await?;
    Ok(LoanSummary {
        loans: plan.len(),
        paid_claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact_and_follows_the_weights() {
        let a = apportion(10, &[1, 1, 1]);
        assert_eq!(a.iter().sum::<i64>(), 10);
        assert_eq!(a, [4, 3, 3]);
        assert_eq!(apportion(7, &[0, 5, 0]), [0, 7, 0]);
    }

    #[test]
    fn steering_reaches_the_target_within_the_lines() {
        let mut rng = Rng::stream(1, "t");
        let lines = [5, 8, 30, 50];
        let mut a = vec![3, 4, 10, 20];
        steer(&mut rng, &mut a, &lines, 80).unwrap();
        assert_eq!(a.iter().sum::<i64>(), 80);
        assert!(a.iter().zip(lines).all(|(x, l)| *x <= l && *x >= 1));
        let mut b = vec![5, 8, 30, 50];
        assert!(steer(&mut rng, &mut b, &lines, 94).is_err());
    }
}
