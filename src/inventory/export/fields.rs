//! A properties struct's fields as a list of JSON values, in declaration order: what
//! `serde_json::to_value` makes, without the map (its keys copied and hashed per row).

use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};
use serde_json::{Error, Value};

/// The fields of `value`, a struct; anything else is a bug in a properties type, and gives
/// no fields.
pub(super) fn of_struct(value: &impl Serialize) -> Vec<(&'static str, Value)> {
    value.serialize(FieldsOf).unwrap_or_default()
}

struct FieldsOf;

/// The fields collected so far.
struct Collected(Vec<(&'static str, Value)>);

impl SerializeStruct for Collected {
    type Ok = Vec<(&'static str, Value)>;
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.0.push((key, serde_json::to_value(value)?));
        Ok(())
    }

    fn skip_field(&mut self, _key: &'static str) -> Result<(), Error> {
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(self.0)
    }
}

fn not_a_struct<T>() -> Result<T, Error> {
    Err(ser::Error::custom("properties are a struct"))
}

type Fields = Vec<(&'static str, Value)>;

impl Serializer for FieldsOf {
    type Ok = Fields;
    type Error = Error;
    type SerializeSeq = Impossible<Fields, Error>;
    type SerializeTuple = Impossible<Fields, Error>;
    type SerializeTupleStruct = Impossible<Fields, Error>;
    type SerializeTupleVariant = Impossible<Fields, Error>;
    type SerializeMap = Impossible<Fields, Error>;
    type SerializeStruct = Collected;
    type SerializeStructVariant = Impossible<Fields, Error>;

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Collected, Error> {
        Ok(Collected(Vec::with_capacity(len)))
    }

    fn serialize_bool(self, _: bool) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_i8(self, _: i8) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_i16(self, _: i16) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_i32(self, _: i32) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_i64(self, _: i64) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_u8(self, _: u8) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_u16(self, _: u16) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_u32(self, _: u32) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_u64(self, _: u64) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_f32(self, _: f32) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_f64(self, _: f64) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_char(self, _: char) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_str(self, _: &str) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_none(self) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_unit(self) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<Fields, Error> {
        not_a_struct()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        not_a_struct()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        not_a_struct()
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Error> {
        not_a_struct()
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Error> {
        not_a_struct()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        not_a_struct()
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Error> {
        not_a_struct()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Sample<'a> {
        id: &'a str,
        area_m2: f64,
        park: Option<&'a str>,
        industries: &'a [&'a str],
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<&'a str>,
    }

    #[test]
    fn the_fields_are_what_to_value_makes_in_their_order() {
        for note in [None, Some("n")] {
            let sample = Sample { id: "p-1", area_m2: 1.5, park: None, industries: &["医药健康"], note };
            let fields = of_struct(&sample);
            let Value::Object(map) = serde_json::to_value(&sample).unwrap() else { panic!("an object") };
            let expected: Vec<(&str, &Value)> = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
            assert_eq!(fields.iter().map(|(k, v)| (*k, v)).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn what_is_not_a_struct_gives_no_fields() {
        assert!(of_struct(&vec![1, 2]).is_empty());
        assert!(of_struct(&"text").is_empty());
    }
}
