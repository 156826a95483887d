//! Matchmaking records (PRODUCT.md part 4): enterprises' technology needs
//! (技术需求), achievements (科技成果) of universities, institutes and firms, and
//! experts (专家), each validated through one constructor.
//!
//! Free text is stored as typed (HTML and script included) and escaped wherever
//! it is shown; titles are short and single-line, descriptions may span lines.

use crate::error::FieldError;
use crate::money::Money;
use chrono::NaiveDate;

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = ($code:literal, $zh:literal $(, $alias:literal)*)),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),* }

        impl $name {
            /// All values, in display order.
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            /// Stable code.
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),* } }
            /// zh-CN name.
            pub fn zh(self) -> &'static str { match self { $($name::$var => $zh),* } }
            /// From a code, the zh-CN name or an alias.
            pub fn parse(s: &str) -> Option<Self> {
                let f = crate::text::fold(s);
                $( if f == $code.to_ascii_uppercase() || f == crate::text::fold($zh) $(|| f == crate::text::fold($alias))* { return Some($name::$var); } )*
                None
            }
        }
    };
}

coded_enum! {
    /// How an enterprise wants to cooperate (技术需求 合作方式).
    CooperationMode {
        /// 委托开发.
        Commissioned = ("commissioned", "委托开发"),
        /// 合作开发.
        Joint = ("joint", "合作开发"),
        /// 技术转让.
        Transfer = ("transfer", "技术转让", "转让"),
        /// 技术许可.
        License = ("license", "技术许可", "许可"),
        /// 技术咨询.
        Consulting = ("consulting", "技术咨询", "咨询"),
        /// 技术服务.
        Service = ("service", "技术服务", "服务"),
        /// 人才引进.
        Talent = ("talent", "人才引进"),
    }
}

coded_enum! {
    /// Maturity of an achievement (成熟度).
    Maturity {
        /// 实验室阶段.
        Lab = ("lab", "实验室阶段", "研发阶段", "实验室"),
        /// 小试.
        Small = ("small", "小试", "小试阶段"),
        /// 中试.
        Pilot = ("pilot", "中试", "中试阶段"),
        /// 试生产 / 可产业化.
        Industrial = ("industrial", "可产业化", "产业化", "试生产", "批量生产"),
    }
}

coded_enum! {
    /// How an achievement may be transferred (§1.3 b 转化形式).
    TransferMode {
        /// 转让.
        Assignment = ("assignment", "转让", "技术转让"),
        /// 许可.
        License = ("license", "许可", "技术许可"),
        /// 作价投资.
        Equity = ("equity", "作价投资", "作价入股", "折股"),
        /// 合作实施.
        Cooperation = ("cooperation", "合作实施", "合作开发"),
        /// 其他协商方式.
        Other = ("other", "其他", "面议"),
    }
}

coded_enum! {
    /// What form an achievement takes.
    AchievementForm {
        /// 专利.
        Patent = ("patent", "专利"),
        /// 新技术.
        Technology = ("technology", "新技术", "技术"),
        /// 新工艺.
        Process = ("process", "新工艺", "工艺"),
        /// 新产品.
        Product = ("product", "新产品", "产品"),
        /// 新材料.
        Material = ("material", "新材料", "材料"),
        /// 新品种.
        Variety = ("variety", "新品种", "品种"),
        /// 软件.
        Software = ("software", "软件", "计算机软件"),
    }
}

coded_enum! {
    /// Where a need stands.
    NeedStatus {
        /// 征集中: open for matches.
        Open = ("open", "征集中", "发布"),
        /// 对接中: in talks.
        Talking = ("talking", "对接中"),
        /// 已解决: signed or solved.
        Solved = ("solved", "已解决", "已签约"),
        /// 已关闭: withdrawn or expired.
        Closed = ("closed", "已关闭", "关闭"),
    }
}

/// Longest title, characters.
pub const MAX_TITLE: usize = 200;
/// Longest description, characters.
pub const MAX_TEXT: usize = 20_000;
/// Longest list of keywords or fields.
pub const MAX_TAGS: usize = 30;

/// A multi-line free-text field: empty is `None`; line breaks and tabs allowed,
/// other control characters refused.
pub fn long_text(field: &str, s: &str, max: usize) -> Result<Option<String>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(field, "control_chars"));
    }
    Ok(Some(t.replace("\r\n", "\n")))
}

