//! The built-in demo account: deterministic, seeded, evolving on a virtual clock.
//! It sends the same messages the live source sends, so it drives the real UI
//! path. Each room draws its own part (its `RoomDemo`).

use std::any::Any;
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::clock::Clock;
use crate::services::msg::{Account, DataMsg, DataTx, SourceCmd};
use crate::services::room::DemoCtx;
use crate::services::{Intervals, Payload, ServiceKind};

/// The demo account's region unless `--region` names another.
pub const REGION: &str = "us-east-1";
pub const ACCOUNT_ID: &str = "123456789012";

pub struct DemoAccount {
    cx: DemoCtx,
    /// Each room's spec, in registry order.
    specs: Vec<Box<dyn Any + Send + Sync>>,
    intervals: Intervals,
    /// `--demo-accounts N`: the organization's other accounts, and this
    /// one's key (its ID) when there are several; empty: one account.
    key: String,
    others: Vec<DemoAccount>,
    /// The organization's accounts as the fleet would list them.
    book: Vec<crate::scope::AccountInfo>,
}

/// The demo organization's accounts: names and shapes (a share of the
/// first account's functions), the first being the one `--demo` shows alone.
const ORG: [(&str, usize); 6] = [
    ("prod", 100),
    ("staging", 40),
    ("data", 25),
    ("payments", 60),
    ("sandbox", 10),
    ("shared-services", 20),
];

/// The demo organization's account IDs: the first is `ACCOUNT_ID`.
fn org_id(i: usize) -> String {
    if i == 0 {
        ACCOUNT_ID.to_string()
    } else {
        format!("{:012}", 210_987_654_321u64 + i as u64 * 1_111_111)
    }
}

impl DemoAccount {
    /// The story starts at `at` (kept if it already started): what is fixed
    /// in it (deploys long past, configurations) stays put while the clock
    /// runs, as a live account's does. Without it every read is a one-off
    /// (`--once`), whose fixed facts are set back from its own moment.
    pub fn start_at(&mut self, at: DateTime<Utc>) {
        let since = *self.cx.since.get_or_insert(at);
        for o in &mut self.others {
            o.cx.since = Some(since);
        }
    }

    /// `window` is the metrics window in minutes, as `--window` sets it.
    pub fn new(seed: u64, scale: usize, window: u32) -> Self {
        let cx = DemoCtx {
            seed,
            scale,
            window: window.max(1),
            rooms: crate::services::default_settings(),
            region: REGION.to_string(),
            since: None,
        };
        let specs = ServiceKind::ALL
            .iter()
            .map(|k| k.room().demo_spec(&cx))
            .collect();
        Self {
            cx,
            specs,
            intervals: Default::default(),
            key: String::new(),
            others: Vec::new(),
            book: Vec::new(),
        }
    }

    /// An organization of `n` accounts of different sizes; with more than
    /// one, the last is denied (its role's trust policy refuses awstop), so
    /// a failing account is always on show.
    pub fn with_accounts(mut self, n: usize) -> Self {
        if n <= 1 {
            return self;
        }
        let name = |i: usize| match ORG.get(i) {
            Some((n, _)) => n.to_string(),
            None => format!("team-{i:02}"),
        };
        let regions = vec![self.cx.region.clone()];
        let info = |i: usize, error: Option<String>| crate::scope::AccountInfo {
            key: org_id(i),
            id: Some(org_id(i)),
            name: name(i),
            how: crate::scope::HowNamed::Demo,
            regions: regions.clone(),
            error,
            metrics_via: None,
        };
        self.key = org_id(0);
        self.book.push(info(0, None));
        for i in 1..n - 1 {
            let share = ORG.get(i).map_or(15, |(_, s)| *s);
            let scale = (self.cx.scale * share / 100).max(1);
            let mut other = DemoAccount::new(self.cx.seed + i as u64, scale, self.cx.window)
                .with_region(&self.cx.region)
                .with_rooms(self.cx.rooms.clone());
            other.key = org_id(i);
            other.cx.since = self.cx.since;
            self.others.push(other);
            self.book.push(info(i, None));
        }
        let denied = format!(
            "role arn:aws:iam::{}:role/awstop-read: AccessDenied: User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/demo-readonly/awstop is not authorized to perform: sts:AssumeRole",
            org_id(n - 1)
        );
        self.book.push(info(n - 1, Some(denied)));
        self
    }

    /// Every account of the demo organization that can be read: this one first.
    fn members(&self) -> impl Iterator<Item = &DemoAccount> {
        std::iter::once(self).chain(self.others.iter())
    }

