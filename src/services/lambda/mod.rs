//! Lambda: functions with invocations, errors, throttles, duration and cold
//! starts over the window; one function's history, latest cold starts and a
//! live tail of its log.

mod changes;
pub mod code_sha;
pub mod coldstart;
pub mod cost;
mod price_list;
mod demo;
mod demo_triggers;
mod deploys;
mod detail;
pub mod digest;
pub mod domain;
mod fetch;
mod list;
mod live;
pub mod metrics;
mod overview;
mod pane;
mod runs;
pub mod settings;
mod snapshot;
mod tables;
mod tail_view;
pub mod triggers;
pub mod versions;
pub mod weekago;

use std::collections::BTreeMap;
use std::time::Duration;

pub use coldstart::logs::Method as ColdMethod;
pub use settings::Percentile;
pub use domain::{ColdStartEvent, ColdStarts, Config, Function, FunctionConfig, FunctionSeries, FunctionStats, LambdaData, LambdaTotals};
pub use fetch::{fetch, Read, Sweep};
pub use list::list_functions;
pub use live::Clients;

use crate::export::file_safe;
use crate::services::feed::Retired;
use crate::services::scope::Scope;
use crate::services::msg::TailTarget;
use crate::services::joins::{Board, Places, Topic};
use crate::services::room::{Registered, Room};
use crate::table::{all, SectionVisitor, TableVisitor};
use crate::services::Settings;

pub struct Lambda;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Functions,
    /// One function, of the account and region it was opened in.
    Function { at: Scope, name: String },
}

/// Every region's functions, and the account-wide sums per region.
#[derive(Debug, Default)]
pub struct LambdaState {
    pub functions: Vec<Function>,
    /// Read even when per-function metrics cover only the rows on screen.
    pub totals: BTreeMap<Scope, LambdaTotals>,
    /// Which duration percentile the functions' `duration_pct_ms` holds.
    pub percentile: Option<String>,
    /// Per region, why figures are older than the refresh (the budget).
    pub budget: BTreeMap<Scope, String>,
    /// Regions whose rows are only the first ListFunctions page so far.
    pub listing: std::collections::BTreeSet<Scope>,
    /// Each region's last read's digest, when it came with one.
    pub digests: BTreeMap<Scope, std::sync::Arc<digest::Digest>>,
    /// Where each region's rows lie in `functions`.
    pub runs: runs::Runs,
    /// The keys of the functions the last join gave API routes.
    pub routed: Vec<(u64, u64)>,
}

impl LambdaState {
    /// Every region's functions as their digests priced them, when those
    /// cover every row and used these prices and window.
    pub fn priced(&self, book: &crate::cost::PriceBook, window: u32) -> Option<impl Iterator<Item = &cost::Priced>> {
        let mut rows = 0;
        for d in self.digests.values() {
            if !d.priced_with(book, window) {
                return None;
            }
            rows += d.priced.rows;
        }
        (rows == self.functions.len() && !self.digests.is_empty()).then(|| self.digests.values().map(|d| &d.priced))
    }

    /// The function `name` of `at`'s account and region.
    pub fn function(&self, at: &Scope, name: &str) -> Option<&Function> {
        use crate::scope::Scoped;
        self.functions.iter().find(|f| f.name == name && f.in_scope(at))
    }
}

