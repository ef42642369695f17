//! A detail's list longer than its room: how far it scrolls and where a
//! movement key takes it. Pure, so the key handler and its tests need no
//! terminal; `widgets::scroll` draws the list and reports its extent here.

/// What a scrolled list last drew: the furthest its first line can go
/// (0 when every line fits) and the lines a page moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Extent {
    pub max: usize,
    pub page: usize,
}

/// A movement key, as a list reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// The first line shown after `m` from `offset`, never past the list's end:
/// a key pressed at either end does nothing, so the next one in the other
/// direction moves at once.
pub fn moved(offset: usize, m: Move, e: Extent) -> usize {
    let page = e.page.max(1);
    let from = offset.min(e.max);
    match m {
        Move::Up => from.saturating_sub(1),
        Move::Down => from + 1,
        Move::PageUp => from.saturating_sub(page),
        Move::PageDown => from + page,
        Move::Top => 0,
        Move::Bottom => e.max,
    }
    .min(e.max)
}

/// Which keys scroll the list: j/k where the view has no table, J/K where
/// j/k move a table's cursor.
pub fn keys(beside_a_table: bool) -> &'static str {
    if beside_a_table {
        "J/K"
    } else {
        "j/k"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_within_the_list() {
        let e = Extent { max: 10, page: 4 };
        assert_eq!(moved(0, Move::Down, e), 1);
        assert_eq!(moved(0, Move::Up, e), 0);
        assert_eq!(moved(3, Move::PageDown, e), 7);
        assert_eq!(moved(8, Move::PageDown, e), 10);
        assert_eq!(moved(2, Move::PageUp, e), 0);
        assert_eq!(moved(5, Move::Bottom, e), 10);
        assert_eq!(moved(5, Move::Top, e), 0);
        // At the end, down does nothing and up moves at once.
        assert_eq!(moved(10, Move::Down, e), 10);
        assert_eq!(moved(10, Move::Up, e), 9);
        // An offset left from a longer list (or a taller screen) counts from the end.
        assert_eq!(moved(40, Move::Up, e), 9);
        // Everything fits: nothing moves.
        let fits = Extent { max: 0, page: 6 };
        for m in [Move::Down, Move::PageDown, Move::Bottom, Move::Up] {
            assert_eq!(moved(0, m, fits), 0);
        }
        // A page of nothing still moves a line.
        assert_eq!(moved(0, Move::PageDown, Extent { max: 3, page: 0 }), 1);
    }
}
