//! A small client for Switchboard's public API, counting every request it sends.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

#[derive(Debug)]
pub enum CallError {
    /// The server has no such route yet (its catch-all 404).
    Unavailable,
    Status(u16, String),
    Transport(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Unavailable => write!(f, "endpoint not available"),
            CallError::Status(status, body) => write!(f, "HTTP {status}: {body}"),
            CallError::Transport(e) => write!(f, "transport error: {e}"),
        }
    }
}

pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
    pub requests: AtomicU64,
}

/// The message of the server's catch-all 404: the route itself does not exist.
pub fn is_route_not_found(status: u16, body: &Value) -> bool {
    status == 404 && body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("check your path"))
}

impl Api {
    pub fn new(base: &str, token: &str, concurrency: usize) -> Api {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client without TLS always builds");
        Api {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            requests: AtomicU64::new(0),
        }
    }

    /// Sends one request; waits and retries when rate limited or when the connection drops.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, CallError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(&self.token)
                .header("Accept", "application/json");
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(_) if attempts < 5 => {
                    tokio::time::sleep(Duration::from_millis(100 * attempts)).await;
                    continue;
                }
                Err(e) => return Err(CallError::Transport(e.to_string())),
            };
            let status = response.status().as_u16();
            let text = response.text().await.map_err(|e| CallError::Transport(e.to_string()))?;
            if status == 429 && attempts < 60 {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            return match status {
                200..=299 => Ok(json),
                _ if is_route_not_found(status, &json) => Err(CallError::Unavailable),
                _ => Err(CallError::Status(status, text.chars().take(300).collect())),
            };
        }
    }
}
