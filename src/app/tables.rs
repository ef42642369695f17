//! Table columns, sort keys and filters for every list view. The panes format the
//! cells; this module decides which rows exist and in what order.

use chrono::{DateTime, Utc};

use super::model::{Model, TableState, View};
use crate::domain::batch::{Job, JobQueue, JOB_STATUSES};
use crate::domain::ecs::{Cluster, Service, Task};
use crate::domain::lambda::Function;

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub width: u16,
    /// 0 is always shown; higher numbers are dropped first on narrow terminals.
    pub priority: u8,
    pub numeric: bool,
}

const fn col(title: &'static str, width: u16, priority: u8, numeric: bool) -> Column {
    Column {
        title,
        width,
        priority,
        numeric,
    }
}

pub enum SortKey<'a> {
    Num(Option<f64>),
    Text(&'a str),
}

pub trait Row {
    const COLUMNS: &'static [Column];
    /// The column a fresh table sorts by.
    const DEFAULT_SORT: usize;
    fn key(&self) -> &str;
    fn sort_key(&self, col: usize, now: DateTime<Utc>) -> SortKey<'_>;
    fn filter_text(&self) -> [&str; 2];
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

/// Indices of `items` that pass `keep` and the filter, sorted by the table state.
pub fn order<T: Row>(
    items: &[T],
    keep: impl Fn(&T) -> bool,
    st: &TableState,
    now: DateTime<Utc>,
) -> Vec<u32> {
    let needle = st.filter.to_ascii_lowercase();
    let col = st.sort.min(T::COLUMNS.len() - 1);
    // One pass over the rows in memory order: at 10,000 fresh rows, memory, not
    // comparisons, is what a sort costs. Each key is computed once, not once
    // per comparison.
    let mut keyed: Vec<(Rank<'_>, u32)> = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        if keep(it) && it.filter_text().iter().any(|t| contains_ci(t, &needle)) {
            keyed.push((rank(it.sort_key(col, now)), i as u32));
        }
    }
    // Sorting (key, position) pairs unstably orders equal keys by position,
    // exactly as a stable sort would, and faster.
    keyed.sort_unstable();
    names_break_ties(&mut keyed, items);
    if st.reverse {
        keyed.reverse();
    }
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Ties read in name order. Sources deliver rows in it, so only runs of equal
/// keys are checked, and sorted by name where they are not.
fn names_break_ties<T: Row>(v: &mut [(Rank<'_>, u32)], items: &[T]) {
    let name = |i: u32| items[i as usize].key();
    let mut start = 0;
    while start < v.len() {
        let mut end = start + 1;
        while end < v.len() && v[end].0 == v[start].0 {
            end += 1;
        }
        let run = &mut v[start..end];
        if !run.windows(2).all(|w| name(w[0].1) <= name(w[1].1)) {
            run.sort_by(|a, b| name(a.1).cmp(name(b.1)));
        }
        start = end;
    }
}

fn opt(v: Option<f64>) -> SortKey<'static> {
    SortKey::Num(v)
}

fn age_s(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<f64> {
    t.map(|t| (now - t).num_seconds() as f64)
}

impl Row for Function {
    const COLUMNS: &'static [Column] = &[
        col("NAME", 22, 0, false),
        col("RUNTIME", 15, 5, false),
        col("MEM", 6, 7, true),
        col("INVOC", 8, 0, true),
        col("ERR", 6, 1, true),
        col("ERR%", 6, 2, true),
        col("THR", 5, 2, true),
        col("AVG ms", 8, 3, true),
        col("MAX ms", 8, 6, true),
        col("P99 ms", 8, 6, true),
        col("CONC", 5, 7, true),
        col("COLD", 5, 1, true),
        col("COLD%", 6, 4, true),
        col("INIT p50", 9, 5, true),
        col("INIT max", 9, 6, true),
    ];
    const DEFAULT_SORT: usize = 3;
    fn key(&self) -> &str {
        &self.name
    }
    fn sort_key(&self, col: usize, _now: DateTime<Utc>) -> SortKey<'_> {
        let s = &self.stats;
        let cold = s.cold.as_ref();
        match col {
            0 => SortKey::Text(&self.name),
            1 => SortKey::Text(self.runtime.as_deref().unwrap_or("image")),
            2 => opt(Some(self.memory_mb as f64)),
            3 => opt(s.invocations),
            4 => opt(s.errors),
            5 => opt(s.error_rate_pct()),
            6 => opt(s.throttles),
            7 => opt(s.duration_avg_ms),
            8 => opt(s.duration_max_ms),
            9 => opt(s.duration_p99_ms),
            10 => opt(s.concurrent_max),
            11 => opt(cold.map(|c| c.count as f64)),
            12 => opt(cold.and_then(|c| c.rate_pct())),
            13 => opt(cold.and_then(|c| c.init_p50_ms)),
            _ => opt(cold.and_then(|c| c.init_max_ms)),
        }
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, self.runtime.as_deref().unwrap_or("image")]
    }
}

