//! 知识价值信用贷款 (knowledge-value credit loans): the credit evaluation, its grade
//! and credit line, the risk-compensation split and the circuit breaker
//! (rules/policy-rules.md §5).
//!
//! What is published (§5.1) and encoded as such: the model's base indicators are
//! 知识产权 and 研发投入, its bonus indicators 科技人才, 创新产品 and 创新企业; it
//! yields a grade A–E and a recommended line; the 2023 lines are A 500 / B 400 /
//! C 300 / D 160 / E 80 万元 (2017: 40–300 万元); the risk-compensation fund pays 80 %
//! of overdue principal (the bank bears 20 % and the interest), funded by the city
//! and the district at 4 : 6, with a circuit breaker.
//!
//! What is not published (§5.2) and is therefore a district setting with a
//! documented default ([`Model::default`]): the indicator weights, the score bands
//! and the grade cut-offs, and the circuit breaker's threshold. The municipal system
//! remains the authority for the official grade; a district platform stores the
//! official grade when it has it and uses this evaluation as its own pre-assessment.
//!
//! 研发机构 (the enterprise's R&D institution / innovation platform level) is not
//! among the indicators the 2017 description names, but the 2023 model evaluates
//! "创新要素" broadly and issue 6 asks the platform registry to feed it; neither
//! the item nor its weight is published (§5.2). It is therefore a bonus item whose
//! points per level are a district setting ([`Settings::institution_points`]) with
//! the default of the 专精特新 points table's 研发机构级别 item (§2: national 10,
//! provincial 8, municipal 4, below municipal 2, none 0). The score stays capped at
//! 100. Evaluations stored under the earlier pack [`PACK_ID_2023`] (without the
//! item) reproduce with that pack's model.

use crate::error::FieldError;
use crate::ledger::{share_fen, split_fen};
use crate::money::{FEN_PER_WAN, Money};
use rust_decimal::Decimal;

/// The rule pack id of the default model (with the 研发机构 item at its default
/// points). A district's own points give `KVC-CQ-2023-RD:<below>,<municipal>,<provincial>,<national>`.
pub const PACK_ID: &str = "KVC-CQ-2023-RD";

/// The pack id of the first model, without the 研发机构 item.
pub const PACK_ID_2023: &str = "KVC-CQ-2023";

/// Default points of the 研发机构 item for below municipal, municipal, provincial
/// and national level (the 专精特新 table's 研发机构级别 points, §2).
pub const INSTITUTION_POINTS: [u32; 4] = [2, 4, 8, 10];

/// Most points a district may give the 研发机构 item.
pub const INSTITUTION_POINTS_MAX: u32 = 20;

/// A credit grade.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Grade {
    /// Best.
    A,
    /// Second.
    B,
    /// Third.
    C,
    /// Fourth.
    D,
    /// Lowest grade that still gets a line.
    E,
}

impl Grade {
    /// All grades, best first.
    pub const ALL: [Grade; 5] = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::E];

    /// "A" … "E".
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::E => "E",
        }
    }

    /// Parses "A" … "E" (either case).
    pub fn parse(s: &str) -> Option<Grade> {
        Grade::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(s.trim()))
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Grade → recommended credit line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineTable {
    /// Which table (e.g. "2023").
    pub version: String,
    /// Lines for A, B, C, D, E in fen, non-increasing.
    pub lines_fen: [i64; 5],
}

impl LineTable {
    /// The 2023 table: A 500, B 400, C 300, D 160, E 80 万元 (§5.1, [V-news]).
    pub fn y2023() -> LineTable {
        LineTable {
            version: "2023".into(),
            lines_fen: [500, 400, 300, 160, 80].map(|w| w * FEN_PER_WAN),
        }
    }

    /// The 2017 pilot's range was 40–300 万元; the per-grade split was not
    /// published, so this spreads the range (A 300, B 240, C 160, D 100, E 40 万元).
    pub fn y2017() -> LineTable {
        LineTable {
            version: "2017".into(),
            lines_fen: [300, 240, 160, 100, 40].map(|w| w * FEN_PER_WAN),
        }
    }

    /// A district's own table: lines must be positive and not increase from A to E.
    pub fn new(version: &str, lines_fen: [i64; 5]) -> Result<LineTable, FieldError> {
        for (i, g) in Grade::ALL.iter().enumerate() {
            if lines_fen[i] <= 0 {
                return Err(
                    FieldError::new(format!("lines.{}", g.as_str()), "value_negative")
                        .with("value", Money::from_fen(lines_fen[i])),
                );
            }
            if i > 0 && lines_fen[i] > lines_fen[i - 1] {
                return Err(FieldError::new(
                    format!("lines.{}", g.as_str()),
                    "credit_lines_order",
                ));
            }
        }
        Ok(LineTable {
            version: version.into(),
            lines_fen,
        })
    }

    /// The line of a grade.
    pub fn line(&self, g: Grade) -> Money {
        Money::from_fen(self.lines_fen[g.index()])
    }
}

