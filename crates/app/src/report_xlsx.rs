//! The district report as an xlsx workbook: a 报告 sheet with the title and the
//! paragraphs, then one sheet per section; counts and amounts are numbers with
//! number formats (not text), percentages numbers with a `%` format.

use crate::report_doc::{Cell, ReportDoc};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The workbook's bytes.
pub fn render(doc: &ReportDoc) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let int = Format::new().set_num_format("#,##0");
    let dec = Format::new().set_num_format("#,##0.00");
    let pct = Format::new().set_num_format("0.0\"%\"");
    {
        let ws = wb.add_worksheet();
        ws.set_name("报告")?;
        ws.set_column_width(0, 100)?;
        ws.write_string_with_format(0, 0, &doc.title, &bold)?;
        for (i, p) in doc.paragraphs.iter().enumerate() {
            ws.write_string_with_format(i as u32 + 2, 0, p, &wrap)?;
        }
    }
    for s in &doc.sections {
        let ws = wb.add_worksheet();
        let name: String = s
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(&name)?;
        ws.write_string_with_format(0, 0, &s.title, &bold)?;
        let mut row = 1u32;
        for t in &s.text {
            ws.write_string(row, 0, t)?;
            row += 1;
        }
        row += 1;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, h, &bold)?;
            ws.set_column_width(c as u16, if c == 0 { 28 } else { 18 })?;
        }
        for r in &s.rows {
            row += 1;
            for (c, cell) in r.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        ws.write_string(row, c, t)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number_with_format(row, c, *n as f64, &int)?;
                    }
                    Cell::Dec(d) => {
                        ws.write_number_with_format(row, c, d.to_f64().unwrap_or(0.0), &dec)?;
                    }
                    Cell::Pct(Some(p)) => {
                        ws.write_number_with_format(row, c, p.to_f64().unwrap_or(0.0), &pct)?;
                    }
                    Cell::Pct(None) => {
                        ws.write_string(row, c, "—")?;
                    }
                }
            }
        }
    }
    wb.save_to_buffer()
}
