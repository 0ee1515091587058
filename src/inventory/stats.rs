//! The 产业地图 summary: counts, and available land and vacant floor space by district, land
//! use and status.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::snapshot::Snapshot;
use super::Freshness;
use crate::model::SpaceStatus;

/// One row of a summary table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Row {
    /// Grouping key (adcode, land use code or status).
    pub key: String,
    /// Human label (district name; otherwise the key).
    pub label: String,
    /// Parcels in the group.
    pub parcels: usize,
    /// Their total area, 亩.
    pub area_mu: f64,
    /// Parcels with status `available`.
    pub available_parcels: usize,
    /// Their area, 亩.
    pub available_area_mu: f64,
    /// Buildings in the group.
    pub buildings: usize,
    /// Their vacant floor area, m² (available buildings only).
    pub vacant_area_m2: f64,
    /// Park rows: the park's documented 2020 单位面积收入, 万元/公顷.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub land_income_2020_wan_per_ha: Option<f64>,
    /// Park rows: the park's documented 2020 单位面积工业产值, 万元/公顷.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industrial_output_2020_wan_per_ha: Option<f64>,
    /// Park rows: where those figures come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub land_output_source: Option<String>,
    /// Share of the group's parcels and buildings verified within the last 90 days (0–1;
    /// null without any).
    pub verified_within_90d_share: Option<f64>,
    /// The same within 180 days.
    pub verified_within_180d_share: Option<f64>,
    /// Spaces verified within 90 and 180 days, for the shares.
    #[serde(skip)]
    verified: [usize; 2],
}

impl Row {
    fn verified_on(&mut self, verified_at: chrono::NaiveDate, windows: &[Freshness; 2]) {
        for (count, window) in self.verified.iter_mut().zip(windows) {
            if !window.is_stale(verified_at) {
                *count += 1;
            }
        }
    }

    fn finish(mut self) -> Row {
        let spaces = self.parcels + self.buildings;
        let share = |n: usize| (spaces > 0).then(|| ((n as f64 / spaces as f64) * 1000.0).round() / 1000.0);
        (self.verified_within_90d_share, self.verified_within_180d_share) = (share(self.verified[0]), share(self.verified[1]));
        self
    }

    fn add_parcel(&mut self, mu: f64, available: bool) {
        self.parcels += 1;
        self.area_mu += mu;
        if available {
            self.available_parcels += 1;
            self.available_area_mu += mu;
        }
    }

    fn add_building(&mut self, vacant_m2: f64) {
        self.buildings += 1;
        self.vacant_area_m2 += vacant_m2;
    }
}

/// The summary of a snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Feature count per layer (a JSON object, in layer order).
    #[serde(serialize_with = "as_object")]
    pub counts: Vec<(String, usize)>,
    /// By district.
    pub by_district: Vec<Row>,
    /// By park (space inside parks only), with each park's documented 2020 land output.
    pub by_park: Vec<Row>,
    /// By zone 园中园 (space inside zones only).
    pub by_zone: Vec<Row>,
    /// By land use (parcels only).
    pub by_land_use: Vec<Row>,
    /// By status.
    pub by_status: Vec<Row>,
    /// By industry category (the 高精尖 categories): space counts under each category among
    /// the leading industries of its zone, else its park, else its district (a building's
    /// own industries too), so one parcel may count under several categories.
    pub by_industry: Vec<Row>,
}

