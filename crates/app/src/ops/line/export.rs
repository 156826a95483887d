//! The analytics of a period as an xlsx workbook for trial production: the same tables
//! as the page (stations, joints with Cp/Cpk, reasons, hours, the X̄-R chart data) and
//! every tightening of the period (at most [`MAX_SCREWS`] rows).

use super::analytics::{LineAnalytics, Period, readable_line};
use super::views::seconds;
use crate::{Actor, App, AppError, AppResult};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;

/// Most tightening rows in one export.
pub const MAX_SCREWS: usize = 200_000;

fn xe(e: XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("xlsx: {e}"))
}

fn header(ws: &mut Worksheet, cols: &[&str]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *c, &bold)?;
    }
    Ok(())
}

fn opt(ws: &mut Worksheet, r: u32, c: u16, v: Option<f64>) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_number(r, c, v)?;
    }
    Ok(())
}

impl App {
    /// The analytics workbook of a line over a period.
    pub async fn line_analytics_xlsx(
        &self,
        actor: &Actor,
        line: &str,
        period: Period,
        spc: Option<&str>,
    ) -> AppResult<Vec<u8>> {
        let a = self.line_analytics(actor, line, period, spc).await?;
        let (from, to) = period.bounds();
        let mut db = self.store.read().await?;
        let spec = readable_line(&mut db, actor, line).await?;
        let mut screws = db.line_results_between(&spec.id, from, to).await?;
        screws.truncate(MAX_SCREWS);
        let names: HashMap<&str, &str> = spec
            .stations
            .iter()
            .map(|s| (s.id.as_str(), s.name.as_str()))
            .collect();
        let mut wb = Workbook::new();
        write_summary(&mut wb, &a).map_err(xe)?;
        let ws = wb.add_worksheet().set_name("拧紧明细").map_err(xe)?;
        header(
            ws,
            &[
                "时间",
                "车架号",
                "工位",
                "螺栓组",
                "螺栓",
                "次数",
                "扭矩(N·m)",
                "角度(°)",
                "结果",
                "控制器",
                "拧紧ID",
                "标记",
            ],
        )
        .map_err(xe)?;
        for (i, r) in screws.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string(row, 0, seconds(r.at_us)).map_err(xe)?;
            ws.write_string(row, 1, r.vin.clone().unwrap_or_default())
                .map_err(xe)?;
            ws.write_string(
                row,
                2,
                names.get(r.station_id.as_str()).copied().unwrap_or(""),
            )
            .map_err(xe)?;
            ws.write_string(row, 3, r.joint.clone().unwrap_or_default())
                .map_err(xe)?;
            if let Some(b) = r.bolt {
                ws.write_number(row, 4, f64::from(b)).map_err(xe)?;
            }
            if let Some(t) = r.attempt {
                ws.write_number(row, 5, f64::from(t)).map_err(xe)?;
            }
            ws.write_number(row, 6, r.torque_cnm as f64 / 100.0)
                .map_err(xe)?;
            ws.write_number(row, 7, r.angle_deg as f64).map_err(xe)?;
            ws.write_string(row, 8, if r.ok { "OK" } else { "NOK" })
                .map_err(xe)?;
            ws.write_string(row, 9, r.controller_id.as_str())
                .map_err(xe)?;
            ws.write_number(row, 10, r.tightening_id as f64)
                .map_err(xe)?;
            if let Some(f) = r.flag {
                ws.write_string(row, 11, f.code()).map_err(xe)?;
            }
        }
        wb.save_to_buffer().map_err(xe)
    }
}

