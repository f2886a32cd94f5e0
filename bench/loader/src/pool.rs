//! Runs numbered tasks with bounded concurrency, showing progress, and times the whole phase.

use std::future::Future;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::api::CallError;

pub struct Phase<T> {
    pub results: Vec<Option<T>>,
    pub seconds: f64,
    pub failed: u64,
    /// The first request met the server's catch-all 404: the endpoint does not exist yet.
    pub unavailable: bool,
}

impl<T> Phase<T> {
    pub fn done(&self) -> u64 {
        self.results.iter().filter(|r| r.is_some()).count() as u64
    }
}

pub async fn run<T, F, Fut>(label: &str, count: u64, concurrency: usize, task: F) -> Phase<T>
where
    T: Send + 'static,
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, CallError>> + Send,
{
    let started = Instant::now();
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(count) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{prefix:>14} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(label.to_owned());
    let task = Arc::new(task);
    let next = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let unavailable = Arc::new(AtomicBool::new(false));
    let results: Arc<Mutex<Vec<Option<T>>>> = Arc::new(Mutex::new((0..count).map(|_| None).collect()));
    // Without a terminal, a line every five seconds stands in for the bar.
    let ticker = (bar.is_hidden() && count > 0).then(|| {
        let (next, label) = (next.clone(), label.to_owned());
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_secs(5));
            interval.tick().await;
            loop {
                interval.tick().await;
                let n = next.load(Ordering::Relaxed).min(count);
                let rate = n as f64 / started.elapsed().as_secs_f64();
                eprintln!("  {label}: {n}/{count} ({rate:.0}/s)");
            }
        })
    });
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (task, next, failed, unavailable, results, bar) = (
                task.clone(),
                next.clone(),
                failed.clone(),
                unavailable.clone(),
                results.clone(),
                bar.clone(),
            );
            let label = label.to_owned();
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count || unavailable.load(Ordering::Relaxed) {
                        break;
                    }
                    match task(i).await {
                        Ok(value) => results.lock().expect("no panics while held")[i as usize] = Some(value),
                        Err(CallError::Unavailable) => unavailable.store(true, Ordering::Relaxed),
                        Err(e) => {
                            if failed.fetch_add(1, Ordering::Relaxed) < 5 {
                                bar.suspend(|| eprintln!("  {label} #{i}: {e}"));
                            }
                        }
                    }
                    bar.inc(1);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("loader tasks do not panic");
    }
    if let Some(ticker) = ticker {
        ticker.abort();
    }
    bar.finish_and_clear();
    let results = std::mem::take(&mut *results.lock().expect("no panics while held"));
    Phase {
        results,
        seconds: started.elapsed().as_secs_f64(),
        failed: failed.load(Ordering::Relaxed),
        unavailable: unavailable.load(Ordering::Relaxed),
    }
}
