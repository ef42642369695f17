//! Why a price is not there, or a price file was refused. Each renders the
//! one line the user reads: in an estimate's basis (`?` and its reason) or as
//! the error that stops awstop, naming the file and where in it.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum PriceError {
    /// No price file covers the region.
    NoRegion { region: String, covered: Vec<String> },
    /// The region's file has no section for this service.
    NoSection { what: String, region: String, source: String },
    /// A price file that does not parse, or says what cannot be: the message
    /// names the file (and line and column where known).
    BadFile(String),
}

impl fmt::Display for PriceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriceError::NoRegion { region, covered } => write!(
                f,
                "no prices for {region}: the price files cover {} ([cost] prices in the config adds yours)",
                covered.join(", ")
            ),
            PriceError::NoSection { what, region, source } => {
                write!(f, "no {what} prices for {region} in {source}")
            }
            PriceError::BadFile(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PriceError {}

/// Estimates carry their reason as text (`Estimate::Unpriced`).
impl From<PriceError> for String {
    fn from(e: PriceError) -> String {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_is_one_line_naming_what_is_missing() {
        let r = PriceError::NoRegion { region: "sa-east-1".into(), covered: vec!["us-east-1".into(), "us-west-2".into()] };
        assert_eq!(
            r.to_string(),
            "no prices for sa-east-1: the price files cover us-east-1, us-west-2 ([cost] prices in the config adds yours)"
        );
        let s = PriceError::NoSection { what: "EKS".into(), region: "eu-west-1".into(), source: "the bundled prices".into() };
        assert_eq!(String::from(s), "no EKS prices for eu-west-1 in the bundled prices");
        assert_eq!(PriceError::BadFile("p.toml:2:1: bad".into()).to_string(), "p.toml:2:1: bad");
    }
}
