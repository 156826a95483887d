//! The district report: tier counts and R&D of 规上 enterprises for a date range,
//! computed from the records by the same queries for any district.

use crate::{Actor, App, AppResult};
use chrono::{Datelike, NaiveDate};
use kechuang_core::FieldError;
use kechuang_core::indicator::yoy_pct;
use kechuang_core::money::Money;
use kechuang_core::period::Period;
use kechuang_core::qualification::QualificationKind as K;
use kechuang_store::Selection;
use rust_decimal::Decimal;

/// Enterprises in a tier: valid on the last day, and first recognised in the range.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TierCount {
    /// Holding a valid qualification on the last day of the range.
    pub total: i64,
    /// First-ever recognition within the range (renewals are not new).
    pub new: i64,
}

/// R&D expense of 规上 industrial enterprises.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RdFigure {
    /// The year-to-date quarter summed (the latest ending within the range that has data).
    pub period: Option<String>,
    /// Sum in 万元, two decimals.
    #[serde(with = "rust_decimal::serde::float_option")]
    pub amount_wan: Option<Decimal>,
    /// Change on the same enterprises a year earlier, percent, one decimal.
    #[serde(with = "rust_decimal::serde::float_option")]
    pub yoy_pct: Option<Decimal>,
    /// Enterprises summed.
    pub enterprises: i64,
}

/// The report's range.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Range {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// The figures of the district report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DistrictReport {
    /// The range.
    pub range: Range,
    /// 科技型企业.
    pub tech_enterprises: TierCount,
    /// 高新技术企业.
    pub high_tech_enterprises: TierCount,
    /// 专精特新 (中小企业 or 小巨人), each enterprise once.
    pub srdi_enterprises: TierCount,
    /// R&D of 规上 industrial enterprises.
    pub rd_above_scale: RdFigure,
    /// The cultivation ladder: who is ready for a tier, and the district targets.
    pub cultivation: Cultivation,
    /// Matchmaking and its outcome chain (`matchmaking.*`).
    pub matchmaking: crate::ops::outcome::MatchmakingFigures,
    /// Knowledge-value credit loans since the programme began (`loans.*`).
    pub loans: LoanFigures,
    /// Technology contracts registered within the range, by registration date
    /// (`contracts.*`).
    pub contracts: crate::ops::contract_stats::ContractFigures,
    /// 揭榜挂帅 up to the last day (`challenges.*`).
    pub challenges: crate::ops::challenge::ChallengeFigures,
    /// Innovation platforms existing on the last day (`platforms.*`).
    pub platforms: crate::ops::platform::PlatformFigures,
    /// Incubated hard-tech projects (`incubated_projects.total`).
    pub incubated_projects: crate::ops::platform::IncubatedFigures,
    /// Subsidy applications and payments since the measures began (`subsidies.*`).
    pub subsidies: SubsidyFigures,
}

/// Knowledge-value credit loans drawn up to the range's last day (cumulative
/// since the programme began).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct LoanFigures {
    /// Loans (enterprise-times, 家次).
    pub count: i64,
    /// Their principal, 万元 with two decimals.
    #[serde(with = "rust_decimal::serde::float")]
    pub amount_wan: Decimal,
    /// Commercial loans the banks extended alongside (撬动), 万元 with two decimals.
    #[serde(with = "rust_decimal::serde::float")]
    pub leveraged_commercial_wan: Decimal,
}

/// The subsidy part of the report: cumulative up to the range's last day.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct SubsidyFigures {
    /// Applications submitted (offers accepted count as applications).
    pub applications: i64,
    /// Sum paid through the ledger, 万元 with two decimals (exact).
    #[serde(with = "rust_decimal::serde::float")]
    pub paid_wan: Decimal,
}

/// The cultivation part of the report.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Cultivation {
    /// Per tier code (`cultivation.ready.high_tech` …): enterprises whose latest
    /// evaluation meets a tier they do not hold (eligible, or only awaiting
    /// declarations and expert judgement).
    pub ready: std::collections::BTreeMap<String, i64>,
    /// The district targets, measured on the report's last day.
    pub targets: Vec<TargetFigure>,
}