impl Row for Cluster {
    const COLUMNS: &'static [Column] = &[
        col("NAME", 18, 0, false),
        col("STATUS", 8, 3, false),
        col("SERVICES", 8, 0, true),
        col("UNHEALTHY", 9, 0, true),
        col("RUNNING", 7, 1, true),
        col("PENDING", 7, 1, true),
        col("STOPPED", 7, 2, true),
        col("INSTANCES", 9, 2, true),
        col("CAPACITY PROVIDERS", 24, 4, false),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn sort_key(&self, col: usize, _now: DateTime<Utc>) -> SortKey<'_> {
        let n = |v: usize| opt(Some(v as f64));
        match col {
            0 => SortKey::Text(&self.name),
            1 => SortKey::Text(&self.status),
            2 => n(self.services.len()),
            3 => n(self.unhealthy_services()),
            4 => n(self.running_tasks()),
            5 => n(self.pending_tasks()),
            6 => n(self.tasks.iter().filter(|t| t.is_stopped()).count()),
            7 => n(self.container_instances.len()),
            _ => SortKey::Text(
                self.capacity_providers
                    .first()
                    .map(String::as_str)
                    .unwrap_or(""),
            ),
        }
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.status]
    }
}

impl Row for Service {
    const COLUMNS: &'static [Column] = &[
        col("NAME", 16, 0, false),
        col("HEALTH", 10, 0, false),
        col("LAUNCH", 12, 5, false),
        col("DESIRED", 7, 1, true),
        col("RUNNING", 7, 0, true),
        col("PENDING", 7, 1, true),
        col("CRASHES", 7, 2, true),
        col("ROLLOUT", 11, 3, false),
        col("CPU%", 5, 4, true),
        col("MEM%", 5, 4, true),
        col("LAST EVENT", 24, 6, false),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn sort_key(&self, col: usize, _now: DateTime<Utc>) -> SortKey<'_> {
        let n = |v: u32| opt(Some(v as f64));
        match col {
            0 => SortKey::Text(&self.name),
            1 => opt(Some(self.health() as u8 as f64)),
            2 => SortKey::Text(
                self.capacity_provider
                    .as_deref()
                    .unwrap_or(&self.launch_type),
            ),
            3 => n(self.desired),
            4 => n(self.running),
            5 => n(self.pending),
            6 => n(self.recently_stopped),
            7 => SortKey::Text(self.rollout_state.as_deref().unwrap_or("")),
            8 => opt(self.cpu_pct),
            9 => opt(self.memory_pct),
            _ => SortKey::Text(
                self.events
                    .first()
                    .map(|e| e.message.as_str())
                    .unwrap_or(""),
            ),
        }
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.launch_type]
    }
}

