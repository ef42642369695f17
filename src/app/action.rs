//! What a key means, as a plain value: `update` never sees a key code.

use super::model::Pane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    Pane(Pane),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// J and K: a detail's list beside its table.
    ListUp,
    ListDown,
    Enter,
    Back,
    SortNext,
    SortPrev,
    SortReverse,
    Refresh,
    ToggleHelp,
    StartFilter,
    StartCommand,
    Input(char),
    Backspace,
    Submit,
    Cancel,
    StatusNext,
    StatusPrev,
    ToggleTail,
    Export,
    PlayPause,
    Faster,
    Slower,
    StepForward,
    StepBack,
    StartJump,
    Suspend,
    /// Tab in the command line.
    Complete,
}
