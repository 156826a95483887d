//! Rule pack `HTE-2016`: 高新技术企业认定 (rules/policy-rules.md §1), after
//! 《高新技术企业认定管理办法》 (国科发火〔2016〕32号) and its 工作指引 (〔2016〕195号).
//!
//! The evaluation year `Y` is `ctx.as_of.year()`: "近一年" is `Y-1` and
//! "近三个会计年度" is `Y-3..=Y-1`, starting no earlier than the registration year
//! when the enterprise has operated for less than three years (§1.1 #5, §1.2
//! "Periods"). The eight conditions of §1.1 become [`Condition`]s; the innovation
//! score of §1.3 is a range (experts score within bands) and the firm passes only
//! when the pessimistic total is at least [`PASS_MARK`].
//!
//! Worked example: `docs/ladder/HTE-2016.md`.

use chrono::Datelike;
use rust_decimal::Decimal;

use super::band::{self, Band, pc, pcd};
use super::outcome::{Condition, Gap, GapUnit, Met, ScoreItem, ScoreRange, Status, TierResult};
use super::packs::{Context, PackId};
use super::profile::{Profile, RdCategories, StandardLevel, YearFacts};
use crate::ip::{Acquisition, IpClass};
use crate::qualification::QualificationKind;

pub(crate) mod util;
use util::{
    at_least_pct, cond, declared, item, missing, person_gap, point_gap, share_gap, show_pct,
    yuan_gap,
};

#[cfg(test)]
mod tests;

/// The lowest passing innovation score: "> 70" on integer scores (§1.1 #7).
pub const PASS_MARK: u32 = 71;

/// The 8 《国家重点支持的高新技术领域》 (§1.1 #3).
pub const FIELDS: [&str; 8] = [
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
];

const S11_1: &str = "policy-rules.md §1.1 #1（办法第十一条（一））";
const S11_2: &str = "policy-rules.md §1.1 #2（办法第十一条（二））";
const S11_3: &str = "policy-rules.md §1.1 #3（办法第十一条（三））";
const S11_4: &str = "policy-rules.md §1.1 #4（办法第十一条（四））";
const S11_5: &str = "policy-rules.md §1.1 #5（办法第十一条（五））";
const S11_6: &str = "policy-rules.md §1.1 #6（办法第十一条（六））";
const S11_7: &str = "policy-rules.md §1.1 #7（办法第十一条（七））";
const S11_8: &str = "policy-rules.md §1.1 #8（办法第十一条（八））";
const S13A: &str = "policy-rules.md §1.3 (a)（指引 知识产权）";
const S13B: &str = "policy-rules.md §1.3 (b)（指引 科技成果转化能力）";
const S13C: &str = "policy-rules.md §1.3 (c)（指引 研究开发组织管理水平）";
const S13D: &str = "policy-rules.md §1.3 (d)（指引 企业成长性）";

/// Evaluates the one tier of this pack, 高新技术企业.
pub fn evaluate(profile: &Profile, ctx: &Context) -> Vec<TierResult> {
    vec![evaluate_high_tech(profile, ctx)]
}

/// The accounting years of "近三个会计年度" for evaluation year `y`: `y-3..=y-1`,
/// or from the registration year when the enterprise is younger (§1.1 #5 "use the
/// actual operating period"). Empty when registered in `y` itself.
pub fn window(profile: &Profile, y: i32) -> std::ops::RangeInclusive<i32> {
    let first = profile.registered_on.map_or(y - 3, |r| r.year().max(y - 3));
    first..=(y - 1)
}

/// One year's R&D expense under the 高企 caliber, in 万元.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RdYear {
    /// Total R&D expense as counted.
    pub total: Decimal,
    /// 境内 R&D expense, when known.
    pub domestic: Option<Decimal>,
}

/// The counted R&D of a year: recomputed from the 8 categories when the 辅助账 is
/// given (§1.2: 委托 at 80 %, 其他 ≤ 20 % of the total), else `rd_expense` and
/// `rd_domestic` as declared.
pub fn rd_of_year(f: &YearFacts) -> Option<RdYear> {
    if let Some(c) = &f.rd_categories {
        let (total, domestic) = rd_from_categories(c);
        return Some(RdYear {
            total,
            domestic: Some(domestic),
        });
    }
    f.rd_expense.map(|total| RdYear {
        total,
        domestic: f.rd_domestic,
    })
}

