//! Configuration: `kechuang.toml` < `KECHUANG_*` environment < command-line flags,
//! gathered into one explicit [`Settings`] passed down (never global).

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// kechuang 科创: the district's industry and sci-tech innovation platform.
#[derive(Debug, Parser)]
#[command(name = "kechuang", version, about)]
pub struct Cli {
    /// Directory holding the SQLite database and indexes.
    #[arg(long, global = true, env = "KECHUANG_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL (`postgres://…`) or SQLite file; overrides --data-dir.
    #[arg(long, global = true, env = "KECHUANG_DATABASE_URL")]
    pub database: Option<String>,
    /// Configuration file (default: ./kechuang.toml when present).
    #[arg(long, global = true, env = "KECHUANG_CONFIG")]
    pub config: Option<PathBuf>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application.
    Serve(ServeArgs),
    /// Build the demo district (when the database is empty) and serve it.
    Demo(DemoArgs),
    /// Import a workbook (xlsx, xls, CSV in UTF-8 or GBK): all-or-nothing.
    Import(ImportArgs),
    /// Export the registry with latest indicators, or an import template.
    Export(ExportArgs),
    /// The district report for a range of months.
    Report(ReportArgs),
    /// Verify the event hash chain, the rollup and every current filing.
    Check,
    /// Apply pending database migrations.
    Migrate,
    /// Refresh statistics and reorganise tables for fast reads (run off-peak).
    Maintain,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Benchmarks that generate their own data and print figures.
    Bench(BenchArgs),
    /// Evaluate an enterprise (or a profile file) against the tier rule packs.
    Evaluate(EvaluateArgs),
    /// The cultivation ladder's background work, run by hand.
    #[command(subcommand)]
    Ladder(LadderCommand),
    /// Rebuild the search index from the database.
    Reindex,
    /// Match a technology need to achievements and experts, with the reasons.
    Match(MatchArgs),
    /// Money-ledger drills.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Knowledge-value credit: evaluate every enterprise.
    #[command(subcommand)]
    Credit(CreditCommand),
    /// The assembly line.
    #[command(subcommand)]
    Line(LineCommand),
}

/// The assembly line.
#[derive(Debug, Subcommand)]
pub enum LineCommand {
    /// Run a virtual line: simulated Open Protocol controllers on loopback,
    /// simulated PLCs and operators over MQTT, the real runner and store.
    Simulate(LineSimArgs),
}

/// `kechuang line simulate`.
#[derive(Debug, Args)]
pub struct LineSimArgs {
    /// Stations.
    #[arg(long, default_value_t = 5)]
    pub stations: usize,
    /// Vehicles (carts).
    #[arg(long, default_value_t = 50)]
    pub vehicles: usize,
    /// Probability of a NOK tightening, 0..1.
    #[arg(long, default_value_t = 0.01)]
    pub nok_rate: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A station (1-based) with triple the NOK rate and slower operators.
    #[arg(long)]
    pub faulty_station: Option<usize>,
    /// MQTT broker host.
    #[arg(long, default_value = "127.0.0.1")]
    pub mqtt_host: String,
    /// MQTT broker port.
    #[arg(long, default_value_t = 1883)]
    pub mqtt_port: u16,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Knowledge-value credit.
#[derive(Debug, Subcommand)]
pub enum CreditCommand {
    /// Evaluate every enterprise of the registry (stored with its inputs) with the
    /// active line table.
    Evaluate {
        /// Evaluation date (YYYY-MM-DD, default today).
        #[arg(long)]
        date: Option<String>,
    },
}

/// Money-ledger drills.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Pay COUNT keyed payouts (`<prefix>-0` …) from a drill budget line in a loop;
    /// a rerun replays what was paid and pays only the rest.
    Payouts {
        /// Key prefix.
        #[arg(long, default_value = "drill")]
        prefix: String,
        /// Payouts.
        #[arg(long, default_value_t = 1000)]
        count: u64,
    },
}

/// `match`.
#[derive(Debug, Args)]
pub struct MatchArgs {
    /// The need's id.
    #[arg(long)]
    pub need: String,
    /// How many matches.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `evaluate`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("subject").required(true).args(["org", "file"])))]
pub struct EvaluateArgs {
    /// The enterprise's 统一社会信用代码 (its evaluation is stored).
    #[arg(long)]
    pub org: Option<String>,
    /// A profile JSON file (docs/ladder-profile.md) for a firm not in the registry.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// One rule pack (SME-2017, HTE-2016, SRDI-2022-63, SRDI-2026-2); default: the
    /// pack in force for each tier on the date.
    #[arg(long)]
    pub pack: Option<String>,
    /// Evaluation date (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ladder`.
#[derive(Debug, Subcommand)]
pub enum LadderCommand {
    /// Re-evaluate the enterprises touched by events since the last run.
    CatchUp,
    /// Evaluate every enterprise (after a rules change or on a new registry).
    Refresh {
        /// Evaluation date (default: today).
        #[arg(long)]
        date: Option<String>,
    },
}

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "KECHUANG_LISTEN")]
    pub listen: Option<String>,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Only build the demo district; do not serve.
    #[arg(long)]
    pub no_serve: bool,
    /// Seed of the generator.
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
    /// Address to listen on.
    #[arg(long, env = "KECHUANG_LISTEN")]
    pub listen: Option<String>,
}

