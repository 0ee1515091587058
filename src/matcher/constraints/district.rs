//! `district`: the space lies in a district the project accepts (a scope limit).

use super::Rejection;
use crate::inventory::Snapshot;
use crate::matcher::context::ScopeLimits;

/// Whether district `d` (a position) is outside the request's districts.
pub(super) fn fails(limits: &ScopeLimits, d: u32) -> bool {
    limits.districts.as_ref().is_some_and(|ok| !ok[d as usize])
}

/// Why space in district `d` fails.
pub(super) fn rejection(s: &Snapshot, d: u32) -> Rejection<'_> {
    Rejection::District { have: &s.districts.at(d).name }
}
