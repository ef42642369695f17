//! What a service room provides. A room is a unit type (`pub struct Lambda;`)
//! that implements these four traits, each in its own file of the room's
//! folder; the registry line in `services/mod.rs` plugs it in.

use std::collections::HashSet;
use std::fmt::Debug;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::feed::Retired;
use super::joins::{Board, Jump};
use super::live::{Live, RegionClients};
use super::msg::{DataMsg, Tail, TailLine, TailTarget};
use super::poller::PollCtx;
use super::{Feed, Feeds, Payload, RoomView, ServiceKind};
use crate::aws::client::CallCounter;
use crate::table::{SectionVisitor, TableState, TableVisitor, Tone};
use crate::theme::Theme;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Settings every room may read: what the user asked to see.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Minutes of history every metric covers.
    pub window: u32,
    /// The settings rooms own (Lambda: the duration percentile shown).
    pub rooms: crate::room_settings::RoomSettings,
    /// The prices cost estimates read, loaded once.
    pub prices: Arc<crate::cost::PriceBook>,
    /// How often each room refreshes, and whether every row's metrics are
    /// read: what watching the account costs follows from them.
    pub intervals: super::Intervals,
    pub metrics_all: bool,
    /// What watching may spend on CloudWatch metrics an hour.
    pub budget_usd_per_hour: f64,
    /// The accounts watched, by the keys their rows carry.
    pub accounts: Arc<crate::scope::AccountBook>,
}

/// What a room compares a new read with to find what changed.
pub struct ChangeCtx {
    /// The window's start: older changes are not kept.
    pub since: DateTime<Utc>,
    /// When the new read was made: the time of a change two reads differ by.
    pub fetched_at: DateTime<Utc>,
    /// The scope was read in full before: what the state lacks is new.
    pub seen: bool,
}

/// What a room's digest (`Room::digest`) reads besides the new read.
pub struct DigestCtx<'a> {
    pub settings: &'a Settings,
    pub fetched_at: DateTime<Utc>,
    /// The stage numbering the reads: a digest of another stage's count
    /// says nothing of what the screen holds.
    pub stage: u64,
}

/// What a room's poller will ask CloudWatch for: its refresh interval and
/// how many of its rows are on screen now (0 when its table is not shown).
pub struct WatchCtx<'a> {
    pub settings: &'a Settings,
    pub interval: std::time::Duration,
    pub on_screen: usize,
}

impl WatchCtx<'_> {
    /// Refreshes an hour at the room's interval.
    pub fn refreshes(&self) -> f64 {
        self.per_hour(std::time::Duration::ZERO)
    }

    /// Refreshes an hour of something done every `every`, at most once a
    /// refresh.
    pub fn per_hour(&self, every: std::time::Duration) -> f64 {
        3600.0 / every.max(self.interval).as_secs_f64().max(1.0)
    }
}

impl Settings {
    /// What the rooms' column specs read besides their rows, at `now`.
    pub fn cells(&self, now: DateTime<Utc>) -> crate::table::Ctx {
        crate::table::Ctx {
            now,
            rooms: self.rooms.clone(),
            window: self.window,
            prices: self.prices.clone(),
            accounts: self.accounts.clone(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            window: 60,
            rooms: super::default_settings(),
            prices: super::builtin_prices().clone(),
            intervals: Default::default(),
            metrics_all: false,
            budget_usd_per_hour: crate::aws::budget::DEFAULT_USD_PER_HOUR,
            accounts: Default::default(),
        }
    }
}

/// Identity, data and views.
pub trait Room: Sized + Send + Sync + 'static {
    /// What the room is: names, refresh, IAM actions, keys, settings…
    const INFO: super::RoomInfo;

    /// What one fetch of one region sends (and a recording keeps).
    type Data: Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + 'static;
    /// What the dashboard keeps of every region's data.
    type State: Default + Debug + Send + 'static;
    /// The room's views, root first.
    type View: Clone + Debug + PartialEq + Eq + Hash + Send + 'static;
    /// The room's section of the snapshot (`--once`).
    type Snapshot: Serialize;

