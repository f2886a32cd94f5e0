//! Background delivery of webhook notifications, in every `switchboard serve` process.
//!
//! Deliveries are rows (see `store::webhooks::deliveries`): a worker claims due ones with a
//! lease, POSTs each `notification_event` signed with the workspace's `client_secret`, and
//! writes the outcome (one writer task, which writes together what finished meanwhile). Sends run concurrently up to a bound, and at most a few per
//! subscription, so one slow endpoint does not hold back the others. On shutdown the worker
//! stops claiming and lets the sends under way finish (each is bounded by the timeout); what
//! is left stays pending for the next start, and a killed process's claims lapse with their
//! lease.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderValue, Request, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

use crate::domain::version;
use crate::domain::webhook::{self, Attempt};
use crate::store::webhooks::deliveries::{ClaimedDelivery, Finished, Outcome, RetryPolicy};
use crate::store::{Store, real_now};

/// The most outcomes written in one transaction.
const OUTCOMES_PER_WRITE: usize = 256;

/// The most of an answer's body read (its start is kept as the delivery's excerpt).
const READ_LIMIT: usize = 64 * 1024;

/// How the webhook worker runs.
#[derive(Debug, Clone, Copy)]
pub struct WebhookWorker {
    /// How often to look for due deliveries when there were none.
    pub poll: Duration,
    /// How long one attempt may take, connection and answer included.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Sends under way at once in this process.
    pub concurrency: usize,
    /// Sends under way at once to one subscription.
    pub per_subscription: usize,
}

impl Default for WebhookWorker {
    fn default() -> Self {
        WebhookWorker {
            poll: Duration::from_millis(200),
            timeout: Duration::from_secs(10),
            retry: RetryPolicy { base_ms: 30_000, max_ms: 86_400_000 },
            concurrency: 16,
            per_subscription: 4,
        }
    }
}

type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A client for `http` and `https` URLs; https trusts the Mozilla roots (webpki-roots), not the
/// system's store, so it works the same in any container.
// rustls deprecates ring's provider for lacking post-quantum key exchange; ring builds with a C
// compiler alone, and a webhook receiver needs no more than classic TLS.
#[allow(deprecated)]
fn client() -> HttpClient {
    let connector = HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .expect("ring supports the default TLS versions")
        .https_or_http()
        .enable_http1()
        .build();
    Client::builder(TokioExecutor::new()).build(connector)
}

impl WebhookWorker {
    /// A claim outlives the longest attempt, with room for writing its outcome.
    fn lease_ms(&self) -> i64 {
        self.timeout.as_millis() as i64 + 30_000
    }

    /// Delivers until `stop` turns true, then waits for the sends under way and writes their
    /// outcomes.
    pub async fn run(self, store: Store, mut stop: watch::Receiver<bool>) {
        let client = client();
        let busy: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
        let mut sends = JoinSet::new();
        let (outcomes, finished) = mpsc::channel(self.concurrency.max(1) * 4);
        let writer = tokio::spawn(write_outcomes(store.clone(), self.retry, finished));
        while !*stop.borrow() {
            while sends.try_join_next().is_some() {}
            let free = self.concurrency.saturating_sub(sends.len());
            let claimed = if free == 0 {
                Vec::new()
            } else {
                match store.claim_deliveries(free as u64, self.lease_ms()).await {
                    Ok(claimed) => claimed,
                    Err(err) => {
                        tracing::warn!(%err, "webhook deliveries could not be claimed");
                        Vec::new()
                    }
                }
            };
            let idle = claimed.is_empty();
            for delivery in claimed {
                let full = {
                    let mut busy = busy.lock().unwrap_or_else(|e| e.into_inner());
                    let n = busy.entry(delivery.subscription_id).or_default();
                    *n += 1;
                    *n > self.per_subscription
                };
                let (store, client, busy, worker) = (store.clone(), client.clone(), busy.clone(), self);
                let outcomes = outcomes.clone();
                sends.spawn(async move {
                    let subscription_id = delivery.subscription_id;
                    if full {
                        // That endpoint has enough under way: the delivery waits its turn.
                        if let Err(err) = store.release_delivery(&delivery, 500).await {
                            tracing::warn!(%err, "a webhook delivery could not be released");
                        }
                    } else {
                        let finished = worker.deliver(&client, delivery).await;
                        // The send keeps its place until its outcome is written, so that the
                        // next claim sees it (a 429 holds back the endpoint's other deliveries).
                        let (done, written) = oneshot::channel();
                        if outcomes.send((finished, done)).await.is_ok() {
                            let _ = written.await;
                        }
                    }
                    let mut busy = busy.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(n) = busy.get_mut(&subscription_id) {
                        *n -= 1;
                        if *n == 0 {
                            busy.remove(&subscription_id);
                        }
                    }
                });
            }
            if idle || self.concurrency <= sends.len() {
                tokio::select! {
                    _ = tokio::time::sleep(self.poll) => {}
                    changed = stop.changed() => {
                        if changed.is_err() {
                            break;
                        }
                    }
                    Some(_) = sends.join_next(), if !sends.is_empty() => {}
                }
            }
        }
        while sends.join_next().await.is_some() {}
        drop(outcomes);
        let _ = writer.await;
    }