/// `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The workbook.
    pub file: PathBuf,
    /// Import even when values look like 元 where 万元 is expected.
    #[arg(long)]
    pub accept_warnings: bool,
    /// Check the file and report, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Import matchmaking records of this kind (a workbook's sheet of that kind, or
    /// a CSV holding it). Without it, a workbook with sheets 技术需求/科技成果/专家 or a
    /// CSV with their headers is recognised as matchmaking records by itself.
    #[arg(long, value_enum)]
    pub kind: Option<MmKindArg>,
}

/// Kinds of matchmaking records (`import --kind`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MmKindArg {
    /// 技术需求.
    Needs,
    /// 科技成果.
    Achievements,
    /// 专家.
    Experts,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// Excel workbook.
    Xlsx,
    /// One CSV table (UTF-8 with BOM).
    Csv,
}

/// Templates.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TemplateArg {
    /// Sheets 企业, 资质, 知识产权.
    Enterprises,
    /// Sheet 指标填报.
    Filings,
    /// Sheets 技术需求, 科技成果, 专家 (matchmaking records).
    Matchmaking,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Format.
    #[arg(long, value_enum, default_value = "xlsx")]
    pub format: ExportFormat,
    /// Write an empty import template instead of the registry.
    #[arg(long, value_enum)]
    pub template: Option<TemplateArg>,
    /// Output file (default: a name in the current directory).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Report formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// One JSON object.
    Json,
    /// Markdown with the article-style paragraph.
    Md,
    /// A standalone HTML file (paragraphs, tables, SVG charts).
    Html,
    /// An xlsx workbook, one sheet per section.
    Xlsx,
    /// PDF with an embedded CJK font subset and vector charts.
    Pdf,
}

/// `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First month, e.g. 2023-01.
    #[arg(long)]
    pub from: String,
    /// Last month, e.g. 2023-10.
    #[arg(long)]
    pub to: String,
    /// Format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// Output file (default: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// `user`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account.
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Password (at least 8 characters).
        #[arg(long, env = "KECHUANG_NEW_PASSWORD")]
        password: String,
        /// Role: bureau_admin, bureau_reviewer, enterprise, research, bank, line_engineer, line_operator.
        #[arg(long)]
        role: String,
        /// Shown name.
        #[arg(long)]
        display_name: Option<String>,
        /// The organisation's 统一社会信用代码 (required except for bureau roles).
        #[arg(long)]
        org: Option<String>,
        /// Towns a bureau user is limited to, comma-separated.
        #[arg(long)]
        towns: Option<String>,
    },
    /// List accounts.
    List,
}

/// `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark.
    #[arg(value_enum)]
    pub which: BenchWhich,
    /// Print one JSON object of figures.
    #[arg(long)]
    pub json: bool,
    /// Enterprises to generate.
    #[arg(long)]
    pub enterprises: Option<u32>,
    /// Quarters per enterprise.
    #[arg(long)]
    pub quarters: Option<u32>,
    /// Achievements to generate (`bench search`, default 100,000).
    #[arg(long)]
    pub achievements: Option<u32>,
    /// Needs to generate (`bench search`, default 50,000).
    #[arg(long)]
    pub needs: Option<u32>,
    /// Experts to generate (`bench search`, default 20,000).
    #[arg(long)]
    pub experts: Option<u32>,
}

/// Benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchWhich {
    /// Import a generated workbook (default 50,000 enterprises × 20 quarters).
    Import,
    /// District dashboard aggregates (default 50,000 enterprises × 40 quarters).
    Dashboard,
    /// The profile page of an enterprise with 10 years of filings.
    Profile,
    /// Evaluating every rule pack for 50,000 firms (pure), and the registry path.
    Ladder,
    /// Match quality on the evaluation set (nDCG@10, recall@20, MRR) against
    /// plain BM25, and match latency.
    Match,
    /// Search at scale (100,000 achievements, 50,000 needs, 20,000 experts):
    /// index build, query and match latency, catch-up after a write.
    Search,
    /// The 1:1 meeting scheduler: 300 participants, 1,500 requests, 12 slots × 40 tables.
    Schedule,
    /// Matchmaking import: needs, achievements and experts from CSV, a re-import,
    /// and pinyin suggestions over the resulting index.
    MmImport,
    /// The money ledger: payouts per second on SQLite with synchronous=FULL.
    Money,
    /// The policy library: 2,000 policies, index build, search latency p50/p99
    /// (full text, filtered, database fallback) and catch-up.
    Policy,
    /// Technology contract statistics over 1,000,000 registered contracts on SQLite.
    Contracts,
    /// Line analytics over a month of a 20-station line at one vehicle a minute.
    LineAnalytics,
    /// The dashboard page and the district report for a year as HTML, xlsx and PDF
    /// at city scale (default 50,000 enterprises × 8 quarters).
    Report,
    /// Tightening results per second from simulated controllers into the store.
    LineIngest,
    /// Result on the wire to pedal decision, p50/p99.
    LineLatency,
    /// The 科技地图's points for 50,000 enterprises: bytes raw and gzip, server time.
    Map,
    /// All of them.
    All,
}