/// What the evaluation reads, for one enterprise at one date (amounts in 万元 as
/// filed, exact).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Inputs {
    /// Valid invention patents (Ⅰ类).
    pub invention_patents: u32,
    /// Other valid IP: utility models, designs, software copyrights, layouts (Ⅱ类).
    pub other_ip: u32,
    /// R&D expense of the last accounting year, 万元.
    pub rd_expense_wan: Decimal,
    /// Revenue of the last accounting year, 万元.
    pub revenue_wan: Decimal,
    /// S&T staff.
    pub sci_staff: u32,
    /// All staff.
    pub staff: u32,
    /// Revenue from new (innovative) products, 万元.
    pub new_product_revenue_wan: Decimal,
    /// Holds a valid 高新技术企业 certificate.
    pub high_tech: bool,
    /// Is a recognised 科技型中小企业 this year.
    pub tech_sme: bool,
    /// Is a 专精特新 SME.
    pub srdi: bool,
    /// Is a 专精特新"小巨人".
    pub little_giant: bool,
    /// The level of the best accredited R&D institution / innovation platform the
    /// enterprise hosts or co-builds on the date (indicator #23): 0 none, 1 below
    /// municipal (district), 2 municipal, 3 provincial, 4 national. Absent in
    /// inputs stored before the item existed (then 0).
    #[serde(default)]
    pub institution_level: u8,
}

/// One scored item with why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Item {
    /// Stable code, e.g. `ip.invention`.
    pub code: &'static str,
    /// zh-CN label.
    pub label: &'static str,
    /// Base or bonus.
    pub bonus: bool,
    /// Points given.
    pub points: u32,
    /// Most points possible.
    pub max: u32,
    /// The value it was read from, zh-CN.
    pub value: String,
}

/// A band: at least `min` (inclusive) gives `points`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Band {
    /// Lower bound, inclusive.
    pub min: Decimal,
    /// Points.
    pub points: u32,
}

/// The district's scoring model: bands per indicator and grade cut-offs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Model {
    /// Pack id stored with each evaluation.
    pub pack: String,
    /// Invention patents (count).
    pub invention: Vec<Band>,
    /// Other IP (count).
    pub other_ip: Vec<Band>,
    /// Most points for 知识产权 together.
    pub ip_cap: u32,
    /// R&D expense / revenue, percent.
    pub rd_ratio_pct: Vec<Band>,
    /// R&D expense, 万元.
    pub rd_amount_wan: Vec<Band>,
    /// S&T staff / staff, percent.
    pub talent_pct: Vec<Band>,
    /// New-product revenue / revenue, percent.
    pub product_pct: Vec<Band>,
    /// Points for 高企, 科小, 专精特新, 小巨人, and their cap together.
    pub qualification: [u32; 4],
    /// Most points for 创新企业.
    pub qualification_cap: u32,
    /// Least score for A, B, C, D, E; below E's there is no line.
    pub cutoffs: [u32; 5],
    /// Points of the 研发机构 item for below municipal, municipal, provincial and
    /// national level; all zero: no such item (the first pack).
    #[serde(default)]
    pub institution: [u32; 4],
}

fn bands(v: &[(i64, u32)]) -> Vec<Band> {
    v.iter()
        .map(|&(min, points)| Band {
            min: Decimal::from(min),
            points,
        })
        .collect()
}

impl Default for Model {
    /// The default (weights unpublished, §5.2; chosen so that base indicators carry
    /// 70 points and bonus indicators 30, as the 2017 description "weighted plus
    /// bonus" suggests): 知识产权 35, 研发投入 35, 科技人才 10, 创新产品 10,
    /// 创新企业 10; A ≥ 80, B ≥ 65, C ≥ 50, D ≥ 35, E ≥ 20.
    fn default() -> Model {
        Model {
            pack: PACK_ID.into(),
            invention: bands(&[(1, 12), (2, 20), (5, 28)]),
            other_ip: bands(&[(1, 3), (5, 7)]),
            ip_cap: 35,
            rd_ratio_pct: bands(&[(1, 5), (3, 10), (4, 15), (6, 20)]),
            rd_amount_wan: bands(&[(1, 2), (100, 6), (500, 10), (1000, 15)]),
            talent_pct: bands(&[(10, 4), (20, 7), (30, 10)]),
            product_pct: bands(&[(1, 2), (10, 4), (30, 7), (50, 10)]),
            qualification: [6, 2, 3, 4],
            qualification_cap: 10,
            cutoffs: [80, 65, 50, 35, 20],
            institution: INSTITUTION_POINTS,
        }
    }
}

impl Model {
    /// The model with a district's 研发机构 points (its pack id names them unless
    /// they are the defaults).
    pub fn with_institution(points: [u32; 4]) -> Model {
        let mut m = Model {
            institution: points,
            ..Model::default()
        };
        if points != INSTITUTION_POINTS {
            m.pack = format!("{PACK_ID}:{}", points.map(|p| p.to_string()).join(","));
        }
        m
    }

    /// The model a stored pack id names: [`PACK_ID_2023`] (no 研发机构 item),
    /// [`PACK_ID`], or [`PACK_ID`] with its points; `None` for anything else.
    pub fn for_pack(pack: &str) -> Option<Model> {
        if pack == PACK_ID_2023 {
            return Some(Model {
                pack: PACK_ID_2023.into(),
                institution: [0; 4],
                ..Model::default()
            });
        }
        if pack == PACK_ID {
            return Some(Model::default());
        }
        let rest = pack.strip_prefix(PACK_ID)?.strip_prefix(':')?;
        let v: Vec<u32> = rest
            .split(',')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let points: [u32; 4] = v.try_into().ok()?;
        Some(Model::with_institution(points))
    }
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// The model's pack id.
    pub pack: String,
    /// 0–100.
    pub score: u32,
    /// The grade, if the score reaches E's cut-off.
    pub grade: Option<Grade>,
    /// The recommended line (zero without a grade); serialized as `line_fen`.
    #[serde(rename = "line_fen", serialize_with = "fen")]
    pub line: Money,
    /// Every item, base first.
    pub items: Vec<Item>,
}

