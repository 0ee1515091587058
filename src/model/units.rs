//! Area units: square metres and 亩.

use std::fmt;

/// Square metres in one 亩 (10000/15).
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// An area in square metres.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct SquareMetres(pub f64);

/// An area in 亩 (mu), the unit Chinese land deals are quoted in.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Mu(pub f64);

impl SquareMetres {
    /// The same area in 亩.
    pub fn to_mu(self) -> Mu {
        Mu(self.0 / M2_PER_MU)
    }
}

impl Mu {
    /// The same area in square metres.
    pub fn to_m2(self) -> SquareMetres {
        SquareMetres(self.0 * M2_PER_MU)
    }
}

impl fmt::Display for SquareMetres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.0} m²", self.0)
    }
}

impl fmt::Display for Mu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} 亩", self.0)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn fifteen_mu_make_a_hectare() {
        assert!((Mu(15.0).to_m2().0 - 10_000.0).abs() < 1e-9);
        assert!((SquareMetres(666.666_666_7).to_mu().0 - 1.0).abs() < 1e-9);
    }
}
