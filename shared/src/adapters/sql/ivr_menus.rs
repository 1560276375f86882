//! IVR menus. Options are child rows without a position column: they get UUIDv7 ids when saved,
//! which one process generates in increasing order, so reading them back by id keeps the order
//! they were given in. The direct-dial allowlist is a set keyed by extension.

use async_trait::async_trait;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::query::{
    Table, begin_write, commit_audited, delete_children, delete_unreferenced, exists_in_org,
    fetch_children,
};
use super::{
    SqlStore, big, bool_int, destination, enumerated, flag, int, map_err, opt_parsed, opt_text,
    parsed, text,
};
use crate::domain::destination::DestinationKind;
use crate::domain::ids::{ExtensionId, IvrMenuId, OrgId};
use crate::domain::model::{AuditEntry, IvrMenu, IvrOption, Status};
use crate::ports::ivr_menus::IvrMenuRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};

const TABLE: &str = "ivr_menus";
const COLUMNS: &str = "id, organization_id, name, prompt_text, prompt_voice, prompt_audio_url, \
     prompt_recording_id, digit_timeout, max_invalid, max_timeouts, invalid_type, invalid_ref, timeout_type, \
     timeout_ref, direct_dial, status, created_at, updated_at";
const NAME: &str = "IVR menu name";

/// Read without options and allowlist; [`attach_children`] adds them.
const MENUS: Table<IvrMenu> = Table {
    from: TABLE,
    columns: COLUMNS,
    searched: &["name"],
    order_by: "name, id",
    from_row,
};

