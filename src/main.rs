use std::process::ExitCode;

fn main() -> ExitCode {
    awstop::run::reaper::few_arenas();
    if let Err(e) = awstop::cli::check_endpoint_env() {
        eprintln!("awstop: {}", awstop::fmt::escape_controls(&e));
        return ExitCode::from(2);
    }
    let matches = match awstop::cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let mut cli = awstop::cli::Cli::from_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.merge_subcommand(&matches);
    if let Err(e) = awstop::region::dedupe(&mut cli.source.region) {
        eprintln!("awstop: --region: {}", awstop::fmt::escape_controls(&e));
        return ExitCode::from(2);
    }
    if let Err(e) = cli.check(&matches) {
        eprintln!("awstop: {}", awstop::fmt::escape_controls(&e));
        return ExitCode::from(2);
    }
    if let Err(e) = awstop::config::apply(&mut cli, &matches) {
        eprintln!("awstop: {}", awstop::fmt::escape_controls(&e));
        return ExitCode::from(2);
    }
    match awstop::run::main(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("awstop: {}", awstop::fmt::escape_controls(&f.message));
            }
            ExitCode::from(f.code)
        }
    }
}

/// Help and version print as clap writes them; a usage error is one line
/// (its tip kept), like every other error awstop reports.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let text = e.render().to_string();
    let mut said = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        let line = line.strip_prefix("error: ").unwrap_or(line);
        if !said.is_empty() {
            said.push_str(if line.starts_with("tip: ") { "; " } else { " " });
        }
        said.push_str(line);
    }
    eprintln!(
        "awstop: {} (awstop --help says more)",
        awstop::fmt::escape_controls(&said)
    );
    ExitCode::from(2)
}
