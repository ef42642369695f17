//! `DynRoom`: a room behind one object-safe interface, so that code above the
//! rooms (update, panes, pollers, demo) works with any room through
//! `ServiceKind::room()` and never names one. Each hook is written once, in
//! `dyn_room!` below: the trait's method and `Adapter`'s forwarding both come
//! from it.

use std::any::Any;
use std::collections::HashSet;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::feed::Retired;
use super::live::{Live, RegionClients};
use super::msg::{DataMsg, DataTx, TailLine, TailTarget};
use super::poller::PollCtx;
use super::room::{
    BoxFuture, DemoCtx, ListCtx, OverviewList, PaneCtx, Registered, RoomDemo, RoomLive,
};
use super::{Feeds, Payload, RoomView, ServiceKind};
use crate::aws::client::CallCounter;
use crate::table::{self, Columns, Ctx, Row, RowId, Table, TableState, TableVisitor};

/// Declares each hook of `DynRoom` once: from one `fn` with its body it
/// writes the trait's method (with the docs) and `Adapter`'s forwarding to
/// the room's typed `Room`/`RoomUi`/`RoomDemo`/`RoomLive` function. The
/// methods in `provided { … }` are the trait's own, the same for every room.
macro_rules! dyn_room {
    (
        $(#[$doc:meta])*
        pub trait $Trait:ident: $Super:path;
        impl<$S:ident: $Bound:path> for $Adapter:ident;
        provided { $($provided:tt)* }
        $(
            $(#[$m:meta])*
            fn $name:ident $(<$($lt:lifetime),+>)? (&$this:ident $(, $arg:ident : $ty:ty)* $(,)?) $(-> $ret:ty)? $body:block
        )*
    ) => {
        $(#[$doc])*
        pub trait $Trait: $Super {
            $($provided)*
            $(
                $(#[$m])*
                fn $name $(<$($lt),+>)? (&$this $(, $arg: $ty)*) $(-> $ret)?;
            )*
        }

        impl<$S: $Bound> $Trait for $Adapter<$S> {
            $(
                fn $name $(<$($lt),+>)? (&$this $(, $arg: $ty)*) $(-> $ret)? $body
            )*
        }
    };
}

dyn_room! {
    /// A room, type-erased. Methods that take a `RoomView` of another room do nothing.
    pub trait DynRoom: Sync;
    impl<S: Registered> for Adapter;
    provided {
        fn name(&self) -> &'static str {
            self.info().name
        }
        fn label(&self) -> &'static str {
            self.info().label
        }
        fn badge(&self) -> &'static str {
            self.info().badge
        }
        fn aliases(&self) -> &'static [&'static str] {
            self.info().aliases
        }
        fn interval(&self) -> Duration {
            self.info().interval
        }
        fn min_interval(&self) -> (Duration, &'static str) {
            self.info().min_interval
        }
    }

    fn kind(&self) -> ServiceKind {
        S::KIND
    }
    /// What the room is (`Room::INFO`): names, refresh, keys, settings…
    fn info(&self) -> &'static super::RoomInfo {
        &S::INFO
    }

    /// The account key of every row of the room's root table (those that
    /// span accounts: the ones with an ACCOUNT column).
    fn accounts_of_rows(&self, feeds: &Feeds, cx: &Ctx) -> Vec<String> {
        S::table(&S::feed(feeds).state, &S::root(), AccountsOf(cx)).unwrap_or_default()
    }
    /// Folds a payload of this room into its feed.
    fn merge(&self, feeds: &mut Feeds, scope: &super::scope::Scope, payload: Payload, retired: &mut Vec<Retired>) {
        let Some(data) = S::payload(payload) else {
            return;
        };
        let feed = S::feed_mut(feeds);
        let only = feed.scopes.keys().all(|s| s == scope);
        S::merge(&mut feed.state, scope, data, only, retired);
    }
    /// What a new read of `scope` changed (`Room::changes`), before it is merged.
    fn changes(&self, feeds: &Feeds, scope: &super::scope::Scope, payload: &Payload, cx: &super::room::ChangeCtx) -> Vec<crate::changes::Change> {
        match S::payload_ref(payload) {
            Some(data) => S::changes(&S::feed(feeds).state, scope, data, cx),
            None => Vec::new(),
        }
    }
    /// Digests a payload of this room off the screen's thread (`Room::digest`).
    fn digest(&self, scope: &super::scope::Scope, payload: &mut Payload, memory: &mut Option<Box<dyn Any + Send>>, cx: &super::room::DigestCtx) {
        if let Some(data) = S::payload_mut(payload) {
            S::digest(scope, data, memory, cx);
        }
    }
    /// The room's changes a measure rose after (`Room::suspects`).
    fn suspects(&self, feeds: &Feeds, changes: &[&crate::changes::Change]) -> Vec<crate::changes::Suspect> {
        let mine: Vec<&crate::changes::Change> = changes.iter().copied().filter(|c| c.service == S::INFO.name).collect();
        if mine.is_empty() {
            return Vec::new();
        }
        S::suspects(&S::feed(feeds).state, &mine)
    }
    /// Writes what the room publishes for the others.
    fn publish(&self, feeds: &mut Feeds) {
        let mut board = std::mem::take(&mut feeds.board);
        S::publish(&S::feed(feeds).state, &mut board);
        feeds.board = board;
    }
    /// Refreshes what the room takes from what the others publish.
    fn join(&self, feeds: &mut Feeds) {
        let board = std::mem::take(&mut feeds.board);
        S::join(&mut S::feed_mut(feeds).state, &board);
        feeds.board = board;
    }
    /// What the room's poller should read beyond its listing (`Room::wants`).
    fn wants(&self, feeds: &Feeds) -> Vec<String> {
        S::wants(&feeds.board)
    }
    /// What the room is still loading, for its pane's title.
    fn loading(&self, feeds: &Feeds) -> Option<String> {
        S::loading(&S::feed(feeds).state)
    }
    /// Why some figures are older than the refresh, for its pane's title.
    fn note(&self, feeds: &Feeds) -> Option<String> {
        S::note(&S::feed(feeds).state)
    }
    /// Figures the budget leaves unread, for its pane's title.
    fn budgeted(&self, feeds: &Feeds, settings: &super::Settings) -> Option<String> {
        S::budgeted(&S::feed(feeds).state, settings)
    }
    /// CloudWatch metrics the room requests an hour at this view.
    fn watch(&self, feeds: &Feeds, cx: &super::room::WatchCtx) -> f64 {
        S::watch_metrics_per_hour(&S::feed(feeds).state, cx)
    }
    /// The room's part of the account's burn rate.
    fn cost(&self, feeds: &Feeds, settings: &super::Settings) -> Option<crate::cost::RoomCost> {
        S::cost(&S::feed(feeds).state, settings)
    }
    /// The room's part of each account's burn rate, by account key.
    fn cost_by_account(&self, feeds: &Feeds, settings: &super::Settings) -> Vec<(String, crate::cost::RoomCost)> {
        S::cost_by_account(&S::feed(feeds).state, settings)
    }

    fn root(&self) -> RoomView {
        S::wrap_view(S::root())
    }
    /// The view Enter on the row `row` opens.
    fn child(&self, feeds: &Feeds, view: &RoomView, row: &RowId) -> Option<RoomView> {
        S::child(&S::feed(feeds).state, S::view(view)?, row).map(S::wrap_view)
    }
    /// Another room's view Enter on `key` leads to.
    fn elsewhere(&self, feeds: &Feeds, view: &RoomView, key: &str) -> Option<RoomView> {
        let jump = S::elsewhere(&S::feed(feeds).state, S::view(view)?, key)?;
        ServiceKind::from_name(jump.room)?.room().open(&jump.key, jump.at.as_ref())
    }
    /// The view that shows `key` when another room jumps to it.
    fn open(&self, key: &str, at: Option<&super::scope::Scope>) -> Option<RoomView> {
        S::open(key, at).map(S::wrap_view)
    }
    /// `Room::holds`.
    fn holds(&self, feeds: &Feeds, account: &str, region: &str, key: &str) -> Option<bool> {
        S::holds(&S::feed(feeds).state, account, region, key)
    }
    fn title(&self, feeds: &Feeds, view: &RoomView) -> String {
        S::view(view)
            .map(|v| S::title(&S::feed(feeds).state, v))
            .unwrap_or_default()
    }
    fn crumb(&self, feeds: &Feeds, view: &RoomView) -> String {
        S::view(view)
            .map(|v| S::crumb(&S::feed(feeds).state, v))
            .unwrap_or_default()
    }
    fn export_name(&self, view: &RoomView) -> String {
        S::view(view).map(S::export_name).unwrap_or_default()
    }
    fn visible(&self, view: &RoomView, on_screen: Vec<String>) -> Vec<String> {
        S::view(view)
            .map(|v| S::visible(v, on_screen))
            .unwrap_or_default()
    }
    fn tail_target(&self, feeds: &Feeds, view: &RoomView) -> Option<TailTarget> {
        S::tail_target(&S::feed(feeds).state, S::view(view)?)
    }

    /// The columns of the table a view shows; `None` when it is not a table.
    fn columns(&self, feeds: &Feeds, view: &RoomView) -> Option<&'static dyn Columns> {
        S::table(&S::feed(feeds).state, S::view(view)?, ColumnsFor)
    }
    /// The row order of a view's table; `cache` keeps each column's order
    /// between frames.
    fn rows(&self, feeds: &Feeds, view: &RoomView, st: &TableState, cx: &Ctx, cache: &mut table::SortCache) -> Option<Vec<u32>> {
        S::table(&S::feed(feeds).state, S::view(view)?, RowsOf { st, cx, cache })
    }
    fn row_key<'a>(&self, feeds: &'a Feeds, view: &RoomView, i: u32) -> Option<&'a str> {
        S::table(&S::feed(feeds).state, S::view(view)?, KeyOf(i)).flatten()
    }
    /// What the selection remembers of row `i`: its key, account and region.
    fn row_id(&self, feeds: &Feeds, view: &RoomView, i: u32) -> Option<RowId> {
        S::table(&S::feed(feeds).state, S::view(view)?, IdOf(i)).flatten()
    }
    fn index_of(&self, feeds: &Feeds, view: &RoomView, id: &RowId) -> Option<u32> {
        S::table(&S::feed(feeds).state, S::view(view)?, IndexOf(id)).flatten()
    }
    /// The rows `rows` of a view's table as one CSV section.
    fn export(
        &self,
        feeds: &Feeds,
        view: &RoomView,
        rows: &[u32],
        cx: &Ctx,
    ) -> Option<crate::export::Section> {
        let v = S::view(view)?;
        let name = S::export_name(v);
        S::table(&S::feed(feeds).state, v, Export { name, rows, cx })
    }
    /// Every table of the room, for `--once`.
    fn sections(
        &self,
        feeds: &Feeds,
        cx: &Ctx,
        cells: crate::export::Cells,
    ) -> Vec<crate::export::Section> {
        let mut out = crate::export::Sections::new(S::INFO.name, cx, cells);
        S::sections(&S::feed(feeds).state, &mut out);
        out.done()
    }

    fn draw(&self, buf: &mut Buffer, area: Rect, feeds: &Feeds, view: &RoomView, cx: &PaneCtx) {
        if let Some(v) = S::view(view) {
            S::draw(buf, area, &S::feed(feeds).state, v, cx);
        }
    }
    fn overview(&self, feeds: &Feeds, cx: &PaneCtx) -> ratatui::text::Line<'static> {
        S::overview(&S::feed(feeds).state, cx)
    }
    fn offenders(&self, feeds: &Feeds, cx: &ListCtx) -> Vec<OverviewList> {
        S::offenders(&S::feed(feeds).state, cx)
    }
    fn unusual_now(&self, feeds: &Feeds, cx: &ListCtx) -> Option<Vec<crate::services::room::UnusualItem>> {
        S::unusual_now(&S::feed(feeds).state, cx)
    }

    fn demo_spec(&self, cx: &DemoCtx) -> Box<dyn Any + Send + Sync> {
        Box::new(S::spec(cx))
    }
    fn demo(
        &self,
        spec: &dyn Any,
        cx: &DemoCtx,
        now: DateTime<Utc>,
        detail: Option<&HashSet<String>>,
    ) -> Payload {
        let data = match spec.downcast_ref::<S::Spec>() {
            Some(s) => S::data(s, cx, now, detail),
            // Another room's spec: draw this room's own rather than fail.
            None => S::data(&S::spec(cx), cx, now, detail),
        };
        S::wrap(data)
    }
    fn demo_tail(
        &self,
        spec: &dyn Any,
        cx: &DemoCtx,
        key: &str,
        span: (DateTime<Utc>, DateTime<Utc>),
        tick: u64,
    ) -> Option<Vec<TailLine>> {
        <S as RoomDemo>::tail(spec.downcast_ref::<S::Spec>()?, cx, key, span, tick)
    }

    fn client(
        &self,
        cfg: &aws_config::SdkConfig,
        counter: &CallCounter,
        custom_endpoint: bool,
    ) -> Box<dyn Any + Send + Sync> {
        Box::new(S::client(cfg, counter, custom_endpoint))
    }
    fn poll(&self, cx: PollCtx) -> BoxFuture<'static, ()> {
        S::poll(cx)
    }
    fn once<'a>(&self, live: &'a Live, region: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        S::once(live, region)
    }
    /// `--once`'s second step (`RoomLive::once_wanted`).
    fn once_wanted<'a>(
        &self,
        live: &'a Live,
        region: &'a RegionClients,
        msgs: &'a mut Vec<DataMsg>,
        wanted: &'a [String],
    ) -> BoxFuture<'a, ()> {
        S::once_wanted(live, region, msgs, wanted)
    }
    fn tail(
        &self,
        live: Arc<Live>,
        target: TailTarget,
        tx: DataTx,
    ) -> Option<BoxFuture<'static, ()>> {
        <S as RoomLive>::tail(live, target, tx)
    }
}


