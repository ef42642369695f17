//! AWS region names as given on the command line, in the config and in
//! price files: checked for their shape (nothing else reaches a request, a
//! file name or the screen) and polled once each.

/// The most regions polled side by side: AWS has a few dozen.
pub const MAX_REGIONS: usize = 64;

/// An AWS region name: lowercase parts joined by `-`, ending in a number
/// (`us-east-1`, `us-gov-west-1`, `eu-central-2`).
pub fn parse(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let ok = s.len() <= 32
        && parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{}: not an AWS region name like us-east-1",
            crate::fmt::escape_controls(&crate::fmt::truncate(s, 40))
        ))
    }
}

/// Each region once, in the order given; at most `MAX_REGIONS`.
pub fn dedupe(regions: &mut Vec<String>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    regions.retain(|r| seen.insert(r.clone()));
    if regions.len() > MAX_REGIONS {
        return Err(format!(
            "{} regions: awstop polls at most {MAX_REGIONS} side by side",
            regions.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_checked_and_deduplicated() {
        for good in [
            "us-east-1",
            "us-gov-west-1",
            "eu-central-2",
            "ap-southeast-5",
        ] {
            assert_eq!(parse(good).as_deref(), Ok(good));
        }
        for bad in [
            "../../etc",
            "US-EAST-1",
            "us-east",
            "us-east-1\u{1b}[31m",
            "",
            "-1",
            "us--east-1",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(!e.contains('\u{1b}'), "{e:?}");
        }
        let mut r: Vec<String> = ["eu-west-1", "us-east-1", "eu-west-1"]
            .map(String::from)
            .to_vec();
        dedupe(&mut r).unwrap();
        assert_eq!(r, ["eu-west-1", "us-east-1"]);
        let mut many: Vec<String> = (0..=MAX_REGIONS).map(|i| format!("xx-test-{i}")).collect();
        assert!(dedupe(&mut many).unwrap_err().contains("at most"));
    }
}
