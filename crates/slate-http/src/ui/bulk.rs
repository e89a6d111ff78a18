//! Bulk invite: one video interview, a CSV of candidates (first name, last name, email,
//! optional language). The upload is previewed first, with every bad row flagged before
//! anything is sent; sending runs row by row with a progress bar (the script sends the rows
//! in small batches and fills the report as answers come back; without it, one request
//! sends them all and shows the report). Sending the same file twice creates no duplicates:
//! a candidate who already has an open invitation to the interview is reported as such.

use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use slate_domain::{EmailAddress, InterviewId, InterviewStatus, InviteExternal, Language, PersonName};
use subtle::ConstantTimeEq as _;

use super::forms::{Errors, checked};
use super::{Chrome, Recruiter, UiError, UiForm, languages, page};
use crate::api::dto;
use crate::{ApiError, AppState};

/// The most rows one file may have.
const MAX_ROWS: usize = 2_000;

/// One row of the file, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvRow {
    line: usize,
    first_name: String,
    last_name: String,
    email: String,
    language: String,
}

/// Reads the CSV: a header row naming `first_name`, `last_name`, `email` (and optionally
/// `language`) in any order, or the four columns in that order without a header. Commas or
/// semicolons.
pub(crate) fn parse_csv(text: &str) -> Result<Vec<CsvRow>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("line {}: {e}", n + 1))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        records.push((n + 1, record));
    }
    let Some((_, head)) = records.first() else { return Err("the file has no rows".into()) };
    let names: Vec<String> = head.iter().map(|h| h.to_lowercase().replace([' ', '-'], "_")).collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
    const KNOWN: [&str; 7] = ["email", "e_mail", "email_address", "first_name", "firstname", "last_name", "lastname"];
    let header = names.iter().any(|n| KNOWN.contains(&n.as_str()));
    let (first, last, email, language) = if header {
        (
            find(&["first_name", "firstname", "given_name", "first"]).ok_or("the header has no first_name column")?,
            find(&["last_name", "lastname", "family_name", "surname", "last"])
                .ok_or("the header has no last_name column")?,
            find(&["email", "e_mail", "email_address"]).ok_or("the header has no email column")?,
            find(&["language", "lang"]),
        )
    } else {
        (0, 1, 2, Some(3))
    };
    let rows: Vec<CsvRow> = records
        .iter()
        .skip(usize::from(header))
        .map(|(line, r)| {
            let get = |i: usize| r.get(i).unwrap_or_default().to_owned();
            CsvRow {
                line: *line,
                first_name: get(first),
                last_name: get(last),
                email: get(email),
                language: language.map(get).unwrap_or_default(),
            }
        })
        .collect();
    if rows.is_empty() {
        return Err("the file has a header but no candidates".into());
    }
    if rows.len() > MAX_ROWS {
        return Err(format!("the file has {} rows; send at most {MAX_ROWS} at a time", rows.len()));
    }
    Ok(rows)
}

/// What a row would be invited as, or why it cannot be.
fn check(row: &CsvRow) -> Result<(PersonName, PersonName, EmailAddress, Option<Language>), String> {
    let first = PersonName::parse(&row.first_name).map_err(|e| format!("first name: {e}"))?;
    let last = PersonName::parse(&row.last_name).map_err(|e| format!("last name: {e}"))?;
    let email = EmailAddress::parse(&row.email).map_err(|e| format!("email: {e}"))?;
    let language = Some(row.language.trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.parse::<Language>().map_err(|e| format!("language: {e}")))
        .transpose()?;
    Ok((first, last, email, language))
}

/// Every row with its problem, if any (duplicates within the file included).
fn checked_rows(rows: &[CsvRow]) -> Vec<(CsvRow, Option<String>)> {
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .map(|r| {
            let problem = match check(r) {
                Err(e) => Some(e),
                Ok((_, _, email, _)) if !seen.insert(email.match_key()) => {
                    Some("the same email is on an earlier line".to_owned())
                }
                Ok(_) => None,
            };
            (r.clone(), problem)
        })
        .collect()
}

/// The settings every row shares, as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct BulkSettings {
    #[serde(default)]
    interview_id: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    bcc_me: Option<String>,
    #[serde(default)]
    notify_me: Option<String>,
    #[serde(default)]
    csv: String,
}

#[derive(Template)]
#[template(path = "ui/bulk.html")]
struct BulkPage {
    c: Chrome,
    s: BulkSettings,
    interviews: Vec<(String, String)>,
    languages: Vec<(&'static str, &'static str)>,
    today: String,
    errors: Errors,
    /// The preview, once a file was read.
    preview: Option<Vec<(CsvRow, Option<String>)>>,
    good: usize,
    report: Option<Vec<Outcome>>,
    interview_name: String,
}

