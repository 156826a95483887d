//! The CJK font the PDF writer embeds: found once per process, subset per document.
//!
//! Where the font comes from, in order:
//! 1. the path set with [`set_font_path`] (the `pdf_font` setting) or the
//!    `KECHUANG_PDF_FONT` environment variable; `PATH#N` selects face N of a
//!    collection (`.ttc`/`.otc`);
//! 2. the first of [`CANDIDATES`] present (Debian's `fonts-wqy-microhei`, which the
//!    scripts install, then `fonts-noto-cjk` and others).
//!
//! When none is found (or the configured one cannot be read) the writer says so once
//! in the log and falls back to the non-embedded `STSong-Light`, which readers
//! substitute with a local font. See docs/report.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Fonts looked for when none is configured (Debian paths; licences OFL or
/// Apache-2.0 / GPL with the font exception).
pub const CANDIDATES: [&str; 5] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
];

/// The environment variable naming the font file.
pub const ENV: &str = "KECHUANG_PDF_FONT";

static CONFIGURED: OnceLock<PathBuf> = OnceLock::new();
static LOADED: OnceLock<Option<Arc<EmbedFont>>> = OnceLock::new();

/// Sets the font path from the configuration (before the first PDF is written;
/// later calls are ignored). `PATH#N` selects a face of a collection.
pub fn set_font_path(path: impl Into<PathBuf>) {
    let _ = CONFIGURED.set(path.into());
}

/// The process's embedding font, loaded on first use; `None` when no usable font
/// was found (logged once).
pub fn system() -> Option<Arc<EmbedFont>> {
    LOADED
        .get_or_init(|| {
            let configured = CONFIGURED
                .get()
                .cloned()
                .or_else(|| std::env::var_os(ENV).map(PathBuf::from));
            if let Some(p) = configured {
                return match EmbedFont::load(&p) {
                    Ok(f) => {
                        tracing::info!(font = %p.display(), name = %f.name, "PDF: embedding the configured CJK font");
                        Some(Arc::new(f))
                    }
                    Err(e) => {
                        tracing::warn!(font = %p.display(), error = %e, "PDF: the configured font cannot be used; falling back to the non-embedded STSong-Light");
                        None
                    }
                };
            }
            for c in CANDIDATES {
                if Path::new(c).exists() {
                    match EmbedFont::load(Path::new(c)) {
                        Ok(f) => {
                            tracing::info!(font = c, name = %f.name, "PDF: embedding a CJK font");
                            return Some(Arc::new(f));
                        }
                        Err(e) => tracing::warn!(font = c, error = %e, "PDF: font unusable"),
                    }
                }
            }
            tracing::warn!(
                "PDF: no CJK font found (install fonts-wqy-microhei or set {ENV}); PDFs use the non-embedded STSong-Light, which the reader must supply"
            );
            None
        })
        .clone()
}

/// A TrueType or OpenType (CFF) font file and the facts the PDF needs.
#[derive(Debug)]
pub struct EmbedFont {
    data: Vec<u8>,
    index: u32,
    /// PostScript-style name (spaces removed).
    pub name: String,
    units_per_em: f32,
    /// CFF outlines (embedded as `FontFile3 /OpenType`) rather than glyf
    /// (`FontFile2`).
    pub cff: bool,
    ascii_em: [f32; 128],
    ascent: i16,
    descent: i16,
    cap_height: i16,
    bbox: [i16; 4],
}

/// A subset for one document.
#[derive(Debug)]
pub struct Subset {
    /// New glyph id per character (0 when the font lacks it).
    pub gids: BTreeMap<char, u16>,
    /// The subset font program.
    pub program: Vec<u8>,
    /// Advance widths in 1/1000 em by new glyph id.
    pub widths: BTreeMap<u16, u32>,
}

impl EmbedFont {
    /// Reads and checks a font file (`PATH#N` for face N of a collection).
    pub fn load(path: &Path) -> Result<Self, String> {
        let s = path.to_string_lossy();
        let (file, index) = match s.rsplit_once('#') {
            Some((f, n)) if n.parse::<u32>().is_ok() => (f.to_string(), n.parse().unwrap_or(0)),
            _ => (s.to_string(), 0),
        };
        let data = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
        Self::from_bytes(data, index)
    }

    /// Checks font bytes: parseable, with a Unicode cmap covering 中.
    pub fn from_bytes(data: Vec<u8>, index: u32) -> Result<Self, String> {
        let face = ttf_parser::Face::parse(&data, index).map_err(|e| e.to_string())?;
        if face.glyph_index('中').is_none() {
            return Err("the font has no Chinese characters".into());
        }
        let upem = f32::from(face.units_per_em().max(1));
        let mut ascii_em = [0.5f32; 128];
        for (i, w) in ascii_em.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(i as u32)
                && let Some(g) = face.glyph_index(c)
                && let Some(a) = face.glyph_hor_advance(g)
            {
                *w = f32::from(a) / upem;
            }
        }
        let name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| "KechuangCJK".into())
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>();
        let b = face.global_bounding_box();
        let scale = |v: i16| (f32::from(v) * 1000.0 / upem) as i16;
        let out = Self {
            index,
            name: if name.is_empty() {
                "KechuangCJK".into()
            } else {
                name
            },
            units_per_em: upem,
            cff: face.tables().cff.is_some(),
            ascii_em,
            ascent: scale(face.ascender()),
            descent: scale(face.descender()),
            cap_height: scale(face.capital_height().unwrap_or(face.ascender())),
            bbox: [
                scale(b.x_min),
                scale(b.y_min),
                scale(b.x_max),
                scale(b.y_max),
            ],
            data: Vec::new(),
        };
        Ok(Self { data, ..out })
    }

    /// Width of a character in em (ASCII from the font, everything else 1 em, as
    /// CJK ideographs are).
    pub fn char_em(&self, c: char) -> f32 {
        let i = c as usize;
        if i < 128 { self.ascii_em[i] } else { 1.0 }
    }

    /// Ascent, descent, cap height (1/1000 em) and the bounding box.
    pub fn metrics(&self) -> (i16, i16, i16, [i16; 4]) {
        (self.ascent, self.descent, self.cap_height, self.bbox)
    }

    /// The subset covering `chars`, glyphs renumbered from 1 in character order.
    pub fn subset(&self, chars: impl IntoIterator<Item = char>) -> Result<Subset, String> {
        let face = ttf_parser::Face::parse(&self.data, self.index).map_err(|e| e.to_string())?;
        let mut remap = subsetter::GlyphRemapper::new();
        let mut gids = BTreeMap::new();
        let mut widths = BTreeMap::new();
        for c in chars {
            let new = match face.glyph_index(c) {
                Some(g) => {
                    let n = remap.remap(g.0);
                    let adv = face.glyph_hor_advance(g).unwrap_or(0);
                    widths.insert(
                        n,
                        (f32::from(adv) * 1000.0 / self.units_per_em).round() as u32,
                    );
                    n
                }
                None => 0,
            };
            gids.insert(c, new);
        }
        let program =
            subsetter::subset(&self.data, self.index, &remap).map_err(|e| e.to_string())?;
        Ok(Subset {
            gids,
            program,
            widths,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert!(EmbedFont::from_bytes(b"not a font".to_vec(), 0).is_err());
        let e = EmbedFont::load(Path::new("/nonexistent/font.ttf")).unwrap_err();
        assert!(e.contains("/nonexistent/font.ttf"), "{e}");
    }
}
