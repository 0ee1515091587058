//! The queryables of each collection: the public properties a `filter` may name, their
//! types, and how to read them from a feature.

use serde_json::{json, Value as Json};

use super::cql2::{Item, PropertyId, Schema, Type, Value};
use crate::inventory::export::{Exported, CONFIDENTIAL_PROPERTIES};
use crate::inventory::{Layer, LayerName, Shape};
use crate::model::{Building, District, Parcel, Park, Zone};

/// One queryable property of the features of type `T`.
pub struct Queryable<T: 'static> {
    /// The property name, as in the GeoJSON.
    pub name: &'static str,
    /// Its type.
    pub kind: Type,
    /// One line for the queryables document.
    pub description: &'static str,
    /// Reads it.
    pub get: fn(&T) -> Value<'_>,
}

/// A collection's features: exported with public properties, and queryable.
pub trait Collected: Exported + Sized + 'static {
    /// The collection.
    const LAYER: LayerName;
    /// The queryables, geometry included.
    fn queryables() -> &'static [Queryable<Self>];
    /// Properties written but not queryable (objects, the footprint, the confidential ones).
    const UNQUERYABLE: &'static [&'static str] = &[];
    /// Every property a feature may be written with, in the order `properties` lists them.
    fn property_names() -> Vec<&'static str> {
        Self::queryables().iter().filter(|q| q.kind != Type::Geometry).map(|q| q.name).chain(Self::UNQUERYABLE.iter().copied()).collect()
    }
}

/// The schema of a feature type, for the CQL2 parser.
pub struct SchemaOf<T: 'static>(pub &'static [Queryable<T>]);

impl<T> Schema for SchemaOf<T> {
    fn property(&self, name: &str) -> Option<(PropertyId, Type)> {
        self.0.iter().position(|q| q.name == name).map(|i| (PropertyId(i as u16), self.0[i].kind))
    }
}

/// One feature as a filter reads it.
pub struct Row<'a, T: Collected>(pub &'a T);

impl<T: Collected> Item for Row<'_, T> {
    fn value(&self, property: PropertyId) -> Value<'_> {
        T::queryables().get(property.0 as usize).map_or(Value::Null, |q| (q.get)(self.0))
    }
    fn shape(&self) -> Shape<'_> {
        self.0.shape()
    }
}

/// The queryables document (JSON Schema 2020-12) of a collection (the layer names the type).
pub fn document_of<T: Collected>(_layer: &Layer<T>, self_url: &str) -> Json {
    let properties: serde_json::Map<String, Json> = T::queryables()
        .iter()
        .map(|q| {
            let schema = match q.kind {
                Type::Text => json!({ "type": "string" }),
                Type::Number => json!({ "type": "number" }),
                Type::Date => json!({ "type": "string", "format": "date" }),
                Type::Timestamp => json!({ "type": "string", "format": "date-time" }),
                Type::Bool => json!({ "type": "boolean" }),
                Type::TextList => json!({ "type": "array", "items": { "type": "string" } }),
                Type::Geometry => json!({
                    "format": if matches!(T::LAYER, LayerName::Buildings) { "geometry-any" } else { "geometry-polygon-or-multipolygon" },
                    "x-ogc-role": "primary-geometry",
                }),
            };
            let mut schema = schema;
            schema["title"] = json!(q.name);
            schema["description"] = json!(q.description);
            (q.name.to_string(), schema)
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": self_url,
        "type": "object",
        "title": T::LAYER.as_str(),
        "properties": properties,
        "additionalProperties": false,
    })
}

fn text(s: &str) -> Value<'_> {
    Value::Text(s)
}

fn opt_text(s: Option<&str>) -> Value<'_> {
    s.map_or(Value::Null, Value::Text)
}

fn number(x: Option<f64>) -> Value<'static> {
    x.map_or(Value::Null, Value::Number)
}

fn list(items: &[String]) -> Value<'_> {
    Value::List(items.iter().map(String::as_str).collect())
}


macro_rules! queryable {
    ($name:literal, $kind:ident, $description:literal, $get:expr) => {
        Queryable { name: $name, kind: Type::$kind, description: $description, get: $get }
    };
}

impl Collected for District {
    const LAYER: LayerName = LayerName::Districts;
    fn queryables() -> &'static [Queryable<District>] {
        static Q: &[Queryable<District>] = &[
            queryable!("id", Text, "adcode", |d| text(&d.adcode)),
            queryable!("adcode", Text, "6-digit administrative code", |d| text(&d.adcode)),
            queryable!("name", Text, "district name", |d| text(&d.name)),
            queryable!("industries", TextList, "leading industries (catalogue codes)", |d| list(&d.industries)),
            queryable!("source", Text, "where the facts come from", |d| text(&d.source)),
            queryable!("verified_at", Date, "date last confirmed", |d| d.verified_at.map_or(Value::Null, Value::Date)),
            queryable!("geometry", Geometry, "the feature's geometry", |_| Value::Null),
        ];
        Q
    }
}

