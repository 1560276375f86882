//! The `from`/`to` of call-history queries, read in the organization's time zone: people ask for
//! "calls on 29 March" meaning their local day, whatever the server's or UTC's day is.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// Which end of a range a value gives. A date as `from` means the start of that local day; a
/// date as `to` means the whole day is included, so the range ends at the start of the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    From,
    To,
}

/// Epoch ms of a query value: an RFC 3339 instant with an offset (`2026-03-29T09:30:00Z`) as
/// given; a local date-time (`2026-03-29T09:30`) or date (`2026-03-29`) in `tz`. Local times a
/// DST change skips or repeats resolve as clocks do: a skipped time moves forward past the gap,
/// a repeated one means its first occurrence. `None` when the value is none of these.
pub fn instant(text: &str, tz: &TimeZone, bound: Bound) -> Option<i64> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t.as_millisecond());
    }
    // jiff reads a date out of a date-time too, so which one was given is told by the text.
    let has_time = text.contains(['T', 't', ' ']);
    let local = if has_time {
        text.parse::<DateTime>().ok()?.to_zoned(tz.clone())
    } else {
        let date = text.parse::<Date>().ok()?;
        match bound {
            Bound::From => date.to_zoned(tz.clone()),
            Bound::To => date.tomorrow().ok()?.to_zoned(tz.clone()),
        }
    };
    local.ok().map(|z| z.timestamp().as_millisecond())
}

/// The start of the local day `days` after the one holding `at` (negative for before).
pub fn day_start(at: i64, tz: &TimeZone, days: i32) -> Option<i64> {
    let date = Timestamp::from_millisecond(at)
        .ok()?
        .to_zoned(tz.clone())
        .date();
    let day = date.checked_add(jiff::Span::new().days(days)).ok()?;
    Some(day.to_zoned(tz.clone()).ok()?.timestamp().as_millisecond())
}

/// `2026-03-29 02:30:00`: the local wall-clock time, as spreadsheets read it.
pub fn local_text(ms: i64, tz: &TimeZone) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| tz.to_datetime(t).strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> TimeZone {
        jiff::tz::db().get("Europe/London").unwrap()
    }

    fn utc(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn dates_are_local_days_and_to_includes_its_day() {
        let tz = london();
        // Winter: London is UTC.
        assert_eq!(
            instant("2026-01-10", &tz, Bound::From),
            Some(utc("2026-01-10T00:00:00Z"))
        );
        // Summer: midnight in London is 23:00 UTC the day before.
        assert_eq!(
            instant("2026-07-10", &tz, Bound::From),
            Some(utc("2026-07-09T23:00:00Z"))
        );
        assert_eq!(
            instant("2026-07-10", &tz, Bound::To),
            Some(utc("2026-07-10T23:00:00Z"))
        );
        // The day clocks go forward is 23 hours long.
        let from = instant("2026-03-29", &tz, Bound::From).unwrap();
        let to = instant("2026-03-29", &tz, Bound::To).unwrap();
        assert_eq!(to - from, 23 * 3_600_000);
    }

    #[test]
    fn local_times_resolve_through_dst_and_instants_keep_their_offset() {
        let tz = london();
        assert_eq!(
            instant("2026-07-10T09:30", &tz, Bound::From),
            Some(utc("2026-07-10T08:30:00Z"))
        );
        // 01:30 does not exist on 29 March: it moves forward to 02:30 BST.
        assert_eq!(
            instant("2026-03-29T01:30", &tz, Bound::To),
            Some(utc("2026-03-29T01:30:00Z"))
        );
        // 01:30 happens twice on 25 October: the first (BST) is meant.
        assert_eq!(
            instant("2026-10-25T01:30:00", &tz, Bound::From),
            Some(utc("2026-10-25T00:30:00Z"))
        );
        assert_eq!(
            instant("2026-07-10T09:30:00+02:00", &tz, Bound::From),
            Some(utc("2026-07-10T07:30:00Z"))
        );
        for bad in ["yesterday", "2026-02-30", "10/07/2026", ""] {
            assert_eq!(instant(bad, &tz, Bound::From), None, "{bad}");
        }
    }

    #[test]
    fn day_starts_and_local_text() {
        let tz = london();
        let evening = utc("2026-03-29T23:30:00Z"); // 00:30 BST on the 30th
        assert_eq!(
            day_start(evening, &tz, 0),
            Some(utc("2026-03-29T23:00:00Z"))
        );
        assert_eq!(
            day_start(evening, &tz, -2),
            Some(utc("2026-03-28T00:00:00Z"))
        );
        assert_eq!(local_text(evening, &tz), "2026-03-30 00:30:00");
    }
}
