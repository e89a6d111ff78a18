//! The video-store contract, run on the local disk, on `object_store`'s in-memory store and
//! on a real S3-compatible server (`SLATE_TEST_S3_ENDPOINT`, started by `./scripts/test`;
//! without it the S3 tests fail rather than pass unseen).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test scenarios: a panic is a failure")]

use std::sync::Arc;

use bytes::Bytes;
use chrono::{TimeDelta, Utc};
use sha2::{Digest as _, Sha256};
use slate_domain::MediaKey;
use slate_domain::ports::{ByteStream, VideoStore, VideoStoreError, byte_stream, read_to_vec};
use slate_video_storage::{DiskVideos, ObjectVideos, S3Settings};

/// S3's smallest part but the last.
const MIN_PART: usize = 5 << 20;

fn key(name: &str) -> MediaKey {
    MediaKey::parse(&format!("org/1/invitations/{}/{name}/take-1", uuid::Uuid::now_v7())).unwrap()
}

/// Deterministic pseudo-random numbers (no seed from the clock: a failure must reproduce).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn video(len: usize) -> Vec<u8> {
    let mut rng = Lcg(42);
    let mut v: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
    v[..4].copy_from_slice(&[0x1A, 0x45, 0xDF, 0xA3]);
    v
}

/// A body that delivers `bytes` in pieces of `piece`, then breaks off like a dropped
/// connection when `cut` is set.
fn body(bytes: &[u8], piece: usize, cut: bool) -> ByteStream {
    let mut items: Vec<Result<Bytes, std::io::Error>> =
        bytes.chunks(piece.max(1)).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    if cut {
        items.push(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset")));
    }
    Box::pin(futures_util::stream::iter(items))
}

async fn resumes_after_random_cuts(store: &dyn VideoStore, len: usize) {
    let data = video(len);
    let k = key("cuts");
    store.begin(&k, len as u64).await.unwrap();
    let mut rng = Lcg(7);
    let mut offset = 0_u64;
    for cut in 0..20 {
        // the client sends from where the server says it stopped, and is cut somewhere
        let resume = store.stat(&k).await.unwrap().unwrap();
        assert_eq!(resume.size, offset, "cut {cut}: the server remembers every byte it acknowledged");
        let left = len - offset as usize;
        let send = (rng.next() as usize % (left / 4).max(1)).max(1);
        let from = offset as usize;
        let err = store.append(&k, offset, body(&data[from..from + send], 64 * 1024, true)).await;
        match err {
            Err(VideoStoreError::Interrupted { offset: got }) => offset = got,
            other => panic!("cut {cut}: {other:?}"),
        }
        assert_eq!(offset as usize, from + send, "cut {cut}: what arrived before the cut is kept");
        assert!(
            matches!(store.read(&k, 0, 10).await, Err(VideoStoreError::NotFound)),
            "an unfinished video is not readable"
        );
    }
    let from = offset as usize;
    assert_eq!(store.append(&k, offset, body(&data[from..], 100_000, false)).await.unwrap(), len as u64);
    let stat = store.stat(&k).await.unwrap().unwrap();
    assert!(stat.complete && stat.size == len as u64, "{stat:?}");
    let stored = read_to_vec(store, &k, 0, u64::MAX).await.unwrap();
    assert_eq!(Sha256::digest(&stored), Sha256::digest(&data), "byte-identical after 20 cuts");
    assert_eq!(read_to_vec(store, &k, 1000, 1010).await.unwrap(), &data[1000..1010], "ranges");
    assert!(read_to_vec(store, &k, len as u64 + 5, len as u64 + 10).await.unwrap().is_empty());
    store.delete(&k).await.unwrap();
    assert_eq!(store.stat(&k).await.unwrap(), None);
}

async fn refuses_what_does_not_fit(store: &dyn VideoStore) {
    let k = key("refusals");
    assert!(matches!(store.append(&k, 0, byte_stream(&b"x"[..])).await, Err(VideoStoreError::NotFound)));
    store.begin(&k, 10).await.unwrap();
    assert_eq!(store.append(&k, 0, byte_stream(&b"hello"[..])).await.unwrap(), 5);
    // a retried chunk is refused, naming where to resume
    assert!(matches!(
        store.append(&k, 0, byte_stream(&b"hello"[..])).await,
        Err(VideoStoreError::OffsetMismatch { expected: 5 })
    ));
    // past the declared length: what fits is kept, the rest refused
    assert!(matches!(
        store.append(&k, 5, byte_stream(&b"world and more"[..])).await,
        Err(VideoStoreError::TooLong { length: 10 })
    ));
    let stat = store.stat(&k).await.unwrap().unwrap();
    assert!(stat.complete && stat.size == 10);
    assert_eq!(read_to_vec(store, &k, 0, 100).await.unwrap(), b"helloworld");
    assert!(matches!(store.append(&k, 10, byte_stream(&b"!"[..])).await, Err(VideoStoreError::AlreadyComplete)));
    assert!(matches!(store.begin(&k, 3).await, Err(VideoStoreError::AlreadyComplete)), "finished videos stay");

    // beginning again discards an unfinished upload
    let k2 = key("restart");
    store.begin(&k2, 6).await.unwrap();
    store.append(&k2, 0, byte_stream(&b"abc"[..])).await.unwrap();
    store.begin(&k2, 4).await.unwrap();
    assert_eq!(store.stat(&k2).await.unwrap().map(|s| (s.size, s.length)), Some((0, 4)));
    store.delete(&k2).await.unwrap();
    store.delete(&k2).await.unwrap();
    store.delete(&k).await.unwrap();
}

async fn sweeps_abandoned_uploads_only(store: &dyn VideoStore) {
    let (left, done) = (key("abandoned"), key("finished"));
    store.begin(&left, 100).await.unwrap();
    store.append(&left, 0, byte_stream(&b"part of it"[..])).await.unwrap();
    store.begin(&done, 4).await.unwrap();
    store.append(&done, 0, byte_stream(&b"done"[..])).await.unwrap();
    assert_eq!(store.sweep_abandoned(Utc::now() - TimeDelta::hours(1)).await.unwrap(), 0, "recent: kept");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let swept = store.sweep_abandoned(Utc::now()).await.unwrap();
    assert!(swept >= 1, "the abandoned upload goes");
    assert_eq!(store.stat(&left).await.unwrap(), None);
    assert!(store.stat(&done).await.unwrap().is_some_and(|s| s.complete), "finished videos stay");
    store.delete(&done).await.unwrap();
}

async fn parallel_uploads_do_not_mix(store: Arc<dyn VideoStore>) {
    let keys: Vec<_> = (0..4).map(|i| key(&format!("parallel{i}"))).collect();
    let mut tasks = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let (store, k) = (Arc::clone(&store), k.clone());
        tasks.push(tokio::spawn(async move {
            let data = vec![i as u8; 300_000];
            store.begin(&k, data.len() as u64).await.unwrap();
            let mut offset = 0;
            for c in data.chunks(70_000) {
                offset = store.append(&k, offset, byte_stream(c.to_vec())).await.unwrap();
            }
            read_to_vec(store.as_ref(), &k, 0, u64::MAX).await.unwrap() == data
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap());
    }
    for k in &keys {
        store.delete(k).await.unwrap();
    }
}

fn disk() -> (Arc<dyn VideoStore>, std::path::PathBuf) {
    let root = std::env::temp_dir().join(format!("slate-videos-{}", uuid::Uuid::now_v7()));
    (Arc::new(DiskVideos::new(&root)), root)
}

fn s3() -> Arc<dyn VideoStore> {
    let endpoint = std::env::var("SLATE_TEST_S3_ENDPOINT").expect(
        "SLATE_TEST_S3_ENDPOINT must name an S3-compatible server with a `slate-test` bucket (./scripts/test starts one)",
    );
    let settings = S3Settings {
        endpoint,
        bucket: "slate-test".into(),
        region: "us-east-1".into(),
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
        path_style: true,
        // each test in its own folder: sweeping one must not touch another's uploads
        prefix: format!("test-{}", uuid::Uuid::now_v7()),
    };
    Arc::new(ObjectVideos::s3(&settings).unwrap())
}

#[tokio::test]
async fn disk_resumes_after_random_cuts() {
    let (store, root) = disk();
    resumes_after_random_cuts(store.as_ref(), 3 << 20).await;
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn disk_refuses_what_does_not_fit() {
    let (store, root) = disk();
    refuses_what_does_not_fit(store.as_ref()).await;
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn disk_sweeps_abandoned_uploads_only() {
    let (store, root) = disk();
    sweeps_abandoned_uploads_only(store.as_ref()).await;
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn disk_parallel_uploads_do_not_mix() {
    let (store, root) = disk();
    parallel_uploads_do_not_mix(store).await;
    let _ = std::fs::remove_dir_all(root);
}

#[cfg(unix)]
#[tokio::test]
async fn disk_files_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let (store, root) = disk();
    let k = key("private");
    store.begin(&k, 4).await.unwrap();
    store.append(&k, 0, byte_stream(&b"done"[..])).await.unwrap();
    let mode = std::fs::metadata(root.join(k.as_str())).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "no access for group or others: {mode:o}");
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn in_memory_object_store_resumes_after_random_cuts_across_parts() {
    let store = ObjectVideos::new(object_store::memory::InMemory::new()).with_part_bytes(64 * 1024);
    resumes_after_random_cuts(&store, 1 << 20).await;
    refuses_what_does_not_fit(&store).await;
}

#[tokio::test]
async fn s3_resumes_after_random_cuts() {
    // larger than two parts, so the multipart path, the tail and the last short part all run
    resumes_after_random_cuts(s3().as_ref(), 2 * MIN_PART + 1_234_567).await;
}

#[tokio::test]
async fn s3_refuses_what_does_not_fit() {
    refuses_what_does_not_fit(s3().as_ref()).await;
}

#[tokio::test]
async fn s3_sweeps_abandoned_uploads_only() {
    sweeps_abandoned_uploads_only(s3().as_ref()).await;
}

#[tokio::test]
async fn s3_parallel_uploads_do_not_mix() {
    parallel_uploads_do_not_mix(s3()).await;
}

/// A live WebM like Chromium's (unknown sizes, no Duration, no Cues), made by ffmpeg.
fn live_webm(dir: &std::path::Path) -> Vec<u8> {
    let path = dir.join("live.webm");
    let status = std::process::Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=3:size=320x240:rate=25",
        ])
        .args(["-f", "lavfi", "-i", "sine=duration=3", "-c:v", "libvpx", "-b:v", "300k", "-c:a", "libopus"])
        .args(["-f", "webm", "-live", "1", "-cluster_time_limit", "500"])
        .arg(&path)
        .status()
        .expect("ffmpeg is required by this test (./scripts/test installs it)");
    assert!(status.success());
    std::fs::read(path).unwrap()
}

fn ffprobe_duration(path: &std::path::Path) -> String {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1"])
        .arg(path)
        .output()
        .expect("ffprobe is required by this test (./scripts/test installs it)");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test]
async fn disk_finalizes_a_live_webm_so_players_show_its_length_and_seek() {
    let (store, root) = disk();
    std::fs::create_dir_all(&root).unwrap();
    let data = live_webm(&root);
    assert_eq!(ffprobe_duration(&root.join("live.webm")), "N/A", "the fixture is what Chromium makes");
    let k = key("live");
    store.begin(&k, data.len() as u64).await.unwrap();
    let mut offset = 0;
    for chunk in data.chunks(20_000) {
        offset = store.append(&k, offset, byte_stream(chunk.to_vec())).await.unwrap();
    }
    let stat = store.stat(&k).await.unwrap().unwrap();
    assert!(stat.complete);
    let stored = root.join(k.as_str());
    let duration: f64 = ffprobe_duration(&stored).parse().unwrap_or_else(|_| panic!("no duration"));
    assert!((duration - 3.0).abs() < 0.2, "{duration}");
    assert_eq!(stat.size, std::fs::metadata(&stored).unwrap().len(), "stat tells the finalized size");
    // seeking to 2 s decodes a frame (the cues lead there)
    let seek = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-ss", "2", "-i"])
        .arg(&stored)
        .args(["-frames:v", "1", "-f", "null", "-"])
        .output()
        .unwrap();
    assert!(seek.status.success() && seek.stderr.is_empty(), "{}", String::from_utf8_lossy(&seek.stderr));
    // the frames are untouched: decoding the whole file gives as many frames as the original
    let frames = |p: &std::path::Path| {
        let out = std::process::Command::new("ffprobe")
            .args(["-v", "error", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0"])
            .arg(p)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(frames(&stored), frames(&root.join("live.webm")));
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn s3_finalizes_a_live_webm_so_players_show_its_length() {
    let store = s3();
    let scratch = std::env::temp_dir().join(format!("slate-s3-webm-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&scratch).unwrap();
    let data = live_webm(&scratch);
    let k = key("live");
    store.begin(&k, data.len() as u64).await.unwrap();
    let mut offset = 0;
    for chunk in data.chunks(30_000) {
        offset = store.append(&k, offset, byte_stream(chunk.to_vec())).await.unwrap();
    }
    let stat = store.stat(&k).await.unwrap().unwrap();
    assert!(stat.complete);
    let stored = read_to_vec(store.as_ref(), &k, 0, u64::MAX).await.unwrap();
    assert_eq!(stored.len() as u64, stat.size);
    let path = scratch.join("stored.webm");
    std::fs::write(&path, &stored).unwrap();
    let duration: f64 = ffprobe_duration(&path).parse().unwrap_or_else(|_| panic!("no duration"));
    assert!((duration - 3.0).abs() < 0.2, "{duration}");
    store.delete(&k).await.unwrap();
    let _ = std::fs::remove_dir_all(scratch);
}
