//! Answer videos in an S3-compatible bucket, through `object_store`.
//!
//! For each upload in progress the bucket holds `<key>.upload`, its progress (declared
//! length, the S3 multipart upload and the parts stored so far), and `<key>.tail`, the bytes
//! received that do not yet fill a part: S3 refuses parts under 5 MiB except the last, while
//! resumable-upload chunks arrive in any size. The multipart upload assembles `<key>.raw`;
//! when it is complete, a live WebM is finalized (see [`crate::webm`]) into `<key>`, anything
//! else copied there, so `<key>` exists only once the video is whole and final.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt as _, TryStreamExt as _};
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt as _, PutPayload};
use serde::{Deserialize, Serialize};
use slate_domain::MediaKey;
use slate_domain::ports::{ByteStream, VideoStat, VideoStore, VideoStoreError};

use crate::internal;
use crate::locks::Locks;

/// A name for scratch files that no other upload uses.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The size of every multipart part but the last: above S3's 5 MiB minimum; one part is
/// the memory an upload in flight may hold.
pub const PART_BYTES: usize = 8 << 20;

/// Where the bucket is and how to reach it.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// The endpoint, e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`.
    pub endpoint: String,
    /// The bucket.
    pub bucket: String,
    /// The region.
    pub region: String,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key. Never logged.
    pub secret_access_key: String,
    /// Address buckets as `endpoint/bucket` (most S3-compatible servers) rather than
    /// `bucket.endpoint`.
    pub path_style: bool,
    /// A folder inside the bucket for Slate's videos (empty: the bucket's root), so a bucket
    /// can be shared.
    pub prefix: String,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("path_style", &self.path_style)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// The progress of one upload, stored as `<key>.upload`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Progress {
    length: u64,
    multipart: Option<String>,
    parts: Vec<String>,
    /// Bytes stored in `parts`.
    parted: u64,
    /// Bytes in `<key>.tail` that count (a stale tail after a crash counts for nothing).
    tail: u64,
}

impl Progress {
    const fn size(&self) -> u64 {
        self.parted + self.tail
    }
}

/// Videos in an object store that supports multipart uploads (S3 and compatible servers; the
/// in-memory store of `object_store` for tests).
#[derive(Debug)]
pub struct ObjectVideos<S> {
    store: Arc<S>,
    locks: Locks,
    part_bytes: usize,
    /// `""` or `"folder/"`.
    prefix: String,
}

impl ObjectVideos<object_store::aws::AmazonS3> {
    /// Videos in an S3-compatible bucket.
    ///
    /// # Errors
    /// When the settings do not make a client (a malformed endpoint).
    pub fn s3(settings: &S3Settings) -> Result<Self, VideoStoreError> {
        let store = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(&settings.endpoint)
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_virtual_hosted_style_request(!settings.path_style)
            .with_allow_http(settings.endpoint.starts_with("http://"))
            .build()
            .map_err(internal)?;
        Ok(Self::new(store).with_prefix(&settings.prefix))
    }
}

impl<S: ObjectStore + MultipartStore> ObjectVideos<S> {
    /// Videos in `store`.
    pub fn new(store: S) -> Self {
        Self { store: Arc::new(store), locks: Locks::default(), part_bytes: PART_BYTES, prefix: String::new() }
    }

    /// The same, keeping every object under the folder `prefix` of the bucket.
    #[must_use]
    pub fn with_prefix(mut self, prefix: &str) -> Self {
        let trimmed = prefix.trim_matches('/');
        self.prefix = if trimmed.is_empty() { String::new() } else { format!("{trimmed}/") };
        self
    }

    /// The same with smaller parts (tests; S3 itself refuses parts under 5 MiB).
    #[must_use]
    pub const fn with_part_bytes(mut self, part_bytes: usize) -> Self {
        self.part_bytes = part_bytes;
        self
    }

    /// Where a completed upload is assembled before it is finalized into the video.
    fn raw(&self, key: &MediaKey) -> Path {
        Path::from(format!("{}{}.raw", self.prefix, key.as_str()))
    }