/// One district target in the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TargetFigure {
    /// Name.
    pub name: String,
    /// Tier code.
    pub tier: String,
    /// Baseline count and date.
    pub baseline_value: i64,
    /// Baseline date.
    pub baseline_date: NaiveDate,
    /// Target count.
    pub target_value: i64,
    /// Due date.
    pub due_date: NaiveDate,
    /// Count on the report's last day.
    pub current: i64,
    /// Share of the way, percent.
    #[serde(with = "rust_decimal::serde::float_option")]
    pub progress_pct: Option<Decimal>,
    /// Forecast at the due date.
    pub forecast: Option<i64>,
    /// Whether the forecast reaches the target.
    pub on_track: Option<bool>,
}

/// Parses `--from 2023-01 --to 2023-10` into the first and last day.
pub fn parse_range(from: &str, to: &str) -> Result<Range, Vec<FieldError>> {
    let f = kechuang_core::date::parse_month("from", from);
    let t = kechuang_core::date::parse_month("to", to);
    match (f, t) {
        (Ok((fy, fm)), Ok((ty, tm))) => {
            let from = NaiveDate::from_ymd_opt(fy, fm, 1)
                .ok_or_else(|| vec![FieldError::new("from", "month_invalid")])?;
            let to = kechuang_core::date::month_end(ty, tm)
                .ok_or_else(|| vec![FieldError::new("to", "month_invalid")])?;
            if to < from {
                return Err(vec![
                    FieldError::new("to", "range_reversed")
                        .with("from", from)
                        .with("to", to),
                ]);
            }
            Ok(Range { from, to })
        }
        (f, t) => Err([f.err(), t.err()].into_iter().flatten().collect()),
    }
}

/// Year-to-date quarters whose end falls within the range, newest first.
pub fn quarters_ending_within(r: &Range) -> Vec<Period> {
    let mut out = Vec::new();
    for y in (r.from.year()..=r.to.year()).rev() {
        for q in (1..=4).rev() {
            if let Some(p) = Period::quarter(y, q)
                && p.end_date() >= r.from
                && p.end_date() <= r.to
            {
                out.push(p);
            }
        }
    }
    out
}

/// Computes the report (bureau staff and the command line).
pub async fn district(app: &App, actor: &Actor, range: &Range) -> AppResult<DistrictReport> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    let tier = |kinds: &'static [K]| kinds;
    let mut counts = Vec::new();
    for kinds in [
        tier(&[K::TechEnterprise]),
        tier(&[K::HighTech]),
        tier(&[K::Srdi, K::LittleGiant]),
    ] {
        counts.push(TierCount {
            total: db.count_valid_holders(kinds, range.to).await?,
            new: db
                .count_first_recognized(kinds, range.from, range.to)
                .await?,
        });
    }
    let rd = db.rd_above_scale(&quarters_ending_within(range)).await?;
    let rd_above_scale = match rd {
        Some(r) => RdFigure {
            period: Some(r.period.to_string()),
            amount_wan: Some(Money::from_fen(r.amount_fen).wan_2dp()),
            yoy_pct: yoy_pct(r.amount_fen, r.base_fen),
            enterprises: r.enterprises,
        },
        None => RdFigure {
            period: None,
            amount_wan: None,
            yoy_pct: None,
            enterprises: 0,
        },
    };
    let mut it = counts.into_iter();
    let (Some(tech), Some(hte), Some(srdi)) = (it.next(), it.next(), it.next()) else {
        return Err(anyhow::anyhow!("tier counts").into());
    };
    let challenges = crate::ops::challenge::figures(&mut db, range.to).await?;
    let (platforms, incubated_projects) =
        crate::ops::platform::report_figures(&mut db, range.to).await?;
    drop(db);
    let Programme {
        cultivation,
        matchmaking,
        loans,
        contracts,
        subsidies,
    } = programme(app, actor, range, Selection::default()).await?;
    Ok(DistrictReport {
        range: range.clone(),
        tech_enterprises: tech,
        high_tech_enterprises: hte,
        srdi_enterprises: srdi,
        rd_above_scale,
        cultivation,
        matchmaking,
        loans,
        contracts,
        challenges,
        platforms,
        incubated_projects,
        subsidies,
    })
}

