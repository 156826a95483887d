//! A small PDF 1.4 writer for printable documents: text, lines and simple
//! tables on A4 pages, with automatic page breaks and page numbers.
//!
//! Chinese (and everything else in the Basic Multilingual Plane) is set in the
//! standard non-embedded CJK font every PDF reader ships: a Type0 font
//! `/STSong-Light` with `/Encoding /UniGB-UCS2-H` over a `CIDFontType0`
//! descendant with `/CIDSystemInfo` Adobe-GB1; strings are written as UTF-16BE
//! hex. Nothing is embedded, so files stay small (a few kB a page). Characters
//! outside the BMP are replaced by `?` (UCS-2 has no surrogates).
//!
//! Widths are estimated (CJK one em, ASCII half an em), which is what the font's
//! `/W` array declares, so wrapped lines fit their cells.
//!
//! ```
//! let mut doc = kechuang_app::pdf::PdfDoc::new("日程");
//! doc.heading("洽谈日程");
//! doc.table(&[80.0, 200.0], &["时间", "洽谈对象"], &[vec!["09:00".into(), "重庆大学".into()]]);
//! let bytes = doc.finish();
//! assert!(bytes.starts_with(b"%PDF-1.4"));
//! ```

use std::fmt::Write as _;

/// A4 width, points.
pub const PAGE_W: f32 = 595.28;
/// A4 height, points.
pub const PAGE_H: f32 = 841.89;
/// Page margin, points.
pub const MARGIN: f32 = 40.0;
const BODY: f32 = 10.0;
const FOOTER_SPACE: f32 = 24.0;

/// A document being written, page by page.
#[derive(Debug, Clone)]
pub struct PdfDoc {
    title: String,
    pages: Vec<String>,
    cur: String,
    /// Baseline cursor: the next line's top, from the bottom of the page.
    y: f32,
}

/// Width of a string at `size`, points (estimate: CJK 1 em, ASCII ½ em).
pub fn text_width(s: &str, size: f32) -> f32 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum::<f32>()
        * size
}

/// Splits `s` into lines no wider than `width` at `size` (breaking anywhere, as
/// Chinese text does; explicit line breaks kept).
pub fn wrap(s: &str, width: f32, size: f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut w = 0.0;
        for c in para.chars() {
            let cw = if c.is_ascii() { 0.5 } else { 1.0 } * size;
            if w + cw > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
                w = 0.0;
            }
            line.push(c);
            w += cw;
        }
        out.push(line);
    }
    out
}

/// UTF-16BE hex of a string for `UniGB-UCS2-H` (BMP only; control characters
/// become spaces).
fn hex(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 4 + 2);
    out.push('<');
    for c in s.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let code = u32::from(c);
        let unit = if code > 0xFFFF { u32::from('?') } else { code };
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

impl PdfDoc {
    /// A new document; `title` goes into the document information.
    pub fn new(title: &str) -> Self {
        PdfDoc {
            title: title.to_string(),
            pages: Vec::new(),
            cur: String::new(),
            y: PAGE_H - MARGIN,
        }
    }

    /// Pages so far (the current one included).
    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    /// Starts a new page.
    pub fn page_break(&mut self) {
        self.pages.push(std::mem::take(&mut self.cur));
        self.y = PAGE_H - MARGIN;
    }

    /// Room left on this page above the footer, points.
    fn room(&self) -> f32 {
        self.y - MARGIN - FOOTER_SPACE
    }

    /// Breaks the page unless `h` points still fit.
    pub fn need(&mut self, h: f32) {
        if self.room() < h && !self.cur.is_empty() {
            self.page_break();
        }
    }

    /// Text at an absolute position (`y` is the baseline, from the bottom).
    pub fn text_at(&mut self, x: f32, y: f32, size: f32, s: &str) {
        let _ = writeln!(
            self.cur,
            "BT /F1 {size:.1} Tf {x:.2} {y:.2} Td {} Tj ET",
            hex(s)
        );
    }

