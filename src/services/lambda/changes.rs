//! What changed among a region's functions: a `LastModified` inside the
//! window, a function new since the last read, a `CodeSha256` that moved
//! between two reads (moto moves only the digest on a code update; AWS moves
//! both), and what its versions and aliases show (`versions`). A change is laid against the function's per-minute error rate to
//! find the suspects.

use std::collections::HashMap;

use super::domain::{Function, LambdaData};
use super::LambdaState;
use crate::changes::suspect::rose_after;
use crate::changes::{Change, ChangeSource, Suspect};
use crate::scope::Scoped;
use crate::services::room::ChangeCtx;
use crate::services::scope::Scope;

/// An error rate under this (per cent of a minute's invocations) is never a rise.
pub const ERROR_RATE_FLOOR_PCT: f64 = 1.0;
/// A minute with fewer invocations says nothing of a rate: one error in
/// five calls is 20%.
pub const RATE_MIN_INVOCATIONS: f32 = 10.0;

/// What a function's last read held that finding its changes compares.
#[derive(Clone, Copy)]
pub struct Before<'a> {
    pub config: &'a super::domain::Config,
    pub deploys: Option<&'a std::sync::Arc<super::versions::Deploys>>,
}

impl<'a> Before<'a> {
    fn of(f: &'a Function) -> Self {
        Before { config: &f.config, deploys: f.deploys.as_ref() }
    }
}

pub fn changes(state: &LambdaState, scope: &Scope, data: &LambdaData, cx: &ChangeCtx) -> Vec<Change> {
    // A function's name is its own in its scope.
    let old = in_step(state.functions.iter().filter(|f| f.in_scope(scope)).map(|f| (f.name.as_str(), Before::of(f))));
    // Every function of the scope was read before: one the state lacks is new.
    let listed = cx.seen && !state.listing.contains(scope);
    between(old, listed, scope, data, cx)
}

/// Finds each function of a new read among `old`, the last read's, by
/// name. A refresh lists the functions in the order the last one did: the
/// two are walked in step, and a map of every old function is built only
/// once they fall out of step (a function added or gone), not on every
/// refresh of 50,000 rows.
pub fn in_step<'a, I>(old: I) -> impl FnMut(&str) -> Option<Before<'a>>
where
    I: Iterator<Item = (&'a str, Before<'a>)> + Clone,
{
    let mut walk = old.clone();
    let mut by_name: Option<HashMap<&'a str, Before<'a>>> = None;
    move |name| {
        if by_name.is_none() {
            if let Some((_, b)) = walk.next().filter(|(n, _)| *n == name) {
                return Some(b);
            }
        }
        by_name.get_or_insert_with(|| old.clone().collect()).get(name).copied()
    }
}

/// What `data` changed against what `old` says each function's last read
/// held (`listed`: that read was the scope's whole list).
pub fn between<'a>(mut old: impl FnMut(&str) -> Option<Before<'a>>, listed: bool, scope: &Scope, data: &LambdaData, cx: &ChangeCtx) -> Vec<Change> {
    let change = |f: &Function, at, action: &str, source| Change {
        at,
        account: scope.account.to_string(),
        region: scope.region.clone(),
        service: <super::Lambda as crate::services::Room>::INFO.name.to_string(),
        resource: f.name.to_string(),
        action: action.to_string(),
        actor: None,
        source,
    };
    let mut out = Vec::new();
    for f in &data.functions {
        let was = old(f.name.as_str());
        if let Some(d) = &f.deploys {
            let before = was.and_then(|o| o.deploys);
            // The same read of them as last time: nothing new to say.
            if !before.is_some_and(|b| std::sync::Arc::ptr_eq(b, d)) {
                for c in super::versions::changes(before.map(|b| &**b), d, cx.since, cx.fetched_at) {
                    let source = if c.between_reads { ChangeSource::Refresh } else { ChangeSource::ServiceApi };
                    out.push(change(f, c.at, &c.action, source));
                }
            }
        }
        let found = match was {
            None => f.config.last_modified.map(|at| {
                let action = if listed { "CreateFunction" } else { "Modified" };
                change(f, at, action, ChangeSource::ServiceApi)
            }),
            // The very configuration the kept row holds: not deployed since.
            Some(o) if o.config.same(&f.config) => None,
            Some(o) => {
                let moved = f.config.last_modified.filter(|at| o.config.last_modified.is_some_and(|was| *at > was));
                let code = o.config.code_sha256.is_some() && f.config.code_sha256.is_some() && o.config.code_sha256 != f.config.code_sha256;
                match (code, moved) {
                    (true, Some(at)) => Some(change(f, at, "UpdateFunctionCode", ChangeSource::ServiceApi)),
                    (true, None) => Some(change(f, cx.fetched_at, "UpdateFunctionCode", ChangeSource::Refresh)),
                    (false, Some(at)) => Some(change(f, at, "UpdateFunctionConfiguration", ChangeSource::ServiceApi)),
                    (false, None) => None,
                }
            }
        };
        out.extend(found.filter(|c| c.at >= cx.since));
    }
    out
}