/// A list of short tags typed as one string split on `，,、;；` and whitespace,
/// or as a list; duplicates dropped, order kept.
pub fn tags(field: &str, items: &[String], max_each: usize) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for raw in items {
        for t in raw.split(|c: char| "，,、;；".contains(c) || c.is_whitespace()) {
            let t = crate::org::optional_text(field, t, max_each)?;
            if let Some(t) = t
                && !out.contains(&t)
            {
                out.push(t);
            }
        }
    }
    if out.len() > MAX_TAGS {
        return Err(FieldError::new(field, "too_many_tags").with("max", MAX_TAGS));
    }
    Ok(out)
}

fn parse_list<T: Copy>(
    field: &str,
    items: &[String],
    parse: fn(&str) -> Option<T>,
    errs: &mut Vec<FieldError>,
) -> Vec<T> {
    let mut out = Vec::new();
    for raw in items {
        for t in raw.split(|c: char| "，,、;；/".contains(c) || c.is_whitespace()) {
            if t.trim().is_empty() {
                continue;
            }
            match parse(t) {
                Some(v) => out.push(v),
                None => errs.push(FieldError::new(field, "choice_invalid").with("value", t.trim())),
            }
        }
    }
    out
}

fn money(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Option<Money> {
    if s.trim().is_empty() {
        return None;
    }
    match Money::parse_wan(s) {
        Ok(m) if m.fen() < 0 => {
            errs.push(FieldError::new(field, "value_negative").with("value", s.trim()));
            None
        }
        Ok(m) => Some(m),
        Err(_) => {
            errs.push(FieldError::new(field, "number_invalid").with("value", s.trim()));
            None
        }
    }
}

fn keep<T>(r: Result<T, FieldError>, errs: &mut Vec<FieldError>) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok()
}

/// A technology need (技术需求) as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NeedInput {
    /// 需求名称.
    pub title: String,
    /// 需求描述.
    pub description: String,
    /// 目标技术指标.
    pub indicators: String,
    /// 拟解决的问题.
    pub problem: String,
    /// 现有基础.
    pub basis: String,
    /// 预算 (万元).
    pub budget_wan: String,
    /// 合作方式 (one or several).
    pub modes: Vec<String>,
    /// 技术领域.
    pub field: String,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 截止日期.
    pub deadline: String,
}

/// A validated technology need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// 需求名称.
    pub title: String,
    /// 需求描述.
    pub description: Option<String>,
    /// 目标技术指标.
    pub indicators: Option<String>,
    /// 拟解决的问题.
    pub problem: Option<String>,
    /// 现有基础.
    pub basis: Option<String>,
    /// 预算.
    pub budget: Option<Money>,
    /// 合作方式.
    pub modes: Vec<CooperationMode>,
    /// 技术领域.
    pub field: Option<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 截止日期.
    pub deadline: Option<NaiveDate>,
}

impl NeedInput {
    /// Validates every field; all problems at once.
    pub fn parse(&self) -> Result<Need, Vec<FieldError>> {
        let mut e = Vec::new();
        let title = keep(
            crate::org::required_text("title", &self.title, MAX_TITLE),
            &mut e,
        );
        let description = keep(
            long_text("description", &self.description, MAX_TEXT),
            &mut e,
        );
        let indicators = keep(long_text("indicators", &self.indicators, MAX_TEXT), &mut e);
        let problem = keep(long_text("problem", &self.problem, MAX_TEXT), &mut e);
        let basis = keep(long_text("basis", &self.basis, MAX_TEXT), &mut e);
        let budget = money("budget_wan", &self.budget_wan, &mut e);
        let mut modes = parse_list("modes", &self.modes, CooperationMode::parse, &mut e);
        modes.sort();
        modes.dedup();
        if modes.is_empty() && !e.iter().any(|x| x.field == "modes") {
            e.push(FieldError::new("modes", "required"));
        }
        let field = keep(crate::org::optional_text("field", &self.field, 50), &mut e);
        let keywords = keep(tags("keywords", &self.keywords, 30), &mut e);
        let deadline = if self.deadline.trim().is_empty() {
            None
        } else {
            keep(crate::date::parse("deadline", &self.deadline), &mut e)
        };
        match (title, e.is_empty()) {
            (Some(title), true) => Ok(Need {
                title,
                description: description.flatten(),
                indicators: indicators.flatten(),
                problem: problem.flatten(),
                basis: basis.flatten(),
                budget,
                modes,
                field: field.flatten(),
                keywords: keywords.unwrap_or_default(),
                deadline,
            }),
            _ => Err(e),
        }
    }
}

