//! GeoPackage (OGC 12-128r18) feature tables written with SQLite: the required metadata
//! tables, one feature table per layer, and GeoPackage binary geometries encoded by geozero.
//! QGIS and GDAL open the result directly.

use geo::{BoundingRect, Geometry, Rect};
use geozero::{CoordDimensions, ToWkb};
use rusqlite::{params, Connection, MAIN_DB};

use super::{Cell, ExportError};

/// `GPKG` in ASCII, the application id every GeoPackage carries.
const APPLICATION_ID: i32 = 0x4750_4B47;
/// GeoPackage 1.3.
const USER_VERSION: i32 = 10300;

/// WGS 84 as GeoPackage requires it in `gpkg_spatial_ref_sys` (EPSG:4326, x = longitude).
const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

/// One feature table to write.
pub struct FeatureTable {
    /// Table name (the layer's).
    pub name: String,
    /// A line for gpkg_contents.
    pub description: String,
    /// `MULTIPOLYGON`, `POINT` or `GEOMETRY`.
    pub geometry_type: &'static str,
    /// Attribute column names.
    pub columns: Vec<String>,
    /// Geometry (WGS84 lon/lat) and one cell per column, per feature.
    pub rows: Vec<(Geometry, Vec<Cell>)>,
}

fn sql_type(rows: &[(Geometry, Vec<Cell>)], column: usize) -> &'static str {
    let mut seen_number = false;
    for (_, cells) in rows {
        match cells.get(column) {
            Some(Cell::Text(_)) => return "TEXT",
            Some(Cell::Number(_)) => seen_number = true,
            _ => {}
        }
    }
    if seen_number {
        "REAL"
    } else {
        "TEXT"
    }
}

/// An SQL identifier, quoted.
pub(crate) fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Creates the tables every GeoPackage holds, with the WGS 84 and undefined SRS rows.
pub(crate) fn create_metadata(db: &Connection) -> rusqlite::Result<()> {
    db.pragma_update(None, "application_id", APPLICATION_ID)?;
    db.pragma_update(None, "user_version", USER_VERSION)?;
    db.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (
            srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
            organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (
            table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
            description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
            CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (
            table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
            srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
            CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
            CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
            CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));",
    )?;
    let mut srs = db.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    srs.execute(params!["Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"])?;
    srs.execute(params!["Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"])?;
    srs.execute(params!["WGS 84 geodetic", 4326, "EPSG", 4326, WGS84_WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"])?;
    Ok(())
}

fn write_table(db: &Connection, table: &FeatureTable) -> Result<(), ExportError> {
    let columns: Vec<String> =
        table.columns.iter().enumerate().map(|(i, c)| format!("{} {}", quote(c), sql_type(&table.rows, i))).collect();
    let mut ddl = format!("CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}", quote(&table.name), table.geometry_type);
    for c in &columns {
        ddl.push_str(", ");
        ddl.push_str(c);
    }
    ddl.push(')');
    db.execute(&ddl, [])?;
    let extent = table.rows.iter().filter_map(|(g, _)| g.bounding_rect()).reduce(|a: Rect, b| {
        Rect::new(
            geo::Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
            geo::Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
        )
    });
    register_feature_table(db, &table.name, &table.description, table.geometry_type, extent)?;
    let placeholders: Vec<String> = (0..=table.columns.len()).map(|i| format!("?{}", i + 1)).collect();
    let names: Vec<String> = std::iter::once("geom".to_string()).chain(table.columns.iter().map(|c| quote(c))).collect();
    let mut insert = db.prepare(&format!("INSERT INTO {} ({}) VALUES ({})", quote(&table.name), names.join(", "), placeholders.join(", ")))?;
    for (geometry, cells) in &table.rows {
        let blob = geometry_blob(geometry)?;
        let mut values: Vec<rusqlite::types::Value> = vec![rusqlite::types::Value::Blob(blob)];
        values.extend(cells.iter().map(|cell| match cell {
            Cell::Empty => rusqlite::types::Value::Null,
            Cell::Text(s) => rusqlite::types::Value::Text(s.clone()),
            Cell::Number(x) => rusqlite::types::Value::Real(*x),
        }));
        insert.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

/// A geometry as a GeoPackage binary geometry in EPSG:4326.
pub fn geometry_blob(geometry: &Geometry) -> Result<Vec<u8>, ExportError> {
    geometry.to_gpkg_wkb(CoordDimensions::xy(), Some(4326), Vec::new()).map_err(|e| ExportError::Geometry(e.to_string()))
}

/// Registers a feature table (contents with its extent, geometry column) in EPSG:4326.
pub(crate) fn register_feature_table(db: &Connection, name: &str, description: &str, geometry_type: &str, extent: Option<Rect>) -> rusqlite::Result<()> {
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, 4326)",
        params![name, description, extent.map(|r| r.min().x), extent.map(|r| r.min().y), extent.map(|r| r.max().x), extent.map(|r| r.max().y)],
    )?;
    db.execute("INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)", params![name, geometry_type])?;
    Ok(())
}

/// The tables as a GeoPackage file's bytes (EPSG:4326).
pub fn to_gpkg(tables: &[FeatureTable]) -> Result<Vec<u8>, ExportError> {
    let mut db = Connection::open_in_memory()?;
    create_metadata(&db)?;
    let tx = db.transaction()?;
    for table in tables {
        write_table(&tx, table)?;
    }
    tx.commit()?;
    Ok(db.serialize(MAIN_DB)?.to_vec())
}
