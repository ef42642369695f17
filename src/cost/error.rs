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

/// Why a region's prices were not read from the Price List, or its answer
/// not kept or not used. Each is the one line the log says.
#[derive(Debug)]
pub enum ListError {
    /// A region's name that cannot name a file (`region::parse`'s words).
    Region(String),
    /// A cached file that cannot be read as text (`files::read_text`'s words).
    Unreadable(String),
    /// A cached file that was read but cannot be used: its path and why.
    Unusable { path: String, why: String },
    /// A file or folder that cannot be written: its path and the error.
    Write { path: String, error: std::io::Error },
    /// GetProducts for one service failed.
    Call { service: &'static str, error: crate::aws::error::AwsError },
    /// The answers held no price awstop reads.
    Empty { region: String },
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListError::Region(why) | ListError::Unreadable(why) => f.write_str(why),
            ListError::Unusable { path, why } => write!(f, "{path}: {why}"),
            ListError::Write { path, error } => write!(f, "{path}: {error}"),
            ListError::Call { service, error } => write!(f, "GetProducts {service}: {error}"),
            ListError::Empty { region } => write!(f, "the price list has no prices awstop reads for {region}"),
        }
    }
}

impl std::error::Error for ListError {}

/// Why the bill was not kept on disk (it is asked again next time).
#[derive(Debug)]
pub enum KeepError {
    /// A file or folder that cannot be written: its path and the error.
    Write { path: String, error: std::io::Error },
    /// The answer could not be written as JSON.
    Encode(serde_json::Error),
}

impl fmt::Display for KeepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeepError::Write { path, error } => write!(f, "{path}: {error}"),
            KeepError::Encode(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for KeepError {}

/// Why Cost Explorer's bill could not be read: the operation and AWS's
/// words. Recordings keep it as its one line, `operation: message`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(from = "String", into = "String")]
pub struct BillError {
    pub operation: String,
    pub message: String,
}

impl fmt::Display for BillError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operation.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.operation, self.message)
        }
    }
}

impl std::error::Error for BillError {}

/// The line read back (a recording): the operation is what comes before
/// the first `: `, when there is one.
impl From<String> for BillError {
    fn from(line: String) -> BillError {
        match line.split_once(": ") {
            Some((op, msg)) => BillError { operation: op.to_string(), message: msg.to_string() },
            None => BillError { operation: String::new(), message: line },
        }
    }
}

impl From<&str> for BillError {
    fn from(line: &str) -> BillError {
        BillError::from(line.to_string())
    }
}

impl From<BillError> for String {
    fn from(e: BillError) -> String {
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

    #[test]
    fn a_bill_error_reads_back_as_it_was_written() {
        let e = BillError { operation: "GetCostAndUsage".into(), message: "AccessDeniedException: no".into() };
        assert_eq!(e.to_string(), "GetCostAndUsage: AccessDeniedException: no");
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, "\"GetCostAndUsage: AccessDeniedException: no\"");
        assert_eq!(serde_json::from_str::<BillError>(&json).unwrap(), e);
        assert_eq!(BillError::from("no colon").to_string(), "no colon");
    }
}
