//! What a function costs at list price: requests plus GB-seconds of billed
//! duration, by architecture; the account against the monthly free tier; and
//! the functions that run up against their timeout (they fail, and bill, at
//! the limit).

use super::domain::Function;
use super::LambdaState;
use crate::cost::{money, Estimate, PriceBook, RoomCost, HOURS_PER_MONTH};
use crate::fmt::{count, significant};
use serde::Deserialize;

/// Lambda's hard limit on a function's timeout.
pub const HARD_LIMIT_S: u32 = 900;

/// A function whose slowest call came within this share of its timeout.
const NEAR_TIMEOUT: f64 = 0.9;

/// Lambda's section of the price files (`[lambda]`).
pub const PRICES: crate::cost::book::PriceSection =
    crate::cost::book::PriceSection::of::<LambdaPrices>("lambda", "Lambda")
        .listed(&super::price_list::LISTED);

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LambdaPrices {
    pub usd_per_million_requests: f64,
    pub usd_per_gb_second_x86_64: f64,
    pub usd_per_gb_second_arm64: f64,
    pub free_requests_per_month: f64,
    pub free_gb_seconds_per_month: f64,
}

fn prices<'a>(f: &Function, book: &'a PriceBook) -> Result<(&'a LambdaPrices, &'a crate::cost::book::RegionPrices), crate::cost::book::PriceError> {
    let r = book.region(&f.region)?;
    Ok((r.priced::<LambdaPrices>("Lambda")?, r))
}

type Found<'a> = Result<(&'a LambdaPrices, &'a crate::cost::book::RegionPrices), crate::cost::book::PriceError>;

/// `prices`, looked up once per run of functions in one region: the room's
/// sums price every function of every refresh, and the functions of a
/// region come together.
struct ByRegion<'a> {
    book: &'a PriceBook,
    last: Option<(&'a str, Found<'a>)>,
}

impl<'a> ByRegion<'a> {
    fn new(book: &'a PriceBook) -> Self {
        ByRegion { book, last: None }
    }

    fn of(&mut self, f: &'a Function) -> &Found<'a> {
        if self.last.as_ref().is_some_and(|(r, _)| *r != f.region) {
            self.last = None;
        }
        let book = self.book;
        &self.last.get_or_insert_with(|| (f.region.as_str(), prices(f, book))).1
    }
}

fn gb(f: &Function) -> f64 {
    f.memory_mb as f64 / 1024.0
}

fn arm(f: &Function) -> bool {
    f.architecture == "arm64"
}

/// GB-seconds over the window: invocations × average duration × memory.
/// `None` when the duration was not read although there were calls.
fn gb_seconds(f: &Function) -> Option<f64> {
    let inv = f.stats.invocations?;
    if inv == 0.0 {
        return Some(0.0);
    }
    Some(inv * f.stats.duration_avg_ms? / 1000.0 * gb(f))
}

pub fn estimate(f: &Function, book: &PriceBook, window_min: u32) -> Estimate {
    priced(f, book, window_min, true)
}

/// The estimate without its basis, for sums and sorts.
pub fn figure(f: &Function, book: &PriceBook, window_min: u32) -> Estimate {
    priced(f, book, window_min, false)
}

/// Every function's monthly figure (`figure(..).per_month()`), prices looked
/// up once per run of functions of one region: a sort by cost prices every
/// function.
pub fn per_month(functions: &[Function], book: &PriceBook, window_min: u32) -> Vec<Option<f64>> {
    let mut at = ByRegion::new(book);
    functions
        .iter()
        .map(|f| priced_at(f, at.of(f), window_min, false).per_month())
        .collect()
}

/// The estimate, with its basis written out only when `basis`: the room's
/// sum over ten thousand functions on every refresh needs the dollars alone.
fn priced(f: &Function, book: &PriceBook, window_min: u32, basis: bool) -> Estimate {
    priced_at(f, &prices(f, book), window_min, basis)
}

fn priced_at(f: &Function, found: &Found<'_>, window_min: u32, basis: bool) -> Estimate {
    let (p, region) = match found {
        Ok(p) => *p,
        Err(why) => return Estimate::Unpriced(why.to_string()),
    };
    let (Some(inv), Some(gbs)) = (f.stats.invocations, gb_seconds(f)) else {
        return Estimate::Unread;
    };
    let rate = if arm(f) {
        p.usd_per_gb_second_arm64
    } else {
        p.usd_per_gb_second_x86_64
    };
    let window = inv / 1e6 * p.usd_per_million_requests + gbs * rate;
    Estimate::Usd {
        per_hour: window * 60.0 / window_min.max(1) as f64,
        window: Some(window),
        basis: if basis {
            format!(
                "{} requests × ${}/M + {} GB-s × ${rate} ({}) over {window_min}m, {}",
                count(inv),
                p.usd_per_million_requests,
                significant(gbs),
                if arm(f) { "arm64" } else { "x86_64" },
                region.label_of("lambda"),
            )
        } else {
            String::new()
        },
    }
}

/// A month at this window's rate against the free tier, which the whole
/// account shares.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeTier {
    pub requests_month: f64,
    pub gb_seconds_month: f64,
    pub free_requests: f64,
    pub free_gb_seconds: f64,
    /// The month's list price less what the free tier covers.
    pub net_usd_month: f64,
    /// The day of a 30-day month the first allowance runs out, if it does.
    pub crossed_day: Option<f64>,
}

