//! The call state machine: initiated → ringing → answered → completed, or one of the unsuccessful
//! ends (busy, no_answer, failed, canceled).
//!
//! Cloudonix sends about ten session updates per call, may send them twice and does not promise
//! their order (cloudonix.md §3.2), then exactly one CDR, the authoritative record (§3.3). So a
//! late or repeated update must never move a call backwards, and only the CDR may correct how a
//! call ended.

use super::model::CallStatus;

/// Where an observed status comes from; the CDR outranks session updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    SessionUpdate,
    Cdr,
}

impl CallStatus {
    /// An ended call: nothing but its CDR changes it any more.
    pub fn is_terminal(self) -> bool {
        !matches!(
            self,
            CallStatus::Initiated | CallStatus::Ringing | CallStatus::Answered
        )
    }

    /// Position on the way to an end; every end shares the last position.
    fn progress(self) -> u8 {
        match self {
            CallStatus::Initiated => 0,
            CallStatus::Ringing => 1,
            CallStatus::Answered => 2,
            _ => 3,
        }
    }
}

/// The status a Cloudonix session status stands for, `None` for one we do not know (it is then
/// ignored, not an error). `ended` is true when the update carries the call's end time: an
/// answered session that has ended is a completed call.
///
/// `external` means the session continues outside the application (for example bridged to a
/// trunk); it says no more than that the call exists, hence `Initiated`, which never moves a call.
pub fn from_session_status(status: &str, ended: bool) -> Option<CallStatus> {
    let status = match status.trim().to_ascii_lowercase().as_str() {
        "new" | "processing" | "external" => CallStatus::Initiated,
        "ringing" => CallStatus::Ringing,
        "connected" | "answer" | "answered" => CallStatus::Answered,
        "noanswer" | "no-answer" | "no_answer" => CallStatus::NoAnswer,
        "busy" => CallStatus::Busy,
        "cancel" | "canceled" | "cancelled" => CallStatus::Canceled,
        "nocredit" | "error" | "congestion" | "failed" => CallStatus::Failed,
        "completed" => CallStatus::Completed,
        _ => return None,
    };
    Some(if ended && status == CallStatus::Answered {
        CallStatus::Completed
    } else {
        status
    })
}

/// The final status a CDR disposition (`ANSWER`, `BUSY`, `CANCEL`, `FAILED`, `CONGESTION`,
/// `NOANSWER`) stands for. An unknown disposition still ends the call, as failed: the CDR is the
/// last word Cloudonix sends about a session.
pub fn from_disposition(disposition: &str) -> CallStatus {
    match disposition
        .trim()
        .to_ascii_uppercase()
        .replace(['-', '_', ' '], "")
        .as_str()
    {
        "ANSWER" | "ANSWERED" => CallStatus::Completed,
        "BUSY" => CallStatus::Busy,
        "NOANSWER" => CallStatus::NoAnswer,
        "CANCEL" | "CANCELED" | "CANCELLED" => CallStatus::Canceled,
        _ => CallStatus::Failed,
    }
}