    /// Replaces `scope`'s part of `state` with `data` (`scope::replace_scope`
    /// marks the rows with their account). `only` says that no other scope
    /// has data, so whole lists can be swapped; the lists replaced go to
    /// `retired`, to be freed after the frame.
    fn merge(
        state: &mut Self::State,
        scope: &super::scope::Scope,
        data: Self::Data,
        only: bool,
        retired: &mut Vec<Retired>,
    );

    /// What changed in `scope` between what the room shows (`state`, before
    /// the merge) and a new read of it (`data`): deploys and configuration
    /// changes the service's answers say or that two reads differ by.
    fn changes(
        _state: &Self::State,
        _scope: &super::scope::Scope,
        _data: &Self::Data,
        _cx: &ChangeCtx,
    ) -> Vec<crate::changes::Change> {
        Vec::new()
    }

    /// The changes (newest first, the room's own) a per-minute measure of
    /// the room rose after, by `changes::suspect`'s rule.
    fn suspects(_state: &Self::State, _changes: &[&crate::changes::Change]) -> Vec<crate::changes::Suspect> {
        Vec::new()
    }

    /// Works out, on the source's side of the channel and off the screen's
    /// thread, what a refresh of `scope` needs besides its rows, from the
    /// new read and the room's own `memory` of the scope's last read; the
    /// room's `merge` and `changes` take the result from `data`. Rooms whose
    /// refreshes are small need none.
    fn digest(_scope: &super::scope::Scope, _data: &mut Self::Data, _memory: &mut Option<Box<dyn std::any::Any + Send>>, _cx: &DigestCtx) {}

    /// Writes the room's published facts (its `PUBLISHES`) from its state,
    /// after each of its refreshes.
    fn publish(_state: &Self::State, _board: &mut Board) {}

    /// Takes what the room shows of the facts other rooms publish (ECR:
    /// which ECS services run an image). Called after this room's refresh
    /// and after a refresh of a room that publishes what it `READS`.
    fn join(_state: &mut Self::State, _board: &Board) {}

    /// What the room's poller should read beyond its own listing, from what
    /// the others publish (ECR: the images running tasks use, which one
    /// page of a repository may leave out). Sent to the poller with the
    /// `visible` keys, each marked `msg::wanted`.
    fn wants(_board: &Board) -> Vec<String> {
        Vec::new()
    }

    fn root() -> Self::View;

    /// Where Enter on a row leads when that is another room's resource (an
    /// API route's function opens in the Lambda pane); `child` is tried first.
    fn elsewhere(_state: &Self::State, _view: &Self::View, _key: &str) -> Option<Jump> {
        None
    }
    /// The view that shows the resource `key` of account and region `at`
    /// when another room jumps to it.
    fn open(_key: &str, _at: Option<&super::scope::Scope>) -> Option<Self::View> {
        None
    }
    /// Whether the room still holds the resource `key` (as `open` names it)
    /// of an account (`Scope`'s key) and region; `None` where it cannot say.
    fn holds(_state: &Self::State, _account: &str, _region: &str, _key: &str) -> Option<bool> {
        None
    }
    /// The view Enter opens from `view` on the row `row`. A detail keeps the
    /// row's account and region (`row.at`): another account's resource of
    /// the same name is another detail.
    fn child(state: &Self::State, view: &Self::View, row: &crate::table::RowId) -> Option<Self::View>;
    /// The pane title of a view: a detail names its resource first, its ID
    /// second (where the two differ).
    fn title(state: &Self::State, view: &Self::View) -> String;
    /// The view's part of the breadcrumb (empty for the root): the name.
    fn crumb(state: &Self::State, view: &Self::View) -> String;
    /// A file-name-safe name for a table view (CSV export).
    fn export_name(view: &Self::View) -> String;