impl Room for Lambda {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "lambda",
        prices: &[cost::PRICES],
        label: "Lambda",
        badge: "λ",
        aliases: &["lambdas", "fn", "func", "functions"],
        interval: Duration::from_secs(60),
        min_interval: (Duration::from_secs(60), "CloudWatch keeps one-minute data"),
        iam_actions: &[
            "lambda:ListFunctions",
            "lambda:ListEventSourceMappings",
            "lambda:GetPolicy",
            // The versions and aliases of the functions on screen: what changed.
            "lambda:ListVersionsByFunction",
            "lambda:ListAliases",
            "logs:FilterLogEvents",
            "logs:StartQuery",
            "logs:GetQueryResults",
            "logs:StopQuery",
            "logs:StartLiveTail",
            // The account's own anomaly detectors of function metrics,
            // read to use their bands; never created.
            "cloudwatch:DescribeAnomalyDetectors",
        ],
        keys: &[("t", "function detail: live tail of its log; j/k scroll it")],
        settings: &[settings::PERCENTILE, settings::COLD_STARTS],
        snapshot_needs_detail: false,
        tails: Some("a function"),
        reads: &[Topic::ApiRoutes],
        publishes: &[Topic::FunctionErrors],
        publishes_for_readers: true,
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = LambdaData;
    type State = LambdaState;
    type View = View;
    type Snapshot = snapshot::LambdaOut;

    fn merge(state: &mut LambdaState, scope: &Scope, data: LambdaData, only: bool, retired: &mut Vec<Retired>) {
        if data.percentile.is_some() {
            state.percentile = data.percentile.clone();
        }
        match data.totals {
            Some(t) => state.totals.insert(scope.clone(), t),
            None => state.totals.remove(scope),
        };
        match data.budget {
            Some(n) => state.budget.insert(scope.clone(), n),
            None => state.budget.remove(scope),
        };
        if data.listing {
            state.listing.insert(scope.clone());
        } else {
            state.listing.remove(scope);
        }
        match data.digest.0 {
            Some(d) => state.digests.insert(scope.clone(), d),
            None => state.digests.remove(scope),
        };
        runs::merge(state, scope, data.functions, only, retired);
    }

    fn digest(scope: &Scope, data: &mut LambdaData, memory: &mut Option<Box<dyn std::any::Any + Send>>, cx: &crate::services::room::DigestCtx) {
        digest::digest(scope, data, memory, cx);
    }

    fn root() -> View {
        View::Functions
    }

    fn changes(state: &LambdaState, scope: &Scope, data: &LambdaData, cx: &crate::services::room::ChangeCtx) -> Vec<crate::changes::Change> {
        // Found off the screen's thread against the very read the state
        // holds for the scope (a stage's first read: when it holds none).
        if let Some(d) = &data.digest.0 {
            let held = state.digests.get(scope).filter(|h| h.stage == d.stage).map(|h| h.read);
            let same_basis = if d.after == 0 { !cx.seen } else { held == Some(d.after) };
            if same_basis && d.since == cx.since {
                return d.changes.clone();
            }
        }
        changes::changes(state, scope, data, cx)
    }

    fn suspects(state: &LambdaState, found: &[&crate::changes::Change]) -> Vec<crate::changes::Suspect> {
        changes::suspects(state, found)
    }

    /// The errors of the functions an API route invokes: the only ones any
    /// room reads, and a few hundred map entries rather than 50,000.
    fn publish(state: &LambdaState, board: &mut Board) {
        let errors = &mut board.function_errors.by_function;
        errors.clear();
        let routed = &board.api_routes.by_function;
        if routed.is_empty() {
            return;
        }
        // The few routed functions found by key, when every region's rows
        // came with their digest.
        if let Some(ix) = runs::Index::of(state) {
            errors.extend(routed.keys().filter_map(|k| ix.row(k).map(|i| (*k, state.functions[i].stats.errors))));
            return;
        }
        // The name's id was worked out by the source.
        let mut places = Places::default();
        errors.extend(
            state
                .functions
                .iter()
                .map(|f| ((places.of(&f.account, &f.region), f.name_id()), f.stats.errors))
                .filter(|(k, _)| routed.contains_key(k)),
        );
    }

