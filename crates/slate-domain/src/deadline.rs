//! Time zones and the inclusive answer [`Deadline`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeDelta, TimeZone as _, Utc};
use chrono_tz::Tz;

/// An IANA time zone, such as `Europe/Athens`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

/// Why a time zone name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IANA time zone name (expected something like \"Europe/Athens\")")]
pub struct TimeZoneError(String);

impl TimeZone {
    /// Coordinated Universal Time.
    pub const UTC: Self = Self(Tz::UTC);

    /// Parses an IANA name (`Europe/Athens`, `America/Argentina/Buenos_Aires`, `UTC`).
    ///
    /// # Errors
    /// [`TimeZoneError`] for a name the time zone database does not know.
    pub fn parse(raw: &str) -> Result<Self, TimeZoneError> {
        let trimmed = raw.trim();
        Tz::from_str(trimmed).map(Self).map_err(|_| TimeZoneError(trimmed.to_owned()))
    }

    /// The IANA name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The zone itself, for formatting instants in it (`instant.with_timezone(&zone.tz())`).
    #[must_use]
    pub const fn tz(&self) -> Tz {
        self.0
    }

    /// The wall-clock date and time at `instant` in this zone (to show a closing moment in
    /// the organization's own zone).
    #[must_use]
    pub fn local(&self, instant: DateTime<Utc>) -> chrono::NaiveDateTime {
        instant.with_timezone(&self.0).naive_local()
    }

    /// The calendar date at `instant` in this zone.
    #[must_use]
    pub fn date_at(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.0).date_naive()
    }

    /// The first instant of `date` in this zone: its midnight, or, on a day whose midnight is
    /// skipped by a clock change, the instant the clocks jump to.
    #[must_use]
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(NaiveTime::MIN);
        match self.0.from_local_datetime(&midnight) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(earliest, _) => earliest.with_timezone(&Utc),
            LocalResult::None => self.first_instant_on_or_after(date, midnight.and_utc()),
        }
    }

    /// Midnight does not exist on `date`: find by bisection the first instant whose local
    /// date is `date`. Every UTC offset lies within ±26 hours, so the answer lies between
    /// `naive_midnight − 26h` and `naive_midnight + 26h`, and local dates only move forward
    /// over a window that short around a forward jump.
    fn first_instant_on_or_after(&self, date: NaiveDate, naive_midnight: DateTime<Utc>) -> DateTime<Utc> {
        // Offsets and transitions are whole seconds: bisect over seconds since the epoch.
        let at = |secs: i64| DateTime::from_timestamp(secs, 0).unwrap_or(naive_midnight);
        let reached = |secs: i64| at(secs).with_timezone(&self.0).date_naive() >= date;
        let window = TimeDelta::hours(26).num_seconds();
        let (mut lo, mut hi) = (naive_midnight.timestamp() - window, naive_midnight.timestamp() + window);
        // Invariant: !reached(lo) && reached(hi).
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if reached(mid) { hi = mid } else { lo = mid }
        }
        at(hi)
    }
}

impl fmt::Debug for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeZone({})", self.0.name())
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl FromStr for TimeZone {
    type Err = TimeZoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The last calendar date on which a candidate may answer, in the organization's time zone.
///
/// The date is **inclusive**: the invitation is open during the whole of it and closes at the
/// first instant of the next day in that zone ([`Deadline::closes_at`]). That instant is
/// computed from the time zone database, so days on which a clock change skips midnight close
/// when the clocks jump.
///
/// ```
/// use chrono::{NaiveDate, TimeZone as _, Utc};
/// use slate_domain::{Deadline, TimeZone};
///
/// let athens = TimeZone::parse("Europe/Athens").unwrap();
/// let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
/// let date = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
/// let deadline = Deadline::new(date, athens, now).unwrap();
/// // Athens is UTC+2 in winter: the day after closes at 22:00 UTC.
/// assert_eq!(deadline.closes_at().to_rfc3339(), "2026-11-30T22:00:00+00:00");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Deadline {
    date: NaiveDate,
    zone: TimeZone,
}

/// Why a deadline was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The date is already over in the organization's time zone.
    #[error("the deadline {date} is in the past: today is {today} in {zone}")]
    InPast {
        /// The date asked for.
        date: NaiveDate,
        /// Today's date in the organization's zone.
        today: NaiveDate,
        /// The organization's zone.
        zone: TimeZone,
    },
    /// The date is further ahead than any interview needs (a typo, usually).
    #[error("the deadline {date} is more than {max_days} days ahead")]
    TooFar {
        /// The date asked for.
        date: NaiveDate,
        /// The limit.
        max_days: u64,
    },
}

