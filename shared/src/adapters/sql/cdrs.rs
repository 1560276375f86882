use async_trait::async_trait;
use sqlx::any::AnyRow;

use super::query::{Table, insert_if_absent};
use super::{SqlStore, big, int, opt_big, opt_text, parsed, text, unavailable};
use crate::domain::ids::{CdrId, OrgId};
use crate::domain::model::Cdr;
use crate::ports::cdrs::CdrRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};

const TABLE: &str = "cdrs";
const COLUMNS: &str = "id, organization_id, session_token, call_sid, from_number, to_number, \
     disposition, duration_seconds, billsec, started_at, answered_at, ended_at, raw, received_at";

const CDRS: Table<Cdr> = Table {
    from: TABLE,
    columns: COLUMNS,
    searched: &[],
    order_by: "received_at DESC, id DESC",
    from_row,
};

fn from_row(row: &AnyRow) -> StoreResult<Cdr> {
    Ok(Cdr {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        session_token: text(row, "session_token")?,
        call_sid: opt_text(row, "call_sid")?,
        from_number: text(row, "from_number")?,
        to_number: text(row, "to_number")?,
        disposition: text(row, "disposition")?,
        duration_seconds: int(row, "duration_seconds")?,
        billsec: int(row, "billsec")?,
        started_at: opt_big(row, "started_at")?,
        answered_at: opt_big(row, "answered_at")?,
        ended_at: opt_big(row, "ended_at")?,
        raw: text(row, "raw")?,
        received_at: big(row, "received_at")?,
    })
}

#[async_trait]
impl CdrRepo for SqlStore {
    async fn insert_cdr(&self, cdr: &Cdr) -> StoreResult<bool> {
        sqlx::query(insert_if_absent(self.dialect(), TABLE, COLUMNS, "id"))
            .bind(cdr.id.to_string())
            .bind(cdr.organization_id.to_string())
            .bind(&cdr.session_token)
            .bind(cdr.call_sid.as_deref())
            .bind(&cdr.from_number)
            .bind(&cdr.to_number)
            .bind(&cdr.disposition)
            .bind(cdr.duration_seconds)
            .bind(cdr.billsec)
            .bind(cdr.started_at)
            .bind(cdr.answered_at)
            .bind(cdr.ended_at)
            .bind(&cdr.raw)
            .bind(cdr.received_at)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        let stored =
            sqlx::query("SELECT id FROM cdrs WHERE organization_id = ? AND session_token = ?")
                .bind(cdr.organization_id.to_string())
                .bind(&cdr.session_token)
                .fetch_optional(self.pool())
                .await
                .map_err(unavailable)?
                .ok_or(StoreError::NotFound)?;
        Ok(parsed::<CdrId>(&stored, "id")? == cdr.id)
    }

    async fn find_cdr(&self, org: OrgId, id: CdrId) -> StoreResult<Cdr> {
        CDRS.find(self, org, "id", id.to_string()).await
    }

    async fn find_cdr_by_session(&self, org: OrgId, token: &str) -> StoreResult<Cdr> {
        CDRS.find(self, org, "session_token", token.to_owned())
            .await
    }

    async fn list_cdrs(&self, org: OrgId, page: PageRequest) -> StoreResult<Page<Cdr>> {
        CDRS.page(self, org, &ListFilter::default(), page).await
    }
}
