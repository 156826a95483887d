//! The matchmaking import template: one sheet per kind (a header row and an
//! example row) and a 说明 sheet describing every column; and the same as CSV.

use super::MmKind;
use crate::{AppError, AppResult};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("xlsx: {e}"))
}

/// The template workbook (sheets 技术需求, 科技成果, 专家 and 说明). The example
/// rows name an organisation that is not in the registry: replace them.
pub fn template_xlsx() -> AppResult<Vec<u8>> {
    build().map_err(xlsx_error)
}

fn build() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let example = Format::new().set_font_color(rust_xlsxwriter::Color::Gray);
    for k in MmKind::ALL {
        let ws = wb.add_worksheet();
        ws.set_name(k.zh())?;
        for (c, col) in k.columns().iter().enumerate() {
            let c = c as u16;
            let header = if col.required {
                format!("{}*", col.header)
            } else {
                col.header.to_string()
            };
            ws.write_string_with_format(0, c, &header, &bold)?;
            ws.write_string_with_format(1, c, col.example, &example)?;
            let width = (col.header.chars().count().max(col.example.chars().count()) as f64 * 2.0)
                .clamp(10.0, 40.0);
            ws.set_column_width(c, width)?;
        }
        ws.set_freeze_panes(1, 0)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("说明")?;
    let wrap = Format::new().set_text_wrap();
    let notes = [
        "本工作簿由 kechuang 生成：技术需求、科技成果、专家三个工作表可任选其一或多个填写后导入。",
        "第1行为表头，按列名识别（全角、半角括号和空格均可，带 * 的为必填列），列的顺序不限；不认识的列名会报错。第2行为示例，导入前请替换或删除。",
        "整份文件全部通过检查才会导入；任何一个单元格有误时不写入任何数据，并列出每个有误的单元格。",
        "每行的“编号”在本单位内唯一；再次导入同一文件不会重复新增，内容有变化的记录会被更新。",
        "CSV 文件（UTF-8 或 GBK）每个文件一种记录，按表头识别类型，列名与本模板相同。",
    ];
    for (r, n) in notes.iter().enumerate() {
        ws.write_string(r as u32, 0, *n)?;
    }
    let start = notes.len() as u32 + 1;
    for (c, h) in ["工作表", "列名", "必填", "填写说明", "示例"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(start, c as u16, *h, &bold)?;
    }
    let mut r = start + 1;
    for k in MmKind::ALL {
        for col in k.columns() {
            ws.write_string(r, 0, k.zh())?;
            ws.write_string(r, 1, col.header)?;
            ws.write_string(r, 2, if col.required { "是" } else { "" })?;
            ws.write_string_with_format(r, 3, col.note, &wrap)?;
            ws.write_string(r, 4, col.example)?;
            r += 1;
        }
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 6)?;
    ws.set_column_width(3, 70)?;
    ws.set_column_width(4, 30)?;
    wb.save_to_buffer()
}

/// A CSV template of one kind (UTF-8 with BOM): the header row and the example row.
pub fn template_csv(kind: MmKind) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<&str>| {
        cells
            .into_iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    out.push_str(&line(kind.columns().iter().map(|c| c.header).collect()));
    out.push_str("\r\n");
    out.push_str(&line(kind.columns().iter().map(|c| c.example).collect()));
    out.push_str("\r\n");
    out.into_bytes()
}