fn band_points(bands: &[Band], v: Decimal) -> u32 {
    bands
        .iter()
        .filter(|b| v >= b.min)
        .map(|b| b.points)
        .max()
        .unwrap_or(0)
}

fn pct(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (whole > Decimal::ZERO).then(|| part * Decimal::from(100) / whole)
}

fn show_pct(p: Option<Decimal>) -> String {
    p.map_or_else(
        || "无营业收入".into(),
        |p| format!("{}%", p.round_dp(2).normalize()),
    )
}

/// Evaluates one enterprise with a model and a line table.
pub fn evaluate(model: &Model, table: &LineTable, x: &Inputs) -> Evaluation {
    let mut items = Vec::new();
    let inv = band_points(&model.invention, Decimal::from(x.invention_patents));
    let other = band_points(&model.other_ip, Decimal::from(x.other_ip));
    let ip = (inv + other).min(model.ip_cap);
    items.push(Item {
        code: "ip",
        label: "知识产权",
        bonus: false,
        points: ip,
        max: model.ip_cap,
        value: format!(
            "发明专利 {} 件，其他知识产权 {} 件",
            x.invention_patents, x.other_ip
        ),
    });
    let ratio = pct(x.rd_expense_wan, x.revenue_wan);
    let rd_ratio = ratio.map_or(0, |r| band_points(&model.rd_ratio_pct, r));
    let rd_amount = if x.rd_expense_wan > Decimal::ZERO {
        band_points(&model.rd_amount_wan, x.rd_expense_wan)
    } else {
        0
    };
    let rd_max = max_points(&model.rd_ratio_pct) + max_points(&model.rd_amount_wan);
    items.push(Item {
        code: "rd",
        label: "研发投入",
        bonus: false,
        points: rd_ratio + rd_amount,
        max: rd_max,
        value: format!(
            "研发费用 {} 万元，占营业收入 {}",
            x.rd_expense_wan.normalize(),
            show_pct(ratio)
        ),
    });
    let talent = pct(Decimal::from(x.sci_staff), Decimal::from(x.staff));
    items.push(Item {
        code: "talent",
        label: "科技人才",
        bonus: true,
        points: talent.map_or(0, |t| band_points(&model.talent_pct, t)),
        max: max_points(&model.talent_pct),
        value: format!(
            "科技人员 {} 人，占职工 {}",
            x.sci_staff,
            talent.map_or_else(|| "—".into(), |t| format!("{}%", t.round_dp(2).normalize()))
        ),
    });
    let product = pct(x.new_product_revenue_wan, x.revenue_wan);
    items.push(Item {
        code: "product",
        label: "创新产品",
        bonus: true,
        points: product.map_or(0, |p| band_points(&model.product_pct, p)),
        max: max_points(&model.product_pct),
        value: format!(
            "新产品收入 {} 万元，占营业收入 {}",
            x.new_product_revenue_wan.normalize(),
            show_pct(product)
        ),
    });
    let [ht, sme, srdi, giant] = model.qualification;
    let mut quals = Vec::new();
    let mut q = 0;
    for (held, pts, name) in [
        (x.high_tech, ht, "高新技术企业"),
        (x.tech_sme, sme, "科技型中小企业"),
        (x.srdi && !x.little_giant, srdi, "专精特新中小企业"),
        (x.little_giant, giant, "专精特新“小巨人”"),
    ] {
        if held {
            q += pts;
            quals.push(name);
        }
    }
    items.push(Item {
        code: "enterprise",
        label: "创新企业",
        bonus: true,
        points: q.min(model.qualification_cap),
        max: model.qualification_cap,
        value: if quals.is_empty() {
            "无".into()
        } else {
            quals.join("、")
        },
    });
    let inst_max = model.institution.iter().copied().max().unwrap_or(0);
    if inst_max > 0 {
        let level = usize::from(x.institution_level.min(4));
        items.push(Item {
            code: "institution",
            label: "研发机构",
            bonus: true,
            points: if level == 0 {
                0
            } else {
                model.institution[level - 1]
            },
            max: inst_max,
            value: institution_label(x.institution_level).into(),
        });
    }
    let score = items.iter().map(|i| i.points).sum::<u32>().min(100);
    let grade = Grade::ALL
        .into_iter()
        .zip(model.cutoffs)
        .find(|&(_, cut)| score >= cut)
        .map(|(g, _)| g);
    Evaluation {
        pack: model.pack.clone(),
        score,
        grade,
        line: grade.map_or(Money::ZERO, |g| table.line(g)),
        items,
    }
}

/// zh-CN name of an institution level 0–4.
fn institution_label(level: u8) -> &'static str {
    match level {
        0 => "无",
        1 => "区县级研发机构",
        2 => "市级研发机构",
        3 => "省级研发机构",
        _ => "国家级研发机构",
    }
}

