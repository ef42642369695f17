//! The Model: what the sources' messages built (`Data`) and what the viewer
//! is doing with it (`Ui`). Only `update` mutates it; a replay that steps back
//! rebuilds `Data` alone, so nothing the viewer set is lost.

use std::collections::{BTreeMap, HashMap, VecDeque};

use chrono::{DateTime, Utc};

use crate::services::feed::{Freshness, Retired};
use crate::services::msg::{Account, ApiError, Tail};
use crate::services::room::Registered;
use crate::services::{Feed, Feeds, RoomView, ServiceKind, Settings};
use crate::table::TableState;

pub use crate::services::msg::ReplayStatus;
pub use crate::services::{RegionStatus, RETIRED_MAX};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pane {
    Overview,
    Room(ServiceKind),
}

impl Pane {
    /// The Overview, then every room in registry order: keys 1, 2, 3...
    pub fn all() -> impl Iterator<Item = Pane> {
        std::iter::once(Pane::Overview).chain(ServiceKind::ALL.iter().map(|k| Pane::Room(*k)))
    }

    pub fn count() -> usize {
        ServiceKind::ALL.len() + 1
    }

    pub fn index(self) -> usize {
        match self {
            Pane::Overview => 0,
            Pane::Room(k) => k.index() + 1,
        }
    }

    pub fn nth(i: usize) -> Option<Pane> {
        Pane::all().nth(i)
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Overview => "Overview",
            Pane::Room(k) => k.label(),
        }
    }

    /// The tab's title where the full ones do not fit: the room's badge.
    pub fn short(self) -> &'static str {
        match self {
            Pane::Overview => "Ov",
            Pane::Room(k) => k.room().badge(),
        }
    }

    pub fn root(self) -> View {
        match self {
            Pane::Overview => View::Overview,
            Pane::Room(k) => View::Room(k.room().root()),
        }
    }

    pub fn from_name(name: &str) -> Option<Pane> {
        match name.to_ascii_lowercase().as_str() {
            "overview" | "o" | "home" | "0" => Some(Pane::Overview),
            other => ServiceKind::from_name(other).map(Pane::Room),
        }
    }

    /// What `--pane` and `ui.pane` accept: the Overview, then every room.
    pub fn names_or() -> String {
        format!("overview, {}", crate::services::names_or())
    }
}

/// What the body of a pane shows; each pane keeps a stack of these for drill-down.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Overview,
    /// `:accounts`, opened over the Overview: every account watched.
    Accounts,
    /// `:changes`, opened over the Overview: what changed in the window.
    Changes,
    Room(RoomView),
}

impl View {
    pub fn kind(&self) -> Option<ServiceKind> {
        match self {
            View::Overview | View::Accounts | View::Changes => None,
            View::Room(v) => Some(v.kind()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
    Help,
    /// The replay `@` prompt: a time to jump to.
    Jump,
}

/// Where the source is: shown as the header badge and in snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceLabel {
    Demo,
    Live,
    Replay,
}

impl SourceLabel {
    pub fn badge(self) -> &'static str {
        match self {
            SourceLabel::Demo => "DEMO",
            SourceLabel::Live => "LIVE",
            SourceLabel::Replay => "REPLAY",
        }
    }
}

/// The inputs of a row order: when none changed, neither did the order.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsBasis {
    pub view: View,
    pub sort: usize,
    pub reverse: bool,
    pub filter: String,
    pub tab: usize,
    pub data_gen: u64,
}

/// What the account's API calls cost us, as the sources report it.
#[derive(Debug, Clone, Default)]
pub struct ApiStats {
    pub calls: BTreeMap<String, u64>,
    /// (time, total calls, total metrics requested): the last few minutes.
    pub samples: VecDeque<(DateTime<Utc>, u64, u64)>,
    pub calls_per_min: f64,
    /// Logs Insights bytes scanned this session (billed per GB).
    pub logs_bytes_scanned: u64,
    /// CloudWatch metrics asked for so far: what GetMetricData is billed on.
    pub metrics_requested: u64,
    /// Per service, the slowest request of the last minute (ms).
    pub latency_ms: BTreeMap<String, u64>,
    /// While several accounts are watched: each one's running totals, the
    /// last few minutes of them, and its pace (`AccountPace`).
    pub by_account: BTreeMap<String, crate::aws::client::AccountCalls>,
    pub account_samples: VecDeque<(DateTime<Utc>, BTreeMap<String, crate::aws::client::AccountCalls>)>,
    pub account_pace: BTreeMap<String, AccountPace>,
}

/// One account's requests a minute, and CloudWatch metrics requested as
/// dollars an hour, over the last minute (or since the first report).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AccountPace {
    pub calls_per_min: f64,
    pub cloudwatch_usd_per_hour: f64,
}

/// Requests slower than this make the header say "slow".
pub const SLOW_MS: u64 = 2000;

