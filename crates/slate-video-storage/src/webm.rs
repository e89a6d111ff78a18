//! Finalizing the WebM files browsers record.
//!
//! Chromium's MediaRecorder writes a "live" WebM: the Segment and every Cluster have an
//! unknown size, Info has no Duration and there are no Cues (a won't-fix upstream), so
//! players show no length and cannot seek. [`finalize`] remuxes such a file without touching
//! a frame: it reads it once to find the clusters, their times and the video keyframes, then
//! writes EBML header, a Segment of known size with a SeekHead, Info with the Duration,
//! Tracks, Cues, and the clusters copied byte for byte with their sizes written. Memory is
//! what the headers and the cue list take, never the video. See
//! `docs/decisions/0008-webm-finalization.md`.

use std::io::{self, Read, Seek, SeekFrom, Write};

const EBML: u32 = 0x1A45_DFA3;
const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const SEEK_POSITION: u32 = 0x53AC;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_NUMBER: u32 = 0xD7;
const TRACK_TYPE: u32 = 0x83;
const CLUSTER: u32 = 0x1F43_B675;
const TIMECODE: u32 = 0xE7;
const SIMPLE_BLOCK: u32 = 0xA3;
const BLOCK_GROUP: u32 = 0xA0;
const BLOCK: u32 = 0xA1;
const REFERENCE_BLOCK: u32 = 0xFB;
const CUES: u32 = 0x1C53_BB6B;
const CUE_POINT: u32 = 0xBB;
const CUE_TIME: u32 = 0xB3;
const CUE_TRACK_POSITIONS: u32 = 0xB7;
const CUE_TRACK: u32 = 0xF7;
const CUE_CLUSTER_POSITION: u32 = 0xF1;
const VOID: u32 = 0xEC;

/// Top-level (Segment children) ids: one of them ends a cluster of unknown size.
const LEVEL1: [u32; 8] = [SEEK_HEAD, INFO, TRACKS, CLUSTER, CUES, 0x1254_C367, 0x1043_A770, 0x1941_A469];

/// What finalizing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finalized {
    /// The length written into Info, in milliseconds.
    pub duration_ms: u64,
    /// Cue points written (one per cluster that starts a video keyframe, or per cluster for
    /// audio only).
    pub cues: usize,
    /// The size of the finalized file.
    pub bytes: u64,
}

/// Why a file could not be finalized (it is then kept as it is).
#[derive(Debug, thiserror::Error)]
pub enum WebmError {
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// Not a WebM this code understands.
    #[error("not a WebM file: {0}")]
    Malformed(&'static str),
}

/// A reader that knows its position.
struct Src<R> {
    inner: R,
    pos: u64,
    len: u64,
}

impl<R: Read + Seek> Src<R> {
    fn new(mut inner: R) -> io::Result<Self> {
        let len = inner.seek(SeekFrom::End(0))?;
        inner.seek(SeekFrom::Start(0))?;
        Ok(Self { inner, pos: 0, len })
    }

    fn byte(&mut self) -> io::Result<u8> {
        let mut b = [0];
        self.inner.read_exact(&mut b)?;
        self.pos += 1;
        Ok(b[0])
    }

    fn bytes(&mut self, n: u64) -> Result<Vec<u8>, WebmError> {
        if n > 16 << 20 || self.pos + n > self.len {
            return Err(WebmError::Malformed("an element is larger than the file"));
        }
        let mut buf = vec![0; usize::try_from(n).map_err(|_| WebmError::Malformed("element too large"))?];
        self.inner.read_exact(&mut buf)?;
        self.pos += n;
        Ok(buf)
    }

    fn skip_to(&mut self, pos: u64) -> io::Result<()> {
        self.inner.seek(SeekFrom::Start(pos))?;
        self.pos = pos;
        Ok(())
    }

    /// An element id (1 to 4 bytes, length marker kept), or `None` at the end.
    fn id(&mut self) -> Result<Option<u32>, WebmError> {
        if self.pos >= self.len {
            return Ok(None);
        }
        let first = self.byte()?;
        let extra = first.leading_zeros();
        if extra > 3 {
            return Err(WebmError::Malformed("bad element id"));
        }
        let mut id = u32::from(first);
        for _ in 0..extra {
            id = (id << 8) | u32::from(self.byte()?);
        }
        Ok(Some(id))
    }

