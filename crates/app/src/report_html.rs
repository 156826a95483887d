//! The district report as HTML: a fragment for the report page and a standalone
//! file (inline CSS, charts as inline SVG with their data in the table beside them,
//! no scripts, nothing fetched).

use crate::pdf::{Chart, ChartKind, PALETTE, nice_max};
use crate::report_doc::{Cell, ReportDoc};
use std::fmt::Write as _;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The report's body: paragraphs, then each section's heading, text, chart and
/// table.
pub fn body(doc: &ReportDoc) -> String {
    let mut o = String::new();
    o.push_str("<div class=\"report-text\" id=\"report-paragraph\">");
    for p in &doc.paragraphs {
        let _ = write!(o, "<p>{}</p>", esc(p));
    }
    o.push_str("</div>");
    for (i, s) in doc.sections.iter().enumerate() {
        let _ = write!(
            o,
            "<section class=\"card report-section\" aria-labelledby=\"rs{i}\"><h2 id=\"rs{i}\">{}</h2>",
            esc(&s.title)
        );
        for t in &s.text {
            let _ = write!(o, "<p>{}</p>", esc(t));
        }
        if let Some(c) = &s.chart {
            o.push_str(&svg(c));
        }
        let _ = write!(
            o,
            "<table class=\"grid\"><caption>{}</caption><thead><tr>",
            esc(&s.title)
        );
        for h in &s.headers {
            let _ = write!(o, "<th scope=\"col\">{}</th>", esc(h));
        }
        o.push_str("</tr></thead><tbody>");
        for r in &s.rows {
            o.push_str("<tr>");
            for (k, c) in r.iter().enumerate() {
                let (tag, class) = match (k, c) {
                    (0, Cell::Text(_)) => ("th scope=\"row\"", ""),
                    (_, Cell::Text(_)) => ("td", ""),
                    _ => ("td", " class=\"num\""),
                };
                let end = tag.split(' ').next().unwrap_or("td");
                let _ = write!(o, "<{tag}{class}>{}</{end}>", esc(&c.text()));
            }
            o.push_str("</tr>");
        }
        o.push_str("</tbody></table></section>");
    }
    o
}

/// A standalone HTML file.
pub fn standalone(doc: &ReportDoc) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title><style>{css}</style></head><body><main><h1>{t}</h1>{b}</main></body></html>\n",
        t = esc(&doc.title),
        css = CSS,
        b = body(doc)
    )
}

const CSS: &str = "body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;color:#1a1a1a;margin:0;padding:1rem;line-height:1.7}main{max-width:60rem;margin:auto}table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:bold}svg{max-width:100%;height:auto}";

/// A chart as inline SVG (labelled with `role="img"` and a title; the table that
/// follows carries the same data).
pub fn svg(c: &Chart) -> String {
    let (w, h) = (640.0f64, 260.0f64);
    let (l, r, t, b) = (56.0, 10.0, 28.0, 44.0);
    let vals = c.series.iter().flat_map(|(_, v)| v.iter().copied());
    let (lo, hi) = vals.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let max = nice_max(hi);
    let min = if lo < 0.0 { -nice_max(-lo) } else { 0.0 };
    let span = (max - min).max(f64::MIN_POSITIVE);
    let ph = h - t - b;
    let y_of = |v: f64| t + ph - (v - min) / span * ph;
    let mut o = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{a}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{a}</title><text x=\"{l}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{a}</text>",
        a = esc(&c.title)
    );
    for k in 0..=4 {
        let v = min + span * f64::from(k) / 4.0;
        let y = y_of(v);
        let _ = write!(
            o,
            "<line x1=\"{l}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
            w - r,
            l - 4.0,
            y + 3.0,
            fmt_num(v)
        );
    }
    let n = c.labels.len().max(1);
    let slot = (w - l - r) / n as f64;
    for (i, lab) in c.labels.iter().enumerate() {
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            l + slot * (i as f64 + 0.5),
            h - b + 14.0,
            esc(lab)
        );
    }
    let ns = c.series.len().max(1);
    for (si, (name, v)) in c.series.iter().enumerate() {
        let (cr, cg, cb) = PALETTE[si % PALETTE.len()];
        let col = format!(
            "rgb({},{},{})",
            (cr * 255.0) as u8,
            (cg * 255.0) as u8,
            (cb * 255.0) as u8
        );
        match c.kind {
            ChartKind::Bar => {
                let group = slot * 0.7;
                let bw = group / ns as f64;
                for (i, x) in v.iter().enumerate().take(n) {
                    let (y0, y1) = (y_of(0.0), y_of(*x));
                    let _ = write!(
                        o,
                        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{col}\"><title>{} {}：{}</title></rect>",
                        l + slot * i as f64 + (slot - group) / 2.0 + bw * si as f64,
                        y0.min(y1),
                        (y1 - y0).abs(),
                        esc(c.labels.get(i).map_or("", String::as_str)),
                        esc(name),
                        fmt_num(*x)
                    );
                }
            }
            ChartKind::Line => {
                let pts: Vec<String> = v
                    .iter()
                    .enumerate()
                    .take(n)
                    .map(|(i, x)| format!("{:.1},{:.1}", l + slot * (i as f64 + 0.5), y_of(*x)))
                    .collect();
                let _ = write!(
                    o,
                    "<polyline fill=\"none\" stroke=\"{col}\" stroke-width=\"2\" points=\"{}\"/>",
                    pts.join(" ")
                );
            }
        }
        if c.series.len() > 1 {
            let x = l + si as f64 * 110.0;
            let _ = write!(
                o,
                "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{col}\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
                h - 16.0,
                x + 14.0,
                h - 7.0,
                esc(name)
            );
        }
    }
    o.push_str("</svg>");
    o
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}