pub struct Adapter<S>(PhantomData<fn() -> S>);

impl<S> Adapter<S> {
    pub const NEW: Adapter<S> = Adapter(PhantomData);
}

/// The row order of a table.
struct RowsOf<'s> {
    st: &'s TableState,
    cx: &'s Ctx,
    cache: &'s mut table::SortCache,
}

impl<'a> TableVisitor<'a> for RowsOf<'_> {
    type Out = Vec<u32>;
    fn visit<T: Row, F: Fn(&T) -> bool>(self, t: Table<'a, T, F>) -> Vec<u32> {
        table::order(&t, self.st, self.cx, self.cache)
    }
}

struct AccountsOf<'c>(&'c Ctx);

impl<'a> TableVisitor<'a> for AccountsOf<'_> {
    type Out = Vec<String>;
    fn visit<T: Row, F: Fn(&T) -> bool>(self, t: Table<'a, T, F>) -> Vec<String> {
        let Some(col) = T::COLUMNS.iter().find(|c| c.per_account) else {
            return Vec::new();
        };
        t.items
            .iter()
            .filter(|r| (t.keep)(r))
            .filter_map(|r| match (col.sort)(r, self.0) {
                table::SortKey::Text(k) => Some(k.to_string()),
                table::SortKey::Num(_) => None,
            })
            .collect()
    }
}

