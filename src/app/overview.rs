//! The Overview's lists as something to move through: Up and Down walk their
//! items in the order drawn, Enter opens the one selected in its own pane.

use super::model::{Model, Pane, View};
use crate::services::room::{ListCtx, OverviewList};
use crate::services::{RoomView, ServiceKind};

/// Rows the header, tabs, pane title and footer take.
const CHROME: u16 = 4;

/// Lines above the lists: one per room, the cost and what the rooms say of
/// it (Lambda's free tier), and a blank.
pub fn totals_height(m: &Model) -> usize {
    let b = &m.data.burn;
    let cost = (b.priced > 0 || b.why.is_some()) as usize;
    let notes = b
        .by_service
        .iter()
        .filter(|(_, c)| c.note.is_some())
        .count();
    ServiceKind::ALL.len() + cost + notes + 1
}

/// Heights of the rows of lists (two lists a row) in `body` lines: each row
/// as tall as its longer list needs, a fair share at most while others
/// still want more, so short lists give their room to long ones.
pub fn row_heights(need: &[usize], body: usize) -> Vec<usize> {
    let mut h = vec![0; need.len()];
    let mut left = body;
    let mut open: Vec<usize> = (0..need.len()).collect();
    while !open.is_empty() && left > 0 {
        let share = (left / open.len()).max(1);
        let mut next = Vec::new();
        for &i in &open {
            let give = (need[i] - h[i]).min(share).min(left);
            h[i] += give;
            left -= give;
            if h[i] < need[i] {
                next.push(i);
            }
        }
        if next.len() == open.len() && share == 1 && left == 0 {
            break;
        }
        open = next;
    }
    h
}

/// Lists side by side: two on an 80-column terminal, more where each still
/// gets some 50 columns.
pub fn per_row(width: u16) -> usize {
    (width as usize / 50).clamp(2, 4)
}

/// Every room's lists at the height on screen, in the order they are drawn,
/// and the height of each row of `per_row` lists.
pub fn layout(m: &Model) -> (Vec<(ServiceKind, Vec<OverviewList>)>, Vec<usize>) {
    let body = (m.ui.height.saturating_sub(CHROME) as usize).saturating_sub(totals_height(m));
    let cx = ListCtx {
        now: m.data.now,
        settings: &m.data.settings,
        limit: body.max(1),
    };
    let mut rooms: Vec<(ServiceKind, Vec<OverviewList>)> = ServiceKind::ALL
        .iter()
        .map(|k| (*k, k.room().offenders(&m.data.feeds, &cx)))
        .collect();
    // Each row of two lists needs a title and a line. Where the terminal is
    // too short for every row, the lists with nothing to report go first
    // (their "none" is the least news), then the last rows.
    let count = |rooms: &[(ServiceKind, Vec<OverviewList>)]| {
        rooms.iter().map(|(_, ls)| ls.len()).sum::<usize>()
    };
    let n = per_row(m.ui.width);
    if count(&rooms).div_ceil(n) * 2 > body {
        for (_, ls) in &mut rooms {
            ls.retain(|l| !l.items.is_empty());
        }
    }
    // Still too many: every room keeps its first list before any keeps a
    // second, so no service drops off the Overview for another's sake.
    let fit = body / 2 * n;
    let mut keep: Vec<usize> = vec![0; rooms.len()];
    let (mut kept, mut depth) = (0, 0);
    while kept < fit && rooms.iter().any(|(_, ls)| ls.len() > depth) {
        for (i, (_, ls)) in rooms.iter().enumerate() {
            if ls.len() > depth && kept < fit {
                keep[i] += 1;
                kept += 1;
            }
        }
        depth += 1;
    }
    for ((_, ls), n) in rooms.iter_mut().zip(keep) {
        ls.truncate(n);
    }
    // A list shows its title and at least one line ("none" when empty).
    let lens: Vec<usize> = rooms
        .iter()
        .flat_map(|(_, ls)| ls.iter().map(|l| l.items.len().max(1)))
        .collect();
    let need: Vec<usize> = lens
        .chunks(n)
        .map(|c| 1 + c.iter().max().copied().unwrap_or(1))
        .collect();
    let heights = row_heights(&need, body.max(need.len() * 2));
    let mut i = 0;
    for (_, ls) in &mut rooms {
        for l in ls {
            l.items.truncate(heights[i / n].saturating_sub(1).max(1));
            i += 1;
        }
    }
    (rooms, heights)
}

/// Every room's lists as drawn.
pub fn lists(m: &Model) -> Vec<(ServiceKind, Vec<OverviewList>)> {
    layout(m).0
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

#[cfg(test)]
mod tests {
    use super::row_heights;

    #[test]
    fn short_lists_give_their_room_to_long_ones() {
        // Three rows wanting 2, 9 and 30 lines in 24: 2, 9, and the 13 left.
        assert_eq!(row_heights(&[2, 9, 30], 24), vec![2, 9, 13]);
        // Everyone wants more than the fair share: an even split.
        assert_eq!(row_heights(&[20, 20, 20], 24), vec![8, 8, 8]);
        // Room to spare: each row as tall as it needs.
        assert_eq!(row_heights(&[3, 4], 40), vec![3, 4]);
        assert_eq!(row_heights(&[], 10), Vec::<usize>::new());
    }
}
