//! The district report as a renderer-neutral document: the article paragraphs, then
//! one section per part (text, a table of typed cells, a chart). The HTML, xlsx and
//! PDF renderers ([`crate::report_html`], [`crate::report_xlsx`], [`crate::report_pdf`])
//! all draw this one document, so the three files say the same thing.

use crate::ops::report::{DistrictReport, Programme, range_label, to_markdown};
use crate::pdf::{Chart, ChartKind};
use chrono::Datelike;
use kechuang_core::period::Period;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// One table cell.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Int(i64),
    /// An amount with two decimals (万元).
    Dec(Decimal),
    /// A percentage with one decimal; `None` shown as —.
    Pct(Option<Decimal>),
}

impl Cell {
    /// The cell as display text.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Dec(d) => {
                let mut d = d.round_dp(2);
                d.rescale(2);
                d.to_string()
            }
            Cell::Pct(Some(p)) => format!("{p}%"),
            Cell::Pct(None) => "—".into(),
        }
    }

    /// The number, for charts.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(n) => Some(*n as f64),
            Cell::Dec(d) | Cell::Pct(Some(d)) => d.to_f64(),
            _ => None,
        }
    }
}

/// One part of the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Section {
    /// Short name (the xlsx sheet name, at most 31 characters).
    pub name: String,
    /// Heading.
    pub title: String,
    /// Sentences about the part.
    pub text: Vec<String>,
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// A chart of the part's figures.
    pub chart: Option<Chart>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportDoc {
    /// Title.
    pub title: String,
    /// The article paragraphs.
    pub paragraphs: Vec<String>,
    /// The parts.
    pub sections: Vec<Section>,
}

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// Builds the document from the figures. The paragraphs are the article text of
/// [`to_markdown`] (one generator for every format).
pub fn build(r: &DistrictReport) -> ReportDoc {
    let label = range_label(&r.range);
    let md = to_markdown(r);
    let mut paragraphs = Vec::new();
    for l in md.lines() {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with('|') {
            continue;
        }
        paragraphs.push(l.to_string());
    }
    let to = r.range.to;
    let mut sections = Vec::new();
    let tiers = [
        ("科技型企业", &r.tech_enterprises),
        ("高新技术企业", &r.high_tech_enterprises),
        ("“专精特新”企业", &r.srdi_enterprises),
    ];
    sections.push(Section {
        name: "企业梯度".into(),
        title: format!(
            "科技企业梯度（{}年{}月{}日）",
            to.year(),
            to.month(),
            to.day()
        ),
        text: Vec::new(),
        headers: vec![
            "类别".into(),
            "期末有效（家）".into(),
            format!("{label}新增（家）"),
        ],
        rows: tiers
            .iter()
            .map(|(n, c)| vec![t(n), Cell::Int(c.total), Cell::Int(c.new)])
            .collect(),
        chart: Some(Chart {
            title: "各类科技企业数量（家）".into(),
            kind: ChartKind::Bar,
            labels: tiers.iter().map(|(n, _)| (*n).to_string()).collect(),
            series: vec![
                (
                    "期末有效".into(),
                    tiers.iter().map(|(_, c)| c.total as f64).collect(),
                ),
                (
                    "期间新增".into(),
                    tiers.iter().map(|(_, c)| c.new as f64).collect(),
                ),
            ],
        }),
    });
    let rd = &r.rd_above_scale;
    let rd_period = rd
        .period
        .as_deref()
        .and_then(|p| Period::parse(p).ok())
        .map_or("—".into(), |p| p.label_zh());
    sections.push(Section {
        name: "研发投入".into(),
        title: "规上工业企业研发投入".into(),
        text: Vec::new(),
        headers: vec![
            "期间".into(),
            "研发投入（万元）".into(),
            "同比".into(),
            "企业数（家）".into(),
        ],
        rows: vec![vec![
            Cell::Text(rd_period),
            rd.amount_wan.map_or(t("—"), Cell::Dec),
            Cell::Pct(rd.yoy_pct),
            Cell::Int(rd.enterprises),
        ]],
        chart: None,
    });
    sections.extend(programme_sections(
        &label,
        &Programme {
            cultivation: r.cultivation.clone(),
            matchmaking: r.matchmaking.clone(),
            loans: r.loans.clone(),
            contracts: r.contracts.clone(),
            subsidies: r.subsidies.clone(),
        },
    ));
    let ch = &r.challenges;
    sections.push(Section {
        name: "揭榜挂帅".into(),
        title: "揭榜挂帅".into(),
        text: Vec::new(),
        headers: vec![
            "榜单（项）".into(),
            "揭榜申报（项）".into(),
            "任务书（项）".into(),
            "验收（项）".into(),
            "支持资金（万元）".into(),
            "已拨付（万元）".into(),
        ],
        rows: vec![vec![
            Cell::Int(ch.calls as i64),
            Cell::Int(ch.applications as i64),
            Cell::Int(ch.projects as i64),
            Cell::Int(ch.accepted as i64),
            Cell::Dec(ch.granted_wan),
            Cell::Dec(ch.paid_wan),
        ]],
        chart: None,
    });
    let p = &r.platforms;
    let mut rows = vec![vec![t("创新平台合计"), Cell::Int(p.total)]];
    rows.extend(
        p.by_level
            .iter()
            .map(|(k, n)| vec![Cell::Text(format!("级别：{}", level_zh(k))), Cell::Int(*n)]),
    );
    rows.extend(
        p.by_kind
            .iter()
            .map(|(k, n)| vec![Cell::Text(format!("类型：{k}")), Cell::Int(*n)]),
    );
    rows.push(vec![
        t("孵化硬科技项目"),
        Cell::Int(r.incubated_projects.total),
    ]);
    sections.push(Section {
        name: "创新平台".into(),
        title: "创新平台与孵化".into(),
        text: Vec::new(),
        headers: vec!["项目".into(), "数量（个）".into()],
        rows,
        chart: (!p.by_level.is_empty()).then(|| Chart {
            title: "创新平台（按级别，个）".into(),
            kind: ChartKind::Bar,
            labels: p.by_level.keys().map(|k| level_zh(k).to_string()).collect(),
            series: vec![(
                "平台".into(),
                p.by_level.values().map(|n| *n as f64).collect(),
            )],
        }),
    });
    ReportDoc {
        title: format!("科技创新发展报告（{label}）"),
        paragraphs,
        sections,
    }
}

