//! List endpoints: `?page=2&per_page=50&sort=-created_at&q=smith&status=active`, answered with
//! the envelope [`Paged`] `{data, page, per_page, total, total_capped}`.
//!
//! A resource declares what its list accepts by implementing [`Listing`] on a marker type, then
//! takes [`List<ThatType>`] as a handler argument:
//!
//! ```ignore
//! pub struct UserList;
//! impl Listing for UserList {
//!     // API name → column of the resource's table.
//!     const SORT: &'static [(&'static str, &'static str)] = &[("name", "name"), ("created_at", "created_at")];
//!     const FILTERS: &'static [&'static str] = &["role"];
//! }
//! async fn list(caller: Caller, list: List<UserList>, State(state): State<AppState>) -> ApiResult<Json<Paged<UserView>>> {
//!     let page = state.store.list_users(caller.org(), &list.filter, list.page).await?;
//!     Ok(Json(Paged::map(page, UserView::from)))
//! }
//! ```
//! Anything a list does not declare is refused with 400 naming the parameter, so a misspelt
//! filter never silently returns everything.

use std::collections::HashSet;
use std::marker::PhantomData;
use std::str::FromStr;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::Serialize;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};

use super::problem::{ApiError, ApiResult, FieldError};
use crate::domain::model::Status;
use crate::ports::store::{ListFilter, Page, PageRequest, Sort};

pub const DEFAULT_PER_PAGE: u32 = 25;
/// Longest `q` accepted: a search term, not a document.
const MAX_Q_LEN: usize = 100;

/// What one resource's list accepts beyond `page`, `per_page`, `q` and `status`.
pub trait Listing {
    /// The fields `sort` may name (API name, table column); empty means the list has one fixed
    /// order and `sort` is refused.
    const SORT: &'static [(&'static str, &'static str)];
    /// Extra filter parameters the handler reads with [`List::param`].
    const FILTERS: &'static [&'static str] = &[];
    /// Whether `q` and `status` apply to this list.
    const SEARCH: bool = true;
    /// Whether `status` does, for a searchable list of objects that have one.
    const STATUS: bool = true;
}

/// The parsed query of a list request; see the module docs.
#[derive(Debug, Clone)]
pub struct List<L> {
    /// Page, size and requested order, ready for the repository.
    pub page: PageRequest,
    /// `q` and `status`.
    pub filter: ListFilter,
    params: Vec<(String, String)>,
    _listing: PhantomData<fn() -> L>,
}

/// The common parameters of the list `L` for the OpenAPI document, with its own `sort` values:
/// `#[utoipa::path(params(ListQuery<UserList>))]`. Its filters are documented beside it.
pub struct ListQuery<L>(PhantomData<fn() -> L>);

impl<L: Listing> IntoParams for ListQuery<L> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let param = |name: &str, description: &str, schema: ObjectBuilder| {
            Parameter::builder()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        };
        let integer = |min: u32, max: u32, default: u32| {
            Object::builder()
                .schema_type(Type::Integer)
                .minimum(Some(min))
                .maximum(Some(max))
                .default(Some(default.into()))
        };
        let text = || Object::builder().schema_type(Type::String);
        let mut params = vec![
            param("page", "Page number, from 1.", integer(1, u32::MAX, 1)),
            param(
                "per_page",
                "Items per page.",
                integer(1, PageRequest::MAX_PER_PAGE, DEFAULT_PER_PAGE),
            ),
        ];
        if !L::SORT.is_empty() {
            let values = L::SORT
                .iter()
                .flat_map(|(name, _)| [name.to_string(), format!("-{name}")]);
            params.push(param(
                "sort",
                "A sort field; prefixed with `-` for descending.",
                text().enum_values(Some(values)),
            ));
        }
        if L::SEARCH {
            params.push(param(
                "q",
                "Text search over the list's natural text fields, ignoring case.",
                text().max_length(Some(MAX_Q_LEN)),
            ));
        }
        if L::SEARCH && L::STATUS {
            params.push(param(
                "status",
                "Only active or only inactive items.",
                text().enum_values(Some(Status::ALL.iter().map(|s| s.as_str()))),
            ));
        }
        params
    }
}

