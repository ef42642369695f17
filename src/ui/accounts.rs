//! `:accounts`: one line per account watched: whether it is read, how it
//! was named, how many resources it shows, what watching it costs (requests
//! a minute, CloudWatch dollars an hour), what its compute burns, whether
//! its metrics come through a monitoring account, its regions, and why it
//! fails or what failed last.

use std::collections::HashMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::model::Model;
use crate::fmt::truncate;
use crate::services::room::PaneCtx;
use crate::theme::Theme;

/// Each account's resources, by its key, over every room's top-level lists.
pub fn resources(m: &Model) -> HashMap<String, usize> {
    let mut n = HashMap::new();
    let cx = m.data.settings.cells(m.data.now);
    for k in crate::services::ServiceKind::ALL {
        for key in k.room().accounts_of_rows(&m.data.feeds, &cx) {
            *n.entry(key).or_insert(0) += 1;
        }
    }
    n
}

/// The newest failure of any room in any region of each account, by key:
/// "lambda us-east-1: AccessDenied…".
fn last_errors(m: &Model) -> HashMap<String, String> {
    let mut newest: HashMap<String, (Option<chrono::DateTime<chrono::Utc>>, String)> = HashMap::new();
    for k in crate::services::ServiceKind::ALL {
        for (scope, st) in m.data.feeds.scopes(*k) {
            let Some(e) = &st.error else { continue };
            let text = format!("{} {}: {}", e.service, e.region, e.message);
            let slot = newest.entry(scope.account.to_string()).or_insert((None, String::new()));
            if slot.1.is_empty() || e.at > slot.0 {
                *slot = (e.at, text);
            }
        }
    }
    newest.into_iter().map(|(k, (_, t))| (k, t)).collect()
}

/// A column of figures; `drop` orders which go first on a narrow terminal
/// (highest first): a figure is dropped whole, never cut.
struct Col {
    title: &'static str,
    width: usize,
    drop: u8,
    right: bool,
}

const COLS: [Col; 9] = [
    Col { title: "ID", width: 12, drop: 7, right: false },
    Col { title: "HOW", width: 8, drop: 8, right: false },
    Col { title: "STATUS", width: 7, drop: 0, right: false },
    Col { title: "RESOURCES", width: 9, drop: 4, right: true },
    Col { title: "CALLS/MIN", width: 9, drop: 2, right: true },
    Col { title: "CW $/H", width: 7, drop: 3, right: true },
    Col { title: "BURN $/H", width: 8, drop: 1, right: true },
    Col { title: "METRICS", width: 7, drop: 6, right: false },
    Col { title: "ERRORS", width: 6, drop: 5, right: true },
];

/// The first column (in `COLS`) a failing account has no figure for.
const FIRST_FIGURE: usize = 4;

/// What the last column keeps at least before figures are dropped for it.
const WHY_MIN: usize = 14;

/// The columns drawn at `width` after a name column of `name_w`: every one
/// that fits, dropping the highest `drop` first.
fn fitting(width: usize, name_w: usize) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..COLS.len()).collect();
    let used = |s: &[usize]| name_w + s.iter().map(|i| COLS[*i].width + 1).sum::<usize>() + 1;
    while used(&shown) + WHY_MIN > width {
        let Some(pos) = (0..shown.len()).filter(|p| COLS[shown[*p]].drop > 0).max_by_key(|p| COLS[shown[*p]].drop) else {
            break;
        };
        shown.remove(pos);
    }
    shown
}

/// Dollars an hour in at most seven columns, with the precision small
/// rates need (`$0.004`).
fn usd_hour(v: f64) -> String {
    if v > 0.0 && v < 10.0 {
        format!("${v:.3}")
    } else {
        crate::cost::money::usd(v)
    }
}

/// One account's line, cell by cell (in `COLS` order), then its last text.
pub struct AccountLine {
    pub name: String,
    pub cells: [String; 9],
    pub failing: bool,
    /// Its regions (and what failed last), or why it cannot be read.
    pub why: String,
}

/// Every account's line, in the book's order.
pub fn lines(m: &Model) -> Vec<AccountLine> {
    let book = &m.data.settings.accounts;
    let counts = resources(m);
    let burn = crate::services::account_cost::by_account(&m.data.feeds, &m.data.settings);
    let errors = last_errors(m);
    let (failures, read) = failures(m);
    let pace = &m.data.api.account_pace;
    book.accounts
        .iter()
        .map(|a| {
            let how = serde_json::to_value(a.how)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let failing = a.error.is_some();
            // Not read: no figure, never 0.
            let unread = || "-".to_string();
            let resources = match failing {
                true => unread(),
                false => counts.get(&a.key).copied().unwrap_or(0).to_string(),
            };
            let p = pace.get(&a.key);
            let calls = p.map_or_else(unread, |p| format!("{:.0}", p.calls_per_min));
            let cloudwatch = p.map_or_else(unread, |p| usd_hour(p.cloudwatch_usd_per_hour));
            let burn = match (failing, burn.get(&a.key)) {
                (true, _) => unread(),
                (false, Some(c)) => match c.figure() {
                    Some(v) if c.partly_priced > 0 || c.unpriced > 0 => format!("{}+", usd_hour(v)),
                    Some(v) => usd_hour(v),
                    None => "?".into(),
                },
                // Read, and nothing billed by the hour in it.
                (false, None) if read.contains(&a.key) => "$0".into(),
                (false, None) => unread(),
            };
            let metrics = match (&a.metrics_via, failing) {
                (Some(_), _) => "oam",
                (None, true) => "-",
                (None, false) => "direct",
            };
            let failed = failures.get(&a.key).copied().unwrap_or(0);
            let why = match &a.error {
                Some(e) => crate::fmt::escape_controls(e),
                None => match errors.get(&a.key) {
                    Some(last) => format!("{} · last error: {}", a.regions.join(","), crate::fmt::escape_controls(last)),
                    None => a.regions.join(","),
                },
            };
            AccountLine {
                name: a.name.clone(),
                cells: [
                    a.id.clone().unwrap_or_else(|| "?".into()),
                    how,
                    if failing { "failing" } else { "ok" }.into(),
                    resources,
                    calls,
                    cloudwatch,
                    burn,
                    metrics.into(),
                    if failing { unread() } else { failed.to_string() },
                ],
                failing,
                why,
            }
        })
        .collect()
}