fn from_row(row: &AnyRow) -> StoreResult<IvrMenu> {
    Ok(IvrMenu {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        name: text(row, "name")?,
        prompt_text: opt_text(row, "prompt_text")?,
        prompt_voice: opt_text(row, "prompt_voice")?,
        prompt_audio_url: opt_text(row, "prompt_audio_url")?,
        prompt_recording_id: opt_parsed(row, "prompt_recording_id")?,
        digit_timeout: int(row, "digit_timeout")?,
        max_invalid: int(row, "max_invalid")?,
        max_timeouts: int(row, "max_timeouts")?,
        invalid_destination: destination(row, "invalid")?,
        timeout_destination: destination(row, "timeout")?,
        options: Vec::new(),
        direct_dial: flag(row, "direct_dial")?,
        direct_dial_allowlist: Vec::new(),
        status: enumerated(row, "status", Status::parse)?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

fn option_from_row(row: &AnyRow) -> StoreResult<IvrOption> {
    Ok(IvrOption {
        digits: text(row, "digits")?,
        label: text(row, "label")?,
        destination: destination(row, "destination")?,
    })
}

fn allowed_from_row(row: &AnyRow) -> StoreResult<ExtensionId> {
    parsed(row, "extension_id")
}

/// Fills in the options and allowlists of menus read without them.
async fn attach_children(store: &SqlStore, org: OrgId, menus: &mut [IvrMenu]) -> StoreResult<()> {
    let ids: Vec<String> = menus.iter().map(|m| m.id.to_string()).collect();
    let mut options = fetch_children(
        store,
        "SELECT menu_id, digits, label, destination_type, destination_ref FROM ivr_menu_options",
        "menu_id",
        "id",
        org,
        &ids,
        option_from_row,
    )
    .await?;
    let mut allowlists = fetch_children(
        store,
        "SELECT menu_id, extension_id FROM ivr_direct_dial",
        "menu_id",
        "extension_id",
        org,
        &ids,
        allowed_from_row,
    )
    .await?;
    for (menu, id) in menus.iter_mut().zip(&ids) {
        menu.options = options.remove(id).unwrap_or_default();
        menu.direct_dial_allowlist = allowlists.remove(id).unwrap_or_default();
    }
    Ok(())
}

async fn insert_children(conn: &mut AnyConnection, menu: &IvrMenu) -> StoreResult<()> {
    let menu_id = menu.id.to_string();
    let org = menu.organization_id.to_string();
    for option in &menu.options {
        sqlx::query(
            "INSERT INTO ivr_menu_options (id, menu_id, organization_id, digits, label, \
             destination_type, destination_ref) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(&menu_id)
        .bind(&org)
        .bind(&option.digits)
        .bind(&option.label)
        .bind(option.destination.kind().as_str())
        .bind(option.destination.reference())
        .execute(&mut *conn)
        .await
        .map_err(map_err("IVR option digits"))?;
    }
    for extension in &menu.direct_dial_allowlist {
        let extension = extension.to_string();
        // The foreign key only proves the extension exists, not that it is this tenant's.
        if !exists_in_org(conn, "extensions", menu.organization_id, &extension).await? {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO ivr_direct_dial (menu_id, extension_id, organization_id) VALUES (?, ?, ?)",
        )
        .bind(&menu_id)
        .bind(extension)
        .bind(&org)
        .execute(&mut *conn)
        .await
        .map_err(map_err("IVR direct-dial extension"))?;
    }
    Ok(())
}

#[async_trait]
impl IvrMenuRepo for SqlStore {
    async fn create_ivr_menu(&self, menu: &IvrMenu, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        sqlx::query(
            "INSERT INTO ivr_menus (id, organization_id, name, prompt_text, prompt_voice, \
             prompt_audio_url, prompt_recording_id, digit_timeout, max_invalid, max_timeouts, \
             invalid_type, invalid_ref, timeout_type, timeout_ref, direct_dial, status, \
             created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(menu.id.to_string())
        .bind(menu.organization_id.to_string())
        .bind(&menu.name)
        .bind(menu.prompt_text.as_deref())
        .bind(menu.prompt_voice.as_deref())
        .bind(menu.prompt_audio_url.as_deref())
        .bind(menu.prompt_recording_id.map(|id| id.to_string()))
        .bind(menu.digit_timeout)
        .bind(menu.max_invalid)
        .bind(menu.max_timeouts)
        .bind(menu.invalid_destination.kind().as_str())
        .bind(menu.invalid_destination.reference())
        .bind(menu.timeout_destination.kind().as_str())
        .bind(menu.timeout_destination.reference())
        .bind(bool_int(menu.direct_dial))
        .bind(menu.status.as_str())
        .bind(menu.created_at)
        .bind(menu.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        insert_children(&mut tx, menu).await?;
        commit_audited(tx, audit).await
    }

    async fn find_ivr_menu(&self, org: OrgId, id: IvrMenuId) -> StoreResult<IvrMenu> {
        let mut menu = MENUS.find(self, org, "id", id.to_string()).await?;
        attach_children(self, org, std::slice::from_mut(&mut menu)).await?;
        Ok(menu)
    }

    async fn update_ivr_menu(&self, menu: &IvrMenu, audit: &[AuditEntry]) -> StoreResult<()> {
        let org = menu.organization_id;
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE ivr_menus SET name = ?, prompt_text = ?, prompt_voice = ?, \
             prompt_audio_url = ?, prompt_recording_id = ?, digit_timeout = ?, max_invalid = ?, max_timeouts = ?, \
             invalid_type = ?, invalid_ref = ?, timeout_type = ?, timeout_ref = ?, \
             direct_dial = ?, status = ?, updated_at = ? \
             WHERE organization_id = ? AND id = ?",
        )
        .bind(&menu.name)
        .bind(menu.prompt_text.as_deref())
        .bind(menu.prompt_voice.as_deref())
        .bind(menu.prompt_audio_url.as_deref())
        .bind(menu.prompt_recording_id.map(|id| id.to_string()))
        .bind(menu.digit_timeout)
        .bind(menu.max_invalid)
        .bind(menu.max_timeouts)
        .bind(menu.invalid_destination.kind().as_str())
        .bind(menu.invalid_destination.reference())
        .bind(menu.timeout_destination.kind().as_str())
        .bind(menu.timeout_destination.reference())
        .bind(bool_int(menu.direct_dial))
        .bind(menu.status.as_str())
        .bind(menu.updated_at)
        .bind(org.to_string())
        .bind(menu.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        for table in ["ivr_menu_options", "ivr_direct_dial"] {
            delete_children(&mut tx, table, "menu_id", org, menu.id.to_string()).await?;
        }
        insert_children(&mut tx, menu).await?;
        commit_audited(tx, audit).await
    }

    async fn delete_ivr_menu(
        &self,
        org: OrgId,
        id: IvrMenuId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        delete_unreferenced(
            self,
            TABLE,
            DestinationKind::IvrMenu,
            org,
            &id.to_string(),
            audit,
        )
        .await
    }

    async fn list_ivr_menus(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<IvrMenu>> {
        let mut found = MENUS.page(self, org, filter, page).await?;
        attach_children(self, org, &mut found.items).await?;
        Ok(found)
    }
}
