//! Accounts and their tokens minted straight in the store, for tests whose subject is not sign-in
//! (sign-in is tested on its own).

use opbx::app::AppState;
use opbx::crypto::{random_token, sha256_hex};
use opbx::domain::accounts::{Operator, OperatorToken};
use opbx::domain::ids::{OperatorId, OperatorTokenId, TokenId};
use opbx::domain::model::{ApiToken, Status, User};
use opbx::domain::now_ms;
use opbx::ports::operators::{OperatorRepo, OperatorTokenRepo};
use opbx::ports::users::ApiTokenRepo;

/// How long a minted token stays valid: longer than any test.
const VALID_FOR_MS: i64 = 3_600_000;

/// A valid API token of `user`.
pub async fn user_token(state: &AppState, user: &User) -> String {
    let token = random_token();
    let now = now_ms();
    state
        .store
        .create_api_token(
            &ApiToken {
                id: TokenId::new(),
                organization_id: user.organization_id,
                user_id: user.id,
                token_hash: sha256_hex(&token),
                created_at: now,
                expires_at: now + VALID_FOR_MS,
                revoked_at: None,
            },
            &[],
        )
        .await
        .unwrap();
    token
}

/// A new active platform operator with a unique email and `password_hash`.
pub async fn add_operator(state: &AppState, password_hash: String) -> Operator {
    let now = now_ms();
    let operator = Operator {
        id: OperatorId::new(),
        email: format!("operator-{}@example.com", crate::unique()),
        name: "Operator".into(),
        password_hash,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    let audit = crate::model::setup_platform_audit("add_operator");
    state
        .store
        .create_operator(&operator, &audit)
        .await
        .unwrap();
    operator
}

/// A valid token of `operator`.
pub async fn operator_token(state: &AppState, operator: &Operator) -> String {
    let token = random_token();
    let now = now_ms();
    state
        .store
        .create_operator_token(
            &OperatorToken {
                id: OperatorTokenId::new(),
                operator_id: operator.id,
                token_hash: sha256_hex(&token),
                created_at: now,
                expires_at: now + VALID_FOR_MS,
                revoked_at: None,
            },
            &crate::model::setup_platform_audit("login"),
        )
        .await
        .unwrap();
    token
}
