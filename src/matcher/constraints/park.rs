//! `park`: the space lies in a park or 园中园 the project accepts (a scope limit).

use super::Rejection;
use crate::inventory::Snapshot;
use crate::matcher::context::ScopeLimits;

/// Whether a place in `park` and `zone` (positions) is outside the request's parks; a named
/// zone limits its own park to that zone.
pub(super) fn fails(limits: &ScopeLimits, park: Option<u32>, zone: Option<u32>) -> bool {
    let Some(ok) = &limits.parks else { return false };
    let in_park = park.is_some_and(|p| ok[p as usize]);
    let zone_ok = match park {
        Some(p) if limits.zone_limited[p as usize] => zone.is_some_and(|z| limits.zones[z as usize]),
        _ => true,
    };
    !(in_park && zone_ok)
}

/// Why space in `park` and `zone` fails: the zone's name, else the park's.
pub(super) fn rejection(s: &Snapshot, park: Option<u32>, zone: Option<u32>) -> Rejection<'_> {
    let zone_name = zone.map(|z| s.zones.at(z).name.as_str());
    Rejection::Park { have: zone_name.or(park.map(|p| s.parks.at(p).name.as_str())) }
}
