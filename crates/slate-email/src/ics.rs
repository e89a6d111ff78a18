//! Meeting requests for live interviews (RFC 5545 / RFC 5546 iTIP), built with the
//! `icalendar` crate: the `text/calendar` part that lets mail clients add the interview to
//! each recipient's calendar, in their own time zone.
//!
//! Times are written in UTC (`DTSTART:20261210T080000Z`), which every calendar converts to
//! its user's zone and which needs no `VTIMEZONE`; the event's own zone is named in
//! `X-SLATE-TZID` and the email text. One event per live interview: its `UID` never
//! changes, its `SEQUENCE` is the interview's, so a reschedule replaces the event and a
//! cancellation (`METHOD:CANCEL`) removes it.

use icalendar::{
    Attendee as IcsAttendee, Calendar, CalendarDateTime, Component as _, Event, EventLike as _, EventStatus, PartStat,
    Property, Role,
};
use slate_domain::chrono::{DateTime, Utc};
use slate_domain::{AttendeeResponse, EmailAddress, LiveInterview, LiveStatus, Location};

/// The iTIP method of a calendar part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// An invite or an update (after a reschedule, or a resend).
    Request,
    /// A cancellation.
    Cancel,
}

impl Method {
    /// The `method` parameter of the part's `Content-Type`, and the `METHOD` property.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Request => "REQUEST",
            Self::Cancel => "CANCEL",
        }
    }
}

/// Who sends the invite: the recruiter who scheduled the interview.
#[derive(Debug, Clone, Copy)]
pub struct Organizer<'a> {
    /// Their name.
    pub name: &'a str,
    /// Their address.
    pub email: &'a EmailAddress,
}

/// The words of the event, in the recipient's language.
#[derive(Debug, Clone, Copy)]
pub struct EventText<'a> {
    /// The calendar entry's title.
    pub summary: &'a str,
    /// Its notes (plain text; the attendee's link belongs here).
    pub description: &'a str,
}

/// `UID` of a live interview's event: stable for its whole life, unique to this Slate
/// (`host` is the public URL's host).
#[must_use]
pub fn uid(live: &LiveInterview, host: &str) -> String {
    format!("live-{}@{host}", live.id())
}

/// A parameter value cannot hold a double quote (RFC 5545 §3.2); names can.
fn param(text: &str) -> String {
    text.replace('"', "'")
}

fn partstat(response: &AttendeeResponse) -> PartStat {
    match response {
        AttendeeResponse::Pending => PartStat::NeedsAction,
        AttendeeResponse::Confirmed => PartStat::Accepted,
        AttendeeResponse::Declined { .. } => PartStat::Declined,
    }
}

/// The `text/calendar` body for `live`: `METHOD:REQUEST` while it is on,
/// `METHOD:CANCEL` (with `STATUS:CANCELLED`) once it is cancelled.
#[must_use]
pub fn calendar(
    live: &LiveInterview,
    organizer: Organizer<'_>,
    text: EventText<'_>,
    host: &str,
    now: DateTime<Utc>,
) -> (Method, String) {
    let method = if live.status() == LiveStatus::Cancelled { Method::Cancel } else { Method::Request };
    let slot = live.slot();
    let mut event = Event::with_uid(&uid(live, host));
    event
        .timestamp(now)
        .sequence(live.sequence())
        .starts(CalendarDateTime::Utc(slot.start()))
        .ends(CalendarDateTime::Utc(slot.end()))
        .summary(text.summary)
        .description(text.description)
        .status(if method == Method::Cancel { EventStatus::Cancelled } else { EventStatus::Confirmed })
        .add_property("X-SLATE-TZID", slot.zone().name())
        .append_property(
            Property::new("ORGANIZER", format!("mailto:{}", organizer.email))
                .add_parameter("CN", &param(organizer.name))
                .done(),
        );
    match &live.parts().location {
        Location::Online(url) => {
            event.location(url.as_str()).url(url.as_str());
        }
        Location::Place(place) => {
            event.location(place.as_str());
        }
    }
    for a in live.attendees() {
        event.attendee(
            IcsAttendee::new(format!("mailto:{}", a.email))
                .cn(param(a.name.as_str()))
                .role(Role::ReqParticipant)
                .partstat(partstat(&a.response))
                .rsvp(a.response == AttendeeResponse::Pending),
        );
    }
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Slate//Live interviews//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.as_str()))
        .push(event.done());
    (method, calendar.done().to_string())
}

