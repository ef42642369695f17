//! Row orders kept between frames. Each column's order of every row of a
//! table is computed once per refresh of its data and kept: a re-sort by a
//! column seen since the refresh, a reversal, a tab or a filter only walks
//! that order and keeps the rows that pass. A column's order is computed
//! from plain integer keys (the sort key's rank, then the row's place in
//! name order), so a sort compares integers, never text or prices.

use std::any::TypeId;
use std::ops::Range;

use super::{rank, Ctx, Rank, Row};

/// The rank of a row's key within its column: numbers (largest first),
/// then unknown numbers, then text; below them the row's place in name
/// order, which breaks ties as reading by name does.
const KNOWN: u128 = 0;
const UNKNOWN: u128 = 1;
const TEXT: u128 = 2;

fn packed(kind: u128, value: u64, name: u32) -> u128 {
    (kind << 96) | ((value as u128) << 32) | name as u128
}

fn kind_of(k: u128) -> u128 {
    k >> 96
}

/// What the kept orders were computed from: when any of it changes, they
/// are computed again.
#[derive(Debug, Clone, PartialEq)]
struct Basis {
    data_gen: u64,
    row_type: TypeId,
    items: usize,
    len: usize,
    now: chrono::DateTime<chrono::Utc>,
    window: u32,
    prices: usize,
    accounts: usize,
}

/// One column's order of every row.
#[derive(Debug, Default)]
struct Ordered {
    /// Item indices, in the column's order (ties in name order).
    order: Vec<u32>,
    /// The positions in `order` of the rows whose number is unknown: they
    /// stay last when the order is reversed.
    unknown: Range<usize>,
}

/// The orders of the table on screen, kept between frames.
#[derive(Debug, Default)]
pub struct SortCache {
    /// The data generation the caller says the items are at.
    data_gen: u64,
    basis: Option<Basis>,
    /// `None`: not computed yet. `Some(None)`: the items are in name order
    /// already (a listing arrives so); else each item's place in it.
    names: Option<Option<Names>>,
    columns: Vec<Option<Ordered>>,
    /// The rows that pass the filter, by item (kept to spare an allocation).
    pass: Vec<bool>,
    /// The only items that can pass the next `rows` (`narrow`).
    candidates: Option<Vec<u32>>,
}

#[derive(Debug)]
struct Names {
    /// `rank[i]`: item `i`'s place in name order.
    rank: Vec<u32>,
    /// `item[r]`: the item at place `r`.
    item: Vec<u32>,
}

impl SortCache {
    /// The items' data generation: the orders of another one are dropped.
    pub fn at(&mut self, data_gen: u64) {
        if self.data_gen != data_gen {
            self.data_gen = data_gen;
            self.clear();
        }
    }

    /// The next `rows` tests only `items`, the rows that passed a looser
    /// filter of the same data (a filter typed one letter longer): each key
    /// of a filter at 50,000 rows reads the few rows still in it, not all.
    pub fn narrow(&mut self, items: Vec<u32>) {
        self.candidates = Some(items);
    }

    fn clear(&mut self) {
        self.basis = None;
        self.names = None;
        self.columns.clear();
    }

    /// Drops the orders unless they were computed from these items and
    /// this context.
    fn check<T: Row>(&mut self, items: &[T], cx: &Ctx) {
        let basis = Basis {
            data_gen: self.data_gen,
            row_type: TypeId::of::<T>(),
            items: items.as_ptr() as usize,
            len: items.len(),
            now: cx.now,
            window: cx.window,
            prices: std::sync::Arc::as_ptr(&cx.prices) as usize,
            accounts: std::sync::Arc::as_ptr(&cx.accounts) as usize,
        };
        if self.basis.as_ref() != Some(&basis) {
            self.clear();
            self.basis = Some(basis);
        }
    }