/// Each function's newest change its error rate rose after.
pub fn suspects(state: &LambdaState, changes: &[&Change]) -> Vec<Suspect> {
    let mut out: Vec<Suspect> = Vec::new();
    if changes.is_empty() {
        return out;
    }
    // Only functions with a per-minute history can be suspects: found in one
    // pass, not one pass per change (hundreds of changes, 50,000 functions),
    // and a pass that looks each function up among the few changed names
    // rather than filling a map of every function.
    // By the names' ids the source worked out: a function's row is not
    // hashed, only its id looked up among the changed names'.
    let ids: std::collections::HashSet<u64, std::hash::BuildHasherDefault<crate::services::joins::KeyHasher>> =
        changes.iter().map(|c| crate::hash::str_id(&c.resource)).collect();
    let read: HashMap<(&str, &str, &str), &Function> = state
        .functions
        .iter()
        .filter(|f| ids.contains(&f.name_id()) && f.stats.series.is_some())
        .map(|f| ((f.account(), f.region.as_str(), f.name.as_str()), f))
        .collect();
    for c in changes {
        if out.iter().any(|s| s.resource == c.resource) {
            continue;
        }
        let Some(f) = read.get(&(c.account.as_str(), c.region.as_str(), c.resource.as_str())) else {
            continue;
        };
        let Some((start, rates)) = error_rates(f) else {
            continue;
        };
        if let Some(r) = rose_after(start, &rates, c.at, ERROR_RATE_FLOOR_PCT) {
            out.push(Suspect::of(c, "error_rate_pct", &r));
        }
    }
    out
}

