//! Deploy checks: infra/template.yaml agrees with the function crates, the routes the routers
//! serve (HTTP_FUNCTIONS), the local table definitions and the code's configuration; the
//! docker-compose path is well-formed; the migrate function suits deploys and rollbacks.
//! cfn-lint and `sam validate --lint` run from scripts/deploy-tools.sh in the test command.

mod cfn;
mod compose;
mod edge;
mod events;
mod functions;
mod iam;
mod migrations;
mod secrets;
mod secrets_manager;
mod tables;
