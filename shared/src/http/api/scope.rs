//! Which part of the organization's call history a caller sees. A PBX user sees only the calls and
//! voicemail of the extensions linked to them (their own phones); everyone else who may read the
//! history sees all of it. Something outside a caller's scope is answered like something that
//! does not exist (404), the same as another organization's ids.

use super::caller::Caller;
use super::problem::ApiResult;
use crate::app::AppState;
use crate::domain::ids::ExtensionId;
use crate::domain::model::{CallLog, Extension, Role};
use crate::ports::call_logs::belongs_to;
use crate::ports::extensions::ExtensionRepo;

#[derive(Debug, Clone)]
pub enum Scope {
    Everything,
    /// The caller's own extensions (possibly none).
    Extensions(Vec<Extension>),
}

impl Scope {
    /// The caller's scope, read fresh so a re-linked extension counts at once.
    pub async fn of(state: &AppState, caller: &Caller) -> ApiResult<Self> {
        Ok(if caller.role() == Role::PbxUser {
            Scope::Extensions(
                state
                    .store
                    .extensions_of_user(caller.org(), caller.user_id())
                    .await?,
            )
        } else {
            Scope::Everything
        })
    }

    /// The extensions a list is limited to, given the `extension` the client asked for: `None`
    /// for no limit. Asking for an extension outside the scope lists nothing.
    pub fn extensions(&self, asked: Option<ExtensionId>) -> Option<Vec<ExtensionId>> {
        match self {
            Scope::Everything => asked.map(|id| vec![id]),
            Scope::Extensions(own) => Some(
                own.iter()
                    .map(|e| e.id)
                    .filter(|id| asked.is_none_or(|a| a == *id))
                    .collect(),
            ),
        }
    }

    pub fn includes_call(&self, call: &CallLog) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Extensions(own) => own.iter().any(|e| belongs_to(call, e)),
        }
    }

    pub fn includes_extension(&self, id: ExtensionId) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Extensions(own) => own.iter().any(|e| e.id == id),
        }
    }
}
