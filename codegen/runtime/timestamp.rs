//! Timestamp wire formats for JSON members, one module per Smithy
//! `timestampFormat` (copied verbatim into each generated crate that has
//! timestamps; the source lives in `codegen/runtime/timestamp.rs`).
//!
//! Each module is used as `#[serde(with = "...")]`; its `option` submodule
//! serves `Option<OffsetDateTime>` members. `null` reads as absent for
//! optional members and as the Unix epoch for required ones (client error
//! correction).
#![allow(dead_code)]

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Serializer;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

impl crate::json::Fallback for OffsetDateTime {
    fn fallback() -> Self {
        OffsetDateTime::UNIX_EPOCH
    }
}

/// One wire format: how to write a timestamp and what it can be read from.
trait Format: Sized {
    const EXPECTING: &'static str;
    fn write<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error>;

    /// Reads a JSON string; `None` when this format does not accept it.
    fn from_text(_text: &str) -> Option<OffsetDateTime> {
        None
    }

    /// Reads a JSON number of seconds; `None` when this format does not accept it.
    fn from_seconds(_seconds: f64) -> Option<OffsetDateTime> {
        None
    }

    /// Reads an optional value (`null` is `None`).
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<OffsetDateTime>, D::Error> {
        deserializer.deserialize_option(OptionVisitor::<Self>(std::marker::PhantomData))
    }
}

/// RFC 3339 `date-time` strings: written in UTC with fractional seconds only
/// when present; read with any offset and any fractional precision.
pub(crate) struct DateTime;

impl DateTime {
    pub(crate) fn format(value: &OffsetDateTime) -> Result<String, time::error::Format> {
        value.to_offset(UtcOffset::UTC).format(&Rfc3339)
    }

    pub(crate) fn parse(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
        OffsetDateTime::parse(text, &Rfc3339)
    }
}

impl Format for DateTime {
    const EXPECTING: &'static str = "an RFC 3339 date-time string";

    fn write<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&DateTime::format(value).map_err(serde::ser::Error::custom)?)
    }

    fn from_text(text: &str) -> Option<OffsetDateTime> {
        DateTime::parse(text).ok()
    }
}

/// Seconds since the Unix epoch as a JSON number, with millisecond precision.
pub(crate) struct EpochSeconds;

impl EpochSeconds {
    pub(crate) fn from_f64(seconds: f64) -> Option<OffsetDateTime> {
        if !seconds.is_finite() {
            return None;
        }
        let millis = (seconds * 1000.0).round();
        if millis.abs() > 1e17 {
            return None;
        }
        OffsetDateTime::from_unix_timestamp_nanos(millis as i128 * 1_000_000).ok()
    }
}

impl Format for EpochSeconds {
    const EXPECTING: &'static str = "seconds since the Unix epoch as a number";

    fn write<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        let millis = value.millisecond();
        if millis == 0 {
            serializer.serialize_i64(value.unix_timestamp())
        } else {
            serializer.serialize_f64(value.unix_timestamp() as f64 + f64::from(millis) / 1000.0)
        }
    }

    fn from_seconds(seconds: f64) -> Option<OffsetDateTime> {
        EpochSeconds::from_f64(seconds)
    }
}

/// IMF-fixdate strings as HTTP uses them: `Tue, 29 Apr 2014 18:30:38 GMT`.
pub(crate) struct HttpDate;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl HttpDate {
    pub(crate) fn format(value: &OffsetDateTime) -> String {
        let utc = value.to_offset(UtcOffset::UTC);
        let weekday = WEEKDAYS[utc.weekday().number_days_from_monday() as usize];
        let month = MONTHS[utc.month() as usize - 1];
        let millis = utc.millisecond();
        let fraction = if millis == 0 { String::new() } else { format!(".{millis:03}") };
        format!(
            "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02}{fraction} GMT",
            utc.day(),
            utc.year(),
            utc.hour(),
            utc.minute(),
            utc.second()
        )
    }

    pub(crate) fn parse(text: &str) -> Option<OffsetDateTime> {
        let (weekday, rest) = text.split_once(", ")?;
        let parts: Vec<&str> = rest.split(' ').collect();
        let [day, month, year, clock, "GMT"] = parts.as_slice() else { return None };
        let month = MONTHS.iter().position(|m| m == month)? as u8 + 1;
        let (clock, millis) = match clock.split_once('.') {
            Some((clock, fraction)) if !fraction.is_empty() && fraction.len() <= 9 => {
                let digits: u32 = fraction.parse().ok()?;
                let nanos = digits * 10u32.pow(9 - fraction.len() as u32);
                (clock, nanos)
            }
            None => (*clock, 0),
            _ => return None,
        };
        let mut hms = clock.split(':').map(|n| n.parse::<u8>().ok());
        let (hour, minute, second) = (hms.next()??, hms.next()??, hms.next()??);
        if hms.next().is_some() || day.len() != 2 {
            return None;
        }
        let date = Date::from_calendar_date(year.parse().ok()?, Month::try_from(month).ok()?, day.parse().ok()?).ok()?;
        let time = Time::from_hms_nano(hour, minute, second, millis).ok()?;
        let value = PrimitiveDateTime::new(date, time).assume_utc();
        let expected: Weekday = value.weekday();
        (WEEKDAYS[expected.number_days_from_monday() as usize] == weekday).then_some(value)
    }
}

impl Format for HttpDate {
    const EXPECTING: &'static str = "an HTTP date string";

    fn write<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&HttpDate::format(value))
    }

    fn from_text(text: &str) -> Option<OffsetDateTime> {
        HttpDate::parse(text)
    }
}

struct OptionVisitor<F>(std::marker::PhantomData<F>);

