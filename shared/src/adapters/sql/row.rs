//! Reading columns through the `Any` driver, which decodes only integers, floats, text and bytes:
//! booleans are stored as INTEGER 0/1 and ids, enums and destinations as text.

use std::str::FromStr;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::domain::destination::Destination;
use crate::ports::store::{StoreError, StoreResult};

fn corrupt(column: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {column}: {detail}"))
}

pub fn text(row: &AnyRow, column: &str) -> StoreResult<String> {
    row.try_get::<String, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn opt_text(row: &AnyRow, column: &str) -> StoreResult<Option<String>> {
    row.try_get::<Option<String>, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn int(row: &AnyRow, column: &str) -> StoreResult<i32> {
    row.try_get::<i32, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn opt_int(row: &AnyRow, column: &str) -> StoreResult<Option<i32>> {
    row.try_get::<Option<i32>, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn big(row: &AnyRow, column: &str) -> StoreResult<i64> {
    row.try_get::<i64, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn opt_big(row: &AnyRow, column: &str) -> StoreResult<Option<i64>> {
    row.try_get::<Option<i64>, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub fn flag(row: &AnyRow, column: &str) -> StoreResult<bool> {
    Ok(int(row, column)? != 0)
}

/// Parses a text column into any `FromStr` type (typed ids, E164, ExtensionNumber, Timezone).
pub fn parsed<T: FromStr>(row: &AnyRow, column: &str) -> StoreResult<T>
where
    T::Err: std::fmt::Display,
{
    let raw = text(row, column)?;
    raw.parse().map_err(|e: T::Err| corrupt(column, e))
}

pub fn opt_parsed<T: FromStr>(row: &AnyRow, column: &str) -> StoreResult<Option<T>>
where
    T::Err: std::fmt::Display,
{
    opt_text(row, column)?
        .map(|raw| raw.parse().map_err(|e: T::Err| corrupt(column, e)))
        .transpose()
}

/// Parses a text column holding one of a `text_enum!`'s values.
pub fn enumerated<T>(row: &AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    let raw = text(row, column)?;
    parse(&raw).ok_or_else(|| corrupt(column, format!("unknown value {raw:?}")))
}

/// Reads the destination stored in `<prefix>_type` / `<prefix>_ref`.
pub fn destination(row: &AnyRow, prefix: &str) -> StoreResult<Destination> {
    opt_destination(row, prefix)?.ok_or_else(|| corrupt(prefix, "missing destination"))
}

/// Like [`destination`] for optional destinations (a NULL `<prefix>_type`).
pub fn opt_destination(row: &AnyRow, prefix: &str) -> StoreResult<Option<Destination>> {
    let kind = opt_text(row, &format!("{prefix}_type"))?;
    let reference = opt_text(row, &format!("{prefix}_ref"))?;
    kind.map(|k| {
        Destination::from_columns(&k, reference.as_deref()).map_err(|e| corrupt(prefix, e))
    })
    .transpose()
}

/// The two column values to bind for an optional destination.
pub fn destination_columns(d: Option<&Destination>) -> (Option<&'static str>, Option<String>) {
    match d {
        Some(d) => (Some(d.kind().as_str()), d.reference()),
        None => (None, None),
    }
}

pub fn bool_int(b: bool) -> i32 {
    i32::from(b)
}
