//! Answer videos in a folder on the local disk.
//!
//! An upload in progress is `<key>.part` (the bytes so far) beside `<key>.upload` (its
//! declared length); storing the last byte renames `.part` to `<key>`, so a finished video is
//! never partly written and a reader never sees an unfinished one.

use std::io::{ErrorKind, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use slate_domain::MediaKey;
use slate_domain::ports::{ByteStream, VideoStat, VideoStore, VideoStoreError};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _, BufWriter};

use crate::internal;
use crate::locks::Locks;

/// How much is gathered before a write to the file: fewer, larger writes.
const WRITE_BUFFER: usize = 1 << 20;
/// How much a read hands out at a time.
const READ_PIECE: usize = 256 * 1024;

/// Videos under a root folder.
#[derive(Debug)]
pub struct DiskVideos {
    root: PathBuf,
    locks: Locks,
}

async fn size(path: &Path) -> Result<Option<u64>, VideoStoreError> {
    match tokio::fs::metadata(path).await {
        Ok(m) => Ok(Some(m.len())),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(internal(e)),
    }
}

async fn remove(path: &Path) -> Result<(), VideoStoreError> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(internal(e)),
    }
}

impl DiskVideos {
    /// Videos under `root` (created on the first upload).
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into(), locks: Locks::default() }
    }

    fn done(&self, key: &MediaKey) -> PathBuf {
        // MediaKey guarantees a relative path without `.`/`..` segments: it cannot escape.
        self.root.join(key.as_str())
    }

    fn part(&self, key: &MediaKey) -> PathBuf {
        self.root.join(format!("{}.part", key.as_str()))
    }

    fn meta(&self, key: &MediaKey) -> PathBuf {
        self.root.join(format!("{}.upload", key.as_str()))
    }

    async fn declared(&self, key: &MediaKey) -> Result<Option<u64>, VideoStoreError> {
        match tokio::fs::read_to_string(self.meta(key)).await {
            Ok(s) => s.trim().parse().map(Some).map_err(internal),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(internal(e)),
        }
    }
}

/// Creates a file readable by its owner only: videos are personal data.
async fn create_private(path: &Path, append: bool) -> std::io::Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.create(true);
    if append {
        options.append(true);
    } else {
        options.write(true).truncate(true);
    }
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path).await
}

#[async_trait]
impl VideoStore for DiskVideos {
    async fn begin(&self, key: &MediaKey, length: u64) -> Result<(), VideoStoreError> {
        let _guard = self.locks.lock(key.as_str()).await;
        if size(&self.done(key)).await?.is_some() {
            return Err(VideoStoreError::AlreadyComplete);
        }
        if let Some(dir) = self.part(key).parent() {
            tokio::fs::create_dir_all(dir).await.map_err(internal)?;
        }
        create_private(&self.part(key), false).await.map_err(internal)?;
        let mut meta = create_private(&self.meta(key), false).await.map_err(internal)?;
        meta.write_all(length.to_string().as_bytes()).await.map_err(internal)?;
        meta.sync_all().await.map_err(internal)?;
        if length == 0 {
            tokio::fs::rename(self.part(key), self.done(key)).await.map_err(internal)?;
            remove(&self.meta(key)).await?;
        }
        Ok(())
    }

    async fn append(&self, key: &MediaKey, offset: u64, body: ByteStream) -> Result<u64, VideoStoreError> {
        let _guard = self.locks.lock(key.as_str()).await;
        if size(&self.done(key)).await?.is_some() {
            return Err(VideoStoreError::AlreadyComplete);
        }
        let length = self.declared(key).await?.ok_or(VideoStoreError::NotFound)?;
        let part = self.part(key);
        let mut stored = size(&part).await?.unwrap_or(0);
        if offset != stored {
            return Err(VideoStoreError::OffsetMismatch { expected: stored });
        }
        let file = create_private(&part, true).await.map_err(internal)?;
        let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
        let mut body = body;
        let mut outcome = Ok(());
        while let Some(piece) = body.next().await {
            let piece = match piece {
                Ok(piece) => piece,
                Err(_) => {
                    outcome = Err(VideoStoreError::Interrupted { offset: 0 });
                    break;
                }
            };
            let room = usize::try_from(length - stored).unwrap_or(usize::MAX);
            let fits = piece.get(..room.min(piece.len())).unwrap_or_default();
            out.write_all(fits).await.map_err(internal)?;
            stored += fits.len() as u64;
            if piece.len() > room {
                outcome = Err(VideoStoreError::TooLong { length });
                break;
            }
        }
        // Whatever arrived is kept, so the client can resume after it.
        out.flush().await.map_err(internal)?;
        out.get_ref().sync_data().await.map_err(internal)?;
        drop(out);
        if stored == length {
            finish(&part, &self.done(key)).await?;
            remove(&self.meta(key)).await?;
        }
        match outcome {
            Ok(()) => Ok(stored),
            Err(VideoStoreError::Interrupted { .. }) => Err(VideoStoreError::Interrupted { offset: stored }),
            Err(e) => Err(e),
        }
    }

