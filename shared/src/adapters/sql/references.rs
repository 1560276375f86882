//! Who points at what. Destinations are `<prefix>_type`/`<prefix>_ref` column pairs without
//! foreign keys, so deleting a target is guarded here instead of by the database.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::query::{exists_in_org, placeholders};
use super::{SqlStore, text, unavailable};
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::ids::OrgId;
use crate::ports::references::ReferenceRepo;
use crate::ports::store::{Referrer, StoreError, StoreResult};

/// One destination column pair: the object type owning it, the tables reaching from the pair to
/// that object (aliased `o`), the object's human name and the pair's column prefix.
struct DestinationColumns {
    object_type: &'static str,
    from: &'static str,
    name: &'static str,
    prefix: &'static str,
}

const PHONE_NUMBER_NAME: &str = "CASE WHEN o.label = '' THEN o.number ELSE o.label END";

/// Every destination column pair in the schema.
const DESTINATION_COLUMNS: &[DestinationColumns] = &[
    DestinationColumns {
        object_type: "extension",
        from: "extensions o",
        name: "o.number",
        prefix: "o.forward",
    },
    DestinationColumns {
        object_type: "extension",
        from: "extensions o",
        name: "o.number",
        prefix: "o.no_answer",
    },
    DestinationColumns {
        object_type: "phone_number",
        from: "phone_numbers o",
        name: PHONE_NUMBER_NAME,
        prefix: "o.destination",
    },
    DestinationColumns {
        object_type: "ring_group",
        from: "ring_groups o",
        name: "o.name",
        prefix: "o.fallback",
    },
    DestinationColumns {
        object_type: "business_hours",
        from: "business_hours_schedules o",
        name: "o.name",
        prefix: "o.open",
    },
    DestinationColumns {
        object_type: "business_hours",
        from: "business_hours_schedules o",
        name: "o.name",
        prefix: "o.closed",
    },
    DestinationColumns {
        object_type: "business_hours",
        from: "business_hours_exceptions x JOIN business_hours_schedules o ON o.id = x.schedule_id",
        name: "o.name",
        prefix: "x.destination",
    },
    DestinationColumns {
        object_type: "ivr_menu",
        from: "ivr_menus o",
        name: "o.name",
        prefix: "o.invalid",
    },
    DestinationColumns {
        object_type: "ivr_menu",
        from: "ivr_menus o",
        name: "o.name",
        prefix: "o.timeout",
    },
    DestinationColumns {
        object_type: "ivr_menu",
        from: "ivr_menu_options x JOIN ivr_menus o ON o.id = x.menu_id",
        name: "o.name",
        prefix: "x.destination",
    },
    DestinationColumns {
        object_type: "announcement",
        from: "announcements o",
        name: "o.name",
        prefix: "o.next",
    },
];

/// Rows that list an extension outside destinations, as `(object type, from, name)` with the
/// extension id in `x.extension_id`.
const EXTENSION_LISTS: &[(&str, &str, &str)] = &[
    (
        "ring_group",
        "ring_group_members x JOIN ring_groups o ON o.id = x.ring_group_id",
        "o.name",
    ),
    (
        "ivr_menu",
        "ivr_direct_dial x JOIN ivr_menus o ON o.id = x.menu_id",
        "o.name",
    ),
];

const OBJECT_TYPES: &[&str] = &[
    "extension",
    "phone_number",
    "ring_group",
    "business_hours",
    "ivr_menu",
    "announcement",
];

/// The object type a destination kind names, to recognise self-references.
fn object_type_of(kind: DestinationKind) -> Option<&'static str> {
    match kind {
        DestinationKind::Extension | DestinationKind::Voicemail => Some("extension"),
        DestinationKind::RingGroup => Some("ring_group"),
        DestinationKind::BusinessHours => Some("business_hours"),
        DestinationKind::IvrMenu => Some("ivr_menu"),
        DestinationKind::ConferenceRoom => Some("conference_room"),
        DestinationKind::Announcement => Some("announcement"),
        DestinationKind::ExternalNumber | DestinationKind::Hangup => None,
    }
}

/// The table holding the objects of a kind; `None` for kinds that are not stored objects.
fn table_of(kind: DestinationKind) -> Option<&'static str> {
    match kind {
        DestinationKind::Extension | DestinationKind::Voicemail => Some("extensions"),
        DestinationKind::RingGroup => Some("ring_groups"),
        DestinationKind::BusinessHours => Some("business_hours_schedules"),
        DestinationKind::IvrMenu => Some("ivr_menus"),
        DestinationKind::ConferenceRoom => Some("conference_rooms"),
        DestinationKind::Announcement => Some("announcements"),
        DestinationKind::ExternalNumber | DestinationKind::Hangup => None,
    }
}

