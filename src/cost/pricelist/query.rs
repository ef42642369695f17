//! What is asked of the Price List for a region, and which answer is which
//! price. Each section's products (`listed::ListQuery`, declared by the room
//! that owns the section) are filtered by their SKU attributes (`regionCode`
//! and the section's own), read page by page, and told apart by their usage
//! type, which names the same product in every region once its region prefix
//! is dropped.

use std::collections::BTreeMap;

use super::listed::{ListQuery, Listed};
use super::parse::{self, Skip, Skipped};
use crate::cost::book::PriceSection;

/// A price found: dollars a unit of the file's key, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub usd: f64,
    pub sku: String,
    pub usage: String,
    /// EC2: the instance type's vCPUs, for the per-vCPU rate.
    pub vcpu: Option<f64>,
}

/// What a region's answers priced, by section and key, and what they skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub rates: BTreeMap<(&'static str, String), Rate>,
    pub skipped: Skipped,
    /// The latest offer publication date seen.
    pub published: Option<String>,
}

impl Found {
    /// Sorts one page's entries into prices.
    pub fn add(&mut self, query: &ListQuery, region: &str, entries: &[String]) {
        for e in entries {
            let p = match parse::product(e) {
                Ok(p) => p,
                Err(s) => {
                    self.skipped.add(s);
                    continue;
                }
            };
            // A filter the service ignored must not bring another region's price in.
            let key = match p.attr("regionCode") {
                Some(r) if r != region => None,
                _ => (query.key)(&p),
            };
            let Some((section, key, scale)) = key else {
                self.skipped.add(Skip::Unknown);
                continue;
            };
            if self.rates.contains_key(&(section, key.clone())) {
                self.skipped.add(Skip::Again);
                continue;
            }
            if let Some(d) = &p.published {
                if self.published.as_ref().is_none_or(|seen| d > seen) {
                    self.published = Some(d.clone());
                }
            }
            let rate = Rate {
                usd: p.usd * scale,
                sku: p.sku.clone(),
                usage: p.attr("usagetype").unwrap_or("").to_string(),
                vcpu: p.attr("vcpu").and_then(|v| v.parse().ok()),
            };
            self.rates.insert((section, key), rate);
        }
    }

    pub fn get(&self, section: &'static str, key: &str) -> Option<&Rate> {
        self.rates.get(&(section, key.to_string()))
    }
}

/// What a price file asks of the Price List: the shared sections', then
/// each room's, in the order given.
pub fn listed<'a>(sections: &'a [&'a PriceSection]) -> impl Iterator<Item = &'a Listed> + 'a {
    super::shared::ALL.into_iter().chain(sections.iter().filter_map(|s| s.listed))
}

/// A region's prices: each section's products, sorted into prices.
pub async fn region(client: &crate::aws::pricelist::Client, region: &str, sections: &[&PriceSection]) -> Result<Found, crate::cost::ListError> {
    let mut found = Found::default();
    for query in listed(sections).flat_map(|l| l.queries) {
        client
            .products(query.code, &query.filters(region), |page| found.add(query, region, page))
            .await
            .map_err(|error| crate::cost::ListError::Call { service: query.code, error })?;
    }
    Ok(found)
}