fn fen<S: serde::Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(m.fen())
}

fn max_points(bands: &[Band]) -> u32 {
    bands.iter().map(|b| b.points).max().unwrap_or(0)
}

/// How an overdue principal is compensated (§5.1): the fund pays 80 %, the bank
/// bears 20 %; the fund's part is borne by the city and the district at 4 : 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Compensation {
    /// Overdue principal claimed.
    #[serde(rename = "principal_fen", serialize_with = "fen")]
    pub principal: Money,
    /// Paid by the fund.
    #[serde(rename = "fund_fen", serialize_with = "fen")]
    pub fund: Money,
    /// Borne by the bank.
    #[serde(rename = "bank_fen", serialize_with = "fen")]
    pub bank: Money,
    /// Of the fund's part, the city's budget.
    #[serde(rename = "city_fen", serialize_with = "fen")]
    pub city: Money,
    /// Of the fund's part, the district's budget.
    #[serde(rename = "district_fen", serialize_with = "fen")]
    pub district: Money,
}

/// Shares of the compensation rule; the published values are the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompensationRule {
    /// Percent of overdue principal the fund pays (80).
    pub fund_pct: u32,
    /// City : district weights of the fund's part (4 : 6).
    pub city_district: [u32; 2],
    /// The circuit breaker: claims stop when the district's bad-loan ratio
    /// (overdue principal / outstanding principal) reaches this many basis points.
    /// Not published for Chongqing; default 800 (8 %, Hubei 2025's suspension
    /// level), with a warning at 500 (5 %).
    pub breaker_bp: u32,
    /// Warning level, basis points.
    pub warning_bp: u32,
}

impl Default for CompensationRule {
    fn default() -> Self {
        CompensationRule {
            fund_pct: 80,
            city_district: [4, 6],
            breaker_bp: 800,
            warning_bp: 500,
        }
    }
}

impl CompensationRule {
    /// The split of an overdue principal, exact to the fen (the fund's 80 % is
    /// rounded half up; the city and district parts sum to exactly the fund's).
    pub fn split(&self, principal: Money) -> Result<Compensation, FieldError> {
        if principal.fen() <= 0 {
            return Err(
                FieldError::new("principal", "credit_principal_not_positive")
                    .with("value", principal),
            );
        }
        let fund = share_fen(principal.fen(), i64::from(self.fund_pct), 100);
        let parts = split_fen(fund, &self.city_district);
        Ok(Compensation {
            principal,
            fund: Money::from_fen(fund),
            bank: Money::from_fen(principal.fen() - fund),
            city: Money::from_fen(parts[0]),
            district: Money::from_fen(parts[1]),
        })
    }

    /// Where the district stands against the breaker, from its overdue and
    /// outstanding principal (exact comparison, no floats).
    pub fn breaker(&self, overdue: Money, outstanding: Money) -> Breaker {
        if outstanding.fen() <= 0 {
            return Breaker::Normal;
        }
        let ratio_bp_times_out = i128::from(overdue.fen()) * 10_000;
        let out = i128::from(outstanding.fen());
        if ratio_bp_times_out >= i128::from(self.breaker_bp) * out {
            Breaker::Tripped
        } else if ratio_bp_times_out >= i128::from(self.warning_bp) * out {
            Breaker::Warning
        } else {
            Breaker::Normal
        }
    }
}

/// The circuit breaker's state (熔断).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breaker {
    /// Claims are paid.
    Normal,
    /// Claims are paid; the bureau is warned.
    Warning,
    /// New claims are suspended.
    Tripped,
}

/// Interest subsidy (贴息): `amount × rate × share × days / 365`, capped, exact to
/// the fen (rounded half up) — the 重庆高新区 2021 formula of §5.2 with the rate in
/// basis points and the share in percent as parameters.
pub fn interest_subsidy(
    amount: Money,
    rate_bp: u32,
    share_pct: u32,
    days: u32,
    cap: Option<Money>,
) -> Result<Money, FieldError> {
    if amount.fen() <= 0 {
        return Err(
            FieldError::new("amount", "credit_principal_not_positive").with("value", amount)
        );
    }
    if days > 366 {
        return Err(FieldError::new("days", "number_out_of_range").with("value", days));
    }
    let num = i64::from(rate_bp) * i64::from(share_pct) * i64::from(days);
    let den = 10_000 * 100 * 365;
    let fen = share_fen(amount.fen(), num, den);
    let fen = cap.map_or(fen, |c| fen.min(c.fen()));
    Ok(Money::from_fen(fen))
}

/// The published line tables by version ("2023", "2017").
pub fn line_table(version: &str) -> Option<LineTable> {
    match version.trim() {
        "2023" => Some(LineTable::y2023()),
        "2017" => Some(LineTable::y2017()),
        _ => None,
    }
}

