//! The price book: each region's dated list prices, from the files in
//! `prices/` (built in) or the user's own file, loaded once at start.
//!
//! A price file has the region, its date, the platforms several rooms run
//! on (`[fargate]`, `[ec2]`), and one section per room that declares one
//! (`[lambda]`, `[eks]`…): a room owns its section's type and declares it as
//! a [`PriceSection`]; the book reads it with its position and keeps it by
//! type, and the room takes it back out with [`RegionPrices::priced`].

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub use super::error::PriceError;

/// The repository's price files, one per region.
/// The first two are complete; the others price what AWS's price data was
/// found to say for that region, and leave the rest out (that service is `?`
/// there, with the reason), as each file's comments say.
pub const BUILTIN: &[&str] = &[
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

/// How the bundled files' prices are named in each basis.
pub const BUNDLED: &str = "bundled";

/// A price file is a few hundred bytes; anything large is not one.
const MAX_PRICE_FILE_BYTES: u64 = 256 * 1024;

/// Spot capacity's default discount from the on-demand price: an assumption,
/// shown as one wherever it is used (Spot prices move hourly).
pub const DEFAULT_SPOT_DISCOUNT_PCT: f64 = 70.0;

/// A room's section of the price files: its name there, how messages name
/// it, and how it is read (into the room's own type).
pub struct PriceSection {
    pub name: &'static str,
    pub label: &'static str,
    read: fn(Spanned<DeValue<'_>>) -> Result<Arc<dyn Any + Send + Sync>, toml::de::Error>,
    /// What the section asks of AWS's Price List, and how it writes it back
    /// (`None`: the bundled files only).
    pub listed: Option<&'static super::pricelist::Listed>,
}

impl PriceSection {
    /// The section `name` (`[lambda]`), read as `T`.
    pub const fn of<T: DeserializeOwned + Send + Sync + 'static>(
        name: &'static str,
        label: &'static str,
    ) -> PriceSection {
        PriceSection {
            name,
            label,
            read: read_as::<T>,
            listed: None,
        }
    }

    /// The section, read from the Price List too.
    pub const fn listed(self, listed: &'static super::pricelist::Listed) -> PriceSection {
        PriceSection {
            listed: Some(listed),
            ..self
        }
    }
}

fn read_as<T: DeserializeOwned + Send + Sync + 'static>(
    v: Spanned<DeValue<'_>>,
) -> Result<Arc<dyn Any + Send + Sync>, toml::de::Error> {
    Ok(Arc::new(T::deserialize(toml::de::ValueDeserializer::from(v))?))
}

impl std::fmt::Debug for PriceSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PriceSection({})", self.name)
    }
}

/// What a price file holds besides the rooms' sections.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Shared {
    region: String,
    date: String,
    fargate: Option<FargatePrices>,
    ec2: Option<Ec2Prices>,
}

#[derive(Debug, Clone)]
pub struct RegionPrices {
    pub region: String,
    /// When the prices were read (`2026-11`): every basis says it.
    pub date: String,
    // Sections are optional so that a user's file may price only what they
    // run: a missing section makes that service `?`, never a guess.
    /// Fargate's rates: ECS services, Batch jobs and EKS pods run on it.
    pub fargate: Option<FargatePrices>,
    /// EC2's rates: Batch and EKS capacity.
    pub ec2: Option<Ec2Prices>,
    /// The rooms' own sections, by type.
    rooms: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    /// Where the prices came from, for the basis.
    pub source: String,
    /// The file's text: two books are the same when their files are.
    text: Arc<str>,
    /// Prices read from the Price List: which sections it gave, and the
    /// label of the bundled prices the others came from.
    listed: Option<Arc<Listed>>,
}

#[derive(Debug, PartialEq)]
struct Listed {
    sections: BTreeSet<String>,
    bundled: Option<String>,
}

impl PartialEq for RegionPrices {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.text == other.text
    }
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
pub struct Ec2Prices {
    pub usd_per_vcpu_hour: f64,
    /// On-demand Linux rates by instance type (`"m5.large" = 0.096`), for
    /// what names its types (EKS node groups). A type not listed is not
    /// priced: instance prices do not follow from one another.
    #[serde(default)]
    pub instance_types: BTreeMap<String, f64>,
}

