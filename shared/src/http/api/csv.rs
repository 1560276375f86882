//! CSV for spreadsheet exports: RFC 4180 records (fields with a comma, quote, CR or LF are
//! quoted, quotes doubled, CRLF line ends), with every cell neutralised against formula
//! injection: a cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
//! `@`, a tab or a CR) gets a leading `'`, which spreadsheets show as "this is text". Call data
//! is attacker-controlled (a caller picks their caller name), so no cell is exempt. E.164
//! numbers start with `+` and therefore read `'+12125550100`.

/// Appends one record to `out`.
pub fn record<S: AsRef<str>>(out: &mut String, cells: impl IntoIterator<Item = S>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, cell.as_ref());
    }
    out.push_str("\r\n");
}

fn field(out: &mut String, value: &str) {
    let neutralise = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if neutralise {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> String {
        let mut out = String::new();
        record(&mut out, cells);
        out
    }

    #[test]
    fn plain_fields_stay_bare_and_records_end_in_crlf() {
        assert_eq!(
            line(&["a", "", "101", "Ada Lovelace"]),
            "a,,101,Ada Lovelace\r\n"
        );
    }

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(
            line(&["Smith, John", "say \"hi\"", "two\nlines", "cr\rhere"]),
            "\"Smith, John\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\"\r\n"
        );
    }

    #[test]
    fn formula_starts_are_neutralised() {
        assert_eq!(
            line(&["+12125550100", "=1+2", "-5", "@SUM(A1)", "\tx", "a=b"]),
            "'+12125550100,'=1+2,'-5,'@SUM(A1),'\tx,a=b\r\n"
        );
        // Neutralised and quoted at once: the mark goes inside the quotes.
        assert_eq!(
            line(&["=HYPERLINK(\"http://x\",\"y\")", "\rz"]),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'\rz\"\r\n"
        );
    }
}
