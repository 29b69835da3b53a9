//! opsdeck's entry point: parse the command line, install the error hooks, run.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = opsdeck::cli::Cli::parse();
    if let Err(error) = opsdeck::tui::install_error_hooks() {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    match opsdeck::run::run(cli) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("Error: {report:?}");
            ExitCode::FAILURE
        }
    }
}
