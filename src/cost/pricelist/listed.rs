//! What a price section asks of the Price List, and how it writes what was
//! found back as its part of a price file. Each room declares its own
//! (`PriceSection::listed`); the capacity that several rooms price (Fargate,
//! EC2) is declared in `shared`.

use super::parse::Product;
use super::query::Found;

/// One kind of product a section asks for in a region.
pub struct ListQuery {
    /// The Price List's service code (`AWSLambda`).
    pub code: &'static str,
    /// Attributes every product asked for has, beyond its region.
    pub filters: &'static [(&'static str, &'static str)],
    /// Which price a product is: its section, its key there, and what its
    /// unit's price is multiplied by to be that key's (Lambda's requests are
    /// priced one by one, the file says per million). `None`: not one of ours.
    pub key: fn(&Product) -> Option<(&'static str, String, f64)>,
}

impl ListQuery {
    /// The filters of a read of `region`.
    pub fn filters(&self, region: &str) -> Vec<(&'static str, String)> {
        let mut f = vec![("regionCode", region.to_string())];
        f.extend(self.filters.iter().map(|(k, v)| (*k, v.to_string())));
        f
    }
}

/// A price section's part of the Price List.
pub struct Listed {
    pub queries: &'static [ListQuery],
    /// Writes the section from what was found; a section missing a price it
    /// needs is left out whole (`?` with the reason, never a part).
    pub write: fn(&mut String, &Found),
}

/// A price the file keys by its own name: `(section, key, scale)`.
pub fn fixed(section: &'static str, key: &str, scale: f64) -> Option<(&'static str, String, f64)> {
    Some((section, key.to_string(), scale))
}

/// What instance type names are made of: a type is written into a price
/// file as a key, so nothing else may be.
pub fn instance_type(p: &Product) -> Option<&str> {
    p.attr("instanceType").filter(|t| {
        !t.is_empty() && t.len() <= 40 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    })
}