#[cfg(test)]
mod tests {
    use slate_domain::uuid::Uuid;
    use slate_domain::*;

    use super::*;

    pub(crate) fn sample(date: &str, time: &str) -> LiveInterview {
        let zone = TimeZone::parse("Europe/Athens").unwrap();
        let person = |n: u128, role, name: &str, email: &str| NewAttendee {
            id: AttendeeId::from_uuid(Uuid::from_u128(n)),
            role,
            name: PersonName::parse(name).unwrap(),
            email: EmailAddress::parse(email).unwrap(),
            language: Language::Greek,
        };
        let new = NewLiveInterview {
            id: LiveInterviewId::from_uuid(Uuid::from_u128(7)),
            organization_id: OrganizationId::from_uuid(Uuid::nil()),
            organizer: RecruiterId::from_uuid(Uuid::nil()),
            title: DisplayName::parse("Second round").unwrap(),
            slot: LiveSlot::new(date.parse().unwrap(), time.parse().unwrap(), 45, zone).unwrap(),
            location: Location::Online(MeetingUrl::parse("https://meet.example/r/1?pwd=a;b").unwrap()),
            job_id: None,
            follows: None,
            candidate_message: None,
            interviewer_message: None,
            attendees: vec![
                person(1, AttendeeRole::Candidate(CandidateId::from_uuid(Uuid::nil())), "Ada \"A\"", "ada@example.com"),
                person(2, AttendeeRole::Interviewer(None), "Grace, Hopper", "grace@acme.example"),
            ],
        };
        LiveInterview::schedule(new, "2026-10-01T09:00:00Z".parse().unwrap()).unwrap().0
    }

    #[test]
    fn a_request_carries_the_uid_sequence_utc_times_and_every_attendee() {
        let live = sample("2026-10-25", "10:00");
        let rita = EmailAddress::parse("rita@acme.example").unwrap();
        let text = EventText { summary: "Interview; Acme, Inc.", description: "Line one\nhttps://slate.example/l/x" };
        let (method, ics) =
            calendar(&live, Organizer { name: "Rita", email: &rita }, text, "slate.example", Utc::now());
        assert_eq!(method, Method::Request);
        let unfolded = ics.replace("\r\n ", "");
        for line in [
            "METHOD:REQUEST",
            "UID:live-00000000-0000-0000-0000-000000000007@slate.example",
            "SEQUENCE:0",
            "DTSTART:20261025T080000Z",
            "DTEND:20261025T084500Z",
            "SUMMARY:Interview\\; Acme\\, Inc.",
            "DESCRIPTION:Line one\\nhttps://slate.example/l/x",
            "STATUS:CONFIRMED",
            "X-SLATE-TZID:Europe/Athens",
        ] {
            assert!(unfolded.split("\r\n").any(|l| l == line), "{line} missing in\n{ics}");
        }
        assert!(unfolded.contains("ATTENDEE;") && unfolded.contains("PARTSTAT=NEEDS-ACTION"), "{ics}");
        assert!(unfolded.contains("CN=\"Grace, Hopper\""), "a comma in a name is quoted: {ics}");
        assert!(!unfolded.contains("\"A\""), "a double quote cannot be in a parameter: {ics}");
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "lines are folded at 75 octets");
    }

    #[test]
    fn a_cancellation_is_method_cancel_with_the_next_sequence() {
        let mut live = sample("2026-12-10", "10:00");
        live.cancel("2026-12-01T00:00:00Z".parse().unwrap()).unwrap();
        let rita = EmailAddress::parse("rita@acme.example").unwrap();
        let text = EventText { summary: "Cancelled", description: "" };
        let (method, ics) = calendar(&live, Organizer { name: "Rita", email: &rita }, text, "h", Utc::now());
        assert_eq!(method, Method::Cancel);
        assert!(
            ics.contains("METHOD:CANCEL\r\n") && ics.contains("STATUS:CANCELLED\r\n") && ics.contains("SEQUENCE:1\r\n")
        );
    }
}
