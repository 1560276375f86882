//! Business-hours evaluation: is a schedule open at an instant, and where do calls go.
//!
//! Everything is decided on the schedule's own local wall clock (the original OpBX used server
//! UTC). Comparing wall-clock minutes makes DST automatic: 09:00–17:00 stays 09:00–17:00 local on
//! a 23- or 25-hour day, a local time skipped by a spring-forward gap never occurs, and one
//! repeated by a fall-back occurs twice.
//!
//! Precedence: a live manual override, then an exception covering the local date, then the weekly
//! ranges.

use jiff::civil::Date;
use jiff::{Timestamp, Zoned};
use serde::Serialize;

use super::destination::Destination;
use super::model::{
    BusinessHours, ExceptionMode, ManualOverride, OverrideMode, ScheduleException, WeeklyRange,
};
use super::timezone::Timezone;
use crate::text_enum;

text_enum! {
    pub enum ScheduleState { Open => "open", Closed => "closed" }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleDecision {
    pub state: ScheduleState,
    pub destination: Destination,
    /// For call logs and the UI, e.g. "open: Monday 09:00–17:00".
    pub reason: String,
}

/// A problem with one field of a schedule, named as the API client sent it (`ranges[2].weekday`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Decides open or closed at `at`. The schedule's `status` is not consulted: whether an inactive
/// schedule may still route calls is the caller's decision.
pub fn evaluate(schedule: &BusinessHours, at: Timestamp) -> ScheduleDecision {
    let now = at.to_zoned(schedule.timezone.tz().clone());
    schedule
        .manual_override
        .as_ref()
        .and_then(|o| apply_override(schedule, o, at))
        .or_else(|| apply_exception(schedule, now.date()))
        .unwrap_or_else(|| apply_weekly(schedule, &now))
}

/// Checks what [`evaluate`] relies on. A range with `start_minute == end_minute` is accepted and
/// means 24 hours from `start_minute` (as `evaluate` treats it); a whole calendar day is `0..1440`.
/// Start minutes stop at 1439 because a range starting at 24:00 belongs to the next weekday.
pub fn validate(
    ranges: &[WeeklyRange],
    exceptions: &[ScheduleException],
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field: String, message: &str| {
        errors.push(FieldError {
            field,
            message: message.to_owned(),
        })
    };
    for (i, r) in ranges.iter().enumerate() {
        if !(1..=7).contains(&r.weekday) {
            fail(
                format!("ranges[{i}].weekday"),
                "must be 1 (Monday) to 7 (Sunday)",
            );
        }
        if !(0..1440).contains(&r.start_minute) {
            fail(
                format!("ranges[{i}].start_minute"),
                "must be 0 to 1439 minutes after local midnight",
            );
        }
        if !(0..=1440).contains(&r.end_minute) {
            fail(
                format!("ranges[{i}].end_minute"),
                "must be 0 to 1440 minutes after local midnight",
            );
        }
    }
    for (i, e) in exceptions.iter().enumerate() {
        if e.name.trim().is_empty() {
            fail(format!("exceptions[{i}].name"), "must not be empty");
        }
        let start = parse_date(&e.start_date);
        let end = parse_date(&e.end_date);
        for (field, date) in [("start_date", start), ("end_date", end)] {
            if date.is_none() {
                fail(
                    format!("exceptions[{i}].{field}"),
                    "must be a date written YYYY-MM-DD",
                );
            }
        }
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            fail(
                format!("exceptions[{i}].end_date"),
                "must not be before start_date",
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn decide(
    schedule: &BusinessHours,
    state: ScheduleState,
    destination: Option<&Destination>,
    reason: String,
) -> ScheduleDecision {
    let default = match state {
        ScheduleState::Open => &schedule.open,
        ScheduleState::Closed => &schedule.closed,
    };
    ScheduleDecision {
        state,
        destination: destination.unwrap_or(default).clone(),
        reason,
    }
}

/// `until` is exclusive: at that millisecond the override has already lapsed.
fn apply_override(
    schedule: &BusinessHours,
    o: &ManualOverride,
    at: Timestamp,
) -> Option<ScheduleDecision> {
    let state = match o.mode {
        OverrideMode::Open => ScheduleState::Open,
        OverrideMode::Closed => ScheduleState::Closed,
    };
    let reason = match o.until {
        None => format!("override: {state} until switched off"),
        Some(until) if until > at.as_millisecond() => format!(
            "override: {state} until {}",
            local_time(until, &schedule.timezone)
        ),
        Some(_) => return None,
    };
    Some(decide(schedule, state, None, reason))
}

fn local_time(epoch_ms: i64, tz: &Timezone) -> String {
    match Timestamp::from_millisecond(epoch_ms) {
        Ok(t) => format!(
            "{} {tz}",
            t.to_zoned(tz.tz().clone()).strftime("%Y-%m-%d %H:%M")
        ),
        // Beyond year 9999: still an override in force, just not printable as a date.
        Err(_) => format!("epoch ms {epoch_ms}"),
    }
}

/// When exceptions overlap, the one spanning the fewest days wins (a one-day opening inside a
/// closed fortnight), then the earliest listed. Undated exceptions cannot match; `validate` keeps
/// them out of storage.
fn apply_exception(schedule: &BusinessHours, today: Date) -> Option<ScheduleDecision> {
    let (exception, _) = schedule
        .exceptions
        .iter()
        .filter_map(|e| {
            let (start, end) = (parse_date(&e.start_date)?, parse_date(&e.end_date)?);
            let span_days = end.since(start).ok()?.get_days();
            (start <= today && today <= end).then_some((e, span_days))
        })
        .min_by_key(|&(_, span_days)| span_days)?;
    let (state, kind) = match exception.mode {
        ExceptionMode::Closed => (ScheduleState::Closed, "holiday"),
        ExceptionMode::Open => (ScheduleState::Open, "special opening"),
    };
    let dates = if exception.start_date == exception.end_date {
        exception.start_date.clone()
    } else {
        format!("{}..{}", exception.start_date, exception.end_date)
    };
    let reason = format!("{kind} '{}' ({dates})", exception.name);
    Some(decide(
        schedule,
        state,
        exception.destination.as_ref(),
        reason,
    ))
}

/// Open within `[start, end)` of today's ranges, or within the after-midnight tail of a range of
/// yesterday's that crosses midnight (`end <= start`; `end == start` is a 24-hour range).
fn apply_weekly(schedule: &BusinessHours, now: &Zoned) -> ScheduleDecision {
    let today = i32::from(now.weekday().to_monday_one_offset());
    let yesterday = i32::from(now.weekday().previous().to_monday_one_offset());
    let minute = i32::from(now.hour()) * 60 + i32::from(now.minute());
    let open_range = schedule.ranges.iter().find(|r| {
        let crosses_midnight = r.end_minute <= r.start_minute;
        let from_today = r.weekday == today
            && r.start_minute <= minute
            && (crosses_midnight || minute < r.end_minute);
        let from_yesterday = r.weekday == yesterday && crosses_midnight && minute < r.end_minute;
        from_today || from_yesterday
    });
    match open_range {
        Some(r) => decide(
            schedule,
            ScheduleState::Open,
            None,
            format!(
                "open: {} {}–{}",
                WEEKDAYS[(r.weekday - 1) as usize],
                clock(r.start_minute),
                clock(r.end_minute)
            ),
        ),
        None => decide(
            schedule,
            ScheduleState::Closed,
            None,
            "closed: outside weekly hours".to_owned(),
        ),
    }
}

fn clock(minute: i32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Only the canonical form: jiff alone would also take `20261225` or a full datetime.
fn parse_date(s: &str) -> Option<Date> {
    s.parse::<Date>().ok().filter(|d| d.to_string() == s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::e164::E164;
    use crate::domain::ids::{OrgId, RingGroupId, ScheduleId};
    use crate::domain::model::Status;

    fn open_dest() -> Destination {
        Destination::ExternalNumber {
            number: E164::parse("+12125550100").unwrap(),
        }
    }

    fn closed_dest() -> Destination {
        Destination::Voicemail {
            id: "0190f5c0-0000-7000-8000-000000000001".parse().unwrap(),
        }
    }

    /// Ranges as `(weekday, "HH:MM", "HH:MM")`.
    fn hours(tz: &str, ranges: &[(i32, &str, &str)]) -> BusinessHours {
        let minute = |hhmm: &str| {
            let (h, m) = hhmm.split_once(':').unwrap();
            h.parse::<i32>().unwrap() * 60 + m.parse::<i32>().unwrap()
        };
        BusinessHours {
            id: ScheduleId::new(),
            organization_id: OrgId::new(),
            name: "Office".into(),
            timezone: Timezone::parse(tz).unwrap(),
            open: open_dest(),
            closed: closed_dest(),
            ranges: ranges
                .iter()
                .map(|&(weekday, start, end)| WeeklyRange {
                    weekday,
                    start_minute: minute(start),
                    end_minute: minute(end),
                })
                .collect(),
            exceptions: vec![],
            manual_override: None,
            status: Status::Active,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn exception(
        name: &str,
        start: &str,
        end: &str,
        mode: ExceptionMode,
        destination: Option<Destination>,
    ) -> ScheduleException {
        ScheduleException {
            name: name.into(),
            start_date: start.into(),
            end_date: end.into(),
            mode,
            destination,
        }
    }

    fn utc(instant: &str) -> Timestamp {
        instant.parse().unwrap()
    }

    /// A local wall-clock time in the schedule's zone, e.g. "2026-01-05T09:00".
    fn local(schedule: &BusinessHours, datetime: &str) -> Timestamp {
        datetime
            .parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(schedule.timezone.tz().clone())
            .unwrap()
            .timestamp()
    }

    fn state(schedule: &BusinessHours, at: Timestamp) -> ScheduleState {
        evaluate(schedule, at).state
    }

    use ScheduleState::{Closed, Open};

    #[test]
    fn start_minute_is_open_and_end_minute_is_closed() {
        let s = hours("Europe/London", &[(1, "09:00", "17:00")]);
        assert_eq!(state(&s, local(&s, "2026-01-05T08:59:59")), Closed);
        assert_eq!(
            evaluate(&s, local(&s, "2026-01-05T09:00")),
            ScheduleDecision {
                state: Open,
                destination: open_dest(),
                reason: "open: Monday 09:00–17:00".into()
            }
        );
        assert_eq!(state(&s, local(&s, "2026-01-05T16:59:59")), Open);
        assert_eq!(
            evaluate(&s, local(&s, "2026-01-05T17:00")),
            ScheduleDecision {
                state: Closed,
                destination: closed_dest(),
                reason: "closed: outside weekly hours".into()
            }
        );
        assert_eq!(state(&s, local(&s, "2026-01-06T10:00")), Closed);
    }

    #[test]
    fn range_crossing_midnight_opens_into_the_next_day() {
        let s = hours("Europe/London", &[(5, "22:00", "02:00")]);
        // Friday 2026-01-09, Saturday 2026-01-10.
        assert_eq!(state(&s, local(&s, "2026-01-09T21:59")), Closed);
        assert_eq!(state(&s, local(&s, "2026-01-09T22:00")), Open);
        let sat = evaluate(&s, local(&s, "2026-01-10T01:30"));
        assert_eq!(sat.state, Open);
        assert_eq!(sat.reason, "open: Friday 22:00–02:00");
        assert_eq!(state(&s, local(&s, "2026-01-10T02:00")), Closed);
        // Only Friday's night: Thursday and Saturday evenings stay closed.
        assert_eq!(state(&s, local(&s, "2026-01-08T23:00")), Closed);
        assert_eq!(state(&s, local(&s, "2026-01-09T01:00")), Closed);
        assert_eq!(state(&s, local(&s, "2026-01-10T22:30")), Closed);
    }

    #[test]
    fn whole_day_and_24_hour_ranges() {
        let s = hours(
            "Europe/London",
            &[(1, "00:00", "24:00"), (3, "08:00", "08:00")],
        );
        assert_eq!(state(&s, local(&s, "2026-01-05T00:00")), Open);
        assert_eq!(state(&s, local(&s, "2026-01-05T23:59")), Open);
        assert_eq!(state(&s, local(&s, "2026-01-06T00:00")), Closed);
        // Wednesday 08:00 to Thursday 08:00.
        assert_eq!(state(&s, local(&s, "2026-01-07T07:59")), Closed);
        assert_eq!(state(&s, local(&s, "2026-01-07T08:00")), Open);
        assert_eq!(state(&s, local(&s, "2026-01-08T07:59")), Open);
        assert_eq!(state(&s, local(&s, "2026-01-08T08:00")), Closed);
    }

    #[test]
    fn new_york_spring_forward_day() {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        let s = hours(
            "America/New_York",
            &[
                (6, "09:00", "17:00"),
                (7, "09:00", "17:00"),
                (7, "01:00", "03:00"),
            ],
        );
        // Saturday is still EST (UTC-5).
        assert_eq!(state(&s, utc("2026-03-07T13:59Z")), Closed);
        assert_eq!(state(&s, utc("2026-03-07T14:00Z")), Open);
        // Sunday 09:00–17:00 is EDT (UTC-4).
        assert_eq!(state(&s, utc("2026-03-08T12:59Z")), Closed);
        assert_eq!(state(&s, utc("2026-03-08T13:00Z")), Open);
        assert_eq!(state(&s, utc("2026-03-08T20:59Z")), Open);
        assert_eq!(state(&s, utc("2026-03-08T21:00Z")), Closed);
        // 01:00–03:00 lasts one real hour: 02:xx does not exist.
        assert_eq!(state(&s, utc("2026-03-08T05:59Z")), Closed);
        assert_eq!(state(&s, utc("2026-03-08T06:00Z")), Open);
        assert_eq!(state(&s, utc("2026-03-08T06:59Z")), Open);
        assert_eq!(state(&s, utc("2026-03-08T07:00Z")), Closed);
    }

    #[test]
    fn new_york_fall_back_day() {
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST, so 01:xx happens twice.
        let s = hours(
            "America/New_York",
            &[(7, "09:00", "17:00"), (7, "01:00", "02:00")],
        );
        assert_eq!(state(&s, utc("2026-11-01T13:59Z")), Closed);
        assert_eq!(state(&s, utc("2026-11-01T14:00Z")), Open);
        assert_eq!(state(&s, utc("2026-11-01T21:59Z")), Open);
        assert_eq!(state(&s, utc("2026-11-01T22:00Z")), Closed);
        // 01:00–02:00 lasts two real hours.
        assert_eq!(state(&s, utc("2026-11-01T04:59Z")), Closed);
        assert_eq!(state(&s, utc("2026-11-01T05:00Z")), Open); // 01:00 EDT
        assert_eq!(state(&s, utc("2026-11-01T06:30Z")), Open); // 01:30 EST
        assert_eq!(state(&s, utc("2026-11-01T07:00Z")), Closed); // 02:00 EST
    }

    #[test]
    fn london_spring_forward_gap() {
        // 2026-03-29: 01:00 GMT jumps to 02:00 BST, so 01:00–03:00 is open 02:00–03:00 BST only.
        let s = hours("Europe/London", &[(7, "01:00", "03:00")]);
        assert_eq!(state(&s, utc("2026-03-29T00:59Z")), Closed);
        assert_eq!(state(&s, utc("2026-03-29T01:00Z")), Open);
        assert_eq!(state(&s, utc("2026-03-29T01:59Z")), Open);
        assert_eq!(state(&s, utc("2026-03-29T02:00Z")), Closed);
    }

    #[test]
    fn london_nine_to_five_on_the_23_hour_day() {
        let s = hours("Europe/London", &[(7, "09:00", "17:00")]);
        // The Sunday before is GMT: 09:00 local is 09:00 UTC.
        assert_eq!(state(&s, utc("2026-03-22T08:59Z")), Closed);
        assert_eq!(state(&s, utc("2026-03-22T09:00Z")), Open);
        // On 2026-03-29 (BST) the same local hours are an hour earlier in UTC.
        assert_eq!(state(&s, utc("2026-03-29T07:59Z")), Closed);
        assert_eq!(state(&s, utc("2026-03-29T08:00Z")), Open);
        assert_eq!(state(&s, utc("2026-03-29T15:59Z")), Open);
        assert_eq!(state(&s, utc("2026-03-29T16:00Z")), Closed);
    }

    #[test]
    fn holiday_beats_weekly_open() {
        let mut s = hours(
            "Europe/London",
            &[(5, "09:00", "17:00"), (1, "09:00", "17:00")],
        );
        s.exceptions = vec![exception(
            "Christmas",
            "2026-12-25",
            "2026-12-26",
            ExceptionMode::Closed,
            None,
        )];
        assert_eq!(
            evaluate(&s, local(&s, "2026-12-25T10:00")),
            ScheduleDecision {
                state: Closed,
                destination: closed_dest(),
                reason: "holiday 'Christmas' (2026-12-25..2026-12-26)".into()
            }
        );
        // Inclusive end date, then back to the weekly plan.
        assert_eq!(state(&s, local(&s, "2026-12-26T23:59")), Closed);
        assert_eq!(state(&s, local(&s, "2026-12-28T10:00")), Open);
        assert_eq!(state(&s, local(&s, "2026-12-18T10:00")), Open);
    }

    #[test]
    fn exception_uses_its_own_destination() {
        let mut s = hours("Europe/London", &[(5, "09:00", "17:00")]);
        s.exceptions = vec![exception(
            "Christmas",
            "2026-12-25",
            "2026-12-25",
            ExceptionMode::Closed,
            Some(Destination::Hangup),
        )];
        let d = evaluate(&s, local(&s, "2026-12-25T10:00"));
        assert_eq!(d.state, Closed);
        assert_eq!(d.destination, Destination::Hangup);
        assert_eq!(d.reason, "holiday 'Christmas' (2026-12-25)");
    }

    #[test]
    fn open_exception_on_a_normally_closed_day() {
        let sales = Destination::RingGroup {
            id: RingGroupId::new(),
        };
        let mut s = hours("Europe/London", &[(1, "09:00", "17:00")]);
        s.exceptions = vec![
            exception(
                "Sale",
                "2026-11-28",
                "2026-11-28",
                ExceptionMode::Open,
                None,
            ),
            exception(
                "Stocktake",
                "2026-12-05",
                "2026-12-05",
                ExceptionMode::Open,
                Some(sales.clone()),
            ),
        ];
        // Saturday with no weekly range: open all day.
        let sale = evaluate(&s, local(&s, "2026-11-28T03:00"));
        assert_eq!(
            (sale.state, sale.destination, sale.reason.as_str()),
            (Open, open_dest(), "special opening 'Sale' (2026-11-28)")
        );
        assert_eq!(state(&s, local(&s, "2026-11-29T10:00")), Closed);
        let stocktake = evaluate(&s, local(&s, "2026-12-05T12:00"));
        assert_eq!((stocktake.state, stocktake.destination), (Open, sales));
    }

    #[test]
    fn narrowest_overlapping_exception_wins() {
        let mut s = hours("Europe/London", &[]);
        s.exceptions = vec![
            exception(
                "Winter closure",
                "2026-12-01",
                "2026-12-31",
                ExceptionMode::Closed,
                None,
            ),
            exception(
                "Party",
                "2026-12-18",
                "2026-12-18",
                ExceptionMode::Open,
                None,
            ),
        ];
        assert_eq!(state(&s, local(&s, "2026-12-18T10:00")), Open);
        assert_eq!(state(&s, local(&s, "2026-12-17T10:00")), Closed);
    }

    #[test]
    fn override_beats_holiday_until_it_lapses() {
        let mut s = hours("Europe/London", &[(5, "09:00", "17:00")]);
        s.exceptions = vec![exception(
            "Christmas",
            "2026-12-25",
            "2026-12-26",
            ExceptionMode::Closed,
            Some(Destination::Hangup),
        )];
        let until = local(&s, "2026-12-25T12:00");
        s.manual_override = Some(ManualOverride {
            mode: OverrideMode::Open,
            until: Some(until.as_millisecond()),
        });
        assert_eq!(
            evaluate(&s, local(&s, "2026-12-25T10:00")),
            ScheduleDecision {
                state: Open,
                destination: open_dest(),
                reason: "override: open until 2026-12-25 12:00 Europe/London".into()
            }
        );
        assert_eq!(
            evaluate(&s, until).reason,
            "holiday 'Christmas' (2026-12-25..2026-12-26)"
        );
    }

    #[test]
    fn open_ended_override_beats_weekly_hours() {
        let mut s = hours("Europe/London", &[(1, "09:00", "17:00")]);
        s.manual_override = Some(ManualOverride {
            mode: OverrideMode::Closed,
            until: None,
        });
        assert_eq!(
            evaluate(&s, local(&s, "2026-01-05T10:00")),
            ScheduleDecision {
                state: Closed,
                destination: closed_dest(),
                reason: "override: closed until switched off".into()
            }
        );
    }

    #[test]
    fn expired_override_is_ignored() {
        let mut s = hours("Europe/London", &[(1, "09:00", "17:00")]);
        s.manual_override = Some(ManualOverride {
            mode: OverrideMode::Closed,
            until: Some(local(&s, "2026-01-05T09:30").as_millisecond()),
        });
        assert_eq!(state(&s, local(&s, "2026-01-05T09:29")), Closed);
        let later = evaluate(&s, local(&s, "2026-01-05T10:00"));
        assert_eq!(later.state, Open);
        assert_eq!(later.reason, "open: Monday 09:00–17:00");
    }

    #[test]
    fn evaluates_on_the_schedule_date_not_the_utc_date() {
        // 23:30 UTC on Monday 2026-01-05 is 08:30 on Tuesday 2026-01-06 in Tokyo.
        let at = utc("2026-01-05T23:30Z");
        let mut s = hours(
            "Asia/Tokyo",
            &[(1, "23:00", "24:00"), (2, "08:00", "09:00")],
        );
        let d = evaluate(&s, at);
        assert_eq!(
            (d.state, d.reason.as_str()),
            (Open, "open: Tuesday 08:00–09:00")
        );

        s.exceptions = vec![exception(
            "Founders' day",
            "2026-01-06",
            "2026-01-06",
            ExceptionMode::Closed,
            None,
        )];
        assert_eq!(state(&s, at), Closed);
        s.exceptions[0].start_date = "2026-01-05".into();
        s.exceptions[0].end_date = "2026-01-05".into();
        assert_eq!(state(&s, at), Open);
    }

    #[test]
    fn validation_names_each_bad_field() {
        let ranges = [
            WeeklyRange {
                weekday: 1,
                start_minute: 540,
                end_minute: 1020,
            },
            WeeklyRange {
                weekday: 8,
                start_minute: 1440,
                end_minute: 1441,
            },
            WeeklyRange {
                weekday: 0,
                start_minute: -1,
                end_minute: -5,
            },
        ];
        let exceptions = [
            exception(
                "Ok",
                "2026-12-25",
                "2026-12-26",
                ExceptionMode::Closed,
                None,
            ),
            exception(" ", "2026-12-26", "2026-12-25", ExceptionMode::Closed, None),
            exception("Bad", "20261225", "2026-02-30", ExceptionMode::Open, None),
            exception("Bad", "2026-12-25T00:00", "", ExceptionMode::Open, None),
        ];
        let errors = validate(&ranges, &exceptions).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "ranges[1].weekday",
                "ranges[1].start_minute",
                "ranges[1].end_minute",
                "ranges[2].weekday",
                "ranges[2].start_minute",
                "ranges[2].end_minute",
                "exceptions[1].name",
                "exceptions[1].end_date",
                "exceptions[2].start_date",
                "exceptions[2].end_date",
                "exceptions[3].start_date",
                "exceptions[3].end_date",
            ]
        );
        assert_eq!(errors[7].message, "must not be before start_date");
        assert_eq!(errors[8].message, "must be a date written YYYY-MM-DD");
    }

    #[test]
    fn validation_accepts_full_days_24_hour_and_overnight_ranges() {
        let ranges = [(1, 0, 1440), (2, 480, 480), (5, 1320, 120), (6, 1439, 0)].map(
            |(weekday, start_minute, end_minute)| WeeklyRange {
                weekday,
                start_minute,
                end_minute,
            },
        );
        let exceptions = [exception(
            "One day",
            "2026-12-25",
            "2026-12-25",
            ExceptionMode::Closed,
            None,
        )];
        assert_eq!(validate(&ranges, &exceptions), Ok(()));
    }
}
