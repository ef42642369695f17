//! Colours: what a theme file may say, and how colours come down to what
//! the terminal shows (24-bit, the 256-colour palette, or the 16 ANSI colours).

use ratatui::style::Color;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A theme file's colour: a name or `#rrggbb` (ratatui's own parser), or a
/// TOML integer 0-255.
#[derive(Clone, Copy)]
pub struct Colour(pub Color);

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
                match v.parse::<Color>() {
                    Ok(c) => Ok(Colour(c)),
                    Err(_) if v.starts_with('#') => {
                        Err(E::custom(format!("bad colour {v:?}: expected #rrggbb")))
                    }
                    Err(_) => Err(E::custom(format!("unknown colour {v:?}: use an ANSI name (red, lightblue, darkgray…), #rrggbb or 0-255"))),
                }
            }
        }
        d.deserialize_any(V)
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
        let s = super::super::Theme::builtin("solarized-dark")
            .unwrap()
            .reduced(Depth::Ansi16);
        for st in [s.ok, s.warn, s.error, s.selection] {
            for c in [st.fg, st.bg].into_iter().flatten() {
                assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
            }
        }
    }
}
