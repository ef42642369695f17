//! The configuration file: TOML, every key optional. Flags override the file,
//! the file overrides the defaults. Unknown keys are errors with their position.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod rooms;

use crate::app::model::Pane;
use crate::services::ServiceKind;

/// The documented default file, printed by `awstop config --default`. A test
/// checks that it parses to exactly `Config::default()`.
pub fn default_file() -> String {
    let mut refresh = String::new();
    for k in ServiceKind::ALL {
        let r = k.room();
        let (min, why) = r.min_interval();
        let line = format!("{} = {}", r.name(), r.interval().as_secs());
        refresh.push_str(&format!("{line:<36}# {} or more: {why}\n", min.as_secs()));
    }
    format!(
        r#"# awstop configuration: ~/.config/awstop/config.toml ($XDG_CONFIG_HOME/awstop/config.toml).
# Every key is optional; command-line flags override this file.

[aws]
# profile = "prod"                  # an ~/.aws profile (SSO, assume-role, credential_process all work)
regions = []                        # e.g. ["us-east-1", "eu-west-1"]; empty: the profile's region

[refresh]                           # seconds between refreshes, per service (at most 3600)
{refresh}
[metrics]
window = 60                         # minutes of history for every metric
scope = "visible"                   # "visible": rows on screen and top offenders; "all": every row
budget-usd-per-hour = 0.25          # what watching may spend on CloudWatch metrics an hour

[ui]
theme = "default"                   # default, light, high-contrast, solarized-dark, monochrome, or a .toml path
pane = "{pane}"{pad}# the pane awstop opens on: {panes}

[audit]
# public-key = "…"                  # the recording key verify and replay trust (64 hex digits, or a .pub file)

[cost]                              # estimates from list prices, never a bill
# prices = "my-prices.toml"         # your own rates for a region (copy one of awstop's prices/*.toml)
spot-discount-pct = 70              # Spot's assumed discount from on-demand
price-list = true                   # read current list prices from AWS's Price List (free), cached 30 days
actuals = false                     # the bill from Cost Explorer beside the estimate ($0.01 a request, read hourly)

[changes]                           # what changed, beside the metrics (docs/changes.md)
cloudtrail = true                   # who changed what, from CloudTrail's LookupEvents (free, 2 requests/s per account and region)

# [org]                             # every ACTIVE account of the organization (--org-role)
# role = "OrganizationAccountAccessRole"
# exclude = ["111111111111"]        # accounts left out (--org-exclude)
# external_id = "…"                 # when the member role's trust policy asks for one
# session_name = "awstop"           # what the members' CloudTrail shows

# [[accounts]]                      # one account by name; repeat the table for more
# name = "payments-prod"
# role_arn = "arn:aws:iam::111111111111:role/awstop-read"  # or: profile = "payments"
# external_id = "…"
{rooms}"#,
        rooms = room_sections(),
        pane = ServiceKind::ALL[0].name(),
        pad = " ".repeat(28usize.saturating_sub(ServiceKind::ALL[0].name().len())),
        panes = Pane::names_or(),
    )
}

/// Each room's own section (`[lambda]`), one line a setting it declares.
fn room_sections() -> String {
    let mut out = String::new();
    for k in ServiceKind::ALL {
        let settings = k.room().info().settings;
        if settings.is_empty() {
            continue;
        }
        out.push_str(&format!("\n[{}]\n", k.name()));
        for s in settings {
            let line = format!("{} = \"{}\"", s.name, s.default);
            out.push_str(&format!("{line:<36}# {}\n", s.help));
        }
    }
    out
}