impl Deadline {
    /// How far ahead a deadline may be set.
    pub const MAX_DAYS_AHEAD: u64 = 730;

    /// A new deadline, judged against `now` in `zone`: today is allowed, yesterday is not.
    ///
    /// # Errors
    /// [`DeadlineError::InPast`] when `date` is before today in `zone`;
    /// [`DeadlineError::TooFar`] when it is more than [`Self::MAX_DAYS_AHEAD`] days ahead.
    pub fn new(date: NaiveDate, zone: TimeZone, now: DateTime<Utc>) -> Result<Self, DeadlineError> {
        let today = zone.date_at(now);
        if date < today {
            return Err(DeadlineError::InPast { date, today, zone });
        }
        let limit = today.checked_add_days(Days::new(Self::MAX_DAYS_AHEAD)).unwrap_or(NaiveDate::MAX);
        if date > limit {
            return Err(DeadlineError::TooFar { date, max_days: Self::MAX_DAYS_AHEAD });
        }
        Ok(Self { date, zone })
    }

    /// Rebuilds a deadline read back from storage, without judging it against today.
    #[must_use]
    pub const fn restore(date: NaiveDate, zone: TimeZone) -> Self {
        Self { date, zone }
    }

    /// The inclusive date.
    #[must_use]
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The time zone the date is judged in.
    #[must_use]
    pub const fn zone(&self) -> TimeZone {
        self.zone
    }

    /// The exact instant the invitation closes: the first instant of the day after
    /// [`Self::date`] in [`Self::zone`].
    #[must_use]
    pub fn closes_at(&self) -> DateTime<Utc> {
        match self.date.succ_opt() {
            Some(next) => self.zone.start_of_day(next),
            None => DateTime::<Utc>::MAX_UTC,
        }
    }

    /// [`Self::closes_at`] in the deadline's own zone, with its offset (e.g.
    /// `2026-12-01T00:00:00+02:00` for a deadline of 30 November in Athens).
    #[must_use]
    pub fn closes_at_local(&self) -> DateTime<Tz> {
        self.closes_at().with_timezone(&self.zone.tz())
    }

    /// Whether answers are still accepted at `now` (strictly before [`Self::closes_at`]).
    #[must_use]
    pub fn is_open_at(&self, now: DateTime<Utc>) -> bool {
        now < self.closes_at()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn instant(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}")).with_timezone(&Utc)
    }

