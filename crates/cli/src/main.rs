//! `kechuang`: the one binary. Parse the command line, run one command, exit.
//!
//! Exit codes: 0 success; 1 the command failed (one-line reason on stderr; for
//! imports, the table of bad cells first); 2 bad usage.

mod bench;
mod bench_contracts;
mod bench_line;
mod bench_line_analytics;
mod bench_map;
mod bench_match;
mod bench_mm;
mod bench_money;
mod bench_policy;
mod bench_report;
mod bench_schedule;
mod commands;
mod config;
mod line_sim;
mod mm_import;

use clap::Parser;
use config::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let quiet = !matches!(cli.command, Command::Serve(_) | Command::Demo(_));
    config::init_logging(quiet);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kechuang: cannot start the runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    match rt.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // One line: the outermost context and its causes.
            let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("kechuang: {}", chain.join(": "));
            std::process::ExitCode::from(1)
        }
    }
}