impl<'de, F: Format> Visitor<'de> for OptionVisitor<F> {
    type Value = Option<OffsetDateTime>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(F::EXPECTING)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor::<F>(std::marker::PhantomData)).map(Some)
    }
}

struct ValueVisitor<F>(std::marker::PhantomData<F>);

impl<'de, F: Format> Visitor<'de> for ValueVisitor<F> {
    type Value = OffsetDateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(F::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        F::from_text(text).ok_or_else(|| E::invalid_value(de::Unexpected::Str(text), &self))
    }

    fn visit_f64<E: de::Error>(self, seconds: f64) -> Result<Self::Value, E> {
        F::from_seconds(seconds).ok_or_else(|| E::invalid_value(de::Unexpected::Float(seconds), &self))
    }

    fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Self::Value, E> {
        // Whole seconds are exact in f64 up to 2^53, far beyond any valid date.
        F::from_seconds(seconds as f64).ok_or_else(|| E::invalid_value(de::Unexpected::Signed(seconds), &self))
    }

    fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Self::Value, E> {
        F::from_seconds(seconds as f64).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(seconds), &self))
    }
}

macro_rules! format_module {
    ($module:ident, $format:ty) => {
        pub(crate) mod $module {
            use super::*;

            pub(crate) fn serialize<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
                <$format as Format>::write(value, serializer)
            }

            /// A required member: `null` becomes the epoch (error correction).
            pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
                Ok(<$format as Format>::read(deserializer)?.unwrap_or(OffsetDateTime::UNIX_EPOCH))
            }

            pub(crate) mod option {
                use super::super::*;

                pub(crate) fn serialize<S: Serializer>(
                    value: &Option<OffsetDateTime>,
                    serializer: S,
                ) -> Result<S::Ok, S::Error> {
                    match value {
                        Some(value) => <$format as Format>::write(value, serializer),
                        None => serializer.serialize_none(),
                    }
                }

                pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
                    deserializer: D,
                ) -> Result<Option<OffsetDateTime>, D::Error> {
                    <$format as Format>::read(deserializer)
                }
            }
        }
    };
}

format_module!(date_time, DateTime);
format_module!(epoch_seconds, EpochSeconds);
format_module!(http_date, HttpDate);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Sample {
        #[serde(with = "date_time", default = "crate::json::fallback")]
        a: OffsetDateTime,
        #[serde(with = "epoch_seconds::option", default, skip_serializing_if = "Option::is_none")]
        b: Option<OffsetDateTime>,
        #[serde(with = "http_date::option", default, skip_serializing_if = "Option::is_none")]
        c: Option<OffsetDateTime>,
    }

    fn at(seconds: i64, millis: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(seconds) * 1_000_000_000 + i128::from(millis) * 1_000_000)
            .unwrap()
    }

    #[test]
    fn date_time_accepts_offsets_and_fractions_and_writes_utc() {
        let parsed: Sample = serde_json::from_str(r#"{"a": "1996-12-19T16:39:57-08:00"}"#).unwrap();
        assert_eq!(parsed.a, at(851042397, 0));
        let parsed: Sample = serde_json::from_str(r#"{"a": "1985-04-12T23:20:50.52Z"}"#).unwrap();
        assert_eq!(parsed.a, at(482196050, 520));
        assert_eq!(serde_json::to_string(&parsed).unwrap(), r#"{"a":"1985-04-12T23:20:50.52Z"}"#);
        let parsed: Sample = serde_json::from_str(r#"{"a": null}"#).unwrap();
        assert_eq!(parsed.a, OffsetDateTime::UNIX_EPOCH);
        assert!(serde_json::from_str::<Sample>(r#"{"a": "yesterday"}"#).is_err());
        assert!(serde_json::from_str::<Sample>(r#"{"a": 12}"#).is_err());
    }

    #[test]
    fn epoch_seconds_round_trip_with_millis() {
        let parsed: Sample = serde_json::from_str(r#"{"a": "1970-01-01T00:00:00Z", "b": 1398796238.123}"#).unwrap();
        assert_eq!(parsed.b, Some(at(1398796238, 123)));
        assert_eq!(serde_json::to_value(&parsed).unwrap()["b"], serde_json::json!(1398796238.123));
        let parsed: Sample = serde_json::from_str(r#"{"b": 1398796238, "c": null}"#).unwrap();
        assert_eq!(parsed.b, Some(at(1398796238, 0)));
        assert_eq!(parsed.c, None);
        assert!(serde_json::from_str::<Sample>(r#"{"b": 1e300}"#).is_err());
        assert!(serde_json::from_str::<Sample>(r#"{"b": "1"}"#).is_err());
    }

    #[test]
    fn http_date_round_trip() {
        let parsed: Sample = serde_json::from_str(r#"{"c": "Tue, 29 Apr 2014 18:30:38 GMT"}"#).unwrap();
        assert_eq!(parsed.c, Some(at(1398796238, 0)));
        assert_eq!(HttpDate::format(&at(1398796238, 0)), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(HttpDate::format(&at(1398796238, 5)), "Tue, 29 Apr 2014 18:30:38.005 GMT");
        assert_eq!(HttpDate::parse("Tue, 29 Apr 2014 18:30:38.005 GMT"), Some(at(1398796238, 5)));
        assert_eq!(HttpDate::parse("Mon, 29 Apr 2014 18:30:38 GMT"), None, "wrong weekday");
        assert_eq!(HttpDate::parse("Tue, 29 Apr 2014 18:30 GMT"), None);
        assert_eq!(HttpDate::parse("Tue, 31 Feb 2014 18:30:38 GMT"), None);
    }
}
