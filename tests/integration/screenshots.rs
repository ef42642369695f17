//! The README's screenshots: each pane drawn from the demo at a frozen clock and
//! written as SVG. This test fails when a committed screenshot no longer matches
//! what awstop draws; regenerate them with
//!
//!     AWSTOP_WRITE_SCREENSHOTS=1 cargo test --test integration screenshots

use std::fmt::Write;

use crate::common::*;
use awstop::app::keymap::Action::*;
use awstop::app::model::Pane;
use awstop::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CW: f32 = 8.4;
const CH: f32 = 17.0;
const FG: &str = "#d0d0d0";
const BG: &str = "#1c1c1c";

fn hex(c: Color, default: &str) -> String {
    match c {
        Color::Reset => default.into(),
        Color::Black => "#1c1c1c".into(),
        Color::Red => "#e05252".into(),
        Color::Green => "#5fb35f".into(),
        Color::Yellow => "#d7af3f".into(),
        Color::Blue => "#5f87d7".into(),
        Color::Magenta => "#af5fd7".into(),
        Color::Cyan => "#4fb3c8".into(),
        Color::Gray => "#bcbcbc".into(),
        Color::DarkGray => "#7a7a7a".into(),
        Color::White => "#ffffff".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => {
            // The xterm palette: 16 system colours, a 6x6x6 cube, a grey ramp.
            const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];
            let (r, g, b) = match i {
                0..=15 => return default.into(),
                16..=231 => (
                    CUBE[((i - 16) / 36) as usize],
                    CUBE[(((i - 16) / 6) % 6) as usize],
                    CUBE[((i - 16) % 6) as usize],
                ),
                _ => (8 + 10 * (i - 232), 8 + 10 * (i - 232), 8 + 10 * (i - 232)),
            };
            format!("#{r:02x}{g:02x}{b:02x}")
        }
        _ => default.into(),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn svg(buf: &Buffer, light: bool) -> String {
    let (fg_default, bg_default) = if light {
        ("#1c1c1c", "#fafafa")
    } else {
        (FG, BG)
    };
    let (w, h) = (buf.area.width, buf.area.height);
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="DejaVu Sans Mono,Menlo,Consolas,monospace" font-size="14">"#,
        w as f32 * CW + 16.0,
        h as f32 * CH + 16.0
    );
    let _ = writeln!(
        o,
        r#"<rect width="100%" height="100%" rx="6" fill="{bg_default}"/><g transform="translate(8,8)">"#
    );
    for y in 0..h {
        let mut x = 0;
        while x < w {
            // One <text> per run of cells with the same look.
            let look = |x: u16| {
                let d = &buf[(x, y)];
                // Concrete colours first, so reverse video of the defaults shows too.
                let (fg, bg) = (
                    hex(d.fg, fg_default),
                    if d.bg == Color::Reset {
                        None
                    } else {
                        Some(hex(d.bg, bg_default))
                    },
                );
                let (fg, bg) = if d.modifier.contains(Modifier::REVERSED) {
                    (bg.unwrap_or_else(|| bg_default.to_string()), Some(fg))
                } else {
                    (fg, bg)
                };
                (fg, bg, d.modifier.contains(Modifier::BOLD))
            };
            let style = look(x);
            let start = x;
            let mut run = String::new();
            while x < w && look(x) == style {
                run.push_str(buf[(x, y)].symbol());
                x += 1;
            }
            let (px, py) = (start as f32 * CW, y as f32 * CH);
            let (fg, bg, bold) = style;
            if let Some(bg) = bg {
                let _ = writeln!(
                    o,
                    r#"<rect x="{px:.1}" y="{py:.1}" width="{:.1}" height="{CH}" fill="{bg}"/>"#,
                    (x - start) as f32 * CW
                );
            }
            if !run.trim().is_empty() {
                let weight = if bold { r#" font-weight="bold""# } else { "" };
                let _ = writeln!(
                    o,
                    r#"<text x="{px:.1}" y="{:.1}" fill="{fg}"{weight} xml:space="preserve">{}</text>"#,
                    py + CH - 4.0,
                    esc(&run)
                );
            }
        }
    }
    o.push_str("</g></svg>\n");
    o
}

#[test]
fn screenshots_match_what_awstop_draws() {
    let shots: Vec<(&str, Vec<awstop::app::keymap::Action>, Theme)> = vec![
        ("overview", vec![Pane(Pane::Overview)], Theme::dark()),
        ("lambda", vec![Pane(LAMBDA)], Theme::dark()),
        (
            "lambda-detail",
            vec![Pane(LAMBDA), Down, Down, Enter],
            Theme::dark(),
        ),
        (
            "ecs-tasks",
            vec![Pane(ECS), Bottom, Enter, Down, Enter],
            Theme::dark(),
        ),
        ("batch", vec![Pane(BATCH)], Theme::dark()),
        ("eks-cluster", vec![Pane(EKS), Down, Enter], Theme::dark()),
        ("ecr-images", vec![Pane(ECR), Down, Enter], Theme::dark()),
        ("emr-cluster", vec![Pane(EMR), Down, Enter], Theme::dark()),
        ("lightsail", vec![Pane(LIGHTSAIL)], Theme::dark()),
        ("apigateway-api", vec![Pane(APIGW), Enter], Theme::dark()),
        ("lambda-monochrome", vec![Pane(LAMBDA)], Theme::monochrome()),
        (
            "lambda-light",
            vec![Pane(LAMBDA)],
            Theme::builtin("light").unwrap(),
        ),
        (
            "lambda-high-contrast",
            vec![Pane(LAMBDA)],
            Theme::builtin("high-contrast").unwrap(),
        ),
        (
            "lambda-solarized-dark",
            vec![Pane(LAMBDA)],
            Theme::builtin("solarized-dark").unwrap(),
        ),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let write = std::env::var_os("AWSTOP_WRITE_SCREENSHOTS").is_some();
    let mut stale = Vec::new();
    for (name, actions, theme) in shots {
        let mut m = demo_model(120, 32);
        act(&mut m, &actions);
        let image = svg(&buffer(&m, &theme), theme.name == "light");
        let path = dir.join(format!("{name}.svg"));
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &image).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(image.as_str()) {
            stale.push(name);
        }
    }
    assert!(stale.is_empty(), "screenshots out of date: {stale:?}; run AWSTOP_WRITE_SCREENSHOTS=1 cargo test --test integration screenshots");
}