/// `(total, domestic)` from the 8 categories (§1.2 "R&D expense (高企口径)").
///
/// 委托外部研发 counts at 80 %. 其他费用 may be at most 20 % of the *final*
/// total: `other ≤ 0.2 × (rest + other)` ⟺ `other ≤ 0.25 × rest`, so the
/// counted part is `min(other, rest / 4)`. 境内 = total − 80 % of the part
/// commissioned abroad.
pub fn rd_from_categories(c: &RdCategories) -> (Decimal, Decimal) {
    let eighty = pcd(8, 1);
    let rest = c.personnel
        + c.direct_inputs
        + c.depreciation
        + c.amortisation
        + c.design
        + c.equipment_trials
        + c.commissioned * eighty;
    let other = c.other.min(rest * pcd(25, 2));
    let total = rest + other;
    (total, total - c.commissioned_abroad * eighty)
}

/// The R&D-ratio threshold in percent chosen by the latest year's 销售收入 in
/// 万元 (§1.1 #5): ≤ 5,000万 (含) → 5; (5,000万, 2亿] → 4; > 2亿 → 3.
pub fn rd_threshold(latest_sales: Decimal) -> Decimal {
    // §1.1 #5 (办法 第十一条（五）): "5,000万元（含）" belongs to the 5 % tier,
    // "5,000万元至2亿元（含）" to the 4 % tier; above 2亿 the 3 % tier.
    const BANDS: [Band; 3] = [
        Band::below(pc(5_000), 5).hi_inclusive(),
        Band::from_to(pc(5_000), pc(20_000), 4)
            .lo_exclusive()
            .hi_inclusive(),
        Band::at_least(pc(20_000), 3).lo_exclusive(),
    ];
    band::find(&BANDS, latest_sales).map_or(pc(5), |b| Decimal::from(b.points))
}

/// The IP the conditions and the score count (§1.1 #2, §1.2 "IP").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpCount {
    /// Ⅰ类 items in force.
    pub class_i: u32,
    /// Ⅱ类 items in force not yet used in a 高企 application.
    pub class_ii: u32,
    /// Ⅱ类 items in force but already used (not counted).
    pub class_ii_used: u32,
    /// Some counted item was developed in-house.
    pub own_rnd: bool,
    /// Some counted item was transferred, gifted or merged in.
    pub acquired: bool,
}

impl IpCount {
    /// Counts the items in force on the evaluation date that relate to the main
    /// products; a Ⅱ类 item already used in a 高企 application does not count
    /// (a Ⅱ类 item serves one application only; a renewal is a new application).
    pub fn of(profile: &Profile, ctx: &Context) -> Self {
        let mut n = Self::default();
        for ip in profile
            .ip
            .iter()
            .filter(|i| i.in_force_on(ctx.as_of) && i.related_to_main_product)
        {
            match ip.class() {
                IpClass::I => n.class_i += 1,
                IpClass::II if ip.used_in_hte => {
                    n.class_ii_used += 1;
                    continue;
                }
                IpClass::II => n.class_ii += 1,
            }
            if ip.acquisition == Acquisition::OwnRnd {
                n.own_rnd = true;
            } else {
                n.acquired = true;
            }
        }
        n
    }

    /// Counted items.
    pub fn total(&self) -> u32 {
        self.class_i + self.class_ii
    }
}