impl<S: Send + Sync, L: Listing> FromRequestParts<S> for List<L> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> ApiResult<Self> {
        let Query(params) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|_| ApiError::bad_request("The query string cannot be decoded."))?;
        Self::parse(params)
    }
}

impl<L: Listing> List<L> {
    pub fn parse(params: Vec<(String, String)>) -> ApiResult<Self> {
        let mut errors = Vec::new();
        let mut seen = HashSet::new();
        let mut page = 1;
        let mut per_page = DEFAULT_PER_PAGE;
        let mut sort = None;
        let mut filter = ListFilter::default();
        for (key, value) in &params {
            if !seen.insert(key.as_str()) {
                errors.push(FieldError::new(key, "is given more than once"));
                continue;
            }
            match key.as_str() {
                "page" => match value.parse::<u32>() {
                    Ok(n) if n >= 1 => page = n,
                    _ => errors.push(FieldError::new(key, "must be a whole number from 1")),
                },
                "per_page" => match value.parse::<u32>() {
                    Ok(n) if (1..=PageRequest::MAX_PER_PAGE).contains(&n) => per_page = n,
                    _ => errors.push(FieldError::new(
                        key,
                        format!(
                            "must be a whole number from 1 to {}",
                            PageRequest::MAX_PER_PAGE
                        ),
                    )),
                },
                "sort" => match sort_of::<L>(value) {
                    Ok(s) => sort = Some(s),
                    Err(message) => errors.push(FieldError::new(key, message)),
                },
                "q" if L::SEARCH => {
                    let q = value.trim();
                    if value.chars().count() > MAX_Q_LEN {
                        errors.push(FieldError::new(
                            key,
                            format!("must be at most {MAX_Q_LEN} characters"),
                        ));
                    } else if !q.is_empty() {
                        filter.q = Some(q.to_owned());
                    }
                }
                "status" if L::SEARCH && L::STATUS => match Status::parse(value) {
                    Some(s) => filter.status = Some(s),
                    None => errors.push(FieldError::new(key, "must be active or inactive")),
                },
                other if L::FILTERS.contains(&other) => {}
                _ => errors.push(FieldError::new(
                    key,
                    format!("is not a parameter of this list; known: {}", known::<L>()),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::bad_parameters(errors));
        }
        Ok(Self {
            page: PageRequest::new(page, per_page).sorted_by(sort),
            filter,
            params,
            _listing: PhantomData,
        })
    }

    /// The trimmed value of one of `L::FILTERS`, when given and not blank: for text filters.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.given(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The value of one of `L::FILTERS` exactly as given (blank included), for typed filters:
    /// those are given with a valid value or left out.
    pub fn given(&self, name: &str) -> Option<&str> {
        debug_assert!(L::FILTERS.contains(&name), "{name} is not in FILTERS");
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// One of `L::FILTERS` parsed as `T`, when given; 400 naming the parameter when it does not
    /// parse (see [`Self::given`]).
    pub fn param<T: FromStr>(&self, name: &str, expected: &str) -> ApiResult<Option<T>> {
        self.given(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    ApiError::bad_parameters(vec![FieldError::new(
                        name,
                        format!("must be {expected}"),
                    )])
                })
            })
            .transpose()
    }
}

fn sort_of<L: Listing>(value: &str) -> Result<Sort, String> {
    let (name, descending) = match value.strip_prefix('-') {
        Some(name) => (name, true),
        None => (value, false),
    };
    let fields: Vec<&str> = L::SORT.iter().map(|(api, _)| *api).collect();
    if fields.is_empty() {
        return Err("this list has a fixed order and cannot be sorted".into());
    }
    L::SORT
        .iter()
        .find(|(api, _)| *api == name)
        .map(|(_, column)| Sort { column, descending })
        .ok_or_else(|| {
            format!(
                "must be one of {} (prefix - for descending)",
                fields.join(", ")
            )
        })
}

