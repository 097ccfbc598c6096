//! The JSON forms of members (copied verbatim into each generated crate by
//! codegen; the source lives in `codegen/runtime/src/json/wire.rs`).

use std::collections::HashMap;
use std::marker::PhantomData;

use super::{FromJson, JsonError, Reader, ToJson, Writer};

/// A JSON form of a member: how it is read (`null` reads as `None`) and
/// written.
/// Generated code names the form of each member whose JSON is not what its
/// Rust type reads and writes by itself: timestamps, floats, blobs, and
/// collections (whose `null` entries are dropped unless sparse).
pub(crate) trait Form {
    type Value;
}

/// A JSON form that can be read (what responses carry).
pub(crate) trait Wire: Form {
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self::Value>, JsonError>;

    /// `read` into `out`, which the caller has ready (see
    /// `FromJson::read_into`).
    #[inline]
    fn read_into(reader: &mut Reader<'_>, out: &mut Option<Self::Value>) -> Result<(), JsonError> {
        *out = Self::read(reader)?;
        Ok(())
    }

    /// `read`, with an error naming the member of `shape` being read.
    fn read_member(reader: &mut Reader<'_>, shape: &str, member: &str) -> Result<Option<Self::Value>, JsonError> {
        Self::read(reader).map_err(|e| e.in_member(shape, member))
    }
}

/// A JSON form that can be written (what requests carry).
pub(crate) trait WireWrite: Form {
    fn write(value: &Self::Value, writer: &mut Writer);
}

/// A value that reads and writes itself (strings, numbers, booleans,
/// documents, generated structures, unions and enums).
pub(crate) struct Plain<T>(PhantomData<T>);

impl<T> Form for Plain<T> {
    type Value = T;
}

impl<T: FromJson> Wire for Plain<T> {
    fn read(reader: &mut Reader<'_>) -> Result<Option<T>, JsonError> {
        T::read(reader)
    }

    #[inline]
    fn read_into(reader: &mut Reader<'_>, out: &mut Option<T>) -> Result<(), JsonError> {
        T::read_into(reader, out)
    }
}

impl<T: ToJson> WireWrite for Plain<T> {
    fn write(value: &T, writer: &mut Writer) {
        value.write(writer);
    }
}

/// A dense list: `null` entries are dropped.
pub(crate) struct List<W>(PhantomData<W>);

impl<W: Form> Form for List<W> {
    type Value = Vec<W::Value>;
}

impl<W: Wire> Wire for List<W> {
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self::Value>, JsonError> {
        if !reader.array()? {
            return Ok(None);
        }
        let start = reader.pos;
        let mut items = Vec::new();
        while reader.next_item()? {
            if let Some(item) = W::read(reader)? {
                if items.len() == items.capacity() {
                    items.reserve_exact(reader.more_items(start, items.len()));
                }
                items.push(item);
            }
        }
        if items.capacity() > 2 * items.len() + 8 {
            items.shrink_to_fit();
        }
        Ok(Some(items))
    }
}

impl<W: WireWrite> WireWrite for List<W> {
    fn write(value: &Self::Value, writer: &mut Writer) {
        writer.begin_array();
        for item in value {
            W::write(item, writer);
        }
        writer.end_array();
    }
}

/// A sparse list: `null` entries are kept as `None`.
pub(crate) struct SparseList<W>(PhantomData<W>);

impl<W: Form> Form for SparseList<W> {
    type Value = Vec<Option<W::Value>>;
}

impl<W: Wire> Wire for SparseList<W> {
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self::Value>, JsonError> {
        if !reader.array()? {
            return Ok(None);
        }
        let mut items = Vec::new();
        while reader.next_item()? {
            items.push(W::read(reader)?);
        }
        Ok(Some(items))
    }
}

impl<W: WireWrite> WireWrite for SparseList<W> {
    fn write(value: &Self::Value, writer: &mut Writer) {
        writer.begin_array();
        for item in value {
            match item {
                Some(item) => W::write(item, writer),
                None => writer.null(),
            }
        }
        writer.end_array();
    }
}

/// A dense map with string keys: `null` values are dropped.
pub(crate) struct Map<W>(PhantomData<W>);

impl<W: Form> Form for Map<W> {
    type Value = HashMap<String, W::Value>;
}

impl<W: Wire> Wire for Map<W> {
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self::Value>, JsonError> {
        if !reader.object("a map")? {
            return Ok(None);
        }
        // The first entries wait on the stack, so that a small map's table
        // is allocated once at its size instead of growing, and hashing
        // every key again, each time it fills. Each value is read straight
        // into its place there.
        let mut first: [Option<(String, Option<W::Value>)>; FIRST_ENTRIES] = [const { None }; FIRST_ENTRIES];
        let mut len = 0;
        while len < FIRST_ENTRIES {
            let Some(key) = reader.next_key()? else { break };
            let (_, value) = first[len].insert((key.into_string(), None));
            W::read_into(reader, value)?;
            len += 1;
        }
        let mut entries = HashMap::with_capacity(if len < FIRST_ENTRIES { len } else { 2 * FIRST_ENTRIES });
        for (key, value) in first[..len].iter_mut().filter_map(Option::take) {
            put(&mut entries, key, value);
        }
        if len == FIRST_ENTRIES {
            while let Some(key) = reader.next_key()? {
                let value = W::read(reader)?;
                put(&mut entries, key.into_string(), value);
            }
        }
        Ok(Some(entries))
    }
}

