//! One lock per upload: appends to the same key wait for each other, other uploads do not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OwnedMutexGuard;

#[derive(Debug, Default)]
pub(crate) struct Locks(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl Locks {
    /// Waits for the lock of `key`. Entries nobody holds or waits for are dropped on the way,
    /// so the map stays as small as the number of uploads in flight.
    pub(crate) async fn lock(&self, key: &str) -> OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            map.retain(|k, l| k == key || Arc::strong_count(l) > 1);
            Arc::clone(map.entry(key.to_owned()).or_default())
        };
        lock.lock_owned().await
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn one_key_waits_other_keys_do_not() {
        let locks = Locks::default();
        let held = locks.lock("a").await;
        // another key is free
        let other = tokio::time::timeout(Duration::from_millis(200), locks.lock("b")).await;
        assert!(other.is_ok(), "a different upload is not blocked");
        // the same key waits
        let same = tokio::time::timeout(Duration::from_millis(50), locks.lock("a")).await;
        assert!(same.is_err(), "the same upload waits");
        drop(held);
        drop(other);
        let _again = locks.lock("c").await;
        assert_eq!(locks.len(), 1, "released entries are dropped");
    }
}