    async fn stat(&self, key: &MediaKey) -> Result<Option<VideoStat>, VideoStoreError> {
        if let Some(n) = size(&self.done(key)).await? {
            return Ok(Some(VideoStat { size: n, length: n, complete: true }));
        }
        let Some(length) = self.declared(key).await? else { return Ok(None) };
        let n = size(&self.part(key)).await?.unwrap_or(0);
        Ok(Some(VideoStat { size: n, length, complete: false }))
    }

    async fn read(&self, key: &MediaKey, start: u64, end: u64) -> Result<ByteStream, VideoStoreError> {
        let path = self.done(key);
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Err(VideoStoreError::NotFound),
            Err(e) => return Err(internal(e)),
        };
        let len = file.metadata().await.map_err(internal)?.len();
        let (s, e) = (start.min(len), end.min(len));
        file.seek(SeekFrom::Start(s)).await.map_err(internal)?;
        let stream = futures_util::stream::try_unfold((file, e - s.min(e)), |(mut file, left)| async move {
            if left == 0 {
                return Ok(None);
            }
            let want = usize::try_from(left).unwrap_or(usize::MAX).min(READ_PIECE);
            let mut buf = vec![0; want];
            let n = file.read(&mut buf).await?;
            if n == 0 {
                return Err(std::io::Error::new(ErrorKind::UnexpectedEof, "the video is shorter than it was"));
            }
            buf.truncate(n);
            Ok(Some((bytes::Bytes::from(buf), (file, left - n as u64))))
        });
        Ok(Box::pin(stream))
    }

    async fn delete(&self, key: &MediaKey) -> Result<(), VideoStoreError> {
        let _guard = self.locks.lock(key.as_str()).await;
        for path in [self.done(key), self.part(key), self.meta(key)] {
            remove(&path).await?;
        }
        Ok(())
    }

    async fn sweep_abandoned(&self, before: DateTime<Utc>) -> Result<u64, VideoStoreError> {
        let root = self.root.clone();
        let cutoff = SystemTime::from(before);
        let stale = tokio::task::spawn_blocking(move || stale_uploads(&root, cutoff)).await.map_err(internal)?;
        let mut removed = 0;
        for meta in stale.map_err(internal)? {
            let Some(key) = meta
                .strip_prefix(&self.root)
                .ok()
                .and_then(|p| p.to_str())
                .and_then(|p| p.strip_suffix(".upload").and_then(|k| MediaKey::parse(k).ok()))
            else {
                continue;
            };
            let _guard = self.locks.lock(key.as_str()).await;
            // Touched since the scan (a candidate came back)? Keep it.
            let touched = [self.part(&key), self.meta(&key)]
                .iter()
                .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
                .max();
            if touched.is_some_and(|t| t >= cutoff) || size(&self.meta(&key)).await?.is_none() {
                continue;
            }
            remove(&self.part(&key)).await?;
            remove(&self.meta(&key)).await?;
            removed += 1;
        }
        Ok(removed)
    }
}

/// Makes the complete `part` the video `done`: a live WebM (Chromium's) is finalized on the way
/// (duration and cues written, nothing re-encoded); anything else, or a WebM the finalizer does
/// not understand, is kept as it came.
async fn finish(part: &Path, done: &Path) -> Result<(), VideoStoreError> {
    let (part, done) = (part.to_path_buf(), done.to_path_buf());
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let final_path = part.with_extension("final");
        let outcome = (|| -> Result<Option<crate::webm::Finalized>, crate::webm::WebmError> {
            let input = std::io::BufReader::new(std::fs::File::open(&part)?);
            let mut options = std::fs::OpenOptions::new();
            options.create(true).write(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut out = std::io::BufWriter::with_capacity(WRITE_BUFFER, options.open(&final_path)?);
            let done = crate::webm::finalize(input, &mut out)?;
            out.into_inner().map_err(std::io::IntoInnerError::into_error)?.sync_data()?;
            Ok(done)
        })();
        match outcome {
            Ok(Some(f)) => {
                tracing::debug!(duration_ms = f.duration_ms, cues = f.cues, "answer video finalized");
                std::fs::rename(&final_path, &done)?;
                std::fs::remove_file(&part)
            }
            Ok(None) => {
                let _ = std::fs::remove_file(&final_path);
                std::fs::rename(&part, &done)
            }
            Err(e) => {
                tracing::warn!(error = %e, "an answer video could not be finalized; it is kept as recorded");
                let _ = std::fs::remove_file(&final_path);
                std::fs::rename(&part, &done)
            }
        }
    })
    .await
    .map_err(internal)?
    .map_err(internal)
}

/// Every `.upload` file under `root` whose upload was last touched before `cutoff`.
fn stale_uploads(root: &Path, cutoff: SystemTime) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "upload") {
                let part = path.with_extension("part");
                let touched =
                    [&path, &part].iter().filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok()).max();
                if touched.is_some_and(|t| t < cutoff) {
                    found.push(path);
                }
            }
        }
    }
    Ok(found)
}
