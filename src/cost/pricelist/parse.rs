//! One `PriceList` entry of a GetProducts answer: a product, as a JSON
//! string, with its attributes and its terms. Only the on-demand rate in
//! dollars is kept (`terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD`);
//! an entry that does not have one the way AWS writes it is skipped with its
//! reason counted, never guessed at.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A product with its first-tier on-demand rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub sku: String,
    pub attributes: BTreeMap<String, String>,
    /// Dollars a unit (a request, a GB-second, an hour).
    pub usd: f64,
    pub unit: String,
    /// The offer's publication date (`2026-12-01`), where it says one.
    pub published: Option<String>,
}

impl Product {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    /// The usage type without its region's prefix (`EU-Request`, `USE1-…`):
    /// what the product is, the same in every region. us-east-1's usage types
    /// often carry no prefix at all.
    pub fn usage(&self) -> &str {
        let ut = self.attr("usagetype").unwrap_or("");
        match ut.split_once('-') {
            Some((head, rest))
                if (2..=5).contains(&head.len())
                    && head.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
            {
                rest
            }
            _ => ut,
        }
    }
}

/// Why an entry was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    NotJson,
    NoOnDemand,
    NoUsd,
    BadPrice,
    /// A product none of the queries' keys names (another usage type).
    Unknown,
    /// A second product for a key already priced.
    Again,
}

impl Skip {
    pub fn reason(self) -> &'static str {
        match self {
            Skip::NotJson => "not a product's JSON",
            Skip::NoOnDemand => "no on-demand terms",
            Skip::NoUsd => "no price in USD",
            Skip::BadPrice => "a price out of range",
            Skip::Unknown => "not a product awstop prices",
            Skip::Again => "a second product for the same price",
        }
    }
}

/// How many entries were skipped, by reason: said in the log, and tested.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Skipped(pub BTreeMap<Skip, usize>);

impl Skipped {
    pub fn add(&mut self, s: Skip) {
        *self.0.entry(s).or_default() += 1;
    }

    pub fn count(&self, s: Skip) -> usize {
        self.0.get(&s).copied().unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.0.values().sum()
    }

    /// "2 not a product's JSON, 1 no price in USD".
    pub fn describe(&self) -> String {
        let parts: Vec<String> =
            self.0.iter().map(|(s, n)| format!("{n} {}", s.reason())).collect();
        parts.join(", ")
    }
}

#[derive(Deserialize)]
struct Entry {
    product: ProductJson,
    #[serde(default)]
    terms: Terms,
    #[serde(rename = "publicationDate")]
    publication_date: Option<String>,
}

