//! The account's burn rate: every room's estimate summed, for the header,
//! the Overview and the snapshot's `cost` section.

use super::feed::Freshness;
use super::{Feeds, ServiceKind, Settings};

use crate::cost::RoomCost;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountCost {
    pub per_hour: f64,
    pub priced: usize,
    /// Priced resources of which only a part is priced: the sum is a floor.
    pub partly_priced: usize,
    /// Resources left out of the sum: no price for them, or their usage not read.
    pub unpriced: usize,
    /// Rooms that price anything, in registry order.
    pub by_service: Vec<(ServiceKind, RoomCost)>,
    /// Why the first resource left out has no price.
    pub why: Option<String>,
}

pub fn account(feeds: &Feeds, settings: &Settings) -> AccountCost {
    repriced(&AccountCost::default(), feeds, settings, |_| true)
}

/// `account`, pricing again only the rooms `changed` says moved and taking
/// the others' estimates from `was`: a refresh of one room does not price
/// 10,000 functions of another.
pub fn repriced(was: &AccountCost, feeds: &Feeds, settings: &Settings, changed: impl Fn(ServiceKind) -> bool) -> AccountCost {
    let mut a = AccountCost::default();
    for &k in ServiceKind::ALL {
        // A room not read yet has no resources to price: leave it out rather
        // than count it as costing nothing.
        if !feeds.scopes(k).loaded() {
            continue;
        }
        let c = if changed(k) { k.room().cost(feeds, settings) } else { was.room(k).cloned() };
        if let Some(c) = c {
            a.add(k, c);
        }
    }
    a
}

/// `account`, per account watched (by the key its rows carry): one pass
/// over every room's rows, for the `:accounts` pane.
pub fn by_account(feeds: &Feeds, settings: &Settings) -> std::collections::BTreeMap<String, AccountCost> {
    let mut out: std::collections::BTreeMap<String, AccountCost> = Default::default();
    for &k in ServiceKind::ALL {
        if !feeds.scopes(k).loaded() {
            continue;
        }
        for (key, c) in k.room().cost_by_account(feeds, settings) {
            out.entry(key).or_default().add(k, c);
        }
    }
    out
}

impl AccountCost {
    /// Adds room `k`'s estimate to the sum.
    fn add(&mut self, k: ServiceKind, c: RoomCost) {
        self.per_hour += c.per_hour;
        self.priced += c.priced;
        self.unpriced += c.unpriced;
        self.partly_priced += c.partly_priced;
        if self.why.is_none() {
            self.why = c.why.clone();
        }
        self.by_service.push((k, c));
    }

    /// Dollars an hour, or `None` when nothing could be priced.
    pub fn figure(&self) -> Option<f64> {
        (self.priced > 0 || self.unpriced == 0).then_some(self.per_hour)
    }

    pub fn room(&self, k: ServiceKind) -> Option<&RoomCost> {
        self.by_service
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, c)| c)
    }
}

/// What watching costs an hour at the current view, from each poller's
/// schedule rather than from the pace so far (which the first refresh of
/// every room inflates): CloudWatch metrics requested an hour, in dollars.
pub fn watching_usd_per_hour(
    feeds: &Feeds,
    settings: &Settings,
    on_screen: Option<(ServiceKind, usize)>,
) -> f64 {
    let metrics = ServiceKind::ALL
        .iter()
        .map(|&k| {
            let cx = super::room::WatchCtx {
                settings,
                interval: settings.intervals.get(k),
                on_screen: on_screen.filter(|(r, _)| *r == k).map_or(0, |(_, n)| n),
            };
            k.room().watch(feeds, &cx)
        })
        .sum::<f64>();
    // The pollers never spend more than the budget, whatever they would ask.
    let metrics = if settings.metrics_all {
        metrics
    } else {
        metrics.min(settings.budget_usd_per_hour / crate::pricing::USD_PER_METRIC)
    };
    metrics * crate::pricing::USD_PER_METRIC
}
