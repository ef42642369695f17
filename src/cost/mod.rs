//! Cost estimates from list prices, never a bill: the price book, the shape
//! every room's estimate takes, and how dollars are written. Each room
//! computes its own estimates (`services/<room>/cost.rs`).

pub mod actuals;
pub mod book;
mod error;
pub mod money;
pub mod pricelist;

use serde::Serialize;

pub use book::PriceBook;
pub use error::{BillError, KeepError, ListError};

/// AWS prices a month as 730 hours.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// One resource's estimate.
#[derive(Debug, Clone, PartialEq)]
pub enum Estimate {
    /// Dollars an hour at the current rate; `window`: what the window's usage
    /// cost, for services billed by use (Lambda).
    Usd {
        per_hour: f64,
        window: Option<f64>,
        basis: String,
    },
    /// At least this much: part of what the resource runs is not priced
    /// (an EKS node group of a type without a rate, its Fargate pods), and
    /// `basis` says which part.
    Floor { per_hour: f64, basis: String },
    /// Runs on capacity billed elsewhere (EC2 container instances): its share.
    Share { pct: f64, basis: String },
    /// Cannot be priced, and why (no prices for the region).
    Unpriced(String),
    /// What it would be priced from could not be read.
    Unread,
}

/// A resource's `cost` in the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostOut {
    pub usd_per_hour: Option<f64>,
    pub usd_per_month_projected: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_window: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ec2_capacity_share_pct: Option<f64>,
    pub basis: String,
}

/// Micro-dollars: finer than any price, and JSON a person can read.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

impl Estimate {
    pub fn per_hour(&self) -> Option<f64> {
        match self {
            Estimate::Usd { per_hour, .. } | Estimate::Floor { per_hour, .. } => Some(*per_hour),
            _ => None,
        }
    }

    pub fn per_month(&self) -> Option<f64> {
        self.per_hour().map(|h| h * HOURS_PER_MONTH)
    }

    /// What was counted, or why nothing could be.
    pub fn basis(&self) -> &str {
        match self {
            Estimate::Usd { basis, .. }
            | Estimate::Floor { basis, .. }
            | Estimate::Share { basis, .. } => basis,
            Estimate::Unpriced(why) => why,
            Estimate::Unread => "not read",
        }
    }

    /// The table cell: dollars a month, a share of EC2, `?` (no price) or `-`.
    pub fn cell(&self) -> String {
        match self {
            Estimate::Usd { .. } => money::usd(self.per_month().unwrap_or(0.0)),
            Estimate::Floor { .. } => format!("{}+", money::usd(self.per_month().unwrap_or(0.0))),
            // Whole percents keep the cell in seven columns.
            Estimate::Share { pct, .. } if *pct > 0.0 && *pct < 1.0 => "<1%EC2".into(),
            Estimate::Share { pct, .. } => format!("{:.0}%EC2", pct),
            Estimate::Unpriced(_) => "?".into(),
            Estimate::Unread => "-".into(),
        }
    }

    /// One line for a detail view: the figure, then what it counts.
    pub fn describe(&self) -> String {
        match self {
            Estimate::Usd { per_hour, .. } => format!(
                "≈{}/mo ({}) · {}",
                money::usd(per_hour * HOURS_PER_MONTH),
                money::usd_hour(*per_hour),
                self.basis()
            ),
            Estimate::Floor { per_hour, .. } => format!(
                "≈{}+/mo · {}",
                money::usd(per_hour * HOURS_PER_MONTH),
                self.basis()
            ),
            Estimate::Share { .. } => format!("{} · {}", self.cell(), self.basis()),
            Estimate::Unpriced(why) => format!("? {why}"),
            Estimate::Unread => "- usage not read yet".into(),
        }
    }

    pub fn out(&self) -> Option<CostOut> {
        let (h, w, s) = match self {
            Estimate::Usd {
                per_hour, window, ..
            } => (Some(*per_hour), *window, None),
            Estimate::Floor { per_hour, .. } => (Some(*per_hour), None, None),
            Estimate::Share { pct, .. } => (None, None, Some(*pct)),
            Estimate::Unpriced(_) => (None, None, None),
            Estimate::Unread => return None,
        };
        Some(CostOut {
            usd_per_hour: h.map(round6),
            usd_per_month_projected: h.map(|h| round6(h * HOURS_PER_MONTH)),
            usd_window: w.map(round6),
            ec2_capacity_share_pct: s.map(|p| (p * 1000.0).round() / 1000.0),
            basis: self.basis().to_string(),
        })
    }
}