    fn paths(&self, key: &MediaKey) -> (Path, Path, Path) {
        let k = format!("{}{}", self.prefix, key.as_str());
        let (meta, tail) = (Path::from(format!("{k}.upload")), Path::from(format!("{k}.tail")));
        (Path::from(k), meta, tail)
    }

    async fn exists(&self, path: &Path) -> Result<Option<u64>, VideoStoreError> {
        match self.store.head(path).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(internal(e)),
        }
    }

    async fn progress(&self, path: &Path) -> Result<Option<Progress>, VideoStoreError> {
        match self.store.get(path).await {
            Ok(got) => {
                let bytes = got.bytes().await.map_err(internal)?;
                serde_json::from_slice(&bytes).map(Some).map_err(internal)
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(internal(e)),
        }
    }

    async fn save(&self, path: &Path, progress: &Progress) -> Result<(), VideoStoreError> {
        let json = serde_json::to_vec(progress).map_err(internal)?;
        self.store.put(path, PutPayload::from(json)).await.map_err(internal)?;
        Ok(())
    }

    async fn forget(&self, path: &Path) -> Result<(), VideoStoreError> {
        match self.store.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(internal(e)),
        }
    }

    /// Abandons an upload: its multipart upload, its tail and its progress.
    async fn discard(&self, key: &MediaKey, progress: Option<Progress>) -> Result<(), VideoStoreError> {
        let (_, meta, tail) = self.paths(key);
        if let Some(id) = progress.and_then(|p| p.multipart) {
            match self.store.abort_multipart(&self.raw(key), &id).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(internal(e)),
            }
        }
        self.forget(&self.raw(key)).await?;
        self.forget(&tail).await?;
        self.forget(&meta).await
    }

    /// Stores one full part and records it.
    async fn put_part(&self, key: &MediaKey, progress: &mut Progress, part: Bytes) -> Result<(), VideoStoreError> {
        let (_, meta, _) = self.paths(key);
        let done = self.raw(key);
        let id = match &progress.multipart {
            Some(id) => id.clone(),
            None => {
                let id = self.store.create_multipart(&done).await.map_err(internal)?;
                progress.multipart = Some(id.clone());
                id
            }
        };
        let len = part.len() as u64;
        let stored = self.store.put_part(&done, &id, progress.parts.len(), part.into()).await.map_err(internal)?;
        progress.parts.push(stored.content_id);
        progress.parted += len;
        // The tail object now holds bytes that are in a part: until it is written again it
        // counts for nothing, so a crash here resumes from the parts.
        progress.tail = 0;
        self.save(&meta, progress).await
    }

    /// Stores the last bytes and completes the video.
    async fn complete(&self, key: &MediaKey, mut progress: Progress, last: Bytes) -> Result<(), VideoStoreError> {
        let (_, meta, tail) = self.paths(key);
        let done = self.raw(key);
        match progress.multipart.clone() {
            // Small enough for one request.
            None => {
                self.store.put(&done, PutPayload::from(last)).await.map_err(internal)?;
            }
            Some(id) => {
                if !last.is_empty() {
                    let stored =
                        self.store.put_part(&done, &id, progress.parts.len(), last.into()).await.map_err(internal)?;
                    progress.parts.push(stored.content_id);
                }
                let parts = progress.parts.iter().map(|c| PartId { content_id: c.clone() }).collect();
                self.store.complete_multipart(&done, &id, parts).await.map_err(internal)?;
            }
        }
        self.publish(key).await?;
        self.forget(&tail).await?;
        self.forget(&meta).await
    }

    /// Makes the assembled `<key>.raw` the video `<key>`: a live WebM is finalized on the way
    /// (through two temporary files: memory stays bounded), anything else is copied as it is.
    async fn publish(&self, key: &MediaKey) -> Result<(), VideoStoreError> {
        let (done, _, _) = self.paths(key);
        let raw = self.raw(key);
        let head = self.store.get_range(&raw, 0..4).await.unwrap_or_default();
        let finalized = if head.as_ref() == [0x1A, 0x45, 0xDF, 0xA3] {
            match self.finalize_into(&raw, &done).await {
                Ok(done) => done,
                Err(e) => {
                    tracing::warn!(error = %e, "an answer video could not be finalized; it is kept as recorded");
                    false
                }
            }
        } else {
            false
        };
        if !finalized {
            self.store.copy(&raw, &done).await.map_err(internal)?;
        }
        self.forget(&raw).await
    }

    /// Downloads `raw`, finalizes it and uploads the result as `done`. `false` when there was
    /// nothing to finalize.
    async fn finalize_into(&self, raw: &Path, done: &Path) -> Result<bool, VideoStoreError> {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let scratch = std::env::temp_dir().join(format!("slate-finalize-{}", uuid_like()));
        let (input, output) = (scratch.with_extension("in"), scratch.with_extension("out"));
        let result = async {
            let mut file = tokio::io::BufWriter::new(tokio::fs::File::create(&input).await.map_err(internal)?);
            let mut stream = self.store.get(raw).await.map_err(internal)?.into_stream();
            while let Some(piece) = stream.next().await {
                file.write_all(&piece.map_err(internal)?).await.map_err(internal)?;
            }
            file.flush().await.map_err(internal)?;
            let (i, o) = (input.clone(), output.clone());
            let done_any = tokio::task::spawn_blocking(move || -> Result<bool, crate::webm::WebmError> {
                let mut out = std::io::BufWriter::new(std::fs::File::create(&o)?);
                Ok(crate::webm::finalize(std::io::BufReader::new(std::fs::File::open(&i)?), &mut out)?.is_some())
            })
            .await
            .map_err(internal)?
            .map_err(internal)?;
            if !done_any {
                return Ok(false);
            }
            let mut upload = self.store.put_multipart(done).await.map_err(internal)?;
            let mut file = tokio::fs::File::open(&output).await.map_err(internal)?;
            loop {
                let mut part = vec![0; self.part_bytes.max(5 << 20)];
                let mut filled = 0;
                while filled < part.len() {
                    let n = file.read(&mut part[filled..]).await.map_err(internal)?;
                    if n == 0 {
                        break;
                    }
                    filled += n;
                }
                if filled == 0 {
                    break;
                }
                part.truncate(filled);
                upload.put_part(PutPayload::from(part)).await.map_err(internal)?;
            }
            upload.complete().await.map_err(internal)?;
            Ok(true)
        }
        .await;
        let _ = tokio::fs::remove_file(&input).await;
        let _ = tokio::fs::remove_file(&output).await;
        result
    }
}

