//! Policy measures (政策措施, e.g. a district's "十二条措施") as rules: who is
//! eligible, how much, capped how, paid from which budget, when (policy-rules.md §8).
//!
//! A [`Measure`] is data the bureau edits: eligibility [`Predicate`]s over the
//! enterprise's qualifications, indicators and location; an amount [`Formula`] over
//! a named [`BaseKind`] (R&D expense, its increase, an equipment invoice, interest
//! paid, a project's funding, or nothing for a fixed award); a per-firm cap per
//! year; an annual budget; exclusivity with other measures; an application window.
//! [`assess`] applies a measure to one enterprise's [`Facts`] for one period and
//! explains every condition and the amount; it is pure, so the 免申即享 scan of all
//! firms and an enterprise's own "what can I get" page give the same answer.
//!
//! No district's published amounts were found (§8: "No Tongliang-specific amounts");
//! [`demo_measures`] are plausible defaults modelled on the Chongqing examples
//! there, marked as such, for the bureau to replace with its own.

use crate::error::FieldError;
use crate::ledger::share_fen;
use crate::money::{FEN_PER_WAN, Money};
use crate::qualification::QualificationKind;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The amount a formula is applied to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum BaseKind {
    /// R&D expense of the period (研发费用).
    RdExpense,
    /// Increase of R&D expense over the previous period (研发费用增量).
    RdIncrease,
    /// Invoice amount of research equipment bought (设备购置发票金额).
    EquipmentInvoice,
    /// Loan interest paid in the period (贷款利息).
    InterestPaid,
    /// Loan service fees paid (担保费、评估费等).
    ServiceFee,
    /// Funding granted to a research project by a higher level (项目立项经费).
    ProjectFunding,
}

impl BaseKind {
    /// Every kind.
    pub const ALL: [BaseKind; 6] = [
        BaseKind::RdExpense,
        BaseKind::RdIncrease,
        BaseKind::EquipmentInvoice,
        BaseKind::InterestPaid,
        BaseKind::ServiceFee,
        BaseKind::ProjectFunding,
    ];

    /// Stable code (as serialised).
    pub fn code(self) -> &'static str {
        match self {
            BaseKind::RdExpense => "rd_expense",
            BaseKind::RdIncrease => "rd_increase",
            BaseKind::EquipmentInvoice => "equipment_invoice",
            BaseKind::InterestPaid => "interest_paid",
            BaseKind::ServiceFee => "service_fee",
            BaseKind::ProjectFunding => "project_funding",
        }
    }

    /// From [`BaseKind::code`].
    pub fn from_code(s: &str) -> Option<BaseKind> {
        BaseKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Declared by the applicant (with proof) rather than read from its filings.
    pub fn is_declared(self) -> bool {
        !matches!(self, BaseKind::RdExpense | BaseKind::RdIncrease)
    }

    /// zh-CN name.
    pub fn label(self) -> &'static str {
        match self {
            BaseKind::RdExpense => "研发费用",
            BaseKind::RdIncrease => "研发费用增量",
            BaseKind::EquipmentInvoice => "研发设备购置金额",
            BaseKind::InterestPaid => "贷款利息",
            BaseKind::ServiceFee => "贷款服务费",
            BaseKind::ProjectFunding => "项目立项经费",
        }
    }
}

/// One eligibility condition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Predicate {
    /// Holds a valid qualification on the assessment date.
    Holds {
        /// Which.
        qualification: QualificationKind,
    },
    /// Holds at least one of these.
    HoldsAny {
        /// Which.
        qualifications: Vec<QualificationKind>,
    },
    /// Was first recognised in this qualification during the period (新认定).
    NewlyRecognised {
        /// Which.
        qualification: QualificationKind,
    },
    /// Registered, taxed and counted in the district (注册、税收、统计在本区).
    InDistrict,
    /// No serious dishonesty record in the last three years.
    CleanRecord,
    /// A base amount of at least this many fen.
    BaseAtLeast {
        /// Which base.
        base: BaseKind,
        /// Least amount, fen.
        min_fen: i64,
    },
}