    /// The API routes in front of each function, as the API room publishes them.
    fn join(state: &mut LambdaState, board: &Board) {
        let routes = &board.api_routes.by_function;
        // Only the functions routed now or at the last join can change:
        // new rows come without routes. Found by key when the runs allow.
        let found: Option<Vec<usize>> = runs::Index::of(state)
            .map(|ix| state.routed.iter().chain(routes.keys()).filter_map(|k| ix.row(k)).collect());
        state.routed = routes.keys().copied().collect();
        let mut places = Places::default();
        let mut set = |f: &mut Function| {
            match routes.get(&(places.of(&f.account, &f.region), f.name_id())) {
                Some(r) if *r != f.api_routes => f.api_routes = r.clone(),
                None if !f.api_routes.is_empty() => f.api_routes = Vec::new(),
                _ => {}
            }
        };
        match found {
            Some(rows) => rows.into_iter().for_each(|i| set(&mut state.functions[i])),
            // No API in front of any function (most accounts): nothing to
            // look up for 50,000 rows, only routes once joined to clear.
            None if routes.is_empty() => state.functions.iter_mut().filter(|f| !f.api_routes.is_empty()).for_each(set),
            None => state.functions.iter_mut().for_each(set),
        }
    }

    /// Another room's row that names a function (an API route) opens its detail.
    fn open(name: &str, at: Option<&Scope>) -> Option<View> {
        Some(View::Function {
            at: at.cloned().unwrap_or_default(),
            name: name.to_string(),
        })
    }

    fn holds(state: &LambdaState, account: &str, region: &str, name: &str) -> Option<bool> {
        use crate::scope::Scoped;
        Some(state.functions.iter().any(|f| f.name == name && f.region == region && f.account() == account))
    }

    fn child(_state: &LambdaState, view: &View, row: &crate::table::RowId) -> Option<View> {
        match view {
            View::Functions => Some(View::Function {
                at: row.at.clone().unwrap_or_default(),
                name: row.key.clone(),
            }),
            View::Function { .. } => None,
        }
    }

    fn title(_state: &Self::State, view: &View) -> String {
        match view {
            View::Functions => "Lambda functions".into(),
            View::Function { name, .. } => format!("Function {name}"),
        }
    }

    fn crumb(_state: &Self::State, view: &View) -> String {
        match view {
            View::Functions => String::new(),
            View::Function { name, .. } => name.clone(),
        }
    }