    /// Every row of `items` in column `col`'s order, as `rows` with a
    /// filter that keeps all: a table with no filter (most refreshes) reads
    /// no row to say it passes, and copies the kept order whole.
    pub(super) fn every<T: Row>(&mut self, items: &[T], col: usize, reverse: bool, cx: &Ctx) -> Vec<u32> {
        self.check(items, cx);
        self.candidates = None;
        let Some(o) = self.column(items, col, cx) else {
            return Vec::new();
        };
        let mut rows = o.order.clone();
        if reverse {
            rows.reverse();
            // As `rows`: unknown numbers stay last unless text rows follow them.
            if o.unknown.end >= rows.len() {
                rows.rotate_left(o.unknown.len());
            }
        }
        rows
    }

    /// Column `col`'s order of every item, computed if it is not kept.
    fn column<T: Row>(&mut self, items: &[T], col: usize, cx: &Ctx) -> Option<&Ordered> {
        if self.columns.len() <= col {
            self.columns.resize_with(col + 1, || None);
        }
        if self.columns[col].is_none() {
            let names = self.names.get_or_insert_with(|| name_order(items));
            self.columns[col] = Some(column_order(items, col, names.as_ref(), cx));
        }
        self.columns[col].as_ref()
    }

    /// Rows of `items` for which `pass` holds, in column `col`'s order
    /// (reversed when `reverse`, unknown numbers last either way): the
    /// same order as sorting them by the column's key, ties by name.
    pub(super) fn rows<T: Row>(
        &mut self,
        items: &[T],
        col: usize,
        reverse: bool,
        cx: &Ctx,
        pass: impl Fn(&T) -> bool,
    ) -> Vec<u32> {
        self.check(items, cx);
        let mut keep = std::mem::take(&mut self.pass);
        keep.clear();
        match self.candidates.take().filter(|c| c.iter().all(|i| (*i as usize) < items.len())) {
            Some(c) => {
                keep.resize(items.len(), false);
                for i in c {
                    keep[i as usize] = pass(&items[i as usize]);
                }
            }
            None => keep.extend(items.iter().map(&pass)),
        }
        let Some(o) = self.column(items, col, cx) else {
            return Vec::new();
        };
        let mut rows = Vec::with_capacity(if keep.iter().all(|k| *k) { items.len() } else { 64 });
        let (mut unknown, mut text_after) = (0, false);
        for (at, &i) in o.order.iter().enumerate() {
            if keep[i as usize] {
                rows.push(i);
                unknown += usize::from(o.unknown.contains(&at));
                text_after |= at >= o.unknown.end;
            }
        }
        self.pass = keep;
        if reverse {
            rows.reverse();
            // Unknown numbers stay last either way: "-" first says nothing.
            // (Text rows, were a column to mix them in, come first reversed.)
            if !text_after {
                rows.rotate_left(unknown);
            }
        }
        rows
    }
}

/// The items' places in name order (then position), `None` when they are
/// in it already.
fn name_order<T: Row>(items: &[T]) -> Option<Names> {
    if items.windows(2).all(|w| w[0].key() <= w[1].key()) {
        return None;
    }
    let mut item: Vec<u32> = (0..items.len() as u32).collect();
    // Stable: equal names keep their positions; each region's listing is
    // in name order already, and runs are merged, not sorted again.
    item.sort_by(|a, b| items[*a as usize].key().cmp(items[*b as usize].key()));
    let mut rank = vec![0u32; items.len()];
    for (r, i) in item.iter().enumerate() {
        rank[*i as usize] = r as u32;
    }
    Some(Names { rank, item })
}