impl Predicate {
    /// zh-CN statement of the condition.
    pub fn label(&self) -> String {
        match self {
            Predicate::Holds { qualification } => {
                format!("具有有效的{}资格", qualification.zh())
            }
            Predicate::HoldsAny { qualifications } => format!(
                "具有以下资格之一：{}",
                qualifications
                    .iter()
                    .map(|q| q.zh())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            Predicate::NewlyRecognised { qualification } => {
                format!("本期首次认定为{}", qualification.zh())
            }
            Predicate::InDistrict => "注册、税收、统计关系均在本区".into(),
            Predicate::CleanRecord => "近三年无严重失信记录".into(),
            Predicate::BaseAtLeast { base, min_fen } => {
                format!(
                    "{}不低于{}万元",
                    base.label(),
                    Money::from_fen(*min_fen).wan_2dp().normalize()
                )
            }
        }
    }

    fn holds(&self, f: &Facts) -> bool {
        match self {
            Predicate::Holds { qualification } => f.qualifications.contains(qualification),
            Predicate::HoldsAny { qualifications } => {
                qualifications.iter().any(|q| f.qualifications.contains(q))
            }
            Predicate::NewlyRecognised { qualification } => {
                f.newly_recognised.contains(qualification)
            }
            Predicate::InDistrict => f.in_district,
            Predicate::CleanRecord => f.clean_record,
            Predicate::BaseAtLeast { base, min_fen } => {
                f.base(*base).is_some_and(|v| v.fen() >= *min_fen)
            }
        }
    }
}

/// A tier of a tiered formula: a base of at least `min_fen` pays `amount_fen`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tier {
    /// Least base, fen (inclusive).
    pub min_fen: i64,
    /// Award, fen.
    pub amount_fen: i64,
}

/// How much a measure pays.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Formula {
    /// A fixed award.
    Fixed {
        /// Fen.
        amount_fen: i64,
    },
    /// A share of a base, in basis points (1000 = 10 %), rounded to the fen.
    Share {
        /// The base.
        base: BaseKind,
        /// Basis points.
        bp: u32,
    },
    /// A share of the stock plus a share of the increase (研发准备金 style).
    StockAndIncrease {
        /// Basis points of the R&D expense.
        stock_bp: u32,
        /// Basis points of its increase over the previous period (none if it fell).
        increase_bp: u32,
    },
    /// The award of the highest tier the base reaches.
    Tiered {
        /// The base.
        base: BaseKind,
        /// Tiers, any order.
        tiers: Vec<Tier>,
    },
}

/// One measure of the district's policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Measure {
    /// Stable id, ASCII (`RD-INVEST`); also the budget line's code.
    pub id: String,
    /// zh-CN name.
    pub name: String,
    /// The policy document it implements.
    pub policy: String,
    /// All must hold.
    pub eligibility: Vec<Predicate>,
    /// The amount.
    pub formula: Formula,
    /// Most paid to one enterprise per year, fen.
    pub cap_per_firm_fen: Option<i64>,
    /// Budget per year, fen.
    pub annual_budget_fen: i64,
    /// Measures that cannot also be paid to the same enterprise for the same period.
    pub exclusive_with: Vec<String>,
    /// Applications accepted from (inclusive).
    pub opens: NaiveDate,
    /// Applications accepted until (inclusive).
    pub closes: NaiveDate,
    /// Offered to eligible firms without an application (免申即享).
    pub no_application: bool,
}

