//! Workbook export: the import templates, the registry with its latest indicators
//! (xlsx and CSV), and the synthetic workbook `kechuang bench import` reads.
//!
//! The registry workbook uses the import's canonical headers and writes every value
//! exactly (numbers that a double cannot hold to 15 digits go out as text), so
//! importing an export changes nothing.

use crate::import::template::{self, Field, SheetKind};
use crate::{Actor, App, AppError, AppResult};
use chrono::Datelike;
use kechuang_core::credit_code::CreditCode;
use kechuang_core::indicator::{self, Indicator, InstitutionLevel, Unit, Values};
use kechuang_core::org::Organisation;
use kechuang_core::period::Period;
use kechuang_store::{IpRecordRow, OrgRecord, QualificationRecord};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::{HashMap, HashSet};

/// Which import template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// Sheets 企业, 资质 and 知识产权.
    Enterprises,
    /// Sheet 指标填报 with every indicator.
    Filings,
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("xlsx: {e}"))
}

fn header_format() -> Format {
    Format::new().set_bold()
}

fn date_format() -> Format {
    Format::new().set_num_format("yyyy-mm-dd")
}

/// Writes a header row and sets sensible column widths.
fn write_headers(ws: &mut Worksheet, headers: &[String]) -> Result<(), XlsxError> {
    let bold = header_format();
    for (c, h) in headers.iter().enumerate() {
        let col = c as u16;
        ws.write_string_with_format(0, col, h, &bold)?;
        let width = (h.chars().count() as f64 * 2.2).clamp(10.0, 40.0);
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The 说明 sheet: one row per column of the given sheets.
fn instructions(wb: &mut Workbook, kinds: &[SheetKind]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("说明")?;
    let bold = header_format();
    let wrap = Format::new().set_text_wrap();
    let notes = [
        "本工作簿由 kechuang 生成，可直接填写后导入。",
        "每个工作表第1行为表头，按列名识别（全角、半角和空格均可），列的顺序不限；不认识的列名会报错。",
        "不要合并单元格；日期可以是 Excel 日期、2023-05-01、2023/5/1、2023.5.1、2023年5月1日 或 20230501。",
        "导入要么全部成功，要么一条也不写入；同一文件重复导入不会产生任何变化。",
        "本“说明”工作表导入时忽略。",
    ];
    let mut row: u32 = 0;
    for n in notes {
        ws.write_string(row, 0, n)?;
        row += 1;
    }
    row += 1;
    for (c, h) in ["工作表", "列名", "是否必填", "格式说明", "示例"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, c as u16, *h, &bold)?;
    }
    row += 1;
    for kind in kinds {
        for spec in kind.fields().iter().filter(|s| s.field != Field::Ignored) {
            ws.write_string(row, 0, kind.zh())?;
            ws.write_string(row, 1, spec.header)?;
            ws.write_string(row, 2, if spec.required { "必填" } else { "选填" })?;
            ws.write_string_with_format(row, 3, spec.format, &wrap)?;
            ws.write_string(row, 4, spec.example)?;
            row += 1;
        }
        if *kind == SheetKind::Filings {
            for ind in indicator::ALL {
                ws.write_string(row, 0, kind.zh())?;
                ws.write_string(row, 1, ind.header())?;
                ws.write_string(row, 2, "选填（空白表示未填报）")?;
                ws.write_string_with_format(row, 3, indicator_format(ind), &wrap)?;
                ws.write_string(row, 4, indicator_example(ind))?;
                row += 1;
            }
        }
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 30)?;
    ws.set_column_width(2, 20)?;
    ws.set_column_width(3, 70)?;
    ws.set_column_width(4, 24)?;
    Ok(())
}

fn indicator_format(ind: &Indicator) -> String {
    let how = match ind.period_kind {
        indicator::PeriodKind::Flow => "年初至期末累计",
        indicator::PeriodKind::Stock => "期末数",
        indicator::PeriodKind::Average => "年初至期末月平均数",
    };
    let unit = match ind.unit {
        Unit::Level => "无 / 市级以下 / 市级 / 省级 / 国家级".to_string(),
        u => format!("单位{}，最多{}位小数", u.zh(), ind.decimals),
    };
    let sign = if ind.sign == indicator::Sign::Any {
        "，可为负数"
    } else {
        ""
    };
    format!("{unit}{sign}；{how}。{}", ind.definition)
}

fn indicator_example(ind: &Indicator) -> String {
    match ind.unit {
        Unit::Level => "市级".into(),
        Unit::WanYuan | Unit::WanUsd => "1234.56".into(),
        _ if ind.decimals > 0 => "36.25".into(),
        _ => "12".into(),
    }
}

/// An import template: headers only, and a 说明 sheet describing each column.
pub fn template(kind: TemplateKind) -> AppResult<Vec<u8>> {
    let kinds: &[SheetKind] = match kind {
        TemplateKind::Enterprises => &[
            SheetKind::Enterprises,
            SheetKind::Qualifications,
            SheetKind::Ip,
        ],
        TemplateKind::Filings => &[SheetKind::Filings],
    };
    let mut wb = Workbook::new();
    for k in kinds {
        let ws = wb.add_worksheet();
        ws.set_name(k.zh()).map_err(xlsx_error)?;
        let headers: Vec<String> = template::template_headers(*k)
            .into_iter()
            .map(|(_, h)| h)
            .collect();
        write_headers(ws, &headers).map_err(xlsx_error)?;
    }
    instructions(&mut wb, kinds).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

/// What the actor may export.
struct RegistryData {
    orgs: Vec<OrgRecord>,
    quals: Vec<QualificationRecord>,
    ips: Vec<IpRecordRow>,
    latest: HashMap<String, (Period, Values)>,
}

async fn load(app: &App, actor: &Actor) -> AppResult<RegistryData> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    let orgs: Vec<OrgRecord> = db
        .all_organisations()
        .await?
        .into_iter()
        .filter(|o| actor.can_see(o))
        .collect();
    let visible: HashSet<&str> = orgs.iter().map(|o| o.id.as_str()).collect();
    let quals = db
        .all_qualifications()
        .await?
        .into_iter()
        .filter(|q| visible.contains(q.org_id.as_str()))
        .collect();
    let ips = db
        .all_ip_records()
        .await?
        .into_iter()
        .filter(|r| visible.contains(r.org_id.as_str()))
        .collect();
    let latest = db
        .latest_current_values()
        .await?
        .into_iter()
        .filter(|(id, _, _)| visible.contains(id.as_str()))
        .map(|(id, p, v)| (id.0, (p, v)))
        .collect();
    Ok(RegistryData {
        orgs,
        quals,
        ips,
        latest,
    })
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// Writes an indicator value exactly: a number when a double holds it to Excel's
/// 15 digits, otherwise text; a level as its zh-CN name.
fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    ind: &Indicator,
    v: i64,
) -> Result<(), XlsxError> {
    if ind.unit == Unit::Level {
        ws.write_string(
            row,
            col,
            InstitutionLevel::from_i64(v).map_or_else(|| v.to_string(), |l| l.zh().to_string()),
        )?;
        return Ok(());
    }
    let text = ind.format_value(v);
    match text.parse::<f64>() {
        Ok(x) if v.unsigned_abs() < 1_000_000_000_000_000 => ws.write_number(row, col, x)?,
        _ => ws.write_string(row, col, &text)?,
    };
    Ok(())
}

fn micro_degrees(v: i64) -> f64 {
    kechuang_core::money::format_scaled(v, 6, 0)
        .parse()
        .unwrap_or(0.0)
}

fn write_org(
    ws: &mut Worksheet,
    row: u32,
    fields: &[(Field, String)],
    o: &Organisation,
    date: &Format,
) -> Result<(), XlsxError> {
    for (c, (f, _)) in fields.iter().enumerate() {
        let col = c as u16;
        match f {
            Field::CreditCode => ws.write_string(row, col, o.credit_code.as_str())?,
            Field::Name => ws.write_string(row, col, &o.name)?,
            Field::OrgKind => ws.write_string(row, col, o.kind.zh())?,
            Field::Town => ws.write_string(row, col, o.town.as_deref().unwrap_or(""))?,
            Field::Cluster => ws.write_string(row, col, o.cluster.as_deref().unwrap_or(""))?,
            Field::Longitude => match o.coordinates {
                Some(p) => ws.write_number(row, col, micro_degrees(p.lon_micro))?,
                None => ws,
            },
            Field::Latitude => match o.coordinates {
                Some(p) => ws.write_number(row, col, micro_degrees(p.lat_micro))?,
                None => ws,
            },
            Field::FoundedOn => match o.founded_on {
                Some(d) => ws.write_datetime_with_format(row, col, &excel_date(d)?, date)?,
                None => ws,
            },
            Field::AboveScale => {
                ws.write_string(row, col, if o.above_scale { "是" } else { "否" })?
            }
            Field::Address => ws.write_string(row, col, o.address.as_deref().unwrap_or(""))?,
            _ => ws,
        };
    }
    Ok(())
}

/// The registry the actor may see as a workbook: 企业, 资质, 知识产权 and 指标填报
/// (each enterprise's latest approved filing), importable as it stands.
pub async fn registry_xlsx(app: &App, actor: &Actor) -> AppResult<Vec<u8>> {
    let data = load(app, actor).await?;
    build_registry_xlsx(&data).map_err(xlsx_error)
}

fn build_registry_xlsx(data: &RegistryData) -> Result<Vec<u8>, XlsxError> {
    let date = date_format();
    let by_id: HashMap<&str, &OrgRecord> = data.orgs.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut wb = Workbook::new();

    let fields = template::template_headers(SheetKind::Enterprises);
    let ws = wb.add_worksheet();
    ws.set_name(SheetKind::Enterprises.zh())?;
    write_headers(ws, &fields.iter().map(|f| f.1.clone()).collect::<Vec<_>>())?;
    for (i, o) in data.orgs.iter().enumerate() {
        write_org(ws, i as u32 + 1, &fields, &o.org, &date)?;
    }

    let fields = template::template_headers(SheetKind::Qualifications);
    let ws = wb.add_worksheet();
    ws.set_name(SheetKind::Qualifications.zh())?;
    write_headers(ws, &fields.iter().map(|f| f.1.clone()).collect::<Vec<_>>())?;
    for (i, q) in data.quals.iter().enumerate() {
        let row = i as u32 + 1;
        let org = by_id.get(q.org_id.as_str());
        for (c, (f, _)) in fields.iter().enumerate() {
            let col = c as u16;
            match f {
                Field::CreditCode => {
                    ws.write_string(row, col, org.map_or("", |o| o.org.credit_code.as_str()))?
                }
                Field::Name => {
                    ws.write_string(row, col, org.map_or("", |o| o.org.name.as_str()))?
                }
                Field::QualKind => ws.write_string(row, col, q.q.kind.zh())?,
                Field::QualNumber => {
                    ws.write_string(row, col, q.q.number.as_deref().unwrap_or(""))?
                }
                Field::RecognizedOn => {
                    ws.write_datetime_with_format(row, col, &excel_date(q.q.recognized_on)?, &date)?
                }
                Field::ValidUntil => match q.q.valid_until {
                    Some(d) => ws.write_datetime_with_format(row, col, &excel_date(d)?, &date)?,
                    None => ws,
                },
                _ => ws,
            };
        }
    }

    let fields = template::template_headers(SheetKind::Ip);
    let ws = wb.add_worksheet();
    ws.set_name(SheetKind::Ip.zh())?;
    write_headers(ws, &fields.iter().map(|f| f.1.clone()).collect::<Vec<_>>())?;
    for (i, r) in data.ips.iter().enumerate() {
        let row = i as u32 + 1;
        let org = by_id.get(r.org_id.as_str());
        let ip = &r.ip;
        for (c, (f, _)) in fields.iter().enumerate() {
            let col = c as u16;
            match f {
                Field::CreditCode => {
                    ws.write_string(row, col, org.map_or("", |o| o.org.credit_code.as_str()))?
                }
                Field::Name => {
                    ws.write_string(row, col, org.map_or("", |o| o.org.name.as_str()))?
                }
                Field::IpType => ws.write_string(row, col, ip.ip_type.zh())?,
                Field::IpNumber => ws.write_string(row, col, &ip.number)?,
                Field::IpTitle => ws.write_string(row, col, &ip.title)?,
                Field::GrantedOn => match ip.granted_on {
                    Some(d) => ws.write_datetime_with_format(row, col, &excel_date(d)?, &date)?,
                    None => ws,
                },
                Field::LegalStatus => ws.write_string(row, col, ip.status.zh())?,
                Field::Acquisition => ws.write_string(row, col, ip.acquisition.zh())?,
                Field::AcquiredOn => match ip.acquired_on {
                    Some(d) => ws.write_datetime_with_format(row, col, &excel_date(d)?, &date)?,
                    None => ws,
                },
                Field::UsedInHte => {
                    ws.write_string(row, col, if ip.used_in_hte { "是" } else { "否" })?
                }
                _ => ws,
            };
        }
    }

    let fields = template::template_headers(SheetKind::Filings);
    let ws = wb.add_worksheet();
    ws.set_name(SheetKind::Filings.zh())?;
    write_headers(ws, &fields.iter().map(|f| f.1.clone()).collect::<Vec<_>>())?;
    let mut row = 1u32;
    for o in &data.orgs {
        let Some((period, values)) = data.latest.get(o.id.as_str()) else {
            continue;
        };
        for (c, (f, _)) in fields.iter().enumerate() {
            let col = c as u16;
            match f {
                Field::CreditCode => {
                    ws.write_string(row, col, o.org.credit_code.as_str())?;
                }
                Field::Name => {
                    ws.write_string(row, col, &o.org.name)?;
                }
                Field::Period => {
                    ws.write_string(row, col, period.to_string())?;
                }
                Field::Indicator(i) => {
                    if let (Some(ind), Some(v)) =
                        (indicator::ALL.get(*i), values.0.get(*i).copied().flatten())
                    {
                        write_value(ws, row, col, ind, v)?;
                    }
                }
                _ => {}
            }
        }
        row += 1;
    }
    wb.save_to_buffer()
}

/// The registry as one flat CSV table (UTF-8 with a BOM, so Excel opens it): the
/// 企业 columns, then 期间 and every indicator of the latest approved filing.
pub async fn registry_csv(app: &App, actor: &Actor) -> AppResult<Vec<u8>> {
    let data = load(app, actor).await?;
    let ent = template::template_headers(SheetKind::Enterprises);
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let mut header: Vec<String> = ent.iter().map(|f| f.1.clone()).collect();
        header.push("期间".into());
        header.extend(indicator::ALL.iter().map(Indicator::header));
        w.write_record(&header).map_err(csv_error)?;
        for o in &data.orgs {
            let org = &o.org;
            let mut rec: Vec<String> = ent
                .iter()
                .map(|(f, _)| match f {
                    Field::CreditCode => org.credit_code.to_string(),
                    Field::Name => org.name.clone(),
                    Field::OrgKind => org.kind.zh().into(),
                    Field::Town => org.town.clone().unwrap_or_default(),
                    Field::Cluster => org.cluster.clone().unwrap_or_default(),
                    Field::Longitude => org
                        .coordinates
                        .map(|c| kechuang_core::money::format_scaled(c.lon_micro, 6, 0))
                        .unwrap_or_default(),
                    Field::Latitude => org
                        .coordinates
                        .map(|c| kechuang_core::money::format_scaled(c.lat_micro, 6, 0))
                        .unwrap_or_default(),
                    Field::FoundedOn => org
                        .founded_on
                        .map(kechuang_core::date::to_iso)
                        .unwrap_or_default(),
                    Field::AboveScale => if org.above_scale { "是" } else { "否" }.into(),
                    Field::Address => org.address.clone().unwrap_or_default(),
                    _ => String::new(),
                })
                .collect();
            match data.latest.get(o.id.as_str()) {
                Some((p, v)) => {
                    rec.push(p.to_string());
                    rec.extend(
                        indicator::ALL
                            .iter()
                            .map(|i| v.0[i.index].map(|x| i.format_value(x)).unwrap_or_default()),
                    );
                }
                None => rec.extend(std::iter::repeat_n(String::new(), indicator::ALL.len() + 1)),
            }
            w.write_record(&rec).map_err(csv_error)?;
        }
        w.flush()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    }
    Ok(out)
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("csv: {e}"))
}