#[derive(Deserialize)]
struct ProductJson {
    sku: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct Terms {
    #[serde(rename = "OnDemand", default)]
    on_demand: BTreeMap<String, Term>,
}

#[derive(Deserialize)]
struct Term {
    #[serde(rename = "priceDimensions", default)]
    price_dimensions: BTreeMap<String, Dimension>,
}

#[derive(Deserialize)]
struct Dimension {
    #[serde(default)]
    unit: String,
    #[serde(rename = "beginRange")]
    begin_range: Option<String>,
    #[serde(rename = "pricePerUnit", default)]
    price_per_unit: BTreeMap<String, String>,
}

/// One entry, or why it cannot be used. Tiered prices (Lambda's duration)
/// give their first tier: the rate from the first unit on.
pub fn product(entry: &str) -> Result<Product, Skip> {
    let e: Entry = serde_json::from_str(entry).map_err(|_| Skip::NotJson)?;
    // One on-demand term a product, in AWS's data; were there several, the
    // first by its code is as good as any and the same every read.
    let term = e.terms.on_demand.values().next().ok_or(Skip::NoOnDemand)?;
    let first = term
        .price_dimensions
        .values()
        .min_by(|a, b| begin(a).total_cmp(&begin(b)))
        .ok_or(Skip::NoOnDemand)?;
    let text = first.price_per_unit.get("USD").ok_or(Skip::NoUsd)?;
    let usd: f64 = text.trim().parse().map_err(|_| Skip::BadPrice)?;
    if !usd.is_finite() || !(0.0..=crate::cost::book::MAX_PRICE).contains(&usd) {
        return Err(Skip::BadPrice);
    }
    Ok(Product {
        sku: e.product.sku,
        attributes: e.product.attributes,
        usd,
        unit: first.unit.clone(),
        published: e
            .publication_date
            .and_then(|d| d.get(..10).map(str::to_string)),
    })
}

/// Where a tier starts; a dimension without one is the only tier.
fn begin(d: &Dimension) -> f64 {
    d.begin_range
        .as_deref()
        .and_then(|b| b.parse::<f64>().ok())
        .unwrap_or(0.0)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A product as GetProducts returns it: one JSON string of the shape the
    /// Price List documents (product, serviceCode, terms, version,
    /// publicationDate), with its Reserved terms left out.
    pub fn entry(service: &str, sku: &str, attrs: &[(&str, &str)], tiers: &[(&str, &str)], unit: &str) -> String {
        let mut a = serde_json::Map::new();
        a.insert("servicecode".into(), service.into());
        for (k, v) in attrs {
            a.insert((*k).into(), (*v).into());
        }
        let term = format!("{sku}.JRTCKXETXF");
        let dims: serde_json::Map<String, serde_json::Value> = tiers
            .iter()
            .enumerate()
            .map(|(i, (begin, usd))| {
                (
                    format!("{term}.6YS6EN2CT{i}"),
                    serde_json::json!({
                        "unit": unit,
                        "endRange": "Inf",
                        "description": "a rate",
                        "appliesTo": [],
                        "rateCode": format!("{term}.6YS6EN2CT{i}"),
                        "beginRange": begin,
                        "pricePerUnit": { "USD": usd }
                    }),
                )
            })
            .collect();
        serde_json::json!({
            "product": { "productFamily": "Compute", "attributes": a, "sku": sku },
            "serviceCode": service,
            "terms": { "OnDemand": { term.clone(): {
                "priceDimensions": dims,
                "sku": sku,
                "effectiveDate": "2026-12-01T00:00:00Z",
                "offerTermCode": "JRTCKXETXF",
                "termAttributes": {}
            } } },
            "version": "20261201190418",
            "publicationDate": "2026-12-01T19:04:18Z"
        })
        .to_string()
    }

    #[test]
    fn the_first_tier_of_the_on_demand_term_is_the_price() {
        let e = entry(
            "AWSLambda",
            "TG3M4CAGBA3NYQBH",
            &[("usagetype", "EU-Lambda-GB-Second"), ("group", "AWS-Lambda-Duration")],
            &[("15000000000", "0.0000133334"), ("0", "0.0000166667"), ("6000000000", "0.0000150000")],
            "Lambda-GB-Second",
        );
        let p = product(&e).unwrap();
        assert_eq!(p.usd, 0.0000166667);
        assert_eq!(p.sku, "TG3M4CAGBA3NYQBH");
        assert_eq!(p.usage(), "Lambda-GB-Second");
        assert_eq!(p.unit, "Lambda-GB-Second");
        assert_eq!(p.published.as_deref(), Some("2026-12-01"));
    }

    #[test]
    fn usage_types_lose_their_region_prefix_only() {
        let p = |ut: &str| Product {
            sku: String::new(),
            attributes: [("usagetype".to_string(), ut.to_string())].into(),
            usd: 0.0,
            unit: String::new(),
            published: None,
        };
        assert_eq!(p("USE1-AmazonEKS-Hours:perCluster").usage(), "AmazonEKS-Hours:perCluster");
        assert_eq!(p("APN1-BoxUsage:m5.large").usage(), "BoxUsage:m5.large");
        assert_eq!(p("BoxUsage:m5.large").usage(), "BoxUsage:m5.large");
        assert_eq!(p("Request").usage(), "Request");
        assert_eq!(p("Lambda-Edge-Request").usage(), "Lambda-Edge-Request");
        assert_eq!(p("EU-Lambda-Edge-Request").usage(), "Lambda-Edge-Request");
    }

    #[test]
    fn malformed_entries_say_why() {
        assert_eq!(product("{not json"), Err(Skip::NotJson));
        assert_eq!(product("{\"product\":{}}"), Err(Skip::NotJson));
        let no_terms = "{\"product\":{\"sku\":\"X\",\"attributes\":{}},\"terms\":{}}";
        assert_eq!(product(no_terms), Err(Skip::NoOnDemand));
        let eur = entry("AmazonEC2", "X", &[], &[("0", "1.0")], "Hrs").replace("\"USD\"", "\"EUR\"");
        assert_eq!(product(&eur), Err(Skip::NoUsd));
        for bad in ["lots", "-1", "NaN", "1e9"] {
            let e = entry("AmazonEC2", "X", &[], &[("0", bad)], "Hrs");
            assert_eq!(product(&e), Err(Skip::BadPrice), "{bad}");
        }
        let mut s = Skipped::default();
        s.add(Skip::NotJson);
        s.add(Skip::NotJson);
        s.add(Skip::NoUsd);
        assert_eq!((s.count(Skip::NotJson), s.total()), (2, 3));
        assert_eq!(s.describe(), "2 not a product's JSON, 1 no price in USD");
    }
}
