//! Last week's figures of a room's resources, kept between refreshes
//! (`baseline`): a week-old window changes slowly, so each copy is asked
//! again only after `baseline::REFRESH`, and when one copy is due, every
//! copy past half of it goes with it, so that the rows are asked together
//! in few calls rather than one by one.

use std::collections::HashMap;
use std::hash::Hash;

use tokio::time::Instant;

use crate::aws::budget::Class;
use crate::aws::cloudwatch::{Fetched, Query, Target};
use crate::aws::gather::Gather;
use crate::aws::AwsError;
use crate::baseline::REFRESH;
use crate::services::live::Live;

/// Last week's queries are left unasked (and `asked` emptied) when the
/// budget cannot afford them beside this minute's `now` queries: the
/// screen's figures come first.
pub fn within_budget(live: &Live, asked: &mut Vec<usize>, week: &mut Vec<Query>, now: usize) {
    if live.budget.headroom(Class::Visible) < (week.len() + now) as u64 {
        asked.clear();
        week.clear();
    }
}

/// `queries` over `start..end` moved a week back, in calls of their own
/// (shared with the other rooms' week-ago queries); `None` when nothing is
/// asked.
pub async fn read(
    gather: &Gather,
    target: &Target<'_>,
    queries: Vec<Query>,
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
) -> Option<Result<Fetched, AwsError>> {
    if queries.is_empty() {
        return None;
    }
    let shift = crate::baseline::WEEK;
    Some(gather.fetch(target, None, queries, Vec::new(), start - shift, end - shift).await)
}

/// Last week's figures `V` by resource `K`, with when each was read.
pub struct WeekCache<K, V> {
    copies: HashMap<K, (Instant, V)>,
}

impl<K, V> Default for WeekCache<K, V> {
    fn default() -> Self {
        WeekCache { copies: HashMap::new() }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> WeekCache<K, V> {
    /// The positions in `keys` to ask now: never read, or due as above.
    pub fn due(&self, keys: &[K]) -> Vec<usize> {
        let age = |k: &K| self.copies.get(k).map(|(t, _)| t.elapsed());
        let any_due = keys.iter().any(|k| age(k).is_some_and(|a| a >= REFRESH));
        keys.iter()
            .enumerate()
            .filter(|(_, k)| age(k).is_none_or(|a| any_due && a >= REFRESH / 2))
            .map(|(i, _)| i)
            .collect()
    }

    /// A copy read now. Copies not asked for a long while (resources gone)
    /// leave as the next ones come.
    pub fn store(&mut self, k: K, v: V) {
        self.copies.retain(|_, (t, _)| t.elapsed() < REFRESH * 4);
        self.copies.insert(k, (Instant::now(), v));
    }

    /// The copy of `k`; `None`: never read (unknown, not zero).
    pub fn get(&self, k: &K) -> Option<V> {
        self.copies.get(k).map(|(_, v)| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn copies_are_asked_again_after_the_refresh_and_together() {
        let mut c: WeekCache<&str, u32> = WeekCache::default();
        assert_eq!(c.due(&["a", "b"]), [0, 1]);
        c.store("a", 1);
        tokio::time::advance(REFRESH * 2 / 5).await;
        c.store("b", 2);
        // Neither is due yet; a new row is.
        assert_eq!(c.due(&["a", "b", "c"]), [2]);
        tokio::time::advance(REFRESH * 3 / 5).await;
        // "a" is due; "b", past half, goes with it.
        assert_eq!(c.due(&["a", "b"]), [0, 1]);
        assert_eq!(c.get(&"b"), Some(2));
        assert_eq!(c.get(&"z"), None);
    }
}
