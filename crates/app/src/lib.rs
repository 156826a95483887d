//! kechuang-app: the use cases of kechuang.
//!
//! Each operation is a function taking the [`App`], the acting user ([`Actor`])
//! and its input; it checks permission, runs the rules of `kechuang-core`, writes
//! through `kechuang-store` in one transaction and appends the events of what it
//! did. The web handlers and the command line call the same functions, so a rule
//! or a permission is decided once, here.
//!
//! Layout: `ops/<area>.rs` for the registry, filings, accounts, reports and
//! checks; `import/` and `export.rs` for workbooks; `demo/` for the demo district.

pub mod actor;
pub mod demo;
pub mod error;
pub mod export;
pub mod import;
pub mod mail;
pub mod match_eval;
pub mod mm_import;
pub mod ops;
pub mod pdf;
pub mod pdf_font;
pub mod recommend;
pub mod report_doc;
pub mod report_html;
pub mod report_pdf;
pub mod report_xlsx;
pub mod search;
pub mod session_docs;

pub use actor::Actor;
pub use error::{AppError, AppResult};

use kechuang_store::Store;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long a login lasts.
    pub session_hours: i64,
    /// Largest import file accepted, bytes.
    pub max_import_bytes: u64,
    /// The cultivation-ladder rule settings and their region overrides.
    pub ladder: kechuang_core::ladder::RuleConfig,
    /// The district's division code (selects ladder region overrides for
    /// enterprises whose facts do not name a region).
    pub region: Option<String>,
    /// The datum of the registry's coordinates (the district setting; the demo
    /// uses WGS-84). Boundaries are stored in WGS-84 whatever this says.
    pub map_datum: kechuang_core::geo_datum::Datum,
    /// The map's tile service (`[map.tiles]`); none: the offline map only.
    pub map_tiles: Option<ops::map::TileSource>,
}

impl AppConfig {
    /// The datum of the registry's coordinates.
    pub fn datum(&self) -> kechuang_core::geo_datum::Datum {
        self.map_datum
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_hours: 12,
            max_import_bytes: 512 * 1024 * 1024,
            ladder: kechuang_core::ladder::RuleConfig::default(),
            region: None,
            map_datum: kechuang_core::geo_datum::Datum::Wgs84,
            map_tiles: None,
        }
    }
}

/// The application: the store and the settings.
#[derive(Debug, Clone)]
pub struct App {
    /// The database.
    pub store: Store,
    /// Settings.
    pub config: AppConfig,
    /// The 科技地图's encoded points, by data version (`ops::map`).
    pub map_cache: std::sync::Arc<ops::map::PointsCache>,
}

impl App {
    /// An application over an opened and migrated store.
    pub fn new(store: Store, config: AppConfig) -> Self {
        Self {
            store,
            config,
            map_cache: Default::default(),
        }
    }
}

/// Random bytes as lowercase hex (session tokens, CSRF tokens).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS generator only fails on a broken system; fall back to time-seeded ids
    // rather than panic, still unguessable enough to be unique but logged.
    if getrandom::fill(&mut buf).is_err() {
        tracing::error!("OS random generator failed");
        let id = uuid::Uuid::now_v7();
        for (i, b) in buf.iter_mut().enumerate() {
            *b = id.as_bytes()[i % 16] ^ (i as u8);
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