impl Measure {
    /// Checks a measure as the bureau entered it; every problem names its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 40
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            errs.push(FieldError::new("id", "subsidy_id_invalid").with("value", &self.id));
        }
        if self.name.trim().is_empty() {
            errs.push(FieldError::new("name", "required"));
        }
        if self.annual_budget_fen <= 0 {
            errs.push(
                FieldError::new("annual_budget_fen", "value_negative")
                    .with("value", Money::from_fen(self.annual_budget_fen)),
            );
        }
        if let Some(c) = self.cap_per_firm_fen
            && c <= 0
        {
            errs.push(
                FieldError::new("cap_per_firm_fen", "value_negative")
                    .with("value", Money::from_fen(c)),
            );
        }
        if self.closes < self.opens {
            errs.push(FieldError::new("closes", "subsidy_window_order"));
        }
        match &self.formula {
            Formula::Fixed { amount_fen } if *amount_fen <= 0 => {
                errs.push(
                    FieldError::new("formula.amount_fen", "value_negative")
                        .with("value", Money::from_fen(*amount_fen)),
                );
            }
            Formula::Share { bp, .. } if *bp == 0 || *bp > 10_000 => {
                errs.push(FieldError::new("formula.bp", "subsidy_share_range"));
            }
            Formula::StockAndIncrease {
                stock_bp,
                increase_bp,
            } if *stock_bp > 10_000 || *increase_bp > 10_000 || *stock_bp + *increase_bp == 0 => {
                errs.push(FieldError::new("formula", "subsidy_share_range"));
            }
            Formula::Tiered { tiers, .. } => {
                if tiers.is_empty() {
                    errs.push(FieldError::new("formula.tiers", "required"));
                }
                for (i, t) in tiers.iter().enumerate() {
                    if t.amount_fen <= 0 || t.min_fen < 0 {
                        errs.push(FieldError::new(
                            format!("formula.tiers[{i}]"),
                            "value_negative",
                        ));
                    }
                }
            }
            _ => {}
        }
        if self.exclusive_with.contains(&self.id) {
            errs.push(FieldError::new("exclusive_with", "subsidy_exclusive_self"));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// The base the formula reads, if any.
    pub fn base(&self) -> Option<BaseKind> {
        match &self.formula {
            Formula::Fixed { .. } => None,
            Formula::Share { base, .. } | Formula::Tiered { base, .. } => Some(*base),
            Formula::StockAndIncrease { .. } => Some(BaseKind::RdExpense),
        }
    }

    /// The amount rule in words, zh-CN (with the cap).
    pub fn formula_label(&self) -> String {
        let mut out = match &self.formula {
            Formula::Fixed { amount_fen } => format!("定额补助{}万元", wan(*amount_fen)),
            Formula::Share { base, bp } => format!("按{}的{}给予补助", base.label(), pct(*bp)),
            Formula::StockAndIncrease {
                stock_bp,
                increase_bp,
            } => format!(
                "按研发费用的{}加研发费用增量的{}给予补助",
                pct(*stock_bp),
                pct(*increase_bp)
            ),
            Formula::Tiered { base, tiers } => {
                let mut ts: Vec<&Tier> = tiers.iter().collect();
                ts.sort_by_key(|t| t.min_fen);
                format!(
                    "按{}分档奖励：{}",
                    base.label(),
                    ts.iter()
                        .map(|t| format!("{}万元以上{}万元", wan(t.min_fen), wan(t.amount_fen)))
                        .collect::<Vec<_>>()
                        .join("，")
                )
            }
        };
        if let Some(c) = self.cap_per_firm_fen {
            out.push_str(&format!("，每户每年最高{}万元", wan(c)));
        }
        out
    }

    /// The bases an applicant declares (with an attachment as proof); the R&D
    /// bases come from approved filings instead.
    pub fn declared_base(&self) -> Option<BaseKind> {
        self.base().filter(|b| b.is_declared())
    }

    /// Whether `date` is inside the application window.
    pub fn is_open(&self, date: NaiveDate) -> bool {
        self.opens <= date && date <= self.closes
    }
}

/// What is known of one enterprise for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Qualifications valid on the assessment date.
    pub qualifications: Vec<QualificationKind>,
    /// Qualifications first obtained during the period.
    pub newly_recognised: Vec<QualificationKind>,
    /// Registered, taxed and counted in the district.
    pub in_district: bool,
    /// No serious dishonesty record in three years.
    pub clean_record: bool,
    /// Base amounts of the period (from approved filings or the application).
    pub bases: BTreeMap<BaseKind, Money>,
    /// R&D expense of the previous period, for increases.
    pub previous_rd_expense: Option<Money>,
    /// Already paid to this enterprise this year under this measure, fen.
    pub paid_this_year_fen: i64,
    /// Measures already approved or paid to it for this period.
    pub approved_measures: Vec<String>,
}

impl Facts {
    /// A base amount; the R&D increase is derived when not given.
    pub fn base(&self, kind: BaseKind) -> Option<Money> {
        if let Some(v) = self.bases.get(&kind) {
            return Some(*v);
        }
        if kind == BaseKind::RdIncrease {
            let now = self.bases.get(&BaseKind::RdExpense)?;
            let before = self.previous_rd_expense?;
            return Some(Money::from_fen((now.fen() - before.fen()).max(0)));
        }
        None
    }
}

/// A subsidy already granted to an enterprise (approved or paid), as the facts of
/// later assessments see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// Measure id.
    pub measure: String,
    /// The measure's year.
    pub year: i32,
    /// The base period (accounting year) it was granted for.
    pub period: i32,
    /// Amount approved, fen.
    pub amount_fen: i64,
}

/// What the records say of one enterprise, before a measure and a period pick
/// the facts out of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    /// Registered in one of the district's towns.
    pub in_district: bool,
    /// A serious dishonesty record within three years (none is kept yet: false).
    pub dishonest: bool,
    /// Every recognition (renewals included).
    pub qualifications: Vec<crate::qualification::Qualification>,
    /// R&D expense of the base period's approved annual filing, fen.
    pub rd_expense: Option<i64>,
    /// R&D expense of the year before, fen.
    pub rd_expense_prev: Option<i64>,
    /// Subsidies granted already.
    pub granted: Vec<Granted>,
    /// Interest paid in the base period on the knowledge-value credit loans the
    /// banks recorded on the platform, fen (none when it has no such loan).
    pub loan_interest: Option<i64>,
    /// Service fees of those loans drawn in the base period, fen.
    pub loan_service_fee: Option<i64>,
}

