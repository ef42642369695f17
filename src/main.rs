use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = awstop::cli::Cli::parse();
    match awstop::run::main(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("awstop: {e}");
            ExitCode::from(2)
        }
    }
}