/// The shared sections, as `Config` spells its fields (a test holds them to it).
pub const SECTIONS: &[&str] = &["aws", "refresh", "metrics", "ui", "audit", "cost", "changes", "org", "accounts"];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Config {
    pub aws: Aws,
    /// Seconds between refreshes, by service name.
    pub refresh: BTreeMap<String, u64>,
    pub metrics: Metrics,
    pub ui: Ui,
    pub audit: Audit,
    pub cost: Cost,
    pub changes: Changes,
    /// `--org-role` and its options: every account of the organization.
    pub org: Option<crate::accounts::OrgRole>,
    /// `[[accounts]]`: accounts named one by one.
    pub accounts: Vec<crate::accounts::AccountEntry>,
    /// The rooms' own settings, from their sections (`[lambda]`): taken out
    /// before the rest is read, since only the rooms know their keys.
    #[serde(skip)]
    pub rooms: crate::room_settings::RoomSettings,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Cost {
    /// A price file of your own (enterprise discounts): it replaces its region's list prices.
    pub prices: Option<PathBuf>,
    /// Spot's discount from on-demand, in percent: an assumption, shown as one.
    pub spot_discount_pct: f64,
    /// Read the regions' list prices from AWS's Price List (live only); off:
    /// the bundled prices alone.
    pub price_list: bool,
    /// `--actuals`: the bill from Cost Explorer beside the estimate ($0.01 a request).
    pub actuals: bool,
}

impl Default for Cost {
    fn default() -> Self {
        Cost {
            prices: None,
            spot_discount_pct: crate::cost::book::DEFAULT_SPOT_DISCOUNT_PCT,
            price_list: true,
            actuals: false,
        }
    }
}

/// `[changes]`: where what changed is read from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Changes {
    /// Who changed what, from CloudTrail (`--no-cloudtrail`: false).
    pub cloudtrail: bool,
}

impl Default for Changes {
    fn default() -> Self {
        Changes { cloudtrail: true }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Audit {
    pub public_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Aws {
    pub profile: Option<String>,
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Metrics {
    pub window: u32,
    pub scope: Scope,
    /// What watching may spend on CloudWatch metrics an hour.
    #[serde(alias = "budget_usd_per_hour")]
    pub budget_usd_per_hour: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    Visible,
    All,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Ui {
    pub theme: String,
    pub pane: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            aws: Aws::default(),
            refresh: ServiceKind::ALL
                .iter()
                .map(|k| (k.name().to_string(), k.room().interval().as_secs()))
                .collect(),
            metrics: Metrics::default(),
            ui: Ui::default(),
            audit: Audit::default(),
            cost: Cost::default(),
            changes: Changes::default(),
            org: None,
            accounts: Vec::new(),
            rooms: crate::services::default_settings(),
        }
    }
}
impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            window: 60,
            scope: Scope::Visible,
            budget_usd_per_hour: crate::aws::budget::DEFAULT_USD_PER_HOUR,
        }
    }
}
impl Default for Ui {
    fn default() -> Self {
        Ui {
            theme: "default".into(),
            pane: ServiceKind::ALL[0].name().into(),
        }
    }
}