/// A function's errors per minute as a share of its invocations (none for
/// a minute with too few), from its history when it was read.
fn error_rates(f: &Function) -> Option<(chrono::DateTime<chrono::Utc>, Vec<Option<f64>>)> {
    let s = f.stats.series.as_ref()?;
    let start = s.start?;
    let rates = s
        .invocations
        .0
        .iter()
        .zip(&s.errors.0)
        .map(|(i, e)| (*i >= RATE_MIN_INVOCATIONS).then(|| 100.0 * *e as f64 / *i as f64))
        .collect();
    Some((start, rates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 - 1_800_000_000 % 60 + min * 60, 0).unwrap()
    }

    fn function(name: &str, modified: i64, sha: &str) -> Function {
        Function {
            name: name.into(),
            region: "us-east-1".into(),
            config: crate::services::lambda::domain::Config::new(crate::services::lambda::domain::FunctionConfig {
                last_modified: Some(t(modified)),
                code_sha256: Some(sha.into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn cx(seen: bool) -> ChangeCtx {
        ChangeCtx { since: t(0), fetched_at: t(60), seen }
    }

    #[test]
    fn reads_compared_find_new_code_new_functions_and_nothing_old() {
        let scope = Scope::new("", "us-east-1");
        let first = LambdaData {
            functions: vec![function("old", -500, "a"), function("fresh", 30, "b")],
            ..Default::default()
        };
        let state = LambdaState::default();
        let found = changes(&state, &scope, &first, &cx(false));
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at)).collect();
        assert_eq!(got, [("fresh", "Modified", t(30))]);

        let state = LambdaState { functions: first.functions.clone(), ..Default::default() };
        let second = LambdaData {
            functions: vec![
                function("old", -500, "a2"),
                function("fresh", 30, "b"),
                function("new", 50, "c"),
                function("tuned", 55, "d"),
            ],
            ..Default::default()
        };
        let mut state = state;
        state.functions.push(function("tuned", 10, "d"));
        let found = changes(&state, &scope, &second, &cx(true));
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at, c.source)).collect();
        assert_eq!(
            got,
            [
                ("old", "UpdateFunctionCode", t(60), ChangeSource::Refresh),
                ("new", "CreateFunction", t(50), ChangeSource::ServiceApi),
                ("tuned", "UpdateFunctionConfiguration", t(55), ChangeSource::ServiceApi),
            ]
        );
    }

    #[test]
    fn versions_and_aliases_are_changes_of_the_function_and_a_read_kept_says_nothing_again() {
        use super::super::versions::{Alias, Deploys};
        use std::sync::Arc;
        let scope = Scope::new("", "us-east-1");
        let with = |versions: &[(&str, i64)], to: &str| {
            let mut f = function("orders-api", -500, "a");
            f.deploys = Some(Arc::new(Deploys {
                versions: versions.iter().map(|(v, m)| (v.to_string(), t(*m))).collect(),
                aliases: vec![Alias { name: "live".into(), version: to.into(), weights: Vec::new() }],
            }));
            f
        };
        let before = with(&[("11", 20)], "11");
        let state = LambdaState { functions: vec![before.clone()], ..Default::default() };
        let next = LambdaData { functions: vec![with(&[("11", 20), ("12", 40)], "12")], ..Default::default() };
        let found = changes(&state, &scope, &next, &cx(true));
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at, c.source)).collect();
        assert_eq!(
            got,
            [
                ("orders-api", "PublishVersion 11", t(20), ChangeSource::ServiceApi),
                ("orders-api", "PublishVersion 12", t(40), ChangeSource::ServiceApi),
                ("orders-api", "Alias live 11 → 12", t(60), ChangeSource::Refresh),
            ]
        );
        assert!(found.iter().all(|c| c.service == "lambda"));
        // The same read attached again (the poller's copy): nothing.
        let same = LambdaData { functions: vec![before], ..Default::default() };
        assert!(changes(&state, &scope, &same, &cx(true)).is_empty());
    }

    #[test]
    fn a_refresh_listing_in_another_order_finds_each_function_by_name() {
        let scope = Scope::new("", "us-east-1");
        let other = Scope::new("222222222222", "us-east-1");
        let mut elsewhere = function("b", 10, "zz");
        elsewhere.account = std::sync::Arc::from("222222222222");
        // The same names in another account never stand for this scope's.
        let state = LambdaState {
            functions: vec![elsewhere, function("a", 10, "a"), function("b", 10, "b"), function("c", 10, "c")],
            ..Default::default()
        };
        assert!(!state.functions[0].in_scope(&scope) && state.functions[0].in_scope(&other));
        let next = LambdaData {
            functions: vec![function("c", 10, "c"), function("b", 10, "b2"), function("d", 20, "d"), function("a", 10, "a")],
            ..Default::default()
        };
        let found = changes(&state, &scope, &next, &cx(true));
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str())).collect();
        assert_eq!(got, [("b", "UpdateFunctionCode"), ("d", "CreateFunction")]);
        // Listed in the same order, nothing moved: nothing found.
        let same = LambdaData { functions: state.functions[1..].to_vec(), ..Default::default() };
        assert!(changes(&state, &scope, &same, &cx(true)).is_empty());
    }

    #[test]
    fn the_change_before_the_error_rate_rose_is_the_suspect() {
        let mut f = function("orders-api", 30, "a");
        let series = super::super::domain::FunctionSeries {
            start: Some(t(0)),
            invocations: crate::series::Series(vec![100.0; 60]),
            errors: crate::series::Series((0..60).map(|m| if (34..40).contains(&m) { 18.0 } else { 0.0 }).collect()),
            ..Default::default()
        };
        f.stats.series = Some(Box::new(series));
        let state = LambdaState { functions: vec![f], ..Default::default() };
        let mk = |at, action: &str| Change {
            at,
            account: String::new(),
            region: "us-east-1".into(),
            service: "lambda".into(),
            resource: "orders-api".into(),
            action: action.into(),
            actor: None,
            source: ChangeSource::ServiceApi,
        };
        // Newest first: the one after the rise is passed over.
        let after = mk(t(36), "UpdateFunctionConfiguration");
        let before = mk(t(30) + Duration::seconds(5), "UpdateFunctionCode");
        let s = suspects(&state, &[&after, &before]);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].change.action.as_str(), s[0].before, s[0].after), ("UpdateFunctionCode", 0.0, 18.0));
        assert!(suspects(&state, &[&after]).is_empty());
    }
}