fn evaluate_high_tech(profile: &Profile, ctx: &Context) -> TierResult {
    let y = ctx.as_of.year();
    let win = window(profile, y);
    let mut r = TierResult {
        tier: QualificationKind::HighTech,
        pack: PackId::Hte2016,
        status: Status::ManualReview,
        route: None,
        score: None,
        items: Vec::with_capacity(9),
        conditions: Vec::with_capacity(9),
        review_reasons: Vec::new(),
        warnings: Vec::new(),
        held: false,
    };
    let ip = IpCount::of(profile, ctx);

    // §1.3: the score first, condition #7 reads it.
    score_ip(profile, ctx, &ip, &mut r);
    score_conversion(profile, win.clone(), &mut r);
    score_rd_management(profile, &mut r);
    let gr = |f: &YearFacts| f.net_assets;
    score_growth(
        profile,
        ctx,
        &win,
        ("hte.score.growth_net_assets", "净资产增长率", gr),
        &mut r,
    );
    let gs = |f: &YearFacts| f.sales_revenue;
    score_growth(
        profile,
        ctx,
        &win,
        ("hte.score.growth_sales", "销售收入增长率", gs),
        &mut r,
    );
    let (min, max) = total(&r.items);
    let score = ScoreRange {
        min,
        max,
        pass_mark: PASS_MARK,
        out_of: 100,
    };
    r.score = Some(score);

    r.conditions.push(cond_registered(profile, ctx));
    r.conditions.push(cond_ip(&ip));
    r.conditions.push(cond_field(profile));
    r.conditions.push(cond_st_staff(profile, y));
    let (rd, dom) = cond_rd(profile, y, &win);
    r.conditions.push(rd);
    r.conditions.push(dom);
    r.conditions.push(cond_high_tech_revenue(profile, y));
    r.conditions.push(cond_score(score));
    let mut c = cond(
        "hte.no_major_incident",
        S11_8,
        "申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为",
        "无",
    );
    declared(&mut c, profile.compliance.no_major_incident);
    r.conditions.push(c);

    r.decide();
    r
}

/// The score range of the items: the 知识产权 items (ids `hte.score.ip_*`)
/// together capped at 30 (§1.3 a, after the bonus), the others summed.
pub fn total(items: &[ScoreItem]) -> (u32, u32) {
    let (mut ip, mut rest) = ((0, 0), (0, 0));
    for i in items {
        let acc = if i.id.starts_with("hte.score.ip_") {
            &mut ip
        } else {
            &mut rest
        };
        acc.0 += i.min;
        acc.1 += i.max;
    }
    (ip.0.min(30) + rest.0, ip.1.min(30) + rest.1)
}

// §1.1 #1 (办法 第十一条（一）, 指引: "一年以上" = ≥ 365 calendar days).
fn cond_registered(profile: &Profile, ctx: &Context) -> Condition {
    let mut c = cond("hte.registered", S11_1, "注册成立满一年", "≥ 365 天");
    let Some(reg) = profile.registered_on else {
        c.note = Some("缺少注册日期".to_string());
        return c;
    };
    let days = (ctx.as_of - reg).num_days();
    c.actual = Some(format!("{days} 天"));
    if days >= 365 {
        c.met = Met::Yes;
    } else {
        c.met = Met::No;
        let n = 365 - days;
        c.gap = Some(Gap {
            amount: Decimal::from(n),
            unit: GapUnit::Day,
            text: format!("还需 {n} 天"),
        });
    }
    c
}

// §1.1 #2 (办法 第十一条（二）); §1.2 "IP": Ⅱ类 used once.
fn cond_ip(ip: &IpCount) -> Condition {
    let mut c = cond(
        "hte.ip",
        S11_2,
        "拥有对主要产品(服务)发挥核心支持作用的知识产权",
        "≥ 1 件（Ⅰ类，或未用于高企申请的Ⅱ类）",
    );
    c.actual = Some(format!("Ⅰ类 {} 件，Ⅱ类 {} 件", ip.class_i, ip.class_ii));
    if ip.total() >= 1 {
        c.met = Met::Yes;
        c.note = Some("核心支持作用需技术专家确认".to_string());
    } else {
        c.met = Met::No;
        c.gap = Some(Gap {
            amount: Decimal::ONE,
            unit: GapUnit::Piece,
            text: "还需 1 件知识产权（Ⅰ类或未用于高企申请的Ⅱ类）".to_string(),
        });
    }
    if ip.class_ii_used > 0 {
        c.note = Some(format!(
            "另有 {} 件Ⅱ类知识产权已用于以往高企申请，不再计入",
            ip.class_ii_used
        ));
    }
    c
}