/// The facts for `measure` of `year`, base period `period` (an accounting
/// year), assessed on `on`: qualifications valid that day, first recognitions
/// within the period, the R&D bases from approved filings, the declared bases,
/// what this measure paid the firm this year and the measures already granted
/// for the period (except `skip`, the application being re-assessed).
pub fn facts(
    measure: &str,
    year: i32,
    period: i32,
    on: NaiveDate,
    r: &Records,
    declared: &BTreeMap<BaseKind, i64>,
    skip: Option<&Granted>,
) -> Facts {
    use chrono::Datelike;
    let mut qualifications: Vec<QualificationKind> = r
        .qualifications
        .iter()
        .filter(|q| q.valid_on(on))
        .map(|q| q.kind)
        .collect();
    qualifications.sort();
    qualifications.dedup();
    let mut newly_recognised = Vec::new();
    for k in QualificationKind::ALL {
        let first = r
            .qualifications
            .iter()
            .filter(|q| q.kind == k)
            .map(|q| q.recognized_on)
            .min();
        if first.is_some_and(|d| d.year() == period) {
            newly_recognised.push(k);
        }
    }
    let mut bases: BTreeMap<BaseKind, Money> = declared
        .iter()
        .map(|(k, v)| (*k, Money::from_fen(*v)))
        .collect();
    if let Some(rd) = r.rd_expense {
        bases
            .entry(BaseKind::RdExpense)
            .or_insert(Money::from_fen(rd));
    }
    // Loan costs the banks recorded count like approved filings: the firm need not
    // declare them (a declared figure, with its receipts, is kept as given).
    for (kind, v) in [
        (BaseKind::InterestPaid, r.loan_interest),
        (BaseKind::ServiceFee, r.loan_service_fee),
    ] {
        if let Some(v) = v.filter(|v| *v > 0) {
            bases.entry(kind).or_insert(Money::from_fen(v));
        }
    }
    let granted = r.granted.iter().filter(|g| Some(*g) != skip);
    let mut paid_this_year_fen = 0;
    let mut approved_measures = Vec::new();
    for g in granted {
        if g.measure == measure && g.year == year {
            paid_this_year_fen += g.amount_fen;
        }
        if g.period == period && !approved_measures.contains(&g.measure) {
            approved_measures.push(g.measure.clone());
        }
    }
    Facts {
        qualifications,
        newly_recognised,
        in_district: r.in_district,
        clean_record: !r.dishonest,
        bases,
        previous_rd_expense: r.rd_expense_prev.map(Money::from_fen),
        paid_this_year_fen,
        approved_measures,
    }
}

/// One condition and whether it held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Check {
    /// zh-CN statement.
    pub label: String,
    /// Held.
    pub met: bool,
}

/// The answer for one enterprise, one measure, one period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Assessment {
    /// The measure.
    pub measure: String,
    /// Every condition checked, eligibility first.
    pub checks: Vec<Check>,
    /// All conditions hold and the amount is positive.
    pub eligible: bool,
    /// The formula's amount before caps, fen.
    pub formula_fen: i64,
    /// What would be paid, fen (after the per-firm cap and what was paid already).
    pub amount_fen: i64,
    /// The per-firm cap reduced it.
    pub capped: bool,
    /// How the amount was computed, zh-CN.
    pub working: String,
}

fn wan(fen: i64) -> String {
    Money::from_fen(fen).wan_2dp().normalize().to_string()
}

fn pct(bp: u32) -> String {
    let d = rust_decimal::Decimal::new(i64::from(bp), 2);
    format!("{}%", d.normalize())
}

