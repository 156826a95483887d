//! The bureau's indicator dashboard for one period.

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::indicator;
use kechuang_core::period::Period;
use kechuang_store::DashboardFigures;

/// Counts by qualification, per-town sums of every indicator for the period and a
/// year earlier, and the top 20 by `rank_by` (default 研发费用总额).
pub async fn figures(
    app: &App,
    actor: &Actor,
    period: &str,
    rank_by: Option<&str>,
) -> AppResult<(Period, DashboardFigures)> {
    actor.require_bureau()?;
    let period = Period::parse(period)?;
    let ind = match rank_by.map(str::trim).filter(|s| !s.is_empty()) {
        None => indicator::by_code("rd_expense"),
        Some(c) => indicator::by_code(c).or_else(|| indicator::by_header(c)),
    }
    .ok_or_else(|| AppError::invalid(FieldError::new("rank_by", "indicator_unknown")))?;
    let mut periods = vec![period];
    periods.extend(period.year_earlier());
    let scope = actor.towns.as_deref();
    let mut db = app.store.read().await?;
    let by_qualification = db
        .counts_by_qualification(period.end_date().min(app.today()), scope)
        .await?;
    let mut towns = db.town_indicator_sums(&periods).await?;
    if let Some(s) = scope {
        towns.retain(|t| s.contains(&t.town));
    }
    let top = db.top_by_indicator(period, ind, 20, scope).await?;
    Ok((
        period,
        DashboardFigures {
            by_qualification,
            towns,
            top,
        },
    ))
}

/// What the indicator wall is asked for (`/dashboard?period=&base=&town=&cluster=&rank_by=`).
#[derive(Debug, Clone, Default)]
pub struct WallQuery {
    /// The period shown (`2023Q3`, `2023`).
    pub period: String,
    /// The period compared with (default: a year earlier); must come before `period`.
    pub base: Option<String>,
    /// Towns to limit to (none: all the actor may see).
    pub towns: Vec<String>,
    /// Cluster to limit to.
    pub cluster: Option<String>,
    /// Indicator for rankings and breakdowns (default 研发费用总额).
    pub rank_by: Option<String>,
    /// Indicator of the distribution panel (code or header; default `rank_by`).
    pub dist: Option<String>,
}

/// One indicator on the wall: district (or filtered) sum, average, and changes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorFigure {
    /// Code.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Unit (zh-CN).
    pub unit: &'static str,
    /// Decimals of the stored value.
    pub decimals: u32,
    /// Sum in the period (stored units).
    pub sum: i64,
    /// Filings reporting it.
    pub reporting: i64,
    /// Sum in the base period.
    pub base_sum: i64,
    /// Sum in the quarter (or year) before.
    pub prev_sum: i64,
    /// Change on the base, percent.
    #[serde(with = "rust_decimal::serde::float_option")]
    pub change_pct: Option<rust_decimal::Decimal>,
    /// Change on the previous period, percent.
    #[serde(with = "rust_decimal::serde::float_option")]
    pub pop_pct: Option<rust_decimal::Decimal>,
}

impl IndicatorFigure {
    /// The sum as display text in the indicator's unit.
    pub fn sum_text(&self) -> String {
        kechuang_core::money::format_scaled(self.sum, self.decimals, 0)
    }
    /// The average per reporting filing as display text.
    pub fn avg_text(&self) -> String {
        if self.reporting == 0 {
            return "—".into();
        }
        kechuang_core::money::format_scaled(self.sum / self.reporting, self.decimals, 0)
    }
}

/// One group (town or cluster) for the chosen indicator.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupFigure {
    /// Town or cluster ('' unknown).
    pub name: String,
    /// Filings.
    pub filings: i64,
    /// Sum in the period.
    pub value: i64,
    /// Sum in the base period.
    pub base_value: i64,
}

