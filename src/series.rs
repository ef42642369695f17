//! Per-minute series and percentiles, shared by the service rooms.

use serde::{Deserialize, Serialize};

/// A per-minute series; f32 keeps 10,000 functions x 60 minutes small.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series(pub Vec<f32>);

impl Series {
    pub fn sum(&self) -> f64 {
        total(self.0.iter().map(|v| *v as f64))
    }
    pub fn max(&self) -> f64 {
        self.0.iter().fold(0.0f64, |m, v| m.max(*v as f64))
    }
    /// Sparklines want integers; scale so the shape survives small values.
    pub fn as_sparkline(&self, scale: f64) -> Vec<u64> {
        self.0
            .iter()
            .map(|v| (*v as f64 * scale).round().max(0.0) as u64)
            .collect()
    }
}

/// A sum that starts from +0.0. The standard `f64` sum starts from -0.0, so
/// a sum of nothing (a metric without datapoints) would be negative zero and
/// be written `-0.0`, or `-0` on screen.
pub fn total(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().fold(0.0, |a, b| a + b)
}

/// Nearest-rank percentile of an unsorted slice; `None` when empty.
pub fn percentile(values: &mut [f64], pct: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let rank = ((pct / 100.0) * values.len() as f64).ceil() as usize;
    Some(values[rank.clamp(1, values.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_nearest_rank() {
        let mut v = vec![5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(percentile(&mut v, 50.0), Some(3.0));
        assert_eq!(percentile(&mut v, 100.0), Some(5.0));
        assert_eq!(percentile(&mut v, 1.0), Some(1.0));
        assert_eq!(percentile(&mut [], 50.0), None);
    }
}
