//! Answer uploads with the tus 1.0 resumable-upload protocol: core, creation, termination
//! and checksum (<https://tus.io/protocols/resumable-upload>). An upload is one take of one
//! question: `/c/{invitation}/uploads/{question}/{take}`.
//!
//! Bytes are streamed to the video store as they arrive (nothing is held whole, but a chunk
//! carrying `Upload-Checksum`, which must be verified before it is kept: such chunks are
//! bounded by [`CHECKSUM_CHUNK_MAX`]). The first bytes must announce a WebM or MP4 video,
//! whatever the `Content-Type` said. Every request is checked against the link and the
//! invitation's rules: nothing is accepted once it is closed.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt as _, TryStreamExt as _};
use sha2::Digest as _;
use slate_domain::ports::{ByteStream, VideoStoreError};
use slate_domain::{AnswerRejected, InvitationId, QuestionId, TransitionError, UploadError, VideoFormat};

use super::{invitation_id, link_from_cookie, same_site};
use crate::AppState;

/// The largest chunk accepted with an `Upload-Checksum` (it is verified before it is kept).
pub(crate) const CHECKSUM_CHUNK_MAX: usize = 32 << 20;

const TUS_VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,termination,checksum";
const ALGORITHMS: &str = "sha1,sha256";
const OFFSET_STREAM: &str = "application/offset+octet-stream";

fn h(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

/// A tus answer: the status, `Tus-Resumable` and `Cache-Control: no-store` always, and a
/// short plain-text reason on refusals.
fn reply(status: StatusCode, headers: &[(&'static str, String)], reason: &str) -> Response {
    let mut response = (status, reason.to_owned()).into_response();
    let map = response.headers_mut();
    map.insert(h("tus-resumable"), HeaderValue::from_static(TUS_VERSION));
    map.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            map.insert(h(name), v);
        }
    }
    response
}

fn refuse(status: StatusCode, reason: &str) -> Response {
    reply(status, &[], reason)
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    header_str(headers, name).and_then(|v| v.trim().parse().ok())
}

/// Every tus request but OPTIONS names the protocol version.
fn check_version(headers: &HeaderMap) -> Result<(), Box<Response>> {
    if header_str(headers, "tus-resumable") == Some(TUS_VERSION) {
        Ok(())
    } else {
        Err(Box::new(reply(
            StatusCode::PRECONDITION_FAILED,
            &[("tus-version", TUS_VERSION.into())],
            "unsupported tus version",
        )))
    }
}

fn refused(e: UploadError) -> Response {
    match e {
        UploadError::InvalidLink | UploadError::UnknownUpload => refuse(StatusCode::NOT_FOUND, "no such upload"),
        UploadError::Rejected(AnswerRejected::Transition(
            TransitionError::AlreadyCompleted | TransitionError::Cancelled | TransitionError::DeadlinePassed { .. },
        )) => refuse(StatusCode::GONE, "this interview is closed"),
        UploadError::Rejected(r) => refuse(StatusCode::FORBIDDEN, &r.to_string()),
        UploadError::TooLarge { max, .. } => {
            reply(StatusCode::PAYLOAD_TOO_LARGE, &[("tus-max-size", max.to_string())], "the video is too large")
        }
        UploadError::NotVideo => refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "not a WebM or MP4 video"),
        UploadError::Store(VideoStoreError::OffsetMismatch { expected }) => {
            reply(StatusCode::CONFLICT, &[("upload-offset", expected.to_string())], "wrong Upload-Offset")
        }
        UploadError::Store(VideoStoreError::TooLong { length }) => {
            reply(StatusCode::PAYLOAD_TOO_LARGE, &[("upload-length", length.to_string())], "more bytes than declared")
        }
        UploadError::Store(VideoStoreError::AlreadyComplete) => refuse(StatusCode::CONFLICT, "already complete"),
        UploadError::Store(VideoStoreError::NotFound) => refuse(StatusCode::NOT_FOUND, "no such upload"),
        UploadError::Store(VideoStoreError::Interrupted { offset }) => {
            reply(StatusCode::BAD_REQUEST, &[("upload-offset", offset.to_string())], "the upload broke off")
        }
        UploadError::Store(VideoStoreError::Internal(e)) => {
            tracing::error!(error = %e, "storing an answer upload failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "storage failed")
        }
    }
}

/// `OPTIONS`: what this server supports.
pub(crate) async fn options(State(state): State<AppState>) -> Response {
    reply(
        StatusCode::NO_CONTENT,
        &[
            ("tus-version", TUS_VERSION.into()),
            ("tus-extension", EXTENSIONS.into()),
            ("tus-max-size", state.slate().settings().max_answer_bytes.to_string()),
            ("tus-checksum-algorithm", ALGORITHMS.into()),
        ],
        "",
    )
}

/// The question named by `Upload-Metadata: question <base64 uuid>`.
fn metadata_question(headers: &HeaderMap) -> Option<QuestionId> {
    let meta = header_str(headers, "upload-metadata")?;
    meta.split(',').find_map(|pair| {
        let mut parts = pair.trim().splitn(2, ' ');
        (parts.next()? == "question")
            .then(|| STANDARD.decode(parts.next()?.trim()).ok())
            .flatten()
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|s| uuid::Uuid::parse_str(&s).ok())
            .map(QuestionId::from_uuid)
    })
}