impl Config {
    /// Parses and checks a file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, String> {
        let toml_error = |e: toml::de::Error| crate::theme::toml_error(file, text, &e);
        let mut root = toml::de::DeTable::parse(text).map_err(toml_error)?;
        let rooms = rooms::take(file, text, root.get_mut())?;
        let mut c = Config::deserialize(toml::de::Deserializer::from(root)).map_err(toml_error)?;
        c.rooms = rooms;
        // Values TOML accepts but awstop cannot use, located by their key.
        let at = |key: &str| {
            let offset = text
                .find(&format!("{key} ="))
                .or_else(|| text.find(key))
                .unwrap_or(0);
            let (line, col) = crate::theme::line_col(text, offset);
            format!("{file}:{line}:{col}")
        };
        for (name, secs) in &c.refresh {
            let Some(kind) = ServiceKind::from_name(name).filter(|k| k.name() == name) else {
                return Err(format!(
                    "{}: unknown service `{name}` in [refresh]: use {}",
                    at(name),
                    crate::services::names_or()
                ));
            };
            crate::services::intervals::check(kind, *secs, &format!("refresh.{name}"))
                .map_err(|e| format!("{}: {e}", at(name)))?;
        }
        for r in &c.aws.regions {
            crate::region::parse(r).map_err(|e| format!("{}: aws.regions: {e}", at("regions")))?;
        }
        if !(1..=1440).contains(&c.metrics.window) {
            return Err(format!(
                "{}: metrics.window must be between 1 and 1440 minutes",
                at("window")
            ));
        }
        if let Err(e) = crate::cli::parse_budget(&c.metrics.budget_usd_per_hour.to_string()) {
            return Err(format!(
                "{}: metrics.budget-usd-per-hour: {e}",
                at("budget")
            ));
        }
        if !(0.0..=100.0).contains(&c.cost.spot_discount_pct) {
            return Err(format!(
                "{}: cost.spot-discount-pct must be between 0 and 100",
                at("spot-discount-pct")
            ));
        }
        if let Err(e) = crate::accounts::entries::validate_all(&c.accounts) {
            return Err(format!("{}: {e}", at("[[accounts]]")));
        }
        if let Some(o) = &c.org {
            if o.role.trim().is_empty() {
                return Err(format!("{}: org.role must name a role", at("[org]")));
            }
            for id in &o.exclude {
                if !crate::accounts::is_account_id(id) {
                    return Err(format!("{}: org.exclude: '{id}' is not an account ID (12 digits)", at("exclude")));
                }
            }
        }
        if Pane::from_name(&c.ui.pane).is_none() {
            return Err(format!(
                "{}: ui.pane must be {}",
                at("pane"),
                Pane::names_or()
            ));
        }
        Ok(c)
    }

    /// `$XDG_CONFIG_HOME/awstop`, else `~/.config/awstop`.
    pub fn dir() -> Option<PathBuf> {
        std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))
            .map(|d| d.join("awstop"))
    }

    /// The given file (which must exist), else the default location if present, else defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, String> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match Config::dir().map(|d| d.join("config.toml")) {
                Some(p) if p.exists() => p,
                _ => return Ok(Config::default()),
            },
        };
        let text = crate::files::read_text(&path, MAX_CONFIG_BYTES, "an awstop config file")?;
        let file = path.display().to_string();
        let c = Config::parse(&file, &text)?;
        c.check_theme(&file, &text)?;
        Ok(c)
    }

    /// The theme the file names must load, in every mode: `--once` never
    /// draws it, but a file the dashboard would refuse is refused here too,
    /// with its position.
    fn check_theme(&self, file: &str, text: &str) -> Result<(), String> {
        let user_dir = Config::dir().map(|d| d.join("themes"));
        match crate::theme::Theme::load(&self.ui.theme, user_dir.as_deref()) {
            Ok(_) => Ok(()),
            Err(e) => {
                let offset = text
                    .find("theme =")
                    .or_else(|| text.find("theme"))
                    .unwrap_or(0);
                let (line, col) = crate::theme::line_col(text, offset);
                Err(format!("{file}:{line}:{col}: ui.theme: {e}"))
            }
        }
    }
}

