//! Business-hours schedules. Ranges and exceptions are child rows without a position column: they
//! get UUIDv7 ids when saved, which one process generates in increasing order, so reading them back
//! by id returns them in the order they were given.

use async_trait::async_trait;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::query::{
    Table, begin_write, commit_audited, delete_children, delete_unreferenced, fetch_children,
};
use super::{
    SqlStore, big, destination, destination_columns, enumerated, int, map_err, opt_big,
    opt_destination, opt_text, parsed, text, unavailable,
};
use crate::domain::destination::DestinationKind;
use crate::domain::ids::{OrgId, ScheduleId};
use crate::domain::model::{
    AuditEntry, BusinessHours, ExceptionMode, ManualOverride, OverrideMode, ScheduleException,
    Status, WeeklyRange,
};
use crate::ports::business_hours::BusinessHoursRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};

const TABLE: &str = "business_hours_schedules";
const COLUMNS: &str = "id, organization_id, name, timezone, open_type, open_ref, closed_type, \
     closed_ref, override_mode, override_until, status, created_at, updated_at";
const NAME: &str = "business hours name";

/// Read without ranges and exceptions; [`attach_children`] adds them.
const SCHEDULES: Table<BusinessHours> = Table {
    from: TABLE,
    columns: COLUMNS,
    searched: &["name"],
    order_by: "name, id",
    from_row,
};