/// What happened to one row.
#[derive(Serialize, Clone)]
pub(crate) struct Outcome {
    line: usize,
    name: String,
    email: String,
    /// `invited`, `duplicate` or `failed`.
    result: &'static str,
    message: String,
}

async fn render(
    state: &AppState,
    r: &Recruiter,
    s: BulkSettings,
    errors: Errors,
    preview: Option<Vec<(CsvRow, Option<String>)>>,
    report: Option<Vec<Outcome>>,
) -> Result<Response, UiError> {
    let interviews = state.slate().list_interviews(r.caller, Some(InterviewStatus::Published)).await?;
    let interview_name = interviews
        .iter()
        .find(|i| i.id().to_string() == s.interview_id)
        .map(|i| i.details().name.to_string())
        .unwrap_or_default();
    let good = preview.as_ref().map_or(0, |p| p.iter().filter(|(_, e)| e.is_none()).count());
    let status = errors.status();
    let page_ = BulkPage {
        c: r.chrome("invitations", "Bulk invite"),
        interviews: interviews.iter().map(|i| (i.id().to_string(), i.details().name.to_string())).collect(),
        languages: languages(),
        today: state.slate().today_in(r.org.time_zone).to_string(),
        errors,
        preview,
        good,
        report,
        interview_name,
        s,
    };
    Ok(page(status, page_.render()))
}

#[derive(Deserialize)]
pub(crate) struct FormQuery {
    #[serde(default)]
    interview: Option<String>,
}

/// `GET /invitations/bulk`.
pub(crate) async fn form(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<FormQuery>,
) -> Result<Response, UiError> {
    let today = state.slate().today_in(r.org.time_zone);
    let s = BulkSettings {
        interview_id: q.interview.unwrap_or_default(),
        language: r.org.default_language.code().to_owned(),
        deadline: today.checked_add_days(chrono::Days::new(7)).unwrap_or(today).to_string(),
        ..BulkSettings::default()
    };
    render(&state, &r, s, Errors::none(), None, None).await
}

/// Checks the settings every row shares.
fn settings_errors(s: &BulkSettings) -> Errors {
    let mut errors = Errors::none();
    if uuid::Uuid::parse_str(s.interview_id.trim()).is_err() {
        errors.add("interview_id", "choose a published video interview");
    }
    if let Err(e) = dto::date(s.deadline.trim(), "deadline") {
        errors.add("deadline", e.body.message);
    }
    errors
}

