//! The application's own database user (issue 18.3): functions connect as a user that may read
//! and write rows of this database and nothing else — no DDL, no other database, no users —
//! while the master credentials stay with `migrate`, which creates that user after migrating.

use sqlx::AssertSqlSafe;

use super::{Dialect, SqlStore, text, unavailable};
use crate::deployed_secrets::DatabaseUser;
use crate::ports::store::{StoreError, StoreResult};

/// What the application needs of its tables (migrations do the rest, as the master user).
const GRANTS: &str = "SELECT, INSERT, UPDATE, DELETE";

impl SqlStore {
    /// Creates `user` (from any host) with [`GRANTS`] on this database, or brings an existing one
    /// to this password and these grants. MySQL only: SQLite has no users.
    pub async fn ensure_app_user(&self, user: &DatabaseUser) -> StoreResult<()> {
        if self.dialect() != Dialect::MySql {
            return Ok(());
        }
        let plain_name = !user.name.is_empty()
            && user.name.len() <= 32
            && user
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !plain_name {
            return Err(StoreError::Unavailable(
                "the application database user's name must be 1-32 letters, digits or _".into(),
            ));
        }
        let row = sqlx::query("SELECT DATABASE() AS db")
            .fetch_one(self.pool())
            .await
            .map_err(unavailable)?;
        let db = text(&row, "db")?.replace('`', "``");
        // Account statements take literals, not placeholders: the password is escaped as a
        // string literal (backslash first), the name was checked above.
        let password = user.password.replace('\\', "\\\\").replace('\'', "''");
        let account = format!("'{}'@'%'", user.name);
        let sql = format!(
            "CREATE USER IF NOT EXISTS {account} IDENTIFIED BY '{password}';\n\
             ALTER USER {account} IDENTIFIED BY '{password}';\n\
             GRANT {GRANTS} ON `{db}`.* TO {account};"
        );
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        tracing::info!(user = %user.name, "application database user ready");
        Ok(())
    }
}
