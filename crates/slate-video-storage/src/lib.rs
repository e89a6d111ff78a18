//! # slate-video-storage
//!
//! Where candidates' answer videos live: adapters behind the domain's
//! [`VideoStore`](slate_domain::ports::VideoStore) port.
//!
//! - [`DiskVideos`]: a folder on the local disk, the embedded default. Bytes are appended to
//!   `<key>.part` as they arrive and the file is renamed to `<key>` when the last declared
//!   byte is stored, so a finished video is never partly written.
//! - [`ObjectVideos`]: an S3-compatible bucket through [`object_store`]. Uploads become S3
//!   multipart uploads; bytes that do not yet fill a part are kept in a `<key>.tail` object
//!   (S3 refuses parts under 5 MiB but the last), and the upload's progress in
//!   `<key>.upload`, so an upload resumes after a dropped connection or a restart.
//!
//! Both stream: memory per upload in flight is bounded (a write buffer on disk, one part in
//! S3), never the whole video. Appends to one key are serialized by a lock per upload, not
//! one global lock. Unfinished uploads untouched for a while are removed by
//! [`VideoStore::sweep_abandoned`](slate_domain::ports::VideoStore::sweep_abandoned).
//!
//! See `docs/decisions/0007-candidate-uploads.md`.

mod disk;
mod locks;
mod object;
pub mod webm;

pub use disk::DiskVideos;
pub use object::{ObjectVideos, PART_BYTES, S3Settings};

use slate_domain::ports::{AdapterError, VideoStoreError};

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> VideoStoreError {
    VideoStoreError::Internal(AdapterError::new(e))
}
