//! The app: the Model, the messages that change it, and `update`.

mod act;
pub mod action;
pub mod command;
pub mod help;
pub mod keymap;
pub mod model;
pub mod msg;
pub mod overview;
pub mod scroll;
pub mod tables;
pub mod update;

pub use model::Model;
pub use msg::Msg;
pub use update::update;
