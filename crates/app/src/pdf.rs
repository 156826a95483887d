//! A small PDF 1.4 writer for printable documents: text, lines and simple
//! tables on A4 pages, with automatic page breaks and page numbers.
//!
//! Chinese is set in an embedded subset of a CJK TrueType/OpenType font when one is
//! available ([`crate::pdf_font`]): a Type0 font, `/Identity-H`, a `CIDFontType2`
//! (or `CIDFontType0` for CFF outlines) descendant with `/FontFile2` (`/FontFile3`),
//! real advance widths and a `/ToUnicode` map so text can be extracted; streams are
//! deflated. Without a font, everything in the Basic Multilingual Plane is set in the
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

use crate::pdf_font::EmbedFont;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

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
    /// The embedded font, if any.
    font: Option<Arc<EmbedFont>>,
    /// Characters written (for the subset).
    used: BTreeSet<char>,
}

/// Series colours of charts (RGB 0–1).
pub const PALETTE: [(f32, f32, f32); 6] = [
    (0.18, 0.42, 0.71),
    (0.89, 0.47, 0.16),
    (0.27, 0.63, 0.35),
    (0.75, 0.25, 0.27),
    (0.52, 0.40, 0.70),
    (0.45, 0.45, 0.45),
];

/// A chart drawn as vector graphics: category labels along the x axis, one or
/// more series of values.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Chart {
    /// Title above the chart.
    pub title: String,
    /// Bars (grouped) or lines.
    pub kind: ChartKind,
    /// Category labels.
    pub labels: Vec<String>,
    /// (series name, one value per label).
    pub series: Vec<(String, Vec<f64>)>,
}

/// How a [`Chart`] is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Grouped bars.
    Bar,
    /// Lines with markers.
    Line,
}

