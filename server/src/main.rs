#![recursion_limit = "512"]
//! `chuda`: the console server and its command-line tools.

use clap::{Parser, Subcommand};
use server::config::{Overrides, Settings, EXAMPLE};
use std::path::PathBuf;
use std::process::ExitCode;

/// chuda (触达): self-hosted SMS engagement console.
#[derive(Parser)]
#[command(name = "chuda", version, about)]
struct Cli {
    /// Configuration file (default: ./chuda.toml when present).
    #[arg(long, short, global = true)]
    config: Option<PathBuf>,
    /// Listen address, e.g. 127.0.0.1:3000 (overrides server.listen).
    #[arg(long, global = true)]
    listen: Option<String>,
    /// Data directory (overrides storage.data_dir).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the console (the default).
    Serve,
    /// Print a commented example configuration.
    DefaultConfig,
    /// Run a Chuanglan (创蓝 253) compatible simulator for trials and load tests.
    #[command(name = "simulate-253")]
    Simulate253(server::simulate::Args),
    /// Run an Aliyun SMS (Dysmsapi) compatible simulator that verifies request signatures.
    SimulateAliyun(server::simulate::AliyunArgs),
    /// Import users from a CSV or NDJSON file into the configured database.
    Import(server::import_cli::Args),
    /// Print the REST API's OpenAPI 3.1 document (the one served at /api/v1/openapi.json).
    Openapi,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.as_ref().unwrap_or(&Command::Serve) {
        Command::DefaultConfig => {
            print!("{EXAMPLE}");
            ExitCode::SUCCESS
        }
        Command::Serve => serve(&cli),
        Command::Openapi => {
            println!("{}", server::api::document_json());
            ExitCode::SUCCESS
        }
        Command::Simulate253(args) => server::simulate::run(args),
        Command::SimulateAliyun(args) => server::simulate::run_aliyun(args),
        Command::Import(args) => match load_settings(&cli) {
            Ok(settings) => server::import_cli::run(&settings, args),
            Err(code) => code,
        },
    }
}

fn load_settings(cli: &Cli) -> Result<Settings, ExitCode> {
    let overrides = Overrides { listen: cli.listen.clone(), data_dir: cli.data_dir.clone() };
    Settings::load(cli.config.as_deref(), &overrides).map_err(|e| {
        eprintln!("chuda: {e}");
        ExitCode::from(2)
    })
}

fn serve(cli: &Cli) -> ExitCode {
    let settings = match load_settings(cli) {
        Ok(s) => s,
        Err(code) => return code,
    };
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::new(&settings.log.level)).init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("chuda: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let app = server::Application::build(&settings).await?;
        app.run_until_stopped().await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chuda: {e:#}");
            ExitCode::FAILURE
        }
    }
}
