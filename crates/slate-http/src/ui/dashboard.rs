//! The dashboard: how far invitations got (invited → opened → started → completed, and
//! expired / bounced / cancelled), for the organization, one video interview or one job,
//! drawn as a server-rendered SVG chart with its numbers in a table beside it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use slate_domain::{Funnel, FunnelScope, InterviewId, InvitationQuery, InvitationStatus, JobId, PageSize};

use super::{Chrome, Recruiter, UiError, ok};
use crate::AppState;

/// One bar of the chart.
pub(crate) struct Bar {
    pub(crate) label: &'static str,
    pub(crate) count: u64,
    pub(crate) percent: u64,
    pub(crate) y: u32,
    pub(crate) width: u32,
    pub(crate) class: &'static str,
}

/// The chart's bars for `funnel`, `max_width` wide at 100 %.
pub(crate) fn bars(funnel: &Funnel, max_width: u32) -> Vec<Bar> {
    let stages: [(&str, u64, &str); 7] = [
        ("Invited", funnel.invited, "bar-1"),
        ("Opened", funnel.opened, "bar-2"),
        ("Started", funnel.started, "bar-3"),
        ("Completed", funnel.completed, "bar-4"),
        ("Expired", funnel.expired, "bar-x"),
        ("Bounced", funnel.bounced, "bar-x"),
        ("Cancelled", funnel.cancelled, "bar-x"),
    ];
    let top = funnel.invited.max(1);
    stages
        .into_iter()
        .zip(0u32..)
        .map(|((label, count, class), n)| Bar {
            label,
            count,
            percent: funnel.percent(count),
            y: n * 34 + if n >= 4 { 14 } else { 0 },
            width: u32::try_from(count.saturating_mul(u64::from(max_width)) / top)
                .unwrap_or(max_width)
                .max(u32::from(count > 0) * 2),
            class,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "ui/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    bars: Vec<Bar>,
    scope_label: String,
    interviews: Vec<(String, String, bool)>,
    jobs: Vec<(String, String, bool)>,
    recent: Vec<Recent>,
    empty: bool,
}

struct Recent {
    id: String,
    name: String,
    interview: String,
    when: String,
}

#[derive(Deserialize)]
pub(crate) struct DashboardQuery {
    #[serde(default)]
    scope: Option<String>,
}

/// `GET /`: the dashboard (the login page when nobody is logged in).
pub(crate) async fn show(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, UiError> {
    let slate = state.slate();
    let interviews = slate.list_interviews(r.caller, None).await?;
    let jobs = slate.list_jobs(r.caller).await?;
    let chosen = q.scope.as_deref().unwrap_or("");
    let parse = |raw: &str| uuid::Uuid::parse_str(raw).ok();
    let (scope, scope_label) = if let Some(id) = chosen.strip_prefix("interview:").and_then(parse) {
        let name = interviews.iter().find(|i| i.id().as_uuid() == id).map(|i| i.details().name.to_string());
        (FunnelScope::Interview(InterviewId::from_uuid(id)), name.unwrap_or_default())
    } else if let Some(id) = chosen.strip_prefix("job:").and_then(parse) {
        let name = jobs.iter().find(|j| j.id.as_uuid() == id).map(|j| format!("Job: {}", j.title));
        (FunnelScope::Job(JobId::from_uuid(id)), name.unwrap_or_default())
    } else {
        (FunnelScope::All, "All video interviews".to_owned())
    };
    let funnel = slate.funnel(r.caller, scope).await?;
    let completed = InvitationQuery {
        statuses: vec![InvitationStatus::Completed],
        limit: PageSize::new(5).unwrap_or_default(),
        ..InvitationQuery::default()
    };
    let recent = slate
        .list_invitations(r.caller, &completed)
        .await?
        .items
        .iter()
        .map(|i| Recent {
            id: i.id().to_string(),
            name: format!("{} {}", i.parts().candidate_first_name, i.parts().candidate_last_name),
            interview: i.interview().name.to_string(),
            when: i.parts().completed_at.map(|t| r.local(t)).unwrap_or_default(),
        })
        .collect();
    let page = DashboardPage {
        c: r.chrome("dashboard", "Dashboard"),
        bars: bars(&funnel, 420),
        scope_label,
        interviews: interviews
            .iter()
            .map(|i| {
                let v = format!("interview:{}", i.id());
                let sel = v == chosen;
                (v, i.details().name.to_string(), sel)
            })
            .collect(),
        jobs: jobs
            .iter()
            .map(|j| {
                let v = format!("job:{}", j.id.as_uuid());
                let sel = v == chosen;
                (v, j.title.to_string(), sel)
            })
            .collect(),
        recent,
        empty: funnel.invited == 0,
    };
    Ok(ok(&page))
}
