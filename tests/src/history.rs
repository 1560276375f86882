//! Call history in bulk, for the tests and benchmarks that need thousands of calls: one
//! multi-row INSERT per 500 calls instead of one round trip each.

use opbx::adapters::sql::SqlStore;
use opbx::domain::model::CallLog;

/// Rows per statement: 500 × 20 values stays under both databases' placeholder limits.
const BATCH: usize = 500;

/// Stores `logs` as they are (no trace), in batches.
pub async fn insert_call_logs(store: &SqlStore, logs: &[CallLog]) {
    for batch in logs.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO call_logs (id, organization_id, call_sid, session_token, direction, \
             from_number, to_number, caller_name, phone_number_id, extension_id, status, path, \
             disposition, started_at, answered_at, ended_at, duration_seconds, billsec, \
             recording_url, updated_at) VALUES {}",
            vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; batch.len()]
                .join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for log in batch {
            query = query
                .bind(log.id.to_string())
                .bind(log.organization_id.to_string())
                .bind(log.call_sid.clone())
                .bind(log.session_token.clone())
                .bind(log.direction.as_str())
                .bind(log.from_number.clone())
                .bind(log.to_number.clone())
                .bind(log.caller_name.clone())
                .bind(log.phone_number_id.map(|p| p.to_string()))
                .bind(log.extension_id.map(|e| e.to_string()))
                .bind(log.status.as_str())
                .bind(serde_json::to_string(&log.path).unwrap())
                .bind(log.disposition.clone())
                .bind(log.started_at)
                .bind(log.answered_at)
                .bind(log.ended_at)
                .bind(log.duration_seconds)
                .bind(log.billsec)
                .bind(log.recording_url.clone())
                .bind(log.updated_at);
        }
        query.execute(store.pool()).await.expect("insert call logs");
    }
}