fn write_summary(wb: &mut Workbook, a: &LineAnalytics) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("概要")?;
    let rows: Vec<(&str, String)> = vec![
        ("装配线", a.line_name.clone()),
        ("状态", a.status.clone()),
        ("期间", a.period.clone()),
        ("下线车辆", a.vehicles.to_string()),
        ("一次合格车辆", a.vehicles_first_pass.to_string()),
        (
            "整线一次合格率(%)",
            a.line_fpy_pct
                .map(|p| format!("{p:.1}"))
                .unwrap_or_default(),
        ),
        (
            "滚动直通率RTY(%)",
            a.rty_pct.map(|p| format!("{p:.1}")).unwrap_or_default(),
        ),
        ("返工（重拧）次数", a.rework.to_string()),
        ("主管放行次数", a.overrides.to_string()),
        (
            "小时产量(台/小时)",
            a.throughput_per_hour
                .map(|p| format!("{p:.1}"))
                .unwrap_or_default(),
        ),
        (
            "瓶颈工位",
            a.bottleneck
                .as_ref()
                .map(|b| b.0.clone())
                .unwrap_or_default(),
        ),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        ws.write_string(i as u32, 0, *k)?;
        ws.write_string(i as u32, 1, v)?;
    }
    let ws = wb.add_worksheet().set_name("工位")?;
    header(
        ws,
        &[
            "序号",
            "工位",
            "过站数",
            "一次合格",
            "一次合格率(%)",
            "返工次数",
            "主管放行",
            "平均节拍(s)",
            "P50(s)",
            "P90(s)",
            "最大(s)",
            "利用率(%)",
        ],
    )?;
    for (i, s) in a.stations.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, s.position as f64)?;
        ws.write_string(r, 1, &s.name)?;
        ws.write_number(r, 2, s.visits as f64)?;
        ws.write_number(r, 3, s.first_pass as f64)?;
        opt(ws, r, 4, s.fpy_pct)?;
        ws.write_number(r, 5, s.rework as f64)?;
        ws.write_number(r, 6, s.overrides as f64)?;
        opt(ws, r, 7, s.mean_s)?;
        opt(ws, r, 8, s.p50_s)?;
        opt(ws, r, 9, s.p90_s)?;
        opt(ws, r, 10, s.max_s)?;
        opt(ws, r, 11, s.utilisation_pct)?;
    }
    let ws = wb.add_worksheet().set_name("螺栓组SPC")?;
    header(
        ws,
        &[
            "工位",
            "螺栓组",
            "拧紧次数",
            "OK",
            "一次合格率(%)",
            "平均扭矩",
            "最小",
            "最大",
            "下限",
            "上限",
            "子组数",
            "Cp",
            "Cpk",
            "数据充足",
        ],
    )?;
    for (i, j) in a.joints.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &j.station_name)?;
        ws.write_string(r, 1, &j.joint)?;
        ws.write_number(r, 2, j.results as f64)?;
        ws.write_number(r, 3, j.ok as f64)?;
        opt(ws, r, 4, j.ftr_pct)?;
        opt(ws, r, 5, j.mean_nm)?;
        opt(ws, r, 6, j.min_nm)?;
        opt(ws, r, 7, j.max_nm)?;
        ws.write_number(r, 8, j.lsl_nm)?;
        ws.write_number(r, 9, j.usl_nm)?;
        ws.write_number(r, 10, j.subgroups as f64)?;
        opt(ws, r, 11, j.cp)?;
        opt(ws, r, 12, j.cpk)?;
        ws.write_string(r, 13, if j.enough { "是" } else { "否" })?;
    }
    let ws = wb.add_worksheet().set_name("返工原因")?;
    header(ws, &["工位", "原因", "次数"])?;
    for (i, (s, why, n)) in a.reasons.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, s)?;
        ws.write_string(r, 1, why)?;
        ws.write_number(r, 2, *n as f64)?;
    }
    let ws = wb.add_worksheet().set_name("逐小时")?;
    header(ws, &["小时", "下线车辆", "一次合格", "一次合格率(%)"])?;
    for (i, h) in a.hourly.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &h.label)?;
        ws.write_number(r, 1, h.vehicles as f64)?;
        ws.write_number(r, 2, h.first_pass as f64)?;
        opt(ws, r, 3, h.fpy_pct)?;
    }
    if let Some(c) = &a.spc {
        let ws = wb.add_worksheet().set_name("均值极差图")?;
        ws.write_string(0, 0, format!("{}（n = {}）", c.title, c.n))?;
        header_at(
            ws,
            1,
            &[
                "子组",
                "X̄",
                "R",
                "中心线",
                "UCL",
                "LCL",
                "R̄",
                "R UCL",
                "R LCL",
            ],
        )?;
        for i in 0..c.xbar.len() {
            let r = i as u32 + 2;
            ws.write_string(r, 0, c.labels.get(i).map(String::as_str).unwrap_or(""))?;
            ws.write_number(r, 1, c.xbar[i])?;
            ws.write_number(r, 2, c.r[i])?;
            ws.write_number(r, 3, c.center)?;
            ws.write_number(r, 4, c.ucl)?;
            ws.write_number(r, 5, c.lcl)?;
            ws.write_number(r, 6, c.r_bar)?;
            ws.write_number(r, 7, c.r_ucl)?;
            ws.write_number(r, 8, c.r_lcl)?;
        }
    }
    Ok(())
}

fn header_at(ws: &mut Worksheet, row: u32, cols: &[&str]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *c, &bold)?;
    }
    Ok(())
}
