//! Configuration from `OPBX_*` environment variables (ARCHITECTURE §7).

use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

#[derive(Clone)]
pub struct Config {
    /// `OPBX_LISTEN`, only used by `opbx-local`.
    pub listen: SocketAddr,
    /// `OPBX_DATABASE_URL`: `sqlite://…` (embedded) or `mysql://…` (production).
    pub database_url: String,
    pub database_max_connections: u32,
    /// `OPBX_SQL_DEADLINE_MS`: how long a request waits for a database connection before it
    /// goes on without the database (a webhook answers from cached configuration or apologises).
    pub sql_deadline: std::time::Duration,
    /// `OPBX_SQL_STATEMENT_DEADLINE_MS`: how long one statement on a voice webhook's path may take
    /// before the call goes on without the database (and webhooks skip it until a probe finds
    /// it back); a write that misses it still finishes in the background.
    pub sql_statement_deadline: std::time::Duration,
    /// `OPBX_REDIS_URL`; absent means in-process coordination (one process only).
    pub redis_url: Option<String>,
    /// `OPBX_REDIS_DEADLINE_MS`: how long one Redis command may take before the request goes on
    /// without Redis (and Redis is skipped until a probe finds it back).
    pub redis_deadline: std::time::Duration,
    /// `OPBX_ENCRYPTION_KEY`: 32 bytes, base64. `opbx-local` creates a key file when absent.
    pub encryption_key: Option<String>,
    /// `OPBX_UI_ORIGIN`, e.g. `https://pbx.example.com`: the one origin allowed to call the API
    /// from a browser (CORS). Unset: only same-origin pages can (the UI served by opbx-local).
    pub ui_origin: Option<String>,
    /// `OPBX_VOICE_RATE_LIMIT`: new calls per organization per minute before callers hear a busy
    /// message; generous, it only stops a runaway trunk or a flood.
    pub voice_rate_limit: u64,
    pub bootstrap: Bootstrap,
    /// `OPBX_CLOUDONIX_API_URL`, default `https://api.cloudonix.io`; tests point it at a fake.
    pub cloudonix_api_url: String,
    /// `OPBX_PUBLIC_URL`: where Cloudonix reaches this deployment's webhooks (no trailing `/`).
    /// Without it the webhook URLs cannot be shown or provisioned.
    pub public_url: Option<String>,
    pub realtime: crate::realtime::RealtimeConfig,
    /// `OPBX_TRUSTED_PROXIES`: the reverse proxies in front of `opbx-local` whose
    /// `X-Forwarded-For` is believed. Empty: the socket peer is the client.
    pub trusted_proxies: TrustedProxies,
    /// `OPBX_JOBS_QUEUE_URL`: the SQS queue of background jobs; absent means the in-process
    /// queue (`opbx-local` runs the worker itself).
    pub jobs_queue_url: Option<String>,
    /// `OPBX_APP_URL`: where people open the admin UI, the base of the links in invitation and
    /// password-reset mails. Default: `OPBX_UI_ORIGIN`, else `OPBX_PUBLIC_URL`, else
    /// `http://OPBX_LISTEN`.
    pub app_url: String,
    pub mail: MailConfig,
    /// `OPBX_ORGANIZATION_RETENTION_DAYS` (default 30): how long a deleted organization's data
    /// is kept before the purge removes it.
    pub organization_retention_days: u64,
    /// `OPBX_CALL_TRACE_RETENTION_DAYS` (default 30): how long a call's trace is kept from the
    /// call's start.
    pub call_trace_retention_days: u64,
    /// `OPBX_JOB_RETENTION_DAYS` (default 30): how long a finished job's row is kept.
    pub job_retention_days: u64,
    /// How often `opbx-local`'s timer ticks the schedules (in AWS, EventBridge Scheduler does).
    pub schedule: crate::jobs::schedule::LocalSchedule,
    /// `OPBX_MEDIA_BUCKET` (S3) or `OPBX_MEDIA_DIR` (default `opbx-media`): where uploaded audio
    /// is kept.
    pub media: crate::adapters::media::MediaConfig,
}

/// How mail leaves (see `crate::adapters::email`).
#[derive(Clone, Default)]
pub struct MailConfig {
    /// `OPBX_MAIL_TRANSPORT` (`smtp`, `ses` or `outbox`; default `smtp` when `OPBX_SMTP_URL` is
    /// set, else `outbox`).
    pub transport: MailTransport,
    /// `OPBX_MAIL_FROM` (default `OpBX <no-reply@localhost>`).
    pub from: String,
    /// `OPBX_MAIL_DIR`: the outbox writes each message there as a file.
    pub dir: Option<std::path::PathBuf>,
}