/// Everything the indicator wall shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Wall {
    /// Period shown.
    pub period: String,
    /// Period compared with.
    pub base: String,
    /// The period before (period-over-period).
    pub prev: Option<String>,
    /// Towns in force (the actor's scope and the filter), `None`: all.
    pub towns: Option<Vec<String>>,
    /// Cluster in force.
    pub cluster: Option<String>,
    /// The ranking indicator's code.
    pub rank_by: &'static str,
    /// Per qualification kind (zh-CN), counts at the end of each of the last
    /// quarters up to the period (trend), oldest first.
    pub tier_trend: Vec<(String, Vec<i64>)>,
    /// The quarter labels of the trend.
    pub trend_labels: Vec<String>,
    /// Every indicator.
    pub indicators: Vec<IndicatorFigure>,
    /// Per town, the ranking indicator.
    pub by_town: Vec<GroupFigure>,
    /// Per cluster, the ranking indicator.
    pub by_cluster: Vec<GroupFigure>,
    /// Top 20 enterprises by the ranking indicator (id, name, value), in the
    /// selected towns and cluster.
    pub top: Vec<(String, String, i64)>,
    /// The distribution of one indicator over the selected enterprises' filings.
    pub distribution: Distribution,
    /// The programme figures (cultivation pool, matchmaking, contracts, subsidies,
    /// loans) of the selection for the period's year to date: the district
    /// report's own queries and sections ([`crate::ops::report::programme`]).
    pub programme: crate::ops::report::Programme,
    /// The programme figures' range (`2023年1—9月`).
    pub programme_label: String,
}

/// One bucket of a distribution: values `lo <= v < hi` (stored units); the
/// last bucket is `lo <= v` when `open` (the far outliers).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Bucket {
    /// Lower bound (inclusive).
    pub lo: i64,
    /// Upper bound (exclusive).
    pub hi: i64,
    /// Open-ended (every value from `lo` up).
    pub open: bool,
    /// Filings in the bucket.
    pub count: i64,
}

/// The distribution of an indicator's reported values in a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Distribution {
    /// Indicator code.
    pub code: &'static str,
    /// Filings reporting it.
    pub count: i64,
    /// Minimum, lower quartile, median, upper quartile, maximum (nearest rank),
    /// stored units; `None` without values.
    pub five: Option<[i64; 5]>,
    /// Histogram buckets, ascending.
    pub buckets: Vec<Bucket>,
}

/// A "nice" bucket width (1, 2 or 5 × 10^k stored units) at least `raw`.
fn nice_width(raw: i64) -> i64 {
    let mut p: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            if let Some(w) = p.checked_mul(m)
                && w >= raw
            {
                return w;
            }
        }
        match p.checked_mul(10) {
            Some(n) => p = n,
            None => return i64::MAX,
        }
    }
}

/// The nearest-rank `num/den` quantile of ascending values (not empty).
fn nearest_rank(v: &[i64], num: usize, den: usize) -> i64 {
    let n = v.len();
    let rank = (num * n).div_ceil(den).clamp(1, n);
    v[rank - 1]
}