/// A district's credit settings: the active line table, how long a loan must be
/// overdue before a compensation claim (default 90 days), and the compensation
/// rule with its circuit breaker.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// Version of the active line table ("2023" default, or "2017").
    pub line_table: String,
    /// Days overdue before a claim may be made.
    pub claim_min_days: u32,
    /// Validity of an evaluation, days.
    pub validity_days: u32,
    /// Shares and the circuit breaker.
    pub rule: CompensationRule,
    /// Points of the 研发机构 item for below municipal, municipal, provincial and
    /// national level (unpublished; default [`INSTITUTION_POINTS`]). Must not
    /// decrease with the level, at most [`INSTITUTION_POINTS_MAX`].
    #[serde(default = "default_institution_points")]
    pub institution_points: [u32; 4],
}

fn default_institution_points() -> [u32; 4] {
    INSTITUTION_POINTS
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            line_table: "2023".into(),
            claim_min_days: 90,
            validity_days: 365,
            rule: CompensationRule::default(),
            institution_points: INSTITUTION_POINTS,
        }
    }
}

impl Settings {
    /// Checks the settings; every problem names its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        if line_table(&self.line_table).is_none() {
            errs.push(
                FieldError::new("line_table", "credit_line_table_unknown")
                    .with("value", &self.line_table),
            );
        }
        if self.claim_min_days > 3650 {
            errs.push(
                FieldError::new("claim_min_days", "number_out_of_range")
                    .with("value", self.claim_min_days),
            );
        }
        if !(1..=3650).contains(&self.validity_days) {
            errs.push(
                FieldError::new("validity_days", "number_out_of_range")
                    .with("value", self.validity_days),
            );
        }
        let r = &self.rule;
        if r.fund_pct == 0 || r.fund_pct > 100 {
            errs.push(FieldError::new("fund_pct", "number_out_of_range").with("value", r.fund_pct));
        }
        if r.city_district.iter().sum::<u32>() == 0 {
            errs.push(FieldError::new("city_district", "number_out_of_range"));
        }
        if r.warning_bp == 0 || r.warning_bp > r.breaker_bp || r.breaker_bp > 10_000 {
            errs.push(
                FieldError::new("breaker_bp", "credit_breaker_order")
                    .with("warning", r.warning_bp)
                    .with("breaker", r.breaker_bp),
            );
        }
        let p = self.institution_points;
        if p.iter().any(|&v| v > INSTITUTION_POINTS_MAX) || p.windows(2).any(|w| w[1] < w[0]) {
            errs.push(
                FieldError::new("institution_points", "credit_institution_points")
                    .with("value", format!("{p:?}"))
                    .with("max", INSTITUTION_POINTS_MAX),
            );
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// The scoring model with the district's 研发机构 points.
    pub fn model(&self) -> Model {
        Model::with_institution(self.institution_points)
    }

    /// The active line table (the 2023 table if the stored version is unknown).
    pub fn table(&self) -> LineTable {
        line_table(&self.line_table).unwrap_or_else(LineTable::y2023)
    }
}

