//! What an admin may enter as a Cloudonix domain and API key. Both end up in request paths and
//! headers, so anything that could change which resource a request addresses is refused here,
//! with a message the settings form can show.

/// A domain name (`acme.cloudonix.net`), numeric id or UUID, as Cloudonix accepts each in paths.
pub fn check_domain(input: &str) -> Result<String, &'static str> {
    let domain = input.trim();
    if domain.is_empty() {
        return Err("must not be empty");
    }
    if domain.len() > 253 {
        return Err("must be at most 253 characters");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    if !domain.chars().all(allowed) || domain.starts_with(['.', '-']) || domain.contains("..") {
        return Err(
            "must be a Cloudonix domain name such as acme.cloudonix.net, its numeric id or its UUID",
        );
    }
    Ok(domain.to_owned())
}

/// Cloudonix keys are 34 characters starting `XI`; other lengths are accepted in case a key
/// kind differs, but never whitespace or characters a header cannot carry.
pub fn check_api_key(input: &str) -> Result<String, &'static str> {
    let key = input.trim();
    if key.len() < 16 || key.len() > 256 {
        return Err("must be 16 to 256 characters (Cloudonix keys are 34, starting XI)");
    }
    if !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err("must contain only printable characters without spaces");
    }
    Ok(key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_names_ids_or_uuids() {
        for ok in [
            "acme.cloudonix.net",
            " Acme.Cloudonix.NET ",
            "12345",
            "0b6bbcd4-8f6a-4d43-9a5a-2f5d1f9a3c11",
        ] {
            assert_eq!(check_domain(ok), Ok(ok.trim().to_owned()), "{ok}");
        }
        for bad in [
            "",
            "../apikeys",
            "a/b",
            "acme..net",
            ".acme",
            "a b",
            "ácme.net",
        ] {
            assert!(check_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_fit_in_a_header() {
        assert_eq!(
            check_api_key(" XI0123456789abcdefghijklmnopqrstuv\n"),
            Ok("XI0123456789abcdefghijklmnopqrstuv".into())
        );
        assert!(check_api_key("short").is_err());
        assert!(check_api_key("XI0123456789 abcdefghijklmnopqrstu").is_err());
        assert!(check_api_key("XI0123456789\u{7}abcdefghijklmnopqrstu").is_err());
    }
}
