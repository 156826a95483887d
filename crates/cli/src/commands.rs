//! One function per subcommand.

use crate::config::{Cli, Command, ExportFormat, ReportFormat, Settings, TemplateArg, UserCommand};
use anyhow::{Context, bail};
use kechuang_app::{Actor, App, AppError};
use std::io::Write;
use std::process::ExitCode;

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let listen = match &cli.command {
        Command::Serve(a) => a.listen.clone(),
        Command::Demo(a) => a.listen.clone(),
        _ => None,
    };
    let settings = Settings::load(&cli, listen.as_ref())?;
    match &cli.command {
        Command::Serve(_) => serve(&settings, settings.open_app().await?).await,
        Command::Demo(a) => demo(&settings, a.seed, a.no_serve).await,
        Command::Import(a) => import(&settings, a).await,
        Command::Export(a) => export(&settings, a).await,
        Command::Report(a) => report(&settings, a).await,
        Command::Check => check(&settings).await,
        Command::Migrate => {
            settings.open_app().await?;
            println!("数据库已是最新版本");
            Ok(ExitCode::SUCCESS)
        }
        Command::Maintain => {
            let app = settings.open_app().await?;
            let t = std::time::Instant::now();
            app.store.maintain().await.context("maintenance")?;
            app.store.close().await;
            println!("维护完成，用时 {:.1} 秒", t.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        Command::User(u) => user(&settings, u).await,
        Command::Bench(b) => crate::bench::run(&settings, b).await,
        Command::Evaluate(a) => evaluate(&settings, a).await,
        Command::Ladder(l) => ladder(&settings, l).await,
        Command::Reindex => reindex(&settings).await,
        Command::Match(m) => match_need(&settings, m).await,
        Command::Ledger(crate::config::LedgerCommand::Payouts { prefix, count }) => {
            let app = settings.open_app().await?;
            let (paid, replayed) = crate::bench_money::payouts(&app, prefix, *count).await?;
            app.store.close().await;
            println!("兑付演练：新付 {paid} 笔，重放 {replayed} 笔");
            Ok(ExitCode::SUCCESS)
        }
        Command::Line(crate::config::LineCommand::Simulate(a)) => line_simulate(&settings, a).await,
        Command::Credit(crate::config::CreditCommand::Evaluate { date }) => {
            let app = settings.open_app().await?;
            let on = match date {
                Some(d) => kechuang_core::date::parse("date", d)
                    .map_err(|e| anyhow::anyhow!("{}", e.message()))?,
                None => app.today(),
            };
            let t = std::time::Instant::now();
            let n = kechuang_app::ops::credit::evaluate_all(&app, &kechuang_app::Actor::cli(), on)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            app.store.close().await;
            println!(
                "知识价值信用评价：{n} 家企业（评价日期 {on}），用时 {:.1} 秒",
                t.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes refused (or suspicious) cells, one tab-separated line each: the label,
/// sheet, row, column, header, value and the zh-CN reason.
pub(crate) fn write_cells(
    out: &mut impl Write,
    label: &str,
    cells: &[kechuang_app::import::CellError],
) -> std::io::Result<()> {
    for e in cells {
        writeln!(
            out,
            "{label}\t{}\t第{}行\t{}列\t{}\t{}\t{}",
            e.sheet,
            e.row,
            e.column.as_deref().unwrap_or("-"),
            e.header.as_deref().unwrap_or("-"),
            e.value.as_deref().unwrap_or(""),
            e.message()
        )?;
    }
    Ok(())
}

/// Explains an application error in one line (zh-CN, with each field).
pub(crate) fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(fields) => {
            anyhow::anyhow!(
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message()))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
        AppError::Conflict(f) => anyhow::anyhow!("{}: {}", f.field, f.message()),
        other => anyhow::Error::new(other),
    }
}

async fn serve(settings: &Settings, app: App) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    let web = kechuang_web::WebConfig {
        secure_cookies: settings.secure_cookies,
        district_name: settings.district_name.clone(),
        ..kechuang_web::WebConfig::default()
    };
    let searcher = std::sync::Arc::new(
        kechuang_app::search::Searcher::open(Some(&settings.data_dir.join("search")))
            .map_err(explain)?,
    );
    println!("kechuang 正在运行：http://{addr}  （Ctrl+C 停止）");
    // The ladder follows the event log: an approved filing, a changed IP record,
    // qualification or fact re-evaluates that enterprise within seconds.
    let worker = {
        let app = app.clone();
        let searcher = searcher.clone();
        tokio::spawn(async move {
            loop {
                let today = app.today();
                if let Err(e) = kechuang_app::ops::ladder::catch_up(&app, today).await {
                    tracing::warn!(error = %e, "ladder catch-up failed; retrying");
                }
                if let Err(e) = searcher.sync(&app).await {
                    tracing::warn!(error = %e, "search index catch-up failed; retrying");
                }
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            }
        })
    };
    // Notifications follow the event log; mail goes out through the outbox.
    let notifier = {
        let mailer = match &settings.smtp {
            Some(cfg) => Some(kechuang_app::mail::Mailer::new(cfg).map_err(explain)?),
            None => None,
        };
        let site = kechuang_app::ops::notify::Site {
            name: format!("{}科技创新服务平台", settings.district_name),
            base_url: settings
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}")),
        };
        tokio::spawn(kechuang_app::mail::run(
            app.clone(),
            mailer,
            site,
            std::time::Duration::from_secs(2),
        ))
    };
    let state = kechuang_web::AppState::new(app.clone(), web).with_searcher(searcher.clone());
    kechuang_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    worker.abort();
    notifier.abort();
    app.store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn demo(settings: &Settings, seed: u64, no_serve: bool) -> anyhow::Result<ExitCode> {
    let app = settings.open_app().await?;
    let logins = if kechuang_app::demo::exists(&app).await.map_err(explain)? {
        println!(
            "数据目录中已有数据，跳过示范区生成（删除 {} 可重新生成）。",
            settings.data_dir.display()
        );
        kechuang_app::demo::logins()
    } else {
        let bar = indicatif::ProgressBar::new(1);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let progress = |stage: &str, done: u64, total: u64| {
            bar.set_message(stage.to_string());
            bar.set_length(total.max(1));
            bar.set_position(done);
        };
        let summary =
            kechuang_app::demo::build(&app, &kechuang_app::demo::DemoOptions { seed }, &progress)
                .await
                .map_err(explain)?;
        bar.finish_and_clear();
        println!(
            "示范区已生成：{} 家机构（其中企业 {} 家），{} 份指标填报，{} 条资质记录；技术需求 {} 项、科技成果 {} 项、专家 {} 名。",
            summary.organisations,
            summary.enterprises,
            summary.filings,
            summary.qualifications,
            summary.matchmaking.0,
            summary.matchmaking.1,
            summary.matchmaking.2
        );
        let done = kechuang_app::ops::ladder::catch_up(&app, app.today())
            .await
            .map_err(explain)?;
        println!("梯度培育：已按现行规则评价 {} 家企业。", done.evaluated);
        summary.logins
    };
    println!("演示账号（用户名 / 密码 / 角色）：");
    for l in logins {
        println!(
            "  {:<10} {:<20} {}{}",
            l.username,
            l.password,
            l.role.zh(),
            l.org_name.map(|o| format!("（{o}）")).unwrap_or_default()
        );
    }
    if no_serve {
        app.store.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    serve(settings, app).await
}

async fn import(settings: &Settings, a: &crate::config::ImportArgs) -> anyhow::Result<ExitCode> {
    let app = settings.open_app().await?;
    let meta =
        std::fs::metadata(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    if meta.len() > app.config.max_import_bytes {
        bail!(
            "{} is {} bytes, more than the {}-byte import limit",
            a.file.display(),
            meta.len(),
            app.config.max_import_bytes
        );
    }
    let bytes = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if a.kind.is_some() || kechuang_app::mm_import::looks_like_matchmaking(&bytes, &name) {
        return crate::mm_import::import(app, a, &name, bytes).await;
    }
    let opts = kechuang_app::import::ImportOptions {
        accept_warnings: a.accept_warnings,
        dry_run: a.dry_run,
    };
    let started = std::time::Instant::now();
    let r = kechuang_app::import::import_bytes(&app, &Actor::cli(), &name, bytes, &opts)
        .await
        .map_err(explain)?;
    app.store.close().await;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        let mut out = std::io::stdout().lock();
        write_cells(&mut out, "错误", &r.errors)?;
        write_cells(&mut out, "提示", &r.warnings)?;
        writeln!(out, "{}", serde_json::to_string(&r.summary)?)?;
    }
    if !r.errors.is_empty() {
        bail!(
            "{} bad cell(s) in {}; nothing was imported",
            r.error_total.max(r.errors.len()),
            name
        );
    }
    if !r.warnings.is_empty() && !r.applied && !a.dry_run {
        bail!(
            "{} value(s) look like 元 where 万元 is expected; nothing was imported (check them, then rerun with --accept-warnings)",
            r.warnings.len()
        );
    }
    eprintln!(
        "{}：{}，用时 {:.1} 秒",
        name,
        if a.dry_run {
            "检查通过（未写入）"
        } else if r.applied {
            "导入完成"
        } else {
            "内容与现有数据一致，无需更新"
        },
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

async fn export(settings: &Settings, a: &crate::config::ExportArgs) -> anyhow::Result<ExitCode> {
    let (bytes, default_name) = match a.template {
        Some(TemplateArg::Enterprises) => (
            kechuang_app::export::template(kechuang_app::export::TemplateKind::Enterprises)
                .map_err(explain)?,
            "kechuang-template-enterprises.xlsx",
        ),
        Some(TemplateArg::Filings) => (
            kechuang_app::export::template(kechuang_app::export::TemplateKind::Filings)
                .map_err(explain)?,
            "kechuang-template-filings.xlsx",
        ),
        Some(TemplateArg::Matchmaking) => (
            kechuang_app::mm_import::template::template_xlsx().map_err(explain)?,
            "kechuang-template-matchmaking.xlsx",
        ),
        None => {
            let app = settings.open_app().await?;
            let r = match a.format {
                ExportFormat::Xlsx => (
                    kechuang_app::export::registry_xlsx(&app, &Actor::cli())
                        .await
                        .map_err(explain)?,
                    "kechuang-registry.xlsx",
                ),
                ExportFormat::Csv => (
                    kechuang_app::export::registry_csv(&app, &Actor::cli())
                        .await
                        .map_err(explain)?,
                    "kechuang-registry.csv",
                ),
            };
            app.store.close().await;
            r
        }
    };
    let path = a.output.clone().unwrap_or_else(|| default_name.into());
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("已写入 {}", path.display());
    Ok(ExitCode::SUCCESS)
}

async fn report(settings: &Settings, a: &crate::config::ReportArgs) -> anyhow::Result<ExitCode> {
    let range = kechuang_app::ops::report::parse_range(&a.from, &a.to)
        .map_err(|e| explain(AppError::Invalid(e)))?;
    let app = settings.open_app().await?;
    let r = kechuang_app::ops::report::district(&app, &Actor::cli(), &range)
        .await
        .map_err(explain)?;
    app.store.close().await;
    let bytes: Vec<u8> = match a.format {
        ReportFormat::Json => serde_json::to_string_pretty(&r)?.into_bytes(),
        ReportFormat::Md => kechuang_app::ops::report::to_markdown(&r).into_bytes(),
        ReportFormat::Html => {
            kechuang_app::report_html::standalone(&kechuang_app::report_doc::build(&r)).into_bytes()
        }
        ReportFormat::Xlsx => {
            kechuang_app::report_xlsx::render(&kechuang_app::report_doc::build(&r))
                .map_err(|e| anyhow::anyhow!("writing the workbook: {e}"))?
        }
        ReportFormat::Pdf => kechuang_app::report_pdf::render(&kechuang_app::report_doc::build(&r)),
    };
    match (&a.output, a.format) {
        (Some(p), _) => {
            std::fs::write(p, bytes).with_context(|| format!("writing {}", p.display()))?;
            eprintln!("已写入 {}", p.display());
        }
        (None, ReportFormat::Xlsx | ReportFormat::Pdf) => {
            anyhow::bail!("--output FILE is required for xlsx and pdf");
        }
        (None, _) => println!("{}", String::from_utf8_lossy(&bytes)),
    }
    Ok(ExitCode::SUCCESS)
}

async fn check(settings: &Settings) -> anyhow::Result<ExitCode> {
    let app = settings.open_app().await?;
    let r = kechuang_app::ops::check::run(&app, &Actor::cli())
        .await
        .map_err(explain)?;
    app.store.close().await;
    println!(
        "事件链：{} 条事件，{}",
        r.events.events,
        match &r.events.first_break {
            None => "完整".to_string(),
            Some(b) => format!("第一个断点在第 {} 条：{}", b.seq, b.reason),
        }
    );
    println!(
        "汇总表：{}",
        if r.rollup_mismatches.is_empty() {
            "与填报一致".to_string()
        } else {
            format!("{} 组不一致", r.rollup_mismatches.len())
        }
    );
    for m in r.rollup_mismatches.iter().take(20) {
        println!("  {m}");
    }
    println!(
        "当期数据表：{}",
        if r.current_mismatches.is_empty() {
            "与填报一致".to_string()
        } else {
            format!("{} 处不一致", r.current_mismatches.len())
        }
    );
    for m in r.current_mismatches.iter().take(20) {
        println!("  {m}");
    }
    println!(
        "填报一致性：{}",
        if r.inconsistent_filings.is_empty() {
            "全部通过".to_string()
        } else {
            format!("{} 份有矛盾", r.inconsistent_filings.len())
        }
    );
    for m in r.inconsistent_filings.iter().take(20) {
        println!("  {m}");
    }
    crate::bench_money::print_ledger_check(&r.ledger);
    if r.ok() {
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("the database check found problems (see above)")
    }
}

async fn user(settings: &Settings, u: &UserCommand) -> anyhow::Result<ExitCode> {
    let app = settings.open_app().await?;
    match u {
        UserCommand::Add {
            username,
            password,
            role,
            display_name,
            org,
            towns,
        } => {
            let org_id = match org {
                Some(code) => {
                    let cc = kechuang_core::credit_code::CreditCode::parse(code)
                        .map_err(|e| anyhow::anyhow!(e.message()))?;
                    let rec = app.store.read().await?.organisation_by_code(&cc).await?;
                    Some(
                        rec.with_context(|| format!("no organisation with credit code {cc}"))?
                            .id
                            .0,
                    )
                }
                None => None,
            };
            let new = kechuang_app::ops::auth::NewUser {
                username: username.clone(),
                display_name: display_name.clone().unwrap_or_else(|| username.clone()),
                password: password.clone(),
                role: role.clone(),
                org_id,
                towns: towns.as_ref().map(|t| {
                    t.split([',', '，'])
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty())
                        .collect()
                }),
            };
            kechuang_app::ops::auth::create_user(&app, &Actor::cli(), new)
                .await
                .map_err(explain)?;
            println!("已创建账号 {username}");
        }
        UserCommand::List => {
            for u in app.store.read().await?.users().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.role.code(),
                    if u.active { "启用" } else { "停用" }
                );
            }
        }
    }
    app.store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn parse_day(field: &str, s: Option<&str>) -> anyhow::Result<Option<chrono::NaiveDate>> {
    s.map(|d| kechuang_core::date::parse(field, d))
        .transpose()
        .map_err(|e| explain(AppError::Invalid(vec![e])))
}

async fn evaluate(
    settings: &Settings,
    a: &crate::config::EvaluateArgs,
) -> anyhow::Result<ExitCode> {
    use kechuang_core::ladder::PackId;
    let pack = match &a.pack {
        Some(p) => Some(PackId::parse(p).ok_or_else(|| {
            explain(AppError::Invalid(vec![
                kechuang_core::FieldError::new("pack", "pack_unknown").with("value", p),
            ]))
        })?),
        None => None,
    };
    let date = parse_day("date", a.date.as_deref())?;
    let (name, tiers) = if let Some(file) = &a.file {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let profile: kechuang_core::ladder::Profile = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: 不是有效的企业画像 JSON：{e}", file.display()))?;
        let today =
            date.unwrap_or_else(|| kechuang_core::date::china_date_of(kechuang_store::now_us()));
        let tiers =
            kechuang_app::ops::ladder::evaluate_profile(&settings.app, &profile, today, pack)
                .map_err(explain)?;
        (profile.name, tiers)
    } else {
        let code = a.org.as_deref().unwrap_or_default();
        let code = kechuang_core::credit_code::CreditCode::parse(code)
            .map_err(|e| explain(AppError::Invalid(vec![e.at("org")])))?;
        let app = settings.open_app().await?;
        let mut db = app.store.read().await?;
        let org = db.organisation_by_code(&code).await?.ok_or_else(|| {
            anyhow::anyhow!("org: 统一社会信用代码 {} 不在企业库中", code.as_str())
        })?;
        drop(db);
        let e = kechuang_app::ops::ladder::evaluate_org(&app, &Actor::cli(), &org.id, date, pack)
            .await
            .map_err(explain)?;
        app.store.close().await;
        (org.org.name, e.tiers)
    };
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"name": name, "tiers": tiers}))?
        );
    } else {
        println!("{name}");
        for t in &tiers {
            let score = t
                .score
                .map(|s| format!("  得分 {}—{}（合格线 {}）", s.min, s.max, s.pass_mark))
                .unwrap_or_default();
            println!("  {}［{}］：{}{score}", t.tier.zh(), t.pack, t.status.zh());
            for c in t
                .conditions
                .iter()
                .filter(|c| c.met != kechuang_core::ladder::Met::Yes)
            {
                let gap = c
                    .gap
                    .as_ref()
                    .map(|g| format!("：{}", g.text))
                    .unwrap_or_default();
                println!(
                    "    · {} {}，需 {}{gap}",
                    c.name,
                    c.actual.as_deref().unwrap_or("未知"),
                    c.required
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn ladder(settings: &Settings, l: &crate::config::LadderCommand) -> anyhow::Result<ExitCode> {
    use crate::config::LadderCommand;
    let app = settings.open_app().await?;
    let done = match l {
        LadderCommand::CatchUp => {
            let today = app.today();
            kechuang_app::ops::ladder::catch_up(&app, today)
                .await
                .map_err(explain)?
        }
        LadderCommand::Refresh { date } => {
            let day = parse_day("date", date.as_deref())?.unwrap_or_else(|| app.today());
            kechuang_app::ops::ladder::evaluate_all(&app, day)
                .await
                .map_err(explain)?
        }
    };
    app.store.close().await;
    println!(
        "已评价 {} 家企业（{} 家结果有变化），读取事件 {} 条。",
        done.evaluated, done.changed, done.events
    );
    Ok(ExitCode::SUCCESS)
}

async fn reindex(settings: &Settings) -> anyhow::Result<ExitCode> {
    let app = settings.open_app().await?;
    let dir = settings.data_dir.join("search");
    let searcher = kechuang_app::search::Searcher::open(Some(&dir)).map_err(explain)?;
    searcher.reset().map_err(explain)?;
    let started = std::time::Instant::now();
    let n = searcher.sync(&app).await.map_err(explain)?;
    app.store.close().await;
    println!(
        "检索索引已重建：{} 条记录，用时 {:.1} 秒（{}）。",
        n,
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

async fn match_need(settings: &Settings, m: &crate::config::MatchArgs) -> anyhow::Result<ExitCode> {
    let app = settings.open_app().await?;
    let searcher = kechuang_app::search::Searcher::open(Some(&settings.data_dir.join("search")))
        .map_err(explain)?;
    let matches = searcher
        .match_need(&app, &Actor::cli(), &m.need, m.top)
        .await
        .map_err(|e| match e {
            AppError::NotFound => anyhow::anyhow!("need: 没有编号为 {} 的技术需求", m.need),
            e => explain(e),
        })?;
    app.store.close().await;
    if m.json {
        println!("{}", serde_json::to_string_pretty(&matches)?);
    } else {
        for (i, x) in matches.iter().enumerate() {
            println!(
                "{:>2}. [{}] {}（{}） 得分 {:.3}",
                i + 1,
                x.hit.kind_zh,
                x.hit.title,
                x.org_name,
                x.score
            );
            for r in &x.reasons {
                println!("      · {r}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn line_simulate(
    settings: &Settings,
    a: &crate::config::LineSimArgs,
) -> anyhow::Result<ExitCode> {
    let app = settings.open_app().await?;
    let opts = crate::line_sim::SimOpts {
        stations: a.stations,
        vehicles: a.vehicles,
        nok_rate: a.nok_rate,
        seed: a.seed,
        faulty_station: a.faulty_station,
        mqtt_host: a.mqtt_host.clone(),
        mqtt_port: a.mqtt_port,
        ..crate::line_sim::SimOpts::default()
    };
    let out = crate::line_sim::simulate(&app, &opts).await?;
    if a.json {
        println!("{out}");
    } else {
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(ExitCode::SUCCESS)
}
