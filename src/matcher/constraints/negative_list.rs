//! `negative_list`: the project's industry is not on the park's negative list 负面清单.

use super::Rejection;
use crate::inventory::Snapshot;
use crate::model::Industry;

/// The park and the entry of its negative list that covers the project, if any; `negative`
/// holds that entry per park.
pub(super) fn listed<'a>(negative: &[Option<&'a Industry>], park: Option<u32>) -> Option<(u32, &'a Industry)> {
    park.and_then(|p| negative[p as usize].map(|listed| (p, listed)))
}

/// Why a row in park `p` fails.
pub(super) fn rejection<'a>(s: &'a Snapshot, p: u32, listed: &'a Industry) -> Rejection<'a> {
    Rejection::NegativeList { park: &s.parks.at(p).name, listed }
}