/// `POST /c/{invitation}/uploads` (creation): begins the upload of the next take of a
/// question.
pub(crate) async fn create(State(state): State<AppState>, Path(raw): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = check_version(&headers) {
        return *r;
    }
    if same_site(&headers).is_err() {
        return refuse(StatusCode::FORBIDDEN, "refused from another site");
    }
    let Some((token, id)) = token_for(&state, &raw, &headers) else {
        return refuse(StatusCode::NOT_FOUND, "no such upload");
    };
    if headers.contains_key("upload-defer-length") {
        return refuse(StatusCode::BAD_REQUEST, "Upload-Length is required (creation-defer-length is not supported)");
    }
    let Some(length) = number(&headers, "upload-length") else {
        return refuse(StatusCode::BAD_REQUEST, "Upload-Length is required");
    };
    let Some(question) = metadata_question(&headers) else {
        return refuse(StatusCode::BAD_REQUEST, "Upload-Metadata must name the question");
    };
    match state.slate().begin_answer_upload(&token, question, length).await {
        Ok(upload) => reply(
            StatusCode::CREATED,
            &[("location", format!("/c/{id}/uploads/{}/{}", question.as_uuid(), upload.take))],
            "",
        ),
        Err(e) => refused(e),
    }
}

/// The link secret this browser holds, if it is for the invitation in the path: the secret
/// names its invitation and the path must agree, so another invitation's uploads are out of
/// reach (the domain then verifies the secret itself).
fn token_for(state: &AppState, raw_id: &str, headers: &HeaderMap) -> Option<(slate_domain::LinkToken, InvitationId)> {
    let id = invitation_id(raw_id)?;
    let token = link_from_cookie(headers)?;
    (state.slate().claimed_invitation(&token) == Some(id)).then_some((token, id))
}

/// The upload named by the path, for the browser holding this invitation's cookie.
fn target(
    state: &AppState,
    raw: &(String, String, String),
    headers: &HeaderMap,
) -> Option<(slate_domain::LinkToken, QuestionId, u8)> {
    let (inv, question, take) = raw;
    let (token, _) = token_for(state, inv, headers)?;
    Some((token, QuestionId::from_uuid(uuid::Uuid::parse_str(question).ok()?), take.parse().ok()?))
}

/// `HEAD`: where to resume.
pub(crate) async fn status(
    State(state): State<AppState>,
    Path(raw): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_version(&headers) {
        return *r;
    }
    let Some((token, question, take)) = target(&state, &raw, &headers) else {
        return refuse(StatusCode::NOT_FOUND, "");
    };
    match state.slate().answer_upload_status(&token, question, take).await {
        Ok(stat) => reply(
            StatusCode::OK,
            &[("upload-offset", stat.size.to_string()), ("upload-length", stat.length.to_string())],
            "",
        ),
        Err(e) => refused(e),
    }
}

/// How a chunk's checksum is checked.
enum Checksum {
    Sha1(Vec<u8>),
    Sha256(Vec<u8>),
}