/// The distribution of ascending values: quartiles by nearest rank, and about ten
/// equal buckets of a nice width (1, 2 or 5 × 10^k) from the minimum; values
/// beyond the upper quartile plus three interquartile ranges (far outliers) share
/// one open-ended last bucket, so a few giants do not squeeze everyone else into
/// the first bar.
pub fn distribution(code: &'static str, v: &[i64]) -> Distribution {
    let Some((&min, &max)) = v.first().zip(v.last()) else {
        return Distribution {
            code,
            count: 0,
            five: None,
            buckets: Vec::new(),
        };
    };
    let (q1, med, q3) = (
        nearest_rank(v, 1, 4),
        nearest_rank(v, 1, 2),
        nearest_rank(v, 3, 4),
    );
    let fence = q3.saturating_add((q3 - q1).saturating_mul(3));
    let top = if max > fence {
        v.iter()
            .copied()
            .filter(|x| *x <= fence)
            .max()
            .unwrap_or(min)
    } else {
        max
    };
    let span = top - min;
    let width = nice_width(((span + 9) / 10).max(1));
    let lo0 = min.div_euclid(width) * width;
    let n = ((top - lo0) / width + 1) as usize;
    let mut buckets: Vec<Bucket> = (0..n)
        .map(|i| Bucket {
            lo: lo0 + i as i64 * width,
            hi: lo0 + (i as i64 + 1) * width,
            open: false,
            count: 0,
        })
        .collect();
    let mut outliers = 0;
    for x in v {
        if *x > top {
            outliers += 1;
        } else {
            buckets[((x - lo0) / width) as usize].count += 1;
        }
    }
    if outliers > 0 {
        let lo = buckets.last().map_or(lo0, |b| b.hi);
        buckets.push(Bucket {
            lo,
            hi: max.saturating_add(1),
            open: true,
            count: outliers,
        });
    }
    Distribution {
        code,
        count: v.len() as i64,
        five: Some([min, q1, med, q3, max]),
        buckets,
    }
}

fn quarter_before(p: Period) -> Option<Period> {
    match p.quarter_number() {
        None => Period::year(p.year_number() - 1),
        Some(1) => Period::quarter(p.year_number() - 1, 4),
        Some(q) => Period::quarter(p.year_number(), q - 1),
    }
}