fn column_order<T: Row>(items: &[T], col: usize, names: Option<&Names>, cx: &Ctx) -> Ordered {
    let Some(column) = T::COLUMNS.get(col) else {
        return Ordered::default();
    };
    let place = |i: usize| names.map_or(i as u32, |n| n.rank[i]);
    let item = |r: u32| names.map_or(r, |n| n.item[r as usize]);
    let n = items.len();
    // A column whose key is the row's name: name order is its order.
    let by_name = items.iter().all(|it| match (column.sort)(it, cx) {
        super::SortKey::Text(t) => std::ptr::eq(t, it.key()),
        super::SortKey::Num(_) => false,
    });
    if by_name {
        return Ordered {
            order: (0..n as u32).map(item).collect(),
            unknown: n..n,
        };
    }
    let mut keys: Vec<u128> = Vec::with_capacity(n);
    match T::numbers(column.key, items, cx) {
        Some(nums) => {
            for (i, v) in nums.into_iter().enumerate() {
                keys.push(number(rank(super::SortKey::Num(v)), place(i)));
            }
        }
        None => {
            let mut texts = Interned::default();
            for (i, it) in items.iter().enumerate() {
                keys.push(match rank((column.sort)(it, cx)) {
                    Rank::Text(t) => packed(TEXT, texts.id(t) as u64, place(i)),
                    r => number(r, place(i)),
                });
            }
            // Text ids in first-seen order become ranks in text order.
            let ranks = texts.ranks();
            if !ranks.is_empty() {
                for k in &mut keys {
                    if kind_of(*k) == TEXT {
                        let id = ((*k >> 32) & u64::MAX as u128) as usize;
                        *k = packed(TEXT, ranks[id] as u64, *k as u32);
                    }
                }
            }
        }
    }
    keys.sort_unstable();
    let start = keys.partition_point(|k| kind_of(*k) < UNKNOWN);
    let end = keys.partition_point(|k| kind_of(*k) <= UNKNOWN);
    Ordered {
        order: keys.iter().map(|k| item(*k as u32)).collect(),
        unknown: start..end,
    }
}

fn number(r: Rank<'_>, place: u32) -> u128 {
    match r {
        Rank::Num(false, v) => packed(KNOWN, v, place),
        Rank::Num(true, v) => packed(UNKNOWN, v, place),
        // Only numbers come here.
        Rank::Text(_) => packed(TEXT, 0, place),
    }
}

/// A column's distinct texts, numbered as first seen: few (runtimes,
/// statuses, regions), so a short list is searched before a map.
#[derive(Default)]
struct Interned<'a> {
    seen: Vec<&'a str>,
    map: std::collections::HashMap<&'a str, u32>,
    last: Option<(&'a str, u32)>,
}

impl<'a> Interned<'a> {
    const LIST: usize = 32;

    fn id(&mut self, t: &'a str) -> u32 {
        if let Some((l, id)) = self.last {
            if l == t {
                return id;
            }
        }
        let id = if self.seen.len() <= Self::LIST {
            match self.seen.iter().position(|s| *s == t) {
                Some(p) => p as u32,
                None => self.add(t),
            }
        } else {
            match self.map.get(t) {
                Some(id) => *id,
                None => self.add(t),
            }
        };
        self.last = Some((t, id));
        id
    }

    fn add(&mut self, t: &'a str) -> u32 {
        let id = self.seen.len() as u32;
        self.seen.push(t);
        if self.seen.len() > Self::LIST {
            if self.map.is_empty() {
                self.map.extend(self.seen.iter().enumerate().map(|(i, s)| (*s, i as u32)));
            } else {
                self.map.insert(t, id);
            }
        }
        id
    }

