//! Themes: a small palette mapped onto semantic slots. Every state shown with
//! colour also has a non-colour cue (a marker, bold or reverse video), so the
//! monochrome theme loses nothing. Built-in themes are compiled in; user themes
//! are TOML files; a bad file is an error with its position, never a silent fallback.

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::de::{self, Deserializer, Visitor};
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
    ("default", include_str!("../themes/default.toml")),
    ("light", include_str!("../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
    (
        "solarized-dark",
        include_str!("../themes/solarized-dark.toml"),
    ),
    ("monochrome", include_str!("../themes/monochrome.toml")),
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

#[derive(Clone, Copy)]
struct Colour(Color);

const NAMES: [(&str, Color); 17] = [
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
    ("reset", Color::Reset),
];

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Colour;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a colour: an ANSI name like \"red\", \"#rrggbb\", or an index 0-255")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Colour, E> {
                u8::try_from(v)
                    .map(|i| Colour(Color::Indexed(i)))
                    .map_err(|_| E::custom(format!("colour index {v} is not in 0-255")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Colour, E> {
                if let Some(hex) = v.strip_prefix('#') {
                    if hex.len() == 6 {
                        if let Ok(n) = u32::from_str_radix(hex, 16) {
                            return Ok(Colour(Color::Rgb(
                                (n >> 16) as u8,
                                (n >> 8) as u8,
                                n as u8,
                            )));
                        }
                    }
                    return Err(E::custom(format!("bad colour {v:?}: expected #rrggbb")));
                }
                let lower = v.to_ascii_lowercase();
                NAMES
                    .iter()
                    .find(|(n, _)| *n == lower)
                    .map(|(_, c)| Colour(*c))
                    .ok_or_else(|| E::custom(format!("unknown colour {v:?}: use an ANSI name (red, lightblue, darkgray…), #rrggbb or 0-255")))
            }
        }
        d.deserialize_any(V)
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
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
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

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    TrueColor,
    Ansi256,
    Ansi16,
}

impl Depth {
    /// From COLORTERM and TERM, as most terminal programs decide it.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> Depth {
        match (colorterm, term) {
            (Some(c), _)
                if c.eq_ignore_ascii_case("truecolor") || c.eq_ignore_ascii_case("24bit") =>
            {
                Depth::TrueColor
            }
            (_, Some(t)) if t.contains("256color") => Depth::Ansi256,
            _ => Depth::Ansi16,
        }
    }

    pub fn from_env() -> Depth {
        Depth::detect(
            std::env::var("COLORTERM").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        )
    }

    pub fn reduce(self, c: Color) -> Color {
        match (self, c) {
            (Depth::TrueColor, c) => c,
            (Depth::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(rgb_to_256(r, g, b)),
            (Depth::Ansi16, Color::Rgb(r, g, b)) => nearest_16(r, g, b),
            (Depth::Ansi16, Color::Indexed(i)) => {
                let (r, g, b) = indexed_rgb(i);
                nearest_16(r, g, b)
            }
            (_, c) => c,
        }
    }
}

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn rgb_to_256(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| {
        CUBE.iter()
            .enumerate()
            .min_by_key(|(_, c)| (**c as i32 - v as i32).abs())
            .map(|(i, _)| i as u8)
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = 16 + 36 * ri + 6 * gi + bi;
    // A grey ramp entry is closer for near-neutral colours.
    let avg = (r as u32 + g as u32 + b as u32) / 3;
    let grey_i = ((avg.saturating_sub(8)) / 10).min(23) as u8;
    let grey_v = 8 + 10 * grey_i as u32;
    let dist = |(a, b2, c): (u32, u32, u32)| {
        (a as i32 - r as i32).pow(2) + (b2 as i32 - g as i32).pow(2) + (c as i32 - b as i32).pow(2)
    };
    let cube_rgb = (
        CUBE[ri as usize] as u32,
        CUBE[gi as usize] as u32,
        CUBE[bi as usize] as u32,
    );
    if dist((grey_v, grey_v, grey_v)) < dist(cube_rgb) {
        232 + grey_i
    } else {
        cube
    }
}

fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => BASE16[i as usize].1,
        16..=231 => {
            let i = i - 16;
            (
                CUBE[(i / 36) as usize],
                CUBE[((i / 6) % 6) as usize],
                CUBE[(i % 6) as usize],
            )
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

const BASE16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

fn nearest_16(r: u8, g: u8, b: u8) -> Color {
    BASE16
        .iter()
        .min_by_key(|(_, (a, b2, c))| {
            (*a as i32 - r as i32).pow(2)
                + (*b2 as i32 - g as i32).pow(2)
                + (*c as i32 - b as i32).pow(2)
        })
        .map(|(c, _)| *c)
        .unwrap_or(Color::Reset)
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
        assert_eq!(Theme::dark().error.fg, Some(Color::Red));
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

    #[test]
    fn colours_come_down_to_what_the_terminal_has() {
        assert_eq!(
            Depth::detect(Some("truecolor"), Some("xterm-256color")),
            Depth::TrueColor
        );
        assert_eq!(Depth::detect(None, Some("xterm-256color")), Depth::Ansi256);
        assert_eq!(Depth::detect(None, Some("vt100")), Depth::Ansi16);
        assert_eq!(
            Depth::Ansi256.reduce(Color::Rgb(255, 0, 0)),
            Color::Indexed(196)
        );
        assert_eq!(
            Depth::Ansi256.reduce(Color::Rgb(128, 128, 128)),
            Color::Indexed(244)
        );
        assert_eq!(Depth::Ansi16.reduce(Color::Rgb(220, 50, 47)), Color::Red);
        assert_eq!(Depth::Ansi16.reduce(Color::Indexed(196)), Color::LightRed);
        assert_eq!(Depth::Ansi16.reduce(Color::Cyan), Color::Cyan);
        let s = Theme::builtin("solarized-dark")
            .unwrap()
            .reduced(Depth::Ansi16);
        for st in [s.ok, s.warn, s.error, s.selection] {
            for c in [st.fg, st.bg].into_iter().flatten() {
                assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
            }
        }
    }
}
