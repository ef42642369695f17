use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = awstop::cli::Cli::parse();
    match awstop::run::main(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("awstop: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}