fn as_object<S: serde::Serializer>(pairs: &[(String, usize)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// Computes the summary, freshness as of today in Beijing.
pub fn summarize(s: &Snapshot) -> Stats {
    summarize_on(s, super::beijing_today())
}

/// Computes the summary, with the shares verified within 90 and 180 days before `today`.
pub fn summarize_on(s: &Snapshot, today: chrono::NaiveDate) -> Stats {
    let windows = [Freshness::new(today, 90), Freshness::new(today, 180)];
    let mut by_district: BTreeMap<String, Row> = s
        .districts
        .items()
        .iter()
        .map(|d| (d.adcode.clone(), Row { key: d.adcode.clone(), label: d.name.clone(), ..Row::default() }))
        .collect();
    let mut by_park: BTreeMap<String, Row> = s
        .parks
        .items()
        .iter()
        .map(|p| {
            let row = Row {
                key: p.id.clone(),
                label: p.name.clone(),
                land_income_2020_wan_per_ha: p.land_income_2020_wan_per_ha,
                industrial_output_2020_wan_per_ha: p.industrial_output_2020_wan_per_ha,
                land_output_source: p.land_output_source.clone(),
                ..Row::default()
            };
            (p.id.clone(), row)
        })
        .collect();
    let mut by_zone: BTreeMap<String, Row> =
        s.zones.items().iter().map(|z| (z.id.clone(), Row { key: z.id.clone(), label: z.name.clone(), ..Row::default() })).collect();
    let mut by_land_use: BTreeMap<String, Row> = BTreeMap::new();
    let mut by_status: BTreeMap<SpaceStatus, Row> = BTreeMap::new();
    let mut by_industry: BTreeMap<String, Row> = BTreeMap::new();
    let labelled = |key: &str| Row { key: key.to_string(), label: key.to_string(), ..Row::default() };
    let categories = |district: &str, park: Option<&str>, zone: Option<&str>, own: &[String]| -> Vec<(String, String)> {
        let leading = s.leading_industries(zone, park, district);
        let mut found: Vec<(String, String)> = leading
            .into_iter()
            .flatten()
            .chain(own)
            .filter_map(|code| s.catalogue.category_of(code))
            .map(|c| (c.code.clone(), c.name_zh.clone()))
            .collect();
        found.sort();
        found.dedup();
        found
    };
    for p in s.parcels.items() {
        let mu = p.area.to_mu().0;
        let available = p.status == SpaceStatus::Available;
        let mut rows = vec![
            by_district.entry(p.district.clone()).or_insert_with(|| labelled(&p.district)),
            by_land_use.entry(p.land_use.as_str().to_string()).or_insert_with(|| labelled(p.land_use.as_str())),
        ];
        if let Some(park) = p.park.as_ref().and_then(|id| by_park.get_mut(id)) {
            rows.push(park);
        }
        if let Some(zone) = p.zone.as_ref().and_then(|id| by_zone.get_mut(id)) {
            rows.push(zone);
        }
        rows.push(by_status.entry(p.status).or_insert_with(|| labelled(p.status.as_str())));
        for row in rows {
            row.add_parcel(mu, available);
            row.verified_on(p.provenance.verified_at, &windows);
        }
        for (code, name) in categories(&p.district, p.park.as_deref(), p.zone.as_deref(), &[]) {
            let row = by_industry.entry(code.clone()).or_insert_with(|| Row { key: code, label: name, ..Row::default() });
            row.add_parcel(mu, available);
            row.verified_on(p.provenance.verified_at, &windows);
        }
    }
    for b in s.buildings.items() {
        let vacant = if b.status == SpaceStatus::Available { b.vacant_area_m2 } else { 0.0 };
        let mut rows = vec![
            by_district.entry(b.district.clone()).or_insert_with(|| labelled(&b.district)),
            by_status.entry(b.status).or_insert_with(|| labelled(b.status.as_str())),
        ];
        if let Some(park) = b.park.as_ref().and_then(|id| by_park.get_mut(id)) {
            rows.push(park);
        }
        if let Some(zone) = b.zone.as_ref().and_then(|id| by_zone.get_mut(id)) {
            rows.push(zone);
        }
        for row in rows {
            row.add_building(vacant);
            row.verified_on(b.provenance.verified_at, &windows);
        }
        for (code, name) in categories(&b.district, b.park.as_deref(), b.zone.as_deref(), &b.industries) {
            let row = by_industry.entry(code.clone()).or_insert_with(|| Row { key: code, label: name, ..Row::default() });
            row.add_building(vacant);
            row.verified_on(b.provenance.verified_at, &windows);
        }
    }
    Stats {
        counts: s.counts().iter().map(|(l, n)| (l.to_string(), *n)).collect(),
        by_district: by_district.into_values().map(Row::finish).collect(),
        by_park: by_park.into_values().map(Row::finish).collect(),
        by_zone: by_zone.into_values().map(Row::finish).collect(),
        by_land_use: by_land_use.into_values().map(Row::finish).collect(),
        by_status: by_status.into_values().map(Row::finish).collect(),
        by_industry: by_industry.into_values().map(Row::finish).collect(),
    }
}

/// Display width in a terminal: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x1100 && !matches!(c as u32, 0x2000..=0x206F) { 2 } else { 1 }).sum()
}

fn table(out: &mut String, title: &str, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let pad = " ".repeat(w - width(c));
                if i == 0 { format!("{c}{pad}") } else { format!("{pad}{c}") }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "\n{title}");
    let _ = writeln!(out, "{}", line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>()));
    let _ = writeln!(out, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
    for row in rows {
        let _ = writeln!(out, "{}", line(row));
    }
}