    /// The organization's accounts, when there are several.
    fn accounts_msg(&self) -> Option<DataMsg> {
        (!self.book.is_empty()).then(|| DataMsg::Accounts(self.book.clone()))
    }

    /// Refresh on the same clocks the live pollers would use.
    pub fn with_intervals(mut self, intervals: Intervals) -> Self {
        self.intervals = intervals;
        self
    }

    /// Refreshes paced for a recording of `duration`: each room about ten
    /// times over it (at most once a second, and never less often than on
    /// screen), so that a short recording has a timeline to step through.
    pub fn paced_for(mut self, duration: Duration) -> Self {
        let pace = (duration / 10).max(Duration::from_secs(1));
        for k in ServiceKind::ALL {
            if pace < self.intervals.get(*k) {
                self.intervals.set(*k, pace);
            }
        }
        self
    }

    /// The demo account in another region.
    pub fn with_region(mut self, region: &str) -> Self {
        self.cx.region = region.to_string();
        for o in &mut self.others {
            o.cx.region = region.to_string();
        }
        self
    }

    /// The rooms' own settings (Lambda: the percentile the demo reports).
    pub fn with_rooms(mut self, rooms: crate::room_settings::RoomSettings) -> Self {
        for o in &mut self.others {
            o.cx.rooms = rooms.clone();
        }
        self.cx.rooms = rooms;
        self
    }

    pub fn account(&self) -> Account {
        Account {
            id: Some(ACCOUNT_ID.into()),
            caller_arn: Some(format!(
                "arn:aws:sts::{ACCOUNT_ID}:assumed-role/demo-readonly/awstop"
            )),
            profile: Some("demo".into()),
            regions: vec![self.cx.region.clone()],
        }
    }

    fn spec(&self, kind: ServiceKind) -> &(dyn Any + Send + Sync) {
        &*self.specs[kind.index()]
    }

    /// A room's data at `now`; per-row history only for `detail` (the rows on
    /// screen), as the live source fetches it, or for every row when `None`.
    pub fn payload(
        &self,
        kind: ServiceKind,
        now: DateTime<Utc>,
        detail: Option<&HashSet<String>>,
    ) -> Payload {
        kind.room().demo(self.spec(kind), &self.cx, now, detail)
    }

    /// One room's refresh as the dashboard polls it.
    pub fn loaded_for(
        &self,
        kind: ServiceKind,
        now: DateTime<Utc>,
        detail: &HashSet<String>,
    ) -> DataMsg {
        self.at(now, self.payload(kind, now, Some(detail)))
    }

    /// One room's full refresh, every row's history included.
    pub fn loaded(&self, kind: ServiceKind, now: DateTime<Utc>) -> DataMsg {
        self.at(now, self.payload(kind, now, None))
    }

    /// Every message a full refresh at `now` produces, in the order the UI wants them.
    pub fn messages_at(&self, now: DateTime<Utc>) -> Vec<DataMsg> {
        let mut out = vec![DataMsg::Account(self.account())];
        out.extend(self.accounts_msg());
        for m in self.members() {
            for k in ServiceKind::ALL {
                out.push(m.loaded(*k, now));
            }
        }
        out
    }

    /// One room's refresh in every account, as the dashboard polls it.
    pub fn loaded_all_for(
        &self,
        kind: ServiceKind,
        now: DateTime<Utc>,
        detail: &HashSet<String>,
    ) -> Vec<DataMsg> {
        self.members()
            .map(|m| {
                // A detail's keys scoped to another account are not this one's.
                let keys: Vec<String> = detail.iter().cloned().collect();
                let mine: HashSet<String> = crate::services::msg::keys_for(&keys, &m.key, &m.cx.region).into_iter().collect();
                m.loaded_for(kind, now, &mine)
            })
            .collect()
    }

    /// A full refresh for headless output: rooms whose snapshot shows no
    /// per-row details are read without them (Lambda's histories are most
    /// of the memory at 10,000 functions).
    pub fn messages_headless(&self, now: DateTime<Utc>) -> Vec<DataMsg> {
        let none = HashSet::new();
        let mut out = vec![DataMsg::Account(self.account())];
        out.extend(self.accounts_msg());
        for m in self.members() {
            for k in ServiceKind::ALL {
                out.push(match k.room().info().snapshot_needs_detail {
                    true => m.loaded(*k, now),
                    false => m.loaded_for(*k, now, &none),
                });
            }
        }
        out
    }

