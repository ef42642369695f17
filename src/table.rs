//! One column spec per table: title, width, priority, sort key, cell text and
//! tone, and the exact export value. The same spec draws the TUI table,
//! writes the CSV export (`e`) and prints `--once --format table|csv`.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};

mod order;

pub use order::SortCache;

/// What a cell is about, for the theme to colour: never a colour itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Muted,
    Ok,
    Warn,
    Error,
    Accent,
}

pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            tone: Tone::Plain,
        }
    }
    pub fn tone(text: impl Into<String>, tone: Tone) -> Cell {
        Cell {
            text: text.into(),
            tone,
        }
    }
}

/// What cells may depend on besides their row.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub now: DateTime<Utc>,
    /// The rooms' own settings: titles may name one in braces (`{percentile}`).
    pub rooms: crate::room_settings::RoomSettings,
    /// Minutes the window's metrics cover (cost estimates scale by it).
    pub window: u32,
    pub prices: std::sync::Arc<crate::cost::PriceBook>,
    /// Whose each row is: the ACCOUNT column's names.
    pub accounts: std::sync::Arc<crate::scope::AccountBook>,
}

impl Ctx {
    /// A column title with each `{setting}` replaced by its text (`{percentile} ms` → `P99 ms`).
    pub fn title(&self, t: &str) -> String {
        self.rooms.title(t)
    }
}

pub enum SortKey<'a> {
    Num(Option<f64>),
    Text(&'a str),
}

/// The exact value of a cell, for CSV: unrounded numbers, whole times.
pub enum Value<'a> {
    Num(Option<f64>),
    Text(&'a str),
    Owned(String),
    Time(Option<DateTime<Utc>>),
}

type SortFn<T> = for<'a> fn(&'a T, &Ctx) -> SortKey<'a>;
type ValueFn<T> = for<'a> fn(&'a T, &Ctx) -> Value<'a>;

pub struct Column<T: 'static> {
    pub title: &'static str,
    /// The CSV header: lowercase, stable.
    pub key: &'static str,
    pub width: u16,
    /// 0 is always shown; higher numbers are dropped first on narrow terminals.
    pub priority: u8,
    pub numeric: bool,
    /// Drawn in the TUI and the `--once` table; otherwise CSV only.
    pub shown: bool,
    /// Widens to show its whole text when there is room (names); ids do not.
    pub grows: bool,
    pub sort: SortFn<T>,
    pub cell: fn(&T, &Ctx) -> Cell,
    /// The exact value; `None`: the sort key is it.
    pub exact: Option<ValueFn<T>>,
    /// Shown only while several accounts are watched (ACCOUNT).
    pub per_account: bool,
}

impl<T> Column<T> {
    pub const fn new(
        title: &'static str,
        key: &'static str,
        width: u16,
        priority: u8,
        numeric: bool,
        sort: SortFn<T>,
        cell: fn(&T, &Ctx) -> Cell,
    ) -> Column<T> {
        Column {
            title,
            key,
            width,
            priority,
            numeric,
            shown: true,
            grows: !numeric,
            sort,
            cell,
            exact: None,
            per_account: false,
        }
    }

    /// A value that differs from the sort key (a status sorted by lifecycle).
    pub const fn exact(mut self, f: ValueFn<T>) -> Column<T> {
        self.exact = Some(f);
        self
    }

    /// Never widened for its text: an id whose start identifies it.
    pub const fn fixed(mut self) -> Column<T> {
        self.grows = false;
        self
    }

    /// Only while several accounts are watched.
    pub const fn per_account(mut self) -> Column<T> {
        self.per_account = true;
        self
    }

    /// In the CSV only.
    pub const fn hidden(mut self) -> Column<T> {
        self.shown = false;
        self
    }

    pub fn value<'a>(&self, row: &'a T, cx: &Ctx) -> Value<'a> {
        match self.exact {
            Some(f) => f(row, cx),
            None => match (self.sort)(row, cx) {
                SortKey::Num(v) => Value::Num(v),
                SortKey::Text(t) => Value::Text(t),
            },
        }
    }
}

