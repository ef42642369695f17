//! What a room is, as plain data: its names, refresh, IAM actions, keys,
//! settings, price sections and joins. One `const INFO` a room; code above
//! the rooms reads it through `DynRoom::info`, so a new fact about rooms is
//! a field here and a line in the rooms that differ from the default, and no
//! forwarding method anywhere.

use std::time::Duration;

use super::joins::Topic;

#[derive(Debug)]
pub struct RoomInfo {
    /// The name on the command line, in the config file, as the snapshot key
    /// and after `:`: lowercase, and the same as the registry's module name.
    pub name: &'static str,
    /// The pane's tab title.
    pub label: &'static str,
    /// How the header names the room next to its data age.
    pub badge: &'static str,
    /// More names `:` and `--pane` accept.
    pub aliases: &'static [&'static str],
    /// How often the room refreshes by default.
    pub interval: Duration,
    /// The shortest interval allowed, and why.
    pub min_interval: (Duration, &'static str),
    /// Every AWS action the room calls, as IAM spells them.
    pub iam_actions: &'static [&'static str],
    /// Keys only this room's views answer, for the help screen.
    pub keys: &'static [(&'static str, &'static str)],
    /// The room's own settings: flags, its config section, `--help` and
    /// `config --default` are built from them.
    pub settings: &'static [crate::room_settings::Setting],
    /// Whether the snapshot (`--once`) shows per-row details (ECR findings):
    /// when not, a headless read leaves them out (Lambda's histories, most
    /// of the memory at 10,000 functions).
    pub snapshot_needs_detail: bool,
    /// The room's own sections of the price files (`[lambda]`).
    pub prices: &'static [crate::cost::book::PriceSection],
    /// The rows whose log `t` tails, for the hint where none is open ("a function").
    pub tails: Option<&'static str>,
    /// The published facts `join` reads (`services::joins`): a refresh of a
    /// room that publishes one of them (or of this room) reruns this room's
    /// join, and no other refresh does.
    pub reads: &'static [Topic],
    /// The facts `publish` writes for other rooms.
    pub publishes: &'static [Topic],
    /// `publish` writes only what the readers of its facts need, as `reads`
    /// says (Lambda: the errors of the functions an API route invokes, not
    /// of 50,000): after a join it publishes again.
    pub publishes_for_readers: bool,
    /// The published facts `Room::wants` reads: `--once` reads the rooms
    /// that publish them, then hands this room what it wants
    /// (`RoomLive::once_wanted`), as the dashboard's poller is handed it.
    pub wants: &'static [Topic],
}

impl RoomInfo {
    /// What a room has unless it says otherwise; `name`, `label`, `badge`,
    /// `interval`, `min_interval` and `iam_actions` every room gives.
    pub const DEFAULT: RoomInfo = RoomInfo {
        name: "",
        label: "",
        badge: "",
        aliases: &[],
        interval: Duration::from_secs(60),
        min_interval: (Duration::from_secs(60), ""),
        iam_actions: &[],
        keys: &[],
        settings: &[],
        snapshot_needs_detail: true,
        prices: &[],
        tails: None,
        reads: &[],
        publishes: &[],
        publishes_for_readers: false,
        wants: &[],
    };
}
