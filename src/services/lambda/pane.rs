//! Lambda: the functions table, and one function's detail (`detail.rs`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Lambda, LambdaState, View};
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi, UnusualItem};
use crate::widgets::table;

impl RoomUi for Lambda {
    fn draw(buf: &mut Buffer, area: Rect, state: &LambdaState, view: &View, cx: &PaneCtx) {
        match view {
            View::Functions => table::draw(buf, area, &state.functions, cx),
            View::Function { at, name } => super::detail::detail(buf, area, state, cx, at, name),
        }
    }

    fn overview(state: &LambdaState, cx: &PaneCtx) -> ratatui::text::Line<'static> {
        super::overview::line(state, cx)
    }

    fn offenders(state: &LambdaState, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }

    fn unusual_now(state: &LambdaState, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
        super::overview::unusual_now(state, cx)
    }
}