/// Where mail goes.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum MailTransport {
    /// Kept in the process and `OPBX_MAIL_DIR` (opbx-local without a mail server).
    #[default]
    Outbox,
    /// `OPBX_SMTP_URL`, e.g. `smtps://user:pass@email-smtp.eu-west-1.amazonaws.com`.
    Smtp(String),
    /// Amazon SES's API with the process's AWS credentials and region.
    Ses,
}

pub const DEFAULT_MAIL_FROM: &str = "OpBX <no-reply@localhost>";
pub const DEFAULT_ORGANIZATION_RETENTION_DAYS: u64 = 30;
pub const DEFAULT_CALL_TRACE_RETENTION_DAYS: u64 =
    (crate::domain::call_trace::RETENTION_MS / 86_400_000) as u64;
pub const DEFAULT_JOB_RETENTION_DAYS: u64 = 30;

/// Addresses and CIDR ranges (`127.0.0.1`, `10.0.0.0/8`, `::1`), comma-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (addr, bits) = item.split_once('/').unwrap_or((item, ""));
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("{item:?} is not an IP address or CIDR range"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                "" => max,
                b => b
                    .parse()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("{item:?} has a bad prefix length"))?,
            };
            nets.push((ip, bits));
        }
        Ok(Self(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|(net, bits)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                prefix_eq(n.to_bits().into(), a.to_bits().into(), *bits, 32)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(n.to_bits(), a.to_bits(), *bits, 128),
            _ => false,
        })
    }
}

fn prefix_eq(a: u128, b: u128, bits: u8, width: u32) -> bool {
    let shift = width - u32::from(bits);
    shift >= width || (a >> shift) == (b >> shift)
}

pub const DEFAULT_VOICE_RATE_LIMIT: u64 = 1200;

/// The first organization and owner, created when the database has no organization yet.
#[derive(Clone)]
pub struct Bootstrap {
    pub organization: String,
    pub timezone: String,
    pub email: String,
    /// `None`: generate one and print it once.
    pub password: Option<String>,
}