/// How an object of a destination's table is named: the columns to read and how to join them.
fn name_of(row: &AnyRow, table: &str) -> StoreResult<String> {
    if table == "extensions" {
        let number = text(row, "number")?;
        let name = text(row, "display_name")?;
        Ok(if name.trim().is_empty() {
            number
        } else {
            format!("{number} {name}")
        })
    } else {
        text(row, "name")
    }
}

/// See [`ReferenceRepo::references_to`]; runs on `conn` so a delete can check in its transaction.
pub(super) async fn referrers(
    conn: &mut AnyConnection,
    org: OrgId,
    target: DestinationKind,
    id: &str,
) -> StoreResult<Vec<Referrer>> {
    let kinds: &[DestinationKind] = match target {
        DestinationKind::Extension => &[DestinationKind::Extension, DestinationKind::Voicemail],
        _ => std::slice::from_ref(&target),
    };
    let kind_placeholders = placeholders(kinds.len());
    let mut selects: Vec<String> = DESTINATION_COLUMNS
        .iter()
        .map(|c| {
            format!(
                "SELECT '{}' AS object_type, o.id AS id, {} AS name FROM {} \
                 WHERE o.organization_id = ? AND {prefix}_type IN ({kind_placeholders}) \
                 AND {prefix}_ref = ?",
                c.object_type,
                c.name,
                c.from,
                prefix = c.prefix,
            )
        })
        .collect();
    let lists = if target == DestinationKind::Extension {
        EXTENSION_LISTS
    } else {
        &[]
    };
    selects.extend(lists.iter().map(|(object_type, from, name)| {
        format!(
            "SELECT '{object_type}' AS object_type, o.id AS id, {name} AS name FROM {from} \
             WHERE o.organization_id = ? AND x.extension_id = ?"
        )
    }));
    // UNION (not UNION ALL) reports an object once however many of its columns point here.
    let sql = format!("{} ORDER BY object_type, name, id", selects.join(" UNION "));

    let mut query = sqlx::query(AssertSqlSafe(sql));
    for _ in DESTINATION_COLUMNS {
        query = query.bind(org.to_string());
        for kind in kinds {
            query = query.bind(kind.as_str());
        }
        query = query.bind(id.to_owned());
    }
    for _ in lists {
        query = query.bind(org.to_string()).bind(id.to_owned());
    }
    let rows = query.fetch_all(&mut *conn).await.map_err(unavailable)?;

    let own_type = object_type_of(target);
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let raw_type = text(&row, "object_type")?;
        let object_type = OBJECT_TYPES
            .iter()
            .copied()
            .find(|t| *t == raw_type)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown referrer type {raw_type:?}")))?;
        let referrer = Referrer {
            object_type,
            id: text(&row, "id")?,
            name: text(&row, "name")?,
        };
        if Some(referrer.object_type) != own_type || referrer.id != id {
            found.push(referrer);
        }
    }
    Ok(found)
}

#[async_trait]
impl ReferenceRepo for SqlStore {
    async fn references_to(
        &self,
        org: OrgId,
        target: DestinationKind,
        id: &str,
    ) -> StoreResult<Vec<Referrer>> {
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        referrers(&mut conn, org, target, id).await
    }

    async fn destination_exists(&self, org: OrgId, destination: &Destination) -> StoreResult<bool> {
        let (Some(table), Some(id)) = (table_of(destination.kind()), destination.reference())
        else {
            return Ok(true);
        };
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        exists_in_org(&mut conn, table, org, &id).await
    }

    async fn destination_names(
        &self,
        org: OrgId,
        destinations: &[Destination],
    ) -> StoreResult<HashMap<Destination, String>> {
        // One query per table, however many destinations point into it.
        let mut ids_by_table: HashMap<&str, BTreeSet<String>> = HashMap::new();
        let mut names = HashMap::new();
        for d in destinations {
            match (table_of(d.kind()), d) {
                (Some(table), _) => {
                    let id = d.reference().expect("stored objects have an id");
                    ids_by_table.entry(table).or_default().insert(id);
                }
                (None, Destination::ExternalNumber { number }) => {
                    names.insert(d.clone(), number.to_string());
                }
                (None, _) => {}
            }
        }
        let mut found: HashMap<(&str, String), String> = HashMap::new();
        for (table, ids) in &ids_by_table {
            let columns = if *table == "extensions" {
                "id, number, display_name"
            } else {
                "id, name"
            };
            let sql = format!(
                "SELECT {columns} FROM {table} WHERE organization_id = ? AND id IN ({})",
                placeholders(ids.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(org.to_string());
            for id in ids {
                query = query.bind(id.clone());
            }
            for row in query.fetch_all(self.pool()).await.map_err(unavailable)? {
                found.insert((table, text(&row, "id")?), name_of(&row, table)?);
            }
        }
        for d in destinations {
            if let (Some(table), Some(id)) = (table_of(d.kind()), d.reference())
                && let Some(name) = found.get(&(table, id))
            {
                names.insert(d.clone(), name.clone());
            }
        }
        Ok(names)
    }
}
