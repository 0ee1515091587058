//! How fresh a listing is: a parcel or building not confirmed (`verified_at`) within the
//! office's window is stale, shown as such and listed for checking (待核实).

use chrono::{Duration, NaiveDate};

/// Today's date in Beijing (UTC+8), the date offices write.
pub fn beijing_today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(8)).date_naive()
}

/// The staleness rule in force on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Freshness {
    /// The last date that still counts as fresh: verified before it is stale.
    oldest_fresh: NaiveDate,
}

impl Freshness {
    /// Stale when not verified within `days` before `today`.
    ///
    /// ```
    /// use chanye::inventory::Freshness;
    /// let today = "2026-12-07".parse().unwrap();
    /// let rule = Freshness::new(today, 180);
    /// assert!(!rule.is_stale("2026-06-10".parse().unwrap()), "180 days ago is still within");
    /// assert!(rule.is_stale("2026-06-09".parse().unwrap()));
    /// ```
    pub fn new(today: NaiveDate, days: u32) -> Freshness {
        Freshness { oldest_fresh: today - Duration::days(i64::from(days)) }
    }

    /// The rule today, in Beijing.
    pub fn today(days: u32) -> Freshness {
        Freshness::new(beijing_today(), days)
    }

    /// Whether a listing verified on `verified_at` is stale.
    pub fn is_stale(&self, verified_at: NaiveDate) -> bool {
        verified_at < self.oldest_fresh
    }
}