    /// An element size; `None` for "unknown".
    fn size(&mut self) -> Result<Option<u64>, WebmError> {
        let first = self.byte()?;
        let extra = first.leading_zeros();
        if extra > 7 {
            return Err(WebmError::Malformed("bad element size"));
        }
        let mask = 0xFF_u64 >> (extra + 1);
        let mut value = u64::from(first) & mask;
        let mut all_ones = value == mask;
        for _ in 0..extra {
            let b = self.byte()?;
            all_ones &= b == 0xFF;
            value = (value << 8) | u64::from(b);
        }
        Ok(if all_ones { None } else { Some(value) })
    }
}

/// Children of an in-memory element body: `(id, data)`.
fn children(mut body: &[u8]) -> Vec<(u32, &[u8])> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let mut cursor = io::Cursor::new(body);
        let Ok(mut src) = Src::new(&mut cursor) else { break };
        let (Ok(Some(id)), Ok(Some(size))) = (src.id(), src.size()) else { break };
        let start = usize::try_from(src.pos).unwrap_or(usize::MAX);
        let end = start.saturating_add(usize::try_from(size).unwrap_or(usize::MAX));
        let Some(data) = body.get(start..end) else { break };
        out.push((id, data));
        body = body.get(end..).unwrap_or_default();
    }
    out
}

fn uint(data: &[u8]) -> u64 {
    data.iter().take(8).fold(0, |acc, b| (acc << 8) | u64::from(*b))
}

fn put_id(out: &mut Vec<u8>, id: u32) {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    out.extend_from_slice(bytes.get(skip..).unwrap_or_default());
}

/// A size in 8 bytes: every size is then known before the content is, and layouts are stable.
fn put_size8(out: &mut Vec<u8>, size: u64) {
    out.push(0x01);
    out.extend_from_slice(&size.to_be_bytes()[1..]);
}

fn element(id: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 12);
    put_id(&mut out, id);
    put_size8(&mut out, body.len() as u64);
    out.extend_from_slice(body);
    out
}

/// An unsigned integer element in a fixed 8 bytes.
fn uint8_element(id: u32, value: u64) -> Vec<u8> {
    element(id, &value.to_be_bytes())
}

/// A cluster found on the first pass.
struct Cluster {
    /// Where its children start in the source.
    start: u64,
    /// Their length.
    len: u64,
    /// Its timecode (in timecode-scale units).
    timecode: u64,
    /// Whether a keyframe of the cue track is in it.
    keyframe: bool,
}

/// What a block tells: its track, its time relative to the cluster, and whether it is a
/// keyframe.
fn block_header(data: &[u8], simple: bool) -> Option<(u64, i64, bool)> {
    let first = *data.first()?;
    let extra = first.leading_zeros() as usize;
    if extra > 7 {
        return None;
    }
    let mut track = u64::from(first) & (0xFF_u64 >> (extra + 1));
    for b in data.get(1..=extra)? {
        track = (track << 8) | u64::from(*b);
    }
    let rel = i16::from_be_bytes([*data.get(extra + 1)?, *data.get(extra + 2)?]);
    let flags = *data.get(extra + 3)?;
    Some((track, i64::from(rel), !simple || flags & 0x80 != 0))
}

