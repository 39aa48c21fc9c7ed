//! `chuda-bench-load`: load figures for the README (not a test), against the real server.
//!
//! - `chuda-bench-load contention [--rows 1000000] [--mbps 4] [--campaign-users 400000] [--rate 4000]`:
//!   a slow 1M-row upload while a campaign sends, logins and vendor callbacks run (see `contention.rs`);
//! - `chuda-bench-load memory [--users 1000000] [--keys 2000]`: peak RSS of a 1M-member export
//!   and of an import with thousands of attribute keys (see `memory.rs`).

mod console;
mod contention;
mod memory;

/// The value after `flag` on the command line.
fn flag(flag: &str) -> Option<String> {
    let argv: Vec<String> = std::env::args().collect();
    argv.iter().position(|a| a == flag).and_then(|i| argv.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_writer(std::io::stderr)
        .init();
    let outcome = match std::env::args().nth(1).as_deref() {
        Some("contention") => contention::run().await,
        Some("memory") => memory::run().await,
        _ => {
            eprintln!("usage: chuda-bench-load contention|memory [flags]");
            return std::process::ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chuda-bench-load: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