/// What [`synthetic_workbook`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SyntheticCounts {
    /// Rows of the 企业 sheet.
    pub enterprises: u64,
    /// Rows of the 指标填报 sheet.
    pub filing_rows: u64,
    /// Size of the file, bytes.
    pub bytes: u64,
}

/// A small deterministic generator (SplitMix64), so the same seed writes the same
/// workbook everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const TOWNS: &[&str] = &[
    "巴川街道",
    "东城街道",
    "南城街道",
    "蒲吕街道",
    "旧县街道",
    "土桥镇",
    "二坪镇",
    "水口镇",
    "安居镇",
    "白羊镇",
    "平滩镇",
    "石鱼镇",
    "福果镇",
    "维新镇",
    "大庙镇",
    "围龙镇",
    "华兴镇",
    "永嘉镇",
    "安溪镇",
    "西河镇",
    "太平镇",
    "庆隆镇",
    "少云镇",
    "双山镇",
    "小林镇",
    "侣俸镇",
    "虎峰镇",
    "高楼镇",
];
const CLUSTERS: &[(&str, &str)] = &[
    ("新型储能", "储能科技"),
    ("智能网联新能源汽车零部件", "汽车零部件"),
    ("摩托车", "摩托车制造"),
    ("电子信息", "电子科技"),
    ("装备制造", "机械制造"),
    ("绿色食品", "食品"),
    ("新材料", "新材料科技"),
];
const TRADE: &[char] = &[
    '瑞', '华', '恒', '鑫', '泰', '宏', '盛', '达', '锐', '博', '远', '科', '创', '联', '信', '安',
    '德', '丰', '腾', '凯', '嘉', '豪', '隆', '兴', '铜', '巴', '川', '蜀', '渝', '峰',
];

