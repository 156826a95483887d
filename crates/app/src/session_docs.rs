//! Downloads of a special session's schedule: an xlsx workbook and a printable
//! PDF, for the whole session (bureau) or one participant.
//!
//! The workbook has a sheet 洽谈总表 (the grid: one row per slot, one column per
//! table; bureau only), a sheet 日程明细 (one row per participant and meeting) and,
//! for the bureau, 未安排 (the requested pairs the scheduler could not place).
//! The PDF has the session's header, then the grid as a list (bureau), then one
//! page per participant with its schedule.

use crate::ops::sessions::{self, ScheduleLine, SessionDetail};
use crate::pdf::PdfDoc;
use crate::{Actor, App, AppError, AppResult};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("xlsx: {e}"))
}

/// `洽谈桌 3`.
fn table_name(t: u32) -> String {
    format!("{t}号桌")
}

/// The schedule as xlsx: the whole session for the bureau (or one participant
/// when `org` is given), the actor's own schedule for a participant.
pub async fn schedule_xlsx(
    app: &App,
    actor: &Actor,
    id: &str,
    org: Option<&str>,
) -> AppResult<Vec<u8>> {
    let (d, rows) = sessions::schedules(app, actor, id, org).await?;
    write_xlsx(&d, &rows, org.is_none_or(|o| o.trim().is_empty())).map_err(xlsx_error)
}

fn write_xlsx(
    d: &SessionDetail,
    rows: &[(String, Vec<ScheduleLine>)],
    whole: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let s = &d.session;
    if d.bureau && whole {
        let ws = wb.add_worksheet();
        ws.set_name("洽谈总表")?;
        ws.write_string_with_format(0, 0, &s.spec.title, &bold)?;
        ws.write_string(
            1,
            0,
            format!(
                "{} {}",
                s.spec.date,
                s.spec.venue.clone().unwrap_or_default()
            ),
        )?;
        ws.write_string_with_format(3, 0, "时段", &bold)?;
        ws.write_string_with_format(3, 1, "时间", &bold)?;
        ws.set_column_width(1, 14)?;
        for t in 0..s.spec.tables {
            let col = u16::try_from(t + 2).unwrap_or(u16::MAX);
            ws.write_string_with_format(3, col, table_name(t + 1), &bold)?;
            ws.set_column_width(col, 28)?;
        }
        for (i, label) in s.slot_labels.iter().enumerate() {
            let row = 4 + i as u32;
            ws.write_number(row, 0, (i + 1) as f64)?;
            ws.write_string(row, 1, label)?;
        }
        for m in &d.meetings {
            let col = u16::try_from(m.table + 1).unwrap_or(u16::MAX);
            ws.write_string_with_format(
                3 + m.slot,
                col,
                format!("{} — {}", m.a_name, m.b_name),
                &wrap,
            )?;
        }
        ws.set_freeze_panes(4, 2)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("日程明细")?;
    let headers = [
        "参会单位",
        "时段",
        "时间",
        "桌号",
        "洽谈对象",
        "对象类型",
        "对方需求/成果",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (c, w) in [36.0, 6.0, 14.0, 8.0, 36.0, 10.0, 48.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut r = 1u32;
    for (org, lines) in rows {
        for l in lines {
            ws.write_string(r, 0, org)?;
            ws.write_number(r, 1, f64::from(l.slot))?;
            ws.write_string(r, 2, &l.time)?;
            ws.write_number(r, 3, f64::from(l.table))?;
            ws.write_string(r, 4, &l.counterpart)?;
            ws.write_string(r, 5, &l.counterpart_kind)?;
            ws.write_string(r, 6, l.topic.as_deref().unwrap_or(""))?;
            r += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if d.bureau
        && whole
        && let Some(f) = &d.figures
    {
        let ws = wb.add_worksheet();
        ws.set_name("未安排")?;
        for (c, h) in ["单位甲", "单位乙", "双向意向", "原因"].iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
            ws.set_column_width(c as u16, 36)?;
        }
        for (i, u) in f.unmet.iter().enumerate() {
            let row = 1 + i as u32;
            ws.write_string(row, 0, &u.a_name)?;
            ws.write_string(row, 1, &u.b_name)?;
            ws.write_string(row, 2, if u.mutual { "是" } else { "否" })?;
            ws.write_string(row, 3, &u.reason_zh)?;
        }
    }
    wb.save_to_buffer()
}

fn header(doc: &mut PdfDoc, d: &SessionDetail) {
    let s = &d.session;
    doc.heading(&s.spec.title);
    let mut facts = vec![format!("日期：{}", s.spec.date)];
    if let Some(v) = &s.spec.venue {
        facts.push(format!("地点：{v}"));
    }
    if let Some(o) = &s.spec.organiser {
        facts.push(format!("主办：{o}"));
    }
    facts.push(format!(
        "洽谈时段：{} 起，每场 {} 分钟，共 {} 场；洽谈桌 {} 张",
        s.start, s.spec.slot_minutes, s.spec.slots, s.spec.tables
    ));
    doc.paragraph(&facts.join("    "));
    doc.space(4.0);
}

/// The schedule as a printable PDF: the whole session for the bureau (grid and
/// every participant's page) or one participant when `org` is given; a
/// participant gets its own page.
pub async fn schedule_pdf(
    app: &App,
    actor: &Actor,
    id: &str,
    org: Option<&str>,
) -> AppResult<Vec<u8>> {
    let (d, rows) = sessions::schedules(app, actor, id, org).await?;
    let whole = d.bureau && org.is_none_or(|o| o.trim().is_empty());
    let mut doc = PdfDoc::new(&d.session.spec.title);
    header(&mut doc, &d);
    if whole {
        doc.subheading(&format!(
            "洽谈总表（共 {} 场洽谈，{} 家参会单位）",
            d.meetings.len(),
            d.participants.len()
        ));
        let grid: Vec<Vec<String>> = d
            .meetings
            .iter()
            .map(|m| {
                vec![
                    m.time.clone(),
                    table_name(m.table),
                    m.a_name.clone(),
                    m.b_name.clone(),
                ]
            })
            .collect();
        doc.table(
            &[75.0, 45.0, 197.0, 198.0],
            &["时间", "桌号", "单位甲", "单位乙"],
            &grid,
        );
        if !d.signings.is_empty() {
            doc.subheading(&format!("签约项目（{} 项）", d.signings.len()));
            let rows: Vec<Vec<String>> = d
                .signings
                .iter()
                .map(|g| {
                    vec![
                        g.title.clone(),
                        g.enterprise_name.clone(),
                        g.partner_name.clone(),
                        g.amount_wan
                            .clone()
                            .map_or("—".into(), |a| format!("{a} 万元")),
                    ]
                })
                .collect();
            doc.table(
                &[175.0, 130.0, 130.0, 80.0],
                &["项目", "企业", "合作单位", "金额"],
                &rows,
            );
        }
    }
    for (i, (org, lines)) in rows.iter().enumerate() {
        if whole || i > 0 {
            doc.page_break();
            header(&mut doc, &d);
        }
        doc.subheading(&format!("{org} 洽谈日程（{} 场）", lines.len()));
        let body: Vec<Vec<String>> = lines
            .iter()
            .map(|l| {
                vec![
                    l.time.clone(),
                    table_name(l.table),
                    l.counterpart.clone(),
                    l.topic.clone().unwrap_or_default(),
                ]
            })
            .collect();
        doc.table(
            &[75.0, 45.0, 180.0, 215.0],
            &["时间", "桌号", "洽谈对象", "对方需求/成果"],
            &body,
        );
    }
    Ok(doc.finish())
}
