//! Timestamp wire formats for JSON members, one type per Smithy
//! `timestampFormat` (copied verbatim into each generated crate that has
//! timestamps; the source lives in `codegen/runtime/src/timestamp.rs`).
//!
//! Each type is a JSON form (`json::Wire`, `json::WireWrite`) of
//! `OffsetDateTime`, and formats and parses the text of headers and query
//! strings. Dates a format cannot write (out of its years, or beyond what
//! `time` supports once in UTC) are errors, never panics.
//!
//! Writing follows the format exactly; reading a response is as lenient as
//! the AWS SDKs (botocore) are with services that stray from the model:
//! whatever the format, seconds since the epoch are accepted as a JSON
//! number or as a numeric string, and a date-time without an offset is
//! read as UTC. Anything else is an error.
#![allow(dead_code)]

use crate::json::Writer;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

impl crate::json::Fallback for OffsetDateTime {
    fn fallback() -> Self {
        OffsetDateTime::UNIX_EPOCH
    }
}

/// One wire format: how to write a timestamp and what it can be read from.
trait Format: Sized {
    const EXPECTING: &'static str;

    fn write(value: &OffsetDateTime, writer: &mut Writer);

    /// Reads a JSON string; `None` when this format does not accept it.
    fn from_text(text: &str) -> Option<OffsetDateTime>;

    /// Reads a JSON number of seconds: every format accepts one.
    fn from_seconds(seconds: f64) -> Option<OffsetDateTime> {
        EpochSeconds::from_f64(seconds)
    }
}

/// Seconds since the epoch written as text (`"1398796238.5"`), which
/// services send where the model says otherwise; `None` for anything else.
fn numeric_text(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    // A number as JSON writes it: not "inf" or "NaN", which `f64` reads.
    let numeric = text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !numeric {
        return None;
    }
    EpochSeconds::from_f64(text.parse().ok()?)
}

/// RFC 3339 `date-time` strings: written in UTC with fractional seconds only
/// when present; read with any offset and any fractional precision.
pub(crate) struct DateTime;

/// Seconds since the Unix epoch as a JSON number, with millisecond precision.
pub(crate) struct EpochSeconds;

/// IMF-fixdate strings as HTTP uses them: `Tue, 29 Apr 2014 18:30:38 GMT`.
pub(crate) struct HttpDate;

/// `value` in UTC, or `None` when that falls outside the years `time`
/// supports (`to_offset` would panic).
fn utc(value: &OffsetDateTime) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(value.unix_timestamp_nanos()).ok()
}

impl DateTime {
    /// `None` for a date RFC 3339 cannot write (years outside 0 to 9999).
    pub(crate) fn format(value: &OffsetDateTime) -> Option<String> {
        utc(value)?.format(&Rfc3339).ok()
    }

    /// Strict RFC 3339, with its offset.
    pub(crate) fn parse(text: &str) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(text, &Rfc3339).ok()
    }

    /// A date-time as responses carry it: RFC 3339, a date-time without
    /// an offset (UTC), or seconds since the epoch as text.
    pub(crate) fn read(text: &str) -> Option<OffsetDateTime> {
        let text = text.trim();
        DateTime::parse(text)
            .or_else(|| {
                // No offset after the time: UTC. (With an offset, the added
                // `Z` makes it invalid.)
                let time = text.split_once(['T', 't'])?.1;
                if time.contains(['Z', 'z', '+', '-']) {
                    return None;
                }
                DateTime::parse(&format!("{text}Z"))
            })
            .or_else(|| numeric_text(text))
    }
}

impl Format for DateTime {
    const EXPECTING: &'static str = "an RFC 3339 date-time or seconds since the Unix epoch";

    fn write(value: &OffsetDateTime, writer: &mut Writer) {
        match DateTime::format(value) {
            Some(text) => writer.string(&text),
            None => writer.fail(format!("cannot write {value} as an RFC 3339 date-time")),
        }
    }

    fn from_text(text: &str) -> Option<OffsetDateTime> {
        DateTime::read(text)
    }
}

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

impl EpochSeconds {
    /// Seconds as text (`1398796238.5`), as headers carry them.
    pub(crate) fn read(text: &str) -> Option<OffsetDateTime> {
        numeric_text(text)
    }