/// A round axis maximum at or above `v` (1, 2, 2.5, 5 × 10^n).
pub fn nice_max(v: f64) -> f64 {
    if v.is_nan() || v <= 0.0 || v.is_infinite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

/// An axis tick label: integers plainly, else up to two decimals.
fn tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
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
            font: crate::pdf_font::system(),
            used: BTreeSet::new(),
        }
    }

    /// A new document with the given font (`None`: the non-embedded STSong-Light).
    pub fn with_font(title: &str, font: Option<Arc<EmbedFont>>) -> Self {
        PdfDoc {
            font,
            ..PdfDoc::new_plain(title)
        }
    }

    fn new_plain(title: &str) -> Self {
        PdfDoc {
            title: title.to_string(),
            pages: Vec::new(),
            cur: String::new(),
            y: PAGE_H - MARGIN,
            font: None,
            used: BTreeSet::new(),
        }
    }

    /// Whether a font is embedded.
    pub fn embeds_font(&self) -> bool {
        self.font.is_some()
    }

    /// Width of `s` at `size`, points: the font's widths when embedded, else the
    /// estimate of [`text_width`].
    pub fn width_of(&self, s: &str, size: f32) -> f32 {
        match &self.font {
            Some(f) => s.chars().map(|c| f.char_em(c)).sum::<f32>() * size,
            None => text_width(s, size),
        }
    }

    /// [`wrap`] with this document's widths.
    pub fn wrap(&self, s: &str, width: f32, size: f32) -> Vec<String> {
        let Some(f) = &self.font else {
            return wrap(s, width, size);
        };
        let mut out = Vec::new();
        for para in s.split('\n') {
            let mut line = String::new();
            let mut w = 0.0;
            for c in para.chars() {
                let cw = f.char_em(c) * size;
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
        if self.font.is_some() {
            self.used.extend(s.chars().map(|c| {
                if c.is_control() {
                    ' '
                } else if u32::from(c) > 0xFFFF {
                    '?'
                } else {
                    c
                }
            }));
        }
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
        for l in self.wrap(s, PAGE_W - 2.0 * MARGIN, size) {
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
        let layout = |doc: &PdfDoc, row: &[String]| -> (Vec<Vec<String>>, f32) {
            let cells: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| doc.wrap(row.get(i).map_or("", String::as_str), w - 2.0 * pad, size))
                .collect();
            let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (cells, n as f32 * lead + 2.0 * pad)
        };
        let (head_cells, head_h) = layout(self, &header);
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
            let (cells, h) = layout(self, row);
            if self.room() < h {
                self.page_break();
                draw(self, &head_cells, head_h);
            }
            draw(self, &cells, h);
        }
        self.y -= 8.0;
    }

    /// A chart as vector graphics (axes, grid, bars or lines, value ticks,
    /// category labels and a legend), `height` points tall including its title.
    pub fn chart(&mut self, c: &Chart, height: f32) {
        self.need(height + 6.0);
        let top = self.y;
        let left = MARGIN;
        let width = PAGE_W - 2.0 * MARGIN;
        self.text_at(left, top - 12.0, 11.0, &c.title);
        let legend_h = if c.series.len() > 1 { 14.0 } else { 0.0 };
        let plot_top = top - 20.0;
        let plot_bottom = top - height + 16.0 + legend_h;
        let plot_left = left + 46.0;
        let plot_right = left + width - 6.0;
        let plot_h = (plot_top - plot_bottom).max(10.0);
        let values = c.series.iter().flat_map(|(_, v)| v.iter().copied());
        let (lo, hi) = values.fold((0.0f64, 0.0f64), |(a, b), v| {
            if v.is_finite() {
                (a.min(v), b.max(v))
            } else {
                (a, b)
            }
        });
        let max = nice_max(hi);
        let min = if lo < 0.0 { -nice_max(-lo) } else { 0.0 };
        let span = (max - min).max(f64::MIN_POSITIVE);
        let y_of = |v: f64| plot_bottom + ((v - min) / span) as f32 * plot_h;
        let _ = writeln!(self.cur, "q 0.85 G");
        for k in 0..=4 {
            let v = min + span * f64::from(k) / 4.0;
            let y = y_of(v);
            let _ = writeln!(
                self.cur,
                "0.3 w {plot_left:.2} {y:.2} m {plot_right:.2} {y:.2} l S"
            );
        }
        let _ = writeln!(self.cur, "0 G");
        let _ = writeln!(
            self.cur,
            "0.6 w {plot_left:.2} {plot_bottom:.2} m {plot_left:.2} {plot_top:.2} l S {plot_left:.2} {:.2} m {plot_right:.2} {:.2} l S",
            y_of(0.0),
            y_of(0.0)
        );
        let _ = writeln!(self.cur, "Q");
        for k in 0..=4 {
            let v = min + span * f64::from(k) / 4.0;
            let t = tick(v);
            let w = self.width_of(&t, 7.0);
            self.text_at(plot_left - 4.0 - w, y_of(v) - 2.5, 7.0, &t);
        }
        let n = c.labels.len().max(1);
        let slot = (plot_right - plot_left) / n as f32;
        for (i, l) in c.labels.iter().enumerate() {
            let mut size = 7.0;
            while size > 5.0 && self.width_of(l, size) > slot - 2.0 {
                size -= 0.5;
            }
            let mut label = l.clone();
            while !label.is_empty() && self.width_of(&label, size) > slot - 2.0 {
                label.pop();
            }
            let w = self.width_of(&label, size);
            let x = plot_left + slot * (i as f32 + 0.5) - w / 2.0;
            self.text_at(x, plot_bottom - 10.0, size, &label);
        }
        let ns = c.series.len().max(1);
        let _ = writeln!(self.cur, "q");
        for (si, (_, vals)) in c.series.iter().enumerate() {
            let (r, g, b) = PALETTE[si % PALETTE.len()];
            match c.kind {
                ChartKind::Bar => {
                    let group = slot * 0.7;
                    let bw = group / ns as f32;
                    let _ = writeln!(self.cur, "{r:.3} {g:.3} {b:.3} rg");
                    for (i, v) in vals.iter().enumerate().take(n) {
                        if !v.is_finite() {
                            continue;
                        }
                        let x = plot_left + slot * i as f32 + (slot - group) / 2.0 + bw * si as f32;
                        let (y0, y1) = (y_of(0.0), y_of(*v));
                        let _ = writeln!(
                            self.cur,
                            "{x:.2} {:.2} {:.2} {:.2} re f",
                            y0.min(y1),
                            bw.max(0.5),
                            (y1 - y0).abs()
                        );
                    }
                }
                ChartKind::Line => {
                    let _ = writeln!(
                        self.cur,
                        "{r:.3} {g:.3} {b:.3} RG {r:.3} {g:.3} {b:.3} rg 1.5 w"
                    );
                    let pts: Vec<(f32, f32)> = vals
                        .iter()
                        .enumerate()
                        .take(n)
                        .filter(|(_, v)| v.is_finite())
                        .map(|(i, v)| (plot_left + slot * (i as f32 + 0.5), y_of(*v)))
                        .collect();
                    for (k, (x, y)) in pts.iter().enumerate() {
                        let op = if k == 0 { "m" } else { "l" };
                        let _ = write!(self.cur, "{x:.2} {y:.2} {op} ");
                    }
                    if !pts.is_empty() {
                        let _ = writeln!(self.cur, "S");
                    }
                    for (x, y) in pts {
                        let _ = writeln!(self.cur, "{:.2} {:.2} 3 3 re f", x - 1.5, y - 1.5);
                    }
                }
            }
        }
        let _ = writeln!(self.cur, "Q");
        if c.series.len() > 1 {
            let mut x = plot_left;
            let y = top - height + 4.0;
            for (si, (name, _)) in c.series.iter().enumerate() {
                let (r, g, b) = PALETTE[si % PALETTE.len()];
                let _ = writeln!(
                    self.cur,
                    "q {r:.3} {g:.3} {b:.3} rg {x:.2} {y:.2} 8 8 re f Q"
                );
                self.text_at(x + 11.0, y + 1.0, 8.0, name);
                x += 11.0 + self.width_of(name, 8.0) + 14.0;
            }
        }
        self.y = top - height - 6.0;
    }

    /// The finished file: catalog, page tree, the CJK font, one page and one
    /// content stream per page, information dictionary, cross-reference table.
    pub fn finish(mut self) -> Vec<u8> {
        self.pages.push(std::mem::take(&mut self.cur));
        let total = self.pages.len();
        for i in 0..total {
            let footer = format!("第 {} 页 / 共 {total} 页", i + 1);
            let x = (PAGE_W - self.width_of(&footer, 8.0)) / 2.0;
            if self.font.is_some() {
                self.used.extend(footer.chars());
            }
            let _ = writeln!(
                self.pages[i],
                "BT /F1 8.0 Tf {x:.2} {:.2} Td {} Tj ET",
                MARGIN - 16.0,
                hex(&footer)
            );
        }
        let subset = self.font.as_ref().and_then(|f| {
            f.subset(self.used.iter().copied())
                .map_err(|e| tracing::warn!(error = %e, "PDF: font subsetting failed; using the non-embedded font"))
                .ok()
                .map(|s| (Arc::clone(f), s))
        });
        // Objects: 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor, 6 info,
        // then (page, content) pairs, then (embedded) the font program and ToUnicode.
        let first_page = 7;
        let extra = first_page + 2 * total;
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
        ];
        match &subset {
            None => objects.extend([
                b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>"
                    .to_vec(),
                b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>"
                    .to_vec(),
                b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
                    .to_vec(),
            ]),
            Some((f, sub)) => {
                let base = format!("{}+{}", subset_tag(&sub.gids), f.name);
                let mut w = String::new();
                for (g, adv) in &sub.widths {
                    let _ = write!(w, "{g} [{adv}] ");
                }
                let (ascent, descent, cap, bb) = f.metrics();
                let (cid_type, file_key) = if f.cff {
                    ("CIDFontType0", "FontFile3")
                } else {
                    ("CIDFontType2 /CIDToGIDMap /Identity", "FontFile2")
                };
                objects.extend([
                    format!("<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode {} 0 R >>", extra + 1).into_bytes(),
                    format!("<< /Type /Font /Subtype /{cid_type} /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /W [{w}] >>").into_bytes(),
                    format!("<< /Type /FontDescriptor /FontName /{base} /Flags 4 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {ascent} /Descent {descent} /CapHeight {cap} /StemV 80 /{file_key} {extra} 0 R >>", bb[0], bb[1], bb[2], bb[3]).into_bytes(),
                ]);
            }
        }
        objects
            .push(format!("<< /Title {} /Producer (kechuang) >>", hex(&self.title)).into_bytes());
        for (i, content) in self.pages.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                    first_page + 2 * i + 1
                )
                .into_bytes(),
            );
            match &subset {
                None => objects.push(stream("", content.as_bytes())),
                Some((_, sub)) => {
                    let body = to_glyph_ids(content, &sub.gids);
                    objects.push(deflated_stream("", body.as_bytes()));
                }
            }
        }
        if let Some((f, sub)) = &subset {
            let dict = if f.cff {
                " /Subtype /OpenType".to_string()
            } else {
                format!(" /Length1 {}", sub.program.len())
            };
            objects.push(deflated_stream(&dict, &sub.program));
            objects.push(deflated_stream("", to_unicode_cmap(&sub.gids).as_bytes()));
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

/// A stream object with extra dictionary entries.
fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {}{dict} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

/// A `/FlateDecode` stream object.
fn deflated_stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let packed = z.write_all(data).and_then(|()| z.finish());
    match packed {
        Ok(p) => stream(&format!(" /Filter /FlateDecode{dict}"), &p),
        Err(_) => stream(dict, data),
    }
}

