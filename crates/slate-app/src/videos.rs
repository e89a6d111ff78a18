//! Answer videos on the local disk (the embedded default; S3-compatible storage is another
//! adapter). An upload in progress is `<key>.part`; finishing renames it to `<key>`, so a
//! finished video is never partly written. Appends check the offset against the file's
//! size under a lock, so a retried or raced chunk is refused instead of duplicated.

use std::io::SeekFrom;
use std::path::PathBuf;

use async_trait::async_trait;
use slate_domain::MediaKey;
use slate_domain::ports::{RepoError, VideoStat, VideoStore, VideoStoreError};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};
use tokio::sync::Mutex;

/// Videos under a root folder.
#[derive(Debug)]
pub(crate) struct DiskVideos {
    root: PathBuf,
    writes: Mutex<()>,
}

fn io(e: std::io::Error) -> VideoStoreError {
    VideoStoreError::Internal(RepoError::new(e))
}

impl DiskVideos {
    pub(crate) fn new(root: PathBuf) -> Self {
        Self { root, writes: Mutex::new(()) }
    }

    fn done(&self, key: &MediaKey) -> PathBuf {
        // MediaKey guarantees a relative path without `.`/`..` segments: it cannot escape.
        self.root.join(key.as_str())
    }

    fn part(&self, key: &MediaKey) -> PathBuf {
        self.root.join(format!("{}.part", key.as_str()))
    }
}

async fn size(path: &PathBuf) -> Result<Option<u64>, VideoStoreError> {
    match tokio::fs::metadata(path).await {
        Ok(m) => Ok(Some(m.len())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(e)),
    }
}

#[async_trait]
impl VideoStore for DiskVideos {
    async fn append(&self, key: &MediaKey, offset: u64, chunk: &[u8]) -> Result<u64, VideoStoreError> {
        let _guard = self.writes.lock().await;
        if size(&self.done(key)).await?.is_some() {
            return Err(VideoStoreError::AlreadyComplete);
        }
        let part = self.part(key);
        let current = size(&part).await?.unwrap_or(0);
        if offset != current {
            return Err(VideoStoreError::OffsetMismatch { expected: current });
        }
        if let Some(dir) = part.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(io)?;
        }
        let mut f = tokio::fs::OpenOptions::new().create(true).append(true).open(&part).await.map_err(io)?;
        f.write_all(chunk).await.map_err(io)?;
        f.sync_data().await.map_err(io)?;
        Ok(current + chunk.len() as u64)
    }

    async fn finish(&self, key: &MediaKey) -> Result<u64, VideoStoreError> {
        let _guard = self.writes.lock().await;
        if let Some(n) = size(&self.done(key)).await? {
            return Ok(n);
        }
        let n = size(&self.part(key)).await?.ok_or(VideoStoreError::NotFound)?;
        tokio::fs::rename(self.part(key), self.done(key)).await.map_err(io)?;
        Ok(n)
    }

    async fn stat(&self, key: &MediaKey) -> Result<Option<VideoStat>, VideoStoreError> {
        if let Some(n) = size(&self.done(key)).await? {
            return Ok(Some(VideoStat { size: n, complete: true }));
        }
        Ok(size(&self.part(key)).await?.map(|n| VideoStat { size: n, complete: false }))
    }

    async fn read(&self, key: &MediaKey, start: u64, end: u64) -> Result<Vec<u8>, VideoStoreError> {
        let path = self.done(key);
        let len = size(&path).await?.ok_or(VideoStoreError::NotFound)?;
        let (s, e) = (start.min(len), end.min(len));
        if e <= s {
            return Ok(Vec::new());
        }
        let mut f = tokio::fs::File::open(&path).await.map_err(io)?;
        f.seek(SeekFrom::Start(s)).await.map_err(io)?;
        let mut buf = vec![0; usize::try_from(e - s).map_err(|e| VideoStoreError::Internal(RepoError::new(e)))?];
        f.read_exact(&mut buf).await.map_err(io)?;
        Ok(buf)
    }

    async fn delete(&self, key: &MediaKey) -> Result<(), VideoStoreError> {
        let _guard = self.writes.lock().await;
        for path in [self.done(key), self.part(key)] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> MediaKey {
        MediaKey::parse("org/1/invitations/2/3/take-1").unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn uploads_resume_at_the_right_offset_and_finish_atomically() {
        let root = std::env::temp_dir().join(format!("slate-videos-{}", uuid::Uuid::now_v7()));
        let store = DiskVideos::new(root.clone());
        let k = key();
        assert_eq!(store.stat(&k).await.ok().flatten(), None);
        assert_eq!(store.append(&k, 0, b"hello ").await.ok(), Some(6));
        // A retried first chunk is refused, naming where to resume.
        assert!(matches!(store.append(&k, 0, b"hello ").await, Err(VideoStoreError::OffsetMismatch { expected: 6 })));
        assert!(
            matches!(store.read(&k, 0, 6).await, Err(VideoStoreError::NotFound)),
            "unfinished media is not readable"
        );
        assert_eq!(store.append(&k, 6, b"world").await.ok(), Some(11));
        assert_eq!(store.stat(&k).await.ok().flatten(), Some(VideoStat { size: 11, complete: false }));
        assert_eq!(store.finish(&k).await.ok(), Some(11));
        assert!(matches!(store.append(&k, 11, b"!").await, Err(VideoStoreError::AlreadyComplete)));
        assert_eq!(store.read(&k, 6, 100).await.ok(), Some(b"world".to_vec()));
        assert_eq!(store.stat(&k).await.ok().flatten(), Some(VideoStat { size: 11, complete: true }));
        store.delete(&k).await.unwrap_or_else(|e| panic!("{e}"));
        store.delete(&k).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.stat(&k).await.ok().flatten(), None);
        let _ = std::fs::remove_dir_all(root);
    }
}
