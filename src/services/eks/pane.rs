//! EKS: the clusters, then one cluster (its control plane, sparklines,
//! Fargate profiles, add-ons and node groups), then one node group.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::domain::{EksCluster, EksData};
use crate::changes::Change;
use super::{Eks, View};
use crate::fmt::{age, count, ms, opt};
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi};
use crate::widgets::changes::{graphs_and_list, Timed};
use crate::widgets::spark::{fit_lines, half, height, Graph};
use crate::widgets::scroll::{packed, Row};
use crate::widgets::{field, gone, table};

/// Lines the Fargate profiles and add-ons take at most.
const EXTRA_ROWS: usize = 4;

impl RoomUi for Eks {
    fn draw(buf: &mut Buffer, area: Rect, state: &EksData, view: &View, cx: &PaneCtx) {
        match view {
            View::Clusters => table::draw(buf, area, &state.clusters, cx),
            View::Cluster { at, name } => match state.cluster(at, name) {
                Some(c) => cluster(buf, area, c, cx),
                None => gone(buf, area, cx.theme, name),
            },
            View::Nodegroup { at, cluster, name } => nodegroup(buf, area, state, cx, at, cluster, name),
        }
    }

    fn overview(state: &EksData, cx: &PaneCtx) -> Line<'static> {
        super::overview::line(state, cx)
    }

    fn offenders(state: &EksData, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }
}

fn cluster(buf: &mut Buffer, area: Rect, c: &EksCluster, cx: &PaneCtx) {
    let t = cx.theme;
    let m = &c.metrics;
    let graphs: Vec<Graph> = m
        .series
        .as_ref()
        .map(|s| {
            vec![
                Graph { title: "API requests", series: &s.requests, style: t.sparkline },
                Graph { title: "5XX", series: &s.errors_5xx, style: t.error },
                Graph { title: "GET p99 ms", series: &s.p99_ms, style: t.sparkline },
                Graph { title: "pending pods", series: &s.pending_pods, style: t.warn },
            ]
        })
        .unwrap_or_default();
    // On a short terminal the node groups keep their room; the graphs go first.
    let sparks_h = if graphs.is_empty() || area.height < 24 { 0 } else { height(graphs.len()) };
    let changes = changes_to(c, cx);
    let changes: Vec<&Change> = changes.iter().collect();
    // The newest updates (the cluster's and its node groups') under the
    // graphs they are marked on; the node groups keep the rest.
    let changes_h = crate::widgets::changes::height(changes.len(), sparks_h > 0);
    // Every profile and add-on named; more lines than their room scroll
    // (J/K) beside the node groups' table.
    let extra_lines = profiles_and_addons(t, c, area.width as usize);
    let extra_h = extra_lines.len().min(EXTRA_ROWS) as u16;
    let [top, sparks, changed, extra, tbl] = Layout::vertical([
        Constraint::Length(7),
        Constraint::Length(sparks_h),
        Constraint::Length(changes_h),
        Constraint::Length(extra_h),
        Constraint::Min(0),
    ])
    .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let support = match c.support.as_deref() {
        Some(s) => format!(
            "{} {}",
            s.to_ascii_lowercase(),
            super::cost::support_per_hour(c, &cx.settings.prices)
                .map(crate::cost::money::usd_hour)
                .unwrap_or_else(|| "? no price".into())
        ),
        None => "-".into(),
    };
    let endpoint = match (c.endpoint_public, c.endpoint_private) {
        (Some(p), Some(q)) => format!(
            "{}{}",
            if p { "public" } else { "" },
            match (p, q) {
                (true, true) => " and private",
                (false, true) => "private",
                _ => "",
            }
        ),
        _ => "-".into(),
    };
    let status_style = if c.status == "ACTIVE" { t.ok } else { t.error };
    Paragraph::new(fit_lines(
        vec![
            Line::from(vec![
                Span::styled(format!("{:<14}", "status"), t.muted),
                Span::styled(c.status.clone(), status_style),
            ]),
            field(
                t,
                "version",
                format!(
                    "{} ({})",
                    c.version.as_deref().unwrap_or("-"),
                    c.platform_version.as_deref().unwrap_or("-")
                ),
            ),
            field(t, "support", support),
            field(t, "cost", super::cost::summary(c, &cx.settings.prices)),
            field(t, "endpoint", endpoint),
            field(
                t,
                "created",
                c.created_at
                    .map(|d| format!("{} ({} ago)", d.format("%Y-%m-%d"), age(cx.now - d)))
                    .unwrap_or_else(|| "-".into()),
            ),
            field(t, "region", c.region.clone()),
        ],
        half(left),
    ))
    .render(left, buf);
    let unpublished = "not published";
    let figure = |v: Option<f64>, f: fn(f64) -> String| v.map(f).unwrap_or_else(|| unpublished.into());
    let window = cx.settings.window;
    Paragraph::new(fit_lines(
        vec![
            field(
                t,
                "API requests",
                match m.apiserver_requests {
                    Some(v) => format!("{} in {window} min", count(v)),
                    None => format!("{unpublished} (AWS/EKS, clusters 1.28+)"),
                },
            ),
            Line::from(vec![
                Span::styled(format!("{:<14}", "errors"), t.muted),
                Span::styled(
                    format!(
                        "4XX {}  5XX {}  429 {}",
                        figure(m.apiserver_4xx, count),
                        figure(m.apiserver_5xx, count),
                        figure(m.apiserver_429, count)
                    ),
                    if m.apiserver_5xx.unwrap_or(0.0) > 0.0 { t.error } else { t.ok },
                ),
            ]),
            field(
                t,
                "GET p99",
                m.apiserver_p99_ms.map(|v| format!("{} ms", ms(v))).unwrap_or_else(|| unpublished.into()),
            ),
            field(t, "pending pods", format!("max {}", figure(m.pending_pods_max, count))),
            field(
                t,
                "nodes",
                match (m.node_count, m.failed_nodes) {
                    (Some(n), f) => format!("{} ({} failed)", count(n), opt(f, count)),
                    (None, _) => format!("{unpublished} (Container Insights)"),
                },
            ),
            field(
                t,
                "health",
                if c.health_issues.is_empty() { "no issues".into() } else { c.health_issues.join("; ") },
            ),
        ],
        half(right),
    ))
    .render(right, buf);
    let timed = m.series.as_ref().map(|s| Timed { start: s.start, points: s.requests.0.len() });
    graphs_and_list(buf, sparks, changed, &graphs, None, 1, timed, &changes, t);
    let rows = extra_lines.into_iter().map(Row::line).collect();
    crate::widgets::scroll::draw(buf, extra, rows, false, cx);
    table::draw(buf, tbl, &c.nodegroups, cx);
}

