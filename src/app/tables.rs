//! The table a view shows, whatever room it belongs to: its columns, its row
//! order, and the keys the selection follows.

use super::model::{Model, View};
use crate::table::{Columns, Ctx, RowId, SortCache, TableState};

pub fn ctx(m: &Model) -> Ctx {
    m.data.settings.cells(m.data.now)
}

/// The columns of the table a view shows; `None` when it is not a table.
pub fn columns_for(m: &Model, view: &View) -> Option<&'static dyn Columns> {
    match view {
        View::Overview | View::Accounts | View::Changes => None,
        View::Room(v) => v.kind().room().columns(&m.data.feeds, v),
    }
}

/// Row order for a list view; `None` for views that are not tables.
/// `cache` keeps each column's order of the data `m` holds.
pub fn rows_for(m: &Model, view: &View, st: &TableState, cache: &mut SortCache) -> Option<Vec<u32>> {
    match view {
        View::Overview | View::Accounts | View::Changes => None,
        View::Room(v) => {
            cache.at(m.data.gen_of(v.kind()));
            v.kind().room().rows(&m.data.feeds, v, st, &ctx(m), cache)
        }
    }
}

/// The identity of row `i` of a list view: what the selection remembers.
pub fn row_key<'a>(m: &'a Model, view: &View, i: u32) -> Option<&'a str> {
    match view {
        View::Overview | View::Accounts | View::Changes => None,
        View::Room(v) => v.kind().room().row_key(&m.data.feeds, v, i),
    }
}

/// What the selection remembers of row `i`: its key, account and region.
pub fn row_id(m: &Model, view: &View, i: u32) -> Option<RowId> {
    match view {
        View::Overview | View::Accounts | View::Changes => None,
        View::Room(v) => v.kind().room().row_id(&m.data.feeds, v, i),
    }
}

/// The item `id` remembers.
pub fn index_of(m: &Model, view: &View, id: &RowId) -> Option<u32> {
    match view {
        View::Overview | View::Accounts | View::Changes => None,
        View::Room(v) => v.kind().room().index_of(&m.data.feeds, v, id),
    }
}
