//! Call history in bulk, for the tests and benchmarks that need thousands of calls.

use opbx::adapters::sql::SqlStore;
use opbx::domain::model::CallLog;

/// Stores `logs` as they are (no trace), many per statement.
pub async fn insert_call_logs(store: &SqlStore, logs: &[CallLog]) {
    store
        .insert_call_logs_in_bulk(logs)
        .await
        .expect("insert call logs");
}
