//! The Price List at start, live only: the regions' cached answers at once,
//! and what the cache lacks read in the background (the dashboard), so the
//! first screen never waits for it. The demo and replays keep the bundled
//! prices, and so does an account behind a custom endpoint (an emulator does
//! not serve the Price List). `price-file` prints one region's file for
//! `scripts/prices`.

use chrono::Utc;

use crate::cli::Cli;
use crate::cost::pricelist::{self, cache, Client};
use crate::services::live::Live;

/// Puts the Price List's prices in the book: from the cache now, and, when
/// `fetch`, what it lacks once read.
pub fn start(cli: &Cli, live: &Live, fetch: bool) {
    if cli.source.no_price_list {
        return;
    }
    if let Some(at) = live.endpoint() {
        tracing::info!("price list not read: requests go to {at}; the bundled prices stay");
        return;
    }
    let today = Utc::now().date_naive();
    let dir = cache::dir();
    let sections = crate::services::price_sections();
    let (files, missing) = pricelist::cached(dir.as_deref(), &live.opts.regions, today);
    if missing.is_empty() || !fetch {
        pricelist::apply(&cli.prices, &files, &sections);
        return;
    }
    let book = cli.prices.clone();
    let conn = live.opts.conn.clone();
    let counter = live.counter.clone();
    tokio::spawn(async move {
        let client = Client::connect(&conn, Some(&counter)).await;
        let mut all = files;
        all.extend(pricelist::fetch(&client, &missing, &sections, dir.as_deref(), today).await);
        pricelist::apply(&book, &all, &sections);
    });
}

/// Why `price-file` printed nothing.
#[derive(Debug)]
pub enum PriceFileError {
    Runtime(std::io::Error),
    List(crate::cost::ListError),
}

impl std::fmt::Display for PriceFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PriceFileError::Runtime(e) => write!(f, "cannot start the runtime: {e}"),
            PriceFileError::List(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PriceFileError {}

/// `awstop price-file --region R`: the region's price file as the Price List
/// says now, on stdout; what was not used, on stderr.
pub fn price_file(region: &str, profile: Option<&str>) -> Result<String, PriceFileError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(PriceFileError::Runtime)?;
    rt.block_on(async {
        let conn = crate::aws::client::Connection {
            profile: profile.map(str::to_string),
            ..Default::default()
        };
        let client = Client::connect(&conn, None).await;
        let (text, skipped) =
            pricelist::read_region(&client, region, &crate::services::price_sections(), Utc::now().date_naive()).await.map_err(PriceFileError::List)?;
        if skipped.total() > 0 {
            eprintln!("awstop: entries not used: {}", skipped.describe());
        }
        Ok(text)
    })
}