/// The indicator wall, limited to the actor's towns (server-side) and the filters.
pub async fn wall(app: &App, actor: &Actor, q: &WallQuery) -> AppResult<Wall> {
    actor.require_bureau()?;
    let period = Period::parse(&q.period)?;
    let base = match q.base.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(b) => Period::parse(b).map_err(|mut e| {
            e.field = "base".into();
            AppError::invalid(e)
        })?,
        None => period
            .year_earlier()
            .ok_or_else(|| AppError::invalid(FieldError::new("base", "period_invalid")))?,
    };
    if base.end_date() >= period.end_date() {
        return Err(AppError::invalid(
            FieldError::new("base", "period_pair_reversed")
                .with("base", base.to_string())
                .with("period", period.to_string()),
        ));
    }
    let ind = match q
        .rank_by
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => indicator::by_code("rd_expense"),
        Some(c) => indicator::by_code(c).or_else(|| indicator::by_header(c)),
    }
    .ok_or_else(|| AppError::invalid(FieldError::new("rank_by", "indicator_unknown")))?;
    let dist_ind = match q.dist.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => ind,
        Some(c) => indicator::by_code(c)
            .or_else(|| indicator::by_header(c))
            .ok_or_else(|| AppError::invalid(FieldError::new("dist", "indicator_unknown")))?,
    };
    let mut towns: Option<Vec<String>> = actor.towns.clone();
    let wanted: Vec<String> = q
        .towns
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if !wanted.is_empty() {
        towns = Some(match towns {
            Some(scope) => wanted.into_iter().filter(|t| scope.contains(t)).collect(),
            None => wanted,
        });
    }
    let cluster = q
        .cluster
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let prev = quarter_before(period);
    let mut codes = vec![period.code(), base.code()];
    codes.extend(prev.map(Period::code));
    let sel = kechuang_store::Selection {
        towns: towns.as_deref(),
        cluster: cluster.as_deref(),
    };
    let mut db = app.store.read().await?;
    // Tier trend: the last six quarter ends up to the period.
    let mut ends = Vec::new();
    let mut p = if period.is_annual() {
        Period::quarter(period.year_number(), 4)
    } else {
        Some(period)
    };
    while let Some(x) = p {
        if ends.len() == 6 {
            break;
        }
        ends.push(x);
        p = quarter_before(x);
    }
    ends.reverse();
    let today = app.today();
    let mut trend: std::collections::BTreeMap<
        kechuang_core::qualification::QualificationKind,
        Vec<i64>,
    > = Default::default();
    for (i, e) in ends.iter().enumerate() {
        for (k, n) in db
            .qualification_counts_in(e.end_date().min(today), sel)
            .await?
        {
            trend.entry(k).or_insert_with(|| vec![0; ends.len()])[i] = n;
        }
    }
    let rows = db.rollup_rows(&codes).await?;
    let keep = |town: &str, cl: &str| {
        towns.as_ref().is_none_or(|t| t.iter().any(|x| x == town))
            && cluster.as_ref().is_none_or(|c| c == cl)
    };
    let mut total: std::collections::BTreeMap<i32, kechuang_store::RollupSums> = Default::default();
    let mut by_town: std::collections::BTreeMap<String, GroupFigure> = Default::default();
    let mut by_cluster: std::collections::BTreeMap<String, GroupFigure> = Default::default();
    for (k, s) in &rows {
        if !keep(&k.town, &k.cluster) {
            continue;
        }
        total.entry(k.period).or_default().merge(s);
        for (map, name) in [(&mut by_town, &k.town), (&mut by_cluster, &k.cluster)] {
            let g = map.entry(name.clone()).or_insert_with(|| GroupFigure {
                name: name.clone(),
                filings: 0,
                value: 0,
                base_value: 0,
            });
            if k.period == period.code() {
                g.filings += s.filings;
                g.value += s.sums[ind.index];
            } else if k.period == base.code() {
                g.base_value += s.sums[ind.index];
            }
        }
    }
    let empty = kechuang_store::RollupSums::default();
    let cur = total.get(&period.code()).unwrap_or(&empty);
    let bs = total.get(&base.code()).unwrap_or(&empty);
    let pv = prev.and_then(|p| total.get(&p.code())).unwrap_or(&empty);
    let indicators = indicator::ALL
        .iter()
        .map(|i| IndicatorFigure {
            code: i.code,
            name: i.name,
            unit: i.unit.zh(),
            decimals: i.decimals,
            sum: cur.sums[i.index],
            reporting: cur.counts[i.index],
            base_sum: bs.sums[i.index],
            prev_sum: pv.sums[i.index],
            change_pct: indicator::yoy_pct(cur.sums[i.index], bs.sums[i.index]),
            pop_pct: indicator::yoy_pct(cur.sums[i.index], pv.sums[i.index]),
        })
        .collect();
    let top = db
        .top_in(period, ind, 20, sel)
        .await?
        .into_iter()
        .map(|(id, n, v)| (id.0, n, v))
        .collect();
    let values = db.indicator_values_in(period, dist_ind, sel).await?;
    drop(db);
    let distribution = distribution(dist_ind.code, &values);
    let mut by_town: Vec<GroupFigure> = by_town.into_values().collect();
    by_town.sort_by(|a, b| b.value.cmp(&a.value).then(a.name.cmp(&b.name)));
    let mut by_cluster: Vec<GroupFigure> = by_cluster.into_values().collect();
    by_cluster.sort_by(|a, b| b.value.cmp(&a.value).then(a.name.cmp(&b.name)));
    let from = chrono::NaiveDate::from_ymd_opt(period.year_number(), 1, 1)
        .ok_or_else(|| AppError::invalid(FieldError::new("period", "period_invalid")))?;
    let range = crate::ops::report::Range {
        from,
        to: period.end_date(),
    };
    let programme = crate::ops::report::programme(app, actor, &range, sel).await?;
    Ok(Wall {
        period: period.to_string(),
        base: base.to_string(),
        prev: prev.map(|p| p.to_string()),
        towns,
        cluster,
        rank_by: ind.code,
        tier_trend: trend
            .into_iter()
            .map(|(k, v)| (k.zh().to_string(), v))
            .collect(),
        trend_labels: ends.iter().map(|e| e.to_string()).collect(),
        indicators,
        by_town,
        by_cluster,
        top,
        distribution,
        programme,
        programme_label: crate::ops::report::range_label(&range),
    })
}