impl FreeTier {
    pub fn text(&self) -> String {
        // Far past the allowance, "726.5M of 1.0M" hides the point: say how
        // many times over.
        let used = |v: f64, free: f64| {
            if free > 0.0 && v > free {
                let times = v / free;
                let times = if times < 10.0 { format!("{times:.1}") } else { count(times) };
                format!("{times}× the {} free", count(free))
            } else {
                format!("{} of {}", count(v), count(free))
            }
        };
        let crossed = match self.crossed_day {
            Some(d) => format!("; used up about day {}", d.ceil().max(1.0) as u32),
            None => String::new(),
        };
        format!(
            "free tier: {} requests, {} GB-s a month{crossed}; {}/mo after it",
            used(self.requests_month, self.free_requests),
            used(self.gb_seconds_month, self.free_gb_seconds),
            money::usd(self.net_usd_month),
        )
    }
}

const DAYS_PER_MONTH: f64 = HOURS_PER_MONTH / 24.0;

/// What the free tier is measured against, summed over functions: sums
/// of regions add up to the account's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TierSums {
    requests: f64,
    gb_seconds: f64,
    requests_usd: f64,
    gb_seconds_usd: f64,
    /// The allowance (requests, GB-seconds), from the first priced function.
    tier: Option<(f64, f64)>,
}

impl TierSums {
    fn add(&mut self, o: &TierSums) {
        self.requests += o.requests;
        self.gb_seconds += o.gb_seconds;
        self.requests_usd += o.requests_usd;
        self.gb_seconds_usd += o.gb_seconds_usd;
        self.tier = self.tier.or(o.tier);
    }

    fn free_tier(&self) -> Option<FreeTier> {
        let (req, gbs, req_usd, gbs_usd) = (self.requests, self.gb_seconds, self.requests_usd, self.gb_seconds_usd);
        let (free_req, free_gbs) = self.tier?;
        // What the allowance is worth at this account's own mix of prices.
        let covered = |used: f64, free: f64, usd: f64| if used > 0.0 { usd * (free.min(used) / used) } else { 0.0 };
        let net = req_usd - covered(req, free_req, req_usd) + gbs_usd - covered(gbs, free_gbs, gbs_usd);
        let day = |used: f64, free: f64| (used > free).then(|| DAYS_PER_MONTH * free / used);
        let crossed_day = match (day(req, free_req), day(gbs, free_gbs)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Some(FreeTier {
            requests_month: req,
            gb_seconds_month: gbs,
            free_requests: free_req,
            free_gb_seconds: free_gbs,
            net_usd_month: net,
            crossed_day,
        })
    }
}

/// A list of functions priced: the room's sum without its note, and what
/// the free tier is measured against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Priced {
    pub cost: RoomCost,
    pub tier: TierSums,
    /// How many functions were priced.
    pub rows: usize,
}

