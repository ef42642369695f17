//! The Overview's lists as something to move through: Up and Down walk their
//! items in the order drawn, Enter opens the one selected in its own pane.

use super::model::{Model, Pane, View};
use crate::services::room::{ListCtx, OverviewList};
use crate::services::{RoomView, ServiceKind};

/// Rows the header, tabs, pane title and footer take.
const CHROME: u16 = 4;

/// How many items each list shows at this height (the same for all lists).
pub fn limit(m: &Model, lists: usize) -> usize {
    let body = m.ui.height.saturating_sub(CHROME) as usize;
    let totals = ServiceKind::ALL.len() + 1;
    let rows = lists.div_ceil(2).max(1);
    ((body.saturating_sub(totals)) / rows)
        .saturating_sub(1)
        .max(1)
}

/// Every room's lists at the height on screen, in the order they are drawn.
pub fn lists(m: &Model) -> Vec<(ServiceKind, Vec<OverviewList>)> {
    let count: usize = ServiceKind::ALL
        .iter()
        .map(|k| {
            let cx = ListCtx {
                now: m.data.now,
                settings: &m.data.settings,
                limit: 1,
            };
            k.room().offenders(&m.data.feeds, &cx).len()
        })
        .sum();
    let cx = ListCtx {
        now: m.data.now,
        settings: &m.data.settings,
        limit: limit(m, count),
    };
    ServiceKind::ALL
        .iter()
        .map(|k| (*k, k.room().offenders(&m.data.feeds, &cx)))
        .collect()
}

/// What each selectable item opens, in drawing order.
fn targets(m: &Model) -> Vec<(ServiceKind, Vec<RoomView>)> {
    lists(m)
        .into_iter()
        .flat_map(|(k, ls)| {
            ls.into_iter()
                .flat_map(|l| l.items.into_iter().map(|i| i.open))
                .map(move |open| (k, open))
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn has_items(m: &Model) -> bool {
    !targets(m).is_empty()
}

/// Moves the selection by `to(current, last)`.
pub fn move_to(m: &mut Model, to: impl Fn(usize, usize) -> usize) {
    let n = targets(m).len();
    m.ui.overview_cursor = to(m.ui.overview_cursor, n.saturating_sub(1)).min(n.saturating_sub(1));
}

/// Opens the selected item: its pane, with the drill-down to it.
pub fn open(m: &mut Model) {
    let all = targets(m);
    let Some((kind, path)) = all
        .get(m.ui.overview_cursor.min(all.len().saturating_sub(1)))
        .cloned()
    else {
        return;
    };
    let pane = Pane::Room(kind);
    let mut stack = vec![pane.root()];
    stack.extend(path.into_iter().map(View::Room));
    m.ui.stacks.insert(pane, stack);
    m.ui.pane = pane;
}
