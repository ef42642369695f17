//! Every room's poller: one loop per (room, region), written once. A room
//! gives the loop its refresh (a `Poller`: what it keeps between refreshes
//! and how it reads them); the loop schedules the refreshes, backs off with
//! jitter while AWS throttles, says when the next try is on every failure,
//! sends what was read, and wakes early when the user asks for a refresh or
//! scrolls rows that were never read into view.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::live::{no_client, send_all, Live, RegionClients};
use super::msg::{DataMsg, DataTx};
use super::room::{BoxFuture, Registered};
use crate::aws::backoff::{next_delay, salt};
use crate::aws::ErrorKind;

/// How long the rooms off screen wait at launch for the room on screen to
/// send its first figures, at most.
pub const SCREEN_FIRST_MAX: Duration = Duration::from_secs(3);

/// How long scrolling settles before rows scrolled into view are read.
pub const SCROLL_SETTLE: Duration = Duration::from_millis(500);

/// Waits until the room the dashboard opens on has sent its first figures,
/// `SCREEN_FIRST_MAX`, or that room's poller has ended, whichever is first.
/// A region's rooms off screen start their first listing after it: while the
/// screen's numbers are read, neither the endpoint nor this process's one
/// thread is busy with what the user cannot see yet.
pub async fn after_screen(mut read: watch::Receiver<bool>) {
    let _ = tokio::time::timeout(SCREEN_FIRST_MAX, read.wait_for(|r| *r)).await;
}

/// What a room keeps between the refreshes of one region, and how it reads
/// one. `run` does the rest.
pub trait Poller: Send + 'static {
    /// The room polled: its interval, its client.
    type Room: Registered;
    /// Refreshes fall on the shared grid (`on_grid`), so that rooms sharing
    /// GetMetricData calls refresh together; otherwise a refresh comes one
    /// interval after the last one ended.
    const ON_GRID: bool = true;
    /// How long scrolling settles before rows scrolled into view unread are
    /// read (`unread`).
    const SETTLE: Duration = SCROLL_SETTLE;

    /// One refresh of `cx`'s region: what to send, every failure among it.
    /// `woke` says why it runs. `None` ends the poller: the dashboard has
    /// gone while the refresh sent figures of its own.
    fn refresh<'a>(
        &'a mut self,
        cx: &'a mut PollCtx,
        woke: Woke,
    ) -> BoxFuture<'a, Option<Vec<DataMsg>>>;

    /// How long until the next refresh when AWS is not throttling.
    fn every(&self, live: &Live) -> Duration {
        live.opts.intervals.get(<Self::Room as Registered>::KIND)
    }

    /// Whether rows on screen (`visible`, the room's keys) were never read:
    /// then scrolling wakes the poller early.
    fn unread(&self, _visible: &[String]) -> bool {
        false
    }
}

/// The poller of one room in one region, until the app hangs up. A region
/// the room has no client for says so once.
pub async fn run<P: Poller>(mut cx: PollCtx, mut room: P) {
    let kind = <P::Room as Registered>::KIND;
    if cx.region().client::<P::Room>().is_none() {
        let msgs = no_client(kind, &cx.region().name);
        let _ = cx.send(msgs).await;
        return;
    }
    let mut throttles = 0;
    let mut woke = Woke::First;
    loop {
        let turns = cx.turns.clone();
        let turn = match &turns {
            Some(t) => Some(t.enter().await),
            None => None,
        };
        let read = room.refresh(&mut cx, woke).await;
        drop(turn);
        let Some(mut msgs) = read else {
            return;
        };
        throttles = if throttled(&msgs) { throttles + 1 } else { 0 };
        let delay = next_delay(room.every(&cx.live), throttles, salt());
        retry_in(&mut msgs, delay);
        if !cx.send(msgs).await {
            return;
        }
        woke = cx
            .wait(delay, throttles > 0, P::ON_GRID, P::SETTLE, |v| {
                room.unread(v)
            })
            .await;
    }
}

/// A room whose every refresh is its `RoomLive::refresh`, with nothing kept
/// between them: one interval after the other.
pub struct Simple<S>(std::marker::PhantomData<S>);

impl<S> Default for Simple<S> {
    fn default() -> Self {
        Simple(std::marker::PhantomData)
    }
}

impl<S: Registered> Poller for Simple<S> {
    type Room = S;
    const ON_GRID: bool = false;

    fn refresh<'a>(
        &'a mut self,
        cx: &'a mut PollCtx,
        woke: Woke,
    ) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            let first = (woke == Woke::First).then_some(&cx.tx);
            Some(S::refresh(&live, &live.regions[cx.region], first).await)
        })
    }
}

/// What one room's poller for one region is given.
pub struct PollCtx {
    pub live: Arc<Live>,
    /// Index into `live.regions`.
    pub region: usize,
    pub tx: DataTx,
    pub waker: Waker,
    /// The keys of the room's rows on screen.
    pub visible: watch::Receiver<Vec<String>>,
    /// The account's share of the fleet's reads at once (`turns`); `None`:
    /// one account, never held back.
    pub turns: Option<std::sync::Arc<super::turns::AccountTurns>>,
    /// Held by the room the dashboard opens on until its first figures are
    /// sent: the region's other rooms wait for it (`after_screen`).
    pub screen: Option<watch::Sender<bool>>,
}

impl PollCtx {
    /// This room's first figures are sent: if it is the one on screen at
    /// launch, the region's other rooms may start.
    pub fn screen_read(&mut self) {
        if let Some(s) = self.screen.take() {
            s.send_replace(true);
        }
    }