fn from_row(row: &AnyRow) -> StoreResult<BusinessHours> {
    let manual_override = match opt_text(row, "override_mode")? {
        Some(_) => Some(ManualOverride {
            mode: enumerated(row, "override_mode", OverrideMode::parse)?,
            until: opt_big(row, "override_until")?,
        }),
        None => None,
    };
    Ok(BusinessHours {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        name: text(row, "name")?,
        timezone: parsed(row, "timezone")?,
        open: destination(row, "open")?,
        closed: destination(row, "closed")?,
        ranges: Vec::new(),
        exceptions: Vec::new(),
        manual_override,
        status: enumerated(row, "status", Status::parse)?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

fn range_from_row(row: &AnyRow) -> StoreResult<WeeklyRange> {
    Ok(WeeklyRange {
        weekday: int(row, "weekday")?,
        start_minute: int(row, "start_minute")?,
        end_minute: int(row, "end_minute")?,
    })
}

fn exception_from_row(row: &AnyRow) -> StoreResult<ScheduleException> {
    Ok(ScheduleException {
        name: text(row, "name")?,
        start_date: text(row, "start_date")?,
        end_date: text(row, "end_date")?,
        mode: enumerated(row, "mode", ExceptionMode::parse)?,
        destination: opt_destination(row, "destination")?,
    })
}

/// Fills in the ranges and exceptions of schedules read without them.
async fn attach_children(
    store: &SqlStore,
    org: OrgId,
    schedules: &mut [BusinessHours],
) -> StoreResult<()> {
    let ids: Vec<String> = schedules.iter().map(|s| s.id.to_string()).collect();
    let mut ranges = fetch_children(
        store,
        "SELECT schedule_id, weekday, start_minute, end_minute FROM business_hours_ranges",
        "schedule_id",
        "id",
        org,
        &ids,
        range_from_row,
    )
    .await?;
    let mut exceptions = fetch_children(
        store,
        "SELECT schedule_id, name, start_date, end_date, mode, destination_type, \
         destination_ref FROM business_hours_exceptions",
        "schedule_id",
        "id",
        org,
        &ids,
        exception_from_row,
    )
    .await?;
    for (schedule, id) in schedules.iter_mut().zip(&ids) {
        schedule.ranges = ranges.remove(id).unwrap_or_default();
        schedule.exceptions = exceptions.remove(id).unwrap_or_default();
    }
    Ok(())
}

async fn insert_children(conn: &mut AnyConnection, schedule: &BusinessHours) -> StoreResult<()> {
    let schedule_id = schedule.id.to_string();
    let org = schedule.organization_id.to_string();
    for range in &schedule.ranges {
        sqlx::query(
            "INSERT INTO business_hours_ranges \
             (id, schedule_id, organization_id, weekday, start_minute, end_minute) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(&schedule_id)
        .bind(&org)
        .bind(range.weekday)
        .bind(range.start_minute)
        .bind(range.end_minute)
        .execute(&mut *conn)
        .await
        .map_err(unavailable)?;
    }
    for exception in &schedule.exceptions {
        let (destination_type, destination_ref) =
            destination_columns(exception.destination.as_ref());
        sqlx::query(
            "INSERT INTO business_hours_exceptions (id, schedule_id, organization_id, name, \
             start_date, end_date, mode, destination_type, destination_ref) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(&schedule_id)
        .bind(&org)
        .bind(&exception.name)
        .bind(&exception.start_date)
        .bind(&exception.end_date)
        .bind(exception.mode.as_str())
        .bind(destination_type)
        .bind(destination_ref)
        .execute(&mut *conn)
        .await
        .map_err(unavailable)?;
    }
    Ok(())
}

fn override_columns(schedule: &BusinessHours) -> (Option<&'static str>, Option<i64>) {
    match &schedule.manual_override {
        Some(o) => (Some(o.mode.as_str()), o.until),
        None => (None, None),
    }
}

#[async_trait]
impl BusinessHoursRepo for SqlStore {
    async fn create_business_hours(
        &self,
        schedule: &BusinessHours,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let (override_mode, override_until) = override_columns(schedule);
        let mut tx = begin_write(self).await?;
        sqlx::query(
            "INSERT INTO business_hours_schedules (id, organization_id, name, timezone, \
             open_type, open_ref, closed_type, closed_ref, override_mode, override_until, \
             status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(schedule.id.to_string())
        .bind(schedule.organization_id.to_string())
        .bind(&schedule.name)
        .bind(schedule.timezone.name())
        .bind(schedule.open.kind().as_str())
        .bind(schedule.open.reference())
        .bind(schedule.closed.kind().as_str())
        .bind(schedule.closed.reference())
        .bind(override_mode)
        .bind(override_until)
        .bind(schedule.status.as_str())
        .bind(schedule.created_at)
        .bind(schedule.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        insert_children(&mut tx, schedule).await?;
        commit_audited(tx, audit).await
    }

    async fn find_business_hours(&self, org: OrgId, id: ScheduleId) -> StoreResult<BusinessHours> {
        let mut schedule = SCHEDULES.find(self, org, "id", id.to_string()).await?;
        attach_children(self, org, std::slice::from_mut(&mut schedule)).await?;
        Ok(schedule)
    }

    async fn update_business_hours(
        &self,
        schedule: &BusinessHours,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let (override_mode, override_until) = override_columns(schedule);
        let org = schedule.organization_id;
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE business_hours_schedules SET name = ?, timezone = ?, open_type = ?, \
             open_ref = ?, closed_type = ?, closed_ref = ?, override_mode = ?, \
             override_until = ?, status = ?, updated_at = ? \
             WHERE organization_id = ? AND id = ?",
        )
        .bind(&schedule.name)
        .bind(schedule.timezone.name())
        .bind(schedule.open.kind().as_str())
        .bind(schedule.open.reference())
        .bind(schedule.closed.kind().as_str())
        .bind(schedule.closed.reference())
        .bind(override_mode)
        .bind(override_until)
        .bind(schedule.status.as_str())
        .bind(schedule.updated_at)
        .bind(org.to_string())
        .bind(schedule.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        for table in ["business_hours_ranges", "business_hours_exceptions"] {
            delete_children(&mut tx, table, "schedule_id", org, schedule.id.to_string()).await?;
        }
        insert_children(&mut tx, schedule).await?;
        commit_audited(tx, audit).await
    }

    async fn delete_business_hours(
        &self,
        org: OrgId,
        id: ScheduleId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        delete_unreferenced(
            self,
            TABLE,
            DestinationKind::BusinessHours,
            org,
            &id.to_string(),
            audit,
        )
        .await
    }

    async fn list_business_hours(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<BusinessHours>> {
        let mut found = SCHEDULES.page(self, org, filter, page).await?;
        attach_children(self, org, &mut found.items).await?;
        Ok(found)
    }
}