/// Remuxes the live WebM `input` into `output` with a Duration and Cues. Returns `None`
/// (writing nothing) when `input` is not WebM, or already has both.
///
/// # Errors
/// [`WebmError`] when the file cannot be read or its structure is not understood.
pub fn finalize<R: Read + Seek, W: Write>(input: R, output: &mut W) -> Result<Option<Finalized>, WebmError> {
    let mut src = Src::new(input)?;
    let mut magic = [0; 4];
    if src.len < 4 || src.inner.read_exact(&mut magic).is_err() || u32::from_be_bytes(magic) != EBML {
        return Ok(None);
    }
    src.pos = 4;
    let header_size = src.size()?.ok_or(WebmError::Malformed("EBML header of unknown size"))?;
    let header_body = src.bytes(header_size)?;
    if src.id()? != Some(SEGMENT) {
        return Err(WebmError::Malformed("no Segment after the EBML header"));
    }
    let segment_end = match src.size()? {
        Some(n) => src.pos + n,
        None => src.len,
    }
    .min(src.len);

    let mut info: Option<Vec<u8>> = None;
    let mut tracks: Option<Vec<u8>> = None;
    let mut others: Vec<Vec<u8>> = Vec::new();
    let mut had_cues = false;
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut cue_track = None;
    let mut max_time: i64 = 0;

    let mut pending: Option<u32> = None;
    loop {
        let id = match pending.take() {
            Some(id) => id,
            None => match src.id() {
                Ok(Some(id)) if src.pos <= segment_end => id,
                _ => break,
            },
        };
        let Ok(size) = src.size() else { break };
        match (id, size) {
            (CLUSTER, size) => {
                let start = src.pos;
                let end = size.map_or(segment_end, |n| (start + n).min(segment_end));
                let mut cluster = Cluster { start, len: 0, timecode: 0, keyframe: false };
                let mut last_complete = start;
                while src.pos < end {
                    let at = src.pos;
                    let Ok(Some(child)) = src.id() else { break };
                    if LEVEL1.contains(&child) {
                        pending = Some(child);
                        break;
                    }
                    let Ok(Some(n)) = src.size() else { break };
                    if src.pos + n > end {
                        break; // a block cut short: the file ends here
                    }
                    match child {
                        TIMECODE => cluster.timecode = uint(&src.bytes(n)?),
                        SIMPLE_BLOCK | BLOCK_GROUP => {
                            // A SimpleBlock's header is all that matters: the frame is skipped.
                            let block_end = src.pos + n;
                            let body = src.bytes(if child == SIMPLE_BLOCK { n.min(16) } else { n })?;
                            src.skip_to(block_end)?;
                            let block = if child == SIMPLE_BLOCK {
                                block_header(&body, true)
                            } else {
                                let kids = children(&body);
                                let is_key = !kids.iter().any(|(k, _)| *k == REFERENCE_BLOCK);
                                kids.iter()
                                    .find(|(k, _)| *k == BLOCK)
                                    .and_then(|(_, b)| block_header(b, false))
                                    .map(|(t, r, _)| (t, r, is_key))
                            };
                            if let Some((track, rel, key)) = block {
                                let time = i64::try_from(cluster.timecode).unwrap_or(i64::MAX).saturating_add(rel);
                                max_time = max_time.max(time);
                                if key && cue_track.is_none_or(|t| t == track) {
                                    cluster.keyframe = true;
                                }
                            }
                        }
                        _ => src.skip_to(src.pos + n)?,
                    }
                    last_complete = src.pos;
                    let _ = at;
                }
                cluster.len = last_complete - start;
                if cluster.len > 0 {
                    clusters.push(cluster);
                }
                if pending.is_none() && src.pos < end {
                    break;
                }
                if pending.is_none() {
                    src.skip_to(last_complete.max(src.pos.min(end)))?;
                }
            }
            (_, None) => return Err(WebmError::Malformed("an element of unknown size outside clusters")),
            (id, Some(n)) => {
                if src.pos + n > segment_end {
                    break;
                }
                match id {
                    INFO => info = Some(src.bytes(n)?),
                    TRACKS => {
                        let body = src.bytes(n)?;
                        // Cue on the video track, or on the first track when there is none.
                        let entries: Vec<(u64, u64)> = children(&body)
                            .into_iter()
                            .filter(|(k, _)| *k == TRACK_ENTRY)
                            .map(|(_, e)| {
                                let kids = children(e);
                                let get = |want| kids.iter().find(|(k, _)| *k == want).map_or(0, |(_, d)| uint(d));
                                (get(TRACK_NUMBER), get(TRACK_TYPE))
                            })
                            .collect();
                        cue_track = entries.iter().find(|(_, t)| *t == 1).or(entries.first()).map(|(n, _)| *n);
                        tracks = Some(body);
                    }
                    CUES => {
                        had_cues = true;
                        src.skip_to(src.pos + n)?;
                    }
                    SEEK_HEAD | VOID => src.skip_to(src.pos + n)?,
                    other => {
                        let body = src.bytes(n)?;
                        let mut raw = Vec::new();
                        put_id(&mut raw, other);
                        put_size8(&mut raw, body.len() as u64);
                        raw.extend_from_slice(&body);
                        others.push(raw);
                    }
                }
            }
        }
    }

    let info = info.ok_or(WebmError::Malformed("no Info"))?;
    let tracks = tracks.ok_or(WebmError::Malformed("no Tracks"))?;
    let info_children = children(&info);
    if had_cues && info_children.iter().any(|(k, _)| *k == DURATION) {
        return Ok(None);
    }
    let scale = info_children.iter().find(|(k, _)| *k == TIMECODE_SCALE).map_or(1_000_000, |(_, d)| uint(d)).max(1);

    // Info with the Duration (a float, in timecode-scale units).
    let mut info_body = Vec::new();
    for (id, data) in &info_children {
        if *id != DURATION {
            let mut e = Vec::new();
            put_id(&mut e, *id);
            put_size8(&mut e, data.len() as u64);
            e.extend_from_slice(data);
            info_body.extend_from_slice(&e);
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "durations are far below 2^52 units")]
    let duration_units = max_time.max(0) as f64;
    info_body.extend_from_slice(&element(DURATION, &duration_units.to_be_bytes()));
    let info_el = element(INFO, &info_body);
    let tracks_el = element(TRACKS, &tracks);
    let others_len: usize = others.iter().map(Vec::len).sum();

    // Layout: SeekHead, Info, Tracks, others, Cues, Clusters; every number in the SeekHead and
    // the Cues is 8 bytes, so their sizes are known before the positions are.
    let seek_entry = |id: u32, pos: u64| {
        let mut id_bytes = Vec::new();
        put_id(&mut id_bytes, id);
        let mut body = element(SEEK_ID, &id_bytes);
        body.extend_from_slice(&uint8_element(SEEK_POSITION, pos));
        element(SEEK, &body)
    };
    let seek_head_len =
        element(SEEK_HEAD, &[seek_entry(INFO, 0), seek_entry(TRACKS, 0), seek_entry(CUES, 0)].concat()).len();
    let cue_track = cue_track.unwrap_or(1);
    let cued: Vec<&Cluster> = clusters.iter().filter(|c| c.keyframe).collect();
    let cue_point = |time: u64, pos: u64| {
        let positions = [uint8_element(CUE_TRACK, cue_track), uint8_element(CUE_CLUSTER_POSITION, pos)].concat();
        element(CUE_POINT, &[uint8_element(CUE_TIME, time), element(CUE_TRACK_POSITIONS, &positions)].concat())
    };
    let cues_len = element(CUES, &cued.iter().map(|_| cue_point(0, 0)).collect::<Vec<_>>().concat()).len();

    let info_pos = seek_head_len as u64;
    let tracks_pos = info_pos + info_el.len() as u64;
    let cues_pos = tracks_pos + tracks_el.len() as u64 + others_len as u64;
    let mut cluster_pos = cues_pos + cues_len as u64;
    let mut points = Vec::new();
    let mut positions = Vec::with_capacity(clusters.len());
    for c in &clusters {
        positions.push(cluster_pos);
        if c.keyframe {
            points.push(cue_point(c.timecode, cluster_pos));
        }
        cluster_pos += 12 + c.len;
    }
    let seek_head = element(
        SEEK_HEAD,
        &[seek_entry(INFO, info_pos), seek_entry(TRACKS, tracks_pos), seek_entry(CUES, cues_pos)].concat(),
    );
    let cues = element(CUES, &points.concat());
    debug_assert_eq!((seek_head.len(), cues.len()), (seek_head_len, cues_len));
    let segment_len = cluster_pos;

    let mut head = element(EBML, &header_body);
    put_id(&mut head, SEGMENT);
    put_size8(&mut head, segment_len);
    output.write_all(&head)?;
    output.write_all(&seek_head)?;
    output.write_all(&info_el)?;
    output.write_all(&tracks_el)?;
    for o in &others {
        output.write_all(o)?;
    }
    output.write_all(&cues)?;
    let mut buf = vec![0; 256 * 1024];
    for c in &clusters {
        let mut h = Vec::with_capacity(12);
        put_id(&mut h, CLUSTER);
        put_size8(&mut h, c.len);
        output.write_all(&h)?;
        src.skip_to(c.start)?;
        let mut left = c.len;
        while left > 0 {
            let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
            let piece = buf.get_mut(..n).ok_or(WebmError::Malformed("buffer"))?;
            src.inner.read_exact(piece)?;
            output.write_all(piece)?;
            left -= n as u64;
        }
    }
    output.flush()?;
    let duration_ms = u64::try_from(max_time.max(0)).unwrap_or(0).saturating_mul(scale) / 1_000_000;
    Ok(Some(Finalized { duration_ms, cues: points.len(), bytes: head.len() as u64 + segment_len }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el_unknown(id: u32, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        put_id(&mut out, id);
        out.push(0x01);
        out.extend_from_slice(&[0xFF; 7]);
        out.extend_from_slice(body);
        out
    }

    fn small(id: u32, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        put_id(&mut out, id);
        out.push(0x80 | u8::try_from(body.len()).unwrap_or(0));
        out.extend_from_slice(body);
        out
    }

    fn simple_block(track: u8, rel: i16, key: bool, payload: &[u8]) -> Vec<u8> {
        let mut body = vec![0x80 | track];
        body.extend_from_slice(&rel.to_be_bytes());
        body.push(if key { 0x80 } else { 0 });
        body.extend_from_slice(payload);
        small(SIMPLE_BLOCK, &body)
    }

    /// A live WebM as Chromium writes it: unknown sizes, no Duration, no Cues.
    fn live_webm() -> Vec<u8> {
        let header = small(EBML, &small(0x4282, b"webm"));
        let info = small(INFO, &[small(TIMECODE_SCALE, &[0x0F, 0x42, 0x40]), small(0x4D80, b"Chrome")].concat());
        let entry = |n: u8, t: u8| small(TRACK_ENTRY, &[small(TRACK_NUMBER, &[n]), small(TRACK_TYPE, &[t])].concat());
        let tracks = small(TRACKS, &[entry(1, 2), entry(2, 1)].concat());
        let cluster = |tc: u8, key: bool| {
            el_unknown(
                CLUSTER,
                &[
                    small(TIMECODE, &[0, tc]),
                    simple_block(2, 0, key, b"video frame"),
                    simple_block(1, 10, true, b"audio"),
                    simple_block(2, 33, false, b"next video frame"),
                ]
                .concat(),
            )
        };
        let body = [info, tracks, cluster(0, true), cluster(100, false), cluster(200, true)].concat();
        [header, el_unknown(SEGMENT, &body)].concat()
    }

    #[test]
    fn a_live_webm_gets_its_duration_cues_and_sizes_and_keeps_every_frame() {
        let input = live_webm();
        let mut out = Vec::new();
        let done = finalize(io::Cursor::new(&input), &mut out)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("nothing done"));
        assert_eq!(done.duration_ms, 233, "last frame at 200 + 33 ms");
        assert_eq!(done.cues, 2, "clusters starting with a video keyframe");
        assert_eq!(done.bytes, out.len() as u64);
        // every frame survives, in order
        for payload in [&b"video frame"[..], b"audio", b"next video frame"] {
            let count = |hay: &[u8]| hay.windows(payload.len()).filter(|w| *w == payload).count();
            assert_eq!(count(&out), count(&input), "{payload:?}");
        }
        // the result is final: finalizing again changes nothing
        let mut again = Vec::new();
        assert!(finalize(io::Cursor::new(&out), &mut again).unwrap_or_else(|e| panic!("{e}")).is_none());
        assert!(again.is_empty());
    }

    #[test]
    fn other_files_are_left_alone() {
        let mut out = Vec::new();
        let mp4 = b"\0\0\0\x18ftypmp42 and some more bytes".to_vec();
        assert!(finalize(io::Cursor::new(mp4), &mut out).unwrap_or_else(|e| panic!("{e}")).is_none());
        assert!(out.is_empty());
    }

    #[test]
    fn a_file_cut_mid_block_keeps_what_is_whole() {
        let mut input = live_webm();
        input.truncate(input.len() - 5);
        let mut out = Vec::new();
        let done = finalize(io::Cursor::new(&input), &mut out)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("nothing done"));
        assert_eq!(done.duration_ms, 210, "the cut frame is dropped; the audio at 200 + 10 ms is the last");
    }
}