/// The file layer.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    data_dir: Option<PathBuf>,
    database: Option<String>,
    listen: Option<String>,
    district_name: Option<String>,
    secure_cookies: Option<bool>,
    session_hours: Option<i64>,
    max_import_mb: Option<u64>,
    region: Option<String>,
    ladder: Option<kechuang_core::ladder::RuleConfig>,
    /// The CJK font the PDFs embed (`PATH` or `PATH#N` for a face of a collection).
    pdf_font: Option<PathBuf>,
    /// Notification e-mail through this SMTP server (none: in-app only).
    smtp: Option<kechuang_app::mail::SmtpConfig>,
    /// The site's public address, for links in e-mails.
    public_url: Option<String>,
    /// The 科技地图 (`[map]`, docs/map.md).
    map: Option<MapSettings>,
}

/// `[map]`: the district's datum and an optional tile service.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapSettings {
    /// The datum of the registry's coordinates and the default of boundary
    /// uploads: `wgs84` (default; also CGCS2000 / 天地图) or `gcj02` (高德).
    datum: Option<String>,
    /// `[map.tiles]`: a tile service for the page's 在线瓦片 mode.
    tiles: Option<TileSettings>,
}

/// `[map.tiles]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TileSettings {
    url: String,
    attribution: Option<String>,
    subdomains: Option<String>,
    max_zoom: Option<i64>,
    datum: Option<String>,
}

/// Applies `[map]` to the app settings; an error names the key at fault.
fn apply_map(app: &mut kechuang_app::AppConfig, map: Option<MapSettings>) -> anyhow::Result<()> {
    let Some(map) = map else {
        return Ok(());
    };
    if let Some(d) = &map.datum {
        app.map_datum = kechuang_app::ops::map::parse_datum(d)
            .map_err(|e| anyhow::anyhow!("kechuang.toml: map.datum: {e}"))?;
    }
    if let Some(t) = map.tiles {
        app.map_tiles = Some(
            kechuang_app::ops::map::TileSource::new(
                &t.url,
                t.attribution.as_deref(),
                t.subdomains.as_deref(),
                t.max_zoom,
                t.datum.as_deref(),
            )
            .map_err(|e| anyhow::anyhow!("kechuang.toml: {e}"))?,
        );
    }
    Ok(())
}

/// Everything a command needs, after layering.
#[derive(Clone)]
pub struct Settings {
    /// Data directory.
    pub data_dir: PathBuf,
    /// SQLite path or PostgreSQL URL.
    pub database: String,
    /// Listen address.
    pub listen: String,
    /// The district's name.
    pub district_name: String,
    /// Secure cookies.
    pub secure_cookies: bool,
    /// App settings.
    pub app: kechuang_app::AppConfig,
    /// SMTP for notification e-mail.
    pub smtp: Option<kechuang_app::mail::SmtpConfig>,
    /// The site's public address (links in e-mails).
    pub public_url: Option<String>,
}

impl std::fmt::Debug for Settings {
    // The database URL may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("data_dir", &self.data_dir)
            .field("database", &redact(&self.database))
            .field("listen", &self.listen)
            .finish()
    }
}

