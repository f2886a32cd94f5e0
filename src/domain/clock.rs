//! A workspace's clock (`/_switchboard/clock`): real time, real time shifted by an offset, or
//! frozen at one instant. Every timestamp the workspace records and every rule that depends on
//! time reads it (through `store::now`).

use serde::{Deserialize, Serialize};

use crate::domain::error::Rejection;

/// The latest instant a clock may show: the end of year 9999, as every client's date type holds.
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;

/// A workspace's clock setting. The default is real time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    /// Set: the clock stands still at this instant (Unix seconds).
    pub frozen_at: Option<i64>,
    /// Otherwise the clock runs, this many seconds ahead of real time (behind when negative).
    pub offset: i64,
}

/// What `GET /_switchboard/clock` answers.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ClockReading {
    pub now: i64,
    pub frozen: bool,
}

/// The body of `PUT /_switchboard/clock`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockChange {
    pub now: Option<i64>,
    pub advance: Option<i64>,
    pub frozen: Option<bool>,
}

impl Clock {
    pub const REAL: Clock = Clock { frozen_at: None, offset: 0 };

    /// The time this clock shows when real time is `real`.
    pub fn now(self, real: i64) -> i64 {
        self.frozen_at.unwrap_or(real.saturating_add(self.offset))
    }

    pub fn reading(self, real: i64) -> ClockReading {
        ClockReading { now: self.now(real), frozen: self.frozen_at.is_some() }
    }

    /// The clock after `change`, real time being `real`:
    /// - `{"now": t}` freezes at `t`; with `"frozen": false` the clock runs on from `t`;
    /// - `{"advance": s}` moves a frozen clock by `s` seconds, and shifts a running one by `s`
    ///   (it keeps running, `s` seconds further on);
    /// - `{"frozen": true}` stops the clock where it is; `{"frozen": false}` returns to real time.
    pub fn changed(self, change: ClockChange, real: i64) -> Result<Clock, Rejection> {
        let ClockChange { now, advance, frozen } = change;
        let clock = match (now, advance, frozen) {
            (None, None, None) => {
                return Err(Rejection::missing("now"));
            }
            (Some(_), Some(_), _) => {
                return Err(Rejection::invalid("advance", "now and advance cannot be given together"));
            }
            (Some(at), None, Some(false)) => Clock { frozen_at: None, offset: checked(at)? - real },
            (Some(at), None, _) => Clock { frozen_at: Some(checked(at)?), offset: 0 },
            (None, Some(_), Some(_)) => {
                return Err(Rejection::invalid("frozen", "advance cannot be given with frozen"));
            }
            (None, Some(seconds), None) => match self.frozen_at {
                Some(at) => Clock { frozen_at: Some(checked(at.saturating_add(seconds))?), offset: 0 },
                None => {
                    checked(self.now(real).saturating_add(seconds))?;
                    Clock { frozen_at: None, offset: self.offset.saturating_add(seconds) }
                }
            },
            (None, None, Some(true)) => Clock { frozen_at: Some(self.now(real)), offset: 0 },
            (None, None, Some(false)) => Clock::REAL,
        };
        Ok(clock)
    }
}

/// An instant a clock may show: from the Unix epoch to the end of year 9999.
fn checked(at: i64) -> Result<i64, Rejection> {
    if (0..=MAX_TIMESTAMP).contains(&at) {
        Ok(at)
    } else {
        Err(Rejection::invalid("now", format!("The clock must stay between 0 and {MAX_TIMESTAMP}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(now: Option<i64>, advance: Option<i64>, frozen: Option<bool>) -> ClockChange {
        ClockChange { now, advance, frozen }
    }

    #[test]
    fn freezing_advancing_and_returning() {
        let real = 1_000_000;
        let frozen = Clock::REAL.changed(change(Some(500), None, None), real).unwrap();
        assert_eq!(frozen.reading(real + 60).now, 500);
        let moved = frozen.changed(change(None, Some(30), None), real).unwrap();
        assert_eq!(moved.now(real + 99), 530);
        let shifted = Clock::REAL.changed(change(None, Some(3600), None), real).unwrap();
        assert_eq!(shifted.now(real + 1), real + 3601);
        assert!(!shifted.reading(real).frozen);
        let running_from = Clock::REAL.changed(change(Some(500), None, Some(false)), real).unwrap();
        assert_eq!(running_from.now(real + 10), 510);
        let stopped = shifted.changed(change(None, None, Some(true)), real).unwrap();
        assert_eq!(stopped.now(real + 100), real + 3600);
        assert_eq!(stopped.changed(change(None, None, Some(false)), real).unwrap(), Clock::REAL);
    }

    #[test]
    fn bad_changes_are_refused() {
        let real = 1_000_000;
        assert!(Clock::REAL.changed(change(None, None, None), real).is_err());
        assert!(Clock::REAL.changed(change(Some(1), Some(1), None), real).is_err());
        assert!(Clock::REAL.changed(change(None, Some(1), Some(true)), real).is_err());
        assert!(Clock::REAL.changed(change(Some(-1), None, None), real).is_err());
        assert!(Clock::REAL.changed(change(Some(MAX_TIMESTAMP + 1), None, None), real).is_err());
        assert!(Clock::REAL.changed(change(None, Some(-real - 1), None), real).is_err());
        let frozen = Clock { frozen_at: Some(10), offset: 0 };
        assert!(frozen.changed(change(None, Some(i64::MAX), None), real).is_err());
    }
}