/// Everything the sources' messages built.
#[derive(Debug)]
pub struct Data {
    pub source: SourceLabel,
    pub now: DateTime<Utc>,
    pub settings: Settings,
    pub account: Account,
    pub account_error: Option<ApiError>,
    pub feeds: Feeds,
    /// Bumped whenever a feed's rows are replaced.
    pub data_gen: u64,
    /// The `data_gen` at which each room's rows last changed (its refresh,
    /// or a join that wrote into them): a table's kept orders outlive the
    /// other rooms' refreshes, which at 50,000 rows and many accounts
    /// arrive every few seconds.
    pub room_gen: BTreeMap<ServiceKind, u64>,
    /// The `data_gen` this `Data` started at: every room's rows are at
    /// least this new.
    pub base_gen: u64,
    /// Rows a refresh replaced, for the run loop to free after the frame is on
    /// screen (on `run::reaper`'s thread): freeing 10,000 functions takes longer
    /// than drawing them.
    pub retired: Vec<Retired>,
    pub api: ApiStats,
    pub tail: Option<Tail>,
    /// The watched compute's estimated cost, summed once per refresh rather
    /// than per frame (10,000 functions).
    pub burn: crate::services::account_cost::AccountCost,
    /// What the bill says (`--actuals`), once read.
    pub actuals: Option<Result<crate::cost::actuals::Actuals, crate::cost::BillError>>,
    /// What changed in the watched accounts, newest first, within the window.
    pub changes: crate::changes::Timeline,
    /// The changes a measure rose after (`refind_suspects`).
    pub suspects: Vec<crate::changes::Suspect>,
    /// `suspects`, by the room that found them.
    pub suspects_by_room: BTreeMap<ServiceKind, Vec<crate::changes::Suspect>>,
    /// Why who changed what, or which alarms fired, could not be read, by
    /// account and region (LookupEvents denied): the latest look's.
    pub changes_unread: Vec<ApiError>,
}

impl Data {
    pub fn new(source: SourceLabel, now: DateTime<Utc>, settings: Settings) -> Data {
        Data {
            source,
            now,
            settings,
            account: Account::default(),
            account_error: None,
            feeds: Feeds::default(),
            data_gen: 0,
            room_gen: BTreeMap::new(),
            base_gen: 0,
            retired: Vec::new(),
            api: ApiStats::default(),
            tail: None,
            burn: Default::default(),
            actuals: None,
            changes: Default::default(),
            suspects: Vec::new(),
            suspects_by_room: BTreeMap::new(),
            changes_unread: Vec::new(),
        }
    }

    /// (loaded at all, oldest region's fetch, first error) of a room's feed.
    pub fn status(&self, kind: ServiceKind) -> (bool, Option<DateTime<Utc>>, Option<&ApiError>) {
        let r = self.feeds.scopes(kind);
        (r.loaded(), r.fetched_at(), r.error())
    }

    /// The changes inside the window ending now, newest first.
    pub fn changes_now(&self) -> impl Iterator<Item = &crate::changes::Change> {
        self.changes.within(crate::changes::window_start(self.now, self.settings.window))
    }

    /// The changes a measure rose after, inside the window ending now.
    pub fn suspects(&self) -> impl Iterator<Item = &crate::changes::Suspect> {
        let since = crate::changes::window_start(self.now, self.settings.window);
        self.suspects.iter().filter(move |s| s.change.at >= since)
    }

    /// The changes a measure rose after (`changes::suspect`), newest change
    /// first: found again after each read, kept for the frames between. Only
    /// the rooms `changed` says moved look again, unless the changes did
    /// (`timeline_moved`): a refresh of one room does not walk 50,000
    /// functions of another.
    pub fn refind_suspects(&mut self, timeline_moved: bool, changed: impl Fn(ServiceKind) -> bool) {
        let since = crate::changes::window_start(self.now, self.settings.window);
        let changes: Vec<&crate::changes::Change> = self.changes.within(since).collect();
        if changes.is_empty() {
            self.suspects_by_room.clear();
            self.suspects.clear();
            return;
        }
        for k in ServiceKind::ALL {
            if timeline_moved || changed(*k) {
                self.suspects_by_room.insert(*k, k.room().suspects(&self.feeds, &changes));
            }
        }
        let mut out: Vec<crate::changes::Suspect> = ServiceKind::ALL
            .iter()
            .flat_map(|k| self.suspects_by_room.get(k).into_iter().flatten().cloned())
            .collect();
        out.sort_by(|a, b| b.change.at.cmp(&a.change.at));
        self.suspects = out;
    }

    /// The generation of room `k`'s rows (`room_gen`).
    pub fn gen_of(&self, k: ServiceKind) -> u64 {
        self.room_gen.get(&k).copied().unwrap_or(self.base_gen)
    }

    /// One room's feed.
    pub fn feed<S: Registered>(&self) -> &Feed<S::State> {
        self.feeds.get::<S>()
    }
}