/// A room's part of the account's burn rate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoomCost {
    /// The priced resources' dollars an hour.
    pub per_hour: f64,
    pub priced: usize,
    /// Priced resources of which only a part is priced (`Estimate::Floor`):
    /// counted in `priced`, and the sum is a floor.
    pub partly_priced: usize,
    /// Resources that could not be priced (`?`) or read (`-`): the sum
    /// leaves them out, and the header says so.
    pub unpriced: usize,
    /// Something the room wants said next to its figure (Lambda: the free tier).
    pub note: Option<String>,
    /// Why the first unpriced resource has no price.
    pub why: Option<String>,
}

impl RoomCost {
    /// Dollars an hour, or `None` when nothing the room runs could be priced
    /// (a sum of nothing is not zero).
    pub fn figure(&self) -> Option<f64> {
        (self.priced > 0 || self.unpriced == 0).then_some(self.per_hour)
    }

    /// `of`, per account: each estimate with the key of its account.
    pub fn by_account<'k>(estimates: impl IntoIterator<Item = (&'k str, Estimate)>) -> Vec<(String, RoomCost)> {
        let mut each: std::collections::BTreeMap<&str, Vec<Estimate>> = Default::default();
        for (k, e) in estimates {
            each.entry(k).or_default().push(e);
        }
        each.into_iter().map(|(k, e)| (k.to_string(), RoomCost::of(&e))).collect()
    }

    pub fn of<'a>(estimates: impl IntoIterator<Item = &'a Estimate>) -> RoomCost {
        let mut c = RoomCost::default();
        for e in estimates {
            c.add(e);
        }
        c
    }

    /// Counts one more estimate in: a room of 50,000 rows is summed as it is
    /// priced, without a list of every estimate.
    pub fn add(&mut self, e: &Estimate) {
        match e {
            Estimate::Usd { per_hour, .. } => {
                self.per_hour += per_hour;
                self.priced += 1;
            }
            Estimate::Floor { per_hour, .. } => {
                self.per_hour += per_hour;
                self.priced += 1;
                self.partly_priced += 1;
            }
            // Billed through the instances, which are not ours to price.
            Estimate::Share { .. } => {}
            Estimate::Unpriced(why) => {
                self.unpriced += 1;
                self.why.get_or_insert_with(|| why.clone());
            }
            Estimate::Unread => self.unpriced += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cell_says_what_kind_of_number_it_is() {
        let usd = Estimate::Usd {
            per_hour: 0.5,
            window: None,
            basis: "b".into(),
        };
        assert_eq!(usd.cell(), "$365");
        let floor = Estimate::Floor {
            per_hour: 0.1,
            basis: "control plane; nodes not priced".into(),
        };
        assert_eq!(floor.cell(), "$73+");
        assert!(
            floor.describe().starts_with("≈$73+/mo"),
            "{}",
            floor.describe()
        );
        assert_eq!(floor.out().unwrap().usd_per_hour, Some(0.1));
        assert_eq!(Estimate::Unpriced("no prices".into()).cell(), "?");
        assert_eq!(Estimate::Unread.cell(), "-");
        assert!(Estimate::Unread.out().is_none());
        let none = Estimate::Unpriced("no prices for eu-west-1".into())
            .out()
            .unwrap();
        assert_eq!(none.usd_per_hour, None);
        assert_eq!(none.basis, "no prices for eu-west-1");
    }

    #[test]
    fn a_room_sums_what_it_priced_and_counts_what_it_could_not() {
        let e = [
            Estimate::Usd {
                per_hour: 1.0,
                window: None,
                basis: String::new(),
            },
            Estimate::Usd {
                per_hour: 0.25,
                window: None,
                basis: String::new(),
            },
            Estimate::Unpriced(String::new()),
            Estimate::Unread,
            Estimate::Share {
                pct: 10.0,
                basis: String::new(),
            },
            Estimate::Floor {
                per_hour: 0.5,
                basis: String::new(),
            },
        ];
        let c = RoomCost::of(&e);
        assert_eq!(
            (c.per_hour, c.priced, c.partly_priced, c.unpriced),
            (1.75, 3, 1, 2)
        );
    }
}
