//! Controls for tests and development, under `/_switchboard/` (see docs/controls.md). They act
//! on the token's workspace only, and answer errors as `error.list` like every endpoint.

pub mod clock;
pub mod reset;
pub mod snapshots;

use axum::Router;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(clock::router()).merge(reset::router()).merge(snapshots::router())
}