/// How many entries of a map are read before its table is allocated.
const FIRST_ENTRIES: usize = 8;

/// Enters one entry read into a dense map: a later `null` for the same key
/// leaves it out, as if the entries were read into a sparse map and then
/// filtered.
#[inline]
fn put<V>(entries: &mut HashMap<String, V>, key: String, value: Option<V>) {
    match value {
        Some(value) => {
            entries.insert(key, value);
        }
        None => {
            entries.remove(&key);
        }
    }
}

impl<W: WireWrite> WireWrite for Map<W> {
    fn write(value: &Self::Value, writer: &mut Writer) {
        writer.begin_object();
        for (key, item) in value {
            writer.key(key);
            W::write(item, writer);
        }
        writer.end_object();
    }
}

/// A sparse map: `null` values are kept as `None`.
pub(crate) struct SparseMap<W>(PhantomData<W>);

impl<W: Form> Form for SparseMap<W> {
    type Value = HashMap<String, Option<W::Value>>;
}

impl<W: Wire> Wire for SparseMap<W> {
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self::Value>, JsonError> {
        if !reader.object("a map")? {
            return Ok(None);
        }
        let mut entries = HashMap::new();
        while let Some(key) = reader.next_key()? {
            entries.insert(key.into_string(), W::read(reader)?);
        }
        Ok(Some(entries))
    }
}

impl<W: WireWrite> WireWrite for SparseMap<W> {
    fn write(value: &Self::Value, writer: &mut Writer) {
        writer.begin_object();
        for (key, item) in value {
            writer.key(key);
            match item {
                Some(item) => W::write(item, writer),
                None => writer.null(),
            }
        }
        writer.end_object();
    }
}

/// A blob: a base64 string in JSON.
pub(crate) struct Base64;

impl Form for Base64 {
    type Value = crate::primitives::Blob;
}

impl Wire for Base64 {
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self::Value>, JsonError> {
        reader.peek();
        let at = reader.pos;
        match reader.str()? {
            None => Ok(None),
            Some(text) => match crate::primitives::base64_decode(text.as_str()) {
                Some(bytes) => Ok(Some(crate::primitives::Blob::new(bytes))),
                None => {
                    reader.pos = at;
                    Err(reader.error("a blob is not valid base64"))
                }
            },
        }
    }
}

impl WireWrite for Base64 {
    fn write(value: &Self::Value, writer: &mut Writer) {
        writer.string(&crate::primitives::base64_encode(value.as_ref()));
    }
}

/// A float member on the wire: a JSON number, or one of the strings `"NaN"`,
/// `"Infinity"` and `"-Infinity"`, which JSON numbers cannot express.
pub(crate) struct Float<T>(PhantomData<T>);

macro_rules! float_wire {
    ($($t:ty),*) => {$(
        impl Form for Float<$t> {
            type Value = $t;
        }

        impl Wire for Float<$t> {
            fn read(reader: &mut Reader<'_>) -> Result<Option<$t>, JsonError> {
                <$t as FromJson>::read(reader)
            }
        }

        impl WireWrite for Float<$t> {
            fn write(value: &$t, writer: &mut Writer) {
                value.write(writer);
            }
        }
    )*};
}