/// A row type of a table.
pub trait Row: Sized + 'static {
    const COLUMNS: &'static [Column<Self>];
    /// The column a fresh table sorts by.
    const DEFAULT_SORT: usize;
    /// A fresh table's order against the column's own (numbers largest
    /// first): `AGE↑`, the youngest first, where the newest is the news.
    const DEFAULT_REVERSE: bool = false;
    /// Values the table can be limited to with `[` and `]` (job statuses).
    const TABS: &'static [&'static str] = &[];
    /// The tab a new table opens on: 0 is every row, `n` is `TABS[n - 1]`.
    const DEFAULT_TAB: usize = 0;
    /// The row's identity within its account and region.
    fn key(&self) -> &str;
    /// The account key and region of a row that lists on its own (a
    /// function, a cluster): two accounts may hold one name, and the row's
    /// detail must be its own account's. `None` for rows inside a parent.
    fn place(&self) -> Option<(&str, &str)> {
        None
    }
    fn filter_text(&self) -> [&str; 2];
    /// The row's value among `TABS`.
    fn tab(&self) -> &str {
        ""
    }
    /// The column's value is on its way (the source sent the row first):
    /// drawn as `…`, neither `-` (could not be read) nor 0.
    fn waiting(&self, _column: &'static str) -> bool {
        false
    }
    /// Every item's key of the numeric column `column` (its CSV key) at
    /// once, when that is cheaper than one at a time (a price looked up once
    /// a region rather than once a row); the same numbers as the column's
    /// `sort`. `None`: one at a time.
    fn numbers(_column: &'static str, _items: &[Self], _cx: &Ctx) -> Option<Vec<Option<f64>>> {
        None
    }
}

/// What the selection remembers of a row: its key, and for a row that
/// lists on its own, its account and region (`Row::place`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RowId {
    pub key: String,
    pub at: Option<crate::scope::Scope>,
}

impl RowId {
    pub fn of<T: Row>(row: &T) -> RowId {
        RowId {
            key: row.key().to_string(),
            at: row.place().map(|(a, r)| crate::scope::Scope::new(a, r)),
        }
    }

    /// Whether `row` is the one remembered.
    pub fn is<T: Row>(&self, row: &T) -> bool {
        row.key() == self.key
            && match (&self.at, row.place()) {
                (Some(at), Some((a, r))) => *at.account == *a && at.region == r,
                _ => true,
            }
    }
}

/// Per-table view state; the selection is a row's identity so it survives refreshes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableState {
    pub sort: usize,
    pub reverse: bool,
    pub filter: String,
    pub selected: Option<RowId>,
    pub cursor: usize,
    pub offset: usize,
    /// 0 = every row, else only rows whose tab is `TABS[tab - 1]`.
    pub tab: usize,
}

impl TableState {
    /// The tab a table is limited to, if any.
    pub fn tab_filter(&self, tabs: &'static [&'static str]) -> Option<&'static str> {
        self.tab.checked_sub(1).and_then(|i| tabs.get(i).copied())
    }
}

/// Columns with the row type erased: what the header, the sort keys and the
/// table state need.
pub trait Columns: Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn title(&self, i: usize) -> &'static str;
    fn width(&self, i: usize) -> u16;
    fn priority(&self, i: usize) -> u8;
    fn numeric(&self, i: usize) -> bool;
    fn shown(&self, i: usize) -> bool;
    fn per_account(&self, i: usize) -> bool;
    /// Drawn now: shown, and not an ACCOUNT column while one account is watched.
    fn drawn(&self, i: usize, several: bool) -> bool {
        self.shown(i) && (several || !self.per_account(i))
    }
    fn grows(&self, i: usize) -> bool;
    fn default_sort(&self) -> usize;
    fn default_reverse(&self) -> bool;
    fn default_tab(&self) -> usize;
    fn tabs(&self) -> &'static [&'static str];
}

pub struct ColumnsOf<T>(PhantomData<fn() -> T>);

