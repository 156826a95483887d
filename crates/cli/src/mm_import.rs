//! `kechuang import` of matchmaking records (needs, achievements, experts).

use crate::config::{ImportArgs, MmKindArg};
use anyhow::bail;
use kechuang_app::mm_import::{MmImportOptions, MmKind, import_matchmaking};
use kechuang_app::{Actor, App};
use std::io::Write;
use std::process::ExitCode;

/// Imports the file as matchmaking records and prints the report.
pub(crate) async fn import(
    app: App,
    a: &ImportArgs,
    name: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<ExitCode> {
    let opts = MmImportOptions {
        dry_run: a.dry_run,
        kind: a.kind.map(|k| match k {
            MmKindArg::Needs => MmKind::Needs,
            MmKindArg::Achievements => MmKind::Achievements,
            MmKindArg::Experts => MmKind::Experts,
        }),
    };
    let started = std::time::Instant::now();
    let r = import_matchmaking(&app, &Actor::cli(), name, bytes, &opts)
        .await
        .map_err(crate::commands::explain)?;
    app.store.close().await;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        let mut out = std::io::stdout().lock();
        crate::commands::write_cells(&mut out, "错误", &r.errors)?;
        for l in r.summary.lines() {
            writeln!(out, "{l}")?;
        }
    }
    if !r.errors.is_empty() {
        bail!(
            "{} bad cell(s) in {}; nothing was imported",
            r.error_total.max(r.errors.len()),
            name
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