// §1.1 #3 (办法 第十一条（三）): the 8 fields.
fn cond_field(profile: &Profile) -> Condition {
    let mut c = cond(
        "hte.field",
        S11_3,
        "核心技术属于《国家重点支持的高新技术领域》",
        "8 大领域之一",
    );
    match profile.compliance.hte_field.as_deref().map(str::trim) {
        None | Some("") => c.note = Some("未填写技术领域".to_string()),
        Some(name) => {
            c.actual = Some(name.to_string());
            // A three-level path ("电子信息/软件/…") counts by its first level.
            if FIELDS.iter().any(|f| name.starts_with(f)) {
                c.met = Met::Yes;
                c.note = Some("领域归属需技术专家确认".to_string());
            } else {
                c.met = Met::No;
                c.note = Some("不属于 8 大重点支持领域".to_string());
            }
        }
    }
    c
}

// §1.1 #4 (办法 第十一条（四）): 科技人员 / 职工总数 ≥ 10 % in Y-1 (183-day caliber, §1.2).
fn cond_st_staff(profile: &Profile, y: i32) -> Condition {
    let mut c = cond("hte.st_staff", S11_4, "科技人员占职工总数比例", "≥ 10 %");
    let f = profile.year(y - 1);
    let (Some(st), Some(staff)) = (f.and_then(|f| f.st_staff), f.and_then(|f| f.staff)) else {
        c.note = Some(missing(y - 1, f.map(|_| "职工总数或科技人员数")));
        return c;
    };
    let Some(ratio) = band::ratio_pct(st, staff) else {
        c.note = Some(format!("{}年度职工总数为 0，比例无法计算", y - 1));
        return c;
    };
    c.actual = Some(show_pct(ratio));
    if at_least_pct(st, staff, pc(10)) {
        c.met = Met::Yes;
    } else {
        c.met = Met::No;
        c.gap = Some(person_gap(share_gap(st, staff, pc(10)), "科技人员"));
    }
    c
}

// §1.1 #5 (办法 第十一条（五）): 3-year R&D / sales by the latest year's sales,
// and 境内 R&D ≥ 60 % of all R&D.
fn cond_rd(
    profile: &Profile,
    y: i32,
    win: &std::ops::RangeInclusive<i32>,
) -> (Condition, Condition) {
    let mut c = cond(
        "hte.rd_ratio",
        S11_5,
        "近三个会计年度研究开发费用总额占同期销售收入总额比例",
        "≥ 5 % / 4 % / 3 %（按最近一年销售收入）",
    );
    let mut d = cond(
        "hte.rd_domestic",
        S11_5,
        "境内研究开发费用占研究开发费用总额比例",
        "≥ 60 %",
    );
    if win.is_empty() {
        let note = format!("注册于{y}年，尚无已结束的会计年度");
        c.note = Some(note.clone());
        d.note = Some(note);
        return (c, d);
    }
    let (mut sales, mut rd, mut dom) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut miss_c: Vec<String> = Vec::new();
    let mut miss_d: Vec<String> = Vec::new();
    for yr in win.clone() {
        let Some(f) = profile.year(yr) else {
            miss_c.push(missing(yr, None));
            miss_d.push(missing(yr, None));
            continue;
        };
        match f.sales_revenue {
            Some(s) => sales += s,
            None => miss_c.push(missing(yr, Some("销售收入"))),
        }
        match rd_of_year(f) {
            Some(x) => {
                rd += x.total;
                match x.domestic {
                    Some(v) => dom += v,
                    None => miss_d.push(missing(yr, Some("境内研发费用"))),
                }
            }
            None => {
                miss_c.push(missing(yr, Some("研发费用")));
                miss_d.push(missing(yr, Some("研发费用")));
            }
        }
    }
    let period = if win.start() == win.end() {
        format!("{}年", win.start())
    } else {
        format!("{}–{}年", win.start(), win.end())
    };
    let short = if win.clone().count() < 3 {
        format!("经营不足三年，按实际经营期 {period} 计算")
    } else {
        String::new()
    };

    // The R&D ratio.
    let latest = profile.year(y - 1).and_then(|f| f.sales_revenue);
    if !miss_c.is_empty() {
        c.note = Some(miss_c.join("；"));
    } else if let (Some(latest), Some(ratio)) = (latest, band::ratio_pct(rd, sales)) {
        let thr = rd_threshold(latest);
        c.required = format!(
            "≥ {thr} %（{}年销售收入 {}）",
            y - 1,
            if latest <= pc(5_000) {
                "≤ 5,000万元"
            } else if latest <= pc(20_000) {
                "5,000万元–2亿元（含）"
            } else {
                "> 2亿元"
            }
        );
        c.actual = Some(show_pct(ratio));
        if at_least_pct(rd, sales, thr) {
            c.met = Met::Yes;
        } else {
            c.met = Met::No;
            c.gap = Some(yuan_gap(
                (thr * sales - Decimal::ONE_HUNDRED * rd) / Decimal::ONE_HUNDRED,
                "研发投入",
            ));
        }
        if !short.is_empty() {
            c.note = Some(short.clone());
        }
    } else {
        c.note = Some(format!("{period}销售收入合计为 0，比例无法计算"));
    }

    // The domestic share.
    if !miss_d.is_empty() {
        d.note = Some(miss_d.join("；"));
    } else if let Some(ratio) = band::ratio_pct(dom, rd) {
        d.actual = Some(show_pct(ratio));
        if at_least_pct(dom, rd, pc(60)) {
            d.met = Met::Yes;
        } else {
            d.met = Met::No;
            d.gap = Some(yuan_gap(share_gap(dom, rd, pc(60)), "境内研发投入"));
        }
        if !short.is_empty() {
            d.note = Some(short);
        }
    } else {
        d.note = Some(format!("{period}研发费用合计为 0，比例无法计算"));
    }
    (c, d)
}