impl<T> ColumnsOf<T> {
    pub const NEW: ColumnsOf<T> = ColumnsOf(PhantomData);
}

impl<T: Row> Columns for ColumnsOf<T> {
    fn len(&self) -> usize {
        T::COLUMNS.len()
    }
    fn title(&self, i: usize) -> &'static str {
        T::COLUMNS.get(i).map_or("", |c| c.title)
    }
    fn width(&self, i: usize) -> u16 {
        T::COLUMNS.get(i).map_or(0, |c| c.width)
    }
    fn priority(&self, i: usize) -> u8 {
        T::COLUMNS.get(i).map_or(u8::MAX, |c| c.priority)
    }
    fn numeric(&self, i: usize) -> bool {
        T::COLUMNS.get(i).is_some_and(|c| c.numeric)
    }
    fn shown(&self, i: usize) -> bool {
        T::COLUMNS.get(i).is_some_and(|c| c.shown)
    }
    fn per_account(&self, i: usize) -> bool {
        T::COLUMNS.get(i).is_some_and(|c| c.per_account)
    }
    fn grows(&self, i: usize) -> bool {
        T::COLUMNS.get(i).is_some_and(|c| c.grows)
    }
    fn default_sort(&self) -> usize {
        T::DEFAULT_SORT
    }
    fn default_reverse(&self) -> bool {
        T::DEFAULT_REVERSE
    }
    fn default_tab(&self) -> usize {
        T::DEFAULT_TAB
    }
    fn tabs(&self) -> &'static [&'static str] {
        T::TABS
    }
}

fn account_sort<'a, T: crate::scope::Scoped>(r: &'a T, _: &Ctx) -> SortKey<'a> {
    SortKey::Text(r.account())
}

fn account_cell<T: crate::scope::Scoped>(r: &T, cx: &Ctx) -> Cell {
    Cell::plain(cx.accounts.name(r.account()).to_string())
}

/// The ACCOUNT column of a list that spans accounts: the account's name,
/// sorted by its ID; absent while one account is watched. On a narrow
/// terminal it stays while figures go: one function name in two accounts
/// reads as one row twice without it.
pub const fn account_column<T: Row + crate::scope::Scoped>() -> Column<T> {
    Column::new("ACCOUNT", "account", 10, 1, false, account_sort::<T>, account_cell::<T>).per_account()
}

fn region_sort<'a, T: crate::scope::Scoped>(r: &'a T, _: &Ctx) -> SortKey<'a> {
    SortKey::Text(r.region())
}

fn region_cell<T: crate::scope::Scoped>(r: &T, _: &Ctx) -> Cell {
    Cell::plain(r.region().to_string())
}

/// The REGION column of a list that spans regions: in the CSV and the
/// `--once` outputs only, since the pane's title names the regions.
pub const fn region_column<T: Row + crate::scope::Scoped>() -> Column<T> {
    Column::new("REGION", "region", 12, 9, false, region_sort::<T>, region_cell::<T>).hidden()
}

/// The columns of a row that lists on its own (`Scoped`): the room's own,
/// then the tail every such list shares, REGION and ACCOUNT. A list whose
/// REGION sits earlier (in an order its CSV already promised) writes
/// `region_column` in place and `account_column` last instead.
#[macro_export]
macro_rules! scoped_columns {
    ($($column:expr),+ $(,)?) => {
        &[$($column,)+ $crate::table::region_column::<Self>(), $crate::table::account_column::<Self>()]
    };
}

/// A row the room prices (`cost::Estimate`), for the shared COST/mo column.
pub trait Priced {
    /// What the row costs, with its basis: the cell's text.
    fn cost(&self, cx: &Ctx) -> crate::cost::Estimate;
    /// The figure alone, for sorting and the exact value: a sort prices
    /// every row, so a room whose basis is dear to write gives it apart.
    fn cost_figure(&self, cx: &Ctx) -> crate::cost::Estimate {
        self.cost(cx)
    }
}

fn cost_sort<'a, T: Priced>(r: &'a T, cx: &Ctx) -> SortKey<'a> {
    SortKey::Num(r.cost_figure(cx).per_month())
}