/// Towns and clusters the filters offer (the actor's towns only when scoped).
pub async fn filter_options(app: &App, actor: &Actor) -> AppResult<(Vec<String>, Vec<String>)> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    let mut towns = db.towns().await?;
    if let Some(s) = &actor.towns {
        towns.retain(|t| s.contains(t));
    }
    let clusters = db.clusters().await?;
    Ok((towns, clusters))
}

fn value_cell(v: i64, decimals: u32) -> crate::report_doc::Cell {
    use crate::report_doc::Cell;
    if decimals == 0 {
        Cell::Int(v)
    } else {
        Cell::Dec(rust_decimal::Decimal::new(v, decimals))
    }
}

fn value_f64(v: i64, decimals: u32) -> f64 {
    v as f64 / 10f64.powi(decimals as i32)
}

/// The wall's panels, each a table with typed cells and (mostly) a chart: the page
/// draws them, the xlsx export writes them. The programme panels are the district
/// report's own sections (one function per figure for both).
pub fn panels(w: &Wall) -> Vec<crate::report_doc::Section> {
    use crate::pdf::{Chart, ChartKind};
    use crate::report_doc::{Cell, Section};
    let ind = indicator::by_code(w.rank_by);
    let (iname, unit, dec) = ind.map_or(("", "", 0), |i| (i.name, i.unit.zh(), i.decimals));
    let mut out = Vec::new();
    let mut headers = vec!["资质".to_string()];
    headers.extend(w.trend_labels.iter().cloned());
    out.push(Section {
        name: "资质企业趋势".into(),
        title: "各类资质企业数（季末有效，家）".into(),
        text: Vec::new(),
        headers,
        rows: w
            .tier_trend
            .iter()
            .map(|(k, v)| {
                let mut r = vec![Cell::Text(k.clone())];
                r.extend(v.iter().map(|n| Cell::Int(*n)));
                r
            })
            .collect(),
        chart: Some(Chart {
            title: "各类资质企业数趋势".into(),
            kind: ChartKind::Line,
            labels: w.trend_labels.clone(),
            series: w
                .tier_trend
                .iter()
                .map(|(k, v)| (k.clone(), v.iter().map(|n| *n as f64).collect()))
                .collect(),
        }),
    });
    out.push(Section {
        name: "指标汇总".into(),
        title: format!("指标合计、均值与变化（{} 对比 {}）", w.period, w.base),
        text: Vec::new(),
        headers: [
            "指标",
            "单位",
            "合计",
            "填报企业",
            "均值",
            "对比期合计",
            "同比/对比",
            "上期合计",
            "环比",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows: w
            .indicators
            .iter()
            .map(|i| {
                vec![
                    Cell::Text(i.name.to_string()),
                    Cell::Text(i.unit.to_string()),
                    value_cell(i.sum, i.decimals),
                    Cell::Int(i.reporting),
                    if i.reporting == 0 {
                        Cell::Text("—".into())
                    } else {
                        value_cell(i.sum / i.reporting, i.decimals)
                    },
                    value_cell(i.base_sum, i.decimals),
                    Cell::Pct(i.change_pct),
                    value_cell(i.prev_sum, i.decimals),
                    Cell::Pct(i.pop_pct),
                ]
            })
            .collect(),
        chart: Some(Chart {
            title: "各项指标同比变化（%）".into(),
            kind: ChartKind::Bar,
            labels: w.indicators.iter().map(|i| i.name.to_string()).collect(),
            series: vec![(
                "同比".into(),
                w.indicators
                    .iter()
                    .map(|i| {
                        i.change_pct
                            .and_then(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d))
                            .unwrap_or(0.0)
                    })
                    .collect(),
            )],
        }),
    });
    for (name, title, groups) in [
        ("分镇街", "分镇街分布", &w.by_town),
        ("分产业集群", "分产业集群分布", &w.by_cluster),
    ] {
        let label = |g: &GroupFigure| {
            if g.name.is_empty() {
                "（未填）".to_string()
            } else {
                g.name.clone()
            }
        };
        out.push(Section {
            name: name.into(),
            title: format!("{title}：{iname}（{unit}）"),
            text: Vec::new(),
            headers: vec![
                name.trim_start_matches('分').to_string(),
                "填报企业".into(),
                format!("{iname}（{}）", w.period),
                format!("{iname}（{}）", w.base),
                "变化".into(),
            ],
            rows: groups
                .iter()
                .map(|g| {
                    vec![
                        Cell::Text(label(g)),
                        Cell::Int(g.filings),
                        value_cell(g.value, dec),
                        value_cell(g.base_value, dec),
                        Cell::Pct(indicator::yoy_pct(g.value, g.base_value)),
                    ]
                })
                .collect(),
            chart: Some(Chart {
                title: format!("{title}：{iname}"),
                kind: ChartKind::Bar,
                labels: groups.iter().map(label).collect(),
                series: vec![
                    (
                        w.period.clone(),
                        groups.iter().map(|g| value_f64(g.value, dec)).collect(),
                    ),
                    (
                        w.base.clone(),
                        groups
                            .iter()
                            .map(|g| value_f64(g.base_value, dec))
                            .collect(),
                    ),
                ],
            }),
        });
    }
    out.push(Section {
        name: "排名".into(),
        title: format!("{iname}前20名（{}，{unit}）", w.period),
        text: Vec::new(),
        headers: vec!["名次".into(), "企业".into(), format!("{iname}（{unit}）")],
        rows: w
            .top
            .iter()
            .enumerate()
            .map(|(i, (_, n, v))| {
                vec![
                    Cell::Int(i as i64 + 1),
                    Cell::Text(n.clone()),
                    value_cell(*v, dec),
                ]
            })
            .collect(),
        chart: Some(Chart {
            title: format!("{iname}前10名"),
            kind: ChartKind::Bar,
            labels: w.top.iter().take(10).map(|(_, n, _)| n.clone()).collect(),
            series: vec![(
                iname.to_string(),
                w.top
                    .iter()
                    .take(10)
                    .map(|(_, _, v)| value_f64(*v, dec))
                    .collect(),
            )],
        }),
    });
    out.push(distribution_section(w));
    let filtered = w.towns.is_some() || w.cluster.is_some();
    for mut s in crate::report_doc::programme_sections(&w.programme_label, &w.programme) {
        if filtered {
            s.text.extend(programme_note(&s.name).map(str::to_string));
        }
        out.push(s);
    }
    out
}