    /// The table a view shows, handed to `v`; `None` for views that are not
    /// tables. The table borrows only the state (its context labels too).
    fn table<'a, V: TableVisitor<'a>>(
        state: &'a Self::State,
        view: &Self::View,
        v: V,
    ) -> Option<V::Out>;
    /// Every table of the room, flattened across parents, for `--once`.
    fn sections<'a, V: SectionVisitor<'a>>(state: &'a Self::State, v: &mut V);

    /// The rows a view needs details for, given the keys of the rows on screen
    /// (the sources fetch per-row metrics for them). Empty when none.
    fn visible(_view: &Self::View, _on_screen: Vec<String>) -> Vec<String> {
        Vec::new()
    }
    /// What `t` tails in this view, if anything.
    fn tail_target(_state: &Self::State, _view: &Self::View) -> Option<TailTarget> {
        None
    }

    fn snapshot(state: &Self::State, settings: &Settings) -> Self::Snapshot;

    /// Writes the room's section, under its name, into the snapshot being
    /// written. A room of many rows writes each row as it is made, so that
    /// the section is never held whole beside the rows it comes from.
    fn write_snapshot<M: serde::ser::SerializeMap>(
        state: &Self::State,
        settings: &Settings,
        map: &mut M,
    ) -> Result<(), M::Error> {
        map.serialize_entry(Self::INFO.name, &Self::snapshot(state, settings))
    }

    /// What the room is still loading, for its pane's title ("metrics
    /// 40/1,000 · cold starts 0/1,000"); `None` once everything arrived.
    fn loading(_state: &Self::State) -> Option<String> {
        None
    }

    /// Why some of the room's figures are older than its refresh (the
    /// CloudWatch budget paces them), for its pane's title.
    fn note(_state: &Self::State) -> Option<String> {
        None
    }

    /// Figures the CloudWatch budget leaves unread once the first read is
    /// done: said instead of `loading`, which they are not ("metrics
    /// 404/1,000 (budget $0.25/h)").
    fn budgeted(_state: &Self::State, _settings: &Settings) -> Option<String> {
        None
    }

    /// CloudWatch metrics the room's poller requests an hour at this view
    /// (GetMetricData is billed per metric): the projected cost of watching.
    fn watch_metrics_per_hour(_state: &Self::State, _cx: &WatchCtx) -> f64 {
        0.0
    }

    /// What the room's resources cost an hour, for the header and the
    /// snapshot's `cost` section; `None` for a room that runs nothing billed
    /// by the hour (ECR's storage is not compute).
    fn cost(_state: &Self::State, _settings: &Settings) -> Option<crate::cost::RoomCost> {
        None
    }

    /// `cost`, per account (by the key its rows carry): the `:accounts`
    /// pane's burn rates. Empty for a room that runs nothing billed by the hour.
    fn cost_by_account(_state: &Self::State, _settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        Vec::new()
    }

    /// The room's figures far from their own last week (`baseline`), in
    /// any order: the snapshot and the Overview rank them together.
    fn unusual(_state: &Self::State) -> Vec<crate::baseline::Unusual> {
        Vec::new()
    }
}

/// Everything a pane needs besides its own data.
pub struct PaneCtx<'a> {
    pub now: DateTime<Utc>,
    pub theme: &'a Theme,
    /// The table's state and row order, when the view is a table.
    pub table: Option<(&'a TableState, &'a [u32])>,
    pub tail: Option<&'a Tail>,
    /// Lines the tail is scrolled up from its newest.
    pub tail_scroll: usize,
    pub feeds: &'a Feeds,
    pub settings: &'a Settings,
    /// Set by the table as it draws: (first row shown, rows shown, rows).
    pub shown: std::cell::Cell<Option<(usize, usize, usize)>>,
    /// The first line of the view's scrolling list (`widgets::scroll`).
    pub scroll: usize,
    /// Set by the scrolling list as it draws: how far it goes.
    pub extent: std::cell::Cell<Option<super::scroll::Extent>>,
    /// The changes inside the window, newest first: a detail marks its
    /// resource's on its graphs and lists them under.
    pub changes: Vec<&'a crate::changes::Change>,
}

impl<'a> PaneCtx<'a> {
    /// The changes to one resource of a room, newest first.
    pub fn changes_to(&self, room: &str, account: &str, region: &str, resource: &str) -> Vec<&'a crate::changes::Change> {
        self.changes
            .iter()
            .copied()
            .filter(|c| c.service == room && c.account == account && c.region == region && c.resource == resource)
            .collect()
    }
}

impl PaneCtx<'_> {
    /// What the rooms' column specs read besides their rows.
    pub fn cells(&self) -> crate::table::Ctx {
        self.settings.cells(self.now)
    }
}

/// What the Overview's lists are computed from.
pub struct ListCtx<'a> {
    pub now: DateTime<Utc>,
    pub settings: &'a Settings,
    /// Items each list may hold at most (the Overview shows what fits).
    pub limit: usize,
}

