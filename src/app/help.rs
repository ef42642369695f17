//! The `?` screen's text laid out for a width: pure, so the key handler knows
//! how far the help scrolls and the view only styles and draws it.

use super::keymap::{help, REPLAY_HELP};
use super::model::Model;

/// The widest the box grows: wider, the eye loses the line.
const MAX_WIDTH: u16 = 100;

/// The help rows, replay keys only in a replay (where they do something).
fn rows(replay: bool) -> Vec<(String, String)> {
    let replay_rows = REPLAY_HELP
        .iter()
        .filter(|_| replay)
        .map(|(k, what)| (k.to_string(), what.to_string()));
    help().into_iter().chain(replay_rows).collect()
}

/// `text` in lines of at most `w` columns, broken between words (a word
/// longer than the line is broken inside).
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = vec![String::new()];
    for word in text.split(' ').filter(|s| !s.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let line = out.last_mut().expect("one line");
            let used = line.chars().count();
            let gap = usize::from(used > 0);
            if used + gap + word.len() <= w {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                out.push(String::new());
                continue;
            }
            // A word wider than the line: as much as fits, the rest below.
            line.extend(word.iter().take(w));
            word = word.split_off(w.min(word.len()));
            if word.is_empty() {
                break;
            }
            out.push(String::new());
        }
    }
    out
}

/// One line of the help: the key column (empty on a continuation) and the text.
pub type HelpLine = (String, String);

/// The help's lines at an inner width of `w` columns.
pub fn lines(w: u16, replay: bool) -> Vec<HelpLine> {
    let rows = rows(replay);
    let w = w as usize;
    let keys = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let mut out = Vec::new();
    for (k, what) in rows {
        if w >= keys + 16 {
            // Keys in a column, what they do wrapped beside them.
            for (i, part) in wrap(&what, w - keys).into_iter().enumerate() {
                let key = if i == 0 { k.as_str() } else { "" };
                out.push((format!(" {key:<width$}", width = keys - 1), part));
            }
        } else {
            // Too narrow for a column: the key on its own line.
            out.extend(wrap(&k, w).into_iter().map(|l| (l, String::new())));
            out.extend(
                wrap(&what, w.saturating_sub(2))
                    .into_iter()
                    .map(|l| (String::new(), format!("  {l}"))),
            );
        }
    }
    out
}

/// The box's size in `area`: as wide as the longest row wants, up to
/// `MAX_WIDTH`, as tall as its lines at that width.
pub fn size(width: u16, height: u16, replay: bool) -> (u16, u16) {
    let w = width.min(MAX_WIDTH);
    let n = lines(w.saturating_sub(2), replay).len() as u16;
    (w, (n + 2).min(height))
}

/// The furthest the help scrolls at the Model's size: to its last page.
pub fn max_scroll(m: &Model) -> usize {
    let replay = m.ui.replay.is_some();
    // The help leaves the header and tabs above it and the footer below.
    let (w, h) = size(m.ui.width, m.ui.height.saturating_sub(crate::layout::FRAME_ROWS), replay);
    lines(w.saturating_sub(2), replay)
        .len()
        .saturating_sub(h.saturating_sub(2) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_between_words_and_keeps_every_word() {
        let text = "jump: :lambda :ecs :batch :eks :ecr :emr :lightsail :apigateway";
        for w in 1..70 {
            let lines = wrap(text, w);
            assert!(
                lines.iter().all(|l| l.chars().count() <= w),
                "{w}: {lines:?}"
            );
            assert_eq!(
                lines.concat().replace(' ', ""),
                text.replace(' ', ""),
                "{w}"
            );
        }
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
    }
}