float_wire!(f32, f64);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{from_json, to_json, Reader, Writer};

    fn wire<W: Wire>(json: &str) -> Result<Option<W::Value>, JsonError> {
        let mut reader = Reader::new(json);
        let value = W::read(&mut reader)?;
        assert_eq!(reader.peek(), None, "all of {json} read");
        Ok(value)
    }

    fn written<W: WireWrite>(value: &W::Value) -> String {
        let mut writer = Writer::new();
        W::write(value, &mut writer);
        writer.finish().unwrap()
    }

    #[test]
    fn floats_carry_nan_and_infinities_as_strings() {
        for (value, json) in [
            (f64::NAN, r#""NaN""#),
            (f64::INFINITY, r#""Infinity""#),
            (f64::NEG_INFINITY, r#""-Infinity""#),
            (1.5, "1.5"),
        ] {
            assert_eq!(to_json(&value).unwrap(), json);
            let back = wire::<Float<f64>>(json).unwrap().unwrap();
            assert!(back == value || (back.is_nan() && value.is_nan()), "{json}");
        }
        assert_eq!(wire::<Float<f32>>("2").unwrap(), Some(2.0));
        assert_eq!(wire::<Float<f32>>("-1.25e2").unwrap(), Some(-125.0));
        assert_eq!(wire::<Float<f32>>("null").unwrap(), None);
        assert!(wire::<Float<f64>>(r#""nan""#).is_err());
        assert!(wire::<Float<f64>>("true").is_err());
        assert!(wire::<Float<f64>>("1.").is_err());
        assert!(from_json::<f64>("01").is_err(), "a leading zero");
    }

    #[test]
    fn collections_drop_nulls_unless_sparse() {
        assert_eq!(
            wire::<List<Plain<String>>>(r#"["a", null, "b"]"#).unwrap(),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(
            wire::<SparseList<Plain<String>>>(r#"["a", null]"#).unwrap(),
            Some(vec![Some("a".to_owned()), None])
        );
        let map = wire::<Map<Float<f64>>>(r#"{"x": "NaN", "y": null, "z": 2}"#).unwrap().unwrap();
        assert!(map["x"].is_nan() && map["z"] == 2.0 && !map.contains_key("y"));
        let sparse = wire::<SparseMap<Plain<i32>>>(r#"{"x": null, "y": 1}"#).unwrap().unwrap();
        assert_eq!((sparse["x"], sparse["y"]), (None, Some(1)));
        let nested = wire::<List<List<Float<f32>>>>(r#"[[1, "Infinity"], null, []]"#).unwrap();
        assert_eq!(nested, Some(vec![vec![1.0, f32::INFINITY], vec![]]));
        assert_eq!(wire::<List<Plain<i32>>>("null").unwrap(), None);
        for bad in [r#"{"a": 1}"#, "[1,]", "[1 2]", "[,1]", "[1", "["] {
            assert!(wire::<List<Plain<i32>>>(bad).is_err(), "{bad}");
        }
        // Maps of every size around the entries read before the table is
        // allocated, with a key repeated (the last wins) and removed by a
        // later `null`, before and after that point.
        for len in [0, 1, FIRST_ENTRIES - 1, FIRST_ENTRIES, FIRST_ENTRIES + 1, 3 * FIRST_ENTRIES] {
            let mut members: Vec<String> = (0..len).map(|i| format!(r#""k{i}": {i}"#)).collect();
            let expected: HashMap<String, i32> = (0..len).map(|i| (format!("k{i}"), i as i32)).collect();
            assert_eq!(wire::<Map<Plain<i32>>>(&format!("{{{}}}", members.join(","))).unwrap(), Some(expected.clone()));
            if len >= 2 {
                members.push(r#""k0": 100"#.to_owned());
                members.push(format!(r#""k{}": null"#, len - 1));
                members.push(r#""k1": null, "k1": 7"#.to_owned());
                let map = wire::<Map<Plain<i32>>>(&format!("{{{}}}", members.join(","))).unwrap().unwrap();
                let mut expected = expected;
                expected.insert("k0".to_owned(), 100);
                expected.remove(&format!("k{}", len - 1));
                expected.insert("k1".to_owned(), 7);
                assert_eq!(map, expected, "{len} entries");
            }
        }
        for bad in [r#"{"a": 1,}"#, r#"{"a" 1}"#, r#"{"a": 1 "b": 2}"#, r#"{,"a": 1}"#, r#"{1: 1}"#, r#"{"a": 1"#] {
            assert!(wire::<Map<Plain<i32>>>(bad).is_err(), "{bad}");
        }
        assert_eq!(written::<SparseList<Float<f64>>>(&vec![Some(f64::NEG_INFINITY), None]), r#"["-Infinity",null]"#);
        let nested = vec![vec![], vec![1.5, f32::NAN]];
        assert_eq!(written::<List<List<Float<f32>>>>(&nested), r#"[[],[1.5,"NaN"]]"#);
        let map: HashMap<String, Option<i32>> = [("k".to_owned(), None)].into_iter().collect();
        assert_eq!(written::<SparseMap<Plain<i32>>>(&map), r#"{"k":null}"#);
    }

    #[test]
    fn blobs_are_base64() {
        let blob = wire::<Base64>(r#""aGVsbG8=""#).unwrap().unwrap();
        assert_eq!(blob.as_ref(), &b"hello"[..]);
        assert_eq!(written::<Base64>(&crate::primitives::Blob::new(&b"hi!"[..])), r#""aGkh""#);
        assert!(wire::<Base64>(r#""not base64!""#).is_err());
    }

    #[test]
    fn lists_make_room_from_their_first_item_and_give_back_the_rest() {
        let many = format!("[{}]", vec!["\"item\""; 300].join(","));
        let items = wire::<List<Plain<String>>>(&many).unwrap().unwrap();
        assert_eq!(items.len(), 300);
        let one = format!("{{\"a\": [\"x\"], \"b\": \"{}\"}}", "y".repeat(100_000));
        let mut reader = Reader::new(&one);
        assert!(reader.object("test").unwrap());
        assert_eq!(reader.next_key().unwrap().unwrap().as_str(), "a");
        let items = List::<Plain<String>>::read(&mut reader).unwrap().unwrap();
        assert_eq!(items, ["x"]);
        assert!(items.capacity() <= 4, "a capacity of {} for one item", items.capacity());
        let many = format!("[{}]", vec!["1"; 5000].join(","));
        let items = wire::<List<Plain<i32>>>(&many).unwrap().unwrap();
        assert_eq!(items.len(), 5000);
        assert!(items.capacity() <= 2 * 5000 + 8);
    }
}