/// What a filtered programme panel says about attribution: which of its figures
/// follow the town / cluster filter and which stay district-wide.
fn programme_note(section: &str) -> Option<&'static str> {
    match section {
        "梯度培育" => {
            Some("按企业所在镇街、产业集群筛选；上方区级培育目标为全区口径，不随筛选变化。")
        }
        "产学研对接" => Some(
            "按企业一方所在镇街、产业集群筛选（需求按发布企业，意向按任一方，合作及转化按企业方）；“发布成果”由高校院所等成果方发布，不归属镇街，按全区口径显示。",
        ),
        "技术合同" => Some("按卖方（登记单位）登记时所在镇街及其产业集群筛选。"),
        "科技金融" => Some("按贷款企业、补助申报企业所在镇街、产业集群筛选。"),
        _ => None,
    }
}

fn distribution_section(w: &Wall) -> crate::report_doc::Section {
    use crate::pdf::{Chart, ChartKind};
    use crate::report_doc::{Cell, Section};
    let d = &w.distribution;
    let ind = indicator::by_code(d.code);
    let (name, unit, dec) = ind.map_or(("", "", 0), |i| (i.name, i.unit.zh(), i.decimals));
    let fmt = |v: i64| kechuang_core::money::format_scaled(v, dec, 0);
    let label = |b: &Bucket| {
        if b.open {
            format!("{}及以上", fmt(b.lo))
        } else {
            format!("{}～{}", fmt(b.lo), fmt(b.hi))
        }
    };
    let text = match d.five {
        Some([min, q1, med, q3, max]) => vec![format!(
            "填报企业{}家；最小值{}，下四分位数{}，中位数{}，上四分位数{}，最大值{}（{unit}）。区间含下限、不含上限。",
            d.count,
            fmt(min),
            fmt(q1),
            fmt(med),
            fmt(q3),
            fmt(max)
        )],
        None => vec!["本期无填报数据。".to_string()],
    };
    let mut rows: Vec<Vec<Cell>> = d
        .buckets
        .iter()
        .map(|b| {
            vec![
                Cell::Text(label(b)),
                Cell::Int(b.count),
                Cell::Pct(pct_of(b.count, d.count)),
            ]
        })
        .collect();
    if let Some(five) = d.five {
        for (n, v) in ["最小值", "下四分位数", "中位数", "上四分位数", "最大值"]
            .iter()
            .zip(five)
        {
            rows.push(vec![
                Cell::Text((*n).to_string()),
                value_cell(v, dec),
                Cell::Text(String::new()),
            ]);
        }
    }
    Section {
        name: "分布".into(),
        title: format!("{name}分布（{}，{unit}）", w.period),
        text,
        headers: vec![
            format!("区间（{unit}）"),
            "企业（家）/ 数值".into(),
            "占比".into(),
        ],
        rows,
        chart: Some(Chart {
            title: format!("{name}分布"),
            kind: ChartKind::Bar,
            labels: d.buckets.iter().map(label).collect(),
            series: vec![(
                "企业".into(),
                d.buckets.iter().map(|b| b.count as f64).collect(),
            )],
        }),
    }
}