/// Rewrites the content's hex strings from UTF-16 code units to new glyph ids.
fn to_glyph_ids(content: &str, gids: &std::collections::BTreeMap<char, u16>) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('>') else {
            break;
        };
        let hexs = &rest[i + 1..i + j];
        out.push('<');
        for k in (0..hexs.len()).step_by(4) {
            let unit = hexs
                .get(k..k + 4)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
                .and_then(|c| gids.get(&c))
                .copied()
                .unwrap_or(0);
            let _ = write!(out, "{unit:04X}");
        }
        out.push('>');
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

/// Six capital letters naming the subset (the PDF convention `ABCDEF+Font`),
/// derived from its characters.
fn subset_tag(gids: &std::collections::BTreeMap<char, u16>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in gids.keys() {
        h = (h ^ u64::from(u32::from(*c))).wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect()
}

/// The `/ToUnicode` CMap: glyph id to character, for copying and searching text.
fn to_unicode_cmap(gids: &std::collections::BTreeMap<char, u16>) -> String {
    let mut pairs: Vec<(u16, char)> = gids
        .iter()
        .filter(|(_, g)| **g != 0)
        .map(|(c, g)| (*g, *c))
        .collect();
    pairs.sort_unstable();
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in pairs.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (g, c) in chunk {
            let mut buf = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut buf)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(s, "<{g:04X}> <{units}>");
        }
        let _ = writeln!(s, "endbfchar");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
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
        let mut doc = PdfDoc::with_font("成渝双城协同·融合创新科技成果对接会", None);
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
        let mut doc = PdfDoc::with_font("t", None);
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

    #[test]
    fn the_system_font_is_embedded_as_a_subset_with_charts() {
        let font = crate::pdf_font::system()
            .expect("a CJK font (scripts/services.sh installs fonts-wqy-microhei)");
        let mut doc = PdfDoc::with_font("报告", Some(font));
        assert!(doc.embeds_font());
        doc.heading("区域科技创新报告");
        doc.paragraph("截至目前，全区科技型企业数量达到42家。ASCII 123");
        doc.chart(
            &Chart {
                title: "科技型企业".into(),
                kind: ChartKind::Bar,
                labels: vec!["一季度".into(), "二季度".into()],
                series: vec![("数量".into(), vec![3.0, 42.0])],
            },
            180.0,
        );
        doc.chart(
            &Chart {
                title: "趋势".into(),
                kind: ChartKind::Line,
                labels: vec!["1".into(), "2".into(), "3".into()],
                series: vec![
                    ("甲".into(), vec![1.0, -2.0, 3.5]),
                    ("乙".into(), vec![2.0, 2.0, 2.0]),
                ],
            },
            180.0,
        );
        let bytes = doc.finish();
        let facts = check(&bytes).unwrap();
        assert_eq!(facts.pages, 1);
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("/FontFile2") || text.contains("/FontFile3"),
            "font embedded"
        );
        assert!(text.contains("/Encoding /Identity-H"));
        assert!(text.contains("/ToUnicode"));
        assert!(!text.contains("STSong"));
        // A subset: far smaller than the multi-megabyte font file.
        assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    }

    #[test]
    fn glyph_ids_replace_code_units_and_the_cmap_maps_back() {
        let gids: std::collections::BTreeMap<char, u16> =
            [('中', 1), ('A', 2)].into_iter().collect();
        assert_eq!(
            to_glyph_ids("BT <4E2D0041003F> Tj ET 1 2 m", &gids),
            "BT <000100020000> Tj ET 1 2 m"
        );
        let cmap = to_unicode_cmap(&gids);
        assert!(cmap.contains("<0001> <4E2D>"), "{cmap}");
        assert!(cmap.contains("2 beginbfchar"));
        assert_eq!(nice_max(42.0), 50.0);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(180.0), 200.0);
        assert_eq!(tick(2.5), "2.5");
    }
}