#[async_trait]
impl<S: ObjectStore + MultipartStore> VideoStore for ObjectVideos<S> {
    async fn begin(&self, key: &MediaKey, length: u64) -> Result<(), VideoStoreError> {
        let _guard = self.locks.lock(key.as_str()).await;
        let (done, meta, _) = self.paths(key);
        if self.exists(&done).await?.is_some() {
            return Err(VideoStoreError::AlreadyComplete);
        }
        let old = self.progress(&meta).await?;
        if old.is_some() {
            self.discard(key, old).await?;
        }
        let progress = Progress { length, ..Progress::default() };
        if length == 0 {
            return self.complete(key, progress, Bytes::new()).await;
        }
        self.save(&meta, &progress).await
    }

    async fn append(&self, key: &MediaKey, offset: u64, body: ByteStream) -> Result<u64, VideoStoreError> {
        let _guard = self.locks.lock(key.as_str()).await;
        let (done, meta, tail) = self.paths(key);
        let Some(mut progress) = self.progress(&meta).await? else {
            return Err(if self.exists(&done).await?.is_some() {
                VideoStoreError::AlreadyComplete
            } else {
                VideoStoreError::NotFound
            });
        };
        if offset != progress.size() {
            return Err(VideoStoreError::OffsetMismatch { expected: progress.size() });
        }
        let mut buf = BytesMut::with_capacity(self.part_bytes);
        if progress.tail > 0 {
            let got = self.store.get_range(&tail, 0..progress.tail).await.map_err(internal)?;
            buf.extend_from_slice(&got);
        }
        let mut body = body;
        let mut outcome = Ok(());
        while let Some(piece) = body.next().await {
            let Ok(piece) = piece else {
                outcome = Err(VideoStoreError::Interrupted { offset: 0 });
                break;
            };
            let room = usize::try_from(progress.length - progress.parted - buf.len() as u64).unwrap_or(usize::MAX);
            buf.extend_from_slice(piece.get(..room.min(piece.len())).unwrap_or_default());
            while buf.len() >= self.part_bytes && progress.parted + (buf.len() as u64) < progress.length {
                let part = buf.split_to(self.part_bytes).freeze();
                self.put_part(key, &mut progress, part).await?;
            }
            if piece.len() > room {
                outcome = Err(VideoStoreError::TooLong { length: progress.length });
                break;
            }
        }
        let size = progress.parted + buf.len() as u64;
        if size == progress.length {
            self.complete(key, progress, buf.freeze()).await?;
        } else {
            // Keep what arrived, so the client can resume after it.
            progress.tail = buf.len() as u64;
            self.store.put(&tail, PutPayload::from(buf.freeze())).await.map_err(internal)?;
            self.save(&meta, &progress).await?;
        }
        match outcome {
            Ok(()) => Ok(size),
            Err(VideoStoreError::Interrupted { .. }) => Err(VideoStoreError::Interrupted { offset: size }),
            Err(e) => Err(e),
        }
    }

