//! Where Cloudonix is to call back: the absolute prefix (`https://host[/stage]`) of the `action`
//! and `<Redirect>` URLs a voice answer carries. Cloudonix documents only absolute `<Redirect>`
//! targets and never says which URL a relative `action` resolves against after a callback
//! (reference cloudonix-fidelity.md R1, R2), so answers carry absolute URLs.
//!
//! Sources, most trusted first:
//! 1. `OPBX_PUBLIC_URL`: the operator's own statement, right behind CloudFront, a custom domain or
//!    a tunnel;
//! 2. on Lambda, API Gateway's request context: the domain name it served the request on (one of
//!    the API's own domains, whatever the client sent) and, on the `execute-api` domain, the stage
//!    when it is not `$default`;
//! 3. otherwise the request's `Host` (`opbx-local`), as plain `http`, and only when it is a
//!    well-formed `host[:port]`.
//!
//! `X-Forwarded-Host` and `X-Forwarded-Proto` are never read: any client can send them, and the
//! value would become the address Cloudonix follows for the rest of the call. Behind a proxy that
//! terminates TLS, set `OPBX_PUBLIC_URL`.

use axum::http::{HeaderMap, Uri, header};
use lambda_http::request::RequestContext;

/// The callback prefix for a request, `None` when nothing trustworthy names it (the answer then
/// falls back to relative URLs).
pub fn callback_base(
    public_url: Option<&str>,
    context: Option<&RequestContext>,
    headers: &HeaderMap,
    uri: &Uri,
) -> Option<String> {
    if let Some(url) = public_url {
        return Some(url.trim_end_matches('/').to_owned());
    }
    if let Some(base) = context.and_then(api_gateway_base) {
        return Some(base);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))?;
    well_formed_host(host).then(|| format!("http://{host}"))
}

fn api_gateway_base(context: &RequestContext) -> Option<String> {
    let (domain, stage) = match context {
        RequestContext::ApiGatewayV2(c) => (c.domain_name.as_deref(), c.stage.as_deref()),
        RequestContext::ApiGatewayV1(c) => (c.domain_name.as_deref(), c.stage.as_deref()),
        _ => return None,
    };
    let domain = domain.filter(|d| well_formed_host(d))?;
    // A custom domain maps the stage away (its base path is not in the context): only the
    // `execute-api` address carries the stage in its path.
    let on_execute_api = domain.ends_with(".amazonaws.com");
    Some(match stage {
        Some(stage) if on_execute_api && stage != "$default" && !stage.is_empty() => {
            format!("https://{domain}/{stage}")
        }
        _ => format!("https://{domain}"),
    })
}

/// `name[:port]` or `[v6]:port`: nothing that could add a path, a query or user information.
fn well_formed_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && !host.starts_with(['.', '-', ':'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;

    fn host(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, value.parse().unwrap());
        h
    }

    fn gateway(domain: &str, stage: &str) -> RequestContext {
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.domain_name = Some(domain.into());
        context.stage = Some(stage.into());
        RequestContext::ApiGatewayV2(context)
    }

    const PATH: &str = "/webhooks/cloudonix/voice";

    #[test]
    fn the_public_url_wins_over_everything_the_request_says() {
        let ctx = gateway("abc.execute-api.eu-west-1.amazonaws.com", "$default");
        assert_eq!(
            callback_base(
                Some("https://pbx.example.com/prod/"),
                Some(&ctx),
                &host("evil.example"),
                &Uri::from_static(PATH)
            )
            .as_deref(),
            Some("https://pbx.example.com/prod")
        );
    }

    #[test]
    fn on_lambda_the_gateway_domain_and_stage_are_used_not_the_host() {
        let uri = Uri::from_static(PATH);
        let evil = host("evil.example");
        let base = |domain, stage| callback_base(None, Some(&gateway(domain, stage)), &evil, &uri);
        assert_eq!(
            base("abc.execute-api.eu-west-1.amazonaws.com", "$default").as_deref(),
            Some("https://abc.execute-api.eu-west-1.amazonaws.com")
        );
        assert_eq!(
            base("abc.execute-api.eu-west-1.amazonaws.com", "prod").as_deref(),
            Some("https://abc.execute-api.eu-west-1.amazonaws.com/prod")
        );
        assert_eq!(
            base("pbx.example.com", "prod").as_deref(),
            Some("https://pbx.example.com"),
            "a custom domain maps the stage away"
        );
    }

    #[test]
    fn locally_a_well_formed_host_is_used_and_forwarded_headers_are_not() {
        let uri = Uri::from_static(PATH);
        let mut headers = host("127.0.0.1:18200");
        headers.insert("x-forwarded-host", "evil.example".parse().unwrap());
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(
            callback_base(None, None, &headers, &uri).as_deref(),
            Some("http://127.0.0.1:18200")
        );
        for bad in [
            "evil.example/x?",
            "user@evil.example",
            "a b",
            "",
            "-x",
            "é.example",
        ] {
            let headers = match bad.parse() {
                Ok(value) => HeaderMap::from_iter([(header::HOST, value)]),
                Err(_) => continue,
            };
            assert_eq!(callback_base(None, None, &headers, &uri), None, "{bad:?}");
        }
        assert_eq!(
            callback_base(
                None,
                None,
                &HeaderMap::new(),
                &Uri::from_static("http://[::1]:18201/webhooks/cloudonix/voice")
            )
            .as_deref(),
            Some("http://[::1]:18201"),
            "HTTP/2 carries the host in the URI"
        );
        assert_eq!(callback_base(None, None, &HeaderMap::new(), &uri), None);
    }
}
