//! API keys, organizations and invitations kept in memory until a commit touches them.
//!
//! An authenticated API request read its key, and a candidate's page its organization,
//! beside the row it was about: a second statement per request for rows that change a few
//! times in their life. They are kept here instead, and every commit that writes an API key
//! or an organization empties the cache when it has committed, so a revoked key is refused
//! from the next request on.
//!
//! Invitations are read by id on every page and upload of a candidate and on every
//! recruiter's read of one; they are kept too, and a commit that writes an invitation forgets
//! that invitation (only that one) once it has committed.
//!
//! - **SQLite**: one Slate process serves a database file, and every commit of that process
//!   passes through [`SqlStore`](crate::SqlStore), so emptying the cache after its own
//!   commits is enough.
//! - **PostgreSQL**, where several instances share a database: such a commit also sends
//!   `pg_notify('slate_cache', …)` inside its transaction, which PostgreSQL delivers when
//!   it commits; each instance listens and, on arrival, forgets the invitations the notice
//!   names (their ids, comma-separated) or, for an empty notice, empties its cache. While an instance
//!   is not listening (before its listener connects, after its connection drops) nothing
//!   is cached or served from the cache, so a notification missed can never leave a stale
//!   row behind. Another instance sees a revocation once the notification reaches it (the
//!   commit's own instance: at once).
//!
//! A read racing an emptying never refills the cache with what it read before: each fill
//! is undone when the generation moved meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use quick_cache::sync::Cache;
use slate_domain::{ApiKey, Invitation, Organization};
use uuid::Uuid;

/// The channel commits notify and instances listen on.
pub(crate) const CHANNEL: &str = "slate_cache";

/// API keys and organizations kept, of each.
const ENTRIES: usize = 10_000;

/// Invitations kept (each carries its interview's questions, a few KiB at most): the
/// candidates in the middle of an interview at one time, with room to spare.
const INVITATIONS: usize = 4_096;

/// The cached rows, with what keeps them honest.
#[derive(Debug)]
pub(crate) struct Rows {
    /// Moves on every emptying.
    generation: AtomicU64,
    /// Whether the cache may be used: always on SQLite; on PostgreSQL only while this
    /// instance is listening for other instances' commits.
    live: AtomicBool,
    api_keys: Cache<Uuid, ApiKey>,
    organizations: Cache<Uuid, Organization>,
    invitations: Cache<Uuid, Invitation>,
}

/// Where a read started: what a fill checks against.
#[derive(Clone, Copy)]
pub(crate) struct Mark(u64);

impl Rows {
    pub(crate) fn new(live: bool) -> Self {
        Self {
            generation: AtomicU64::new(0),
            live: AtomicBool::new(live),
            api_keys: Cache::new(ENTRIES),
            organizations: Cache::new(ENTRIES),
            invitations: Cache::new(INVITATIONS),
        }
    }

    /// The mark to fill with, taken before reading the database; `None` while the cache is
    /// off.
    pub(crate) fn mark(&self) -> Option<Mark> {
        self.live.load(Ordering::SeqCst).then(|| Mark(self.generation.load(Ordering::SeqCst)))
    }

    pub(crate) fn api_key(&self, id: Uuid) -> Option<ApiKey> {
        self.mark()?;
        self.api_keys.get(&id)
    }

    pub(crate) fn organization(&self, id: Uuid) -> Option<Organization> {
        self.mark()?;
        self.organizations.get(&id)
    }

    pub(crate) fn invitation(&self, id: Uuid) -> Option<Invitation> {
        self.mark()?;
        self.invitations.get(&id)
    }

    pub(crate) fn keep_invitation(&self, mark: Mark, invitation: &Invitation) {
        self.keep(&self.invitations, mark, invitation.id().as_uuid(), invitation);
    }

    /// Forgets these invitations (a commit wrote them). The generation moves first, so a
    /// fill in flight, of these or any other rows, undoes itself.
    pub(crate) fn forget_invitations(&self, ids: &[Uuid]) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        for id in ids {
            self.invitations.remove(id);
        }
    }

    /// What a notice on [`CHANNEL`] asks: the invitations it names, comma-separated, or
    /// everything when it names none (or anything unreadable).
    pub(crate) fn on_notice(&self, payload: &str) {
        let ids: Option<Vec<Uuid>> =
            (!payload.is_empty()).then(|| payload.split(',').map(|id| id.parse().ok()).collect()).flatten();
        match ids {
            Some(ids) => self.forget_invitations(&ids),
            None => self.empty(),
        }
    }

    pub(crate) fn keep_api_key(&self, mark: Mark, key: &ApiKey) {
        self.keep(&self.api_keys, mark, key.id.as_uuid(), key);
    }

    pub(crate) fn keep_organization(&self, mark: Mark, organization: &Organization) {
        self.keep(&self.organizations, mark, organization.id.as_uuid(), organization);
    }

    /// Keeps `value` unless the cache was emptied (or turned off) since `mark`: then it is
    /// taken out again, as it may predate the emptying.
    fn keep<V: Clone>(&self, cache: &Cache<Uuid, V>, mark: Mark, id: Uuid, value: &V) {
        cache.insert(id, value.clone());
        if !self.still(mark) {
            cache.remove(&id);
        }
    }

    fn still(&self, mark: Mark) -> bool {
        self.live.load(Ordering::SeqCst) && self.generation.load(Ordering::SeqCst) == mark.0
    }

    /// Forgets everything (a commit touched these rows, or notifications may have been
    /// missed). The generation moves first, so a fill in flight undoes itself.
    pub(crate) fn empty(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.api_keys.clear();
        self.organizations.clear();
        self.invitations.clear();
    }

    fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::SeqCst);
        self.empty();
    }
}

/// Listens for other instances' commits on PostgreSQL for as long as `rows` is in use:
/// the cache is on only while the listener is connected.
/// The listener has a connection of its own (not one of the pool's), opened from `url`
/// with the pool's TLS settings.
pub(crate) fn listen(url: String, rows: &Arc<Rows>) {
    let rows = Arc::downgrade(rows);
    tokio::spawn(async move {
        loop {
            let listener = async {
                let mut l = sea_orm::sqlx::postgres::PgListener::connect(&url).await?;
                l.listen(CHANNEL).await?;
                Ok::<_, sea_orm::sqlx::Error>(l)
            }
            .await;
            let Some(r) = rows.upgrade() else { return };
            match listener {
                Ok(mut listener) => {
                    r.set_live(true);
                    drop(r);
                    loop {
                        let got = listener.try_recv().await;
                        let Some(r) = rows.upgrade() else { return };
                        match got {
                            Ok(Some(notice)) => r.on_notice(notice.payload()),
                            // The connection was lost: notifications may have been missed.
                            Ok(None) | Err(_) => {
                                r.set_live(false);
                                tracing::warn!(
                                    "the cache listener lost its connection; caching is off until it is back"
                                );
                                break;
                            }
                        }
                    }
                }
                Err(e) => {
                    drop(r);
                    tracing::warn!(error = %e, "the cache listener could not connect; caching stays off");
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
