//! A region's prices from the Price List, written as a price file: the same
//! shape as `prices/REGION.toml`, each price with its SKU and usage type in a
//! comment. The book reads it like any price file. A section is written
//! only when every price it needs was found: a part is never filled in
//! (where prices stand alone, as API Gateway's one a protocol, each is
//! written as found). What each section writes is declared with it.

use std::fmt::Write;

use super::query::{listed, Found};
use crate::cost::book::PriceSection;

/// Ten decimals, as the Price List writes its prices, without trailing
/// zeros: `0.096`, `0.0000166667`, `0.2`.
pub fn num(v: f64) -> String {
    let s = format!("{v:.10}");
    let s = s.trim_end_matches('0');
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    }
}

/// An SKU or usage type as a comment: one line of plain characters, so
/// nothing an answer says can become a line of the file.
pub fn clean(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_graphic()).take(80).collect()
}

/// The section `name` with `keys` (file key, found key), or nothing when one is missing.
pub fn section(out: &mut String, found: &Found, name: &'static str, keys: &[(&str, &str)]) -> bool {
    let Some(rates) = keys
        .iter()
        .map(|(_, k)| found.get(name, k))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let _ = writeln!(out, "\n[{name}]");
    for ((key, _), r) in keys.iter().zip(rates) {
        let _ = writeln!(out, "# SKU {} ({})", clean(&r.sku), clean(&r.usage));
        let _ = writeln!(out, "{key} = {}", num(r.usd));
    }
    true
}

/// The price file for `region`, read on `date` (`2026-12-06`).
pub fn price_file(region: &str, date: &str, found: &Found, sections: &[&PriceSection]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# AWS list prices for {region}, read from the AWS Price List Query API\n\
         # (pricing:GetProducts) on {date}{}.\n\
         # Written by awstop; a section it could not read in full is left out.",
        found
            .published
            .as_deref()
            .map(|p| format!(", offers published up to {}", clean(p)))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "region = \"{region}\"\ndate = \"{date}\"");
    for l in listed(sections) {
        (l.write)(&mut out, found);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_price_list_writes_them() {
        assert_eq!(num(0.096), "0.096");
        assert_eq!(num(0.0000002 * 1e6), "0.2");
        assert_eq!(num(0.0000166667), "0.0000166667");
        assert_eq!(num(1.0), "1.0");
        assert_eq!(num(0.107 / 2.0), "0.0535");
    }
}