impl Bootstrap {
    pub const DEFAULT_ORGANIZATION: &str = "My Company";
    pub const DEFAULT_TIMEZONE: &str = "UTC";
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field(
                "database_url",
                &crate::adapters::sql::redact(&self.database_url),
            )
            .field(
                "redis_url",
                &self.redis_url.as_deref().map(crate::adapters::sql::redact),
            )
            .field(
                "encryption_key",
                &self.encryption_key.as_ref().map(|_| "***"),
            )
            .field("cloudonix_api_url", &self.cloudonix_api_url)
            .field("public_url", &self.public_url)
            .field("app_url", &self.app_url)
            .field(
                "mail_transport",
                &match &self.mail.transport {
                    MailTransport::Outbox => "outbox".to_owned(),
                    MailTransport::Smtp(url) => crate::adapters::sql::redact(url),
                    MailTransport::Ses => "ses".to_owned(),
                },
            )
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `get`, so tests can supply variables without touching the process.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let listen = get("OPBX_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen = listen.parse().map_err(|_| ConfigError {
            var: "OPBX_LISTEN",
            problem: format!("{listen:?} is not an address such as 127.0.0.1:8080"),
        })?;
        let database_url = get("OPBX_DATABASE_URL").unwrap_or_else(|| "sqlite://opbx.db".into());
        if crate::adapters::sql::Dialect::of_url(&database_url).is_none() {
            return Err(ConfigError {
                var: "OPBX_DATABASE_URL",
                problem: "must start with sqlite:// or mysql://".into(),
            });
        }
        let database_max_connections = positive(&get, "OPBX_DATABASE_MAX_CONNECTIONS", 10)?;
        let sql_deadline = millis(
            &get,
            "OPBX_SQL_DEADLINE_MS",
            crate::adapters::sql::DEFAULT_DEADLINE,
        )?;
        let sql_statement_deadline = millis(
            &get,
            "OPBX_SQL_STATEMENT_DEADLINE_MS",
            crate::adapters::sql::DEFAULT_STATEMENT_DEADLINE,
        )?;
        let voice_rate_limit = positive(&get, "OPBX_VOICE_RATE_LIMIT", DEFAULT_VOICE_RATE_LIMIT)?;
        let redis_url = get("OPBX_REDIS_URL");
        let redis_deadline = millis(
            &get,
            "OPBX_REDIS_DEADLINE_MS",
            crate::adapters::redis::connection::DEFAULT_DEADLINE,
        )?;
        if let Some(url) = &redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            return Err(ConfigError {
                var: "OPBX_REDIS_URL",
                problem: "must start with redis:// or rediss://".into(),
            });
        }
        let ui_origin = get("OPBX_UI_ORIGIN")
            .map(|v| {
                parse_origin(&v).ok_or_else(|| ConfigError {
                    var: "OPBX_UI_ORIGIN",
                    problem: format!(
                        "{v:?} is not an origin such as https://pbx.example.com (scheme, host, \
                         optional port; no path)"
                    ),
                })
            })
            .transpose()?;
        let bootstrap = Bootstrap {
            organization: get("OPBX_BOOTSTRAP_ORGANIZATION")
                .unwrap_or_else(|| Bootstrap::DEFAULT_ORGANIZATION.into()),
            timezone: get("OPBX_BOOTSTRAP_TIMEZONE")
                .unwrap_or_else(|| Bootstrap::DEFAULT_TIMEZONE.into()),
            email: get("OPBX_BOOTSTRAP_EMAIL").unwrap_or_else(|| "admin@example.com".into()),
            password: get("OPBX_BOOTSTRAP_PASSWORD"),
        };
        let cloudonix_api_url = http_url(
            "OPBX_CLOUDONIX_API_URL",
            get("OPBX_CLOUDONIX_API_URL")
                .unwrap_or_else(|| crate::adapters::cloudonix::DEFAULT_API_URL.into()),
        )?;
        let public_url = get("OPBX_PUBLIC_URL")
            .map(|url| http_url("OPBX_PUBLIC_URL", url))
            .transpose()?;
        let trusted_proxies = TrustedProxies::parse(
            &get("OPBX_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|problem| ConfigError {
            var: "OPBX_TRUSTED_PROXIES",
            problem,
        })?;
        let app_url = match get("OPBX_APP_URL") {
            Some(url) => http_url("OPBX_APP_URL", url)?,
            None => ui_origin
                .clone()
                .or_else(|| public_url.clone())
                .unwrap_or_else(|| format!("http://{listen}")),
        };
        let mail = MailConfig {
            transport: mail_transport(&get)?,
            from: get("OPBX_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into()),
            dir: get("OPBX_MAIL_DIR").map(Into::into),
        };
        let organization_retention_days = positive(
            &get,
            "OPBX_ORGANIZATION_RETENTION_DAYS",
            DEFAULT_ORGANIZATION_RETENTION_DAYS,
        )?;
        let call_trace_retention_days = positive(
            &get,
            "OPBX_CALL_TRACE_RETENTION_DAYS",
            DEFAULT_CALL_TRACE_RETENTION_DAYS,
        )?;
        let job_retention_days =
            positive(&get, "OPBX_JOB_RETENTION_DAYS", DEFAULT_JOB_RETENTION_DAYS)?;
        let schedule = crate::jobs::schedule::LocalSchedule {
            purge_every: seconds(
                &get,
                "OPBX_PURGE_INTERVAL_SECONDS",
                crate::jobs::schedule::LocalSchedule::DEFAULT.purge_every,
            )?,
            reconcile_every: seconds(
                &get,
                "OPBX_RECONCILE_INTERVAL_SECONDS",
                crate::jobs::schedule::LocalSchedule::DEFAULT.reconcile_every,
            )?,
        };
        let media = match get("OPBX_MEDIA_BUCKET") {
            Some(bucket) => crate::adapters::media::MediaConfig::S3 { bucket },
            None => crate::adapters::media::MediaConfig::Directory(
                get("OPBX_MEDIA_DIR")
                    .unwrap_or_else(|| crate::adapters::media::DEFAULT_MEDIA_DIR.into())
                    .into(),
            ),
        };
        Ok(Self {
            app_url,
            mail,
            media,
            organization_retention_days,
            call_trace_retention_days,
            job_retention_days,
            schedule,
            listen,
            database_url,
            database_max_connections,
            sql_deadline,
            sql_statement_deadline,
            redis_url,
            redis_deadline,
            encryption_key: get("OPBX_ENCRYPTION_KEY"),
            ui_origin,
            voice_rate_limit,
            bootstrap,
            cloudonix_api_url,
            public_url,
            realtime: crate::realtime::RealtimeConfig::from_lookup(&get)?,
            trusted_proxies,
            jobs_queue_url: get("OPBX_JOBS_QUEUE_URL")
                .map(|url| http_url("OPBX_JOBS_QUEUE_URL", url))
                .transpose()?,
        })
    }
}