    /// A line from (`x1`, `y1`) to (`x2`, `y2`), 0.5 pt.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let _ = writeln!(self.cur, "0.5 w {x1:.2} {y1:.2} m {x2:.2} {y2:.2} l S");
    }

    /// A heading (16 pt).
    pub fn heading(&mut self, s: &str) {
        self.lines(s, 16.0, 6.0);
    }

    /// A subheading (12 pt).
    pub fn subheading(&mut self, s: &str) {
        self.lines(s, 12.0, 4.0);
    }

    /// A wrapped paragraph (10 pt).
    pub fn paragraph(&mut self, s: &str) {
        self.lines(s, BODY, 3.0);
    }

    /// Vertical space.
    pub fn space(&mut self, h: f32) {
        self.y -= h;
    }

    fn lines(&mut self, s: &str, size: f32, after: f32) {
        let lead = size * 1.4;
        for l in wrap(s, PAGE_W - 2.0 * MARGIN, size) {
            self.need(lead);
            self.y -= lead;
            self.text_at(MARGIN, self.y + size * 0.3, size, &l);
        }
        self.y -= after;
    }

    /// A table with ruled cells: column `widths` (points), a header row repeated
    /// on every page the table spans, and rows whose cells wrap.
    pub fn table(&mut self, widths: &[f32], header: &[&str], rows: &[Vec<String>]) {
        let size = 9.0;
        let lead = size * 1.35;
        let pad = 3.0;
        let header: Vec<String> = header.iter().map(|h| (*h).to_string()).collect();
        let layout = |row: &[String]| -> (Vec<Vec<String>>, f32) {
            let cells: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| wrap(row.get(i).map_or("", String::as_str), w - 2.0 * pad, size))
                .collect();
            let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (cells, n as f32 * lead + 2.0 * pad)
        };
        let (head_cells, head_h) = layout(&header);
        let draw = |doc: &mut PdfDoc, cells: &[Vec<String>], h: f32| {
            let top = doc.y;
            let mut x = MARGIN;
            for (i, w) in widths.iter().enumerate() {
                for (k, l) in cells[i].iter().enumerate() {
                    let base = top - pad - (k as f32 + 1.0) * lead + size * 0.3;
                    doc.text_at(x + pad, base, size, l);
                }
                x += w;
            }
            let right = MARGIN + widths.iter().sum::<f32>();
            doc.line(MARGIN, top, right, top);
            doc.line(MARGIN, top - h, right, top - h);
            let mut x = MARGIN;
            doc.line(x, top, x, top - h);
            for w in widths {
                x += w;
                doc.line(x, top, x, top - h);
            }
            doc.y -= h;
        };
        self.need(head_h + lead * 2.0);
        draw(self, &head_cells, head_h);
        for row in rows {
            let (cells, h) = layout(row);
            if self.room() < h {
                self.page_break();
                draw(self, &head_cells, head_h);
            }
            draw(self, &cells, h);
        }
        self.y -= 8.0;
    }

    /// The finished file: catalog, page tree, the CJK font, one page and one
    /// content stream per page, information dictionary, cross-reference table.
    pub fn finish(mut self) -> Vec<u8> {
        self.pages.push(std::mem::take(&mut self.cur));
        let total = self.pages.len();
        for (i, p) in self.pages.iter_mut().enumerate() {
            let footer = format!("第 {} 页 / 共 {total} 页", i + 1);
            let x = (PAGE_W - text_width(&footer, 8.0)) / 2.0;
            let _ = writeln!(
                p,
                "BT /F1 8.0 Tf {x:.2} {:.2} Td {} Tj ET",
                MARGIN - 16.0,
                hex(&footer)
            );
        }
        // Objects: 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor, 6 info,
        // then (page, content) pairs.
        let first_page = 7;
        let kids: Vec<String> = (0..total)
            .map(|i| format!("{} 0 R", first_page + 2 * i))
            .collect();
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {total} >>",
                kids.join(" ")
            )
            .into_bytes(),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>"
                .to_vec(),
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>"
                .to_vec(),
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
                .to_vec(),
            format!("<< /Title {} /Producer (kechuang) >>", hex(&self.title)).into_bytes(),
        ];
        for (i, content) in self.pages.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                    first_page + 2 * i + 1
                )
                .into_bytes(),
            );
            let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
            stream.extend_from_slice(content.as_bytes());
            stream.extend_from_slice(b"\nendstream");
            objects.push(stream);
        }
        let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::with_capacity(objects.len());
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for o in offsets {
            let _ = writeln!(tail, "{o:010} 00000 n ");
        }
        let _ = write!(
            tail,
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        );
        out.extend_from_slice(tail.as_bytes());
        out
    }
}

/// What [`check`] found in a PDF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfFacts {
    /// Objects in the cross-reference table (object 0 excluded).
    pub objects: usize,
    /// `/Count` of the page tree.
    pub pages: usize,
    /// Page objects found.
    pub page_objects: usize,
}