/// The status a call moves to when `observed` arrives while it is `current`; `None` when the
/// observation changes nothing (a duplicate, a late update, or a move the machine forbids).
pub fn advance(current: CallStatus, observed: CallStatus, source: Source) -> Option<CallStatus> {
    if observed == current {
        return None;
    }
    let allowed = match source {
        // The CDR is authoritative, so it may correct how a call ended, but it only ever ends one.
        Source::Cdr => observed.is_terminal(),
        Source::SessionUpdate if current.is_terminal() => false,
        Source::SessionUpdate => match observed {
            CallStatus::Initiated | CallStatus::Ringing | CallStatus::Answered => {
                observed.progress() > current.progress()
            }
            // A completed call was answered, even if the answer update has not arrived yet.
            CallStatus::Completed | CallStatus::Failed => true,
            // Once answered, busy / no answer / cancel describe some other leg (a ring-group
            // member), not this call.
            CallStatus::Busy | CallStatus::NoAnswer | CallStatus::Canceled => {
                current != CallStatus::Answered
            }
        },
    };
    allowed.then_some(observed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallStatus::*;

    const ACTIVE: [CallStatus; 3] = [Initiated, Ringing, Answered];
    const ENDS: [CallStatus; 5] = [Completed, Busy, NoAnswer, Failed, Canceled];

    fn run(events: &[(CallStatus, Source)]) -> Vec<CallStatus> {
        let mut status = Initiated;
        let mut seen = vec![status];
        for (observed, source) in events {
            if let Some(next) = advance(status, *observed, *source) {
                status = next;
                seen.push(status);
            }
        }
        seen
    }

    #[test]
    fn every_cloudonix_session_status_has_a_meaning() {
        let expected = [
            ("new", Initiated),
            ("processing", Initiated),
            ("ringing", Ringing),
            ("connected", Answered),
            ("answer", Answered),
            ("noanswer", NoAnswer),
            ("busy", Busy),
            ("nocredit", Failed),
            ("cancel", Canceled),
            ("external", Initiated),
            ("error", Failed),
            ("congestion", Failed),
            ("failed", Failed),
        ];
        for (text, status) in expected {
            assert_eq!(from_session_status(text, false), Some(status), "{text}");
        }
        assert_eq!(from_session_status("Ringing ", false), Some(Ringing));
        assert_eq!(from_session_status("teleported", false), None);
    }

    #[test]
    fn an_answered_session_that_ended_is_completed() {
        assert_eq!(from_session_status("answer", true), Some(Completed));
        assert_eq!(from_session_status("connected", true), Some(Completed));
        assert_eq!(from_session_status("ringing", true), Some(Ringing));
        assert_eq!(from_session_status("busy", true), Some(Busy));
    }

    #[test]
    fn cdr_dispositions_end_the_call() {
        assert_eq!(from_disposition("ANSWER"), Completed);
        assert_eq!(from_disposition("BUSY"), Busy);
        assert_eq!(from_disposition("NOANSWER"), NoAnswer);
        assert_eq!(from_disposition("no-answer"), NoAnswer);
        assert_eq!(from_disposition("CANCEL"), Canceled);
        assert_eq!(from_disposition("FAILED"), Failed);
        assert_eq!(from_disposition("CONGESTION"), Failed);
        assert_eq!(from_disposition("???"), Failed);
    }

    #[test]
    fn the_happy_path_runs_forward() {
        use Source::SessionUpdate as S;
        assert_eq!(
            run(&[(Ringing, S), (Answered, S), (Completed, S)]),
            vec![Initiated, Ringing, Answered, Completed]
        );
    }

    #[test]
    fn duplicates_and_late_updates_never_move_a_call_backwards() {
        use Source::SessionUpdate as S;
        // Every order of ringing, answer, ringing (again) and end.
        let events = [Ringing, Answered, Ringing, Completed];
        let mut orders: Vec<Vec<usize>> = vec![vec![]];
        for _ in 0..events.len() {
            orders = orders
                .iter()
                .flat_map(|order| {
                    (0..events.len())
                        .filter(|i| !order.contains(i))
                        .map(|i| [order.as_slice(), &[i]].concat())
                })
                .collect();
        }
        assert_eq!(orders.len(), 24);
        for order in orders {
            let seen = run(&order.iter().map(|&i| (events[i], S)).collect::<Vec<_>>());
            assert!(
                seen.windows(2).all(|w| w[0].progress() < w[1].progress()),
                "{order:?} gave {seen:?}"
            );
            assert_eq!(seen.last(), Some(&Completed), "{order:?} gave {seen:?}");
        }
    }

    #[test]
    fn session_updates_never_reopen_or_rewrite_an_ended_call() {
        for end in ENDS {
            for observed in ACTIVE.into_iter().chain(ENDS) {
                assert_eq!(advance(end, observed, Source::SessionUpdate), None);
            }
        }
    }

    #[test]
    fn once_answered_only_completion_or_failure_ends_the_call() {
        let s = Source::SessionUpdate;
        assert_eq!(advance(Answered, Completed, s), Some(Completed));
        assert_eq!(advance(Answered, Failed, s), Some(Failed));
        for leg in [Busy, NoAnswer, Canceled] {
            assert_eq!(advance(Answered, leg, s), None, "{leg}");
            assert_eq!(advance(Ringing, leg, s), Some(leg), "{leg}");
            assert_eq!(advance(Initiated, leg, s), Some(leg), "{leg}");
        }
    }

    #[test]
    fn the_cdr_ends_any_call_and_corrects_the_ending() {
        let c = Source::Cdr;
        for current in ACTIVE {
            for end in ENDS {
                assert_eq!(advance(current, end, c), Some(end));
            }
        }
        assert_eq!(advance(Failed, Completed, c), Some(Completed));
        assert_eq!(advance(Completed, Completed, c), None);
        assert_eq!(advance(Completed, Answered, c), None, "a CDR never reopens");
    }
}