impl Ec2Prices {
    /// An instance type's on-demand rate an hour, if the file has it.
    pub fn instance_rate(&self, instance_type: &str) -> Option<f64> {
        self.instance_types.get(instance_type).copied()
    }
}

impl RegionPrices {
    /// Where the prices came from, ending every basis: "us-east-1 bundled
    /// 2026-11" (the bundled file's month), "us-east-1 price list 2026-12-06"
    /// (the day the list was read), or the user's file.
    pub fn label(&self) -> String {
        format!("{} {} {}", self.region, self.source, self.date)
    }

    /// Where section `name`'s prices came from: "us-east-1 price list
    /// 2026-12-06" for a section the Price List gave, else the bundled
    /// file's label.
    pub fn label_of(&self, name: &str) -> String {
        match &self.listed {
            Some(l) if !l.sections.contains(name) => {
                l.bundled.clone().unwrap_or_else(|| self.label())
            }
            _ => self.label(),
        }
    }

    /// A section, or why it is missing.
    pub fn section<'a, T>(&'a self, s: &'a Option<T>, what: &str) -> Result<&'a T, PriceError> {
        s.as_ref().ok_or_else(|| self.missing(what))
    }

    /// A room's own section (`PriceSection::of::<T>`), or why it is missing.
    pub fn priced<T: 'static>(&self, what: &str) -> Result<&T, PriceError> {
        self.rooms
            .get(&TypeId::of::<T>())
            .and_then(|v| v.downcast_ref::<T>())
            .ok_or_else(|| self.missing(what))
    }

    /// Where a missing price was looked for, in words: "the bundled
    /// prices", "the price list or the bundled prices".
    pub fn origin(&self) -> String {
        match &self.listed {
            Some(l) if l.bundled.is_some() => format!("the {} or the bundled prices", self.source),
            _ if self.source == BUNDLED => "the bundled prices".to_string(),
            _ => self.source.clone(),
        }
    }

    fn missing(&self, what: &str) -> PriceError {
        let source = self.origin();
        PriceError::NoSection {
            what: what.to_string(),
            region: self.region.clone(),
            source,
        }
    }
}

/// Every region's prices and the assumptions the estimates make.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceBook {
    regions: BTreeMap<String, RegionPrices>,
    pub spot_discount_pct: f64,
    /// The user's file's region: its prices are theirs, never the list's.
    user_region: Option<String>,
    /// The Price List's prices, set once when they have been read (in the
    /// background, after the first screen): until then the bundled ones.
    listed: Arc<OnceLock<BTreeMap<String, RegionPrices>>>,
}

/// The highest rate a price file may give, in dollars a unit.
pub const MAX_PRICE: f64 = 10_000.0;
/// The highest free allowance (a count of requests or GB-seconds a month).
const MAX_COUNT: f64 = 1e12;

fn parse(
    file: &str,
    text: &str,
    source: &str,
    sections: &[&PriceSection],
) -> Result<RegionPrices, PriceError> {
    let toml_error =
        |e: toml::de::Error| PriceError::BadFile(crate::theme::toml_error(file, text, &e));
    let mut root: Spanned<DeTable<'_>> = DeTable::parse(text).map_err(toml_error)?;
    check_numbers(file, root.get_ref())?;
    let mut rooms = HashMap::new();
    for section in sections {
        if let Some(v) = root.get_mut().remove(section.name) {
            let value = (section.read)(v).map_err(toml_error)?;
            rooms.insert((*value).type_id(), value);
        }
    }
    let shared = Shared::deserialize(toml::de::Deserializer::from(root)).map_err(toml_error)?;
    if crate::region::parse(&shared.region).is_err() {
        return Err(PriceError::BadFile(format!(
            "{file}: region must name an AWS region (us-east-1)"
        )));
    }
    Ok(RegionPrices {
        region: shared.region,
        date: shared.date,
        fargate: shared.fargate,
        ec2: shared.ec2,
        rooms,
        source: source.to_string(),
        text: text.into(),
        listed: None,
    })
}

