//! The Overview's lists as something to move through: Up and Down walk their
//! items in the order drawn, Enter opens the one selected in its own pane.

use super::model::{Model, Pane, View};
use crate::services::room::{ListCtx, ListKind, OverviewList};
use crate::services::{RoomView, ServiceKind};

/// Lines above the lists: one per room, the cost and what the rooms say of
/// it (Lambda's free tier), and a blank (or the suspect's line).
pub fn totals_height(m: &Model) -> usize {
    let b = &m.data.burn;
    let cost = (b.priced > 0 || b.why.is_some()) as usize;
    let notes = b
        .by_service
        .iter()
        .filter(|(_, c)| c.note.is_some())
        .count();
    let bill = m.data.actuals.is_some() as usize;
    // The suspect's line, when there is one, takes the blank's place.
    ServiceKind::ALL.len() + cost + bill + notes + 1
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

/// One screen of the Overview's lists: every room's lists on it, in
/// registry order, and the height of each row of `per_row` lists.
#[derive(Debug, Clone)]
pub struct Page {
    pub rooms: Vec<(ServiceKind, Vec<OverviewList>)>,
    /// Lists across rooms, drawn after every room's, each with whether
    /// anything was read for it.
    pub across: Vec<(OverviewList, bool)>,
    pub heights: Vec<usize>,
}

/// "Unusual now": every room's resources far from their own last week,
/// most unusual first (docs/baseline.md), whichever room they are in.
fn unusual_now(m: &Model, cx: &ListCtx) -> (OverviewList, bool) {
    let mut read = false;
    let mut all = Vec::new();
    for k in ServiceKind::ALL {
        if let Some(items) = k.room().unusual_now(&m.data.feeds, cx) {
            read = true;
            all.extend(items);
        }
    }
    crate::baseline::rank(&mut all, |u| (u.ratio, u.now));
    let list = OverviewList {
        title: "Unusual now",
        items: all.into_iter().take(cx.limit).map(|u| u.item).collect(),
        kind: ListKind::Flags,
    };
    (list, read)
}

/// What the Overview's pages are computed from. Ranking every room's rows
/// (50,000 functions by cost, by last week) takes tens of milliseconds, and
/// a frame on the Overview asks for the pages several times (the lists, the
/// footer, the selection): so they are computed once per data message,
/// terminal size and ten-second step of the clock, the step the ages on
/// screen are written in (`fmt::age`), and a key that only moves the
/// selection reuses them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PagesBasis {
    data_msgs: u64,
    step: i64,
    width: u16,
    height: u16,
}

/// The Overview's lists, a page at a time (`PagesBasis` says when they are
/// computed again).
pub fn pages(m: &Model) -> Vec<Page> {
    let basis = PagesBasis {
        data_msgs: m.data_msgs,
        step: m.data.now.timestamp().div_euclid(10),
        width: m.ui.width,
        height: m.ui.height,
    };
    if let Some((b, pages)) = &*m.overview_pages.borrow() {
        if *b == basis {
            return pages.clone();
        }
    }
    let pages = compute_pages(m);
    *m.overview_pages.borrow_mut() = Some((basis, pages.clone()));
    pages
}

/// The Overview's lists, a page at a time: all on one page where they fit,
/// else each room's first list before any room's second (those with news
/// before those with none) on the first page, the rest on the next, a line
/// kept at the bottom to say what the other pages hold.
fn compute_pages(m: &Model) -> Vec<Page> {
    let body = (m.ui.height.saturating_sub(crate::layout::OVERVIEW_CHROME_ROWS) as usize)
        .saturating_sub(totals_height(m));
    let cx = ListCtx {
        now: m.data.now,
        settings: &m.data.settings,
        limit: body.max(1),
    };
    let rooms: Vec<(ServiceKind, Vec<OverviewList>)> = ServiceKind::ALL
        .iter()
        .map(|k| (*k, k.room().offenders(&m.data.feeds, &cx)))
        .collect();
    // After every room's lists, so that adding one moves none of theirs.
    let across = vec![unusual_now(m, &cx)];
    let n = per_row(m.ui.width);
    let count: usize = rooms.iter().map(|(_, ls)| ls.len()).sum::<usize>() + across.len();
    // Each row of lists needs a title and a line.
    let (body, fit) = if count.div_ceil(n) * 2 <= body {
        (body, count.max(1))
    } else {
        let body = body.saturating_sub(1);
        (body, (body / 2 * n).max(n))
    };
    // (room, list) in the order pages take them; the lists across rooms
    // (room `rooms.len()`) first, on the first page.
    let mut order: Vec<(usize, usize)> = (0..across.len()).map(|l| (rooms.len(), l)).collect();
    for news in [true, false] {
        let mut depth = 0;
        while rooms.iter().any(|(_, ls)| ls.len() > depth) {
            for (r, (_, ls)) in rooms.iter().enumerate() {
                if ls.get(depth).is_some_and(|l| l.items.is_empty() != news) {
                    order.push((r, depth));
                }
            }
            depth += 1;
        }
    }
    let mut page_of: Vec<Vec<usize>> = rooms
        .iter()
        .map(|(_, ls)| vec![0; ls.len()])
        .chain([vec![0; across.len()]])
        .collect();
    for (i, (r, l)) in order.iter().enumerate() {
        page_of[*r][*l] = i / fit;
    }
    let count_pages = order.len().div_ceil(fit).max(1);
    let mut out: Vec<Page> = (0..count_pages)
        .map(|_| Page {
            rooms: Vec::new(),
            across: Vec::new(),
            heights: Vec::new(),
        })
        .collect();
    let across_pages = page_of.pop().unwrap_or_default();
    for (l, p) in across.into_iter().zip(across_pages) {
        out[p].across.push(l);
    }
    for ((k, ls), pages) in rooms.into_iter().zip(page_of) {
        for page in out.iter_mut() {
            page.rooms.push((k, Vec::new()));
        }
        for (l, p) in ls.into_iter().zip(pages) {
            if let Some((_, v)) = out[p].rooms.last_mut() {
                v.push(l);
            }
        }
    }
    for page in &mut out {
        page.heights = heights(&mut page.rooms, &mut page.across, n, body);
    }
    out
}