/// Cents (1/100 of the unit) as the number a cell holds.
fn cents(v: i64) -> f64 {
    v as f64 / 100.0
}

fn part(whole: i64, share: f64) -> i64 {
    ((whole as f64 * share).floor() as i64).clamp(0, whole.max(0))
}

/// Writes a valid workbook of `enterprises` × `quarters` year-to-date quarterly
/// filings (sheets 企业 and 指标填报, rows period by period as a bureau appends
/// them), with plausible values that pass every consistency check and no
/// 元/万元 suspects. Worksheets are written in rust_xlsxwriter's constant-memory
/// mode (rows stream to disk, text is written inline), so memory stays flat however
/// many rows.
pub fn synthetic_workbook(
    path: &std::path::Path,
    enterprises: u32,
    quarters: u32,
    seed: u64,
) -> AppResult<SyntheticCounts> {
    write_synthetic(path, enterprises, quarters, seed).map_err(xlsx_error)?;
    let bytes = std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(SyntheticCounts {
        enterprises: u64::from(enterprises),
        filing_rows: u64::from(enterprises) * u64::from(quarters),
        bytes,
    })
}

struct Firm {
    code: String,
    name: String,
    revenue_cents: i64,
    growth: f64,
    rd_share: f64,
    ht_share: f64,
    margin: f64,
    export_share: f64,
    ip1: i64,
    ip2: i64,
    level: InstitutionLevel,
}

