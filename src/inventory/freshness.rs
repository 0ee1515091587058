//! How fresh a listing is: a parcel or building not confirmed (`verified_at`) within the
//! office's window is stale, shown as such and listed for checking (待核实).

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{Duration, NaiveDate};

/// The deployment's window, days: one setting for every read of the process (items, tiles,
/// exports, filters), set once by `serve`.
static STALE_AFTER_DAYS: AtomicU32 = AtomicU32::new(DEFAULT_STALE_AFTER_DAYS);

/// The window when no setting says otherwise.
pub const DEFAULT_STALE_AFTER_DAYS: u32 = 180;

/// Sets the process's window (the `stale_after_days` setting).
pub fn set_stale_after_days(days: u32) {
    STALE_AFTER_DAYS.store(days, Ordering::Relaxed);
}

/// The process's window, days.
pub fn stale_after_days() -> u32 {
    STALE_AFTER_DAYS.load(Ordering::Relaxed)
}

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

    /// The rule in force now: today in Beijing, the process's window.
    pub fn current() -> Freshness {
        Freshness::today(stale_after_days())
    }

    /// The first date that is still fresh.
    pub fn oldest_fresh(&self) -> NaiveDate {
        self.oldest_fresh
    }

    /// Whether a listing verified on `verified_at` is stale.
    pub fn is_stale(&self, verified_at: NaiveDate) -> bool {
        verified_at < self.oldest_fresh
    }
}

/// A parcel or building not verified within the window: a line of an office's 待核实 list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StaleEntry {
    /// `parcels` or `buildings`.
    pub layer: &'static str,
    /// Feature id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// District adcode.
    pub district: String,
    /// Park id.
    pub park: Option<String>,
    /// Supply status.
    pub status: &'static str,
    /// When it was last verified.
    pub verified_at: NaiveDate,
    /// Days since then.
    pub days_since_verified: i64,
}

/// Which stale features to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct StaleQuery<'a> {
    /// Only this district (adcode).
    pub district: Option<&'a str>,
    /// Only this park.
    pub park: Option<&'a str>,
    /// Only this layer (parcels or buildings); none: both.
    pub layer: Option<super::LayerName>,
}

/// The stale parcels and buildings `query` selects, oldest verification first (then by id).
pub fn stale_list(snapshot: &super::Snapshot, rule: &Freshness, today: NaiveDate, query: &StaleQuery) -> Vec<StaleEntry> {
    use super::LayerName;
    let wanted = |layer: LayerName, district: &str, park: Option<&str>, verified_at: NaiveDate| {
        query.layer.is_none_or(|l| l == layer)
            && query.district.is_none_or(|d| d == district)
            && query.park.is_none_or(|p| Some(p) == park)
            && rule.is_stale(verified_at)
    };
    let entry = |layer: LayerName, id: &str, name: &str, district: &str, park: Option<&str>, status: crate::model::SpaceStatus, verified_at: NaiveDate| StaleEntry {
        layer: layer.as_str(),
        id: id.to_string(),
        name: name.to_string(),
        district: district.to_string(),
        park: park.map(str::to_string),
        status: status.as_str(),
        verified_at,
        days_since_verified: (today - verified_at).num_days(),
    };
    let mut list: Vec<StaleEntry> = snapshot
        .parcels
        .items()
        .iter()
        .filter(|p| wanted(LayerName::Parcels, &p.district, p.park.as_deref(), p.provenance.verified_at))
        .map(|p| entry(LayerName::Parcels, &p.id, &p.name, &p.district, p.park.as_deref(), p.status, p.provenance.verified_at))
        .chain(
            snapshot
                .buildings
                .items()
                .iter()
                .filter(|b| wanted(LayerName::Buildings, &b.district, b.park.as_deref(), b.provenance.verified_at))
                .map(|b| entry(LayerName::Buildings, &b.id, &b.name, &b.district, b.park.as_deref(), b.status, b.provenance.verified_at)),
        )
        .collect();
    list.sort_by(|a, b| a.verified_at.cmp(&b.verified_at).then_with(|| a.id.cmp(&b.id)));
    list
}
