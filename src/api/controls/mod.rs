//! `/_switchboard/`: controls for tests and development (see docs/controls.md). Served only
//! while controls are on (`--controls on`, the default): `api::router` merges [`router`] and
//! wraps the resources in [`observe`] only then, so with controls off every control path is
//! the usual route-not-found and no request pays for them.

pub mod clock;
pub mod faults;
pub mod fixtures;
pub mod journal;
pub mod reset;
pub mod snapshots;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;

use super::extract::Ctx;
use super::{ApiConfig, AppState};

/// What the controls keep in the process: the journal, and the cache of each workspace's faults.
pub struct Controls {
    pub(crate) faults: faults::FaultCache,
    pub(crate) journal: journal::Journal,
}

impl Controls {
    pub fn new(config: &ApiConfig) -> Self {
        Controls {
            faults: faults::FaultCache::default(),
            journal: journal::Journal::new(config.journal_size),
        }
    }

    /// Forgets what this process keeps of the workspace (for a reset, with its faults' rows).
    pub fn forget(&self, workspace_id: i64) {
        self.faults.forget(workspace_id);
        self.journal.clear(workspace_id);
    }
}

/// Every `/_switchboard/` control. A new control adds its router here.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(clock::router())
        .merge(faults::router())
        .merge(fixtures::router())
        .merge(journal::router())
        .merge(reset::router())
        .merge(snapshots::router())
}

/// Wraps the API's resources (not the controls: those are neither faulted nor recorded) in
/// what the controls do to each request, as one layer: the journal records the answer, faulted
/// or not.
pub fn observe(resources: Router<AppState>, state: &AppState) -> Router<AppState> {
    resources.route_layer(middleware::from_fn_with_state(state.clone(), observe_request))
}

async fn observe_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(workspace_id) = request.extensions().get::<Ctx>().map(|ctx| ctx.workspace_id) else {
        return next.run(request).await;
    };
    if state.controls.journal.is_off() {
        return faults::apply(&state, workspace_id, request, next).await;
    }
    journal::record(&state, workspace_id, request, next).await
}