/// Maps the registry's records of one enterprise to the model's inputs on a date
/// (the mapping documented in docs/credit.md):
///
/// * 知识产权: Ⅰ类 / Ⅱ类 IP records granted on or before the date and valid;
/// * 研发投入, 营业收入, 科技人员, 职工总数, 创新产品 (高新技术产品(服务)收入): the
///   latest current annual (or, failing one, fourth-quarter year-to-date) filing
///   whose period ended before the date — the last accounting year;
/// * 创新企业: the 高企, 科技型中小企业, 专精特新 and 小巨人 qualifications valid on
///   the date;
/// * 研发机构: the level the platform registry gives the enterprise on the date
///   (its best accredited R&D-institution platform, hosted or co-built).
pub fn registry_inputs(
    filings: &[(crate::period::Period, crate::indicator::Values)],
    ip: &[crate::ip::IpRecord],
    quals: &[crate::qualification::Qualification],
    institution: crate::indicator::InstitutionLevel,
    on: chrono::NaiveDate,
) -> Inputs {
    use crate::ip::{IpClass, LegalStatus};
    use crate::qualification::QualificationKind as K;
    let mut x = Inputs::default();
    for r in ip {
        if r.status == LegalStatus::Valid && r.granted_on.is_some_and(|g| g <= on) {
            match r.ip_type.class() {
                IpClass::I => x.invention_patents += 1,
                IpClass::II => x.other_ip += 1,
            }
        }
    }
    // The latest period ended before the date; an annual filing wins over the
    // fourth quarter of the same year.
    let latest = filings
        .iter()
        .filter(|(p, _)| p.end_date() < on && (p.is_annual() || p.quarter_number() == Some(4)))
        .max_by_key(|(p, _)| (p.end_date(), p.is_annual()));
    if let Some((_, v)) = latest {
        let wan = |code: &str| Decimal::new(v.get(code).unwrap_or(0), 6).normalize();
        let people = |code: &str| u32::try_from(v.get(code).unwrap_or(0) / 100).unwrap_or(0);
        x.rd_expense_wan = wan("rd_expense");
        x.revenue_wan = wan("operating_revenue");
        x.new_product_revenue_wan = wan("high_tech_revenue");
        x.sci_staff = people("st_staff");
        x.staff = people("employees");
    }
    x.institution_level = institution as u8;
    for q in quals.iter().filter(|q| q.valid_on(on)) {
        match q.kind {
            K::HighTech => x.high_tech = true,
            K::TechSme => x.tech_sme = true,
            K::Srdi => x.srdi = true,
            K::LittleGiant => x.little_giant = true,
            _ => {}
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn firm() -> Inputs {
        Inputs {
            invention_patents: 3,
            other_ip: 6,
            rd_expense_wan: dec("420"),
            revenue_wan: dec("8000"),
            sci_staff: 25,
            staff: 120,
            new_product_revenue_wan: dec("2600"),
            high_tech: true,
            tech_sme: true,
            srdi: false,
            little_giant: false,
            institution_level: 0,
        }
    }

    #[test]
    fn a_worked_example_scores_item_by_item() {
        let e = evaluate(&Model::default(), &LineTable::y2023(), &firm());
        let pts: Vec<(&str, u32)> = e.items.iter().map(|i| (i.code, i.points)).collect();
        // IP: 3 inventions → 20, 6 others → 7; R&D 5.25 % → 15, 420 万 → 6;
        // talent 20.83 % → 7; products 32.5 % → 7; 高企 6 + 科小 2.
        assert_eq!(
            pts,
            [
                ("ip", 27),
                ("rd", 21),
                ("talent", 7),
                ("product", 7),
                ("enterprise", 8),
                ("institution", 0)
            ]
        );
        assert_eq!(e.score, 70);
        assert_eq!(e.grade, Some(Grade::B));
        assert_eq!(e.line, Money::from_fen(400 * FEN_PER_WAN));
        assert_eq!(e.items[1].value, "研发费用 420 万元，占营业收入 5.25%");
    }

    #[test]
    fn grade_boundaries_belong_to_the_higher_grade() {
        let m = Model::default();
        let t = LineTable::y2023();
        // Build firms scoring exactly each cut-off by IP + R&D points only.
        let base = Inputs {
            revenue_wan: dec("1000"),
            staff: 10,
            ..Inputs::default()
        };
        let cases = [
            // (inventions, others, rd wan) → score
            ((0, 0, "0"), 0, None),
            ((1, 1, "10"), 12 + 3 + 5 + 2, Some(Grade::E)), // 22
            ((5, 5, "0"), 35, Some(Grade::D)),
        ];
        for ((inv, oth, rd), want, grade) in cases {
            let x = Inputs {
                invention_patents: inv,
                other_ip: oth,
                rd_expense_wan: dec(rd),
                ..base.clone()
            };
            let e = evaluate(&m, &t, &x);
            assert_eq!(e.score, want, "{inv} {oth} {rd}");
            assert_eq!(e.grade, grade);
        }
        // Exactly 50 → C, 49 → D.
        let mut m2 = m.clone();
        m2.cutoffs = [80, 65, 50, 35, 20];
        let x = Inputs {
            invention_patents: 5,
            other_ip: 5,
            rd_expense_wan: dec("30"),
            ..base.clone()
        }; // 35 + 3 % (10) + 30 万 (2) = 47
        assert_eq!(evaluate(&m2, &t, &x).score, 47);
        m2.cutoffs = [80, 65, 47, 35, 20];
        assert_eq!(evaluate(&m2, &t, &x).grade, Some(Grade::C));
        m2.cutoffs = [80, 65, 48, 35, 20];
        assert_eq!(evaluate(&m2, &t, &x).grade, Some(Grade::D));
    }

    #[test]
    fn no_revenue_or_staff_scores_zero_on_ratios_without_dividing_by_zero() {
        let x = Inputs {
            rd_expense_wan: dec("50"),
            sci_staff: 3,
            ..Inputs::default()
        };
        let e = evaluate(&Model::default(), &LineTable::y2023(), &x);
        assert_eq!(e.items[1].points, 2);
        assert_eq!(e.items[1].value, "研发费用 50 万元，占营业收入 无营业收入");
        assert_eq!(e.items[2].points, 0);
        assert_eq!(e.grade, None);
        assert_eq!(e.line, Money::ZERO);
    }

    #[test]
    fn line_tables() {
        let t = LineTable::y2023();
        assert_eq!(t.line(Grade::A).to_wan(), dec("500"));
        assert_eq!(t.line(Grade::D).to_wan(), dec("160"));
        assert_eq!(t.line(Grade::E).to_wan(), dec("80"));
        assert_eq!(LineTable::y2017().line(Grade::E).to_wan(), dec("40"));
        let e = LineTable::new("x", [1, 2, 1, 1, 1]).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("lines.B", "credit_lines_order")
        );
        assert_eq!(
            LineTable::new("x", [5, 4, 3, 2, 0]).unwrap_err().field,
            "lines.E"
        );
        assert_eq!(Grade::parse(" b "), Some(Grade::B));
        assert_eq!(Grade::parse("F"), None);
    }

    #[test]
    fn compensation_is_80_percent_split_4_to_6() {
        let r = CompensationRule::default();
        let c = r.split(Money::from_fen(100 * FEN_PER_WAN)).unwrap();
        assert_eq!(c.fund.to_wan(), dec("80"));
        assert_eq!(c.bank.to_wan(), dec("20"));
        assert_eq!(c.city.to_wan(), dec("32"));
        assert_eq!(c.district.to_wan(), dec("48"));
        // Odd fen: 80 % of 1 fen rounds to 1; the split still sums.
        let c = r.split(Money::from_fen(1)).unwrap();
        assert_eq!(
            (c.fund.fen(), c.bank.fen(), c.city.fen(), c.district.fen()),
            (1, 0, 0, 1)
        );
        assert_eq!(
            r.split(Money::ZERO).unwrap_err().code,
            "credit_principal_not_positive"
        );
    }

    #[test]
    fn the_breaker_trips_at_its_threshold_exactly() {
        let r = CompensationRule::default();
        let out = Money::from_fen(10_000);
        assert_eq!(r.breaker(Money::from_fen(499), out), Breaker::Normal);
        assert_eq!(r.breaker(Money::from_fen(500), out), Breaker::Warning);
        assert_eq!(r.breaker(Money::from_fen(799), out), Breaker::Warning);
        assert_eq!(r.breaker(Money::from_fen(800), out), Breaker::Tripped);
        assert_eq!(r.breaker(Money::from_fen(5), Money::ZERO), Breaker::Normal);
    }

    #[test]
    fn interest_subsidy_follows_the_formula_and_its_cap() {
        // 1,000 万元 at 3.45 % for a full year, half subsidised: 17.25 万元.
        let amount = Money::from_fen(1000 * FEN_PER_WAN);
        let s = interest_subsidy(amount, 345, 50, 365, None).unwrap();
        assert_eq!(s.to_wan(), dec("17.25"));
        let capped = interest_subsidy(
            amount,
            345,
            50,
            365,
            Some(Money::from_fen(10 * FEN_PER_WAN)),
        )
        .unwrap();
        assert_eq!(capped.to_wan(), dec("10"));
        // 100 days: 1000万 × 3.45 % × 50 % × 100/365 = 4.7260274 万 → 47,260.27 元.
        let s = interest_subsidy(amount, 345, 50, 100, None).unwrap();
        assert_eq!(s.fen(), 4_726_027);
        assert_eq!(
            interest_subsidy(amount, 345, 50, 400, None)
                .unwrap_err()
                .field,
            "days"
        );
    }

    #[test]
    fn registry_records_map_to_inputs_on_a_date() {
        use crate::indicator::Values;
        use crate::ip::{Acquisition, IpRecord, IpType, LegalStatus};
        use crate::period::Period;
        use crate::qualification::{Qualification, QualificationKind};
        let d = |s: &str| crate::date::from_iso(s).unwrap();
        let mut annual = Values::default();
        annual.set("rd_expense", Some(420_000_000));
        annual.set("operating_revenue", Some(8_000_000_000));
        annual.set("high_tech_revenue", Some(2_600_000_000));
        annual.set("st_staff", Some(2_550));
        annual.set("employees", Some(12_000));
        let mut q4 = Values::default();
        q4.set("rd_expense", Some(1));
        let filings = vec![
            (Period::year(2022).unwrap(), annual.clone()),
            (Period::quarter(2022, 4).unwrap(), q4.clone()),
            (Period::quarter(2023, 4).unwrap(), q4),
        ];
        let ip = |t: IpType, granted: &str, status: LegalStatus| IpRecord {
            ip_type: t,
            number: granted.into(),
            title: "x".into(),
            granted_on: Some(d(granted)),
            status,
            acquisition: Acquisition::OwnRnd,
            acquired_on: None,
            used_in_hte: false,
        };
        let ips = vec![
            ip(IpType::InventionPatent, "2020-01-01", LegalStatus::Valid),
            ip(IpType::InventionPatent, "2023-06-01", LegalStatus::Valid),
            ip(IpType::UtilityModel, "2021-01-01", LegalStatus::Valid),
            ip(IpType::Software, "2021-01-01", LegalStatus::Lapsed),
        ];
        let quals = vec![Qualification {
            kind: QualificationKind::HighTech,
            number: None,
            recognized_on: d("2021-12-01"),
            valid_until: Some(d("2024-11-30")),
        }];
        let x = registry_inputs(
            &filings,
            &ips,
            &quals,
            crate::indicator::InstitutionLevel::Municipal,
            d("2023-03-01"),
        );
        assert_eq!(x.institution_level, 2);
        assert_eq!((x.invention_patents, x.other_ip), (1, 1));
        assert_eq!(x.rd_expense_wan, dec("420"));
        assert_eq!(x.revenue_wan, dec("8000"));
        assert_eq!(x.new_product_revenue_wan, dec("2600"));
        assert_eq!((x.sci_staff, x.staff), (25, 120));
        assert!(x.high_tech && !x.tech_sme);
        // A year later: the 2023 fourth quarter is the latest; the certificate expired.
        let y = registry_inputs(
            &filings,
            &ips,
            &quals,
            crate::indicator::InstitutionLevel::None,
            d("2025-01-01"),
        );
        assert_eq!(y.institution_level, 0);
        assert_eq!(y.invention_patents, 2);
        assert_eq!(y.rd_expense_wan, dec("0.000001"));
        assert!(!y.high_tech);
        // Nothing filed yet.
        assert_eq!(
            registry_inputs(
                &filings,
                &[],
                &[],
                crate::indicator::InstitutionLevel::None,
                d("2022-06-01")
            )
            .revenue_wan,
            Decimal::ZERO
        );
    }

    #[test]
    fn settings_default_to_the_published_values_and_refuse_bad_ones() {
        let s = Settings::default();
        assert!(s.validate().is_ok());
        assert_eq!(s.table(), LineTable::y2023());
        let mut bad = Settings {
            line_table: "1999".into(),
            ..Settings::default()
        };
        bad.rule.warning_bp = 900;
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["line_table", "breaker_bp"]);
        assert_eq!(line_table("2017"), Some(LineTable::y2017()));
    }

    #[test]
    fn the_institution_level_scores_by_the_district_points() {
        let m = Model::default();
        let t = LineTable::y2023();
        let mut x = firm();
        let mut got = Vec::new();
        for level in 0..=4u8 {
            x.institution_level = level;
            let e = evaluate(&m, &t, &x);
            let item = e.items.iter().find(|i| i.code == "institution").unwrap();
            assert_eq!(item.max, 10);
            got.push((item.points, e.score));
        }
        // The firm scores 70 without it (B); national lifts it to 80 (A).
        assert_eq!(got, [(0, 70), (2, 72), (4, 74), (8, 78), (10, 80)]);
        assert_eq!(evaluate(&m, &t, &x).grade, Some(Grade::A));
        assert_eq!(
            evaluate(&m, &t, &x).items.last().unwrap().value,
            "国家级研发机构"
        );
        // A district's own points, named in the pack id and read back from it.
        let own = Model::with_institution([0, 3, 6, 9]);
        assert_eq!(own.pack, "KVC-CQ-2023-RD:0,3,6,9");
        assert_eq!(Model::for_pack(&own.pack), Some(own.clone()));
        assert_eq!(evaluate(&own, &t, &x).score, 79);
        assert_eq!(Model::for_pack(PACK_ID), Some(Model::default()));
        // The first pack has no such item: the same inputs score without it.
        let first = Model::for_pack(PACK_ID_2023).unwrap();
        let e = evaluate(&first, &t, &x);
        assert_eq!(e.score, 70);
        assert!(e.items.iter().all(|i| i.code != "institution"));
        assert_eq!(Model::for_pack("KVC-CQ-2023-RD:1,2"), None);
        assert_eq!(Model::for_pack("other"), None);
        // Inputs stored before the item existed read as level 0.
        let mut old = serde_json::to_value(firm()).unwrap();
        old.as_object_mut().unwrap().remove("institution_level");
        let back: Inputs = serde_json::from_value(old).unwrap();
        assert_eq!(back.institution_level, 0);
        // Settings stored before the item existed take the default points.
        let mut s = serde_json::to_value(Settings::default()).unwrap();
        s.as_object_mut().unwrap().remove("institution_points");
        let s: Settings = serde_json::from_value(s).unwrap();
        assert_eq!(s.institution_points, INSTITUTION_POINTS);
        assert_eq!(s.model(), Model::default());
    }

    #[test]
    fn institution_points_must_rise_with_the_level_and_stay_small() {
        for bad in [[4, 2, 8, 10], [2, 4, 8, 21]] {
            let s = Settings {
                institution_points: bad,
                ..Settings::default()
            };
            let e = s.validate().unwrap_err();
            assert_eq!(
                (e[0].field.as_str(), e[0].code),
                ("institution_points", "credit_institution_points")
            );
        }
        let s = Settings {
            institution_points: [0, 0, 0, 0],
            ..Settings::default()
        };
        assert!(s.validate().is_ok());
    }

    proptest! {
        #[test]
        fn more_of_anything_never_lowers_the_score(
            inv in 0u32..10, oth in 0u32..20, rd in 0i64..3000, rev in 1i64..50_000,
            sci in 0u32..200, extra_staff in 0u32..200, prod in 0i64..50_000,
            level in 0u8..4, bump in 0usize..6,
            points in proptest::array::uniform4(0u32..=INSTITUTION_POINTS_MAX),
        ) {
            let x = Inputs {
                invention_patents: inv,
                other_ip: oth,
                rd_expense_wan: Decimal::from(rd),
                revenue_wan: Decimal::from(rev),
                sci_staff: sci,
                staff: sci + extra_staff,
                new_product_revenue_wan: Decimal::from(prod.min(rev)),
                institution_level: level,
                ..Inputs::default()
            };
            let mut y = x.clone();
            match bump {
                0 => y.invention_patents += 1,
                1 => y.other_ip += 1,
                2 => y.rd_expense_wan += Decimal::from(10),
                3 => { y.sci_staff += 1; y.staff += 1; }
                4 => y.institution_level += 1,
                _ => y.high_tech = true,
            }
            let mut points = points;
            points.sort_unstable();
            let s = Settings { institution_points: points, ..Settings::default() };
            prop_assert!(s.validate().is_ok());
            let t = LineTable::y2023();
            for m in [Model::default(), s.model()] {
                let (a, b) = (evaluate(&m, &t, &x), evaluate(&m, &t, &y));
                prop_assert!(b.score >= a.score);
                prop_assert!(b.line >= a.line);
                prop_assert!(b.score <= 100);
            }
        }

        #[test]
        fn compensation_parts_always_sum(p in 1i64..1_000_000_000_000) {
            let c = CompensationRule::default().split(Money::from_fen(p)).unwrap();
            prop_assert_eq!(c.fund.fen() + c.bank.fen(), p);
            prop_assert_eq!(c.city.fen() + c.district.fen(), c.fund.fen());
            prop_assert!(c.bank.fen() >= 0 && c.city.fen() >= 0);
        }
    }
}