/// `scheme://host[:port]` as browsers send it in `Origin`, lower-cased, without a trailing slash.
fn parse_origin(value: &str) -> Option<String> {
    let value = value.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = value.split_once("://")?;
    let host_ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    (matches!(scheme, "http" | "https") && host_ok).then_some(value)
}

/// `OPBX_MAIL_TRANSPORT`, checked against `OPBX_SMTP_URL`: a URL that would not be used is a
/// mistake worth stopping for, not something to ignore.
fn mail_transport(get: &impl Fn(&str) -> Option<String>) -> Result<MailTransport, ConfigError> {
    let smtp_url = get("OPBX_SMTP_URL");
    let problem = |problem: &str| ConfigError {
        var: "OPBX_MAIL_TRANSPORT",
        problem: problem.into(),
    };
    match (get("OPBX_MAIL_TRANSPORT").as_deref(), smtp_url) {
        (None | Some("smtp"), Some(url)) => Ok(MailTransport::Smtp(url)),
        (Some("smtp"), None) => Err(problem("smtp needs OPBX_SMTP_URL")),
        (None | Some("outbox"), None) => Ok(MailTransport::Outbox),
        (Some("ses"), None) => Ok(MailTransport::Ses),
        (Some("ses" | "outbox"), Some(_)) => Err(problem(
            "OPBX_SMTP_URL is set but would not be used; unset it or choose smtp",
        )),
        (Some(other), _) => Err(problem(&format!(
            "{other:?} is not one of smtp, ses, outbox"
        ))),
    }
}

/// A positive number of milliseconds in `var`, else `default`.
fn millis(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: std::time::Duration,
) -> Result<std::time::Duration, ConfigError> {
    let default = u64::try_from(default.as_millis()).unwrap_or(u64::MAX);
    positive(get, var, default).map(std::time::Duration::from_millis)
}

fn positive<T: std::str::FromStr + PartialOrd + Default>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match get(var) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| *n > T::default())
            .ok_or_else(|| ConfigError {
                var,
                problem: format!("{v:?} is not a positive number"),
            }),
    }
}

/// A positive number of seconds.
fn seconds(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: std::time::Duration,
) -> Result<std::time::Duration, ConfigError> {
    positive(get, var, default.as_secs()).map(std::time::Duration::from_secs)
}

