//! Lambda: the functions table, and one function's detail (`detail.rs`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Lambda, LambdaState, View};
use crate::services::room::{Overview, PaneCtx, RoomUi};
use crate::services::table::Ctx;
use crate::widgets::table;

impl RoomUi for Lambda {
    fn draw(buf: &mut Buffer, area: Rect, state: &LambdaState, view: &View, cx: &PaneCtx) {
        match view {
            View::Functions => {
                if let Some((st, rows)) = cx.table {
                    table::rows(buf, area, &state.functions, rows, st, cx.theme, &Ctx { now: cx.now });
                }
            }
            View::Function { name } => super::detail::detail(buf, area, state, cx, name),
        }
    }

    fn overview(state: &LambdaState, cx: &PaneCtx) -> Overview {
        super::overview::overview(state, cx)
    }
}