impl Collected for Park {
    const LAYER: LayerName = LayerName::Parks;
    const UNQUERYABLE: &'static [&'static str] = &["admission", "admission_by_category"];
    fn queryables() -> &'static [Queryable<Park>] {
        static Q: &[Queryable<Park>] = &[
            queryable!("id", Text, "park id", |p| text(&p.id)),
            queryable!("name", Text, "park name", |p| text(&p.name)),
            queryable!("level", Text, "国家级, 市级 or 区级", |p| text(p.level.as_str())),
            queryable!("district", Text, "district adcode", |p| text(&p.district)),
            queryable!("industries", TextList, "leading industries (catalogue codes)", |p| list(&p.industries)),
            queryable!("positive_list", TextList, "industries encouraged (catalogue codes)", |p| list(&p.positive_list)),
            queryable!("negative_list", TextList, "industries refused (catalogue codes)", |p| list(&p.negative_list)),
            queryable!("admission_source", Text, "where the admission figures come from (document and lines, or sample)", |p| opt_text(p.admission_source.as_deref())),
            queryable!("land_income_2020_wan_per_ha", Number, "documented 2020 income per hectare of built land, 万元/公顷", |p| number(p.land_income_2020_wan_per_ha)),
            queryable!("industrial_output_2020_wan_per_ha", Number, "documented 2020 industrial output per hectare of industrial land, 万元/公顷", |p| number(p.industrial_output_2020_wan_per_ha)),
            queryable!("land_output_source", Text, "where the 2020 land figures come from (document, table, lines)", |p| opt_text(p.land_output_source.as_deref())),
            queryable!("own_office", Bool, "whether the park keeps its own inventory (its own office's scope, not its district's)", |p| Value::Bool(p.own_office)),
            queryable!("source", Text, "where the facts come from", |p| text(&p.provenance.source)),
            queryable!("verified_at", Date, "date last confirmed", |p| Value::Date(p.provenance.verified_at)),
            queryable!("geometry", Geometry, "the feature's geometry", |_| Value::Null),
        ];
        Q
    }
}

impl Collected for Zone {
    const LAYER: LayerName = LayerName::Zones;
    fn queryables() -> &'static [Queryable<Zone>] {
        static Q: &[Queryable<Zone>] = &[
            queryable!("id", Text, "zone id", |z| text(&z.id)),
            queryable!("name", Text, "zone name", |z| text(&z.name)),
            queryable!("park", Text, "id of the park it lies in", |z| text(&z.park)),
            queryable!("industries", TextList, "leading industries (catalogue codes)", |z| list(&z.industries)),
            queryable!("source", Text, "where the facts come from", |z| text(&z.provenance.source)),
            queryable!("verified_at", Date, "date last confirmed", |z| Value::Date(z.provenance.verified_at)),
            queryable!("geometry", Geometry, "the feature's geometry", |_| Value::Null),
        ];
        Q
    }
}

impl Collected for Parcel {
    const LAYER: LayerName = LayerName::Parcels;
    const UNQUERYABLE: &'static [&'static str] = &CONFIDENTIAL_PROPERTIES;
    fn queryables() -> &'static [Queryable<Parcel>] {
        static Q: &[Queryable<Parcel>] = &[
            queryable!("id", Text, "parcel id", |p| text(&p.id)),
            queryable!("name", Text, "name or location", |p| text(&p.name)),
            queryable!("status", Text, "available, negotiating, reserved, leased, sold, under_construction or idle", |p| text(p.status.as_str())),
            queryable!("land_use", Text, "land use code: M1, M4, M1/M4 or another GB 50137 code", |p| text(p.land_use.as_str())),
            queryable!("area_m2", Number, "area, m²", |p| Value::Number((p.area.0 * 100.0).round() / 100.0)),
            queryable!("area_mu", Number, "area, 亩", |p| Value::Number((p.area.to_mu().0 * 100.0).round() / 100.0)),
            queryable!("district", Text, "district adcode", |p| text(&p.district)),
            queryable!("park", Text, "park id", |p| opt_text(p.park.as_deref())),
            queryable!("zone", Text, "zone (园中园) id", |p| opt_text(p.zone.as_deref())),
            queryable!("max_far", Number, "maximum floor area ratio 容积率", |p| number(p.planning.max_far)),
            queryable!("max_density", Number, "maximum building density (0–1)", |p| number(p.planning.max_density)),
            queryable!("height_limit_m", Number, "height limit, m", |p| number(p.planning.height_limit_m)),
            queryable!("land_price_wan_per_mu", Number, "land price, 万元/亩", |p| number(p.land_price_wan_per_mu)),
            queryable!("rent_yuan_m2_day", Number, "rent, 元/m²/day", |p| number(p.rent_yuan_m2_day)),
            queryable!("supply_modes", TextList, "出让, 租赁, 先租后让, 弹性年期", |p| {
                Value::List(p.supply_modes.iter().map(|m| m.as_str()).collect())
            }),
            queryable!("available_from", Date, "first date a project can take it", |p| p.available_from.map_or(Value::Null, Value::Date)),
            queryable!("power_kva", Number, "power capacity on site, kVA", |p| number(p.power_kva)),
            queryable!("source", Text, "where the facts come from", |p| text(&p.provenance.source)),
            queryable!("verified_at", Date, "date last confirmed", |p| Value::Date(p.provenance.verified_at)),
            queryable!("stale", Bool, "not verified within the deployment's stale_after_days (待核实)", |p| Value::Bool(crate::inventory::Freshness::current().is_stale(p.provenance.verified_at))),
            queryable!("geometry", Geometry, "the feature's geometry", |_| Value::Null),
        ];
        Q
    }
}

