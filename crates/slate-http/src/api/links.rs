//! The candidate's secret link (no account: the link is the credential).

use axum::Json;
use axum::extract::State;
use slate_domain::LinkToken;

use super::ClientIp;
use super::dto::CandidateViewDto;
use crate::error::ErrorBody;
use crate::extract::ApiPath;
use crate::{ApiError, AppState};

/// Open the interview behind a candidate link: marks the invitation opened (the first time)
/// and returns what the candidate needs to start. A POST, so that mail scanners fetching
/// links do not mark invitations opened.
#[utoipa::path(post, path = "/api/v1/links/{token}/open", tag = "candidate link",
    params(("token" = String, Path, description = "The secret part of the candidate's link")),
    responses(
        (status = 200, body = CandidateViewDto),
        (status = 404, description = "Not a valid link (`invalid_link`)", body = ErrorBody),
        (status = 410, description = "Cancelled (withdrawn), completed or past its deadline (`link_closed`)", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
pub(crate) async fn open(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<CandidateViewDto>, ApiError> {
    state.limit_link(ip)?;
    let token = LinkToken::presented(&token);
    match state.slate().open_link(&token).await {
        Ok(invitation) => Ok(Json(CandidateViewDto::from(&invitation))),
        // A genuine link revoked by cancelling: closed, not unknown.
        Err(slate_domain::OpenError::InvalidLink)
            if matches!(state.slate().check_link(&token).await?, slate_domain::LinkCheck::Withdrawn { .. }) =>
        {
            Err(ApiError::new(axum::http::StatusCode::GONE, "link_closed", "this interview was withdrawn"))
        }
        Err(e) => Err(e.into()),
    }
}