impl ListCtx<'_> {
    /// An item's name, with its account's in front while several accounts
    /// are watched (`[prod] orders-api`): one name in two accounts is two items.
    pub fn named(&self, account: &str, name: String) -> String {
        let book = &self.settings.accounts;
        if book.several() {
            format!("[{}] {name}", book.name(account))
        } else {
            name
        }
    }
}

/// One list of offenders on the Overview.
#[derive(Debug, Clone)]
pub struct OverviewList {
    pub title: &'static str,
    /// Worst first.
    pub items: Vec<OverviewItem>,
    pub kind: ListKind,
}

#[derive(Debug, Clone)]
pub struct OverviewItem {
    pub name: String,
    pub what: String,
    /// The views Enter opens, from the pane's root down.
    pub open: Vec<RoomView>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ListKind {
    /// A number per name, in this tone.
    Values(Tone),
    /// A flagged name with a word on what is wrong.
    Flags,
}

/// Drawing.
pub trait RoomUi: Room {
    fn draw(buf: &mut Buffer, area: Rect, state: &Self::State, view: &Self::View, cx: &PaneCtx);
    /// The room's totals line on the Overview.
    fn overview(state: &Self::State, cx: &PaneCtx) -> Line<'static>;
    /// The room's lists of offenders on the Overview.
    fn offenders(state: &Self::State, cx: &ListCtx) -> Vec<OverviewList>;
    /// The room's resources far from their own last week, each once, for
    /// the Overview's "Unusual now" across rooms; `None` when no week-ago
    /// figure was read (the list says `-`, not "none").
    fn unusual_now(_state: &Self::State, _cx: &ListCtx) -> Option<Vec<UnusualItem>> {
        None
    }
}

/// A resource on the Overview's "Unusual now": ranked across rooms by its
/// most unusual figure's ratio to last week, then by that figure now.
pub struct UnusualItem {
    pub ratio: f64,
    pub now: f64,
    pub item: OverviewItem,
}

impl UnusualItem {
    /// A resource's most unusual figure as the list shows it, `5XX ×30`
    /// (`short` names the figure by its key); `None` when none is unusual.
    pub fn worst(
        found: impl IntoIterator<Item = crate::baseline::Unusual>,
        short: fn(&str) -> &'static str,
        name: String,
        open: Vec<RoomView>,
    ) -> Option<UnusualItem> {
        let w = crate::baseline::worst(found)?;
        Some(UnusualItem {
            ratio: w.ratio,
            now: w.now,
            item: OverviewItem {
                name,
                what: format!("{} ×{}", short(w.metric), crate::baseline::times(w.ratio)),
                open,
            },
        })
    }
}

/// What the demo account is made of.
#[derive(Debug, Clone)]
pub struct DemoCtx {
    pub seed: u64,
    /// Lambda functions in the account; the other rooms scale along.
    pub scale: usize,
    pub window: u32,
    /// The settings rooms own (Lambda: the duration percentile).
    pub rooms: crate::room_settings::RoomSettings,
    pub region: String,
    /// When the demo started telling its story: fixed facts (when a
    /// function was last modified, a cluster created, an image pushed) are
    /// set back from it, so they stay put while the clock runs and the
    /// durations since them grow. `None`: from each moment asked for (a
    /// one-off snapshot, where the two are the same).
    pub since: Option<DateTime<Utc>>,
}

impl DemoCtx {
    /// The moment fixed facts are set back from: the story's start, never
    /// after `now`.
    pub fn fixed(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.since.map_or(now, |s| s.min(now))
    }