// §1.1 #6 (办法 第十一条（六）): 高新技术产品(服务)收入 / 总收入 ≥ 60 % in Y-1.
fn cond_high_tech_revenue(profile: &Profile, y: i32) -> Condition {
    let mut c = cond(
        "hte.high_tech_revenue",
        S11_6,
        "近一年高新技术产品(服务)收入占同期总收入比例",
        "≥ 60 %",
    );
    let f = profile.year(y - 1);
    let (Some(h), Some(t)) = (
        f.and_then(|f| f.high_tech_revenue),
        f.and_then(|f| f.total_revenue),
    ) else {
        c.note = Some(missing(y - 1, f.map(|_| "高新技术产品(服务)收入或总收入")));
        return c;
    };
    let Some(ratio) = band::ratio_pct(h, t) else {
        c.note = Some(format!("{}年度总收入为 0，比例无法计算", y - 1));
        return c;
    };
    c.actual = Some(show_pct(ratio));
    if at_least_pct(h, t, pc(60)) {
        c.met = Met::Yes;
    } else {
        c.met = Met::No;
        c.gap = Some(yuan_gap(share_gap(h, t, pc(60)), "高新技术产品(服务)收入"));
    }
    c
}

// §1.1 #7 (办法 第十一条（七）): score > 70, i.e. ≥ 71 on integer scores.
fn cond_score(s: ScoreRange) -> Condition {
    let mut c = cond(
        "hte.score",
        S11_7,
        "企业创新能力评价",
        "> 70 分（即 ≥ 71 分）",
    );
    c.actual = Some(if s.min == s.max {
        format!("{} 分", s.min)
    } else {
        format!("{}–{} 分", s.min, s.max)
    });
    if s.passes() {
        c.met = Met::Yes;
    } else if s.fails() {
        c.met = Met::No;
        c.gap = Some(point_gap(PASS_MARK - s.max));
    } else {
        c.note = Some(format!(
            "得分区间跨越及格线：悲观估计还差 {} 分，需专家评价",
            PASS_MARK - s.min
        ));
    }
    c
}

/// A letter grade's range for 技术的先进程度 / 核心支持作用 (§1.3 a):
/// A 7–8, B 5–6, C 3–4, D 1–2, E 0; absent → the whole scale 0–8.
pub fn grade_range(g: Option<char>) -> (u32, u32) {
    match g {
        Some('A') => (7, 8),
        Some('B') => (5, 6),
        Some('C') => (3, 4),
        Some('D') => (1, 2),
        Some('E') => (0, 0),
        _ => (0, 8),
    }
}

/// 知识产权数量 (§1.3 a): A ≥ 1 Ⅰ类 7–8; B ≥ 5 Ⅱ类 5–6; C 3–4 Ⅱ类 3–4;
/// D 1–2 Ⅱ类 1–2; E none 0.
pub fn ip_count_range(ip: &IpCount) -> (u32, u32) {
    match (ip.class_i, ip.class_ii) {
        (1.., _) => (7, 8),
        (0, 5..) => (5, 6),
        (0, 3..=4) => (3, 4),
        (0, 1..=2) => (1, 2),
        (0, 0) => (0, 0),
    }
}

