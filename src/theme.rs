//! Semantic styles. Every state shown with colour also has a non-colour cue
//! (a marker, bold or reverse video), so the monochrome theme loses nothing.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: &'static str,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub muted: Style,
    pub accent: Style,
    pub selection: Style,
    pub header: Style,
    pub badge: Style,
    pub title: Style,
    pub sparkline: Style,
}

impl Theme {
    pub fn dark() -> Self {
        Self {
            name: "default",
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            muted: Style::new().fg(Color::DarkGray),
            accent: Style::new().fg(Color::Cyan),
            selection: Style::new().fg(Color::Black).bg(Color::Cyan),
            header: Style::new().add_modifier(Modifier::BOLD),
            badge: Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD),
            title: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            sparkline: Style::new().fg(Color::Cyan),
        }
    }

    pub fn monochrome() -> Self {
        let plain = Style::new();
        Self {
            name: "monochrome",
            ok: plain,
            warn: plain.add_modifier(Modifier::BOLD),
            error: plain.add_modifier(Modifier::BOLD),
            muted: plain.add_modifier(Modifier::DIM),
            accent: plain,
            selection: plain.add_modifier(Modifier::REVERSED),
            header: plain.add_modifier(Modifier::BOLD),
            badge: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            title: plain.add_modifier(Modifier::BOLD),
            sparkline: plain,
        }
    }

    /// NO_COLOR (https://no-color.org) wins over everything else.
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::monochrome(),
            _ => Self::dark(),
        }
    }
}
