//! The small adapters the app provides itself: OS randomness for passwords, Argon2id password
//! hashing, and the link secret kept in a file (the clock and ids are the domain's
//! `defaults`).

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use async_trait::async_trait;
use slate_domain::ports::{AdapterError, PasswordHasher};
use slate_domain::{LinkSecret, Password, PasswordHash};

/// 32 bytes from the OS's cryptographic random source. Without one Slate cannot make
/// secrets safely, so it stops rather than carry on with weak ones.
pub(crate) fn random_bytes() -> [u8; 32] {
    let mut out = [0_u8; 32];
    if let Err(e) = getrandom::fill(&mut out) {
        tracing::error!(error = %e, "the operating system's random source failed");
        std::process::abort();
    }
    out
}

/// A random password people can type: 20 characters from a 56-letter alphabet without
/// look-alikes (about 116 bits).
pub(crate) fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(20);
    while out.len() < 20 {
        for b in random_bytes() {
            // Rejection sampling keeps every letter equally likely.
            let limit = 256 - 256 % ALPHABET.len();
            if usize::from(b) < limit && out.len() < 20 {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    out
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's recommendation), run on
/// the blocking pool so request threads never stall, at most `limit` at once (each takes
/// 19 MiB: a login flood must not exhaust memory; the rest wait their turn).
#[derive(Debug)]
pub(crate) struct Argon2Passwords {
    permits: Arc<tokio::sync::Semaphore>,
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
    peak: Arc<std::sync::atomic::AtomicUsize>,
}

impl Argon2Passwords {
    /// At most `limit` hashes at once.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            permits: Arc::new(tokio::sync::Semaphore::new(limit.max(1))),
            in_flight: Arc::default(),
            peak: Arc::default(),
        }
    }

    /// One hash per core.
    pub(crate) fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
    }

    /// Runs `work` on the blocking pool once a permit is free.
    async fn bounded<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        use std::sync::atomic::Ordering;
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok()?;
        let (in_flight, peak) = (Arc::clone(&self.in_flight), Arc::clone(&self.peak));
        tokio::task::spawn_blocking(move || {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let out = work();
            in_flight.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .ok()
    }

    #[cfg(test)]
    fn peak(&self) -> usize {
        self.peak.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// A well-formed hash of a password nobody knows, verified against for unknown accounts so
/// they take as long as known ones.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2xhdGVkdW1teXNhbHQ$4Rq8zX1Qy4lJ1bP1M6mWq0rS8y9m0q3nqvB2JQy1y0E";

#[async_trait]
impl PasswordHasher for Argon2Passwords {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, AdapterError> {
        let password = password.clone();
        self.bounded(move || {
            argon2::Argon2::default()
                .hash_password(password.expose().as_bytes())
                .map(|h| PasswordHash::new(h.to_string()))
                .map_err(|e| AdapterError::new(format!("password hashing failed: {e}")))
        })
        .await
        .ok_or_else(|| AdapterError::new("password hashing task failed"))?
    }

    async fn verify(&self, password: &Password, hash: Option<PasswordHash>) -> bool {
        let password = password.clone();
        let known = hash.is_some();
        let phc = hash.map_or_else(|| DUMMY_HASH.to_owned(), |h| h.as_str().to_owned());
        let ok = self
            .bounded(move || {
                argon2::Argon2::default().verify_password(password.expose().as_bytes(), phc.as_str()).is_ok()
            })
            .await
            .unwrap_or(false);
        known && ok
    }
}

/// Why the link secret could not be had.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SecretError {
    #[error("setting `security.link_secret`: {0}")]
    TooShort(slate_domain::LinkSecretError),
    #[error("link secret file {path}: {source}")]
    File { path: String, source: std::io::Error },
}

/// The link secret: from the configuration when set, otherwise from `file`, which is
/// created with 32 random bytes (hex, mode 0600) on first start. Losing it invalidates
/// every candidate link, so it lives next to the database.
/// Creates `dir` (and its parents) if missing; a folder Slate creates is its owner's only
/// (0700): it holds password hashes, key digests and candidates' personal data.
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates an empty file readable by its owner only (0600) if `path` does not exist, so that
/// what is written into it later (the SQLite database, whose journal files SQLite creates with
/// the same permissions) is private from the start.
pub(crate) fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

pub(crate) fn link_secret(configured: &str, file: &Path) -> Result<LinkSecret, SecretError> {
    if !configured.is_empty() {
        return LinkSecret::new(configured.as_bytes().to_vec()).map_err(SecretError::TooShort);
    }
    let err = |source| SecretError::File { path: file.display().to_string(), source };
    if !file.exists() {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_dir(dir).map_err(err)?;
        }
        let hex = hex::encode(random_bytes());
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(file).map_err(err)?;
        f.write_all(hex.as_bytes()).map_err(err)?;
        tracing::info!(path = %file.display(), "created a new link secret");
    }
    let text = std::fs::read_to_string(file).map_err(err)?;
    LinkSecret::new(text.trim().as_bytes().to_vec()).map_err(SecretError::TooShort)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[tokio::test]
    async fn argon2id_hashes_verify_and_refuse() {
        let p = Password::new("correct horse battery").unwrap_or_else(|e| panic!("{e}"));
        let hasher = Argon2Passwords::new(2);
        let h = hasher.hash(&p).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(h.as_str().starts_with("$argon2id$v=19$"), "{}", h.as_str());
        assert!(hasher.verify(&p, Some(h.clone())).await);
        let wrong = Password::new("wrong horse battery").unwrap_or_else(|e| panic!("{e}"));
        assert!(!hasher.verify(&wrong, Some(h.clone())).await);
        assert!(!hasher.verify(&p, None).await, "unknown accounts never match");
        // Salted: the same password hashes differently.
        assert_ne!(hasher.hash(&p).await.unwrap_or_else(|e| panic!("{e}")).as_str(), h.as_str());
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok(), "the dummy hash parses");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_login_flood_hashes_at_most_the_limit_at_once() {
        let hasher = Arc::new(Argon2Passwords::new(2));
        let p = Password::new("correct horse battery").unwrap_or_else(|e| panic!("{e}"));
        let h = hasher.hash(&p).await.unwrap_or_else(|e| panic!("{e}"));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (hasher, p, h) = (Arc::clone(&hasher), p.clone(), h.clone());
                tokio::spawn(async move { hasher.verify(&p, Some(h)).await })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap_or(false), "every login is still answered");
        }
        assert!(hasher.peak() <= 2, "{} hashes ran at once", hasher.peak());
        assert!(hasher.peak() >= 1);
    }

    #[test]
    fn random_passwords_are_long_and_distinct() {
        let (a, b) = (random_password(), random_password());
        assert_eq!(a.chars().count(), 20);
        assert_ne!(a, b);
        assert!(Password::new(&a).is_ok());
    }

    #[test]
    fn the_link_secret_file_is_created_once_and_private() {
        let dir = std::env::temp_dir().join(format!("slate-secret-{}", Uuid::now_v7()));
        let file = dir.join("link-secret");
        let first = link_secret("", &file).unwrap_or_else(|e| panic!("{e}"));
        let again = link_secret("", &file).unwrap_or_else(|e| panic!("{e}"));
        let id = slate_domain::InvitationId::from_uuid(Uuid::nil());
        let v = slate_domain::LinkVersion::new(1);
        use slate_domain::ports::LinkTokens as _;
        assert_eq!(
            slate_domain::HmacLinkTokens::new(first).issue(id, v),
            slate_domain::HmacLinkTokens::new(again).issue(id, v),
            "the second start reads the same secret, so links keep working"
        );
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert_eq!(text.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&file).map(|m| m.permissions().mode()).unwrap_or(0);
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(link_secret("too short", &file), Err(SecretError::TooShort(_))));
        let _ = std::fs::remove_dir_all(dir);
    }
}
