//! Switchboard: a self-hosted server that speaks the Intercom REST API.
#![allow(async_fn_in_trait)] // store traits are only used with concrete, Send types

pub mod api;
pub mod cli;
pub mod domain;
pub mod error;
pub mod store;
pub mod webhooks;
pub mod worker;

use tokio::net::TcpListener;

use crate::api::{ApiConfig, AppState};
use crate::store::Store;

/// Serves the API on `listener` until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    config: ApiConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = api::router(AppState::new(store, &config), &config);
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
