//! What a refresh of a region's functions needs besides its rows, worked out
//! on the source's side of the channel (`source::digest`), off the screen's
//! thread: what changed since the region's last read, and what its
//! functions cost. At 50,000 functions each is a pass over every row, new
//! and old, that a refresh arriving would otherwise wait for.
//!
//! The screen takes what changed only when it was found against the very
//! read its state holds for the region (`Digest::after`); otherwise, and
//! whenever a refresh comes without a digest (`--once`, a test), it works
//! both out itself, as before.

use std::any::Any;
use std::sync::Arc;

use compact_str::CompactString;

use super::changes::{between, in_step, Before};
use super::cost::{priced_list, Priced};
use super::domain::{Config, LambdaData};
use super::versions::Deploys;
use crate::changes::{window_start, Change};
use crate::services::room::{ChangeCtx, DigestCtx};
use crate::services::scope::Scope;

/// One read of a region's functions, digested.
#[derive(Debug)]
pub struct Digest {
    /// The stage that numbered the reads, this read's number, and the
    /// number of the read it was compared with (0: the stage saw none).
    pub stage: u64,
    pub read: u64,
    pub after: u64,
    /// The window's start the changes were kept from.
    pub since: chrono::DateTime<chrono::Utc>,
    pub changes: Vec<Change>,
    pub priced: Priced,
    /// Each function's place in the read, by its name's id: the joins find
    /// the few functions API routes invoke without reading every row.
    pub ids: crate::services::joins::ById,
    /// The prices (by address) and window the functions were priced with.
    pub prices: usize,
    pub window: u32,
}

impl Digest {
    /// Whether the cost was worked out with these prices and window.
    pub fn priced_with(&self, book: &crate::cost::PriceBook, window: u32) -> bool {
        std::ptr::eq(book, self.prices as *const crate::cost::PriceBook) && self.window == window
    }
}

/// A refresh's digest, carried beside its rows: never recorded, and equal
/// to any other (it is worked out from the rows, not part of them).
#[derive(Clone, Default)]
pub struct Digested(pub Option<Arc<Digest>>);

impl PartialEq for Digested {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Digested {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Digested" } else { "-" })
    }
}

/// What the stage keeps of a region's last read: only what finding changes
/// compares (the configurations are the rows' own, shared).
struct Memory {
    read: u64,
    listing: bool,
    rows: Vec<(CompactString, Config, Option<Arc<Deploys>>)>,
}

pub fn digest(scope: &Scope, data: &mut LambdaData, memory: &mut Option<Box<dyn Any + Send>>, cx: &DigestCtx) {
    let kept = memory.as_ref().and_then(|m| m.downcast_ref::<Memory>());
    let ccx = ChangeCtx {
        since: window_start(cx.fetched_at, cx.settings.window),
        fetched_at: cx.fetched_at,
        seen: kept.is_some(),
    };
    let changes = match kept {
        Some(m) => {
            let old = in_step(m.rows.iter().map(|r| (r.0.as_str(), Before { config: &r.1, deploys: r.2.as_ref() })));
            between(old, !m.listing, scope, data, &ccx)
        }
        None => between(|_| None, false, scope, data, &ccx),
    };
    let (after, read) = match kept {
        Some(m) => (m.read, m.read + 1),
        None => (0, 1),
    };
    *memory = Some(Box::new(Memory {
        read,
        listing: data.listing,
        rows: data.functions.iter().map(|f| (f.name.clone(), f.config.clone(), f.deploys.clone())).collect(),
    }));
    let book = &*cx.settings.prices;
    data.digest = Digested(Some(Arc::new(Digest {
        stage: cx.stage,
        read,
        after,
        since: ccx.since,
        changes,
        priced: priced_list(&data.functions, book, cx.settings.window),
        ids: data.functions.iter().enumerate().map(|(i, f)| (f.name_id(), i as u32)).collect(),
        prices: book as *const crate::cost::PriceBook as usize,
        window: cx.settings.window,
    })));
}
