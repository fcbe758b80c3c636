use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = newsroom::cli::Cli::parse();
    match newsroom::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