/// `POST /invitations/bulk` (multipart, with the file): the preview.
pub(crate) async fn preview(
    State(state): State<AppState>,
    r: Recruiter,
    mut multipart: Multipart,
) -> Result<Response, UiError> {
    let mut s = BulkSettings::default();
    let mut csrf = String::new();
    let mut file = String::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| UiError::Refused(StatusCode::BAD_REQUEST, format!("The upload could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let text = field
            .text()
            .await
            .map_err(|e| UiError::Refused(StatusCode::BAD_REQUEST, format!("The upload could not be read: {e}")))?;
        match name.as_str() {
            "csrf" => csrf = text,
            "interview_id" => s.interview_id = text,
            "language" => s.language = text,
            "deadline" => s.deadline = text,
            "bcc_me" => s.bcc_me = Some(text),
            "notify_me" => s.notify_me = Some(text),
            "csv" => s.csv = text,
            "file" => file = text,
            _ => {}
        }
    }
    if !bool::from(r.csrf.as_bytes().ct_eq(csrf.as_bytes())) {
        return Err(UiError::Csrf);
    }
    if !file.trim().is_empty() {
        s.csv = file;
    }
    let mut errors = settings_errors(&s);
    let preview = match parse_csv(&s.csv) {
        Ok(rows) => Some(checked_rows(&rows)),
        Err(e) => {
            errors.add("file", format!("The candidates could not be read: {e}"));
            None
        }
    };
    let preview = if errors.any() { None } else { preview };
    render(&state, &r, s, errors, preview, None).await
}

#[derive(Deserialize)]
pub(crate) struct SendForm {
    #[serde(flatten)]
    s: BulkSettings,
    /// With the script: the first row of this batch and how many rows (answered in JSON).
    #[serde(default)]
    offset: Option<String>,
    #[serde(default)]
    count: Option<String>,
}

async fn send_row(state: &AppState, r: &Recruiter, s: &BulkSettings, row: &CsvRow, problem: Option<String>) -> Outcome {
    let name = format!("{} {}", row.first_name, row.last_name);
    let outcome = |result, message: String| Outcome {
        line: row.line,
        name: name.clone(),
        email: row.email.clone(),
        result,
        message,
    };
    if let Some(p) = problem {
        return outcome("failed", p);
    }
    let (Ok((first_name, last_name, email, language)), Ok(deadline), Ok(interview)) =
        (check(row), dto::date(s.deadline.trim(), "deadline"), uuid::Uuid::parse_str(s.interview_id.trim()))
    else {
        return outcome("failed", "the row or the settings are not valid".into());
    };
    let language = language.or_else(|| s.language.parse().ok());
    let input = InviteExternal {
        first_name,
        last_name,
        email,
        interview_id: InterviewId::from_uuid(interview),
        language,
        deadline,
        bcc_me: checked(&s.bcc_me),
        notify_me: checked(&s.notify_me),
    };
    match state.slate().invite_external(r.caller, input).await.map_err(ApiError::from) {
        Ok(_) => outcome("invited", "Invited".into()),
        Err(e) if e.body.code == "already_invited" => {
            outcome("duplicate", "Already invited to this interview and still open: not sent again".into())
        }
        Err(e) if e.status.is_server_error() => {
            outcome("failed", "Something went wrong on our side; try this row again".into())
        }
        Err(e) => outcome("failed", e.body.message),
    }
}

/// `POST /invitations/bulk/send`: sends the previewed rows (a batch of them in JSON for the
/// script; all of them, with the report page, otherwise).
pub(crate) async fn send(
    State(state): State<AppState>,
    r: Recruiter,
    UiForm(form): UiForm<SendForm>,
) -> Result<Response, UiError> {
    let errors = settings_errors(&form.s);
    let rows = match parse_csv(&form.s.csv) {
        Ok(rows) if !errors.any() => checked_rows(&rows),
        Ok(_) => return render(&state, &r, form.s, errors, None, None).await,
        Err(e) => {
            let mut errors = errors;
            errors.add("file", format!("The candidates could not be read: {e}"));
            return render(&state, &r, form.s, errors, None, None).await;
        }
    };
    let number = |v: &Option<String>| v.as_deref().and_then(|v| v.trim().parse::<usize>().ok());
    let (from, batch) = match (number(&form.offset), number(&form.count)) {
        (Some(offset), Some(count)) => (offset.min(rows.len()), Some(count.clamp(1, 50))),
        _ => (0, None),
    };
    let to = batch.map_or(rows.len(), |n| (from + n).min(rows.len()));
    let mut outcomes = Vec::with_capacity(to - from);
    for (row, problem) in &rows[from..to] {
        outcomes.push(send_row(&state, &r, &form.s, row, problem.clone()).await);
    }
    if batch.is_some() {
        return Ok(Json(BatchResult { total: rows.len(), done: to, outcomes }).into_response());
    }
    render(&state, &r, form.s, Errors::none(), None, Some(outcomes)).await
}

#[derive(Serialize)]
struct BatchResult {
    total: usize,
    done: usize,
    outcomes: Vec<Outcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_any_order_semicolons_and_no_header_are_read() {
        let rows =
            parse_csv("\u{feff}Email;Last Name;First Name\nada@example.com;Lovelace;Ada\n\n").unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].first_name.as_str(), rows[0].last_name.as_str(), rows[0].email.as_str()),
            ("Ada", "Lovelace", "ada@example.com")
        );
        assert_eq!(rows[0].line, 2);
        let bare = parse_csv("Ada,Lovelace,ada@example.com,fr\n\"Grace \"\"G\"\"\",Hopper,grace@example.com")
            .unwrap_or_default();
        assert_eq!(bare.len(), 2);
        assert_eq!(bare[0].language, "fr");
        assert_eq!(bare[1].first_name, "Grace \"G\"");
        assert!(parse_csv("first_name,last_name\nAda,Lovelace").is_err(), "a header without an email column");
        assert!(parse_csv("").is_err());
        assert!(parse_csv("first_name,last_name,email\n").is_err());
    }

    #[test]
    fn bad_rows_and_repeated_emails_are_flagged_before_sending() {
        let rows = parse_csv("first_name,last_name,email,language\nAda,Lovelace,ada@example.com,\nBob,,bob@example.com,\nCy,Clerk,not-an-email,\nAda,L,ADA@example.com,\nDee,Dee,dee@example.com,xx")
            .unwrap_or_default();
        let checked = checked_rows(&rows);
        let problems: Vec<_> =
            checked.iter().map(|(_, p)| p.as_deref().map(|p| p.split(':').next().unwrap_or(p).to_owned())).collect();
        assert_eq!(problems[0], None);
        assert_eq!(problems[1].as_deref(), Some("last name"));
        assert_eq!(problems[2].as_deref(), Some("email"));
        assert_eq!(problems[3].as_deref(), Some("the same email is on an earlier line"));
        assert_eq!(problems[4].as_deref(), Some("language"));
    }
}