/// The programme figures (cultivation pool, matchmaking, technology contracts,
/// loans, subsidies) of a selection of organisations: the district report's
/// sections, and the indicator wall's programme panels for any town / cluster filter.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Programme {
    /// The cultivation ladder (`ready` within the selection; the targets are the
    /// district's own).
    pub cultivation: Cultivation,
    /// Matchmaking and its outcome chain (achievements and experts: district-wide).
    pub matchmaking: crate::ops::outcome::MatchmakingFigures,
    /// Knowledge-value credit loans of the selection's enterprises.
    pub loans: LoanFigures,
    /// Technology contracts of the selection's sellers.
    pub contracts: crate::ops::contract_stats::ContractFigures,
    /// Subsidy applications and payments of the selection's enterprises.
    pub subsidies: SubsidyFigures,
}

/// Unix µs at 00:00 China time on a day.
fn china_day_start_us(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_micros())
        - 8 * 3_600 * 1_000_000
}

fn chain_figures(
    (from, to): (NaiveDate, NaiveDate),
    c: &kechuang_store::ChainCounts,
) -> crate::ops::outcome::ChainFigures {
    crate::ops::outcome::ChainFigures {
        from: Some(from),
        to: Some(to),
        collaborations: c.collaborations,
        collaborations_from_sessions: c.collaborations_from_sessions,
        contracts: c.contracts,
        conversions: c.conversions,
        products: c.products,
    }
}

/// The programme figures of `range` for the selection (the whole district with
/// `Selection::default()`): one set of queries for the report and the wall.
/// Attribution: an enterprise's own cultivation status, loans and subsidy
/// applications; a contract's seller; a collaboration's enterprise party; an
/// interest or thread with either party selected; a need's poster. Achievements,
/// experts and the district targets belong to no town: always district-wide.
pub async fn programme(
    app: &App,
    actor: &Actor,
    range: &Range,
    sel: Selection<'_>,
) -> AppResult<Programme> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    let matchmaking = if sel.is_all() {
        crate::ops::outcome::report_figures(&mut db, range.from, range.to).await?
    } else {
        let end = range.to.succ_opt().unwrap_or(range.to);
        let (from_us, to_us) = (china_day_start_us(range.from), china_day_start_us(end));
        let (_, achievements, experts) = db.board_counts(from_us, to_us).await?;
        let needs = db.need_count_in(from_us, to_us, sel).await?;
        let c = db.chain_counts_in(range.from, range.to, sel).await?;
        let three = kechuang_core::chain::three_years_to(range.to);
        let c3 = db.chain_counts_in(three.0, three.1, sel).await?;
        crate::ops::outcome::MatchmakingFigures {
            needs,
            achievements,
            experts,
            interests: c.interests,
            interests_accepted: c.interests_accepted,
            threads: c.threads,
            amount_wan: Money::from_fen(c.amount_fen).wan_2dp().to_string(),
            chain: chain_figures((range.from, range.to), &c),
            three_years: chain_figures(three, &c3),
        }
    };
    let (count, amount, leveraged) = db.loan_totals_in(range.to, sel).await?;
    let loans = LoanFigures {
        count,
        amount_wan: Money::from_fen(amount).wan_2dp(),
        leveraged_commercial_wan: Money::from_fen(leveraged).wan_2dp(),
    };
    let contracts =
        crate::ops::contract_stats::report_figures_in(&mut db, range.from, range.to, sel).await?;
    let (applications, paid_fen) = db.subsidy_totals_in(range.to, sel).await?;
    let subsidies = SubsidyFigures {
        applications,
        paid_wan: Money::from_fen(paid_fen).wan_2dp(),
    };
    let mut ready = db.ready_counts_in(sel).await?;
    drop(db);
    for t in kechuang_core::ladder::LADDER {
        if !ready.iter().any(|(c, _)| c == t.code()) {
            ready.push((t.code().to_string(), 0));
        }
    }
    let on = range.to.min(app.today());
    let targets = crate::ops::ladder::targets(app, actor, on)
        .await?
        .into_iter()
        .map(|t| TargetFigure {
            name: t.name,
            tier: t.tier,
            baseline_value: t.baseline_value,
            baseline_date: t.baseline_date,
            target_value: t.target_value,
            due_date: t.due_date,
            current: t.progress.current,
            progress_pct: t.progress.pct,
            forecast: t.progress.forecast,
            on_track: t.progress.on_track,
        })
        .collect();
    Ok(Programme {
        cultivation: Cultivation {
            ready: ready.into_iter().collect(),
            targets,
        },
        matchmaking,
        loans,
        contracts,
        subsidies,
    })
}