/// Row heights for a page's lists in `body` lines; each list cut to its row.
fn heights(
    rooms: &mut [(ServiceKind, Vec<OverviewList>)],
    across: &mut [(OverviewList, bool)],
    n: usize,
    body: usize,
) -> Vec<usize> {
    let mut lists: Vec<&mut OverviewList> = rooms
        .iter_mut()
        .flat_map(|(_, ls)| ls.iter_mut())
        .chain(across.iter_mut().map(|(l, _)| l))
        .collect();
    // A list shows its title and at least one line ("none" when empty).
    let lens: Vec<usize> = lists.iter().map(|l| l.items.len().max(1)).collect();
    let need: Vec<usize> = lens
        .chunks(n)
        .map(|c| 1 + c.iter().max().copied().unwrap_or(1))
        .collect();
    let heights = row_heights(&need, body.max(need.len() * 2));
    for (i, l) in lists.iter_mut().enumerate() {
        l.items.truncate(heights[i / n].saturating_sub(1).max(1));
    }
    heights
}

/// The page on screen, within the pages there are.
pub fn page(m: &Model, pages: &[Page]) -> usize {
    m.ui.overview_page.min(pages.len().saturating_sub(1))
}

/// Every room's lists as drawn on the page on screen.
pub fn lists(m: &Model) -> Vec<(ServiceKind, Vec<OverviewList>)> {
    let mut pages = pages(m);
    let p = page(m, &pages);
    pages.swap_remove(p).rooms
}

/// What each selectable item opens, in drawing order, page after page, with
/// the page it is on.
fn targets(m: &Model) -> Vec<(usize, ServiceKind, Vec<RoomView>)> {
    pages(m)
        .into_iter()
        .enumerate()
        .flat_map(|(p, page)| {
            // An item across rooms opens in the room of the view it opens.
            let across = page
                .across
                .into_iter()
                .flat_map(|(l, _)| l.items)
                .filter_map(move |i| Some((p, i.open.first()?.kind(), i.open)));
            page.rooms
                .into_iter()
                .flat_map(move |(k, ls)| {
                    ls.into_iter()
                        .flat_map(|l| l.items.into_iter().map(|i| i.open))
                        .map(move |open| (p, k, open))
                        .collect::<Vec<_>>()
                })
                .chain(across)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The items on pages before `page`: where its first item counts from.
pub fn first_item(m: &Model, page: usize) -> usize {
    targets(m).iter().filter(|(p, _, _)| *p < page).count()
}

pub fn has_items(m: &Model) -> bool {
    let all = targets(m);
    let p = page(m, &pages(m));
    all.iter().any(|(q, _, _)| *q == p)
}

/// Moves the selection by `to(current, last)`; the page follows it.
pub fn move_to(m: &mut Model, to: impl Fn(usize, usize) -> usize) {
    let all = targets(m);
    let n = all.len();
    m.ui.overview_cursor = to(m.ui.overview_cursor, n.saturating_sub(1)).min(n.saturating_sub(1));
    if let Some((p, _, _)) = all.get(m.ui.overview_cursor) {
        m.ui.overview_page = *p;
    }
}

/// PgDn / PgUp: the next or previous page, its first item selected.
pub fn turn(m: &mut Model, forward: bool) {
    let pages = pages(m).len();
    let p = m.ui.overview_page.min(pages.saturating_sub(1));
    m.ui.overview_page = if forward {
        (p + 1).min(pages.saturating_sub(1))
    } else {
        p.saturating_sub(1)
    };
    let all = targets(m);
    if let Some(i) = all.iter().position(|(q, _, _)| *q == m.ui.overview_page) {
        m.ui.overview_cursor = i;
    }
}

/// Opens the selected item: its pane, with the drill-down to it.
pub fn open(m: &mut Model) {
    let all = targets(m);
    let p = page(m, &pages(m));
    let Some((_, kind, path)) = all
        .get(m.ui.overview_cursor.min(all.len().saturating_sub(1)))
        .filter(|(q, _, _)| *q == p)
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