/// Assesses one measure for one enterprise's facts.
pub fn assess(m: &Measure, f: &Facts) -> Assessment {
    let mut checks: Vec<Check> = m
        .eligibility
        .iter()
        .map(|p| Check {
            label: p.label(),
            met: p.holds(f),
        })
        .collect();
    let clash: Vec<&String> = m
        .exclusive_with
        .iter()
        .filter(|x| f.approved_measures.contains(x))
        .collect();
    if !m.exclusive_with.is_empty() {
        checks.push(Check {
            label: if clash.is_empty() {
                format!(
                    "未享受与本项不可叠加的措施（{}）",
                    m.exclusive_with.join("、")
                )
            } else {
                format!(
                    "已享受不可叠加的措施：{}",
                    clash
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                )
            },
            met: clash.is_empty(),
        });
    }
    if f.approved_measures.contains(&m.id) {
        checks.push(Check {
            label: "本期已享受本项措施（同一基数同一期间不重复兑付）".into(),
            met: false,
        });
    }
    let (formula_fen, working) = amount(m, f);
    let base_missing = m.base().is_some_and(|b| f.base(b).is_none());
    if base_missing {
        checks.push(Check {
            label: format!("已填报{}", m.base().map_or("", |b| b.label())),
            met: false,
        });
    }
    let mut amount_fen = formula_fen;
    let mut capped = false;
    if let Some(cap) = m.cap_per_firm_fen {
        let room = (cap - f.paid_this_year_fen).max(0);
        if amount_fen > room {
            amount_fen = room;
            capped = true;
        }
    }
    let all_met = checks.iter().all(|c| c.met);
    let eligible = all_met && amount_fen > 0;
    let working = if capped {
        format!(
            "{working}；每户每年最高{}万元{}，本次{}万元",
            wan(m.cap_per_firm_fen.unwrap_or(0)),
            if f.paid_this_year_fen > 0 {
                format!("（本年已兑付{}万元）", wan(f.paid_this_year_fen))
            } else {
                String::new()
            },
            wan(amount_fen)
        )
    } else {
        working
    };
    Assessment {
        measure: m.id.clone(),
        checks,
        eligible,
        formula_fen,
        amount_fen: if all_met { amount_fen } else { 0 },
        capped,
        working,
    }
}

fn amount(m: &Measure, f: &Facts) -> (i64, String) {
    match &m.formula {
        Formula::Fixed { amount_fen } => (*amount_fen, format!("定额{}万元", wan(*amount_fen))),
        Formula::Share { base, bp } => match f.base(*base) {
            Some(v) => {
                let fen = share_fen(v.fen().max(0), i64::from(*bp), 10_000);
                (
                    fen,
                    format!(
                        "{} {}万元 × {} = {}万元",
                        base.label(),
                        wan(v.fen()),
                        pct(*bp),
                        wan(fen)
                    ),
                )
            }
            None => (0, format!("缺少{}", base.label())),
        },
        Formula::StockAndIncrease {
            stock_bp,
            increase_bp,
        } => {
            let Some(now) = f.base(BaseKind::RdExpense) else {
                return (0, "缺少研发费用".into());
            };
            let stock = share_fen(now.fen().max(0), i64::from(*stock_bp), 10_000);
            let inc = f.base(BaseKind::RdIncrease).map_or(0, |v| v.fen());
            let incr = share_fen(inc, i64::from(*increase_bp), 10_000);
            (
                stock + incr,
                format!(
                    "研发费用 {}万元 × {} + 增量 {}万元 × {} = {}万元",
                    wan(now.fen()),
                    pct(*stock_bp),
                    wan(inc),
                    pct(*increase_bp),
                    wan(stock + incr)
                ),
            )
        }
        Formula::Tiered { base, tiers } => match f.base(*base) {
            Some(v) => {
                let best = tiers
                    .iter()
                    .filter(|t| v.fen() >= t.min_fen)
                    .max_by_key(|t| t.min_fen);
                match best {
                    Some(t) => (
                        t.amount_fen,
                        format!(
                            "{} {}万元，达到{}万元档，奖励{}万元",
                            base.label(),
                            wan(v.fen()),
                            wan(t.min_fen),
                            wan(t.amount_fen)
                        ),
                    ),
                    None => (
                        0,
                        format!("{} {}万元，未达到最低档", base.label(), wan(v.fen())),
                    ),
                }
            }
            None => (0, format!("缺少{}", base.label())),
        },
    }
}

