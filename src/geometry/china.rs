//! GCJ-02 (the offset datum of AMap and Tencent maps) and BD-09 (Baidu's further offset),
//! by the published formulas. Neither is in PROJ.
//!
//! Outside China's rough bounding box the offset is zero, as the maps themselves do.

use std::f64::consts::PI;

use geo::Coord;

/// Semi-major axis of the Krasovsky 1940 ellipsoid the GCJ-02 formula uses.
const KRASOVSKY_A: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid.
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// Baidu's scaling of degrees into its angular term.
const BD_X_PI: f64 = PI * 3000.0 / 180.0;
/// Iterations stop once a step is below this many degrees (about 0.1 mm).
const INVERSE_TOLERANCE_DEG: f64 = 1e-9;

/// Whether the GCJ-02 offset applies at this lon/lat.
pub fn in_china(c: Coord) -> bool {
    (72.004..=137.8347).contains(&c.x) && (0.8293..=55.8271).contains(&c.y)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS84 → GCJ-02.
pub fn wgs84_to_gcj02(c: Coord) -> Coord {
    if !in_china(c) {
        return c;
    }
    let (x, y) = (c.x - 105.0, c.y - 35.0);
    let rad_lat = c.y.to_radians();
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat = offset_lat(x, y) * 180.0 / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let d_lon = offset_lon(x, y) * 180.0 / (KRASOVSKY_A / sqrt_magic * rad_lat.cos() * PI);
    Coord { x: c.x + d_lon, y: c.y + d_lat }
}

/// Inverts `forward` near `target` by fixed-point iteration; the offsets are smooth and
/// small, so a few steps reach sub-millimetre agreement.
fn invert(target: Coord, forward: impl Fn(Coord) -> Coord) -> Coord {
    let mut guess = target;
    for _ in 0..30 {
        let mapped = forward(guess);
        let (dx, dy) = (mapped.x - target.x, mapped.y - target.y);
        guess = Coord { x: guess.x - dx, y: guess.y - dy };
        if dx.abs() < INVERSE_TOLERANCE_DEG && dy.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
    }
    guess
}

/// GCJ-02 → WGS84 (iterative inverse, sub-millimetre).
pub fn gcj02_to_wgs84(c: Coord) -> Coord {
    if !in_china(c) {
        return c;
    }
    invert(c, wgs84_to_gcj02)
}

/// GCJ-02 → BD-09.
pub fn gcj02_to_bd09(c: Coord) -> Coord {
    let z = (c.x * c.x + c.y * c.y).sqrt() + 0.00002 * (c.y * BD_X_PI).sin();
    let theta = c.y.atan2(c.x) + 0.000003 * (c.x * BD_X_PI).cos();
    Coord { x: z * theta.cos() + 0.0065, y: z * theta.sin() + 0.006 }
}

/// BD-09 → GCJ-02 (iterative inverse of [`gcj02_to_bd09`]).
pub fn bd09_to_gcj02(c: Coord) -> Coord {
    invert(c, gcj02_to_bd09)
}

/// WGS84 → BD-09.
pub fn wgs84_to_bd09(c: Coord) -> Coord {
    gcj02_to_bd09(wgs84_to_gcj02(c))
}

/// BD-09 → WGS84.
pub fn bd09_to_wgs84(c: Coord) -> Coord {
    gcj02_to_wgs84(bd09_to_gcj02(c))
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::geometry::distance::haversine_m;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    // Reference pairs published with the eviltransform test suite (wgs lat/lng → gcj lat/lng)
    // and the coordtransform README (lng/lat), both computed by the standard formulas.
    const WGS_GCJ: [(f64, f64, f64, f64); 3] = [
        (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
        (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
        (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    ];

    #[test]
    fn wgs_to_gcj_matches_reference_pairs() {
        for (wx, wy, gx, gy) in WGS_GCJ {
            let g = wgs84_to_gcj02(c(wx, wy));
            assert!(haversine_m(g, c(gx, gy)) < 0.01, "{g:?} vs ({gx}, {gy})");
            let w = gcj02_to_wgs84(c(gx, gy));
            assert!(haversine_m(w, c(wx, wy)) < 0.01, "{w:?} vs ({wx}, {wy})");
        }
        let g = wgs84_to_gcj02(c(116.404, 39.915));
        assert!(haversine_m(g, c(116.41024449916938, 39.91640428150164)) < 0.01);
    }

    #[test]
    fn bd09_matches_reference_pairs() {
        let b = gcj02_to_bd09(c(116.404, 39.915));
        assert!(haversine_m(b, c(116.41036949371029, 39.92133699351021)) < 0.01, "{b:?}");
        // the reference's own inverse is the one-step approximation, good to a few cm
        let g = bd09_to_gcj02(c(116.404, 39.915));
        assert!(haversine_m(g, c(116.39762729119315, 39.90865673957631)) < 0.5, "{g:?}");
    }

    #[test]
    fn round_trips_stay_under_a_metre_across_china() {
        let mut worst: f64 = 0.0;
        for i in 0..=60 {
            for j in 0..=40 {
                let w = c(74.0 + i as f64 * 1.0, 18.0 + j as f64 * 0.9);
                worst = worst.max(haversine_m(gcj02_to_wgs84(wgs84_to_gcj02(w)), w));
                worst = worst.max(haversine_m(bd09_to_wgs84(wgs84_to_bd09(w)), w));
            }
        }
        assert!(worst < 0.01, "worst round trip {worst} m");
    }

    #[test]
    fn no_offset_outside_china() {
        let paris = c(2.35, 48.85);
        assert_eq!(wgs84_to_gcj02(paris), paris);
        assert_eq!(gcj02_to_wgs84(paris), paris);
    }
}