/// `2023年1—10月` / `2023年10月` / `2022年11月—2023年10月`.
pub fn range_label(r: &Range) -> String {
    if r.from.year() == r.to.year() {
        if r.from.month() == r.to.month() {
            format!("{}年{}月", r.to.year(), r.to.month())
        } else {
            format!("{}年{}—{}月", r.to.year(), r.from.month(), r.to.month())
        }
    } else {
        format!(
            "{}年{}月—{}年{}月",
            r.from.year(),
            r.from.month(),
            r.to.year(),
            r.to.month()
        )
    }
}

/// 万元 to 亿元 text with two decimals.
fn yi(wan: Decimal) -> String {
    let mut v = (wan / Decimal::from(10_000))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    v.rescale(2);
    v.to_string()
}

/// The report as Markdown, with the article-style paragraph in Chinese.
pub fn to_markdown(r: &DistrictReport) -> String {
    let label = range_label(&r.range);
    let mut para = format!(
        "截至{}年{}月{}日，全区科技型企业数量达到{}家，{}新增{}家；高新技术企业{}家；“专精特新”企业累计{}家，{}新增{}家。",
        r.range.to.year(),
        r.range.to.month(),
        r.range.to.day(),
        r.tech_enterprises.total,
        label,
        r.tech_enterprises.new,
        r.high_tech_enterprises.total,
        r.srdi_enterprises.total,
        label,
        r.srdi_enterprises.new
    );
    if let (Some(p), Some(a)) = (
        r.rd_above_scale
            .period
            .as_deref()
            .and_then(|p| Period::parse(p).ok()),
        r.rd_above_scale.amount_wan,
    ) {
        para.push_str(&format!(
            "{}规上工业企业实现研发投入{}亿元",
            p.label_zh(),
            yi(a)
        ));
        match r.rd_above_scale.yoy_pct {
            Some(y) if y >= Decimal::ZERO => para.push_str(&format!("，同比增长{y}%。")),
            Some(y) => para.push_str(&format!("，同比下降{}%。", -y)),
            None => para.push('。'),
        }
    }
    if r.loans.count > 0 {
        para.push_str(&format!(
            "累计支持全区{}家次企业直接获得知识价值信用贷款{}亿元，同步撬动支持科技型企业的商业贷款{}亿元。",
            r.loans.count,
            yi(r.loans.amount_wan).parse::<Decimal>().map_or_else(|_| "—".into(), |d| d.normalize().to_string()),
            yi(r.loans.leveraged_commercial_wan).parse::<Decimal>().map_or_else(|_| "—".into(), |d| d.normalize().to_string()),
        ));
    }
    para.push_str(&crate::ops::platform::report_sentence(
        &r.platforms,
        &r.incubated_projects,
    ));
    if r.subsidies.applications > 0 {
        para.push_str(&format!(
            "共有{}家次企业申报享受研发投入补助、科研项目补助、高新技术企业培育补助等措施，已完成资金兑付{}万元。",
            r.subsidies.applications, r.subsidies.paid_wan
        ));
    }
    let rd_amount = r
        .rd_above_scale
        .amount_wan
        .map_or("—".into(), |a| a.to_string());
    let rd_yoy = r
        .rd_above_scale
        .yoy_pct
        .map_or("—".into(), |y| format!("{y}%"));
    format!(
        "# 科技创新发展报告（{label}）\n\n{para}\n\n| 指标 | 数值 |\n|---|---|\n\
         | 科技型企业（{to}有效） | {} 家 |\n| 其中{label}新增 | {} 家 |\n| 高新技术企业 | {} 家 |\n\
         | “专精特新”企业 | {} 家 |\n| 其中{label}新增 | {} 家 |\n| 规上工业企业研发投入（{}） | {} 万元 |\n| 同比 | {} |\n",
        r.tech_enterprises.total,
        r.tech_enterprises.new,
        r.high_tech_enterprises.total,
        r.srdi_enterprises.total,
        r.srdi_enterprises.new,
        r.rd_above_scale.period.as_deref().unwrap_or("—"),
        rd_amount,
        rd_yoy,
        to = r.range.to,
    ) + &cultivation_markdown(&r.cultivation)
        + &crate::ops::outcome::report_markdown(&r.matchmaking)
        + &crate::ops::contract_stats::report_markdown(&r.contracts, &label)
        + &crate::ops::challenge::report_markdown(&r.challenges, r.range.to)
}

