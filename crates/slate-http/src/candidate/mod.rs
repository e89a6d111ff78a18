//! The candidate's pages: what a candidate sees through their secret link (no account).
//!
//! - `GET /i/{token}` looks the link up without changing anything (mail scanners and link
//!   previews open links first), puts the secret in an HttpOnly cookie scoped to
//!   `/c/{invitation}` and redirects there, so the secret leaves the address bar and never
//!   reaches a log, a metric or a `Referer`.
//! - `GET /c/{invitation}`: the landing page (company, job, questions, time, deadline in
//!   the candidate's and the organization's zones, requirements, the recording notice);
//!   `POST /c/{invitation}/start` records the consent and opens the invitation;
//!   `GET /c/{invitation}/interview` is the recorder (device check, practice, the questions);
//!   answers are uploaded with tus ([`tus`]) and recorded with
//!   `POST /c/{invitation}/answers`; `POST /c/{invitation}/submit` completes.
//! - Cancelled, expired, completed and unknown links get a page in the right language
//!   (404 / 410) and nothing is accepted.
//!
//! - A live interview's attendees have their own pages (`/m/{token}`, `/a/{attendee}`): see
//!   [`attendee`].
//!
//! Pages are askama templates (every value escaped), localized with Fluent in the
//! invitation's language; scripts and styles are served by Slate itself under `/assets`.

mod attendee;
mod pages;
pub(crate) use pages::preview_page;
mod tus;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use slate_domain::{InvitationId, Language, LinkToken};

use crate::AppState;

/// The cookie holding the link's secret; its `Path` scopes it to one invitation.
pub(crate) const LINK_COOKIE: &str = "slate_link";

/// The candidate's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/i/{token}", get(pages::arrive))
        .route("/c/{invitation}", get(pages::landing))
        .route("/c/{invitation}/start", post(pages::start))
        .route("/c/{invitation}/interview", get(pages::interview))
        .route("/c/{invitation}/answers", post(pages::record_answer))
        .route("/c/{invitation}/submit", post(pages::submit))
        .route("/c/{invitation}/uploads", post(tus::create).options(tus::options))
        .route(
            "/c/{invitation}/uploads/{question}/{take}",
            axum::routing::patch(tus::append).head(tus::status).delete(tus::terminate).options(tus::options),
        )
        .route("/m/{token}", get(attendee::arrive))
        .route("/a/{attendee}", get(attendee::show))
        .route("/a/{attendee}/confirm", post(attendee::confirm))
        .route("/a/{attendee}/decline", post(attendee::decline))
        .route("/assets/candidate.js", get(asset_js))
        .route("/assets/slate.css", get(asset_css))
}

/// Slate's own script and styles: the pages load nothing from elsewhere.
async fn asset_js() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("../../assets/candidate.js"))
}

async fn asset_css() -> Response {
    asset("text/css; charset=utf-8", include_str!("../../assets/slate.css"))
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// The answer to a link that works: the secret moves into an `HttpOnly` cookie scoped to
/// `page` (one invitation's or one attendee's pages) and the browser goes there, so the
/// secret leaves the address bar and never reaches a log, a metric or a `Referer`.
pub(crate) fn into_cookie_and_redirect(state: &AppState, token: &LinkToken, page: &str) -> Response {
    let secure = if state.config().secure_cookies() { "; Secure" } else { "" };
    let cookie =
        format!("{LINK_COOKIE}={}; Path={page}; HttpOnly; SameSite=Lax; Max-Age=2592000{secure}", token.expose());
    let mut response = axum::response::Redirect::to(page).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// The secret this browser holds for `invitation`, if any.
pub(crate) fn link_from_cookie(headers: &HeaderMap) -> Option<LinkToken> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LINK_COOKIE)
        .map(|(_, value)| LinkToken::presented(value))
}

/// The invitation in the path, which must be the one the cookie's secret is for (checked
/// again by the domain, which derives everything from the secret).
pub(crate) fn invitation_id(raw: &str) -> Option<InvitationId> {
    uuid::Uuid::parse_str(raw).ok().map(InvitationId::from_uuid)
}

/// The best of our languages for a browser's `Accept-Language` (for pages that have no
/// invitation to take it from).
pub(crate) fn browser_language(headers: &HeaderMap) -> Language {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut ranked: Vec<(f32, Language)> = accept
        .split(',')
        .filter_map(|item| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim();
            let q = parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            let primary = tag.split('-').next()?.to_ascii_lowercase();
            Language::ALL.into_iter().find(|l| l.code() == primary).map(|l| (q, l))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map_or(Language::English, |(_, l)| *l)
}

/// Refuses state changes that a browser says come from another site (CSRF): together with
/// the `SameSite=Lax` link cookie, a page elsewhere cannot act for the candidate.
pub(crate) fn same_site(headers: &HeaderMap) -> Result<(), StatusCode> {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("cross-site") => Err(StatusCode::FORBIDDEN),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_is_the_best_we_speak() {
        let mut h = HeaderMap::new();
        assert_eq!(browser_language(&h), Language::English, "nothing said: English");
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("ja, de-AT;q=0.8, fr;q=0.9"));
        assert_eq!(browser_language(&h), Language::French);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("el-GR"));
        assert_eq!(browser_language(&h), Language::Greek);
    }

    #[test]
    fn every_page_message_is_used_and_every_used_message_exists() {
        let sources = [
            include_str!("../../templates/candidate/base.html"),
            include_str!("../../templates/candidate/landing.html"),
            include_str!("../../templates/candidate/interview.html"),
            include_str!("../../templates/candidate/closed.html"),
            include_str!("../../templates/candidate/done.html"),
            include_str!("../../templates/candidate/live.html"),
            include_str!("attendee.rs"),
            include_str!("../../assets/candidate.js"),
            include_str!("pages.rs"),
        ]
        .concat();
        let keys: Vec<String> =
            slate_i18n::keys(Language::English).into_iter().filter(|k| k.starts_with("page-")).collect();
        assert!(keys.len() > 40, "{keys:?}");
        for key in &keys {
            assert!(sources.contains(&format!("\"{key}\"")), "{key} is not used by any page or the script");
        }
        // and the other way round: every "page-…" literal in the sources is a message
        for (i, _) in sources.match_indices("\"page-") {
            let literal: String = sources[i + 1..].chars().take_while(|c| *c != '"').collect();
            if literal.ends_with('-') {
                continue; // a prefix, e.g. "page-js-"
            }
            assert!(keys.contains(&literal), "{literal} is used but no language has it");
        }
    }

    #[test]
    fn the_link_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; slate_link=abc.def; b=2"));
        assert_eq!(link_from_cookie(&h).map(|t| t.expose().to_owned()), Some("abc.def".to_owned()));
        assert!(link_from_cookie(&HeaderMap::new()).is_none());
    }
}
