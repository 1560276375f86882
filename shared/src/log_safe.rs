//! Values from outside (a `CallSid`, a session token) in log lines. Written with `%` they would
//! appear raw, so a newline in one forges a whole line in `opbx-local`'s text logs; through
//! [`Untrusted`] control characters are escaped (`\n`) and a very long value is cut.

use std::fmt;

/// Longest part of a caller-supplied value a log line shows.
const MAX_CHARS: usize = 256;

/// `tracing::warn!(call = %Untrusted(&call_sid), …)`.
pub struct Untrusted<'a>(pub &'a str);

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars().take(MAX_CHARS) {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        if self.0.chars().nth(MAX_CHARS).is_some() {
            f.write_str("…")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_long_values_cut() {
        let forged = "CA1\n2026-01-01T00:00:00Z  INFO opbx: forged\r\u{1b}[31m";
        let shown = Untrusted(forged).to_string();
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert!(shown.starts_with("CA1\\n2026"), "{shown}");
        assert_eq!(Untrusted("CA-ünïcode").to_string(), "CA-ünïcode");
        assert_eq!(Untrusted(&"x".repeat(300)).to_string().chars().count(), 257);
    }
}