fn cost_cell<T: Priced>(r: &T, cx: &Ctx) -> Cell {
    Cell::plain(r.cost(cx).cell())
}

fn cost_value<'a, T: Priced>(r: &'a T, cx: &Ctx) -> Value<'a> {
    Value::Num(r.cost_figure(cx).per_month())
}

/// The COST/mo column: dollars a month at list price (`+` for a floor),
/// sorted and exported by the figure. `priority` is where the bill yields
/// to a narrow terminal, which differs by room.
pub const fn cost_column<T: Row + Priced>(priority: u8) -> Column<T> {
    Column::new("COST/mo", "cost_usd_per_month", 7, priority, true, cost_sort::<T>, cost_cell::<T>).exact(cost_value::<T>)
}

/// The columns of `T`, type-erased.
pub fn columns_of<T: Row>() -> &'static dyn Columns {
    &ColumnsOf::<T>::NEW
}

/// Labels that hold for a whole list (its region, its cluster), written as
/// leading CSV columns.
pub type Context<'a> = [Option<(&'static str, &'a str)>; 2];

/// One table of a room: its rows, which of them this view shows, and their
/// context.
pub struct Table<'a, T, F> {
    pub items: &'a [T],
    pub keep: F,
    pub context: Context<'a>,
    /// `keep` keeps every row (`all` without `keep`): the order need not ask.
    pub every: bool,
}

/// A table with every row.
pub fn all<T>(items: &[T]) -> Table<'_, T, fn(&T) -> bool> {
    Table {
        items,
        keep: |_| true,
        context: [None, None],
        every: true,
    }
}

impl<'a, T, F> Table<'a, T, F> {
    pub fn context(mut self, key: &'static str, value: &'a str) -> Self {
        let slot = if self.context[0].is_none() { 0 } else { 1 };
        self.context[slot] = Some((key, value));
        self
    }
    pub fn keep<G: Fn(&T) -> bool>(self, keep: G) -> Table<'a, T, G> {
        Table {
            items: self.items,
            keep,
            context: self.context,
            every: false,
        }
    }
}

/// Generic work on whatever table a view shows.
pub trait TableVisitor<'a> {
    type Out;
    fn visit<T: Row, F: Fn(&T) -> bool>(self, t: Table<'a, T, F>) -> Self::Out;
}

/// Generic work on every table a room has (`--once`); a section may be
/// visited once per parent (services once per cluster).
pub trait SectionVisitor<'a> {
    fn visit<T: Row, F: Fn(&T) -> bool>(&mut self, name: &'static str, t: Table<'a, T, F>);
}

