//! The price book: each region's dated list prices, from the files in
//! `prices/` (built in) or the user's own file, loaded once at start.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

/// The repository's price files, one per region.
/// The first two are complete; the others price what AWS's price data was
/// found to say for that region, and leave the rest out (that service is `?`
/// there, with the reason), as each file's comments say.
const BUILTIN: &[&str] = &[
    include_str!("../../prices/us-east-1.toml"),
    include_str!("../../prices/us-west-2.toml"),
    include_str!("../../prices/us-east-2.toml"),
    include_str!("../../prices/us-west-1.toml"),
    include_str!("../../prices/eu-west-1.toml"),
    include_str!("../../prices/eu-west-2.toml"),
    include_str!("../../prices/eu-central-1.toml"),
    include_str!("../../prices/ap-southeast-1.toml"),
    include_str!("../../prices/ap-southeast-2.toml"),
    include_str!("../../prices/ap-northeast-1.toml"),
];

/// A price file is a few hundred bytes; anything large is not one.
const MAX_PRICE_FILE_BYTES: u64 = 256 * 1024;

/// Spot capacity's default discount from the on-demand price: an assumption,
/// shown as one wherever it is used (Spot prices move hourly).
pub const DEFAULT_SPOT_DISCOUNT_PCT: f64 = 70.0;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RegionPrices {
    pub region: String,
    /// When the prices were read (`2026-11`): every basis says it.
    pub date: String,
    // Sections are optional so that a user's file may price only what they
    // run: a missing section makes that service `?`, never a guess.
    pub lambda: Option<LambdaPrices>,
    pub fargate: Option<FargatePrices>,
    pub eks: Option<EksPrices>,
    pub ec2: Option<Ec2Prices>,
    pub emr: Option<EmrPrices>,
    pub apigateway: Option<ApiGatewayPrices>,
    /// Where the prices came from, for the basis.
    #[serde(skip)]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LambdaPrices {
    pub usd_per_million_requests: f64,
    pub usd_per_gb_second_x86_64: f64,
    pub usd_per_gb_second_arm64: f64,
    pub free_requests_per_month: f64,
    pub free_gb_seconds_per_month: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FargatePrices {
    pub usd_per_vcpu_hour_x86_64: f64,
    pub usd_per_gb_hour_x86_64: f64,
    pub usd_per_vcpu_hour_arm64: f64,
    pub usd_per_gb_hour_arm64: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EksPrices {
    pub usd_per_cluster_hour_standard: f64,
    pub usd_per_cluster_hour_extended: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Ec2Prices {
    pub usd_per_vcpu_hour: f64,
}

/// API Gateway bills per request (first tier; volume tiers are not counted).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ApiGatewayPrices {
    pub usd_per_million_rest_requests: f64,
    pub usd_per_million_http_requests: f64,
    pub usd_per_million_websocket_messages: f64,
}

/// EMR bills each instance-hour twice: the EC2 instance and EMR's own fee.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EmrPrices {
    pub instance_types: BTreeMap<String, EmrInstancePrice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EmrInstancePrice {
    /// The EC2 on-demand rate, USD an hour.
    pub ec2: f64,
    /// EMR's fee on top, USD an hour (the same on Spot).
    pub emr: f64,
}

impl RegionPrices {
    /// "us-east-1 list price 2026-11", or the user's file.
    pub fn label(&self) -> String {
        format!("{} {} {}", self.region, self.source, self.date)
    }

    /// A section, or why it is missing.
    pub fn section<'a, T>(&'a self, s: &'a Option<T>, what: &str) -> Result<&'a T, String> {
        s.as_ref()
            .ok_or_else(|| format!("no {what} prices for {} in {}", self.region, self.source))
    }
}

/// Every region's prices and the assumptions the estimates make.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceBook {
    regions: BTreeMap<String, RegionPrices>,
    pub spot_discount_pct: f64,
}

impl Default for PriceBook {
    fn default() -> Self {
        PriceBook::builtin().as_ref().clone()
    }
}

fn parse(file: &str, text: &str, source: &str) -> Result<RegionPrices, String> {
    let mut p: RegionPrices =
        toml::from_str(text).map_err(|e| crate::theme::toml_error(file, text, &e))?;
    let numbers = [
        p.lambda.as_ref().map(|l| {
            vec![
                l.usd_per_million_requests,
                l.usd_per_gb_second_x86_64,
                l.usd_per_gb_second_arm64,
                l.free_requests_per_month,
                l.free_gb_seconds_per_month,
            ]
        }),
        p.fargate.as_ref().map(|f| {
            vec![
                f.usd_per_vcpu_hour_x86_64,
                f.usd_per_gb_hour_x86_64,
                f.usd_per_vcpu_hour_arm64,
                f.usd_per_gb_hour_arm64,
            ]
        }),
        p.eks.as_ref().map(|e| {
            vec![
                e.usd_per_cluster_hour_standard,
                e.usd_per_cluster_hour_extended,
            ]
        }),
        p.ec2.as_ref().map(|e| vec![e.usd_per_vcpu_hour]),
        p.emr.as_ref().map(|e| {
            e.instance_types
                .values()
                .flat_map(|t| [t.ec2, t.emr])
                .collect()
        }),
        p.apigateway.as_ref().map(|a| {
            vec![
                a.usd_per_million_rest_requests,
                a.usd_per_million_http_requests,
                a.usd_per_million_websocket_messages,
            ]
        }),
    ];
    if numbers
        .iter()
        .flatten()
        .flatten()
        .any(|v| !v.is_finite() || *v < 0.0)
    {
        return Err(format!(
            "{file}: a price must be a finite number of dollars, 0 or more"
        ));
    }
    if p.region.is_empty()
        || p.region
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(format!(
            "{file}: region must name an AWS region (us-east-1)"
        ));
    }
    p.source = source.to_string();
    Ok(p)
}

