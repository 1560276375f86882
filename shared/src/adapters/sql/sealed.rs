//! Values sealed before sealed values were bound to their place (issue 18.12) are re-sealed,
//! bound to their table, column and row, when the schema is migrated: the binding needs the key,
//! which SQL does not have, so this runs in Rust right after the migrations (`opbx-local` at
//! start, the `migrate` function on deploy), before any code that expects bound values serves.

use sqlx::AssertSqlSafe;

use super::{SqlStore, text, unavailable};
use crate::crypto::{BOUND_PREFIX, SealedColumn, SecretBox};
use crate::ports::store::StoreResult;

impl SqlStore {
    /// Re-seals every unbound value of [`SealedColumn::ALL`]; returns how many. Running it again
    /// finds none. A value the key cannot open (sealed under another key) is left alone and
    /// logged: it was unreadable before and stays so.
    pub async fn reseal_unbound(&self, secrets: &SecretBox) -> StoreResult<u64> {
        let mut resealed = 0;
        for at in SealedColumn::ALL {
            let SealedColumn {
                table,
                column,
                id_column,
            } = at;
            let select = format!(
                "SELECT {id_column} AS id, {column} AS sealed FROM {table} \
                 WHERE {column} IS NOT NULL AND {column} NOT LIKE '{BOUND_PREFIX}%'"
            );
            let rows = sqlx::query(AssertSqlSafe(select))
                .fetch_all(self.pool())
                .await
                .map_err(unavailable)?;
            let update =
                format!("UPDATE {table} SET {column} = ? WHERE {id_column} = ? AND {column} = ?");
            for row in rows {
                let (id, sealed) = (text(&row, "id")?, text(&row, "sealed")?);
                let Some(opened) = secrets.open_unbound(&sealed) else {
                    continue;
                };
                let Ok(plain) = opened else {
                    tracing::warn!(
                        table,
                        column,
                        id,
                        "sealed value cannot be opened with this key; left as it is"
                    );
                    continue;
                };
                // Only if unchanged meanwhile: a concurrent write already sealed it bound.
                let done = sqlx::query(AssertSqlSafe(update.clone()))
                    .bind(secrets.seal(at, &id, &plain))
                    .bind(&id)
                    .bind(&sealed)
                    .execute(self.pool())
                    .await
                    .map_err(unavailable)?;
                resealed += done.rows_affected();
            }
        }
        if resealed > 0 {
            tracing::info!(resealed, "sealed values bound to their rows");
        }
        Ok(resealed)
    }
}