impl Priced {
    /// The sum of regions' figures, with the free tier's note.
    pub fn sum<'a>(parts: impl IntoIterator<Item = &'a Priced>) -> RoomCost {
        let (mut c, mut tier) = (RoomCost::default(), TierSums::default());
        for p in parts {
            c.per_hour += p.cost.per_hour;
            c.priced += p.cost.priced;
            c.partly_priced += p.cost.partly_priced;
            c.unpriced += p.cost.unpriced;
            if c.why.is_none() {
                c.why = p.cost.why.clone();
            }
            tier.add(&p.tier);
        }
        c.note = tier.free_tier().map(|t| t.text());
        c
    }
}

/// Every function of `functions` priced, in one pass.
pub fn priced_list(functions: &[Function], book: &PriceBook, window_min: u32) -> Priced {
    let scale = 60.0 / window_min.max(1) as f64 * HOURS_PER_MONTH;
    let mut at = ByRegion::new(book);
    let mut out = Priced { rows: functions.len(), ..Default::default() };
    let t = &mut out.tier;
    for f in functions {
        let found = at.of(f);
        out.cost.add(&priced_at(f, found, window_min, false));
        let (Ok((p, _)), Some(inv), Some(g)) = (found, f.stats.invocations, gb_seconds(f)) else {
            continue;
        };
        t.tier.get_or_insert((p.free_requests_per_month, p.free_gb_seconds_per_month));
        let rate = if arm(f) {
            p.usd_per_gb_second_arm64
        } else {
            p.usd_per_gb_second_x86_64
        };
        t.requests += inv * scale;
        t.gb_seconds += g * scale;
        t.requests_usd += inv * scale / 1e6 * p.usd_per_million_requests;
        t.gb_seconds_usd += g * scale * rate;
    }
    out
}

pub fn free_tier(state: &LambdaState, book: &PriceBook, window_min: u32) -> Option<FreeTier> {
    priced_list(&state.functions, book, window_min).tier.free_tier()
}

pub fn room(state: &LambdaState, book: &PriceBook, window_min: u32) -> RoomCost {
    // Each region's functions were priced as their refresh arrived, off the
    // screen's thread (`digest`): sum those when they cover every row.
    if let Some(parts) = state.priced(book, window_min) {
        return Priced::sum(parts);
    }
    Priced::sum([&priced_list(&state.functions, book, window_min)])
}

/// `room`, per account (without the free tier, which is the payer's).
pub fn by_account(state: &LambdaState, book: &PriceBook, window_min: u32) -> Vec<(String, RoomCost)> {
    let mut at = ByRegion::new(book);
    RoomCost::by_account(state.functions.iter().map(|f| (&*f.account, priced_at(f, at.of(f), window_min, false))))
}