/// The programme sections (梯度培育, 产学研对接, 技术合同, 科技金融) of the
/// report and of the indicator wall, whatever the selection; `label` names the
/// range (`2023年1—9月`).
pub fn programme_sections(label: &str, p: &Programme) -> Vec<Section> {
    let mut sections = Vec::new();
    let ready: Vec<(String, i64)> = kechuang_core::ladder::LADDER
        .iter()
        .filter_map(|tier| {
            p.cultivation
                .ready
                .get(tier.code())
                .map(|n| (tier.zh().to_string(), *n))
        })
        .collect();
    sections.push(Section {
        name: "梯度培育".into(),
        title: "梯度培育：已具备条件、尚未取得的企业".into(),
        text: p
            .cultivation
            .targets
            .iter()
            .map(|g| {
                format!(
                    "{}：基期{}家（{}），目标{}家（{}前），当前{}家，进度{}。",
                    g.name,
                    g.baseline_value,
                    g.baseline_date,
                    g.target_value,
                    g.due_date,
                    g.current,
                    g.progress_pct.map_or("—".into(), |p| format!("{p}%"))
                )
            })
            .collect(),
        headers: vec!["梯度".into(), "企业（家）".into()],
        rows: ready
            .iter()
            .map(|(n, c)| vec![t(n), Cell::Int(*c)])
            .collect(),
        chart: (!ready.is_empty()).then(|| Chart {
            title: "培育库：具备条件的企业（家）".into(),
            kind: ChartKind::Bar,
            labels: ready.iter().map(|(n, _)| n.clone()).collect(),
            series: vec![(
                "企业".into(),
                ready.iter().map(|(_, c)| *c as f64).collect(),
            )],
        }),
    });
    let m = &p.matchmaking;
    let funnel = [
        ("发布需求", m.needs),
        ("发布成果", m.achievements),
        ("对接意向", m.interests),
        ("意向受理", m.interests_accepted),
        ("产学研合作", m.chain.collaborations),
        ("成果转化", m.chain.conversions),
        ("新产品", m.chain.products),
    ];
    sections.push(Section {
        name: "产学研对接".into(),
        title: "产学研对接与成果转化".into(),
        text: Vec::new(),
        headers: vec!["环节".into(), "数量".into()],
        rows: funnel
            .iter()
            .map(|(n, c)| vec![t(n), Cell::Int(*c)])
            .collect(),
        chart: Some(Chart {
            title: "对接漏斗".into(),
            kind: ChartKind::Bar,
            labels: funnel.iter().map(|(n, _)| (*n).to_string()).collect(),
            series: vec![(
                "数量".into(),
                funnel.iter().map(|(_, c)| *c as f64).collect(),
            )],
        }),
    });
    let c = &p.contracts;
    sections.push(Section {
        name: "技术合同".into(),
        title: format!("技术合同登记（{label}）"),
        text: Vec::new(),
        headers: vec![
            "登记合同（项）".into(),
            "合同成交额（万元）".into(),
            "技术交易额（万元）".into(),
            "上年同期成交额（万元）".into(),
            "同比".into(),
        ],
        rows: vec![vec![
            Cell::Int(c.count),
            Cell::Dec(c.amount_wan),
            Cell::Dec(c.tech_transaction_wan),
            Cell::Dec(c.last_year_amount_wan),
            Cell::Pct(c.yoy_pct),
        ]],
        chart: Some(Chart {
            title: "技术合同成交额（万元）".into(),
            kind: ChartKind::Bar,
            labels: vec!["上年同期".into(), "本期".into()],
            series: vec![(
                "成交额".into(),
                vec![
                    c.last_year_amount_wan.to_f64().unwrap_or(0.0),
                    c.amount_wan.to_f64().unwrap_or(0.0),
                ],
            )],
        }),
    });
    let l = &p.loans;
    let s = &p.subsidies;
    sections.push(Section {
        name: "科技金融".into(),
        title: "知识价值信用贷款与政策兑现（累计）".into(),
        text: Vec::new(),
        headers: vec!["项目".into(), "数量（家次）".into(), "金额（万元）".into()],
        rows: vec![
            vec![
                t("知识价值信用贷款"),
                Cell::Int(l.count),
                Cell::Dec(l.amount_wan),
            ],
            vec![
                t("撬动商业贷款"),
                t("—"),
                Cell::Dec(l.leveraged_commercial_wan),
            ],
            vec![
                t("补助申报与兑付"),
                Cell::Int(s.applications),
                Cell::Dec(s.paid_wan),
            ],
        ],
        chart: Some(Chart {
            title: "金额（万元）".into(),
            kind: ChartKind::Bar,
            labels: vec!["信用贷款".into(), "撬动商业贷款".into(), "补助兑付".into()],
            series: vec![(
                "金额".into(),
                [l.amount_wan, l.leveraged_commercial_wan, s.paid_wan]
                    .iter()
                    .map(|d| d.to_f64().unwrap_or(0.0))
                    .collect(),
            )],
        }),
    });
    sections
}

fn level_zh(code: &str) -> &str {
    match code {
        "national" => "国家级",
        "provincial" => "省级",
        "municipal" => "市级",
        "below_municipal" => "市级以下",
        "none" => "无",
        other => other,
    }
}