impl PriceBook {
    /// The repository's prices, parsed once.
    pub fn builtin() -> &'static Arc<PriceBook> {
        static BOOK: OnceLock<Arc<PriceBook>> = OnceLock::new();
        BOOK.get_or_init(|| {
            let regions = BUILTIN
                .iter()
                // A built-in file that does not parse fails the unit test
                // below; at run time its region is simply unpriced.
                .filter_map(|text| parse("prices/", text, "list price").ok())
                .map(|p| (p.region.clone(), p))
                .collect();
            Arc::new(PriceBook {
                regions,
                spot_discount_pct: DEFAULT_SPOT_DISCOUNT_PCT,
            })
        })
    }

    /// The built-in prices, with the user's file (if any) replacing its
    /// region's, and the Spot discount assumed.
    pub fn load(user: Option<&Path>, spot_discount_pct: Option<f64>) -> Result<PriceBook, String> {
        let mut book = PriceBook::default();
        if let Some(path) = user {
            let text = crate::files::read_text(path, MAX_PRICE_FILE_BYTES, "an awstop price file")?;
            let name = path.display().to_string();
            let p = parse(&name, &text, &format!("prices from {name} of"))?;
            book.regions.insert(p.region.clone(), p);
        }
        if let Some(d) = spot_discount_pct {
            book.spot_discount_pct = d;
        }
        Ok(book)
    }

    /// A region's prices, or why there are none.
    pub fn region(&self, region: &str) -> Result<&RegionPrices, String> {
        self.regions.get(region).ok_or_else(|| {
            format!(
                "no prices for {region}: the price files cover {} ([cost] prices in the config adds yours)",
                self.regions.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })
    }

    /// Spot's price as a fraction of on-demand.
    pub fn spot_factor(&self) -> f64 {
        1.0 - self.spot_discount_pct / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in files that price every service.
    const COMPLETE: &[&str] = &["us-east-1", "us-west-2"];

    #[test]
    fn every_builtin_price_file_parses_and_is_complete() {
        for text in BUILTIN {
            let p = parse("prices/", text, "list price").unwrap();
            if !COMPLETE.contains(&p.region.as_str()) {
                continue;
            }
            assert!(
                p.lambda.is_some()
                    && p.fargate.is_some()
                    && p.eks.is_some()
                    && p.ec2.is_some()
                    && p.emr.is_some()
                    && p.apigateway.is_some()
            );
        }
        assert_eq!(PriceBook::builtin().regions.len(), BUILTIN.len());
        let us = PriceBook::builtin().region("us-east-1").unwrap();
        assert_eq!(us.label(), "us-east-1 list price 2026-11");
        assert_eq!(us.lambda.as_ref().unwrap().usd_per_million_requests, 0.20);
    }

    #[test]
    fn every_builtin_file_is_its_own_region_and_prices_lambda_and_eks() {
        let mut seen = std::collections::BTreeSet::new();
        for text in BUILTIN {
            let p = parse("prices/", text, "list price").unwrap();
            assert!(seen.insert(p.region.clone()), "{} twice", p.region);
            // Each file says where every section came from, or why one is missing.
            assert!(
                text.lines().filter(|l| l.starts_with('#')).count() > 5,
                "{}",
                p.region
            );
            assert!(p.lambda.is_some() && p.eks.is_some(), "{}", p.region);
        }
        for r in COMPLETE {
            assert!(seen.contains(*r));
        }
    }

    #[test]
    fn a_section_a_builtin_file_leaves_out_says_why() {
        let book = PriceBook::builtin();
        let eu = book.region("eu-west-1").unwrap();
        assert_eq!(eu.label(), "eu-west-1 list price 2026-10");
        let why = eu.section(&eu.apigateway, "API Gateway").unwrap_err();
        assert!(why.contains("no API Gateway prices for eu-west-1"), "{why}");
        assert!(eu.lambda.is_some() && eu.fargate.is_some());
    }

    #[test]
    fn a_region_without_prices_says_why() {
        let why = PriceBook::default().region("sa-east-1").unwrap_err();
        assert!(
            why.contains("no prices for sa-east-1") && why.contains("us-east-1"),
            "{why}"
        );
    }

    #[test]
    fn bad_price_files_are_located() {
        let e = parse("p.toml", "region = \"us-east-1\"\ndate = 1\n", "x").unwrap_err();
        assert!(e.starts_with("p.toml:2:"), "{e}");
        let neg = "region = \"r\"\ndate = \"d\"\n[ec2]\nusd-per-vcpu-hour = -1.0\n";
        assert!(parse("p.toml", neg, "x")
            .unwrap_err()
            .contains("finite number"));
        let nan = "region = \"r\"\ndate = \"d\"\n[ec2]\nusd-per-vcpu-hour = nan\n";
        assert!(parse("p.toml", nan, "x").is_err());
        let unknown = "region = \"r\"\ndate = \"d\"\n[ec2]\nusd = 1.0\n";
        assert!(parse("p.toml", unknown, "x")
            .unwrap_err()
            .starts_with("p.toml:4:"));
    }

    #[test]
    fn a_users_file_replaces_its_region_only() {
        let d = std::env::temp_dir().join(format!("awstop-prices-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let f = d.join("mine.toml");
        std::fs::write(&f, "region = \"eu-west-1\"\ndate = \"2026-10\"\n[eks]\nusd-per-cluster-hour-standard = 0.08\nusd-per-cluster-hour-extended = 0.5\n").unwrap();
        let b = PriceBook::load(Some(&f), Some(50.0)).unwrap();
        let eu = b.region("eu-west-1").unwrap();
        assert_eq!(eu.eks.as_ref().unwrap().usd_per_cluster_hour_standard, 0.08);
        assert!(eu.label().contains("mine.toml"));
        let no_lambda = eu.section(&eu.lambda, "Lambda").unwrap_err();
        assert!(
            no_lambda.contains("no Lambda prices for eu-west-1"),
            "{no_lambda}"
        );
        assert!(b.region("us-east-1").is_ok());
        assert_eq!(b.spot_factor(), 0.5);
        let _ = std::fs::remove_dir_all(&d);
    }
}