    /// Sends a refresh's `msgs` and the call counts (`send_all`); false once
    /// the app has hung up. The end of a poller's first refresh is its first
    /// figures.
    pub async fn send(&mut self, msgs: Vec<DataMsg>) -> bool {
        let sent = send_all(&self.tx, &self.live, msgs).await;
        self.screen_read();
        sent
    }

    pub fn region(&self) -> &RegionClients {
        &self.live.regions[self.region]
    }

    /// Sleeps `delay`, less when the user asks for a refresh, or when rows
    /// that `unread` says were never read scroll into view (then `settle`
    /// more, so scrolling settles before anything is asked). A throttled
    /// poller does not wake for scrolling, and waits its backoff from now;
    /// otherwise the refresh falls on the shared grid (`on_grid`) when
    /// `grid`, `delay` from now when not.
    async fn wait(
        &mut self,
        delay: Duration,
        throttled: bool,
        grid: bool,
        settle: Duration,
        unread: impl Fn(&[String]) -> bool,
    ) -> Woke {
        let now = tokio::time::Instant::now();
        let deadline = if throttled || !grid {
            now + delay
        } else {
            on_grid(self.live.epoch, now, delay)
        };
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return Woke::Due,
                r = self.waker.refresh.changed() => {
                    if r.is_ok() { return Woke::Refresh; }
                    tokio::time::sleep_until(deadline).await;
                    return Woke::Due;
                }
                v = self.visible.changed() => {
                    if v.is_err() { tokio::time::sleep_until(deadline).await; return Woke::Due; }
                    if !throttled && unread(&self.visible.borrow()) {
                        if !settle.is_zero() {
                            tokio::time::sleep(settle).await;
                        }
                        return Woke::Scrolled;
                    }
                }
            }
        }
    }
}

/// When a refresh every `every` is next due: on a grid that starts with the
/// source, so that rooms whose intervals divide one another (Lambda's minute,
/// API Gateway's two) refresh at the same moments and share their
/// GetMetricData calls, however long each refresh took. Never sooner than
/// half an interval from now: a late refresh skips a turn rather than run
/// twice in a row.
pub fn on_grid(
    epoch: tokio::time::Instant,
    now: tokio::time::Instant,
    every: Duration,
) -> tokio::time::Instant {
    let step = every.as_millis().max(1);
    let since = (now + every / 2)
        .saturating_duration_since(epoch)
        .as_millis();
    let turns = since.div_ceil(step);
    epoch + Duration::from_millis(u64::try_from(turns * step).unwrap_or(u64::MAX / 4))
}

/// Why a refresh runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woke {
    /// The poller's first refresh: the dashboard's first read.
    First,
    /// Its interval (or backoff) is over.
    Due,
    /// The user asked for a refresh.
    Refresh,
    /// Rows that were never read scrolled into view.
    Scrolled,
}

/// Wakes a sleeping poller when the user asks for a refresh.
pub struct Waker {
    pub refresh: watch::Receiver<u64>,
}

impl Waker {
    /// Sleeps `d`, or less if a refresh is asked for. True when woken by a refresh.
    pub async fn sleep(&mut self, d: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(d) => false,
            r = self.refresh.changed() => r.is_ok(),
        }
    }
}

/// Whether AWS asked to slow down in any of these.
fn throttled(msgs: &[DataMsg]) -> bool {
    msgs.iter()
        .any(|m| matches!(m, DataMsg::Failed { error, .. } if error.kind == ErrorKind::Throttled))
}

/// Says when the next try is, on every failure among `msgs`.
fn retry_in(msgs: &mut [DataMsg], delay: Duration) {
    for m in msgs {
        if let DataMsg::Failed { error, .. } = m {
            error.retry_in_s = Some(delay.as_secs().max(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_fall_on_one_grid_whatever_each_took() {
        let epoch = tokio::time::Instant::now();
        let at = |s: f64| epoch + Duration::from_secs_f64(s);
        let min = Duration::from_secs(60);
        // A minute poller that took 3 s and one that took 20 s both go at 60 s,
        // and the two-minute poller at 120 s meets the minute one there.
        assert_eq!(on_grid(epoch, at(3.0), min), at(60.0));
        assert_eq!(on_grid(epoch, at(20.0), min), at(60.0));
        assert_eq!(on_grid(epoch, at(61.0), min), at(120.0));
        assert_eq!(on_grid(epoch, at(4.0), 2 * min), at(120.0));
        // Late by more than half an interval: the next turn is skipped.
        assert_eq!(on_grid(epoch, at(95.0), min), at(180.0));
        assert_eq!(on_grid(epoch, at(0.0), Duration::ZERO), at(0.0));
    }

    #[tokio::test(start_paused = true)]
    async fn rooms_off_screen_wait_for_the_screens_first_figures_and_no_longer_than_the_cap() {
        use tokio::time::Instant;
        // Never read: the cap.
        let (_held, read) = watch::channel(false);
        let t = Instant::now();
        after_screen(read).await;
        assert_eq!(t.elapsed(), SCREEN_FIRST_MAX);
        // Read after 1 s: then.
        let (tx, read) = watch::channel(false);
        let t = Instant::now();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            tx.send_replace(true);
        });
        after_screen(read).await;
        assert_eq!(t.elapsed(), Duration::from_secs(1));
        // The screen's poller ended without a word: at once.
        let (tx, read) = watch::channel(false);
        drop(tx);
        let t = Instant::now();
        after_screen(read).await;
        assert_eq!(t.elapsed(), Duration::ZERO);
    }
}
