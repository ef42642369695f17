//! Prices for any region from AWS's Price List Query API (`pricing:GetProducts`,
//! read-only and free; its endpoint is in us-east-1): each region's
//! on-demand rates for every price section that declares what to ask
//! (`PriceSection::listed`), written as a price file, kept in the state directory for 30 days and read by the book
//! over the bundled prices.
//! The bundled files stay the fallback: no credentials, a denied call or no
//! network leave them in use, said in the log, and nothing fails.

pub mod cache;
pub mod listed;
mod parse;
mod query;
mod render;
mod shared;

use std::path::Path;

use chrono::NaiveDate;

pub use listed::{fixed, instance_type, ListQuery, Listed};
pub use parse::{Product, Skip, Skipped};
pub use query::Found;
pub use render::{clean, num, section};

use super::book::{PriceBook, PriceSection};
use super::ListError;
pub use crate::aws::pricelist::Client;

/// `2026-12-06`: how a read is dated.
pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A region's price file, read from the Price List now: its text, and what
/// the answers held that was not used.
pub async fn read_region(
    client: &Client,
    region: &str,
    sections: &[&PriceSection],
    today: NaiveDate,
) -> Result<(String, Skipped), ListError> {
    let found = query::region(client, region, sections).await?;
    if found.rates.is_empty() {
        return Err(ListError::Empty { region: region.to_string() });
    }
    Ok((render::price_file(region, &day(today), &found, sections), found.skipped))
}

/// Price files named for the book: the cache's path, or where they came from.
pub type Files = Vec<(String, String)>;

/// The regions' fresh cached files, and the regions without one. A file
/// that cannot be used is said in the log and read again.
pub fn cached(dir: Option<&Path>, regions: &[String], today: NaiveDate) -> (Files, Vec<String>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for r in regions {
        let Some(dir) = dir else {
            missing.push(r.clone());
            continue;
        };
        match cache::read(dir, r, today) {
            Ok(Some(text)) => files.push((dir.join(format!("{r}.toml")).display().to_string(), text)),
            Ok(None) => missing.push(r.clone()),
            Err(why) => {
                tracing::warn!(region = %r, "cached prices not used: {why}");
                missing.push(r.clone());
            }
        }
    }
    (files, missing)
}

/// Reads `regions` from the Price List, keeping each answer in the cache.
/// A region that cannot be read is said in the log and stays on the
/// bundled prices.
pub async fn fetch(
    client: &Client,
    regions: &[String],
    sections: &[&PriceSection],
    dir: Option<&Path>,
    today: NaiveDate,
) -> Files {
    let mut files = Vec::new();
    for r in regions {
        match read_region(client, r, sections, today).await {
            Ok((text, skipped)) => {
                if skipped.total() > 0 {
                    tracing::info!(region = %r, "price list entries not used: {}", skipped.describe());
                }
                if let Some(dir) = dir {
                    if let Err(why) = cache::write(dir, r, &text) {
                        tracing::warn!(region = %r, "prices not cached: {why}");
                    }
                }
                files.push((format!("price list {r}"), text));
            }
            Err(why) => {
                tracing::warn!(region = %r, "price list not read, the bundled prices stay: {why}");
            }
        }
    }
    files
}

/// Hands the files to the book; a file it refuses is said in the log.
pub fn apply(book: &PriceBook, files: &Files, sections: &[&PriceSection]) {
    if files.is_empty() {
        return;
    }
    for why in book.list(files, sections) {
        tracing::warn!("prices from the price list not used: {why}");
    }
    tracing::info!(regions = files.len(), "prices from the price list in use");
}