/// An achievement (科技成果) as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AchievementInput {
    /// 成果名称.
    pub title: String,
    /// 成果简介.
    pub summary: String,
    /// 完成人.
    pub inventors: Vec<String>,
    /// 技术领域.
    pub field: String,
    /// 成果形式.
    pub form: String,
    /// 成熟度.
    pub maturity: String,
    /// 转化方式.
    pub transfer_modes: Vec<String>,
    /// 参考价格 (万元; empty = 面议).
    pub price_wan: String,
    /// 关键词.
    pub keywords: Vec<String>,
}

/// A validated achievement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Achievement {
    /// 成果名称.
    pub title: String,
    /// 成果简介.
    pub summary: Option<String>,
    /// 完成人.
    pub inventors: Vec<String>,
    /// 技术领域.
    pub field: Option<String>,
    /// 成果形式.
    pub form: Option<AchievementForm>,
    /// 成熟度.
    pub maturity: Option<Maturity>,
    /// 转化方式.
    pub transfer_modes: Vec<TransferMode>,
    /// 参考价格 (`None` = 面议).
    pub price: Option<Money>,
    /// 关键词.
    pub keywords: Vec<String>,
}

fn one<T>(
    field: &str,
    s: &str,
    parse: fn(&str) -> Option<T>,
    e: &mut Vec<FieldError>,
) -> Option<T> {
    if s.trim().is_empty() {
        return None;
    }
    let v = parse(s);
    if v.is_none() {
        e.push(FieldError::new(field, "choice_invalid").with("value", s.trim()));
    }
    v
}

impl AchievementInput {
    /// Validates every field; all problems at once.
    pub fn parse(&self) -> Result<Achievement, Vec<FieldError>> {
        let mut e = Vec::new();
        let title = keep(
            crate::org::required_text("title", &self.title, MAX_TITLE),
            &mut e,
        );
        let summary = keep(long_text("summary", &self.summary, MAX_TEXT), &mut e);
        let inventors = keep(tags("inventors", &self.inventors, 30), &mut e);
        let field = keep(crate::org::optional_text("field", &self.field, 50), &mut e);
        let form = one("form", &self.form, AchievementForm::parse, &mut e);
        let maturity = one("maturity", &self.maturity, Maturity::parse, &mut e);
        let mut transfer_modes = parse_list(
            "transfer_modes",
            &self.transfer_modes,
            TransferMode::parse,
            &mut e,
        );
        transfer_modes.sort();
        transfer_modes.dedup();
        let price = money("price_wan", &self.price_wan, &mut e);
        let keywords = keep(tags("keywords", &self.keywords, 30), &mut e);
        match (title, e.is_empty()) {
            (Some(title), true) => Ok(Achievement {
                title,
                summary: summary.flatten(),
                inventors: inventors.unwrap_or_default(),
                field: field.flatten(),
                form,
                maturity,
                transfer_modes,
                price,
                keywords: keywords.unwrap_or_default(),
            }),
            _ => Err(e),
        }
    }
}

/// An expert (专家) as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExpertInput {
    /// 姓名.
    pub name: String,
    /// 职称 (教授, 研究员, 高级工程师 …).
    pub title: String,
    /// 研究领域.
    pub fields: Vec<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 代表性项目与成果.
    pub projects: String,
    /// 简介.
    pub profile: String,
}

/// A validated expert.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Expert {
    /// 姓名.
    pub name: String,
    /// 职称.
    pub title: Option<String>,
    /// 研究领域.
    pub fields: Vec<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 代表性项目与成果.
    pub projects: Option<String>,
    /// 简介.
    pub profile: Option<String>,
}