    /// One attempt: the send and its outcome, to be written.
    async fn deliver(&self, client: &HttpClient, delivery: ClaimedDelivery) -> Finished {
        let clock = delivery.clock;
        let sent_at = clock.now(real_now());
        let mut item = delivery.item.clone();
        version::shape(delivery.api_version, &mut item);
        let attempt =
            Attempt { number: delivery.attempt, first_sent_at: delivery.first_sent_at.unwrap_or(sent_at) };
        let event = webhook::notification_event(
            &delivery.notification_id,
            &delivery.topic,
            &delivery.app_id,
            delivery.created_at,
            attempt,
            item,
        );
        let body = serde_json::to_vec(&event).expect("a notification serializes");
        let signature = webhook::signature(&delivery.client_secret, &body);
        let started = Instant::now();
        let answer = tokio::time::timeout(self.timeout, send(client, &delivery.url, body, &signature)).await;
        let duration_ms = started.elapsed().as_millis() as i64;
        let (code, excerpt, retry_after_ms) = match answer {
            Ok(Ok((code, retry_after_ms, body))) => (Some(code), webhook::excerpt(&body), retry_after_ms),
            Ok(Err(err)) => (None, err, None),
            Err(_) => (None, format!("no answer within {} s", self.timeout.as_secs_f64()), None),
        };
        let answered_at = clock.now(real_now());
        let outcome = Outcome { code, excerpt, duration_ms, retry_after_ms, sent_at, answered_at };
        Finished { claimed: delivery, outcome, jitter: rand::random() }
    }
}

/// Writes outcomes as sends finish: whatever finished while the last write ran goes in the
/// next one, so a burst of deliveries costs a few transactions, and a lone one is written at
/// once.
async fn write_outcomes(
    store: Store,
    policy: RetryPolicy,
    mut finished: mpsc::Receiver<(Finished, oneshot::Sender<()>)>,
) {
    let mut received = Vec::with_capacity(OUTCOMES_PER_WRITE);
    while finished.recv_many(&mut received, OUTCOMES_PER_WRITE).await > 0 {
        let (batch, waiting): (Vec<Finished>, Vec<oneshot::Sender<()>>) = received.drain(..).unzip();
        match store.finish_deliveries(&batch, policy).await {
            Ok(written) => {
                for (done, written) in batch.iter().zip(written) {
                    let notification = &done.claimed.notification_id;
                    if written {
                        tracing::debug!(%notification, code = ?done.outcome.code, "webhook attempt");
                    } else {
                        tracing::info!(%notification, "webhook claim was taken over");
                    }
                }
            }
            Err(err) => {
                tracing::warn!(%err, count = batch.len(), "webhook outcomes were not written; they are sent again")
            }
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}

/// POSTs the body; the status, a `Retry-After` in milliseconds, and the start of the answer.
async fn send(
    client: &HttpClient,
    url: &str,
    body: Vec<u8>,
    signature: &str,
) -> Result<(u16, Option<i64>, Bytes), String> {
    let request = Request::post(url)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, concat!("Switchboard-Webhooks/", env!("CARGO_PKG_VERSION")))
        .header("X-Hub-Signature", signature)
        .body(Full::new(Bytes::from(body)))
        .map_err(|err| format!("the URL cannot be requested: {err}"))?;
    let response = client.request(request).await.map_err(|err| format!("no answer: {}", describe(&err)))?;
    let code = response.status().as_u16();
    let retry_after_ms = response.headers().get(header::RETRY_AFTER).and_then(retry_after_ms);
    // An answer's body is read only as far as its start is kept; one that fails midway still
    // counts by its status.
    let body = Limited::new(response.into_body(), READ_LIMIT)
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    Ok((code, retry_after_ms, body))
}

/// A client error with its cause (hyper's own text is only "client error (Connect)").
fn describe(err: &hyper_util::client::legacy::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `Retry-After` in seconds (the HTTP-date form is not used by the endpoints this serves).
fn retry_after_ms(value: &HeaderValue) -> Option<i64> {
    value.to_str().ok()?.trim().parse::<i64>().ok().filter(|s| *s >= 0).map(|s| s.saturating_mul(1000))
}