fn score_ip(profile: &Profile, ctx: &Context, ip: &IpCount, r: &mut TierResult) {
    let e = &profile.expert;
    let basis_grade = |g: Option<char>| match g {
        Some(c @ 'A'..='E') => format!("专家评级 {c} 档"),
        _ => "未评级，按 0–8 分计".to_string(),
    };
    let adv = grade_range(e.hte_advancement);
    let core = grade_range(e.hte_core_support);
    let count = ip_count_range(ip);
    // §1.3 (a) 获得方式: A 有自主研发 1–6; B 仅有受让、受赠、并购等 1–3; none 0.
    let (acq, acq_basis) = if ip.own_rnd {
        ((1, 6), "有自主研发（A 档）")
    } else if ip.acquired {
        ((1, 3), "仅有受让、受赠、并购等（B 档）")
    } else {
        ((0, 0), "无计入的知识产权")
    };
    // §1.3 (a) 加分项: national or industry standards (no time window in the text;
    // issued no later than the evaluation year).
    let y = ctx.as_of.year();
    let std_bonus = profile.standards.iter().any(|s| {
        matches!(s.level, StandardLevel::National | StandardLevel::Industry) && s.year <= y
    });
    let bonus = if std_bonus { (1, 2) } else { (0, 0) };
    // §1.3 (a): the IP total is capped at 30 after the bonus. The items keep
    // their own ranges; `ip_total` applies the cap when the score is summed.
    let sum = (
        adv.0 + core.0 + count.0 + acq.0 + bonus.0,
        adv.1 + core.1 + count.1 + acq.1 + bonus.1,
    );
    r.items.push(item(
        "hte.score.ip_advancement",
        S13A,
        "技术的先进程度",
        adv,
        8,
        basis_grade(e.hte_advancement),
    ));
    r.items.push(item(
        "hte.score.ip_core_support",
        S13A,
        "对主要产品(服务)在技术上发挥核心支持作用",
        core,
        8,
        basis_grade(e.hte_core_support),
    ));
    r.items.push(item(
        "hte.score.ip_count",
        S13A,
        "知识产权数量",
        count,
        8,
        format!(
            "Ⅰ类 {} 件，Ⅱ类 {} 件（已用于高企申请的Ⅱ类 {} 件不计）",
            ip.class_i, ip.class_ii, ip.class_ii_used
        ),
    ));
    r.items.push(item(
        "hte.score.ip_acquisition",
        S13A,
        "知识产权获得方式",
        acq,
        6,
        acq_basis.to_string(),
    ));
    let mut bonus_basis = if std_bonus {
        "参与编制国家标准或行业标准（需经主管部门认可）".to_string()
    } else {
        "未参与编制国家标准或行业标准".to_string()
    };
    if sum.1 > 30 {
        bonus_basis.push_str(&format!(
            "；知识产权合计封顶 30 分（计 {}–{} 分）",
            sum.0.min(30),
            sum.1.min(30)
        ));
    }
    r.items.push(item(
        "hte.score.ip_standards_bonus",
        S13A,
        "加分项：参与编制标准",
        bonus,
        2,
        bonus_basis,
    ));
}

/// The 成果转化 band for an annual average (§1.3 b): points range and grade.
/// An average strictly between 0 and 1 is not in the table (E needs ≥ 1, F is
/// 0): it counts as 0–6 with a warning.
pub fn conversion_band(avg: Decimal) -> ((u32, u32), &'static str) {
    const BANDS: [(Band, &str); 7] = [
        (Band::at_least(pc(5), 25).graded(25, 30), "A"),
        (Band::from_to(pc(4), pc(5), 19).graded(19, 24), "B"),
        (Band::from_to(pc(3), pc(4), 13).graded(13, 18), "C"),
        (Band::from_to(pc(2), pc(3), 7).graded(7, 12), "D"),
        (Band::from_to(pc(1), pc(2), 1).graded(1, 6), "E"),
        (
            Band::from_to(pc(0), pc(1), 0).lo_exclusive().graded(0, 6),
            "E/F",
        ),
        (Band::any(0), "F"),
    ];
    BANDS
        .iter()
        .find(|(b, _)| b.contains(avg))
        .map_or(((0, 0), "F"), |(b, g)| ((b.points, b.points_max), g))
}