fn cultivation_markdown(c: &Cultivation) -> String {
    let mut out =
        String::from("\n## 梯度培育\n\n| 梯度 | 已具备条件、尚未取得的企业 |\n|---|---|\n");
    for t in kechuang_core::ladder::LADDER {
        if let Some(n) = c.ready.get(t.code()) {
            out.push_str(&format!("| {} | {n} 家 |\n", t.zh()));
        }
    }
    if !c.targets.is_empty() {
        out.push_str(
            "\n| 目标 | 基期 | 目标值 | 当前 | 进度 | 到期预测 |\n|---|---|---|---|---|---|\n",
        );
        for t in &c.targets {
            out.push_str(&format!(
                "| {} | {}（{}） | {}（{}前） | {} | {} | {} |\n",
                t.name,
                t.baseline_value,
                t.baseline_date,
                t.target_value,
                t.due_date,
                t.current,
                t.progress_pct.map_or("—".into(), |p| format!("{p}%")),
                match (t.forecast, t.on_track) {
                    (Some(f), Some(true)) => format!("{f}（可完成）"),
                    (Some(f), _) => format!("{f}（有差距）"),
                    _ => "—".into(),
                }
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_whole_months_and_name_their_quarters() {
        let r = parse_range("2023-01", "2023-10").unwrap();
        assert_eq!(r.from.to_string(), "2023-01-01");
        assert_eq!(r.to.to_string(), "2023-10-31");
        let q: Vec<String> = quarters_ending_within(&r)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(q, ["2023Q3", "2023Q2", "2023Q1"]);
        assert!(parse_range("2023-10", "2023-01").is_err());
        assert_eq!(parse_range("2023-13", "x").unwrap_err().len(), 2);
    }

    #[test]
    fn the_paragraph_reads_like_the_newspaper() {
        let r = DistrictReport {
            range: parse_range("2023-01", "2023-10").unwrap(),
            tech_enterprises: TierCount { total: 10, new: 2 },
            high_tech_enterprises: TierCount { total: 3, new: 1 },
            srdi_enterprises: TierCount { total: 4, new: 1 },
            rd_above_scale: RdFigure {
                period: Some("2023Q3".into()),
                amount_wan: Some(Decimal::new(1234567, 2)),
                yoy_pct: Some(Decimal::new(-31, 1)),
                enterprises: 2,
            },
            cultivation: Cultivation {
                ready: [("high_tech".to_string(), 7)].into_iter().collect(),
                targets: Vec::new(),
            },
            matchmaking: Default::default(),
            loans: LoanFigures {
                count: 37,
                amount_wan: Decimal::new(2_340_000, 2),
                leveraged_commercial_wan: Decimal::new(4_100_000, 2),
            },
            contracts: Default::default(),
            challenges: Default::default(),
            platforms: crate::ops::platform::PlatformFigures {
                total: 17,
                by_kind: Default::default(),
                by_level: [("national".to_string(), 2)].into_iter().collect(),
            },
            incubated_projects: crate::ops::platform::IncubatedFigures { total: 6 },
            subsidies: SubsidyFigures {
                applications: 58,
                paid_wan: Decimal::new(123456, 2),
            },
        };
        let md = to_markdown(&r);
        assert!(
            md.contains("累计支持全区37家次企业直接获得知识价值信用贷款2.34亿元，同步撬动支持科技型企业的商业贷款4.1亿元"),
            "{md}"
        );
        assert!(md.contains("| 高新技术企业 | 7 家 |"), "{md}");
        assert!(
            md.contains("截至2023年10月31日，全区科技型企业数量达到10家，2023年1—10月新增2家"),
            "{md}"
        );
        assert!(
            md.contains("2023年1—9月规上工业企业实现研发投入1.23亿元，同比下降3.1%。"),
            "{md}"
        );
        assert!(
            md.contains("全区已建成各类创新平台17个（国家级2个），各研究院累计孵化硬科技项目6个。"),
            "{md}"
        );
        assert!(
            md.contains("共有58家次企业申报享受研发投入补助、科研项目补助、高新技术企业培育补助等措施，已完成资金兑付1234.56万元。"),
            "{md}"
        );
    }
}