impl Row for Task {
    const COLUMNS: &'static [Column] = &[
        col("TASK", 12, 0, false),
        col("STATUS", 14, 0, false),
        col("DESIRED", 8, 4, false),
        col("CAPACITY", 12, 5, false),
        col("CPU", 5, 6, true),
        col("MEM", 6, 6, true),
        col("AGE", 6, 2, true),
        col("STOP CODE", 24, 3, false),
        col("STOPPED REASON", 24, 1, false),
    ];
    const DEFAULT_SORT: usize = 6;
    fn key(&self) -> &str {
        &self.id
    }
    fn sort_key(&self, col: usize, now: DateTime<Utc>) -> SortKey<'_> {
        match col {
            0 => SortKey::Text(&self.id),
            1 => SortKey::Text(&self.last_status),
            2 => SortKey::Text(&self.desired_status),
            3 => SortKey::Text(
                self.capacity_provider
                    .as_deref()
                    .unwrap_or(&self.launch_type),
            ),
            4 => opt(self.cpu.as_deref().and_then(|c| c.parse().ok())),
            5 => opt(self.memory.as_deref().and_then(|c| c.parse().ok())),
            // Youngest first: the task that just crashed is the interesting one.
            6 => opt(age_s(self.stopped_at.or(self.started_at), now).map(|a| -a)),
            7 => SortKey::Text(self.stop_code.as_deref().unwrap_or("")),
            _ => SortKey::Text(self.stopped_reason.as_deref().unwrap_or("")),
        }
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.id, &self.last_status]
    }
}

impl Row for JobQueue {
    const COLUMNS: &'static [Column] = &[
        col("QUEUE", 14, 0, false),
        col("STATE", 8, 4, false),
        col("PRIO", 4, 5, true),
        col("SUBMIT", 6, 3, true),
        col("PEND", 5, 3, true),
        col("RUNNABLE", 8, 0, true),
        col("START", 5, 2, true),
        col("RUNNING", 7, 0, true),
        col("DONE", 5, 1, true),
        col("FAILED", 6, 0, true),
        col("STUCK", 5, 0, true),
        col("COMPUTE ENVS", 20, 6, false),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn sort_key(&self, col: usize, now: DateTime<Utc>) -> SortKey<'_> {
        match col {
            0 => SortKey::Text(&self.name),
            1 => SortKey::Text(&self.state),
            2 => opt(Some(self.priority as f64)),
            3..=9 => opt(Some(self.count(JOB_STATUSES[col - 3]) as f64)),
            10 => opt(Some(self.stuck(now) as f64)),
            _ => SortKey::Text(
                self.compute_environments
                    .first()
                    .map(String::as_str)
                    .unwrap_or(""),
            ),
        }
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.state]
    }
}

impl Row for Job {
    const COLUMNS: &'static [Column] = &[
        col("JOB", 24, 0, false),
        col("STATUS", 10, 0, false),
        col("AGE", 6, 1, true),
        col("RUNTIME", 8, 2, true),
        col("EXIT", 4, 3, true),
        col("REASON", 24, 1, false),
        col("ID", 36, 5, false),
    ];
    const DEFAULT_SORT: usize = 2;
    fn key(&self) -> &str {
        &self.id
    }
    fn sort_key(&self, col: usize, now: DateTime<Utc>) -> SortKey<'_> {
        match col {
            0 => SortKey::Text(&self.name),
            1 => opt(JOB_STATUSES
                .iter()
                .position(|s| *s == self.status)
                .map(|p| -(p as f64))),
            2 => opt(age_s(self.created_at, now).map(|a| -a)),
            3 => opt(job_runtime_s(self, now)),
            4 => opt(self.exit_code.map(f64::from)),
            5 => SortKey::Text(self.status_reason.as_deref().unwrap_or("")),
            _ => SortKey::Text(&self.id),
        }
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.id]
    }
}

pub fn job_runtime_s(j: &Job, now: DateTime<Utc>) -> Option<f64> {
    let start = j.started_at?;
    Some((j.stopped_at.unwrap_or(now) - start).num_seconds().max(0) as f64)
}

