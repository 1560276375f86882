//! Sign-in throttling that an attacker cannot turn against the account's owner (OWASP ASVS 5.0
//! V6.1.1 and V6.3.1: brute force and credential stuffing are slowed, and the controls must not
//! allow malicious account lockout). Organization users and platform operators pass through the
//! same rules, counted apart (each door has its own counters).
//!
//! Only failed attempts count, in windows of [`SIGN_IN_WINDOW`]:
//! - per account and client address: [`FAILURES_PER_ACCOUNT_AND_ADDRESS`], then that address is
//!   refused for that account until the window ends;
//! - per client address, whatever the accounts: [`FAILURES_PER_ADDRESS`] (password spraying);
//! - per account from anywhere: past [`ACCOUNT_CEILING`] the account is under attack, and every
//!   address gets only [`FAILURES_PER_ADDRESS_UNDER_ATTACK`] attempts at it per window. A
//!   distributed attacker is slowed to that many guesses per address, while the owner, from an
//!   address that has not failed, still signs in with the right password: nothing ever locks
//!   the account itself.
//!
//! An IPv6 client is counted by its /64, which one subscriber usually holds whole: counting single
//! addresses would give such an attacker 2^64 fresh ones.
//!
//! An attempt is counted before the password is checked (so a burst of concurrent guesses cannot
//! all pass the check before any is counted) and forgiven once the password proves right.

use std::net::IpAddr;
use std::time::Duration;

use super::problem::{ApiError, ApiResult};
use crate::app::AppState;
use crate::crypto::sha256_hex;

pub const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);
pub const FAILURES_PER_ACCOUNT_AND_ADDRESS: u64 = 5;
pub const FAILURES_PER_ADDRESS: u64 = 20;
pub const ACCOUNT_CEILING: u64 = 10;
pub const FAILURES_PER_ADDRESS_UNDER_ATTACK: u64 = 2;

/// One sign-in attempt, counted as failed until [`SignInAttempt::succeeded`] says otherwise.
#[must_use = "an attempt whose password proved right must be forgiven with `succeeded`"]
pub struct SignInAttempt {
    keys: [String; 3],
}

impl SignInAttempt {
    /// Counts the attempt; 429 (with the wait) when the address is spent, or spent for this
    /// account. `door` keeps apart the counters of the sign-ins (`login`, `platform-login`).
    pub async fn begin(
        state: &AppState,
        door: &str,
        ip: Option<&str>,
        email: &str,
    ) -> ApiResult<Self> {
        let address = address_key(ip);
        let account = sha256_hex(email);
        let keys = [
            format!("{door}:failed:address:{address}"),
            format!("{door}:failed:account:{account}"),
            format!("{door}:failed:pair:{account}:{address}"),
        ];
        let limits = &state.coordination;
        let by_address = limits
            .hit(&keys[0], FAILURES_PER_ADDRESS, SIGN_IN_WINDOW)
            .await?;
        if !by_address.allowed {
            return Err(refused(door, ip, by_address.retry_after));
        }
        let by_account = limits
            .hit(&keys[1], ACCOUNT_CEILING, SIGN_IN_WINDOW)
            .await?;
        let allowance = if by_account.allowed {
            FAILURES_PER_ACCOUNT_AND_ADDRESS
        } else {
            FAILURES_PER_ADDRESS_UNDER_ATTACK
        };
        let by_pair = limits.hit(&keys[2], allowance, SIGN_IN_WINDOW).await?;
        if !by_pair.allowed {
            return Err(refused(door, ip, by_pair.retry_after));
        }
        Ok(Self { keys })
    }

    /// The password was right (whatever comes next: a deactivated account, a choice of
    /// organization): the attempt counts nowhere. A store that fails here costs the owner one
    /// counted attempt, never the sign-in itself.
    pub async fn succeeded(self, state: &AppState) {
        for key in &self.keys {
            if let Err(e) = state.coordination.forgive(key).await {
                tracing::warn!(error = %e, "a successful sign-in stays counted as failed");
                return;
            }
        }
    }
}

fn refused(door: &str, ip: Option<&str>, retry_after: Duration) -> ApiError {
    tracing::warn!(ip = ?ip, door, "sign-in throttled");
    ApiError::too_many_requests(retry_after)
}

/// The address as counted: IPv4 whole, IPv6 by its /64.
fn address_key(ip: Option<&str>) -> String {
    match ip.map(str::parse::<IpAddr>) {
        Some(Ok(IpAddr::V6(v6))) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(Ok(ip)) => ip.to_canonical().to_string(),
        Some(Err(_)) => ip.unwrap_or_default().to_owned(),
        None => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::address_key;

    #[test]
    fn ipv6_clients_are_counted_by_their_64_and_ipv4_whole() {
        assert_eq!(
            address_key(Some("2001:db8:1:2:aaaa::1")),
            address_key(Some("2001:db8:1:2:ffff::9"))
        );
        assert_eq!(address_key(Some("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_ne!(
            address_key(Some("2001:db8:1:2::1")),
            address_key(Some("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(Some("::ffff:192.0.2.7")), "192.0.2.7");
        assert_ne!(
            address_key(Some("192.0.2.7")),
            address_key(Some("192.0.2.8"))
        );
        assert_eq!(address_key(None), "unknown");
    }
}
