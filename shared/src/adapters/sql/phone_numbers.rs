use async_trait::async_trait;
use sqlx::any::AnyRow;

use super::query::{Table, begin_write, commit_audited, commit_found, delete_in_org};
use super::{SqlStore, big, destination, destination_columns, enumerated, map_err, parsed, text};
use crate::domain::e164::E164;
use crate::domain::ids::{OrgId, PhoneNumberId};
use crate::domain::model::{AuditEntry, PhoneNumber, Status};
use crate::ports::phone_numbers::PhoneNumberRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreResult};

const COLUMNS: &str = "id, organization_id, number, label, destination_type, destination_ref, \
     status, created_at, updated_at";

const PHONE_NUMBERS: Table<PhoneNumber> = Table {
    from: "phone_numbers",
    columns: COLUMNS,
    searched: &["number", "label"],
    order_by: "number, id",
    from_row,
};

fn from_row(row: &AnyRow) -> StoreResult<PhoneNumber> {
    Ok(PhoneNumber {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        number: parsed(row, "number")?,
        label: text(row, "label")?,
        destination: destination(row, "destination")?,
        status: enumerated(row, "status", Status::parse)?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

#[async_trait]
impl PhoneNumberRepo for SqlStore {
    async fn create_phone_number(
        &self,
        number: &PhoneNumber,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let (destination_type, destination_ref) = destination_columns(Some(&number.destination));
        sqlx::query(
            "INSERT INTO phone_numbers (id, organization_id, number, label, destination_type, \
             destination_ref, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(number.id.to_string())
        .bind(number.organization_id.to_string())
        .bind(number.number.as_str())
        .bind(&number.label)
        .bind(destination_type)
        .bind(destination_ref)
        .bind(number.status.as_str())
        .bind(number.created_at)
        .bind(number.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err("phone number"))?;
        commit_audited(tx, audit).await
    }

    async fn find_phone_number(&self, org: OrgId, id: PhoneNumberId) -> StoreResult<PhoneNumber> {
        PHONE_NUMBERS.find(self, org, "id", id.to_string()).await
    }

    async fn find_phone_number_by_number(
        &self,
        org: OrgId,
        number: &E164,
    ) -> StoreResult<PhoneNumber> {
        PHONE_NUMBERS
            .find(self, org, "number", number.as_str().to_owned())
            .await
    }

    async fn update_phone_number(
        &self,
        number: &PhoneNumber,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let (destination_type, destination_ref) = destination_columns(Some(&number.destination));
        let done = sqlx::query(
            "UPDATE phone_numbers SET number = ?, label = ?, destination_type = ?, \
             destination_ref = ?, status = ?, updated_at = ? \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(number.number.as_str())
        .bind(&number.label)
        .bind(destination_type)
        .bind(destination_ref)
        .bind(number.status.as_str())
        .bind(number.updated_at)
        .bind(number.id.to_string())
        .bind(number.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err("phone number"))?;
        commit_found(tx, done.rows_affected(), audit).await
    }

    async fn delete_phone_number(
        &self,
        org: OrgId,
        id: PhoneNumberId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        delete_in_org(&mut tx, "phone_numbers", org, &id.to_string()).await?;
        commit_audited(tx, audit).await
    }

    async fn list_phone_numbers(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<PhoneNumber>> {
        PHONE_NUMBERS.page(self, org, filter, page).await
    }
}