/// Case-insensitive substring match without allocating; `needle` is lowercase.
pub fn contains_ci(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.len() >= n.len()
        && h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// A sort key as a plain ordered value: numbers largest first with unknown
/// ones last, then text. Comparing these is integer and byte comparison only.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Rank<'a> {
    /// (unknown, the number's total order reversed)
    Num(bool, u64),
    Text(&'a str),
}

fn rank(k: SortKey<'_>) -> Rank<'_> {
    match k {
        SortKey::Num(Some(v)) => {
            // f64::total_cmp's order as unsigned integers, then reversed.
            let b = v.to_bits() as i64;
            let ordered = (b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64 ^ (1 << 63);
            Rank::Num(false, !ordered)
        }
        SortKey::Num(None) => Rank::Num(true, 0),
        SortKey::Text(t) => Rank::Text(t),
    }
}

/// A filter's `acct:NAME` word (lower case) apart from the rest of its text.
pub fn split_filter(filter: &str) -> (Option<String>, String) {
    if !filter.contains("acct:") {
        return (None, filter.to_ascii_lowercase());
    }
    let mut account = None;
    let mut rest: Vec<&str> = Vec::new();
    for word in filter.split(' ') {
        match word.strip_prefix("acct:") {
            Some(a) => account = Some(a.to_ascii_lowercase()),
            None => rest.push(word),
        }
    }
    (account, rest.join(" ").trim().to_ascii_lowercase())
}

/// Indices of the table's rows that it keeps, that are on the selected tab
/// and that pass the filter, sorted by the table state: by the column's key,
/// ties by name, reversed with unknown numbers last. The column's order of
/// every row is kept in `cache` until the data or the context changes.
pub fn order<T: Row, F: Fn(&T) -> bool>(
    t: &Table<'_, T, F>,
    st: &TableState,
    cx: &Ctx,
    cache: &mut SortCache,
) -> Vec<u32> {
    let (accounts, needle) = split_filter(&st.filter);
    // `acct:prod`: the keys of the accounts whose name or ID says so, found
    // once, not once a row.
    let acct_col = T::COLUMNS.iter().find(|c| c.per_account);
    let in_accounts: Option<std::collections::HashSet<&str>> = match (accounts, acct_col) {
        (Some(a), Some(_)) => Some(
            cx.accounts
                .accounts
                .iter()
                .filter(|x| contains_ci(&x.name, &a) || x.id.as_deref().is_some_and(|id| id.contains(&a)))
                .map(|x| x.key.as_str())
                .collect(),
        ),
        _ => None,
    };
    let col = st.sort.min(T::COLUMNS.len().saturating_sub(1));
    if T::COLUMNS.get(col).is_none() {
        return Vec::new();
    }
    let tab = st.tab_filter(T::TABS);
    if t.every && tab.is_none() && needle.is_empty() && in_accounts.is_none() {
        return cache.every(t.items, col, st.reverse, cx);
    }
    cache.rows(t.items, col, st.reverse, cx, |it| {
        (t.keep)(it)
            && tab.is_none_or(|s| it.tab() == s)
            && it.filter_text().iter().any(|x| contains_ci(x, &needle))
            && in_accounts.as_ref().is_none_or(|keys| {
                acct_col.is_some_and(|c| matches!((c.sort)(it, cx), SortKey::Text(k) if keys.contains(k)))
            })
    })
}

/// The item whose key is `key`, found by reading the items in memory order:
/// at 10,000 rows that is several times faster than following the sorted rows.
pub fn index_of<T: Row>(items: &[T], id: &RowId) -> Option<u32> {
    // Rows usually arrive in key order: try a binary search, and read them
    // all only when it misses (or when another account's row has the key).
    let key = id.key.as_str();
    let guess = items.partition_point(|x| x.key() < key);
    if items.get(guess).is_some_and(|x| id.is(x)) {
        return Some(guess as u32);
    }
    items.iter().position(|x| id.is(x)).map(|i| i as u32)
}

/// Seconds between `t` and `now`.
pub fn age_s(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<f64> {
    t.map(|t| (now - t).num_seconds() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_acct_word_is_taken_out_of_the_filter() {
        assert_eq!(split_filter("Orders"), (None, "orders".into()));
        assert_eq!(split_filter("acct:Prod"), (Some("prod".into()), String::new()));
        assert_eq!(split_filter("orders acct:prod api"), (Some("prod".into()), "orders api".into()));
        // Without an acct: word the text is matched as typed, spaces included.
        assert_eq!(split_filter("api "), (None, "api ".into()));
    }

    #[test]
    fn ranks_put_numbers_largest_first_unknown_last_then_text() {
        let nums = [
            Some(f64::INFINITY),
            Some(1e300),
            Some(3.0),
            Some(2.999),
            Some(1.5),
            Some(0.0),
            Some(-0.0),
            Some(-1.5),
            Some(-1e300),
            Some(f64::NEG_INFINITY),
            None,
        ];
        let mut want: Vec<Rank> = nums.iter().map(|v| rank(SortKey::Num(*v))).collect();
        want.extend(["a", "ab", "b"].map(|t| rank(SortKey::Text(t))));
        assert!(want.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn case_insensitive_contains() {
        assert!(contains_ci("Orders-API", "api"));
        assert!(contains_ci("x", ""));
        assert!(!contains_ci("ab", "abc"));
        assert!(!contains_ci("orders", "pay"));
    }
}
