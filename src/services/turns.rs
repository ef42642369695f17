//! At most N accounts read at once. Each account's pollers share one turn:
//! the first of them to refresh takes a permit, the others ride on it, and
//! the last to finish gives it back. So 100 accounts never open 100
//! accounts' worth of requests at a time, and an account's own rooms never
//! wait for each other.

use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// One account's share of the fleet's permits.
pub struct AccountTurns {
    permits: Arc<Semaphore>,
    /// Refreshes under way, and the permit they hold.
    held: Mutex<(usize, Option<OwnedSemaphorePermit>)>,
    /// One poller at a time waits for the permit.
    entry: tokio::sync::Mutex<()>,
}

/// A refresh under way; dropping it ends the account's turn when it was the last.
pub struct Turn(Arc<AccountTurns>);

impl AccountTurns {
    pub fn new(permits: Arc<Semaphore>) -> Arc<AccountTurns> {
        Arc::new(AccountTurns {
            permits,
            held: Mutex::new((0, None)),
            entry: tokio::sync::Mutex::new(()),
        })
    }

    /// Waits for the account's turn (at once when one of its pollers has it).
    pub async fn enter(self: &Arc<Self>) -> Turn {
        let _one = self.entry.lock().await;
        {
            let mut h = self.held.lock().unwrap_or_else(|p| p.into_inner());
            if h.0 > 0 {
                h.0 += 1;
                return Turn(self.clone());
            }
        }
        // Closed only if the fleet is gone; then reading on costs nothing more.
        let permit = self.permits.clone().acquire_owned().await.ok();
        let mut h = self.held.lock().unwrap_or_else(|p| p.into_inner());
        h.0 += 1;
        h.1 = permit;
        Turn(self.clone())
    }

    /// Whether one of the account's refreshes is under way.
    pub fn busy(&self) -> bool {
        self.held.lock().map_or(false, |h| h.0 > 0)
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut h = self.0.held.lock().unwrap_or_else(|p| p.into_inner());
        h.0 = h.0.saturating_sub(1);
        if h.0 == 0 {
            h.1 = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_permit_lets_one_account_read_and_its_rooms_share_it() {
        let permits = Arc::new(Semaphore::new(1));
        let a = AccountTurns::new(permits.clone());
        let b = AccountTurns::new(permits.clone());
        let a1 = a.enter().await;
        // Another room of the same account rides on the turn.
        let a2 = tokio::time::timeout(std::time::Duration::from_millis(50), a.enter())
            .await
            .expect("the account's second room waited");
        // Another account waits while `a` reads.
        assert!(tokio::time::timeout(std::time::Duration::from_millis(50), b.enter())
            .await
            .is_err());
        drop(a1);
        assert!(a.busy());
        drop(a2);
        assert!(!a.busy());
        let b1 = tokio::time::timeout(std::time::Duration::from_millis(50), b.enter())
            .await
            .expect("b's turn came when a was done");
        assert!(b.busy());
        drop(b1);
        assert_eq!(permits.available_permits(), 1);
    }
}