/// How many of each account's (room, region) reads are failing now, and
/// the accounts something was read in.
fn failures(m: &Model) -> (HashMap<String, usize>, std::collections::HashSet<String>) {
    let mut n = HashMap::new();
    let mut read = std::collections::HashSet::new();
    for k in crate::services::ServiceKind::ALL {
        for (scope, st) in m.data.feeds.scopes(*k) {
            if st.error.is_some() {
                *n.entry(scope.account.to_string()).or_insert(0) += 1;
            }
            if st.fetched_at.is_some() {
                read.insert(scope.account.to_string());
            }
        }
    }
    (n, read)
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, cx: &PaneCtx) {
    let t = cx.theme;
    let book = &m.data.settings.accounts;
    let w = area.width as usize;
    if book.accounts.is_empty() {
        let line = Line::from(Span::styled(
            "One account: name several with --profile a,b, --org-role ROLE or [[accounts]] in the config.",
            t.muted,
        ));
        Paragraph::new(vec![line]).render(area, buf);
        return;
    }
    let rows = lines(m);
    let name_w = rows.iter().map(|a| a.name.chars().count()).max().unwrap_or(4).clamp(7, 24);
    let shown = fitting(w, name_w);
    let mut out = vec![header(&shown, name_w, w, t)];
    for a in &rows {
        out.push(line(a, &shown, name_w, w, t));
    }
    Paragraph::new(out).render(area, buf);
}

fn pad(text: &str, width: usize, right: bool) -> String {
    if right {
        format!("{text:>width$} ")
    } else {
        format!("{:<width$} ", truncate(text, width))
    }
}

fn header(shown: &[usize], name_w: usize, w: usize, t: &Theme) -> Line<'static> {
    let mut head = pad("ACCOUNT", name_w, false);
    for i in shown {
        head.push_str(&pad(COLS[*i].title, COLS[*i].width, COLS[*i].right));
    }
    head.push_str(" REGIONS / WHY");
    Line::from(Span::styled(truncate(&head, w), t.header))
}

fn line(a: &AccountLine, shown: &[usize], name_w: usize, w: usize, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(pad(&a.name, name_w, false))];
    let mut used = name_w + 1;
    for i in shown {
        let c = &COLS[*i];
        // A failing account has no figures past its (absent) resources:
        // its reason takes their room, it is all there is to read.
        if a.failing && *i >= FIRST_FIGURE {
            break;
        }
        let style: Style = match c.title {
            "STATUS" if a.failing => t.error,
            "STATUS" => t.ok,
            "ERRORS" if a.cells[*i] != "0" && a.cells[*i] != "-" => t.warn,
            _ => Style::default(),
        };
        spans.push(Span::styled(pad(&a.cells[*i], c.width, c.right), style));
        used += c.width + 1;
    }
    let why_style = if a.failing { t.error } else { t.muted };
    spans.push(Span::styled(format!(" {}", truncate(&a.why, w.saturating_sub(used + 1))), why_style));
    Line::from(spans)
}

/// The figures of one account by column title (the failing account's
/// figures are `-`, drawn as its reason).
pub fn cell<'a>(a: &'a AccountLine, title: &str) -> Option<&'a str> {
    COLS.iter().position(|c| c.title == title).map(|i| a.cells[i].as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_terminals_drop_whole_columns_status_and_burn_last() {
        let wide = fitting(160, 12);
        assert_eq!(wide.len(), COLS.len());
        let narrow = fitting(80, 12);
        let titles: Vec<&str> = narrow.iter().map(|i| COLS[*i].title).collect();
        assert!(titles.contains(&"STATUS") && titles.contains(&"BURN $/H"), "{titles:?}");
        assert!(!titles.contains(&"HOW"), "{titles:?}");
        let used = 12 + 1 + narrow.iter().map(|i| COLS[*i].width + 1).sum::<usize>();
        assert!(used + WHY_MIN <= 80, "{used}");
        // Narrower than anything: the status stays, and nothing panics.
        assert_eq!(fitting(20, 24).iter().map(|i| COLS[*i].title).collect::<Vec<_>>(), ["STATUS"]);
    }

    #[test]
    fn small_rates_keep_their_digits_in_seven_columns() {
        for (v, s) in [(0.004, "$0.004"), (0.25, "$0.250"), (12.0, "$12"), (0.0, "$0"), (2500.0, "$2.5k")] {
            assert_eq!(usd_hour(v), s);
            assert!(s.chars().count() <= 7);
        }
    }
}