/// What the viewer is doing.
#[derive(Debug)]
pub struct Ui {
    pub pane: Pane,
    pub stacks: BTreeMap<Pane, Vec<View>>,
    pub tables: HashMap<View, TableState>,
    /// Row order of the current table view: indices into its items, filtered and sorted.
    pub rows: Vec<u32>,
    /// What `rows` was computed from; moving the cursor reuses it instead of
    /// re-sorting 10,000 rows on every key.
    pub rows_basis: Option<RowsBasis>,
    /// Each table's column orders, kept until its room's rows or the
    /// cells' context change: a re-sort walks a kept order, and switching
    /// back to a pane finds its orders still good.
    pub sort_caches: HashMap<View, crate::table::SortCache>,
    pub mode: Mode,
    pub input: String,
    pub message: Option<String>,
    pub width: u16,
    pub height: u16,
    /// The rows of each room last reported as on screen.
    pub visible: BTreeMap<ServiceKind, Vec<String>>,
    /// What each room's poller was last asked to read beyond its listing
    /// (`Room::wants`), sent along with its `visible` rows.
    pub wants: BTreeMap<ServiceKind, Vec<String>>,
    /// Set only when replaying a recording.
    pub replay: Option<ReplayStatus>,
    /// The selected item of the Overview's lists.
    pub overview_cursor: usize,
    /// The change selected in `:changes` (newest is 0).
    pub changes_cursor: usize,
    /// Lines a live tail is scrolled up from its newest.
    pub tail_scroll: usize,
    /// Lines the help is scrolled down.
    pub help_scroll: usize,
    /// The page of the Overview's lists on screen.
    pub overview_page: usize,
    /// Lines each view's list (a detail's lists, `widgets::scroll`) is
    /// scrolled down, kept like a table's cursor while the view is left.
    pub detail_scroll: HashMap<View, usize>,
}

impl Default for Ui {
    fn default() -> Ui {
        Ui {
            pane: Pane::Room(ServiceKind::ALL[0]),
            stacks: Pane::all().map(|p| (p, vec![p.root()])).collect(),
            tables: HashMap::new(),
            rows: Vec::new(),
            rows_basis: None,
            sort_caches: Default::default(),
            mode: Mode::Normal,
            input: String::new(),
            message: None,
            width: 80,
            height: 24,
            visible: BTreeMap::new(),
            wants: BTreeMap::new(),
            replay: None,
            overview_cursor: 0,
            changes_cursor: 0,
            tail_scroll: 0,
            help_scroll: 0,
            overview_page: 0,
            detail_scroll: HashMap::new(),
        }
    }
}

#[derive(Debug)]
pub struct Model {
    pub data: Data,
    pub ui: Ui,
    pub quit: bool,
    pub dirty: bool,
    /// A replay is rebuilding what is shown from its first record: no frame
    /// until it says where it stands, so half a state is never drawn.
    pub settling: bool,
    /// Data messages applied so far that can change the Overview's lists
    /// (all but the API's call counts), across replay restarts: what its
    /// cached pages were computed from.
    pub data_msgs: u64,
    /// The Overview's pages, kept between frames (`app::overview::pages`).
    pub overview_pages: std::cell::RefCell<Option<(super::overview::PagesBasis, Vec<super::overview::Page>)>>,
}

impl Model {
    pub fn new(source: SourceLabel, now: DateTime<Utc>) -> Self {
        Model::with_settings(source, now, Settings::default())
    }

    pub fn with_settings(source: SourceLabel, now: DateTime<Utc>, settings: Settings) -> Self {
        Self {
            data: Data::new(source, now, settings),
            ui: Ui::default(),
            quit: false,
            dirty: true,
            // A replay has nothing to show until its timeline says where it stands.
            settling: source == SourceLabel::Replay,
            data_msgs: 0,
            overview_pages: std::cell::RefCell::new(None),
        }
    }

    pub fn view(&self) -> &View {
        self.ui
            .stacks
            .get(&self.ui.pane)
            .and_then(|s| s.last())
            .unwrap_or(&View::Overview)
    }

    pub fn table(&self) -> Option<&TableState> {
        self.ui.tables.get(self.view())
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.data.now
    }

    /// The table rows the screen shows.
    pub fn page_rows(&self) -> usize {
        crate::layout::table_rows(self.ui.height)
    }

    /// The room whose table is on screen, and how many of its rows: what its
    /// poller follows beyond the worst offenders.
    pub fn on_screen_rows(&self) -> Option<(ServiceKind, usize)> {
        let Pane::Room(k) = self.ui.pane else {
            return None;
        };
        self.table()?;
        Some((k, self.ui.rows.len().min(self.page_rows())))
    }

    /// One room's data.
    pub fn state<S: Registered>(&self) -> &S::State {
        &self.data.feeds.get::<S>().state
    }
}