    fn zone(s: &str) -> TimeZone {
        TimeZone::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn closing_instants() {
        // (zone, inclusive date, first instant of the next day)
        let table = [
            // ordinary days
            ("Europe/Athens", "2026-11-30", "2026-11-30T22:00:00Z"),
            ("UTC", "2026-11-30", "2026-12-01T00:00:00Z"),
            ("America/New_York", "2026-07-15", "2026-07-16T04:00:00Z"),
            // the day before a DST change (spring forward at 03:00 the next night, EU)
            ("Europe/Athens", "2027-03-27", "2027-03-27T22:00:00Z"),
            // the day of a spring change: the next midnight is already in summer time
            ("Europe/Athens", "2027-03-28", "2027-03-28T21:00:00Z"),
            // autumn change
            ("Europe/Athens", "2027-10-30", "2027-10-30T21:00:00Z"),
            ("Europe/Athens", "2027-10-31", "2027-10-31T22:00:00Z"),
            ("America/New_York", "2027-03-13", "2027-03-14T05:00:00Z"),
            // next day whose midnight does not exist
            ("America/Havana", "2027-03-13", "2027-03-14T05:00:00Z"),
            ("Asia/Beirut", "2027-03-27", "2027-03-27T22:00:00Z"),
            ("America/Santiago", "2027-09-04", "2027-09-05T04:00:00Z"),
            // midnight that happens twice (Havana falls back from 01:00 CDT to 00:00 CST):
            // the first of them closes it
            ("America/Havana", "2027-11-06", "2027-11-07T04:00:00Z"),
            // leap days
            ("Europe/Athens", "2028-02-28", "2028-02-28T22:00:00Z"),
            ("Europe/Athens", "2028-02-29", "2028-02-29T22:00:00Z"),
            ("UTC", "2028-02-29", "2028-03-01T00:00:00Z"),
            // the extremes of the offsets
            ("Pacific/Kiritimati", "2026-11-30", "2026-11-30T10:00:00Z"),
            ("Pacific/Pago_Pago", "2026-11-30", "2026-12-01T11:00:00Z"),
            ("Pacific/Niue", "2026-12-31", "2027-01-01T11:00:00Z"),
            // half and quarter hour zones
            ("Asia/Kolkata", "2026-11-30", "2026-11-30T18:30:00Z"),
            ("Asia/Kathmandu", "2026-11-30", "2026-11-30T18:15:00Z"),
            ("Australia/Lord_Howe", "2026-11-30", "2026-11-30T13:00:00Z"),
        ];
        for (z, d, want) in table {
            let deadline = Deadline::restore(date(d), zone(z));
            assert_eq!(deadline.closes_at(), instant(want), "{z} {d}");
        }
    }

    #[test]
    fn a_deadline_is_open_until_the_last_second_of_its_day() {
        let deadline = Deadline::restore(date("2026-11-30"), zone("Europe/Athens"));
        // 23:59:59 local is 21:59:59Z.
        assert!(deadline.is_open_at(instant("2026-11-30T21:59:59Z")));
        assert!(deadline.is_open_at(instant("2026-11-30T21:59:59.999Z")));
        assert!(!deadline.is_open_at(instant("2026-11-30T22:00:00Z")));
        assert!(!deadline.is_open_at(instant("2026-12-05T00:00:00Z")));
        // the whole day counts, including its first instant
        assert!(deadline.is_open_at(instant("2026-11-29T22:00:00Z")));
    }

    #[test]
    fn a_skipped_midnight_closes_when_the_clocks_jump() {
        let havana = Deadline::restore(date("2027-03-13"), zone("America/Havana"));
        // 23:59:59 CST (UTC−5) on the 13th is 04:59:59Z; the clocks then jump to 01:00 CDT.
        assert!(havana.is_open_at(instant("2027-03-14T04:59:59Z")));
        assert!(!havana.is_open_at(instant("2027-03-14T05:00:00Z")));
    }

    #[test]
    fn today_is_accepted_and_yesterday_refused_in_the_organizations_zone() {
        // 11:00 UTC on 22 November: already the 23rd in Kiritimati (UTC+14), still 00:00
        // of the 22nd in Pago Pago (UTC−11).
        let now = instant("2026-11-22T11:00:00Z");
        let kiritimati = zone("Pacific/Kiritimati");
        let pago = zone("Pacific/Pago_Pago");

        assert_eq!(
            Deadline::new(date("2026-11-22"), kiritimati, now),
            Err(DeadlineError::InPast { date: date("2026-11-22"), today: date("2026-11-23"), zone: kiritimati })
        );
        assert!(Deadline::new(date("2026-11-23"), kiritimati, now).is_ok());
        assert!(Deadline::new(date("2026-11-22"), pago, now).is_ok());
        assert!(matches!(Deadline::new(date("2026-11-21"), pago, now), Err(DeadlineError::InPast { .. })));

        // One second before midnight in Athens, today is still the 22nd there…
        let athens = zone("Europe/Athens");
        let late = instant("2026-11-22T21:59:59Z");
        assert!(Deadline::new(date("2026-11-22"), athens, late).is_ok());
        // …and one second later it is yesterday.
        let later = instant("2026-11-22T22:00:00Z");
        assert!(matches!(Deadline::new(date("2026-11-22"), athens, later), Err(DeadlineError::InPast { .. })));
        // while the server's UTC date is still the 22nd
        assert_eq!(later.date_naive(), date("2026-11-22"));
    }

    #[test]
    fn deadlines_too_far_ahead_are_refused() {
        let now = instant("2026-11-22T11:00:00Z");
        assert!(Deadline::new(date("2028-11-21"), TimeZone::UTC, now).is_ok());
        assert_eq!(
            Deadline::new(date("2028-11-23"), TimeZone::UTC, now),
            Err(DeadlineError::TooFar { date: date("2028-11-23"), max_days: 730 })
        );
    }

    #[test]
    fn time_zone_names() {
        assert_eq!(zone("Europe/Athens").name(), "Europe/Athens");
        assert!(TimeZone::parse("Mars/Olympus_Mons").is_err());
        assert!(TimeZone::parse("").is_err());
    }
}