impl ExpertInput {
    /// Validates every field; all problems at once.
    pub fn parse(&self) -> Result<Expert, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = keep(crate::org::required_text("name", &self.name, 50), &mut e);
        let title = keep(crate::org::optional_text("title", &self.title, 50), &mut e);
        let fields = keep(tags("fields", &self.fields, 50), &mut e);
        let keywords = keep(tags("keywords", &self.keywords, 30), &mut e);
        let projects = keep(long_text("projects", &self.projects, MAX_TEXT), &mut e);
        let profile = keep(long_text("profile", &self.profile, MAX_TEXT), &mut e);
        match (name, e.is_empty()) {
            (Some(name), true) => Ok(Expert {
                name,
                title: title.flatten(),
                fields: fields.unwrap_or_default(),
                keywords: keywords.unwrap_or_default(),
                projects: projects.flatten(),
                profile: profile.flatten(),
            }),
            _ => Err(e),
        }
    }
}

/// Words too generic to explain a match (they still count in the text score).
pub const GENERIC_TERMS: [&str; 16] = [
    "的", "及", "和", "与", "其", "一种", "方法", "装置", "系统", "技术", "制备", "用于", "基于",
    "及其", "研究", "应用",
];

/// The structured side of a match candidate (an achievement or an expert).
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// Its technology fields.
    pub fields: &'a [String],
    /// Maturity (achievements).
    pub maturity: Option<Maturity>,
    /// Reference price (achievements; `None` = 面议).
    pub price: Option<Money>,
    /// Transfer modes offered (achievements).
    pub transfer_modes: &'a [TransferMode],
}

/// Everyday words dropped from a need before retrieval: they say nothing about
/// the technology and would use up the query's token budget.
pub const QUERY_STOPWORDS: &[&str] = &[
    "我们",
    "我公司",
    "公司",
    "现在",
    "目前",
    "想要",
    "希望",
    "需要",
    "一种",
    "一个",
    "没有",
    "可以",
    "能够",
    "不能",
    "还是",
    "就是",
    "已经",
    "以上",
    "以下",
    "以内",
    "不少",
    "不低于",
    "不超过",
    "小于",
    "大于",
    "低于",
    "高于",
    "提升",
    "提高",
    "降低",
    "减少",
    "问题",
    "解决",
    "合作",
    "高校",
    "科研院所",
    "院所",
    "主要",
    "产品",
    "客户",
    "经常",
    "总是",
    "容易",
    "比较",
    "非常",
    "很多",
    "所以",
    "因为",
    "但是",
    "而且",
    "如果",
    "怎么",
    "什么",
    "这个",
    "那个",
    "一下",
    "时候",
    "方面",
    "情况",
    "方案",
    "技术",
    "方法",
    "系统",
    "装置",
    "研究",
    "应用",
    "基于",
    "用于",
    "及其",
    "进行",
    "实现",
    "达到",
    "满足",
    "要求",
    "前提",
    "左右",
    "一些",
    "有限公司",
    "主要产品",
];

/// What the re-rank knows beyond the candidate: the concept-table terms the
/// need's query was expanded with.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    /// Technical terms added for the need's everyday words.
    pub expansions: &'a [crate::concepts::Expansion],
    /// The need's owner's 统一社会信用代码 (its division code gives the region).
    pub need_org_code: Option<&'a str>,
    /// The candidate's owner's 统一社会信用代码.
    pub candidate_org_code: Option<&'a str>,
}

/// A nearby owner: the same district or county + 0.02, the same province-level
/// region + 0.015, the 成渝地区双城经济圈 (重庆 with 四川) + 0.01. Proximity makes
/// site visits, pilot runs and joint staff easier; it orders candidates of similar
/// relevance only.
pub const W_REGION: [f64; 3] = [0.02, 0.015, 0.01];

/// Province-level divisions by the first two digits of the division code.
const PROVINCES: [(&str, &str); 34] = [
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
];

/// The 6-digit division code inside a 统一社会信用代码 (characters 3–8), if digits.
fn division(code: &str) -> Option<&str> {
    let d = code.get(2..8)?;
    d.bytes().all(|b| b.is_ascii_digit()).then_some(d)
}

/// How near two owners are, from their credit codes: the weight and the reason.
pub fn region_fit(need_code: &str, candidate_code: &str) -> Option<(f64, String)> {
    let (a, b) = (division(need_code)?, division(candidate_code)?);
    let province = |d: &str| {
        PROVINCES
            .iter()
            .find(|(p, _)| d.starts_with(p))
            .map(|(_, n)| *n)
    };
    if a == b {
        Some((W_REGION[0], "同在本区县".into()))
    } else if a[..2] == b[..2] {
        province(a).map(|p| (W_REGION[1], format!("同在{p}")))
    } else if matches!((&a[..2], &b[..2]), ("50", "51") | ("51", "50")) {
        Some((W_REGION[2], "同属成渝地区双城经济圈".into()))
    } else {
        None
    }
}