/// The changes to cluster `c` and to its node groups (`CLUSTER/NODEGROUP`),
/// newest first: a node group's update is the cluster's too (it changes what
/// the graphs show), its action followed by the node group's name.
fn changes_to(c: &EksCluster, cx: &PaneCtx) -> Vec<Change> {
    use crate::scope::Scoped;
    let room = <Eks as crate::services::Room>::INFO.name;
    let prefix = format!("{}/", c.name);
    cx.changes
        .iter()
        .filter(|ch| ch.service == room && ch.account == c.account() && ch.region == c.region)
        .filter(|ch| ch.resource == c.name || ch.resource.starts_with(&prefix))
        .map(|ch| {
            let mut ch = (*ch).clone();
            if let Some(group) = ch.resource.strip_prefix(&prefix) {
                ch.action = format!("{} {group}", ch.action);
            }
            ch
        })
        .collect()
}

/// The Fargate profiles and add-ons, a line or more each: every one named.
fn profiles_and_addons(t: &crate::theme::Theme, c: &EksCluster, width: usize) -> Vec<Line<'static>> {
    let fargate: Vec<Span<'static>> = if c.fargate_profiles.is_empty() {
        vec![Span::raw("none")]
    } else {
        c.fargate_profiles
            .iter()
            .map(|f| Span::raw(format!("{} ({}: {})", f.name, f.status, f.namespaces.join(","))))
            .collect()
    };
    let addons: Vec<Span<'static>> = match &c.addons {
        None => vec![Span::raw("not read")],
        Some(a) if a.is_empty() => vec![Span::raw("none")],
        Some(a) => a
            .iter()
            .map(|a| {
                let v = a.version.as_deref().unwrap_or("?");
                Span::raw(if a.status == "ACTIVE" {
                    format!("{} {v}", a.name)
                } else {
                    format!("!{} {v} {}", a.name, a.status)
                })
            })
            .collect(),
    };
    let mut lines = packed(t, "fargate", fargate, width);
    lines.extend(packed(t, "add-ons", addons, width));
    lines
}

fn nodegroup(buf: &mut Buffer, area: Rect, d: &EksData, cx: &PaneCtx, at: &crate::scope::Scope, cluster: &str, name: &str) {
    let t = cx.theme;
    let Some((c, n)) = d
        .cluster(at, cluster)
        .and_then(|c| c.nodegroups.iter().find(|n| n.name == name).map(|n| (c, n)))
    else {
        return gone(buf, area, t, name);
    };
    let size = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
    let skew = match n.skew {
        Some(0) => "none".to_string(),
        Some(s) if s > 0 => format!("{s} minor version{} behind the cluster", if s == 1 { "" } else { "s" }),
        Some(s) => format!("{} ahead of the cluster", -s),
        None => "-".into(),
    };
    let mut lines = vec![
        field(t, "node group", n.name.clone()),
        field(t, "cluster", format!("{} ({})", c.name, c.version.as_deref().unwrap_or("-"))),
        field(t, "status", n.status.clone()),
        field(t, "version", n.version.clone().unwrap_or_else(|| "-".into())),
        field(t, "skew", skew),
        field(t, "release", n.release_version.clone().unwrap_or_else(|| "-".into())),
        field(t, "capacity", n.capacity_type.clone().unwrap_or_else(|| "-".into())),
        field(t, "instances", n.instance_types.join(", ")),
        field(t, "size", format!("min {} desired {} max {}", size(n.min), size(n.desired), size(n.max))),
    ];
    lines.push(Line::from(""));
    if n.health_issues.is_empty() {
        lines.push(Line::from(Span::styled("no health issues", t.ok)));
    }
    for i in &n.health_issues {
        lines.push(Line::from(Span::styled(format!("! {i}"), t.error)));
    }
    // Its updates (no graphs here), newest first.
    let changes = {
        use crate::scope::Scoped;
        cx.changes_to(<Eks as crate::services::Room>::INFO.name, c.account(), &c.region, &format!("{}/{}", c.name, n.name))
    };
    if !changes.is_empty() {
        lines.push(Line::from(""));
        lines.extend(crate::widgets::changes::lines(&changes, crate::widgets::changes::SHOWN, false, t));
    }
    // Wrapped, and scrolled (j/k) where the health issues outrun the screen.
    let rows = lines.into_iter().map(crate::widgets::scroll::Row::line).collect();
    crate::widgets::scroll::draw(buf, area, rows, true, cx);
}