/// Why a function's slowest call is a warning, if it is.
pub fn timeout_risk(f: &Function) -> Option<String> {
    let max = f.stats.duration_max_ms?;
    let limit_ms = f.timeout_s as f64 * 1000.0;
    if f.timeout_s == 0 || max < limit_ms * NEAR_TIMEOUT {
        return None;
    }
    let s = |ms: f64| format!("{:.1}s", ms / 1000.0);
    Some(if f.timeout_s as f64 >= HARD_LIMIT_S as f64 * NEAR_TIMEOUT {
        format!("max {} of {}: near the 15-min limit", s(max), s(limit_ms))
    } else {
        format!("max {} of {} timeout", s(max), s(limit_ms))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lambda::domain::FunctionStats;

    fn function(mem: u32, arch: &str, inv: f64, avg_ms: f64) -> Function {
        Function {
            name: "f".into(),
            region: "us-east-1".into(),
            memory_mb: mem,
            timeout_s: 30,
            architecture: arch.into(),
            stats: FunctionStats {
                invocations: Some(inv),
                duration_avg_ms: Some(avg_ms),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn usd(e: &Estimate) -> (f64, f64) {
        match e {
            Estimate::Usd { per_hour, window, .. } => (*per_hour, window.unwrap()),
            e => panic!("not priced: {e:?}"),
        }
    }

    #[test]
    fn the_figures_of_a_list_are_each_functions_own() {
        let book = crate::services::builtin_prices();
        let mut fs = Vec::new();
        for (i, region) in ["us-east-1", "us-east-1", "xx-nowhere-1", "us-west-2", "us-east-1"].iter().enumerate() {
            let mut f = function(128 << (i % 3), if i % 2 == 0 { "arm64" } else { "x86_64" }, 1e5 * i as f64, 40.0 + i as f64);
            f.region = (*region).into();
            fs.push(f);
        }
        fs[1].stats.duration_avg_ms = None;
        let got = per_month(&fs, &book, 15);
        let want: Vec<Option<f64>> = fs.iter().map(|f| figure(f, &book, 15).per_month()).collect();
        assert_eq!(got, want);
        assert!(got[0].is_some() && got[2].is_none() && got[3].is_some(), "{got:?}");
    }

    #[test]
    fn x86_and_arm64_are_priced_at_their_own_gb_second_rate() {
        let book = crate::services::builtin_prices();
        // 1M calls × 200 ms × 0.5 GB = 100,000 GB-s, over a 60-minute window.
        let x86 = estimate(&function(512, "x86_64", 1e6, 200.0), book, 60);
        let arm = estimate(&function(512, "arm64", 1e6, 200.0), book, 60);
        let (h, w) = usd(&x86);
        assert!((w - (0.20 + 100_000.0 * 0.0000166667)).abs() < 1e-9, "{w}");
        assert!((h - w).abs() < 1e-12, "a 60-minute window is an hour");
        let (_, wa) = usd(&arm);
        assert!((wa - (0.20 + 100_000.0 * 0.0000133334)).abs() < 1e-9, "{wa}");
        assert!(x86.basis().contains("x86_64") && arm.basis().contains("arm64"));
        assert!(x86.basis().contains("us-east-1 bundled 2026-11"), "{}", x86.basis());
    }

    #[test]
    fn gb_seconds_below_one_keep_their_significant_digits() {
        let book = crate::services::builtin_prices();
        // One call of 264 ms at 128 MB: 0.033 GB-s, not "0".
        let e = estimate(&function(128, "x86_64", 1.0, 264.0), book, 60);
        assert!(e.basis().contains("+ 0.033 GB-s ×"), "{}", e.basis());
        let e = estimate(&function(1024, "x86_64", 10.0, 123.4), book, 60);
        assert!(e.basis().contains("+ 1.23 GB-s ×"), "{}", e.basis());
        let e = estimate(&function(1024, "x86_64", 1e6, 200.0), book, 60);
        assert!(e.basis().contains("+ 200.0k GB-s ×"), "{}", e.basis());
    }

    #[test]
    fn the_room_prices_each_function_in_its_own_region_however_they_interleave() {
        let book = crate::services::builtin_prices();
        let at = |region: &str, mem: u32| Function { region: region.into(), ..function(mem, "x86_64", 1e6, 200.0) };
        let functions = vec![
            at("us-east-1", 512),
            at("mars-north-1", 512),
            at("mars-north-1", 1024),
            at("us-east-1", 1024),
            at("eu-west-1", 2048),
        ];
        let one_by_one: Vec<Estimate> = functions.iter().map(|f| figure(f, book, 60)).collect();
        let want = RoomCost::of(&one_by_one);
        let state = LambdaState { functions, ..Default::default() };
        let got = room(&state, book, 60);
        assert_eq!((got.priced, got.unpriced, got.why.clone()), (want.priced, want.unpriced, want.why.clone()));
        assert_eq!((got.priced, got.unpriced), (3, 2));
        assert!((got.per_hour - want.per_hour).abs() < 1e-12, "{} vs {}", got.per_hour, want.per_hour);
        assert!(got.why.as_deref().is_some_and(|w| w.contains("mars-north-1")), "{:?}", got.why);
        let by = by_account(&state, book, 60);
        assert_eq!(by.len(), 1);
        assert_eq!((by[0].1.priced, by[0].1.unpriced), (3, 2));
    }

    #[test]
    fn a_short_window_is_scaled_to_the_hour() {
        let e = estimate(&function(1024, "x86_64", 1000.0, 1000.0), crate::services::builtin_prices(), 15);
        let (h, w) = usd(&e);
        assert!((w - (0.0002 + 1000.0 * 0.0000166667)).abs() < 1e-12);
        assert!((h - 4.0 * w).abs() < 1e-12);
    }

    #[test]
    fn no_calls_cost_nothing_and_unread_metrics_are_not_zero() {
        let book = crate::services::builtin_prices();
        let mut idle = function(128, "x86_64", 0.0, 0.0);
        idle.stats.duration_avg_ms = None;
        assert_eq!(usd(&estimate(&idle, book, 60)), (0.0, 0.0));
        let mut unread = function(128, "x86_64", 0.0, 0.0);
        unread.stats.invocations = None;
        assert_eq!(estimate(&unread, book, 60), Estimate::Unread);
        let mut busy_no_duration = function(128, "x86_64", 10.0, 0.0);
        busy_no_duration.stats.duration_avg_ms = None;
        assert_eq!(estimate(&busy_no_duration, book, 60), Estimate::Unread);
    }

    #[test]
    fn a_region_without_prices_is_a_question_mark_with_its_reason() {
        let mut f = function(128, "x86_64", 10.0, 10.0);
        f.region = "sa-east-1".into();
        let e = estimate(&f, crate::services::builtin_prices(), 60);
        assert_eq!(e.cell(), "?");
        assert!(e.basis().contains("sa-east-1"), "{}", e.basis());
    }

    #[test]
    fn the_free_tier_is_crossed_mid_month() {
        // 2,740 calls an hour = 2M a month: twice the free requests, so they
        // run out on day 15.2; 2M × 0.1 s × 0.125 GB = 25,000 GB-s, inside
        // the 400,000 free.
        let state = LambdaState {
            functions: vec![function(128, "x86_64", 2e6 / HOURS_PER_MONTH, 100.0)],
            ..Default::default()
        };
        let t = free_tier(&state, crate::services::builtin_prices(), 60).unwrap();
        assert!((t.requests_month - 2e6).abs() < 1e-3, "{}", t.requests_month);
        assert!((t.gb_seconds_month - 25_000.0).abs() < 1e-3, "{}", t.gb_seconds_month);
        let day = t.crossed_day.unwrap();
        assert!((day - DAYS_PER_MONTH / 2.0).abs() < 1e-9, "{day}");
        // Left to pay: the second million requests; the duration is free.
        assert!((t.net_usd_month - 0.20).abs() < 1e-9, "{}", t.net_usd_month);
        assert!(t.text().contains("used up about day 16"), "{}", t.text());
    }

    #[test]
    fn an_account_inside_the_free_tier_pays_nothing() {
        let state = LambdaState {
            functions: vec![function(128, "x86_64", 10.0, 100.0)],
            ..Default::default()
        };
        let t = free_tier(&state, crate::services::builtin_prices(), 60).unwrap();
        assert_eq!((t.crossed_day, t.net_usd_month), (None, 0.0));
    }

    #[test]
    fn slow_calls_near_the_timeout_are_flagged_and_the_hard_limit_named() {
        let mut f = function(128, "x86_64", 1.0, 1.0);
        f.stats.duration_max_ms = Some(26_000.0);
        assert_eq!(timeout_risk(&f), None, "26 of 30 s is under 90%");
        f.stats.duration_max_ms = Some(27_500.0);
        assert_eq!(timeout_risk(&f).as_deref(), Some("max 27.5s of 30.0s timeout"));
        f.timeout_s = 900;
        f.stats.duration_max_ms = Some(880_000.0);
        assert!(timeout_risk(&f).unwrap().contains("15-min limit"));
    }
}