fn write_synthetic(
    path: &std::path::Path,
    enterprises: u32,
    quarters: u32,
    seed: u64,
) -> Result<(), XlsxError> {
    let mut rng = Rng(seed);
    let date = date_format();
    let mut wb = Workbook::new();
    // A fixed creation time: the same arguments give the same bytes.
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2023, 10, 31)?),
    );
    let mut firms: Vec<Firm> = Vec::with_capacity(enterprises as usize);
    let base = (seed % 900) * 1_000_000;
    {
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(SheetKind::Enterprises.zh())?;
        let fields = template::template_headers(SheetKind::Enterprises);
        write_headers(ws, &fields.iter().map(|f| f.1.clone()).collect::<Vec<_>>())?;
        for e in 0..enterprises {
            let code = CreditCode::complete(&format!("91500151{:09}", base + u64::from(e)))
                .map_or_else(String::new, |c| c.to_string());
            let (cluster, trade) = *rng.pick(CLUSTERS);
            let name = format!(
                "重庆{}{}{}有限公司",
                rng.pick(TRADE),
                rng.pick(TRADE),
                trade
            );
            let town = *rng.pick(TOWNS);
            let row = e + 1;
            ws.write_string(row, 0, &code)?;
            ws.write_string(row, 1, &name)?;
            ws.write_string(row, 2, "企业")?;
            ws.write_string(row, 3, town)?;
            ws.write_string(row, 4, cluster)?;
            let lon = (rng.range(105.777, 106.282) * 1e6).round() / 1e6;
            let lat = (rng.range(29.521, 30.095) * 1e6).round() / 1e6;
            ws.write_number(row, 5, lon)?;
            ws.write_number(row, 6, lat)?;
            let founded = ExcelDateTime::from_ymd(
                1995 + (rng.next() % 28) as u16,
                1 + (rng.next() % 12) as u8,
                1 + (rng.next() % 28) as u8,
            )?;
            ws.write_datetime_with_format(row, 7, &founded, &date)?;
            let revenue_cents = (rng.range(3.0, 10.5).exp() * 100.0).round() as i64;
            ws.write_string(
                row,
                8,
                if revenue_cents > 20_000_000 {
                    "是"
                } else {
                    "否"
                },
            )?;
            ws.write_string(
                row,
                9,
                format!("重庆市铜梁区{town}工业园{}号", 1 + rng.next() % 300),
            )?;
            firms.push(Firm {
                code,
                name,
                revenue_cents,
                growth: rng.range(0.95, 1.25),
                rd_share: rng.range(0.02, 0.08),
                ht_share: rng.range(0.3, 0.8),
                margin: rng.range(-0.05, 0.15),
                export_share: rng.range(0.0, 0.2),
                ip1: (rng.next() % 12) as i64,
                ip2: (rng.next() % 30) as i64,
                level: InstitutionLevel::from_i64((rng.next() % 4) as i64)
                    .unwrap_or(InstitutionLevel::None),
            });
        }
    }
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(SheetKind::Filings.zh())?;
    let fields = template::template_headers(SheetKind::Filings);
    write_headers(ws, &fields.iter().map(|f| f.1.clone()).collect::<Vec<_>>())?;
    let first_year = 2024 - quarters.div_ceil(4) as i32;
    let mut row = 1u32;
    for k in 0..quarters {
        let year = first_year + (k / 4) as i32;
        let q = (k % 4 + 1) as u8;
        let period = Period::quarter(year, q).map_or_else(String::new, |p| p.to_string());
        let ytd = f64::from(q) / 4.0;
        for f in &firms {
            let annual = (f.revenue_cents as f64 * f.growth.powi((k / 4) as i32)) as i64;
            let values = synthetic_values(f, annual, ytd);
            for (c, (field, _)) in fields.iter().enumerate() {
                let col = c as u16;
                match field {
                    Field::CreditCode => {
                        ws.write_string(row, col, &f.code)?;
                    }
                    Field::Name => {
                        ws.write_string(row, col, &f.name)?;
                    }
                    Field::Period => {
                        ws.write_string(row, col, &period)?;
                    }
                    Field::Indicator(i) => {
                        let Some(ind) = indicator::ALL.get(*i) else {
                            continue;
                        };
                        match (ind.unit, values.0[*i]) {
                            (_, None) => {}
                            (Unit::Level, Some(v)) => {
                                ws.write_string(
                                    row,
                                    col,
                                    InstitutionLevel::from_i64(v / 100).map_or("无", |l| l.zh()),
                                )?;
                            }
                            (_, Some(v)) => {
                                ws.write_number(row, col, cents(v))?;
                            }
                        }
                    }
                    _ => {}
                }
            }
            row += 1;
        }
    }
    wb.save(path)
}