fn score_conversion(profile: &Profile, win: std::ops::RangeInclusive<i32>, r: &mut TierResult) {
    let name = "科技成果转化能力";
    let id = "hte.score.conversion";
    let n = win.clone().count();
    if n == 0 {
        r.review_reasons
            .push("尚无已结束的会计年度，成果转化能力无法评价".to_string());
        r.items.push(item(
            id,
            S13B,
            name,
            (0, 0),
            30,
            "无会计年度数据".to_string(),
        ));
        return;
    }
    let mut sum = 0u32;
    for yr in win {
        match profile.year(yr).and_then(|f| f.conversions) {
            Some(c) => sum += c,
            None => {
                let m = missing(yr, Some("成果转化项数"));
                r.review_reasons
                    .push(format!("{m}，成果转化能力按 0–30 分计"));
                r.items.push(item(id, S13B, name, (0, 30), 30, m));
                return;
            }
        }
    }
    let avg = Decimal::from(sum) / Decimal::from(n as u32);
    let ((lo, hi), grade) = conversion_band(avg);
    let mut basis = format!(
        "近{n}年转化 {sum} 项，年均 {} 项（{grade} 档）",
        avg.round_dp(2).normalize()
    );
    if grade == "E/F" {
        r.warnings.push(format!(
            "年均成果转化 {} 项介于 0 与 1 之间，指引未列此档，按 0–6 分计",
            avg.round_dp(2).normalize()
        ));
    }
    let mut range = (lo, hi);
    if let Some(e) = profile.expert.hte_conversion {
        let clamped = (e.min.clamp(lo, hi), e.max.clamp(lo, hi));
        if clamped != (e.min, e.max) {
            r.warnings.push(format!(
                "专家给出的成果转化得分 {}–{} 超出 {grade} 档 {lo}–{hi} 分，已限定在档内",
                e.min, e.max
            ));
        }
        range = clamped;
        basis.push_str("；专家评分");
    }
    r.items.push(item(id, S13B, name, range, 30, basis));
}

fn score_rd_management(profile: &Profile, r: &mut TierResult) {
    // §1.3 (c): a holistic expert score with no published bands.
    let (range, basis) = match profile.expert.hte_rd_management {
        Some(p) => ((p.min, p.max.min(20)), "专家评分".to_string()),
        None => ((0, 20), "未评价，按 0–20 分计".to_string()),
    };
    r.items.push(item(
        "hte.score.rd_management",
        S13C,
        "研究开发组织管理水平",
        range,
        20,
        basis,
    ));
}

/// A growth rate, or why the item scores 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Growth {
    /// The rate in percent and the formula used.
    Rate(Decimal, &'static str),
    /// The item scores 0; `review` when a person must look.
    Zero {
        /// Why (zh-CN).
        reason: String,
        /// Needs a financial expert's review.
        review: bool,
    },
}

/// The growth rate of §1.3 (d) from the values of the window's years, oldest
/// first (1 to 3 values), with every edge case of the text:
///
/// * 3 years: `½ (v2/v1 + v3/v2) − 1`, computed as one division
///   `(v2² + v1·v3) / (2·v1·v2) − 1` so that a rate of exactly 5 % stays exact;
///   `v2 = 0` → 0 points; `v1 = 0` → `v3/v2 − 1`;
/// * 2 years: `v2/v1 − 1` (third-party reading, §1.3 d); `v1 = 0` → 0 points, review;
/// * 1 year or none: 0 points, review;
/// * a negative denominator (negative net assets) makes the ratio meaningless:
///   0 points, review.
pub fn growth_rate(v: &[Decimal]) -> Growth {
    let zero = |reason: &str, review: bool| Growth::Zero {
        reason: reason.to_string(),
        review,
    };
    let hundred = Decimal::ONE_HUNDRED;
    match *v {
        [v1, v2, v3] => {
            if v2.is_zero() {
                zero("第二年数值为 0，该项计 0 分", false)
            } else if v2.is_sign_negative() || (v1.is_sign_negative() && !v1.is_zero()) {
                zero(
                    "存在为负的基数（净资产为负），增长率无意义，按 0 分计",
                    true,
                )
            } else if v1.is_zero() {
                Growth::Rate((v3 / v2 - Decimal::ONE) * hundred, "第一年为 0：v3/v2 − 1")
            } else {
                let two = Decimal::TWO;
                let rate = (v2 * v2 + v1 * v3) / (two * v1 * v2) - Decimal::ONE;
                Growth::Rate(rate * hundred, "½(v2/v1 + v3/v2) − 1")
            }
        }
        [v1, v2] => {
            if v1.is_zero() {
                zero("仅两个会计年度且第一年数值为 0，无法计算，按 0 分计", true)
            } else if v1.is_sign_negative() {
                zero(
                    "存在为负的基数（净资产为负），增长率无意义，按 0 分计",
                    true,
                )
            } else {
                Growth::Rate(
                    (v2 / v1 - Decimal::ONE) * hundred,
                    "经营不足三年：v2/v1 − 1",
                )
            }
        }
        _ => zero("经营不足两个会计年度，无法计算增长率，按 0 分计", true),
    }
}