    fn export_name(view: &View) -> String {
        match view {
            View::Functions => "lambda".into(),
            View::Function { name, .. } => file_safe(&format!("lambda-{name}")),
        }
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a LambdaState, view: &View, v: V) -> Option<V::Out> {
        match view {
            View::Functions => Some(v.visit(all(&state.functions))),
            View::Function { .. } => None,
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a LambdaState, v: &mut V) {
        v.visit("functions", all(&state.functions));
    }

    /// Per-function metrics follow the rows on screen, and the open
    /// function, read in its own account and region only.
    fn visible(view: &View, on_screen: Vec<String>) -> Vec<String> {
        use crate::services::msg::scoped;
        match view {
            View::Functions => on_screen,
            View::Function { at, name } => vec![scoped(at, name), scoped(at, &triggers::opened(name))],
        }
    }

    fn tail_target(state: &LambdaState, view: &View) -> Option<TailTarget> {
        let View::Function { at, name } = view else {
            return None;
        };
        let f = state.function(at, name)?;
        Some(TailTarget {
            service: Lambda::KIND,
            key: name.clone(),
            account: f.account.to_string(),
            region: f.region.to_string(),
            log_group: f.config.log_group.clone(),
        })
    }

    fn snapshot(state: &LambdaState, settings: &Settings) -> snapshot::LambdaOut {
        snapshot::lambda(state, settings)
    }

    fn write_snapshot<M: serde::ser::SerializeMap>(
        state: &LambdaState,
        settings: &Settings,
        map: &mut M,
    ) -> Result<(), M::Error> {
        map.serialize_entry(Self::INFO.name, &snapshot::streamed(state, settings))
    }

    fn unusual(state: &LambdaState) -> Vec<crate::baseline::Unusual> {
        weekago::unusual(&state.functions)
    }

    fn loading(state: &LambdaState) -> Option<String> {
        let n = state.functions.len();
        let metrics = state.functions.iter().filter(|f| !f.stats.pending).count();
        // Cold starts are read for rows on screen: an off-screen function
        // known only by its ranking figures is not waiting for them.
        let read = state.functions.iter().filter(|f| !f.stats.ranked);
        let (cold_of, cold) = read.fold((0, 0), |(of, done), f| {
            (of + 1, done + usize::from(!f.stats.pending && !f.stats.cold_pending))
        });
        let c = |v: usize| crate::fmt::count(v as f64);
        // Only the first page's rows: more functions are on their way.
        let listing = (!state.listing.is_empty()).then(|| format!("functions {}+", c(n)));
        let figures = (metrics < n || cold < cold_of)
            .then(|| format!("metrics {}/{} · cold starts {}/{}", c(metrics), c(n), c(cold), c(cold_of)));
        match (listing, figures) {
            (Some(l), Some(f)) => Some(format!("{l} · {f}")),
            (l, f) => l.or(f),
        }
    }

    /// After the first read (the account's totals came with it), functions
    /// still without figures are the ones the budget did not afford: they
    /// wait for the paced sweep, not for a read under way.
    fn budgeted(state: &LambdaState, settings: &crate::services::Settings) -> Option<String> {
        if settings.metrics_all || state.totals.is_empty() || !state.listing.is_empty() {
            return None;
        }
        let n = state.functions.len();
        let read = state.functions.iter().filter(|f| !f.stats.pending).count();
        let c = |v: usize| crate::fmt::count(v as f64);
        (read < n).then(|| {
            format!(
                "metrics {}/{} (budget ${:.2}/h; a higher --budget or --metrics all reads the rest)",
                c(read),
                c(n),
                settings.budget_usd_per_hour
            )
        })
    }

    fn note(state: &LambdaState) -> Option<String> {
        // One line for the pane: the first region's reason, if any.
        state.budget.values().next().cloned()
    }

    /// Each refresh reads the rows on screen in full and the worst offenders
    /// off screen by their ranking figures; a sweep ranks the rest at most
    /// every fifteen minutes, slower when the budget says so; `--metrics
    /// all`, every function in full every refresh (see live.rs).
    fn watch_metrics_per_hour(state: &LambdaState, cx: &crate::services::room::WatchCtx) -> f64 {
        let n = state.functions.len();
        if n == 0 {
            return 0.0;
        }
        let q = metrics::QUERIES_PER_FUNCTION as f64;
        let rq = metrics::RANK_QUERIES_PER_FUNCTION as f64;
        let totals = metrics::TOTAL_QUERIES as f64;
        let refreshes = cx.refreshes();
        // Last week's window of the functions read in full, every 15 minutes.
        let week = |fns: usize| cx.per_hour(crate::baseline::REFRESH) * fns as f64 * metrics::WEEK_QUERIES_PER_FUNCTION as f64;
        if cx.settings.metrics_all {
            return refreshes * (n as f64 * q + totals) + week(n);
        }
        let cap = cx.settings.budget_usd_per_hour / crate::pricing::USD_PER_METRIC;
        let shown = n.min(cx.on_screen);
        let screen = (refreshes * (shown as f64 * q + totals) + week(shown)).min(cap);
        let off = (n - shown) as f64;
        let offenders = off.min(live::OFFENDER_ROWS as f64);
        let wanted = refreshes * offenders * rq + cx.per_hour(live::FULL_SWEEP_EVERY) * (off - offenders) * rq;
        let share = (cap - screen).max(cap * crate::aws::budget::BACKGROUND_FLOOR);
        (screen + wanted.min(share)).min(cap)
    }

    fn cost(state: &LambdaState, settings: &Settings) -> Option<crate::cost::RoomCost> {
        Some(cost::room(state, &settings.prices, settings.window))
    }

    fn cost_by_account(state: &LambdaState, settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        cost::by_account(state, &settings.prices, settings.window)
    }
}
