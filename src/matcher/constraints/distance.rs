//! `distance`: the space lies within the distance limit of the requested point (a scope
//! limit, applied through the R-tree).

use super::Rejection;

/// Whether `metres` is beyond `max_m`; an unknown (NaN) distance is.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
#[inline]
pub(crate) fn fails(max_m: f64, metres: f64) -> bool {
    !(metres <= max_m)
}

/// Why space `metres` away fails.
pub(crate) fn rejection<'a>(max_m: f64, metres: f64) -> Rejection<'a> {
    Rejection::Distance { metres, max_m }
}