/// The growth band (§1.3 d): A ≥ 35 9–10, B ≥ 25 7–8, C ≥ 15 5–6, D ≥ 5 (or
/// > 5, see [`super::Settings::hte_growth_d_inclusive`]) 3–4, E > 0 1–2, F ≤ 0 0.
pub fn growth_band(rate: Decimal, d_inclusive: bool) -> ((u32, u32), &'static str) {
    let d = if d_inclusive {
        Band::from_to(pc(5), pc(15), 3).graded(3, 4)
    } else {
        Band::from_to(pc(5), pc(15), 3).lo_exclusive().graded(3, 4)
    };
    let e = if d_inclusive {
        Band::from_to(pc(0), pc(5), 1).lo_exclusive().graded(1, 2)
    } else {
        Band::from_to(pc(0), pc(5), 1)
            .lo_exclusive()
            .hi_inclusive()
            .graded(1, 2)
    };
    let bands = [
        (Band::at_least(pc(35), 9).graded(9, 10), "A"),
        (Band::from_to(pc(25), pc(35), 7).graded(7, 8), "B"),
        (Band::from_to(pc(15), pc(25), 5).graded(5, 6), "C"),
        (d, "D"),
        (e, "E"),
        (Band::below(pc(0), 0).hi_inclusive(), "F"),
    ];
    bands
        .iter()
        .find(|(b, _)| b.contains(rate))
        .map_or(((0, 0), "F"), |(b, g)| ((b.points, b.points_max), g))
}

type Getter = fn(&YearFacts) -> Option<Decimal>;

fn score_growth(
    profile: &Profile,
    ctx: &Context,
    win: &std::ops::RangeInclusive<i32>,
    (id, name, get): (&str, &str, Getter),
    r: &mut TierResult,
) {
    let mut vals = [Decimal::ZERO; 3];
    let mut n = 0;
    for yr in win.clone() {
        match profile.year(yr).and_then(get) {
            Some(v) => {
                vals[n] = v;
                n += 1;
            }
            None => {
                let m = missing(yr, Some(name.trim_end_matches("增长率")));
                r.review_reasons.push(format!("{m}，{name}按 0–10 分计"));
                r.items.push(item(id, S13D, name, (0, 10), 10, m));
                return;
            }
        }
    }
    match growth_rate(&vals[..n]) {
        Growth::Zero { reason, review } => {
            if review {
                r.review_reasons.push(format!("{name}：{reason}"));
            }
            r.items.push(item(id, S13D, name, (0, 0), 10, reason));
        }
        Growth::Rate(rate, formula) => {
            let d_incl = ctx.settings.hte_growth_d_inclusive;
            let (range, grade) = growth_band(rate, d_incl);
            if rate == pc(5) {
                r.warnings.push(format!(
                    "{name}恰为 5 %：指引正文为“≥5%”，附件4 财务专家评价表为“＞5%”；按当前设置（{}）计 {grade} 档",
                    if d_incl { "≥ 5 %" } else { "> 5 %" }
                ));
            }
            let basis = format!("{name} {}（{grade} 档；{formula}）", show_pct(rate));
            r.items.push(item(id, S13D, name, range, 10, basis));
        }
    }
}