/// A config is kilobytes: larger input (or an endless one, `/dev/zero`) is
/// refused before it can fill memory.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Fills every setting the command line left unset from the file: flags
/// override the file, the file overrides the defaults.
pub fn apply(cli: &mut crate::cli::Cli, matches: &clap::ArgMatches) -> Result<Config, String> {
    let config = Config::load(cli.look.config.as_deref())?;
    let given = |id: &str| crate::cli::Cli::given(matches, id);
    let file = cli
        .look
        .config
        .clone()
        .or_else(|| Config::dir().map(|d| d.join("config.toml")))
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    if !given("window") {
        cli.source.window = config.metrics.window;
    }
    for (_, setting) in crate::services::settings() {
        if !given(setting.name) {
            if let Some(text) = config.rooms.text(setting.name) {
                // Checked with its position when the file was read.
                cli.source.rooms.apply(setting, text).map_err(|e| format!("{file}: {e}"))?;
            }
        }
    }
    if !given("budget") {
        cli.source.budget = config.metrics.budget_usd_per_hour;
    }
    if !given("metrics") {
        cli.source.metrics = match config.metrics.scope {
            Scope::Visible => crate::cli::MetricsScope::Visible,
            Scope::All => crate::cli::MetricsScope::All,
        };
    }
    if cli.source.profile.is_none() {
        cli.source.profile = config.aws.profile.clone();
    }
    if cli.source.region.is_empty() {
        cli.source.region = config.aws.regions.clone();
    }
    cli.source.entries = config.accounts.clone();
    cli.source.org = config.org.clone();
    crate::region::dedupe(&mut cli.source.region)?;
    // The file's intervals first: later entries (the flags) win.
    let mut intervals: Vec<(ServiceKind, u64)> = config
        .refresh
        .iter()
        .filter_map(|(name, secs)| Some((ServiceKind::from_name(name)?, *secs)))
        .collect();
    intervals.append(&mut cli.source.interval);
    cli.source.interval = intervals;
    if cli.look.theme.is_none() {
        cli.look.theme = Some(config.ui.theme.clone());
    }
    if cli.look.pane.is_none() {
        cli.look.pane = Some(config.ui.pane.clone());
    }
    cli.pinned_key = config.audit.public_key.clone();
    // A relative price file is where the config is, as a user reads it.
    let prices = config
        .cost
        .prices
        .as_ref()
        .map(|p| match Path::new(&file).parent() {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.clone(),
        });
    if !config.cost.price_list {
        cli.source.no_price_list = true;
    }
    if config.cost.actuals && !cli.source.demo {
        cli.source.actuals = true;
    }
    if !config.changes.cloudtrail {
        cli.source.no_cloudtrail = true;
    }
    let book = crate::services::builtin_prices().as_ref().clone();
    cli.prices = std::sync::Arc::new(book.with_user(
        prices.as_deref(),
        Some(config.cost.spot_discount_pct),
        &crate::services::price_sections(),
    )?);
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudtrail_is_read_unless_the_config_says_not() {
        assert!(Config::default().changes.cloudtrail);
        let c = Config::parse("c.toml", "[changes]\ncloudtrail = false\n").unwrap();
        assert!(!c.changes.cloudtrail);
        let e = Config::parse("c.toml", "[changes]\ncloudtrial = false\n").unwrap_err();
        assert!(e.starts_with("c.toml:2:1: unknown field `cloudtrial`"), "{e}");
    }

    #[test]
    fn the_documented_default_file_is_the_default() {
        assert_eq!(
            Config::parse("default", &default_file()).unwrap(),
            Config::default()
        );
        assert_eq!(Config::parse("empty", "").unwrap(), Config::default());
        // The default file names every shared section, and only those beside the rooms'.
        let sections: Vec<String> = default_file()
            .lines()
            // Sections that need values to mean anything are shown commented out.
            .filter_map(|l| l.strip_prefix("# [").or_else(|| l.strip_prefix('[')))
            .filter_map(|l| l.trim_start_matches('[').split(']').next())
            .map(str::to_string)
            .filter(|s| ServiceKind::from_name(s).is_none())
            .collect();
        assert_eq!(sections, SECTIONS);
    }

    #[test]
    fn the_price_list_is_read_unless_the_config_says_not() {
        assert!(Config::default().cost.price_list);
        let off = Config::parse("c.toml", "[cost]\nprice-list = false\n").unwrap();
        assert!(!off.cost.price_list);
        let e = Config::parse("c.toml", "[cost]\nprice-list = \"no\"\n").unwrap_err();
        assert!(e.starts_with("c.toml:2:"), "{e}");
    }

    #[test]
    fn values_are_read_and_bad_ones_located() {
        let c = Config::parse("c.toml", "[aws]\nregions = [\"eu-west-1\"]\n[cold-starts]\nmethod = \"filter\"\n[ui]\npane = \"overview\"\n").unwrap();
        assert_eq!(c.aws.regions, vec!["eu-west-1"]);
        assert_eq!(c.rooms.text("cold-starts"), Some("filter"));
        assert_eq!(c.ui.pane, "overview");
        let e =
            Config::parse("c.toml", "[metrics]\nwindow = 60\npercentle = \"p90\"\n").unwrap_err();
        assert!(
            e.starts_with("c.toml:3:1: unknown field `percentle`"),
            "{e}"
        );
        let e = Config::parse("c.toml", "[refresh]\necs = 30\nlambda = 10\n").unwrap_err();
        assert!(
            e.starts_with("c.toml:3:1: refresh.lambda must be 60 or more"),
            "{e}"
        );
        let e = Config::parse("c.toml", "[metrics]\nscope = \"some\"\n").unwrap_err();
        assert!(e.starts_with("c.toml:2:9: unknown variant `some`"), "{e}");
        let e = Config::parse("c.toml", "[ui]\npane = \"logs\"\n").unwrap_err();
        assert!(e.starts_with("c.toml:2:1: ui.pane must be"), "{e}");
        let e = Config::parse("c.toml", "[aws\n").unwrap_err();
        assert!(e.starts_with("c.toml:1:"), "{e}");
    }
}