impl Stats {
    /// The summary as plain-text tables.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let counts: Vec<Vec<String>> = self.counts.iter().map(|(l, n)| vec![l.clone(), n.to_string()]).collect();
        table(&mut out, "Features per layer", &["layer", "features"], &counts);
        let full = |r: &Row| {
            vec![
                format!("{} {}", r.key, r.label).trim().to_string(),
                r.parcels.to_string(),
                format!("{:.1}", r.area_mu),
                r.available_parcels.to_string(),
                format!("{:.1}", r.available_area_mu),
                r.buildings.to_string(),
                format!("{:.0}", r.vacant_area_m2),
            ]
        };
        let header = ["group", "parcels", "area 亩", "available", "available 亩", "buildings", "vacant m²"];
        let rows: Vec<Vec<String>> = self.by_district.iter().map(full).collect();
        table(&mut out, "By district", &header, &rows);
        let rows: Vec<Vec<String>> = self.by_park.iter().map(full).collect();
        table(&mut out, "By park", &header, &rows);
        let figure = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{x:.0}"));
        let rows: Vec<Vec<String>> = self
            .by_park
            .iter()
            .map(|r| {
                vec![
                    format!("{} {}", r.key, r.label).trim().to_string(),
                    figure(r.land_income_2020_wan_per_ha),
                    figure(r.industrial_output_2020_wan_per_ha),
                    r.industrial_output_2020_wan_per_ha.map_or_else(|| "-".to_string(), |x| format!("{:.1}", x / 15.0)),
                ]
            })
            .collect();
        table(
            &mut out,
            "Parks: documented 2020 land output (单位面积收入, 单位面积工业产值)",
            &["park", "income 万元/公顷", "industrial output 万元/公顷", "industrial output 万元/亩"],
            &rows,
        );
        for r in self.by_park.iter().filter(|r| r.land_output_source.is_some()) {
            let _ = writeln!(out, "  {}: {}", r.key, r.land_output_source.as_deref().unwrap_or_default());
        }
        let rows: Vec<Vec<String>> = self.by_zone.iter().map(full).collect();
        table(&mut out, "By zone (园中园)", &header, &rows);
        let rows: Vec<Vec<String>> = self.by_industry.iter().map(full).collect();
        table(&mut out, "By industry category (space may count under several)", &header, &rows);
        let rows: Vec<Vec<String>> = self.by_land_use.iter().map(|r| full(r)[..5].to_vec()).collect();
        table(&mut out, "By land use", &header[..5], &rows);
        let rows: Vec<Vec<String>> = self
            .by_status
            .iter()
            .map(|r| vec![r.key.clone(), r.parcels.to_string(), format!("{:.1}", r.area_mu), r.buildings.to_string()])
            .collect();
        table(&mut out, "By status", &["status", "parcels", "area 亩", "buildings"], &rows);
        out
    }
}