/// The Price List's file for a region over its bundled prices: the list's
/// sections, and the bundle's for what the list did not give.
fn over(mut listed: RegionPrices, bundled: Option<&RegionPrices>) -> RegionPrices {
    let mut sections: BTreeSet<String> = toml::from_str::<toml::Table>(&listed.text)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    sections.retain(|k| k != "region" && k != "date");
    if let Some(b) = bundled {
        if listed.fargate.is_none() {
            listed.fargate = b.fargate.clone();
        }
        if listed.ec2.is_none() {
            listed.ec2 = b.ec2.clone();
        }
        for (t, v) in &b.rooms {
            listed.rooms.entry(*t).or_insert_with(|| v.clone());
        }
        listed.text = format!("{}\n{}", listed.text, b.text).into();
    }
    listed.listed = Some(Arc::new(Listed {
        sections,
        bundled: bundled.map(RegionPrices::label),
    }));
    listed
}

/// Every number in a price file is a rate in dollars, bounded by
/// MAX_PRICE: above it is a typo (or an attack on the display), as no AWS
/// unit priced here costs a thousandth of it. Free allowances (keys named
/// `free-…`) are counts of requests or GB-seconds a month, bounded higher.
fn check_numbers(file: &str, table: &DeTable<'_>) -> Result<(), PriceError> {
    for (key, value) in table.iter() {
        let free = key.get_ref().starts_with("free-");
        let number = match value.get_ref() {
            DeValue::Table(t) => {
                check_numbers(file, t)?;
                continue;
            }
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|v| v as f64),
            _ => continue,
        };
        let v = number.unwrap_or(f64::NAN);
        if free && !(0.0..=MAX_COUNT).contains(&v) {
            return Err(PriceError::BadFile(format!(
                "{file}: a free allowance must be a number from 0 to {MAX_COUNT:e}"
            )));
        }
        if !free && !(0.0..=MAX_PRICE).contains(&v) {
            return Err(PriceError::BadFile(format!(
                "{file}: a price must be a finite number of dollars, from 0 to {MAX_PRICE}"
            )));
        }
    }
    Ok(())
}

impl PriceBook {
    /// The repository's prices, each room's section read as `sections` say.
    pub fn builtin(sections: &[&PriceSection]) -> PriceBook {
        let regions = BUILTIN
            .iter()
            // A built-in file that does not parse fails the unit test
            // below; at run time its region is simply unpriced.
            .filter_map(|text| parse("prices/", text, BUNDLED, sections).ok())
            .map(|p| (p.region.clone(), p))
            .collect();
        PriceBook {
            regions,
            spot_discount_pct: DEFAULT_SPOT_DISCOUNT_PCT,
            user_region: None,
            listed: Default::default(),
        }
    }

    /// This book with the user's file (if any) replacing its region's
    /// prices, and the Spot discount assumed.
    pub fn with_user(
        mut self,
        user: Option<&Path>,
        spot_discount_pct: Option<f64>,
        sections: &[&PriceSection],
    ) -> Result<PriceBook, PriceError> {
        if let Some(path) = user {
            let text = crate::files::read_text(path, MAX_PRICE_FILE_BYTES, "an awstop price file")
                .map_err(PriceError::BadFile)?;
            let name = path.display().to_string();
            let p = parse(&name, &text, &format!("prices from {name} of"), sections)?;
            self.user_region = Some(p.region.clone());
            self.regions.insert(p.region.clone(), p);
        }
        if let Some(d) = spot_discount_pct {
            self.spot_discount_pct = d;
        }
        // This book's own slot: the one it was copied from keeps its prices.
        self.listed = Default::default();
        Ok(self)
    }

    /// Price files read from the Price List (`(file name, text)`), each over
    /// its region's bundled prices, from now on. Only once a book: the first
    /// call sets them. The user's own file's region keeps the user's prices.
    /// A file that does not parse is left out, with its reason returned.
    pub fn list(&self, files: &[(String, String)], sections: &[&PriceSection]) -> Vec<String> {
        let mut out = BTreeMap::new();
        let mut refused = Vec::new();
        for (name, text) in files {
            match parse(name, text, "price list", sections) {
                Ok(p) if self.user_region.as_deref() == Some(p.region.as_str()) => {}
                Ok(p) => {
                    let region = p.region.clone();
                    out.insert(region.clone(), over(p, self.regions.get(&region)));
                }
                Err(e) => refused.push(e.to_string()),
            }
        }
        if !out.is_empty() && self.listed.set(out).is_err() {
            refused.push("the price list was already read".into());
        }
        refused
    }

    /// Whether prices from the Price List are in use for `region`.
    pub fn is_listed(&self, region: &str) -> bool {
        self.listed.get().is_some_and(|m| m.contains_key(region))
    }