fn checksum(headers: &HeaderMap) -> Result<Option<Checksum>, Box<Response>> {
    let Some(raw) = header_str(headers, "upload-checksum") else { return Ok(None) };
    let (algorithm, value) = raw.trim().split_once(' ').unwrap_or((raw, ""));
    let digest =
        STANDARD.decode(value.trim()).map_err(|_| Box::new(refuse(StatusCode::BAD_REQUEST, "bad Upload-Checksum")))?;
    match algorithm {
        "sha1" => Ok(Some(Checksum::Sha1(digest))),
        "sha256" => Ok(Some(Checksum::Sha256(digest))),
        _ => Err(Box::new(refuse(StatusCode::BAD_REQUEST, "unsupported checksum algorithm"))),
    }
}

/// `PATCH`: appends the body at `Upload-Offset`.
pub(crate) async fn append(
    State(state): State<AppState>,
    Path(raw): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = check_version(&headers) {
        return *r;
    }
    if same_site(&headers).is_err() {
        return refuse(StatusCode::FORBIDDEN, "refused from another site");
    }
    if header_str(&headers, "content-type").map(|v| v.split(';').next().unwrap_or_default().trim())
        != Some(OFFSET_STREAM)
    {
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/offset+octet-stream");
    }
    let Some(offset) = number(&headers, "upload-offset") else {
        return refuse(StatusCode::BAD_REQUEST, "Upload-Offset is required");
    };
    let Some((token, question, take)) = target(&state, &raw, &headers) else {
        return refuse(StatusCode::NOT_FOUND, "no such upload");
    };
    let expected = match checksum(&headers) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let mut stream: ByteStream = Box::pin(body.into_data_stream().map_err(std::io::Error::other));

    // A chunk with a checksum is verified before anything is kept.
    if let Some(expected) = expected {
        let mut chunk = BytesMut::new();
        while let Some(piece) = stream.next().await {
            let Ok(piece) = piece else { return refuse(StatusCode::BAD_REQUEST, "the upload broke off") };
            if chunk.len() + piece.len() > CHECKSUM_CHUNK_MAX {
                return refuse(StatusCode::PAYLOAD_TOO_LARGE, "chunks with a checksum may be 32 MiB at most");
            }
            chunk.extend_from_slice(&piece);
        }
        let ok = match expected {
            Checksum::Sha1(d) => sha1::Sha1::digest(&chunk).as_slice() == d.as_slice(),
            Checksum::Sha256(d) => sha2::Sha256::digest(&chunk).as_slice() == d.as_slice(),
        };
        if !ok {
            return refuse(StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST), "checksum mismatch");
        }
        stream = slate_domain::ports::byte_stream(chunk.freeze());
    }

    // The first bytes decide what the file is (read before anything is stored).
    let mut head = BytesMut::new();
    if offset == 0 {
        while head.len() < VideoFormat::SNIFF_LEN {
            match stream.next().await {
                Some(Ok(piece)) => head.extend_from_slice(&piece),
                Some(Err(_)) => return refuse(StatusCode::BAD_REQUEST, "the upload broke off"),
                None => break,
            }
        }
    }
    let head = head.freeze();
    let first: Bytes = head.clone();
    let whole: ByteStream = Box::pin(futures_util::stream::iter([Ok(first)]).chain(stream));
    match state.slate().append_answer_upload(&token, question, take, offset, &head, whole).await {
        Ok(new_offset) => reply(StatusCode::NO_CONTENT, &[("upload-offset", new_offset.to_string())], ""),
        Err(e) => refused(e),
    }
}

/// `DELETE` (termination): the candidate abandons the upload.
pub(crate) async fn terminate(
    State(state): State<AppState>,
    Path(raw): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_version(&headers) {
        return *r;
    }
    if same_site(&headers).is_err() {
        return refuse(StatusCode::FORBIDDEN, "refused from another site");
    }
    let Some((token, question, take)) = target(&state, &raw, &headers) else {
        return refuse(StatusCode::NOT_FOUND, "no such upload");
    };
    match state.slate().cancel_answer_upload(&token, question, take).await {
        Ok(()) => reply(StatusCode::NO_CONTENT, &[], ""),
        Err(e) => refused(e),
    }
}
