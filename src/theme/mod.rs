//! Themes: a small palette mapped onto semantic slots. Every state shown with
//! colour also has a non-colour cue (a marker, bold or reverse video), so the
//! monochrome theme loses nothing. Built-in themes are compiled in; user themes
//! are TOML files; a bad file is an error with its position, never a silent fallback.

use std::path::Path;

use ratatui::style::{Modifier, Style};

mod colour;
use colour::Colour;
pub use colour::Depth;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
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

/// The built-in themes, as shipped in `themes/`.
pub const BUILTIN: [(&str, &str); 5] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    (
        "solarized-dark",
        include_str!("../../themes/solarized-dark.toml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    slots: Slots,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Slots {
    ok: StyleSpec,
    warn: StyleSpec,
    error: StyleSpec,
    muted: StyleSpec,
    accent: StyleSpec,
    selection: StyleSpec,
    header: StyleSpec,
    badge: StyleSpec,
    title: StyleSpec,
    sparkline: StyleSpec,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<Colour>,
    bg: Option<Colour>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

impl StyleSpec {
    fn style(&self) -> Style {
        let mut s = Style::new();
        if let Some(c) = self.fg {
            s = s.fg(c.0);
        }
        if let Some(c) = self.bg {
            s = s.bg(c.0);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            if on {
                s = s.add_modifier(m);
            }
        }
        s
    }
}

/// `file:line:col: message` for a TOML error, pointing at the offending text.
pub fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{file}:{line}:{col}: {msg}")
        }
        None => format!("{file}: {msg}"),
    }
}

pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl Theme {
    /// Parses a theme file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Theme, String> {
        let f: ThemeFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        let s = &f.slots;
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("custom");
        Ok(Theme {
            name: f.name.unwrap_or_else(|| stem.to_string()),
            ok: s.ok.style(),
            warn: s.warn.style(),
            error: s.error.style(),
            muted: s.muted.style(),
            accent: s.accent.style(),
            selection: s.selection.style(),
            header: s.header.style(),
            badge: s.badge.style(),
            title: s.title.style(),
            sparkline: s.sparkline.style(),
        })
    }

    pub fn builtin(name: &str) -> Option<Theme> {
        let (n, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        // Built-ins are checked by the tests; a broken one is a build defect.
        Theme::parse(&format!("themes/{n}.toml"), text).ok()
    }

    pub fn dark() -> Self {
        Self::builtin("default").unwrap_or_else(Self::fallback)
    }

    pub fn monochrome() -> Self {
        Self::builtin("monochrome").unwrap_or_else(Self::fallback)
    }

    /// Only reached if a built-in theme failed to parse, which the tests forbid.
    fn fallback() -> Self {
        let p = Style::new();
        Theme {
            name: "plain".into(),
            ok: p,
            warn: p.add_modifier(Modifier::BOLD),
            error: p.add_modifier(Modifier::BOLD),
            muted: p,
            accent: p,
            selection: p.add_modifier(Modifier::REVERSED),
            header: p.add_modifier(Modifier::BOLD),
            badge: p.add_modifier(Modifier::REVERSED),
            title: p.add_modifier(Modifier::BOLD),
            sparkline: p,
        }
    }

    /// A built-in name, a file path, or a name in `user_dir` (`NAME.toml`).
    pub fn load(spec: &str, user_dir: Option<&Path>) -> Result<Theme, String> {
        if let Some(t) = Theme::builtin(spec) {
            return Ok(t);
        }
        let looks_like_path = spec.contains('/') || spec.ends_with(".toml");
        let path = if looks_like_path {
            Some(Path::new(spec).to_path_buf())
        } else {
            user_dir
                .map(|d| d.join(format!("{spec}.toml")))
                .filter(|p| p.exists())
        };
        let Some(path) = path else {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "unknown theme {spec:?}: built-in themes are {}, or give a path to a .toml file",
                names.join(", ")
            ));
        };
        let text = crate::files::read_text(&path, 256 * 1024, "an awstop theme")?;
        Theme::parse(&path.display().to_string(), &text)
    }

    /// NO_COLOR (https://no-color.org) wins over everything else.
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::monochrome(),
            _ => Self::dark(),
        }
    }

    /// Every colour brought down to what the terminal can show.
    pub fn reduced(mut self, depth: Depth) -> Self {
        for s in [
            &mut self.ok,
            &mut self.warn,
            &mut self.error,
            &mut self.muted,
            &mut self.accent,
            &mut self.selection,
            &mut self.header,
            &mut self.badge,
            &mut self.title,
            &mut self.sparkline,
        ] {
            s.fg = s.fg.map(|c| depth.reduce(c));
            s.bg = s.bg.map(|c| depth.reduce(c));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_and_monochrome_has_no_colour() {
        for (name, text) in BUILTIN {
            let t = Theme::parse(&format!("themes/{name}.toml"), text)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(t.name, name);
        }
        let m = Theme::monochrome();
        for s in [
            m.ok,
            m.warn,
            m.error,
            m.muted,
            m.accent,
            m.selection,
            m.header,
            m.badge,
            m.title,
            m.sparkline,
        ] {
            assert_eq!((s.fg, s.bg), (None, None));
        }
        assert!(m.selection.add_modifier.contains(Modifier::REVERSED));
        assert_eq!(Theme::dark().error.fg, Some(ratatui::style::Color::Red));
    }

    #[test]
    fn bad_files_say_where_and_what() {
        let ok = "[slots]\nok={}\nwarn={}\nerror={}\nmuted={}\naccent={}\nselection={}\nheader={}\nbadge={}\ntitle={}\nsparkline={}\n";
        assert!(Theme::parse("t.toml", ok).is_ok());
        let unknown_slot = ok.replace("sparkline={}", "sparkline={}\nsparkles={}");
        let e = Theme::parse("t.toml", &unknown_slot).unwrap_err();
        assert!(
            e.starts_with("t.toml:12:1: unknown field `sparkles`"),
            "{e}"
        );
        let bad_colour = ok.replace("warn={}", "warn={ fg = \"chartreuse\" }");
        let e = Theme::parse("t.toml", &bad_colour).unwrap_err();
        assert!(
            e.starts_with("t.toml:3:") && e.contains("unknown colour \"chartreuse\""),
            "{e}"
        );
        let bad_hex = ok.replace("warn={}", "warn={ fg = \"#12345\" }");
        assert!(Theme::parse("t.toml", &bad_hex)
            .unwrap_err()
            .contains("expected #rrggbb"));
        let bad_index = ok.replace("warn={}", "warn={ bg = 300 }");
        assert!(Theme::parse("t.toml", &bad_index)
            .unwrap_err()
            .contains("300 is not in 0-255"));
        // An unclosed table: reported where the parser notices, with the reason.
        let syntax = ok.replace("muted={}", "muted={");
        let e = Theme::parse("t.toml", &syntax).unwrap_err();
        assert!(e.starts_with("t.toml:7:1: missing comma"), "{e}");
        let missing = ok.replace("title={}\n", "");
        assert!(Theme::parse("t.toml", &missing)
            .unwrap_err()
            .contains("missing field `title`"));
        assert!(Theme::load("no-such-theme", None)
            .unwrap_err()
            .contains("built-in themes are default, light"));
    }
}