    /// One tick of a live tail of row `key` of room `kind`: what was logged
    /// after `from`, up to `now`.
    /// The member whose key is `account` (this one for "").
    pub fn member(&self, account: &str) -> &DemoAccount {
        self.members().find(|m| m.key == account).unwrap_or(self)
    }

    pub fn tail(
        &self,
        kind: ServiceKind,
        key: &str,
        from: DateTime<Utc>,
        now: DateTime<Utc>,
        tick: u64,
    ) -> Option<DataMsg> {
        let lines = kind
            .room()
            .demo_tail(self.spec(kind), &self.cx, key, (from, now), tick)?;
        Some(DataMsg::Tail {
            key: key.to_string(),
            lines,
        })
    }

    fn at(&self, now: DateTime<Utc>, payload: Payload) -> DataMsg {
        DataMsg::Loaded {
            account: self.key.clone(),
            region: self.cx.region.clone(),
            fetched_at: now,
            payload,
        }
    }

    /// How often each demo feed refreshes: the same cadence the live pollers use.
    pub fn interval(&self, kind: ServiceKind) -> Duration {
        self.intervals.get(kind)
    }
}

/// How often a live tail shows what was logged since its last tick.
const TAIL_TICK: Duration = Duration::from_millis(1500);
/// How soon a view that was just opened gets its data: at once, give or
/// take the keys that opened it.
const SOON: Duration = Duration::from_millis(300);