    async fn stat(&self, key: &MediaKey) -> Result<Option<VideoStat>, VideoStoreError> {
        let (done, meta, _) = self.paths(key);
        if let Some(n) = self.exists(&done).await? {
            return Ok(Some(VideoStat { size: n, length: n, complete: true }));
        }
        Ok(self.progress(&meta).await?.map(|p| VideoStat { size: p.size(), length: p.length, complete: false }))
    }

    async fn read(&self, key: &MediaKey, start: u64, end: u64) -> Result<ByteStream, VideoStoreError> {
        let (done, _, _) = self.paths(key);
        let len = self.exists(&done).await?.ok_or(VideoStoreError::NotFound)?;
        let (s, e) = (start.min(len), end.min(len));
        if e <= s {
            return Ok(Box::pin(futures_util::stream::empty()));
        }
        let options = GetOptions { range: Some(GetRange::Bounded(s..e)), ..GetOptions::default() };
        let got = match self.store.get_opts(&done, options).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return Err(VideoStoreError::NotFound),
            Err(e) => return Err(internal(e)),
        };
        Ok(Box::pin(got.into_stream().map_err(std::io::Error::other)))
    }

    async fn delete(&self, key: &MediaKey) -> Result<(), VideoStoreError> {
        let _guard = self.locks.lock(key.as_str()).await;
        let (done, meta, _) = self.paths(key);
        let progress = self.progress(&meta).await?;
        self.discard(key, progress).await?;
        self.forget(&done).await
    }

    async fn sweep_abandoned(&self, before: DateTime<Utc>) -> Result<u64, VideoStoreError> {
        let stale: Vec<_> = self
            .store
            .list((!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str())).as_ref())
            .try_filter(|m| futures_util::future::ready(m.location.as_ref().ends_with(".upload")))
            .try_collect()
            .await
            .map_err(internal)?;
        let mut removed = 0;
        for meta in stale {
            let Some(key) = meta
                .location
                .as_ref()
                .strip_prefix(self.prefix.as_str())
                .and_then(|k| k.strip_suffix(".upload"))
                .and_then(|k| MediaKey::parse(k).ok())
            else {
                continue;
            };
            let _guard = self.locks.lock(key.as_str()).await;
            let (_, meta_path, tail) = self.paths(&key);
            // Touched since the listing (progress or tail rewritten)? Keep it.
            let mut latest = None;
            for path in [&meta_path, &tail] {
                match self.store.head(path).await {
                    Ok(m) => latest = latest.max(Some(m.last_modified)),
                    Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(internal(e)),
                }
            }
            if latest.is_none_or(|t| t >= before) {
                continue;
            }
            let progress = self.progress(&meta_path).await?;
            self.discard(&key, progress).await?;
            removed += 1;
        }
        Ok(removed)
    }
}