/// Weight of the text score (normalised to the best hit).
pub const W_TEXT: f64 = 0.7;
/// The need's technology field among the candidate's.
pub const W_FIELD: f64 = 0.12;
/// Maturity, by stage (可产业化, 中试, 小试, 实验室).
pub const W_MATURITY: [f64; 4] = [0.04, 0.03, 0.01, 0.0];
/// Price within the budget (above it: minus half).
pub const W_BUDGET: f64 = 0.04;
/// A transfer mode the enterprise asked for.
pub const W_MODE: f64 = 0.02;

/// [`rerank_with`] without expansions.
pub fn rerank(need: &Need, text: f64, matched: &[String], c: &Candidate<'_>) -> (f64, Vec<String>) {
    rerank_with(need, text, matched, &Extras::default(), c)
}

/// Re-ranks a retrieved candidate for a need. The text similarity (BM25 over the
/// expanded need, normalised to the best hit, 0–1) dominates: × [`W_TEXT`]. Then
/// the structured features: the same technology field + [`W_FIELD`]; maturity
/// ([`W_MATURITY`]); price within the budget + [`W_BUDGET`] (above it −½); a
/// transfer mode the enterprise asked for + [`W_MODE`]. The preferences
/// (maturity, budget, mode) are small on purpose: they order candidates of similar
/// relevance and never lift an unrelated technology over a related one.
///
/// Returns the score (three decimals) and the zh-CN reasons, one per
/// contribution: the technical words in common (each word matched through the
/// concept table is shown with the need's own word), then the features.
pub fn rerank_with(
    need: &Need,
    text: f64,
    matched: &[String],
    extras: &Extras<'_>,
    c: &Candidate<'_>,
) -> (f64, Vec<String>) {
    let mut score = W_TEXT * text;
    let mut reasons = Vec::new();
    let mut direct = Vec::new();
    let mut via = Vec::new();
    for t in matched
        .iter()
        .map(String::as_str)
        .filter(|t| !GENERIC_TERMS.contains(t) && !QUERY_STOPWORDS.contains(t))
    {
        match extras
            .expansions
            .iter()
            .find(|e| e.term.to_lowercase() == t)
        {
            Some(e) => via.push(format!("“{}”即{}", e.cue, e.term)),
            None => direct.push(t),
        }
    }
    if !direct.is_empty() {
        reasons.push(format!("共同技术词：{}", direct.join("、")));
    }
    if !via.is_empty() {
        reasons.push(format!("需求描述的问题对应技术：{}", via.join("；")));
    }
    if let Some(f) = &need.field
        && c.fields.iter().any(|x| x == f)
    {
        score += W_FIELD;
        reasons.push(format!("技术领域一致：{f}"));
    }
    if let Some(m) = c.maturity {
        score += match m {
            Maturity::Industrial => W_MATURITY[0],
            Maturity::Pilot => W_MATURITY[1],
            Maturity::Small => W_MATURITY[2],
            Maturity::Lab => W_MATURITY[3],
        };
        reasons.push(format!("成熟度：{}", m.zh()));
    }
    match (c.price, need.budget) {
        (Some(p), Some(b)) if p.fen() <= b.fen() => {
            score += W_BUDGET;
            reasons.push(format!(
                "参考价格 {} 万元在预算 {} 万元以内",
                p.wan_2dp(),
                b.wan_2dp()
            ));
        }
        (Some(p), Some(b)) => {
            score -= W_BUDGET / 2.0;
            reasons.push(format!(
                "参考价格 {} 万元高于预算 {} 万元",
                p.wan_2dp(),
                b.wan_2dp()
            ));
        }
        _ => {}
    }
    let wanted: Vec<TransferMode> = need
        .modes
        .iter()
        .filter_map(|m| match m {
            CooperationMode::Transfer => Some(TransferMode::Assignment),
            CooperationMode::License => Some(TransferMode::License),
            CooperationMode::Joint | CooperationMode::Commissioned => {
                Some(TransferMode::Cooperation)
            }
            _ => None,
        })
        .collect();
    if let Some(m) = c.transfer_modes.iter().find(|m| wanted.contains(m)) {
        score += W_MODE;
        reasons.push(format!("转化方式符合需求：{}", m.zh()));
    }
    if let (Some(n), Some(o)) = (extras.need_org_code, extras.candidate_org_code)
        && let Some((w, why)) = region_fit(n, o)
    {
        score += w;
        reasons.push(why);
    }
    ((score * 1000.0).round() / 1000.0, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_fit_reads_the_division_from_the_credit_codes() {
        // 500151 铜梁区, 500106 沙坪坝区 (重庆大学), 510107 成都武侯区, 230103 哈尔滨.
        let tongliang = "91500151MA5U000000";
        let shapingba = "12500106450400000X";
        let chengdu = "91510107MA6C000000";
        let harbin = "12230103414000000X";
        assert_eq!(
            region_fit(tongliang, "91500151MA5U111111"),
            Some((0.02, "同在本区县".into()))
        );
        assert_eq!(
            region_fit(tongliang, shapingba),
            Some((0.015, "同在重庆市".into()))
        );
        assert_eq!(
            region_fit(tongliang, chengdu),
            Some((0.01, "同属成渝地区双城经济圈".into()))
        );
        assert_eq!(region_fit(tongliang, harbin), None);
        assert_eq!(region_fit("short", tongliang), None);
        assert_eq!(region_fit("91ABCDEFMA5U000000", tongliang), None);
    }

    fn need() -> NeedInput {
        NeedInput {
            title: "储能电池热失控早期预警技术".into(),
            description: "需要在电芯层面实现热失控早期预警。\n现有方案误报率高。".into(),
            modes: vec!["合作开发、委托开发".into()],
            budget_wan: "80".into(),
            keywords: vec!["储能，电芯, 热失控 储能".into()],
            deadline: "2026-12-31".into(),
            ..NeedInput::default()
        }
    }

    #[test]
    fn a_need_keeps_lines_tags_and_modes_in_order() {
        let n = need().parse().unwrap();
        assert_eq!(
            n.modes,
            [CooperationMode::Commissioned, CooperationMode::Joint]
        );
        assert_eq!(n.keywords, ["储能", "电芯", "热失控"]);
        assert_eq!(n.budget, Some(Money::from_fen(80 * 1_000_000)));
        assert!(n.description.unwrap().contains('\n'));
    }

    #[test]
    fn bad_needs_name_every_field() {
        let mut n = need();
        n.title = "题".repeat(MAX_TITLE + 1);
        n.modes = vec!["众筹".into()];
        n.budget_wan = "-5".into();
        n.deadline = "明年".into();
        let fields: Vec<String> = n
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["title", "budget_wan", "modes", "deadline"]);
        let empty = NeedInput::default().parse().unwrap_err();
        let fields: Vec<&str> = empty.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "modes"]);
    }

    #[test]
    fn html_is_kept_as_text_and_control_characters_refused() {
        let mut n = need();
        n.description = "<script>alert(1)</script>".into();
        assert_eq!(
            n.parse().unwrap().description.as_deref(),
            Some("<script>alert(1)</script>")
        );
        n.description = "bell\u{7}".into();
        assert_eq!(n.parse().unwrap_err()[0].code, "control_chars");
    }

    #[test]
    fn achievements_and_experts_parse_their_choices() {
        let a = AchievementInput {
            title: "一种磷酸铁锂正极材料的制备方法".into(),
            maturity: "中试".into(),
            form: "专利".into(),
            transfer_modes: vec!["许可/作价入股".into()],
            inventors: vec!["张三、李四".into()],
            ..AchievementInput::default()
        }
        .parse()
        .unwrap();
        assert_eq!(a.maturity, Some(Maturity::Pilot));
        assert_eq!(
            a.transfer_modes,
            [TransferMode::License, TransferMode::Equity]
        );
        assert_eq!(a.inventors, ["张三", "李四"]);
        assert_eq!(a.price, None, "面议");
        let bad = AchievementInput {
            title: "x".into(),
            maturity: "量产了".into(),
            ..AchievementInput::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            (bad[0].field.as_str(), bad[0].code),
            ("maturity", "choice_invalid")
        );
        let ex = ExpertInput {
            name: "王五".into(),
            title: "教授".into(),
            fields: vec!["储能材料，电化学".into()],
            ..ExpertInput::default()
        }
        .parse()
        .unwrap();
        assert_eq!(ex.fields, ["储能材料", "电化学"]);
    }
}