/// An absolute `http(s)://host[/prefix]` URL without query or trailing `/`, so paths can be
/// appended to it.
fn http_url(var: &'static str, url: String) -> Result<String, ConfigError> {
    let url = url.trim().trim_end_matches('/').to_owned();
    let problem = |what: &str| ConfigError {
        var,
        problem: format!("{url:?} {what}"),
    };
    let uri: hyper::Uri = url
        .parse()
        .map_err(|_| problem("is not a URL such as https://pbx.example.com"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
        return Err(problem("must be an absolute http:// or https:// URL"));
    }
    if uri.query().is_some() || url.contains('#') {
        return Err(problem("must not have a query or fragment"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let c = config(&[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://opbx.db");
        assert_eq!(c.redis_url, None);
        assert_eq!(c.bootstrap.password, None);
        assert_eq!(c.cloudonix_api_url, "https://api.cloudonix.io");
        assert_eq!(c.public_url, None);
        assert_eq!(c.ui_origin, None);
    }

    #[test]
    fn mail_goes_where_the_transport_says_and_an_unused_smtp_url_is_refused() {
        let transport = |vars: &[(&str, &str)]| config(vars).map(|c| c.mail.transport);
        let url = "smtp://relay:25";
        assert!(transport(&[]).unwrap() == MailTransport::Outbox);
        assert!(transport(&[("OPBX_SMTP_URL", url)]).unwrap() == MailTransport::Smtp(url.into()));
        assert!(transport(&[("OPBX_MAIL_TRANSPORT", "ses")]).unwrap() == MailTransport::Ses);
        for bad in [
            &[("OPBX_MAIL_TRANSPORT", "smtp")][..],
            &[("OPBX_MAIL_TRANSPORT", "ses"), ("OPBX_SMTP_URL", url)],
            &[("OPBX_MAIL_TRANSPORT", "pigeon")],
        ] {
            assert_eq!(
                transport(bad).err().map(|e| e.var),
                Some("OPBX_MAIL_TRANSPORT"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn ui_origin_is_an_origin() {
        let c = config(&[("OPBX_UI_ORIGIN", "https://PBX.example.com:8443/")]).unwrap();
        assert_eq!(c.ui_origin.as_deref(), Some("https://pbx.example.com:8443"));
        for bad in [
            "pbx.example.com",
            "https://pbx.example.com/app",
            "ftp://x",
            "*",
        ] {
            assert_eq!(
                config(&[("OPBX_UI_ORIGIN", bad)]).unwrap_err().var,
                "OPBX_UI_ORIGIN",
                "{bad}"
            );
        }
    }

    #[test]
    fn urls_are_absolute_and_lose_their_trailing_slash() {
        let c = config(&[
            ("OPBX_PUBLIC_URL", "https://pbx.example.com/prod/"),
            ("OPBX_CLOUDONIX_API_URL", "http://127.0.0.1:9000"),
        ])
        .unwrap();
        assert_eq!(
            c.public_url.as_deref(),
            Some("https://pbx.example.com/prod")
        );
        assert_eq!(c.cloudonix_api_url, "http://127.0.0.1:9000");
        for bad in [
            "pbx.example.com",
            "ftp://pbx.example.com",
            "https://x.com/?a=1",
        ] {
            assert_eq!(
                config(&[("OPBX_PUBLIC_URL", bad)]).unwrap_err().var,
                "OPBX_PUBLIC_URL",
                "{bad}"
            );
        }
        assert_eq!(
            config(&[("OPBX_CLOUDONIX_API_URL", "api.cloudonix.io")])
                .unwrap_err()
                .var,
            "OPBX_CLOUDONIX_API_URL"
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_and_ranges() {
        let t = config(&[("OPBX_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")])
            .unwrap()
            .trusted_proxies;
        for ip in ["127.0.0.1", "10.20.30.40", "::1", "::ffff:10.0.0.1"] {
            assert!(t.contains(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["127.0.0.2", "11.0.0.1", "::2", "192.168.1.1"] {
            assert!(!t.contains(ip.parse().unwrap()), "{ip}");
        }
        assert!(
            TrustedProxies::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert_eq!(
            config(&[]).unwrap().trusted_proxies,
            TrustedProxies::default()
        );
        for bad in ["localhost", "10.0.0.0/33", "1.2.3.4/x"] {
            assert_eq!(
                config(&[("OPBX_TRUSTED_PROXIES", bad)]).unwrap_err().var,
                "OPBX_TRUSTED_PROXIES",
                "{bad}"
            );
        }
    }

    #[test]
    fn production_stores_are_selected_by_url() {
        let c = config(&[
            ("OPBX_DATABASE_URL", "mysql://opbx:pw@db:3306/opbx"),
            ("OPBX_REDIS_URL", "redis://cache:6379/"),
        ])
        .unwrap();
        assert_eq!(c.database_url, "mysql://opbx:pw@db:3306/opbx");
        assert_eq!(c.redis_url.as_deref(), Some("redis://cache:6379/"));
        assert!(
            !format!("{c:?}").contains(":pw@"),
            "Debug output must not reveal passwords"
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            config(&[("OPBX_LISTEN", "eighty")]).unwrap_err().var,
            "OPBX_LISTEN"
        );
        assert_eq!(
            config(&[("OPBX_DATABASE_URL", "postgres://x")])
                .unwrap_err()
                .var,
            "OPBX_DATABASE_URL"
        );
        assert_eq!(
            config(&[("OPBX_REDIS_URL", "localhost:6379")])
                .unwrap_err()
                .var,
            "OPBX_REDIS_URL"
        );
        assert_eq!(
            config(&[("OPBX_DATABASE_MAX_CONNECTIONS", "0")])
                .unwrap_err()
                .var,
            "OPBX_DATABASE_MAX_CONNECTIONS"
        );
        assert_eq!(
            config(&[("OPBX_VOICE_RATE_LIMIT", "-5")]).unwrap_err().var,
            "OPBX_VOICE_RATE_LIMIT"
        );
        assert_eq!(
            config(&[("OPBX_VOICE_RATE_LIMIT", "50")])
                .unwrap()
                .voice_rate_limit,
            50
        );
    }
}
