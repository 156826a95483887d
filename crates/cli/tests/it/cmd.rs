//! Running the binary.

use std::path::Path;
use std::process::{Command, Output};

pub fn kechuang() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kechuang"));
    c.env_remove("KECHUANG_DATA_DIR")
        .env_remove("KECHUANG_DATABASE_URL")
        .env_remove("KECHUANG_CONFIG")
        .env("KECHUANG_LOG", "error");
    c
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    kechuang().current_dir(dir).args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
