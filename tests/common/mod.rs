//! Shared helpers for the integration tests: a demo Model at a frozen time and
//! a renderer into ratatui's TestBackend.
#![allow(dead_code)]

pub mod fault_proxy;
pub mod moto;
pub mod pty;

use awstop::app::keymap::Action;
use awstop::app::model::Model;
use awstop::app::msg::Msg;
use awstop::app::update;
use awstop::run::once_model;
use awstop::source::clock::Clock;
use awstop::source::demo::DemoAccount;
use awstop::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

pub const FROZEN: &str = "2026-11-22T14:03:20Z";

pub fn frozen() -> Clock {
    Clock::frozen(FROZEN.parse().unwrap())
}

pub fn demo_model(w: u16, h: u16) -> Model {
    let mut m = once_model(&DemoAccount::new(42, 40, 60), &frozen());
    update(
        &mut m,
        Msg::Resize {
            width: w,
            height: h,
        },
    );
    m
}

pub fn act(m: &mut Model, actions: &[Action]) {
    for a in actions {
        update(m, Msg::Action(*a));
    }
}

pub fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        update(m, Msg::Action(Action::Input(c)));
    }
}

pub fn buffer(m: &Model, theme: &Theme) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(m.width, m.height)).unwrap();
    term.draw(|f| awstop::ui::draw(f, m, theme)).unwrap();
    term.backend().buffer().clone()
}

pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn screen(m: &Model) -> String {
    text(&buffer(m, &Theme::dark()))
}
