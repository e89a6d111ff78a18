//! The meeting requests Slate writes, read back by an independent implementation: Python's
//! `icalendar` package (with `zoneinfo`), which `./scripts/test` installs and names in
//! `SLATE_TEST_PYTHON` (a Python interpreter that can `import icalendar`).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test program: a panic is a failure")]

use std::process::Command;

use serde_json::Value;
use slate_domain::chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use slate_domain::uuid::Uuid;
use slate_domain::*;
use slate_email::ics::{self, EventText, Method, Organizer};

/// Parses the calendar with Python's `icalendar` and reports what a calendar client reads.
const READER: &str = r#"
import json, sys, zoneinfo
import icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
[event] = cal.walk("VEVENT")
zone = zoneinfo.ZoneInfo(str(event["X-SLATE-TZID"]))
start, end = event.decoded("DTSTART"), event.decoded("DTEND")
attendees = event.get("ATTENDEE")
attendees = attendees if isinstance(attendees, list) else [attendees]
print(json.dumps({
    "method": str(cal["METHOD"]),
    "uid": str(event["UID"]),
    "sequence": int(event["SEQUENCE"]),
    "status": str(event["STATUS"]),
    "start_utc": start.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
    "end_utc": end.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
    "local_date": start.astimezone(zone).date().isoformat(),
    "local_time": start.astimezone(zone).time().isoformat(timespec="minutes"),
    "utc_offset_minutes": int(start.astimezone(zone).utcoffset().total_seconds() // 60),
    "summary": str(event["SUMMARY"]),
    "description": str(event["DESCRIPTION"]),
    "location": str(event["LOCATION"]),
    "organizer": str(event["ORGANIZER"]),
    "attendees": [
        {"address": str(a), "cn": str(a.params.get("CN")), "partstat": str(a.params.get("PARTSTAT"))}
        for a in attendees
    ],
}))
"#;

fn read_back(calendar: &str) -> Value {
    let python = std::env::var("SLATE_TEST_PYTHON")
        .expect("SLATE_TEST_PYTHON must name a Python with the icalendar package (./scripts/test installs one)");
    let file = std::env::temp_dir().join(format!("slate-ics-{}-{}.ics", std::process::id(), Uuid::from_u128(rand())));
    std::fs::write(&file, calendar).unwrap();
    let out = Command::new(&python).arg("-c").arg(READER).arg(&file).output();
    std::fs::remove_file(&file).unwrap();
    let out = out.unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "Python's icalendar refused it:\n{}\n{calendar}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A per-call number, so two tests never share a file.
fn rand() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    u128::from(N.fetch_add(1, Ordering::Relaxed))
}

fn live(date: &str, time: &str, zone: &str) -> LiveInterview {
    let person = |n: u128, role, name: &str, email: &str| NewAttendee {
        id: AttendeeId::from_uuid(Uuid::from_u128(n)),
        role,
        name: PersonName::parse(name).unwrap(),
        email: EmailAddress::parse(email).unwrap(),
        language: Language::German,
    };
    let slot = LiveSlot::new(
        date.parse::<NaiveDate>().unwrap(),
        time.parse::<NaiveTime>().unwrap(),
        50,
        TimeZone::parse(zone).unwrap(),
    )
    .unwrap();
    let new = NewLiveInterview {
        id: LiveInterviewId::from_uuid(Uuid::from_u128(0xabc)),
        organization_id: OrganizationId::from_uuid(Uuid::nil()),
        organizer: RecruiterId::from_uuid(Uuid::nil()),
        title: DisplayName::parse("Zweite Runde").unwrap(),
        slot,
        location: Location::Place(DisplayName::parse("Raum 4, Hauptstraße 1; Berlin").unwrap()),
        job_id: None,
        follows: None,
        candidate_message: None,
        interviewer_message: None,
        attendees: vec![
            person(1, AttendeeRole::Candidate(CandidateId::from_uuid(Uuid::nil())), "Jürgen Groß", "jg@example.com"),
            person(2, AttendeeRole::Interviewer(None), "Ana, Beta", "ana@acme.example"),
            person(3, AttendeeRole::Interviewer(None), "Bo", "bo@acme.example"),
        ],
    };
    LiveInterview::schedule(new, "2026-01-01T00:00:00Z".parse().unwrap()).unwrap().0
}

fn write(live: &LiveInterview) -> (Method, String) {
    let rita = EmailAddress::parse("rita@acme.example").unwrap();
    let text = EventText {
        summary: "Vorstellungsgespräch: Acme, Inc.; Backend",
        description: "Bitte bestätigen Sie:\nhttps://slate.example/l/abc",
    };
    let now: DateTime<Utc> = "2026-01-02T00:00:00Z".parse().unwrap();
    ics::calendar(live, Organizer { name: "Rita \"R\" Räther", email: &rita }, text, "slate.example", now)
}

#[test]
fn date_time_and_zone_round_trip_on_ordinary_and_summer_time_change_days() {
    // (date, local time, zone, expected UTC start, offset from UTC in minutes)
    for (date, time, zone, utc, offset) in [
        ("2026-10-24", "10:00", "Europe/Athens", "2026-10-24T07:00:00+00:00", 180),
        ("2026-10-25", "10:00", "Europe/Athens", "2026-10-25T08:00:00+00:00", 120),
        ("2026-03-29", "09:30", "Europe/Berlin", "2026-03-29T07:30:00+00:00", 120),
        ("2026-11-01", "08:15", "America/New_York", "2026-11-01T13:15:00+00:00", -300),
        ("2026-06-15", "23:30", "Asia/Kolkata", "2026-06-15T18:00:00+00:00", 330),
    ] {
        let l = live(date, time, zone);
        let (method, calendar) = write(&l);
        let read = read_back(&calendar);
        assert_eq!(method, Method::Request);
        assert_eq!(read["method"], "REQUEST");
        assert_eq!(read["start_utc"], utc, "{date} {time} {zone}");
        assert_eq!((read["local_date"].as_str(), read["local_time"].as_str()), (Some(date), Some(time)), "{zone}");
        assert_eq!(read["utc_offset_minutes"], offset, "{date} {zone}");
        let end: DateTime<Utc> = read["end_utc"].as_str().unwrap().parse().unwrap();
        assert_eq!(end, l.slot().end());
    }
}

#[test]
fn uid_sequence_attendees_and_text_round_trip_through_reschedule_and_cancel() {
    let mut l = live("2026-12-10", "10:00", "Europe/Berlin");
    let first = read_back(&write(&l).1);
    assert_eq!(first["uid"], "live-00000000-0000-0000-0000-000000000abc@slate.example");
    assert_eq!(first["sequence"], 0);
    assert_eq!(first["status"], "CONFIRMED");
    assert_eq!(first["summary"], "Vorstellungsgespräch: Acme, Inc.; Backend");
    assert_eq!(first["description"], "Bitte bestätigen Sie:\nhttps://slate.example/l/abc");
    assert_eq!(first["location"], "Raum 4, Hauptstraße 1; Berlin");
    assert_eq!(first["organizer"], "mailto:rita@acme.example");
    let attendees = first["attendees"].as_array().unwrap();
    let seen: Vec<_> = attendees
        .iter()
        .map(|a| (a["address"].as_str().unwrap(), a["cn"].as_str().unwrap(), a["partstat"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("mailto:jg@example.com", "Jürgen Groß", "NEEDS-ACTION"),
            ("mailto:ana@acme.example", "Ana, Beta", "NEEDS-ACTION"),
            ("mailto:bo@acme.example", "Bo", "NEEDS-ACTION"),
        ]
    );

    // Responses show as PARTSTAT.
    let now = "2026-12-01T00:00:00Z".parse().unwrap();
    let id = |n| AttendeeId::from_uuid(Uuid::from_u128(n));
    l.respond(id(1), AttendeeResponse::Confirmed, now).unwrap();
    l.respond(id(3), AttendeeResponse::Declined { message: None }, now).unwrap();
    let answered = read_back(&write(&l).1);
    let states: Vec<_> = answered["attendees"].as_array().unwrap().iter().map(|a| a["partstat"].clone()).collect();
    assert_eq!(states, ["ACCEPTED", "NEEDS-ACTION", "DECLINED"]);
    assert_eq!(answered["sequence"], 0, "answers are not a new version of the event");

    // A reschedule is the same event, one sequence later, at the new time.
    let zone = TimeZone::parse("Europe/Berlin").unwrap();
    l.reschedule(LiveSlot::new("2026-12-11".parse().unwrap(), "14:00".parse().unwrap(), 30, zone).unwrap(), now)
        .unwrap();
    let moved = read_back(&write(&l).1);
    assert_eq!((moved["uid"].clone(), moved["sequence"].clone()), (first["uid"].clone(), 1.into()));
    assert_eq!(moved["start_utc"], "2026-12-11T13:00:00+00:00");
    assert_eq!(moved["end_utc"], "2026-12-11T13:30:00+00:00");

    // A cancellation removes that event.
    l.cancel(now).unwrap();
    let (method, calendar) = write(&l);
    let cancelled = read_back(&calendar);
    assert_eq!(method, Method::Cancel);
    assert_eq!((cancelled["method"].as_str(), cancelled["status"].as_str()), (Some("CANCEL"), Some("CANCELLED")));
    assert_eq!((cancelled["uid"].clone(), cancelled["sequence"].clone()), (first["uid"].clone(), 2.into()));
}