/// `part` of `whole`, percent with one decimal.
fn pct_of(part: i64, whole: i64) -> Option<rust_decimal::Decimal> {
    (whole > 0).then(|| {
        (rust_decimal::Decimal::from(part) * rust_decimal::Decimal::from(100)
            / rust_decimal::Decimal::from(whole))
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_widths_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_width(1), 1);
        assert_eq!(nice_width(3), 5);
        assert_eq!(nice_width(11), 20);
        assert_eq!(nice_width(180), 200);
        assert_eq!(nice_width(5_000_001), 10_000_000);
    }

    #[test]
    fn a_hundred_values_make_ten_even_buckets_and_exact_quartiles() {
        let v: Vec<i64> = (1..=100).collect();
        let d = distribution("rd_expense", &v);
        assert_eq!(d.count, 100);
        assert_eq!(d.five, Some([1, 25, 50, 75, 100]));
        let counts: Vec<i64> = d.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, [9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 1]);
        assert_eq!((d.buckets[0].lo, d.buckets[10].hi), (0, 110));
        assert!(d.buckets.iter().all(|b| !b.open));
    }

    #[test]
    fn empty_single_and_negative_values() {
        let e = distribution("rd_expense", &[]);
        assert_eq!((e.count, e.five, e.buckets.len()), (0, None, 0));
        let one = distribution("rd_expense", &[7, 7]);
        assert_eq!(one.five, Some([7; 5]));
        assert_eq!(one.buckets.len(), 1);
        assert_eq!(
            (one.buckets[0].lo, one.buckets[0].hi, one.buckets[0].count),
            (7, 8, 2)
        );
        let neg = distribution("profit", &[-15, -3, 4, 9]);
        assert_eq!(neg.buckets[0].lo, -15);
        assert_eq!(neg.buckets.iter().map(|b| b.count).sum::<i64>(), 4);
    }
}
