use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    if let Err(e) = awstop::cli::check_endpoint_env() {
        eprintln!("awstop: {e}");
        return ExitCode::from(2);
    }
    let matches = awstop::cli::Cli::command().get_matches();
    let mut cli = awstop::cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.merge_subcommand(&matches);
    if let Err(e) = cli.check(&matches) {
        eprintln!("awstop: {e}");
        return ExitCode::from(2);
    }
    if let Err(e) = awstop::config::apply(&mut cli, &matches) {
        eprintln!("awstop: {e}");
        return ExitCode::from(2);
    }
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