struct KeyOf(u32);

impl<'a> TableVisitor<'a> for KeyOf {
    type Out = Option<&'a str>;
    fn visit<T: Row, F: Fn(&T) -> bool>(self, t: Table<'a, T, F>) -> Option<&'a str> {
        t.items.get(self.0 as usize).map(Row::key)
    }
}

struct IdOf(u32);

impl<'a> TableVisitor<'a> for IdOf {
    type Out = Option<RowId>;
    fn visit<T: Row, F: Fn(&T) -> bool>(self, t: Table<'a, T, F>) -> Option<RowId> {
        t.items.get(self.0 as usize).map(RowId::of)
    }
}

struct IndexOf<'k>(&'k RowId);

impl<'a> TableVisitor<'a> for IndexOf<'_> {
    type Out = Option<u32>;
    fn visit<T: Row, F: Fn(&T) -> bool>(self, t: Table<'a, T, F>) -> Option<u32> {
        table::index_of(t.items, self.0)
    }
}

struct ColumnsFor;

impl<'a> TableVisitor<'a> for ColumnsFor {
    type Out = &'static dyn Columns;
    fn visit<T: Row, F: Fn(&T) -> bool>(self, _t: Table<'a, T, F>) -> &'static dyn Columns {
        table::columns_of::<T>()
    }
}

struct Export<'r> {
    name: String,
    rows: &'r [u32],
    cx: &'r Ctx,
}

impl<'a> TableVisitor<'a> for Export<'_> {
    type Out = crate::export::Section;
    fn visit<T: Row, F: Fn(&T) -> bool>(self, t: Table<'a, T, F>) -> crate::export::Section {
        let mut s = crate::export::Section::new::<T>(
            self.name,
            &t.context,
            crate::export::Cells::Exact,
            self.cx,
        );
        s.push_rows(
            self.rows.iter().filter_map(|i| t.items.get(*i as usize)),
            &t.context,
            self.cx,
        );
        s
    }
}