    /// Each id's place among the texts in text order.
    fn ranks(&self) -> Vec<u32> {
        let mut by_text: Vec<u32> = (0..self.seen.len() as u32).collect();
        by_text.sort_unstable_by(|a, b| self.seen[*a as usize].cmp(self.seen[*b as usize]));
        let mut out = vec![0u32; self.seen.len()];
        for (r, id) in by_text.iter().enumerate() {
            out[*id as usize] = r as u32;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Cell, Column, SortKey};

    #[derive(Debug, Clone)]
    struct R {
        name: String,
        kind: &'static str,
        n: Option<f64>,
        mixed: Option<f64>,
    }

    fn mixed<'a>(r: &'a R, _: &Ctx) -> SortKey<'a> {
        match r.mixed {
            Some(v) if v < 0.0 => SortKey::Text(r.kind),
            v => SortKey::Num(v),
        }
    }

    impl Row for R {
        const COLUMNS: &'static [Column<Self>] = &[
            Column::<Self>::new("NAME", "name", 8, 0, false, |r, _| SortKey::Text(&r.name), |r, _| Cell::plain(r.name.clone())),
            Column::<Self>::new("KIND", "kind", 8, 0, false, |r, _| SortKey::Text(r.kind), |r, _| Cell::plain(r.kind)),
            Column::<Self>::new("N", "n", 8, 0, true, |r, _| SortKey::Num(r.n), |_, _| Cell::plain("")),
            Column::<Self>::new("BATCH", "batch", 8, 0, true, |r, _| SortKey::Num(r.n.map(|v| v * 2.0)), |_, _| Cell::plain("")),
            Column::<Self>::new("MIXED", "mixed", 8, 0, true, mixed, |_, _| Cell::plain("")),
        ];
        const DEFAULT_SORT: usize = 2;
        fn key(&self) -> &str {
            &self.name
        }
        fn filter_text(&self) -> [&str; 2] {
            [&self.name, self.kind]
        }
        fn tab(&self) -> &str {
            self.kind
        }
        fn numbers(column: &'static str, items: &[Self], _: &Ctx) -> Option<Vec<Option<f64>>> {
            (column == "batch").then(|| items.iter().map(|r| r.n.map(|v| v * 2.0)).collect())
        }
    }

    fn cx() -> Ctx {
        crate::services::Settings::default().cells("2026-11-22T14:03:20Z".parse().unwrap())
    }

    /// The order as sorting defines it: the column's rank, then name, then
    /// position; reversed with unknown numbers kept last.
    fn full_sort(items: &[R], col: usize, reverse: bool, pass: impl Fn(&R) -> bool, cx: &Ctx) -> Vec<u32> {
        let column = &R::COLUMNS[col];
        let mut v: Vec<(Rank<'_>, &str, u32)> = items
            .iter()
            .enumerate()
            .filter(|(_, r)| pass(r))
            .map(|(i, r)| (rank((column.sort)(r, cx)), r.name.as_str(), i as u32))
            .collect();
        v.sort();
        if reverse {
            v.reverse();
            let unknown = v.iter().take_while(|(r, _, _)| matches!(r, Rank::Num(true, _))).count();
            v.rotate_left(unknown);
        }
        v.into_iter().map(|(_, _, i)| i).collect()
    }

    fn rows(n: usize, seed: u64, sorted: bool) -> Vec<R> {
        let kinds = ["zip", "image", "python3.12", "python3.9", "node20"];
        let mut out: Vec<R> = (0..n)
            .map(|i| {
                let h = crate::hash::hash(&[seed, i as u64]);
                R {
                    // Few names, so equal names (two accounts) occur.
                    name: format!("fn-{:03}", h % (n as u64 / 2 + 1)),
                    kind: kinds[(h >> 8) as usize % kinds.len()],
                    n: ((h >> 16) % 7 != 0).then(|| ((h >> 24) % 5) as f64),
                    mixed: match (h >> 32) % 4 {
                        0 => None,
                        1 => Some(-1.0),
                        _ => Some(((h >> 40) % 3) as f64),
                    },
                }
            })
            .collect();
        if sorted {
            out.sort_by(|a, b| a.name.cmp(&b.name));
        }
        out
    }

    fn check_all(items: &[R], cache: &mut SortCache, data_gen: u64, cx: &Ctx) {
        cache.at(data_gen);
        let filters: [(&str, Box<dyn Fn(&R) -> bool>); 3] = [
            ("all", Box::new(|_| true)),
            ("zip", Box::new(|r| r.kind == "zip")),
            ("fn-00", Box::new(|r| r.name.contains("fn-00"))),
        ];
        for col in 0..R::COLUMNS.len() {
            for reverse in [false, true] {
                for (what, f) in &filters {
                    let got = cache.rows(items, col, reverse, cx, f);
                    let want = full_sort(items, col, reverse, f, cx);
                    assert_eq!(got, want, "column {col} reverse {reverse} filter {what}");
                }
                // No filter at all: the kept order whole, never read row by row.
                let got = cache.every(items, col, reverse, cx);
                assert_eq!(got, full_sort(items, col, reverse, &|_: &R| true, cx), "column {col} reverse {reverse} every row");
            }
        }
    }

    #[test]
    fn a_kept_order_equals_a_full_sort_for_every_column_ties_included() {
        let cx = cx();
        for sorted in [true, false] {
            let items = rows(300, 7, sorted);
            let mut cache = SortCache::default();
            check_all(&items, &mut cache, 1, &cx);
            // Asked again, from the kept orders.
            check_all(&items, &mut cache, 1, &cx);
        }
    }

    #[test]
    fn a_refresh_that_changes_adds_and_removes_rows_is_sorted_afresh() {
        let cx = cx();
        let mut cache = SortCache::default();
        let mut items = rows(200, 3, true);
        check_all(&items, &mut cache, 1, &cx);
        // Some rows change their figures and kinds, one goes, one comes.
        for (i, r) in items.iter_mut().enumerate().filter(|(i, _)| i % 7 == 0) {
            r.n = Some(i as f64);
            r.kind = "image";
        }
        items.remove(10);
        items.push(R {
            name: "fn-000".into(),
            kind: "zip",
            n: None,
            mixed: Some(-1.0),
        });
        check_all(&items, &mut cache, 2, &cx);
        // In place, same length and allocation: the new generation alone
        // must not let an old order through.
        for r in items.iter_mut().take(50) {
            r.n = r.n.map(|v| 10.0 - v);
        }
        check_all(&items, &mut cache, 3, &cx);
    }

    #[test]
    fn a_narrowed_filter_keeps_what_a_full_pass_keeps() {
        let cx = cx();
        let items = rows(300, 5, false);
        let mut cache = SortCache::default();
        cache.at(1);
        let looser = |r: &R| r.name.contains("fn-0");
        let tighter = |r: &R| r.name.contains("fn-01");
        let before = cache.rows(&items, 2, false, &cx, looser);
        assert!(before.len() < items.len() && !before.is_empty());
        for col in 0..R::COLUMNS.len() {
            for reverse in [false, true] {
                cache.narrow(before.clone());
                let got = cache.rows(&items, col, reverse, &cx, tighter);
                assert_eq!(got, full_sort(&items, col, reverse, tighter, &cx), "column {col} reverse {reverse}");
            }
        }
        // Candidates are used once: the next pass reads every row again.
        cache.narrow(vec![0]);
        cache.rows(&items, 0, false, &cx, |_| true);
        assert_eq!(cache.rows(&items, 0, false, &cx, |_| true).len(), items.len());
    }

    #[test]
    fn a_new_clock_recomputes_the_orders() {
        let mut cache = SortCache::default();
        let items = rows(50, 1, true);
        let a = cx();
        let mut b = cx();
        b.now += chrono::Duration::seconds(1);
        cache.at(1);
        cache.rows(&items, 2, false, &a, |_| true);
        assert!(cache.columns[2].is_some());
        cache.rows(&items, 3, false, &b, |_| true);
        assert!(cache.columns[2].is_none(), "an order of another clock was kept");
    }

    #[test]
    fn interned_texts_rank_in_text_order() {
        let mut t = Interned::default();
        let words: Vec<String> = (0..100).map(|i| format!("w{:03}", (i * 37) % 100)).collect();
        let ids: Vec<u32> = words.iter().map(|w| t.id(w)).collect();
        assert_eq!(t.id("w037"), ids[1]);
        let ranks = t.ranks();
        for (w, id) in words.iter().zip(&ids) {
            assert_eq!(ranks[*id as usize] as usize, w[1..].parse::<usize>().unwrap());
        }
    }
}