/// Feeds the app until it hangs up.
pub async fn run(
    mut demo: DemoAccount,
    clock: Clock,
    tx: DataTx,
    mut cmds: mpsc::Receiver<SourceCmd>,
) {
    demo.start_at(clock.now());
    let demo = std::sync::Arc::new(demo);
    let start = tokio::time::Instant::now();
    let mut next: BTreeMap<ServiceKind, tokio::time::Instant> =
        ServiceKind::ALL.iter().map(|k| (*k, start)).collect();
    let mut tail: Option<(ServiceKind, String, String)> = None;
    let mut tail_tick = tokio::time::interval(TAIL_TICK);
    // Where the tail's last tick ended: each event is tailed once.
    let mut tailed_to: Option<DateTime<Utc>> = None;
    let mut ticks = 0u64;
    // Per room: the rows on screen, and those the last refresh carried history for.
    let mut visible: BTreeMap<ServiceKind, HashSet<String>> = BTreeMap::new();
    let mut detailed: BTreeMap<ServiceKind, HashSet<String>> = BTreeMap::new();
    if tx.send(DataMsg::Account(demo.account())).await.is_err() {
        return;
    }
    if let Some(m) = demo.accounts_msg() {
        if tx.send(m).await.is_err() {
            return;
        }
    }
    loop {
        let now = tokio::time::Instant::now();
        for k in ServiceKind::ALL {
            if next.get(k).is_some_and(|t| *t <= now) {
                // Off the UI's thread: at 10,000 functions a refresh takes long
                // enough that keys would wait for it.
                let (d, at, kind) = (demo.clone(), clock.now(), *k);
                let want = visible.get(k).cloned().unwrap_or_default();
                detailed.insert(*k, want.clone());
                let job = move || d.loaded_all_for(kind, at, &want);
                let Ok(msgs) = tokio::task::spawn_blocking(job).await else {
                    return;
                };
                for msg in msgs {
                    if tx.send(msg).await.is_err() {
                        return;
                    }
                }
                next.insert(*k, now + demo.interval(*k));
            }
        }
        let wake = next.values().min().copied().unwrap_or(now);
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            _ = tail_tick.tick(), if tail.is_some() => {
                ticks += 1;
                if let Some((kind, account, key)) = &tail {
                    let now = clock.now();
                    let from = tailed_to.unwrap_or(now - chrono::Duration::from_std(TAIL_TICK).unwrap_or_default());
                    tailed_to = Some(now);
                    if let Some(m) = demo.member(account).tail(*kind, key, from, now, ticks) {
                        if tx.send(m).await.is_err() {
                            return;
                        }
                    }
                }
            }
            cmd = cmds.recv() => match cmd {
                Some(SourceCmd::RefreshAll) => {
                    let now = tokio::time::Instant::now();
                    next.values_mut().for_each(|t| *t = now);
                }
                Some(SourceCmd::Visible { service, keys }) => {
                    // History is drawn only in a row's own view, which asks for
                    // that one row (and may mark it `open:KEY`); list rows
                    // show numbers, which every row has, so scrolling a list
                    // waits for the next refresh.
                    let detail = crate::services::msg::asks_detail(&keys);
                    let keys: HashSet<String> = keys.into_iter().collect();
                    let fresh = detail && !detailed.get(&service).is_some_and(|d| keys.is_subset(d));
                    visible.insert(service, keys);
                    if fresh {
                        let soon = tokio::time::Instant::now() + SOON;
                        if let Some(t) = next.get_mut(&service) {
                            *t = (*t).min(soon);
                        }
                    }
                }
                Some(SourceCmd::Tail(target)) => {
                    // A tail that stops leaves the detail to say what it
                    // saw: refresh that room now, not a minute later.
                    if let (Some((kind, _, _)), None) = (&tail, &target) {
                        if let Some(t) = next.get_mut(kind) {
                            *t = (*t).min(tokio::time::Instant::now() + SOON);
                        }
                    }
                    tail = target.map(|t| (t.service, t.account, t.key));
                    tailed_to = None;
                }
                Some(SourceCmd::Timeline(_)) => {}
                None => return,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lambda::{coldstart, Function};
    use crate::services::Payload;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn functions(demo: &DemoAccount, now: DateTime<Utc>, name: &str) -> Vec<Function> {
        let detail: HashSet<String> = [name.to_string()].into();
        match demo.payload(ServiceKind::Lambda, now, Some(&detail)) {
            Payload::Lambda(d) => d.functions,
            _ => unreachable!(),
        }
    }

    #[test]
    fn fixed_facts_stay_put_while_durations_grow() {
        let start = t("2026-11-22T14:03:20Z");
        let mut demo = DemoAccount::new(42, 40, 60);
        demo.cx.since = Some(start);
        let later = start + chrono::Duration::minutes(10);
        let modified = |now| {
            functions(&demo, now, "health-probe")
                .into_iter()
                .find(|f| f.name == "health-probe")
                .and_then(|f| f.config.last_modified)
        };
        assert!(modified(start).is_some());
        assert_eq!(modified(start), modified(later));
        let emr = |now| match demo.payload(ServiceKind::Emr, now, None) {
            Payload::Emr(d) => d.clusters,
            _ => unreachable!(),
        };
        let (before, after) = (emr(start), emr(later));
        for name in ["etl-hourly", "spark-nightly"] {
            let at = |cs: &[crate::services::emr::EmrCluster]| {
                cs.iter()
                    .find(|c| c.name == name)
                    .and_then(|c| c.created_at)
            };
            assert!(at(&before).is_some(), "{name}");
            assert_eq!(at(&before), at(&after), "{name}");
        }
        let idle = |cs: &[crate::services::emr::EmrCluster]| {
            cs.iter()
                .find(|c| c.name == "spark-nightly")
                .and_then(|c| c.metrics.idle_minutes)
                .unwrap()
        };
        assert_eq!(
            idle(&after),
            idle(&before) + 10,
            "idle time grows with the clock"
        );
        // Without a start (a one-off snapshot), facts are set back from the moment asked for.
        let once = DemoAccount::new(42, 40, 60);
        let f = functions(&once, start, "health-probe");
        assert_eq!(
            f.iter()
                .find(|f| f.name == "health-probe")
                .unwrap()
                .config
                .last_modified,
            modified(start)
        );
    }

    #[test]
    fn cold_starts_in_the_live_tail_are_those_the_detail_counts_and_lists() {
        let demo = DemoAccount::new(42, 40, 60);
        let name = "image-resize";
        let mut from = t("2026-11-22T14:00:00Z");
        let mut tailed = 0;
        for tick in 0..2400 {
            let now = from + chrono::Duration::milliseconds(1500);
            let Some(DataMsg::Tail { lines, .. }) =
                demo.tail(ServiceKind::Lambda, name, from, now, tick)
            else {
                panic!("no tail");
            };
            let cold: Vec<String> = lines
                .iter()
                .filter(|l| l.cold)
                .map(|l| match coldstart::parse(&l.text) {
                    coldstart::Parsed::Report(r) => r.request_id,
                    _ => panic!("{}", l.text),
                })
                .collect();
            if !cold.is_empty() {
                let f = functions(&demo, now, name)
                    .into_iter()
                    .find(|f| f.name == name)
                    .unwrap();
                let c = f.stats.cold.unwrap();
                for id in &cold {
                    assert!(
                        c.recent.iter().any(|e| &e.request_id == id),
                        "{now}: tail's cold start {id} not in the detail's {:?}",
                        c.recent
                    );
                }
                assert!(c.count >= cold.len() as u64);
                tailed += cold.len();
            }
            from = now;
        }
        assert!(tailed > 5, "an hour of tail showed {tailed} cold starts");
    }
}