    /// A demo account for a room's own tests: us-east-1, an hour's window,
    /// every setting at its default, fixed facts set back from each moment.
    #[cfg(test)]
    pub fn for_tests(seed: u64, scale: usize) -> DemoCtx {
        DemoCtx {
            seed,
            scale,
            window: 60,
            rooms: crate::services::default_settings(),
            region: "us-east-1".into(),
            since: None,
        }
    }
}

/// The built-in demo account's part.
pub trait RoomDemo: Room {
    /// Drawn once from the seed: what exists in the account.
    type Spec: Send + Sync + 'static;
    fn spec(cx: &DemoCtx) -> Self::Spec;
    /// The room's data at `now`; per-row history only for `detail` (all rows when `None`).
    fn data(
        spec: &Self::Spec,
        cx: &DemoCtx,
        now: DateTime<Utc>,
        detail: Option<&HashSet<String>>,
    ) -> Self::Data;
    /// One tick of a live tail of row `key`, for rooms that tail: what was
    /// logged in `span` (after its start, up to its end, which is now).
    fn tail(
        _spec: &Self::Spec,
        _cx: &DemoCtx,
        _key: &str,
        _span: (DateTime<Utc>, DateTime<Utc>),
        _tick: u64,
    ) -> Option<Vec<TailLine>> {
        None
    }
}

/// Reading the real account.
pub trait RoomLive: Room {
    /// The room's SDK client(s) for one region.
    type Client: Send + Sync + 'static;
    fn client(
        cfg: &aws_config::SdkConfig,
        counter: &CallCounter,
        custom_endpoint: bool,
    ) -> Self::Client;
    /// The room's poller for one region, until the app hangs up: the one
    /// loop (`poller::run`) over the room's `Poller`; `Simple` (every
    /// refresh one `refresh`) by default.
    fn poll(cx: PollCtx) -> BoxFuture<'static, ()>
    where
        Self: Registered,
    {
        Box::pin(super::poller::run(
            cx,
            super::poller::Simple::<Self>::default(),
        ))
    }
    /// Everything once, every row's metrics included (`--once`).
    fn once<'a>(live: &'a Live, region: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>>;
    /// `--once`'s second step, for rooms whose `INFO.wants` is not empty:
    /// after every room of every region was read once, what this room
    /// `wants` of the others' data (`wanted`, each marked `msg::wanted`) is
    /// read into its own messages of `region` (`msgs`, from `once`).
    fn once_wanted<'a>(
        _live: &'a Live,
        _region: &'a RegionClients,
        _msgs: &'a mut Vec<DataMsg>,
        _wanted: &'a [String],
    ) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
    /// One refresh of a `Simple` poller; `first` (the dashboard's first read)
    /// may be sent the rows ahead of their metrics. `once` by default.
    fn refresh<'a>(
        live: &'a Live,
        region: &'a RegionClients,
        _first: Option<&'a crate::services::msg::DataTx>,
    ) -> BoxFuture<'a, Vec<DataMsg>> {
        Self::once(live, region)
    }
    /// Streams `target` until dropped, for rooms that tail.
    fn tail(
        _live: Arc<Live>,
        _target: TailTarget,
        _tx: crate::services::msg::DataTx,
    ) -> Option<BoxFuture<'static, ()>> {
        None
    }
}

/// Written by the registry for every room: where its parts live.
pub trait Registered: RoomUi + RoomDemo + RoomLive {
    const KIND: ServiceKind;
    fn feed(f: &Feeds) -> &Feed<Self::State>;
    fn feed_mut(f: &mut Feeds) -> &mut Feed<Self::State>;
    fn view(v: &RoomView) -> Option<&Self::View>;
    fn wrap_view(v: Self::View) -> RoomView;
    fn payload(p: Payload) -> Option<Self::Data>;
    fn wrap(d: Self::Data) -> Payload;
    fn payload_ref(p: &Payload) -> Option<&Self::Data>;
    fn payload_mut(p: &mut Payload) -> Option<&mut Self::Data>;
}

/// Something done to every room with its type (see `services::each`).
pub trait Visit {
    fn room<S: Registered>(&mut self);
}

/// A room's `loading` while `waiting` of its `n` rows have no figures yet:
/// "stage metrics 3/40".
pub fn still_loading(what: &str, waiting: usize, n: usize) -> Option<String> {
    (waiting > 0).then(|| {
        let c = |v: usize| crate::fmt::count(v as f64);
        format!("{what} {}/{}", c(n - waiting.min(n)), c(n))
    })
}

/// A detail's title: the kind, the resource's name first and its ID second
/// (the ID alone while the name is unknown, once where they are the same).
pub fn named(kind: &str, name: Option<&str>, id: &str) -> String {
    match name.filter(|n| !n.is_empty()) {
        Some(n) if n != id => format!("{kind} {n} · {id}"),
        _ => format!("{kind} {id}"),
    }
}