/// A database URL without its password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Settings {
    /// Layers the configuration file, the environment (already folded into the
    /// parsed flags by clap's `env`), and the flags.
    pub fn load(cli: &Cli, listen_flag: Option<&String>) -> anyhow::Result<Settings> {
        let file = match &cli.config {
            Some(p) => Some(p.clone()),
            None => Some(PathBuf::from("kechuang.toml")).filter(|p| p.exists()),
        };
        let fs: FileSettings = match &file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("parsing {}", p.display()))?
            }
            None => FileSettings::default(),
        };
        let data_dir = cli
            .data_dir
            .clone()
            .or(fs.data_dir)
            .unwrap_or_else(|| PathBuf::from("kechuang-data"));
        let database = cli
            .database
            .clone()
            .or(fs.database)
            .unwrap_or_else(|| data_dir.join("kechuang.db").display().to_string());
        let mut app = kechuang_app::AppConfig::default();
        if let Some(h) = fs.session_hours {
            app.session_hours = h.clamp(1, 24 * 30);
        }
        if let Some(mb) = fs.max_import_mb {
            app.max_import_bytes = mb.saturating_mul(1024 * 1024);
        }
        if let Some(l) = fs.ladder {
            app.ladder = l;
        }
        app.region = fs.region;
        apply_map(&mut app, fs.map)?;
        if let Some(f) = fs.pdf_font {
            kechuang_app::pdf_font::set_font_path(f);
        }
        Ok(Settings {
            data_dir,
            database,
            listen: listen_flag
                .cloned()
                .or(fs.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            district_name: fs.district_name.unwrap_or_else(|| "铜梁区".into()),
            secure_cookies: fs.secure_cookies.unwrap_or(false),
            app,
            smtp: fs.smtp,
            public_url: fs.public_url,
        })
    }

    /// Opens (creating the data directory for SQLite) and migrates the database.
    pub async fn open_app(&self) -> anyhow::Result<kechuang_app::App> {
        if !kechuang_store::is_postgres_url(&self.database) {
            let path = Path::new(
                self.database
                    .strip_prefix("sqlite:")
                    .unwrap_or(&self.database),
            );
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
        }
        let store = kechuang_store::Store::open(&self.database)
            .await
            .with_context(|| format!("opening the database {}", redact(&self.database)))?;
        store.migrate().await.context("migrating the database")?;
        Ok(kechuang_app::App::new(store, self.app.clone()))
    }
}

/// Logs to stderr; `KECHUANG_LOG` (or `RUST_LOG`) sets the filter.
pub fn init_logging(quiet: bool) {
    let default = if quiet {
        "warn"
    } else {
        "info,tower_http=warn,sqlx=warn"
    };
    let filter = std::env::var("KECHUANG_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| default.to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::{FileSettings, apply_map, redact};
    use kechuang_core::geo_datum::Datum;

    fn map_of(toml_text: &str) -> anyhow::Result<kechuang_app::AppConfig> {
        let fs: FileSettings = toml::from_str(toml_text)?;
        let mut app = kechuang_app::AppConfig::default();
        apply_map(&mut app, fs.map)?;
        Ok(app)
    }

    #[test]
    fn the_map_section_sets_the_datum_and_the_tiles() {
        let app = map_of("").unwrap();
        assert_eq!(app.map_datum, Datum::Wgs84);
        assert!(app.map_tiles.is_none());
        let app = map_of(
            "[map]\ndatum = \"gcj02\"\n[map.tiles]\nurl = \"https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8\"\nsubdomains = \"1234\"\nattribution = \"© 高德地图\"\nmax_zoom = 18\ndatum = \"gcj02\"\n",
        )
        .unwrap();
        assert_eq!(app.map_datum, Datum::Gcj02);
        let t = app.map_tiles.unwrap();
        assert_eq!(t.datum, Datum::Gcj02);
        assert_eq!(t.subdomains, "1234");
        assert_eq!(t.max_zoom, 18);
        // Tiles default to WGS-84 (OSM, 天地图).
        let app = map_of("[map.tiles]\nurl = \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"\n")
            .unwrap();
        assert_eq!(app.map_tiles.unwrap().datum, Datum::Wgs84);
    }

    #[test]
    fn bad_map_settings_name_the_key() {
        let e = map_of("[map]\ndatum = \"bd09\"\n").unwrap_err().to_string();
        assert!(e.contains("map.datum") && e.contains("bd09"), "{e}");
        let e = map_of("[map.tiles]\nurl = \"https://t/{z}/{x}.png\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("map.tiles.url") && e.contains("{y}"), "{e}");
        let e = map_of("[map.tiles]\nurl = \"https://t/{z}/{x}/{y}.png\"\ndatum = \"baidu\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("map.tiles.datum"), "{e}");
        let e = map_of("[map.tiles]\nurl = \"https://t{s}/{z}/{x}/{y}.png\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("map.tiles.subdomains"), "{e}");
        let e = map_of("[map.tiles]\nurl = \"https://t/{z}/{x}/{y}.png\"\nmax_zoom = 30\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("map.tiles.max_zoom"), "{e}");
        assert!(
            map_of("[map]\ndatums = \"wgs84\"\n").is_err(),
            "unknown keys are refused"
        );
    }

    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            redact("postgres://kc:secret@db:5432/kc"),
            "postgres://kc:***@db:5432/kc"
        );
        assert_eq!(redact("postgres://kc@db/kc"), "postgres://kc@db/kc");
        assert_eq!(
            redact("kechuang-data/kechuang.db"),
            "kechuang-data/kechuang.db"
        );
    }
}