    /// Seconds as text (headers, query strings): whole seconds, or with
    /// milliseconds when there are any.
    pub(crate) fn format(value: &OffsetDateTime) -> String {
        let millis = value.unix_timestamp_nanos().div_euclid(1_000_000);
        if millis % 1000 == 0 {
            (millis / 1000).to_string()
        } else {
            format!("{:.3}", millis as f64 / 1000.0).trim_end_matches('0').to_owned()
        }
    }
}

impl Format for EpochSeconds {
    const EXPECTING: &'static str = "seconds since the Unix epoch";

    fn write(value: &OffsetDateTime, writer: &mut Writer) {
        // From whole milliseconds, so that -0.1 s is written as -0.1.
        let millis = value.unix_timestamp_nanos().div_euclid(1_000_000);
        if millis % 1000 == 0 {
            writer.i64(value.unix_timestamp());
        } else {
            crate::json::ToJson::write(&(millis as f64 / 1000.0), writer);
        }
    }

    fn from_text(text: &str) -> Option<OffsetDateTime> {
        EpochSeconds::read(text)
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl HttpDate {
    /// `None` for a date outside the years 0 to 9999, which the format
    /// cannot write.
    pub(crate) fn format(value: &OffsetDateTime) -> Option<String> {
        let utc = utc(value).filter(|utc| (0..=9999).contains(&utc.year()))?;
        let weekday = WEEKDAYS[utc.weekday().number_days_from_monday() as usize];
        let month = MONTHS[utc.month() as usize - 1];
        let millis = utc.millisecond();
        let fraction = if millis == 0 { String::new() } else { format!(".{millis:03}") };
        Some(format!(
            "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02}{fraction} GMT",
            utc.day(),
            utc.year(),
            utc.hour(),
            utc.minute(),
            utc.second()
        ))
    }

    pub(crate) fn parse(text: &str) -> Option<OffsetDateTime> {
        let (weekday, rest) = text.split_once(", ")?;
        let parts: Vec<&str> = rest.split(' ').collect();
        let [day, month, year, clock, "GMT"] = parts.as_slice() else { return None };
        let month = MONTHS.iter().position(|m| m == month)? as u8 + 1;
        let (clock, nanos) = match clock.split_once('.') {
            Some((clock, fraction)) if !fraction.is_empty() && fraction.len() <= 9 => {
                let digits: u32 = fraction.parse().ok()?;
                (clock, digits * 10u32.pow(9 - fraction.len() as u32))
            }
            None => (*clock, 0),
            _ => return None,
        };
        let mut hms = clock.split(':').map(|n| n.parse::<u8>().ok());
        let (hour, minute, second) = (hms.next()??, hms.next()??, hms.next()??);
        if hms.next().is_some() || day.len() != 2 {
            return None;
        }
        let date =
            Date::from_calendar_date(year.parse().ok()?, Month::try_from(month).ok()?, day.parse().ok()?).ok()?;
        let value = PrimitiveDateTime::new(date, Time::from_hms_nano(hour, minute, second, nanos).ok()?).assume_utc();
        (WEEKDAYS[value.weekday().number_days_from_monday() as usize] == weekday).then_some(value)
    }

    /// An HTTP date, or seconds since the epoch as text.
    pub(crate) fn read(text: &str) -> Option<OffsetDateTime> {
        let text = text.trim();
        HttpDate::parse(text).or_else(|| numeric_text(text))
    }
}

impl Format for HttpDate {
    const EXPECTING: &'static str = "an HTTP date or seconds since the Unix epoch";

    fn write(value: &OffsetDateTime, writer: &mut Writer) {
        match HttpDate::format(value) {
            Some(text) => writer.string(&text),
            None => writer.fail(format!("cannot write {value} as an HTTP date")),
        }
    }

    fn from_text(text: &str) -> Option<OffsetDateTime> {
        HttpDate::read(text)
    }
}

macro_rules! wire_type {
    ($($name:ident),*) => {$(
        impl crate::json::Form for $name {
            type Value = OffsetDateTime;
        }

        impl crate::json::Wire for $name {
            fn read(reader: &mut crate::json::Reader<'_>) -> Result<Option<OffsetDateTime>, crate::json::JsonError> {
                reader.timestamp(<$name as Format>::EXPECTING, <$name as Format>::from_text, <$name as Format>::from_seconds)
            }
        }

        impl crate::json::WireWrite for $name {
            fn write(value: &OffsetDateTime, writer: &mut Writer) {
                <$name as Format>::write(value, writer)
            }
        }
    )*};
}

wire_type!(DateTime, EpochSeconds, HttpDate);

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64, millis: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(seconds) * 1_000_000_000 + i128::from(millis) * 1_000_000)
            .unwrap()
    }

    /// Reads `json` in format `T`, as a `T` holding it.
    fn read<T: crate::json::Wire + crate::json::Form<Value = OffsetDateTime>>(
        json: &str,
    ) -> Result<Read, crate::json::JsonError> {
        let mut reader = crate::json::Reader::new(json);
        let value = T::read(&mut reader)?;
        assert_eq!(reader.peek(), None);
        Ok(Read(value))
    }

    /// What `read` read.
    struct Read(Option<OffsetDateTime>);

    /// A timestamp to write in format `T`.
    struct Written<T>(OffsetDateTime, std::marker::PhantomData<T>);

    impl<T: crate::json::WireWrite + crate::json::Form<Value = OffsetDateTime>> crate::json::ToJson for Written<T> {
        fn write(&self, writer: &mut Writer) {
            T::write(&self.0, writer);
        }
    }

    /// `value` written in format `T`.
    fn written<T: crate::json::WireWrite + crate::json::Form<Value = OffsetDateTime>>(
        value: Option<OffsetDateTime>,
    ) -> String {
        crate::json::to_json(&Written::<T>(value.expect("a timestamp"), std::marker::PhantomData)).unwrap()
    }

    #[test]
    fn date_time_accepts_offsets_and_fractions_and_writes_utc() {
        assert_eq!(read::<DateTime>(r#""1996-12-19T16:39:57-08:00""#).unwrap().0, Some(at(851042397, 0)));
        let parsed = read::<DateTime>(r#""1985-04-12T23:20:50.52Z""#).unwrap();
        assert_eq!(parsed.0, Some(at(482196050, 520)));
        assert_eq!(written::<DateTime>(parsed.0), r#""1985-04-12T23:20:50.52Z""#);
        assert_eq!(written::<DateTime>(Some(at(851042397, 0))), r#""1996-12-20T00:39:57Z""#);
        assert_eq!(read::<DateTime>("null").unwrap().0, None);
        assert!(read::<DateTime>(r#""yesterday""#).is_err());
        assert!(read::<DateTime>("true").is_err());
    }

    /// What services send where the model says otherwise, read as
    /// botocore reads it; anything else stays an error.
    #[test]
    fn responses_are_read_leniently() {
        // No offset: UTC (moto's Kafka `creationTime`).
        let naive = read::<DateTime>(r#""2026-12-01T21:38:32.014423""#).unwrap().0.unwrap();
        assert_eq!(naive, read::<DateTime>(r#""2026-12-01T21:38:32.014423Z""#).unwrap().0.unwrap());
        assert_eq!(naive.offset(), time::UtcOffset::UTC);
        assert_eq!(read::<DateTime>(r#""2014-04-29T18:30:38""#).unwrap().0, Some(at(1398796238, 0)));
        // Seconds where a date-time is expected (API Gateway's `connectedAt`).
        assert_eq!(read::<DateTime>("1398796238").unwrap().0, Some(at(1398796238, 0)));
        assert_eq!(read::<DateTime>("1398796238.5").unwrap().0, Some(at(1398796238, 500)));
        assert_eq!(read::<DateTime>(r#""1398796238""#).unwrap().0, Some(at(1398796238, 0)));
        // Numeric strings where seconds are expected.
        assert_eq!(read::<EpochSeconds>(r#""1398796238.123""#).unwrap().0, Some(at(1398796238, 123)));
        assert_eq!(read::<EpochSeconds>(r#"" -1.5 ""#).unwrap().0, Some(at(-2, 500)));
        assert_eq!(read::<HttpDate>("1398796238").unwrap().0, Some(at(1398796238, 0)));
        assert_eq!(HttpDate::read(" 1398796238 "), Some(at(1398796238, 0)));
        assert_eq!(EpochSeconds::read("1398796238.5"), Some(at(1398796238, 500)));
        assert_eq!(DateTime::read("2014-04-29t18:30:38"), Some(at(1398796238, 0)));
        // Still errors: other text, a date-time with a broken offset, a
        // date-time or HTTP date where seconds are expected, seconds
        // beyond any date, non-numbers.
        for bad in [r#""yesterday""#, r#""2014-04-29T18:30:38+25:00""#, r#""2014-04-29""#, r#""NaN""#, r#""inf""#, r#""""#, "1e300", "[]"] {
            assert!(read::<DateTime>(bad).is_err(), "{bad}");
        }
        for bad in [r#""2014-04-29T18:30:38Z""#, r#""Tue, 29 Apr 2014 18:30:38 GMT""#, r#""12abc""#, r#""""#, "{}"] {
            assert!(read::<EpochSeconds>(bad).is_err(), "{bad}");
        }
        for bad in [r#""Tue, 29 Apr 2014""#, r#""2014-04-29T18:30:38Z""#, "false"] {
            assert!(read::<HttpDate>(bad).is_err(), "{bad}");
        }
        let error = read::<DateTime>(r#""yesterday""#).err().unwrap().to_string();
        assert!(error.contains("expected an RFC 3339 date-time or seconds since the Unix epoch"), "{error}");
    }

    #[test]
    fn epoch_seconds_round_trip_with_millis() {
        let parsed = read::<EpochSeconds>("1398796238.123").unwrap();
        assert_eq!(parsed.0, Some(at(1398796238, 123)));
        assert_eq!(written::<EpochSeconds>(parsed.0), "1398796238.123");
        assert_eq!(read::<EpochSeconds>("1398796238").unwrap().0, Some(at(1398796238, 0)));
        assert_eq!(written::<EpochSeconds>(Some(at(1398796238, 0))), "1398796238");
        assert_eq!(read::<EpochSeconds>("-1.5").unwrap().0, Some(at(-2, 500)));
        assert_eq!(EpochSeconds::format(&at(1398796238, 0)), "1398796238");
        assert_eq!(EpochSeconds::format(&at(1398796238, 120)), "1398796238.12");
        assert_eq!(EpochSeconds::format(&at(-2, 500)), "-1.5");
        assert!(read::<EpochSeconds>("1e300").is_err());
        assert!(read::<EpochSeconds>(r#""one""#).is_err());
    }

    #[test]
    fn extreme_and_negative_times_are_written_or_refused_without_panicking() {
        use time::UtcOffset;
        let last = PrimitiveDateTime::new(
            time::Date::from_calendar_date(9999, time::Month::December, 31).unwrap(),
            time::Time::from_hms(23, 30, 0).unwrap(),
        );
        // 9999-12-31 23:30 at -01:00 is in the year 10000 in UTC.
        let beyond = last.assume_offset(UtcOffset::from_hms(-1, 0, 0).unwrap());
        assert_eq!(DateTime::format(&beyond), None);
        assert_eq!(HttpDate::format(&beyond), None);
        assert_eq!(EpochSeconds::format(&beyond), "253402302600");
        assert!(crate::json::to_json(&Written::<DateTime>(beyond, std::marker::PhantomData)).is_err());
        let error = crate::json::to_json(&Written::<HttpDate>(beyond, std::marker::PhantomData)).unwrap_err();
        assert!(error.to_string().contains("HTTP date"), "{error}");
        assert_eq!(written::<EpochSeconds>(Some(at(-1, 900))), "-0.1");
        assert_eq!(written::<EpochSeconds>(Some(at(-1, 999))), "-0.001");
        assert_eq!(written::<EpochSeconds>(Some(at(-2, 0))), "-2");
    }

    #[test]
    fn http_date_round_trip() {
        assert_eq!(read::<HttpDate>(r#""Tue, 29 Apr 2014 18:30:38 GMT""#).unwrap().0, Some(at(1398796238, 0)));
        assert_eq!(HttpDate::format(&at(1398796238, 0)).unwrap(), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(HttpDate::format(&at(1398796238, 5)).unwrap(), "Tue, 29 Apr 2014 18:30:38.005 GMT");
        assert_eq!(HttpDate::parse("Tue, 29 Apr 2014 18:30:38.005 GMT"), Some(at(1398796238, 5)));
        assert_eq!(HttpDate::parse("Mon, 29 Apr 2014 18:30:38 GMT"), None, "wrong weekday");
        assert_eq!(HttpDate::parse("Tue, 29 Apr 2014 18:30 GMT"), None);
        assert_eq!(HttpDate::parse("Tue, 31 Feb 2014 18:30:38 GMT"), None);
        assert!(read::<HttpDate>(r#""29 Apr 2014 18:30:38 GMT""#).is_err());
    }
}
