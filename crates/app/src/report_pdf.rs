//! The district report as PDF, written by the server (no browser): the embedded
//! CJK font subset, the paragraphs, and per section its text, a vector chart and a
//! table.

use crate::pdf::{MARGIN, PAGE_W, PdfDoc};
use crate::report_doc::ReportDoc;

/// The PDF's bytes.
pub fn render(doc: &ReportDoc) -> Vec<u8> {
    let mut pdf = PdfDoc::new(&doc.title);
    pdf.heading(&doc.title);
    for p in &doc.paragraphs {
        pdf.paragraph(p);
        pdf.space(2.0);
    }
    let full = PAGE_W - 2.0 * MARGIN;
    for s in &doc.sections {
        pdf.space(6.0);
        pdf.subheading(&s.title);
        for t in &s.text {
            pdf.paragraph(t);
        }
        if let Some(c) = &s.chart {
            pdf.chart(c, 170.0);
        }
        let n = s.headers.len().max(1);
        let first = if n == 1 {
            full
        } else {
            (full * 0.34).max(full / n as f32)
        };
        let rest = if n > 1 {
            (full - first) / (n - 1) as f32
        } else {
            0.0
        };
        let widths: Vec<f32> = (0..n).map(|i| if i == 0 { first } else { rest }).collect();
        let header: Vec<&str> = s.headers.iter().map(String::as_str).collect();
        let rows: Vec<Vec<String>> = s
            .rows
            .iter()
            .map(|r| r.iter().map(crate::report_doc::Cell::text).collect())
            .collect();
        pdf.table(&widths, &header, &rows);
    }
    pdf.finish()
}
