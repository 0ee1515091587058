//! The `chanye` command line; the commands are in [`chanye::cli`].

use std::process::ExitCode;

use clap::Parser;

use chanye::cli::{chinese_locale, init_logs, run, Cli, Command};
use chanye::config::LogFormat;

/// A tile or a match answer makes thousands of small allocations; glibc's allocator spent a
/// fifth of a tile's time in them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Huge pages cost more than they give here: start-up is mostly first touches of fresh
    // memory, and zeroing 2 MB pages for a few small objects made reading a million parcels'
    // files 6 s instead of 1.3 s and a restart's kernel time double (BENCHMARKS.md). Best
    // effort: without it, the kernel's setting stands.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    let cli = Cli::parse();
    // serve logs in the format its settings name, once it has read them
    if !matches!(cli.command, Command::Serve { .. }) {
        init_logs(LogFormat::Text);
    }
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            if chinese_locale(|name| std::env::var(name).ok()) {
                eprintln!("错误：{}", error.zh());
            } else {
                eprintln!("error: {error}");
            }
            ExitCode::FAILURE
        }
    }
}