/// Checks a PDF's structure: the header, `startxref` pointing at `xref`, every
/// in-use entry pointing at `N 0 obj`, the trailer's `/Size`, and the page tree's
/// count against the page objects. Used by tests; a reader of our own output,
/// not a general parser.
pub fn check(bytes: &[u8]) -> Result<PdfFacts, String> {
    if !bytes.starts_with(b"%PDF-1.") {
        return Err("no %PDF header".into());
    }
    let text = String::from_utf8_lossy(bytes);
    let sx = text.rfind("startxref").ok_or("no startxref")?;
    let xref: usize = text[sx + 9..]
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("bad startxref")?;
    if bytes.get(xref..xref + 4) != Some(b"xref") {
        return Err(format!("startxref {xref} does not point at xref"));
    }
    let table = String::from_utf8_lossy(&bytes[xref..]);
    let mut lines = table.lines().skip(1);
    let head = lines.next().ok_or("no xref subsection")?;
    let n: usize = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("bad xref subsection")?;
    for i in 0..n {
        let l = lines.next().ok_or("xref too short")?;
        if i == 0 {
            continue;
        }
        let off: usize = l[..10].parse().map_err(|_| format!("bad xref entry {l}"))?;
        let want = format!("{i} 0 obj");
        if bytes.get(off..off + want.len()) != Some(want.as_bytes()) {
            return Err(format!("xref entry {i} ({off}) does not point at `{want}`"));
        }
    }
    let trailer = &table[table.find("trailer").ok_or("no trailer")?..];
    let size: usize = trailer
        .split("/Size")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .ok_or("no /Size")?;
    if size != n {
        return Err(format!("/Size {size} but {n} xref entries"));
    }
    let pages: usize = text
        .split("/Type /Pages")
        .nth(1)
        .and_then(|s| s.split("/Count").nth(1))
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.trim_end_matches(">>").parse().ok())
        .ok_or("no page count")?;
    let page_objects = text.matches("/Type /Page /Parent").count();
    if !text.trim_end().ends_with("%%EOF") {
        return Err("no %%EOF".into());
    }
    Ok(PdfFacts {
        objects: n - 1,
        pages,
        page_objects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_table_breaks_pages_and_the_structure_holds() {
        let mut doc = PdfDoc::new("成渝双城协同·融合创新科技成果对接会");
        doc.heading("成渝双城协同·融合创新科技成果对接会 洽谈日程");
        doc.paragraph("地点：铜梁区科技创新服务中心（ASCII mixed 123）");
        let rows: Vec<Vec<String>> = (0..150)
            .map(|i| {
                vec![
                    format!("{:02}:00", i % 24),
                    format!("{}", i % 10 + 1),
                    "重庆测试储能科技有限公司与重庆大学材料科学与工程学院的洽谈".to_string(),
                ]
            })
            .collect();
        doc.table(&[70.0, 40.0, 405.0], &["时间", "桌号", "洽谈对象"], &rows);
        let pages = doc.page_count();
        assert!(pages >= 4, "150 wrapped rows span pages: {pages}");
        let bytes = doc.finish();
        let facts = check(&bytes).unwrap();
        assert_eq!(facts.pages, pages);
        assert_eq!(facts.page_objects, pages);
        assert_eq!(facts.objects, 6 + 2 * pages);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"));
        assert!(text.contains("/Registry (Adobe) /Ordering (GB1)"));
        // 洽 is U+6D3D, written as UTF-16BE hex.
        assert!(text.contains("6D3D"));
    }

    #[test]
    fn the_checker_catches_a_shifted_offset() {
        let mut doc = PdfDoc::new("t");
        doc.paragraph("你好");
        let mut bytes = doc.finish();
        assert!(check(&bytes).is_ok());
        bytes.insert(20, b' ');
        assert!(check(&bytes).is_err());
        assert!(check(b"not a pdf").is_err());
    }

    #[test]
    fn wrapping_respects_widths_and_line_breaks() {
        let l = wrap("一二三四五六七八九十", 50.0, 10.0);
        assert_eq!(l, ["一二三四五", "六七八九十"]);
        assert_eq!(wrap("ab\ncd", 100.0, 10.0), ["ab", "cd"]);
        assert_eq!(hex("A中😀"), "<00414E2D003F>");
    }
}
