//! Controls for tests and development, under `/_switchboard/` (see docs/controls.md): each acts
//! on the workspace of the request's token only.

pub mod clock;

use axum::Router;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(clock::router())
}