fn known<L: Listing>() -> String {
    let mut names = vec!["page", "per_page"];
    if !L::SORT.is_empty() {
        names.push("sort");
    }
    if L::SEARCH {
        names.push("q");
    }
    if L::SEARCH && L::STATUS {
        names.push("status");
    }
    names.extend(L::FILTERS);
    names.join(", ")
}

/// The answer of every list endpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Paged<T> {
    pub data: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// Matching items over all pages; with `total_capped`, how many were counted.
    pub total: i64,
    /// More than `total` items match: lists that grow without end (call history) stop
    /// counting at 10 000, or at the requested page's end beyond that. Show it as "10 000+".
    pub total_capped: bool,
}

impl<T> Paged<T> {
    /// The envelope for one page of stored objects, each turned into its API view.
    pub fn map<U>(page: Page<U>, view: impl FnMut(U) -> T) -> Self {
        Self {
            data: page.items.into_iter().map(view).collect(),
            page: page.page,
            per_page: page.per_page,
            total: page.total,
            total_capped: page.total_capped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Things;
    impl Listing for Things {
        const SORT: &'static [(&'static str, &'static str)] =
            &[("name", "name"), ("created_at", "created_at")];
        const FILTERS: &'static [&'static str] = &["kind"];
    }

    #[derive(Debug)]
    struct Fixed;
    impl Listing for Fixed {
        const SORT: &'static [(&'static str, &'static str)] = &[];
        const SEARCH: bool = false;
    }

    fn parse<L: Listing>(pairs: &[(&str, &str)]) -> ApiResult<List<L>> {
        List::parse(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn fields(e: ApiError) -> Vec<String> {
        assert_eq!(e.status().as_u16(), 400);
        e.problem().errors.iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn defaults_then_every_common_parameter() {
        let l = parse::<Things>(&[]).unwrap();
        assert_eq!(l.page, PageRequest::new(1, DEFAULT_PER_PAGE));
        assert_eq!(l.filter, ListFilter::default());

        let l = parse::<Things>(&[
            ("page", "3"),
            ("per_page", "100"),
            ("sort", "-created_at"),
            ("q", "  ann "),
            ("status", "inactive"),
            ("kind", "x"),
        ])
        .unwrap();
        assert_eq!(l.page.page, 3);
        assert_eq!(l.page.per_page, 100);
        assert_eq!(
            l.page.sort,
            Some(Sort {
                column: "created_at",
                descending: true
            })
        );
        assert_eq!(l.filter.q.as_deref(), Some("ann"));
        assert_eq!(l.filter.status, Some(Status::Inactive));
        assert_eq!(l.raw("kind"), Some("x"));
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let e = parse::<Things>(&[
            ("page", "0"),
            ("per_page", "101"),
            ("sort", "password_hash"),
            ("status", "gone"),
            ("colour", "red"),
        ])
        .unwrap_err();
        assert_eq!(
            fields(e),
            ["page", "per_page", "sort", "status", "colour"].map(String::from)
        );
        assert_eq!(
            fields(parse::<Things>(&[("q", "a"), ("q", "b")]).unwrap_err()),
            ["q"]
        );
        let long = "x".repeat(MAX_Q_LEN + 1);
        assert_eq!(fields(parse::<Things>(&[("q", &long)]).unwrap_err()), ["q"]);
    }

    #[test]
    fn fixed_lists_refuse_sort_and_search() {
        let e = parse::<Fixed>(&[("sort", "name"), ("q", "a")]).unwrap_err();
        assert_eq!(
            e.problem().errors[0].message,
            "this list has a fixed order and cannot be sorted"
        );
        assert!(
            e.problem().errors[1]
                .message
                .contains("known: page, per_page")
        );
    }

    #[test]
    fn typed_filters_reject_garbage() {
        let l = parse::<Things>(&[("kind", "12")]).unwrap();
        assert_eq!(l.param::<u8>("kind", "a small number").unwrap(), Some(12));
        let l = parse::<Things>(&[("kind", "x")]).unwrap();
        let e = l.param::<u8>("kind", "a small number").unwrap_err();
        assert_eq!(e.problem().errors[0].message, "must be a small number");
    }
}