/// One filing's values in cents of each unit (a level as its number × 100), consistent
/// by construction: every part is a share of its whole.
fn synthetic_values(f: &Firm, annual: i64, ytd: f64) -> Values {
    let flow = (annual as f64 * ytd) as i64;
    let mut v = Values::default();
    let mut set = |code: &str, x: i64| v.set(code, Some(x));
    let operating = flow;
    let total_income = part(operating, 1.0) + part(operating, 0.02);
    let total_cost = part(operating, 0.9);
    let rd = part(total_cost, f.rd_share / 0.9);
    let profit = (operating as f64 * f.margin) as i64;
    let assets = part(annual, 1.5) + part(annual, 0.0);
    let employees = (annual / 8_000).max(500);
    let new_jobs = part(employees / 100, 0.05 * ytd) * 100;
    let patents = ((f.ip2 as f64 * ytd) as i64 / 3) * 100;
    set("operating_revenue", operating);
    set("sales_revenue", part(operating, 0.98));
    set("main_business_revenue", part(operating, 0.9));
    set("high_tech_revenue", part(total_income, f.ht_share));
    set("total_income", total_income);
    set("total_profit", profit);
    set("net_profit", (profit as f64 * 0.85) as i64);
    set("taxes_paid", part(operating, 0.03));
    set("tax_relief", part(operating, 0.005));
    set("export_earnings", part(operating, f.export_share / 7.0));
    set("total_assets", assets);
    set("net_assets", part(assets, 0.45));
    set("employees", employees);
    set("st_staff", part(employees, 0.15));
    set("rd_staff", part(employees, 0.1));
    set("new_jobs", new_jobs);
    set("rd_expense", rd);
    set("rd_domestic", part(rd, 0.95));
    set("ip_class1", f.ip1 * 100);
    set("ip_class2", f.ip2 * 100);
    set("patent_applications", patents);
    set("tech_contract_amount", part(operating, 0.01));
    set("rd_institution_level", f.level as i64 * 100);
    set("conversions", part(f.ip1 * 100, 0.3));
    set("new_jobs_graduates", part(new_jobs / 100, 0.3) * 100);
    set("rd_basic", part(rd, 0.05));
    set("invention_applications", part(patents / 100, 0.4) * 100);
    set("tech_transaction_amount", part(part(operating, 0.01), 0.8));
    set("total_cost", total_cost);
    v
}
