//! An applicant-tracking system keeps candidates in its own storage and lets Slate keep the
//! rest: one storage port implemented outside the crate, mixed with the in-memory store
//! through `PortsBuilder`, and checked with the storage contract kit.
//!
//! Run it: `cargo run -p slate-domain --example custom_adapter --features contract-tests`
//!
//! What an adapter author needs to know (see `docs/embedding.md`):
//! - Repositories only **read**. Every write arrives through `UnitOfWork::commit` as a
//!   `ChangeSet` of `Write`s, which must be applied all together or not at all. So an adapter
//!   that owns candidates implements `CandidateRepository` (reads) and takes the
//!   `Write::InsertCandidate` writes out of each commit.
//! - Reads are always scoped: `get(org, id)` MUST return `None` for another organization's
//!   record.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use slate_domain::async_trait;
use slate_domain::memory::InMemoryStore;
use slate_domain::ports::{AdapterError, CandidateRepository, ChangeSet, CommitError, UnitOfWork, Write};
use slate_domain::{Candidate, CandidateId, CandidateKind, NamePrefix, OrganizationId, Ports};

/// The ATS's own candidate table, and a unit of work that stores candidate writes there and
/// passes every other write to Slate's store, atomically.
struct AtsCandidates {
    rows: Mutex<BTreeMap<CandidateId, Candidate>>,
    rest: Arc<InMemoryStore>,
    /// One commit at a time, held across the other store's commit (an async lock: a plain
    /// mutex guard must not live across an `.await`).
    commits: futures_util::lock::Mutex<()>,
}

impl AtsCandidates {
    fn rows(&self) -> std::sync::MutexGuard<'_, BTreeMap<CandidateId, Candidate>> {
        self.rows.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl CandidateRepository for AtsCandidates {
    async fn get(&self, org: OrganizationId, id: CandidateId) -> Result<Option<Candidate>, AdapterError> {
        Ok(self.rows().get(&id).filter(|c| c.organization_id == org).cloned())
    }

    async fn search_by_name_prefix(
        &self,
        org: OrganizationId,
        prefix: &NamePrefix,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError> {
        let mut found: Vec<Candidate> = self
            .rows()
            .values()
            .filter(|c| c.organization_id == org && c.kind == CandidateKind::Internal && c.name_starts_with(prefix))
            .cloned()
            .collect();
        found.sort_by_key(|c| (c.last_name.as_str().to_lowercase(), c.first_name.as_str().to_lowercase(), c.id));
        found.truncate(limit);
        Ok(found)
    }

    async fn list(
        &self,
        org: OrganizationId,
        before: Option<CandidateId>,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError> {
        Ok(self
            .rows()
            .values()
            .rev()
            .filter(|c| c.organization_id == org && before.is_none_or(|b| c.id < b))
            .take(limit)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl UnitOfWork for AtsCandidates {
    async fn commit(&self, changes: ChangeSet) -> Result<(), CommitError> {
        let _one_at_a_time = self.commits.lock().await;
        let (mine, rest): (Vec<Write>, Vec<Write>) =
            changes.into_writes().into_iter().partition(|w| matches!(w, Write::InsertCandidate(_)));
        // Check our part first, so a refusal leaves nothing anywhere …
        for w in &mine {
            if let Write::InsertCandidate(c) = w
                && self.rows().contains_key(&c.id)
            {
                return Err(CommitError::Duplicate("candidate"));
            }
        }
        // … then the rest (which applies whole or not at all), then ours, which cannot fail.
        let mut others = ChangeSet::new();
        for w in rest {
            others.push(w);
        }
        if !others.is_empty() {
            self.rest.commit(others).await?;
        }
        let mut rows = self.rows();
        for w in mine {
            if let Write::InsertCandidate(c) = w {
                rows.insert(c.id, c);
            }
        }
        Ok(())
    }
}

/// Slate's ports over the ATS's candidates and an in-memory store for everything else.
fn storage() -> slate_domain::PortsBuilder {
    let rest = Arc::new(InMemoryStore::new());
    let ats = Arc::new(AtsCandidates {
        rows: Mutex::new(BTreeMap::new()),
        rest: rest.clone(),
        commits: futures_util::lock::Mutex::new(()),
    });
    Ports::builder().store(rest).candidates(ats.clone()).unit_of_work(ats)
}

fn main() {
    // Any executor will do: the domain assumes no runtime (here: the smallest one there is).
    let passed = block_on(slate_domain::contract::check_storage(|| async { storage() }));
    let (line, code) = match passed {
        Ok(n) => (format!("The ATS candidate adapter passes all {n} storage contract scenarios.\n"), 0),
        Err(e) => (format!("{e}\n"), 1),
    };
    let _ = std::io::Write::write_all(&mut std::io::stdout(), line.as_bytes());
    std::process::exit(code);
}

/// Polls a future to completion on this thread.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut context) {
            return out;
        }
        std::thread::park();
    }
}