    /// A region's prices, or why there are none.
    pub fn region(&self, region: &str) -> Result<&RegionPrices, PriceError> {
        if let Some(p) = self.listed.get().and_then(|m| m.get(region)) {
            return Ok(p);
        }
        self.regions.get(region).ok_or_else(|| PriceError::NoRegion {
            region: region.to_string(),
            covered: self.regions.keys().cloned().collect(),
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

    /// The rooms' sections, as the registry declares them.
    fn sections() -> Vec<&'static PriceSection> {
        crate::services::price_sections()
    }

    fn parse_builtin(text: &str) -> RegionPrices {
        parse("prices/", text, BUNDLED, &sections()).unwrap()
    }

    /// Which rooms' sections a region's prices have, by name.
    fn has(p: &RegionPrices) -> Vec<&'static str> {
        let mut names: Vec<&str> = sections()
            .into_iter()
            .filter(|s| {
                let text = toml::from_str::<toml::Table>(&p.text).unwrap();
                text.contains_key(s.name)
            })
            .map(|s| s.name)
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_builtin_price_file_parses_and_is_complete() {
        let all: Vec<&str> = {
            let mut v: Vec<&str> = sections().iter().map(|s| s.name).collect();
            v.sort();
            v
        };
        for text in BUILTIN {
            let p = parse_builtin(text);
            if !COMPLETE.contains(&p.region.as_str()) {
                continue;
            }
            assert!(p.fargate.is_some() && p.ec2.is_some(), "{}", p.region);
            assert_eq!(has(&p), all, "{}", p.region);
            assert_eq!(p.rooms.len(), all.len(), "{}", p.region);
        }
        let book = PriceBook::builtin(&sections());
        assert_eq!(book.regions.len(), BUILTIN.len());
        let us = book.region("us-east-1").unwrap();
        assert_eq!(us.label(), "us-east-1 bundled 2026-11");
    }

    #[test]
    fn every_builtin_file_is_its_own_region_and_says_where_its_prices_came_from() {
        let mut seen = std::collections::BTreeSet::new();
        for text in BUILTIN {
            let p = parse_builtin(text);
            assert!(seen.insert(p.region.clone()), "{} twice", p.region);
            // Each file says where every section came from, or why one is missing.
            assert!(
                text.lines().filter(|l| l.starts_with('#')).count() > 5,
                "{}",
                p.region
            );
            assert!(has(&p).contains(&"lambda") && has(&p).contains(&"eks"), "{}", p.region);
        }
        for r in COMPLETE {
            assert!(seen.contains(*r));
        }
    }

    #[test]
    fn prices_out_of_any_sane_range_are_refused() {
        let base = BUILTIN[0];
        let line = base
            .lines()
            .find(|l| l.starts_with("usd-per-million-requests"))
            .unwrap();
        for bad in ["1e308", "20000.0", "-1.0", "nan", "inf", "-5"] {
            let text = base.replace(line, &format!("usd-per-million-requests = {bad}"));
            let e = parse("mine.toml", &text, "mine", &sections()).unwrap_err().to_string().to_string();
            assert!(e.starts_with("mine.toml: a price must be"), "{bad}: {e}");
        }
        let free = base.lines().find(|l| l.starts_with("free-requests-per-month")).unwrap();
        let text = base.replace(free, "free-requests-per-month = 1e13");
        let e = parse("mine.toml", &text, "mine", &sections()).unwrap_err().to_string();
        assert!(e.starts_with("mine.toml: a free allowance"), "{e}");
        let region = base.lines().find(|l| l.starts_with("region")).unwrap();
        for bad in ["../../etc", "US-EAST-1", "us-east-1\\u001b[31m"] {
            let text = base.replace(region, &format!("region = \"{bad}\""));
            assert!(parse("mine.toml", &text, "mine", &sections()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_section_a_builtin_file_leaves_out_says_why() {
        let book = PriceBook::builtin(&sections());
        let eu = book.region("eu-west-1").unwrap();
        assert_eq!(eu.label(), "eu-west-1 bundled 2026-10");
        let why = eu.missing("EMR").to_string();
        assert_eq!(why, "no EMR prices for eu-west-1 in the bundled prices");
        assert!(!has(eu).contains(&"emr") && has(eu).contains(&"lambda"));
        assert!(eu.fargate.is_some());
    }

    #[test]
    fn a_region_without_prices_says_why() {
        let why = PriceBook::builtin(&sections()).region("sa-east-1").unwrap_err().to_string();
        assert!(
            why.contains("no prices for sa-east-1") && why.contains("us-east-1"),
            "{why}"
        );
    }

    #[test]
    fn bad_price_files_are_located() {
        let s = sections();
        let e = parse("p.toml", "region = \"us-east-1\"\ndate = 1\n", "x", &s).unwrap_err().to_string();
        assert!(e.starts_with("p.toml:2:"), "{e}");
        let neg = "region = \"r\"\ndate = \"d\"\n[ec2]\nusd-per-vcpu-hour = -1.0\n";
        assert!(parse("p.toml", neg, "x", &s).unwrap_err().to_string().contains("finite number"));
        let nan = "region = \"r\"\ndate = \"d\"\n[ec2]\nusd-per-vcpu-hour = nan\n";
        assert!(parse("p.toml", nan, "x", &s).is_err());
        let unknown = "region = \"r\"\ndate = \"d\"\n[ec2]\nusd = 1.0\n";
        assert!(parse("p.toml", unknown, "x", &s).unwrap_err().to_string().starts_with("p.toml:4:"));
        // A room's own section is read with its position too.
        let room = "region = \"us-east-1\"\ndate = \"d\"\n[eks]\nusd-per-cluster-hour-standard = 0.1\nusd = 1.0\n";
        assert!(parse("p.toml", room, "x", &s).unwrap_err().to_string().starts_with("p.toml:5:"));
        let unknown_section = "region = \"us-east-1\"\ndate = \"d\"\n[ekss]\nx = 1.0\n";
        assert!(parse("p.toml", unknown_section, "x", &s).unwrap_err().to_string().starts_with("p.toml:3:"));
    }

    #[test]
    fn instance_types_are_read_with_their_rates_and_bounded_like_any_price() {
        let s = sections();
        let book = PriceBook::builtin(&s);
        let ec2 = book.region("us-east-1").unwrap().ec2.clone().unwrap();
        assert_eq!(ec2.instance_rate("m6i.large"), Some(0.096));
        assert_eq!(ec2.instance_rate("r6i.2xlarge"), Some(0.504));
        assert_eq!(ec2.instance_rate("x9.nonesuch"), None);
        assert_eq!(ec2.usd_per_vcpu_hour, 0.048);
        // The table is optional: a file may price EC2 by the vCPU alone.
        let bare = "region = \"us-east-1\"\ndate = \"d\"\n[ec2]\nusd-per-vcpu-hour = 0.05\n";
        assert!(parse("p.toml", bare, "x", &s).unwrap().ec2.unwrap().instance_types.is_empty());
        let typed = "region = \"us-east-1\"\ndate = \"d\"\n[ec2]\nusd-per-vcpu-hour = 0.05\n[ec2.instance-types]\n\"m5.large\" = 0.1\n";
        let ec2 = parse("p.toml", typed, "x", &s).unwrap().ec2.unwrap();
        assert_eq!(ec2.instance_rate("m5.large"), Some(0.1));
        let huge = typed.replace("0.1\n", "1e9\n");
        assert!(parse("p.toml", &huge, "x", &s).unwrap_err().to_string().contains("a price must be"));
        let word = typed.replace("0.1\n", "\"cheap\"\n");
        assert!(parse("p.toml", &word, "x", &s).unwrap_err().to_string().starts_with("p.toml:6:"));
    }

    #[test]
    fn a_users_file_replaces_its_region_only() {
        let folder = tempfile::Builder::new().prefix("awstop-prices-").tempdir().unwrap();
        let d = folder.path();
        let f = d.join("mine.toml");
        std::fs::write(&f, "region = \"eu-west-1\"\ndate = \"2026-10\"\n[eks]\nusd-per-cluster-hour-standard = 0.08\nusd-per-cluster-hour-extended = 0.5\n").unwrap();
        let b = PriceBook::builtin(&sections())
            .with_user(Some(&f), Some(50.0), &sections())
            .unwrap();
        let eu = b.region("eu-west-1").unwrap();
        assert!(eu.label().contains("mine.toml"));
        assert_eq!(has(eu), vec!["eks"]);
        assert!(eu.fargate.is_none());
        assert!(b.region("us-east-1").is_ok());
        assert_eq!(b.spot_factor(), 0.5);
    }
}