/// The job status a jobs table is limited to, if any.
pub fn status_filter(st: &TableState) -> Option<&'static str> {
    st.status
        .checked_sub(1)
        .and_then(|i| JOB_STATUSES.get(i).copied())
}

fn all<T>(_: &T) -> bool {
    true
}

/// Row order for a list view; `None` for views that are not tables.
pub fn rows_for(m: &Model, view: &View, st: &TableState) -> Option<Vec<u32>> {
    let now = m.now;
    Some(match view {
        View::Functions => order(&m.lambda.data.functions, all, st, now),
        View::Clusters => order(&m.ecs.data.clusters, all, st, now),
        View::Services { cluster } => order(
            m.cluster(cluster).map_or(&[][..], |c| &c.services),
            all,
            st,
            now,
        ),
        View::Tasks { cluster, service } => {
            let items = m.cluster(cluster).map_or(&[][..], |c| &c.tasks);
            order(
                items,
                |t| t.service.as_deref() == Some(service.as_str()),
                st,
                now,
            )
        }
        View::Queues => order(&m.batch.data.queues, all, st, now),
        View::Jobs { queue } => {
            let want = status_filter(st);
            order(
                m.queue(queue).map_or(&[][..], |q| &q.jobs),
                |j| want.is_none_or(|s| j.status == s),
                st,
                now,
            )
        }
        _ => return None,
    })
}

/// `$body` with `$items` bound to a list view's items (each list its own row
/// type); `None` for views that are not lists.
macro_rules! with_items {
    ($m:expr, $view:expr, |$items:ident| $body:expr) => {
        match $view {
            View::Functions => {
                let $items = &$m.lambda.data.functions[..];
                $body
            }
            View::Clusters => {
                let $items = &$m.ecs.data.clusters[..];
                $body
            }
            View::Services { cluster } => {
                let $items = &$m.cluster(cluster)?.services[..];
                $body
            }
            View::Tasks { cluster, .. } => {
                let $items = &$m.cluster(cluster)?.tasks[..];
                $body
            }
            View::Queues => {
                let $items = &$m.batch.data.queues[..];
                $body
            }
            View::Jobs { queue } => {
                let $items = &$m.queue(queue)?.jobs[..];
                $body
            }
            _ => None,
        }
    };
}

/// The identity of row `i` of a list view: what the selection remembers.
pub fn row_key<'a>(m: &'a Model, view: &View, i: u32) -> Option<&'a str> {
    with_items!(m, view, |items| items.get(i as usize).map(Row::key))
}

/// The item whose key is `key`, found by reading the items in memory order:
/// at 10,000 rows that is several times faster than following the sorted rows.
pub fn index_of(m: &Model, view: &View, key: &str) -> Option<u32> {
    fn find<T: Row>(items: &[T], key: &str) -> Option<u32> {
        // Rows usually arrive in key order: try a binary search, and read them
        // all only when it misses.
        let guess = items.partition_point(|x| x.key() < key);
        if items.get(guess).is_some_and(|x| x.key() == key) {
            return Some(guess as u32);
        }
        items.iter().position(|x| x.key() == key).map(|i| i as u32)
    }
    with_items!(m, view, |items| find(items, key))
}

pub fn columns_for(view: &View) -> &'static [Column] {
    match view {
        View::Functions => Function::COLUMNS,
        View::Clusters => Cluster::COLUMNS,
        View::Services { .. } => Service::COLUMNS,
        View::Tasks { .. } => Task::COLUMNS,
        View::Queues => JobQueue::COLUMNS,
        View::Jobs { .. } => Job::COLUMNS,
        _ => &[],
    }
}

pub fn default_sort(view: &View) -> usize {
    match view {
        View::Functions => Function::DEFAULT_SORT,
        View::Clusters => Cluster::DEFAULT_SORT,
        View::Services { .. } => Service::DEFAULT_SORT,
        View::Tasks { .. } => Task::DEFAULT_SORT,
        View::Queues => JobQueue::DEFAULT_SORT,
        View::Jobs { .. } => Job::DEFAULT_SORT,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