/// The measures of the demo district's "十二条措施": plausible defaults modelled on
/// the Chongqing examples of policy-rules.md §8 and §5.2 (no district's own amounts
/// were published), for the year `year`, open all year.
pub fn demo_measures(year: i32) -> Vec<Measure> {
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
    let wan = |w: i64| w * FEN_PER_WAN;
    let base = |id: &str, name: &str| Measure {
        id: id.into(),
        name: name.into(),
        policy: "铜梁区推动科技创新十二条措施（演示）".into(),
        eligibility: vec![Predicate::InDistrict, Predicate::CleanRecord],
        formula: Formula::Fixed { amount_fen: 1 },
        cap_per_firm_fen: None,
        annual_budget_fen: wan(1000),
        exclusive_with: vec![],
        opens: day(1, 1),
        closes: day(12, 31),
        no_application: false,
    };
    let mut rd = base("RD-INVEST", "研发投入补助");
    rd.eligibility.push(Predicate::HoldsAny {
        qualifications: vec![
            QualificationKind::TechEnterprise,
            QualificationKind::TechSme,
            QualificationKind::HighTech,
        ],
    });
    rd.formula = Formula::StockAndIncrease {
        stock_bp: 300,
        increase_bp: 1000,
    };
    rd.cap_per_firm_fen = Some(wan(100));
    rd.annual_budget_fen = wan(2000);
    rd.no_application = true;

    let mut project = base("RESEARCH-PROJECT", "科研项目补助");
    project.formula = Formula::Tiered {
        base: BaseKind::ProjectFunding,
        tiers: vec![
            Tier {
                min_fen: wan(10),
                amount_fen: wan(5),
            },
            Tier {
                min_fen: wan(50),
                amount_fen: wan(10),
            },
            Tier {
                min_fen: wan(100),
                amount_fen: wan(20),
            },
        ],
    };
    project.cap_per_firm_fen = Some(wan(50));
    project.annual_budget_fen = wan(500);

    let mut hte = base("HTE-CULTIVATION", "高新技术企业培育补助");
    hte.eligibility.push(Predicate::NewlyRecognised {
        qualification: QualificationKind::HighTech,
    });
    hte.formula = Formula::Fixed {
        amount_fen: wan(10),
    };
    hte.annual_budget_fen = wan(600);
    hte.no_application = true;

    let mut equipment = base("RD-EQUIPMENT", "研发设备购置补贴");
    equipment.eligibility.push(Predicate::BaseAtLeast {
        base: BaseKind::EquipmentInvoice,
        min_fen: wan(50),
    });
    equipment.formula = Formula::Share {
        base: BaseKind::EquipmentInvoice,
        bp: 1000,
    };
    equipment.cap_per_firm_fen = Some(wan(50));
    equipment.annual_budget_fen = wan(800);

    let mut loan = base("LOAN-INTEREST", "知识价值信用贷款贴息");
    loan.eligibility.push(Predicate::Holds {
        qualification: QualificationKind::TechEnterprise,
    });
    loan.formula = Formula::Share {
        base: BaseKind::InterestPaid,
        bp: 5000,
    };
    loan.cap_per_firm_fen = Some(wan(30));
    loan.annual_budget_fen = wan(300);

    let mut fee = base("LOAN-SERVICE-FEE", "贷款服务费补贴");
    fee.formula = Formula::Share {
        base: BaseKind::ServiceFee,
        bp: 5000,
    };
    fee.cap_per_firm_fen = Some(wan(20));
    fee.annual_budget_fen = wan(100);
    // One loan's costs are subsidised once: interest or fee measures, not both
    // from the district for the same period.
    fee.exclusive_with = vec!["LOAN-INTEREST".into()];
    loan.exclusive_with = vec!["LOAN-SERVICE-FEE".into()];

    vec![rd, project, hte, equipment, loan, fee]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(w: i64) -> Money {
        Money::from_fen(w * FEN_PER_WAN)
    }

    fn measure(id: &str) -> Measure {
        demo_measures(2026)
            .into_iter()
            .find(|m| m.id == id)
            .unwrap()
    }

    fn firm() -> Facts {
        Facts {
            qualifications: vec![
                QualificationKind::TechEnterprise,
                QualificationKind::HighTech,
            ],
            in_district: true,
            clean_record: true,
            ..Facts::default()
        }
    }

    #[test]
    fn every_demo_measure_is_valid() {
        let all = demo_measures(2026);
        assert!(all.len() >= 5);
        for m in &all {
            m.validate().unwrap_or_else(|e| panic!("{}: {e:?}", m.id));
        }
    }

    #[test]
    fn rd_investment_pays_3_percent_of_stock_and_10_percent_of_increase_up_to_the_cap() {
        let m = measure("RD-INVEST");
        let mut f = firm();
        f.bases.insert(BaseKind::RdExpense, wan(500));
        f.previous_rd_expense = Some(wan(400));
        let a = assess(&m, &f);
        assert!(a.eligible, "{a:?}");
        // 500 × 3 % + 100 × 10 % = 15 + 10 = 25 万元.
        assert_eq!(a.amount_fen, wan(25).fen());
        assert_eq!(
            a.working,
            "研发费用 500万元 × 3% + 增量 100万元 × 10% = 25万元"
        );
        // A fall in R&D counts no increase.
        f.previous_rd_expense = Some(wan(600));
        assert_eq!(assess(&m, &f).amount_fen, wan(15).fen());
        // At the cap: 5,000 万 × 3 % = 150 → 100; 40 already paid this year → 60.
        f.bases.insert(BaseKind::RdExpense, wan(5000));
        f.previous_rd_expense = Some(wan(6000));
        f.paid_this_year_fen = wan(40).fen();
        let a = assess(&m, &f);
        assert!(a.capped);
        assert_eq!(a.formula_fen, wan(150).fen());
        assert_eq!(a.amount_fen, wan(60).fen());
        // Fully used cap: nothing left, not eligible.
        f.paid_this_year_fen = wan(100).fen();
        let a = assess(&m, &f);
        assert_eq!(a.amount_fen, 0);
        assert!(!a.eligible);
    }

    #[test]
    fn equipment_needs_the_threshold_inclusive() {
        let m = measure("RD-EQUIPMENT");
        let mut f = firm();
        f.bases.insert(
            BaseKind::EquipmentInvoice,
            Money::from_fen(wan(50).fen() - 1),
        );
        let a = assess(&m, &f);
        assert!(!a.eligible);
        assert_eq!(a.amount_fen, 0);
        assert!(
            a.checks
                .iter()
                .any(|c| !c.met && c.label == "研发设备购置金额不低于50万元")
        );
        f.bases.insert(BaseKind::EquipmentInvoice, wan(50));
        let a = assess(&m, &f);
        assert!(a.eligible);
        assert_eq!(a.amount_fen, wan(5).fen());
        f.bases.insert(BaseKind::EquipmentInvoice, wan(800));
        assert_eq!(assess(&m, &f).amount_fen, wan(50).fen());
    }

    #[test]
    fn tiers_pay_the_highest_tier_reached() {
        let m = measure("RESEARCH-PROJECT");
        let mut f = firm();
        for (funding, award) in [(9, 0), (10, 5), (49, 5), (50, 10), (100, 20), (900, 20)] {
            f.bases.insert(BaseKind::ProjectFunding, wan(funding));
            assert_eq!(assess(&m, &f).amount_fen, wan(award).fen(), "{funding}");
        }
    }

    #[test]
    fn conditions_not_met_pay_nothing_and_say_which() {
        let m = measure("HTE-CULTIVATION");
        let mut f = firm();
        f.in_district = false;
        let a = assess(&m, &f);
        assert!(!a.eligible);
        assert_eq!(a.amount_fen, 0);
        let unmet: Vec<&str> = a
            .checks
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(
            unmet,
            ["注册、税收、统计关系均在本区", "本期首次认定为高新技术企业"]
        );
        f.in_district = true;
        f.newly_recognised = vec![QualificationKind::HighTech];
        assert_eq!(assess(&m, &f).amount_fen, wan(10).fen());
    }

    #[test]
    fn exclusive_measures_and_repeat_payments_are_refused() {
        let interest = measure("LOAN-INTEREST");
        let mut f = firm();
        f.bases.insert(BaseKind::InterestPaid, wan(20));
        assert_eq!(assess(&interest, &f).amount_fen, wan(10).fen());
        f.approved_measures = vec!["LOAN-SERVICE-FEE".into()];
        let a = assess(&interest, &f);
        assert!(!a.eligible);
        assert!(
            a.checks
                .iter()
                .any(|c| c.label == "已享受不可叠加的措施：LOAN-SERVICE-FEE")
        );
        f.approved_measures = vec!["LOAN-INTEREST".into()];
        assert!(!assess(&interest, &f).eligible);
    }

    #[test]
    fn a_missing_base_is_a_condition_not_a_zero() {
        let m = measure("LOAN-SERVICE-FEE");
        let a = assess(&m, &firm());
        assert!(!a.eligible);
        assert!(
            a.checks
                .iter()
                .any(|c| !c.met && c.label == "已填报贷款服务费")
        );
    }

    #[test]
    fn bad_measures_are_refused_naming_the_field() {
        let mut m = measure("RD-EQUIPMENT");
        m.id = "设备".into();
        m.annual_budget_fen = 0;
        m.cap_per_firm_fen = Some(-1);
        m.closes = m.opens.pred_opt().unwrap();
        m.formula = Formula::Share {
            base: BaseKind::EquipmentInvoice,
            bp: 10_001,
        };
        let errs = m.validate().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "id",
                "annual_budget_fen",
                "cap_per_firm_fen",
                "closes",
                "formula.bp"
            ]
        );
    }

    #[test]
    fn recorded_loan_costs_are_bases_unless_declared() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let r = Records {
            in_district: true,
            loan_interest: Some(wan(12).fen()),
            loan_service_fee: Some(0),
            ..Records::default()
        };
        let f = facts("LOAN-INTEREST", 2024, 2023, d, &r, &BTreeMap::new(), None);
        assert_eq!(f.base(BaseKind::InterestPaid), Some(wan(12)));
        // A zero fee is no base: the fee measure still asks for one.
        assert_eq!(f.base(BaseKind::ServiceFee), None);
        let mut m = measure("LOAN-INTEREST");
        m.eligibility.clear();
        assert_eq!(assess(&m, &f).amount_fen, wan(6).fen());
        // A declared figure (with its receipts) is kept as given.
        let declared: BTreeMap<BaseKind, i64> = [(BaseKind::InterestPaid, wan(20).fen())].into();
        let f = facts("LOAN-INTEREST", 2024, 2023, d, &r, &declared, None);
        assert_eq!(f.base(BaseKind::InterestPaid), Some(wan(20)));
    }

    #[test]
    fn facts_pick_valid_and_new_qualifications_and_this_years_grants() {
        use crate::qualification::Qualification;
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let q = |k, on, until| Qualification {
            kind: k,
            number: None,
            recognized_on: on,
            valid_until: Some(until),
        };
        let r = Records {
            in_district: true,
            dishonest: false,
            qualifications: vec![
                q(QualificationKind::HighTech, d(2022, 12, 1), d(2025, 11, 30)),
                q(QualificationKind::TechSme, d(2019, 5, 1), d(2020, 4, 30)),
                q(QualificationKind::TechSme, d(2022, 5, 1), d(2024, 4, 30)),
            ],
            rd_expense: Some(wan(500).fen()),
            rd_expense_prev: Some(wan(400).fen()),
            granted: vec![
                Granted {
                    measure: "RD-INVEST".into(),
                    year: 2023,
                    period: 2022,
                    amount_fen: wan(30).fen(),
                },
                Granted {
                    measure: "LOAN-INTEREST".into(),
                    year: 2022,
                    period: 2021,
                    amount_fen: wan(1).fen(),
                },
            ],
            loan_interest: None,
            loan_service_fee: None,
        };
        let f = facts(
            "RD-INVEST",
            2023,
            2022,
            d(2023, 6, 1),
            &r,
            &BTreeMap::new(),
            None,
        );
        // The TechSme of 2019 was the first: a renewal in 2022 is not new.
        assert_eq!(f.newly_recognised, vec![QualificationKind::HighTech]);
        assert_eq!(
            f.qualifications,
            vec![QualificationKind::TechSme, QualificationKind::HighTech]
        );
        assert_eq!(f.paid_this_year_fen, wan(30).fen());
        assert_eq!(f.approved_measures, vec!["RD-INVEST".to_string()]);
        assert_eq!(f.base(BaseKind::RdIncrease), Some(wan(100)));
        // Re-assessing the grant itself leaves it out.
        let own = r.granted[0].clone();
        let f = facts(
            "RD-INVEST",
            2023,
            2022,
            d(2023, 6, 1),
            &r,
            &BTreeMap::new(),
            Some(&own),
        );
        assert_eq!(f.paid_this_year_fen, 0);
        assert!(f.approved_measures.is_empty());
    }

    #[test]
    fn formulas_read_in_words_and_codes_round_trip() {
        assert_eq!(
            measure("RD-INVEST").formula_label(),
            "按研发费用的3%加研发费用增量的10%给予补助，每户每年最高100万元"
        );
        assert_eq!(
            measure("RESEARCH-PROJECT").formula_label(),
            "按项目立项经费分档奖励：10万元以上5万元，50万元以上10万元，100万元以上20万元，每户每年最高50万元"
        );
        for k in BaseKind::ALL {
            assert_eq!(BaseKind::from_code(k.code()), Some(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::json!(k.code())
            );
        }
        assert_eq!(measure("RD-INVEST").declared_base(), None);
        assert_eq!(
            measure("RD-EQUIPMENT").declared_base(),
            Some(BaseKind::EquipmentInvoice)
        );
    }

    #[test]
    fn windows_are_inclusive() {
        let m = measure("RD-INVEST");
        assert!(m.is_open(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()));
        assert!(m.is_open(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()));
        assert!(!m.is_open(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
    }
}
