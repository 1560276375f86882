//! The input rules of the configuration resources, one small function or constant each, so the
//! API, the OpenAPI document (`minimum`/`maximum`) and the SPA's forms state the same limits.
//! Checks that need the store (destinations, members, linked users) live with their resource;
//! the rules here are pure.

use std::collections::HashSet;
use std::hash::Hash;
use std::ops::RangeInclusive;

use axum::http::Uri;

/// Longest name of a configuration object (extension, ring group, menu, …).
pub const NAME_MAX: usize = 100;
/// Seconds an extension rings before its no-answer destination takes over.
pub const NO_ANSWER_TIMEOUT: RangeInclusive<i32> = 5..=120;
/// Seconds each ring-group member rings.
pub const MEMBER_TIMEOUT: RangeInclusive<i32> = 5..=120;
/// Passes over a ring group's member list before its fallback.
pub const ROUNDS: RangeInclusive<i32> = 1..=10;
/// Most members of one ring group.
pub const MAX_MEMBERS: usize = 50;
/// Seconds an IVR menu waits for the caller's first digit.
pub const DIGIT_TIMEOUT: RangeInclusive<i32> = 1..=30;
/// Invalid entries and timeouts an IVR menu tolerates before its invalid/timeout destination.
pub const IVR_RETRIES: RangeInclusive<i32> = 1..=10;
/// Most options of one IVR menu.
pub const MAX_OPTIONS: usize = 50;
/// Most weekly ranges and exceptions of one schedule.
pub const MAX_RANGES: usize = 50;
pub const MAX_EXCEPTIONS: usize = 100;
/// Participants of one conference room.
pub const MAX_PARTICIPANTS: RangeInclusive<i32> = 2..=250;
/// Leading digits an outbound route removes.
pub const STRIP_DIGITS: RangeInclusive<i32> = 0..=15;
/// Priorities of outbound routes (lower is tried first).
pub const PRIORITY: RangeInclusive<i32> = 0..=10_000;
/// Longest spoken text (prompts, greetings).
pub const SPEECH_MAX: usize = 1000;
/// Longest audio URL.
pub const URL_MAX: usize = 2048;
/// Largest recording upload: what a Lambda's 6 MB request takes once base64-encoded.
pub const RECORDING_MAX_BYTES: usize = 4 * 1024 * 1024;
/// Longest recording, in milliseconds (ten minutes).
pub const RECORDING_MAX_MS: u64 = 10 * 60 * 1000;

/// A SIP password: phones and Cloudonix store it as typed, so it is plain visible ASCII with
/// nothing that needs quoting in a SIP digest header.
pub fn sip_password(p: &str) -> Result<(), &'static str> {
    let len = p.chars().count();
    if !(12..=64).contains(&len) {
        return Err("must be 12 to 64 characters");
    }
    if !p
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
    {
        return Err("may contain only visible ASCII characters, without \" or \\");
    }
    Ok(())
}

/// An audio file Cloudonix fetches while the call waits: an absolute `https://` URL (plain
/// http would let anyone on the path swap the prompt).
pub fn https_url(url: &str) -> Result<(), &'static str> {
    if url.len() > URL_MAX {
        return Err("must be at most 2048 characters");
    }
    let parsed: Uri = url
        .parse()
        .map_err(|_| "must be a URL such as https://cdn.example.com/menu.mp3")?;
    if parsed.scheme_str() != Some("https") || parsed.host().is_none_or(str::is_empty) {
        return Err("must be an https:// URL");
    }
    Ok(())
}

/// A voicemail greeting: an `https://` audio URL to play, or text to speak.
pub fn greeting(text: &str) -> Result<(), &'static str> {
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        https_url(text)
    } else if text.chars().count() > SPEECH_MAX {
        Err("must be at most 1000 characters")
    } else {
        Ok(())
    }
}

/// The keys that choose an IVR option: 1 to 4 of `0-9 * #`.
pub fn ivr_digits(digits: &str) -> Result<(), &'static str> {
    if (1..=4).contains(&digits.len())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
    {
        Ok(())
    } else {
        Err("must be 1 to 4 of the keys 0-9, * and #")
    }
}

/// A conference PIN: 4 to 10 digits, as typed on a keypad.
pub fn pin(pin: &str) -> Result<(), &'static str> {
    if (4..=10).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("must be 4 to 10 digits")
    }
}

/// What an outbound route puts before the dialled digits: digits, optionally after one `+`.
pub fn prepend(text: &str) -> Result<(), &'static str> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if text.len() <= 16 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("may contain only digits, optionally after a leading +, at most 16 characters")
    }
}

/// Positions of the items that repeat an earlier one.
pub fn repeats<T: Eq + Hash>(items: impl IntoIterator<Item = T>) -> Vec<usize> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| (!seen.insert(item)).then_some(i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_passwords_are_long_visible_ascii() {
        assert!(sip_password("Amber3Falcon7River!4").is_ok());
        assert!(sip_password("short").is_err());
        assert!(sip_password(&"x".repeat(65)).is_err());
        assert!(sip_password("has a space in it").is_err());
        assert!(sip_password("quote\"quote\"quote").is_err());
        assert!(sip_password("ünïcödé-pässwörd").is_err());
    }

    #[test]
    fn audio_must_come_over_https() {
        assert!(https_url("https://cdn.example.com/menu.mp3").is_ok());
        assert!(https_url("http://cdn.example.com/menu.mp3").is_err());
        assert!(https_url("https://").is_err());
        assert!(https_url("cdn.example.com/menu.mp3").is_err());
        assert!(https_url("javascript:alert(1)").is_err());
        assert!(https_url(&format!("https://x.example/{}", "a".repeat(URL_MAX))).is_err());
    }

    #[test]
    fn greetings_are_https_audio_or_text() {
        assert!(greeting("You have reached Ann; leave a message.").is_ok());
        assert!(greeting("https://cdn.example.com/ann.mp3").is_ok());
        assert!(greeting("HTTP://cdn.example.com/ann.mp3").is_err());
        assert!(greeting(&"a".repeat(SPEECH_MAX + 1)).is_err());
    }

    #[test]
    fn keypad_rules() {
        for ok in ["1", "0", "*", "#", "12", "9*#0"] {
            assert!(ivr_digits(ok).is_ok(), "{ok}");
        }
        for bad in ["", "12345", "a", "1 ", "+1"] {
            assert!(ivr_digits(bad).is_err(), "{bad}");
        }
        assert!(pin("1234").is_ok() && pin("0123456789").is_ok());
        for bad in ["123", "12345678901", "12a4", ""] {
            assert!(pin(bad).is_err(), "{bad}");
        }
        for ok in ["", "+", "+44", "0", "9011"] {
            assert!(prepend(ok).is_ok(), "{ok}");
        }
        for bad in ["++4", "4+", "44 ", "#", &"1".repeat(17)] {
            assert!(prepend(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn repeats_name_the_later_copies() {
        assert_eq!(repeats(["a", "b", "a", "c", "b", "a"]), [2, 4, 5]);
        assert!(repeats(Vec::<u8>::new()).is_empty());
    }
}