impl Collected for Building {
    const LAYER: LayerName = LayerName::Buildings;
    // FOOTPRINT, then CONFIDENTIAL_PROPERTIES
    const UNQUERYABLE: &'static [&'static str] = &["footprint", "project", "project_id", "internal_note"];
    fn queryables() -> &'static [Queryable<Building>] {
        static Q: &[Queryable<Building>] = &[
            queryable!("id", Text, "building space id", |b| text(&b.id)),
            queryable!("name", Text, "name", |b| text(&b.name)),
            queryable!("building_type", Text, "kind of building", |b| text(b.building_type.as_str())),
            queryable!("status", Text, "available, negotiating, reserved, leased, sold, under_construction or idle", |b| text(b.status.as_str())),
            queryable!("floors", Number, "number of floors", |b| number(b.floors.map(f64::from))),
            queryable!("floor_area_m2", Number, "floor area, m²", |b| Value::Number(b.floor_area_m2)),
            queryable!("vacant_area_m2", Number, "vacant floor area, m²", |b| Value::Number(b.vacant_area_m2)),
            queryable!("floor_load_kn_m2", Number, "floor load, kN/m²", |b| number(b.floor_load_kn_m2)),
            queryable!("clearance_m", Number, "clear height, m", |b| number(b.clearance_m)),
            queryable!("rent_yuan_m2_day", Number, "rent, 元/m²/day", |b| number(b.rent_yuan_m2_day)),
            queryable!("industries", TextList, "industries it suits (catalogue codes)", |b| list(&b.industries)),
            queryable!("district", Text, "district adcode", |b| text(&b.district)),
            queryable!("park", Text, "park id", |b| opt_text(b.park.as_deref())),
            queryable!("zone", Text, "zone (园中园) id", |b| opt_text(b.zone.as_deref())),
            queryable!("source", Text, "where the facts come from", |b| text(&b.provenance.source)),
            queryable!("verified_at", Date, "date last confirmed", |b| Value::Date(b.provenance.verified_at)),
            queryable!("stale", Bool, "not verified within the deployment's stale_after_days (待核实)", |b| Value::Bool(crate::inventory::Freshness::current().is_stale(b.provenance.verified_at))),
            queryable!("geometry", Geometry, "the feature's geometry", |_| Value::Null),
        ];
        Q
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn names<T: Collected>() -> Vec<&'static str> {
        T::queryables().iter().filter(|q| q.kind != Type::Geometry).map(|q| q.name).collect()
    }

    /// Every queryable is a property the GeoJSON carries, so a filter and a map agree.
    #[test]
    fn queryables_are_exported_properties() {
        fn check<T: Collected>(item: &T) {
            let props = item.public_properties();
            for name in names::<T>() {
                assert!(props.contains_key(name), "{}: {name} is queryable but not exported", T::LAYER);
            }
        }
        let loaded = crate::inventory::load_dir_strict(std::path::Path::new("geodata")).expect("sample loads");
        let s = loaded.snapshot;
        check(s.districts.at(0));
        check(s.parks.at(0));
        check(s.zones.at(0));
        check(s.parcels.at(0));
        check(s.buildings.at(0));
        assert!(names::<Parcel>().contains(&"available_from") && names::<Building>().contains(&"vacant_area_m2"));
    }

    /// `properties` accepts exactly the properties the store keeps, so none is unreachable.
    #[test]
    fn property_names_are_the_stored_properties() {
        fn check<T: Collected>(item: &T) {
            let mut stored: Vec<String> = item.stored_properties().keys().cloned().collect();
            // `stale` is worked out on reading, never stored
            let mut named: Vec<String> = T::property_names().iter().filter(|n| **n != crate::inventory::export::STALE).map(|n| n.to_string()).collect();
            stored.sort();
            named.sort();
            assert_eq!(named, stored, "{}", T::LAYER);
        }
        let s = crate::inventory::load_dir_strict(std::path::Path::new("geodata")).expect("sample loads").snapshot;
        check(s.districts.at(0));
        check(s.parks.at(0));
        check(s.zones.at(0));
        check(s.parcels.at(0));
        check(s.buildings.at(0));
    }
}
