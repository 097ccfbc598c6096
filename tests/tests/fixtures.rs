//! Behaviour of the fixture crates generated from `tests/fixtures/*.json`:
//! each model exercises one area of the generator.

mod naming {
    use fixture_naming::operation::type_::{TypeInput, TypeOutput};
    use fixture_naming::types::{Node, Values};

    #[test]
    fn keyword_and_api_named_members_are_usable() {
        let input = TypeInput::builder()
            .r#type("t")
            .self_("s")
            .r#match("m")
            .r#gen("g")
            .build_value("b")
            .builder_value("bb")
            .send_value("sv")
            .set_value("set")
            .value_2("v")
            .foo_bar("camel")
            .foo_bar_2("snake")
            .r#box(fixture_naming::types::Box::builder().value("1.0").build().unwrap())
            .r#async(vec![vec!["x".to_owned()]])
            .build()
            .unwrap();
        let body =
            serde_json::from_str::<serde_json::Value>(&fixture_naming::primitives::to_json(&input).unwrap()).unwrap();
        // Rust names change; wire names never do.
        for (wire, value) in [
            ("type", "t"),
            ("self", "s"),
            ("match", "m"),
            ("gen", "g"),
            ("build", "b"),
            ("builder", "bb"),
            ("send", "sv"),
            ("set_value", "set"),
            ("value", "v"),
            ("fooBar", "camel"),
            ("foo_bar", "snake"),
        ] {
            assert_eq!(body[wire], value, "{wire} in {body}");
        }
        assert_eq!(body["box"]["value"], "1.0");
        assert_eq!(body["async"], serde_json::json!([["x"]]));
        let err = TypeInput::builder().build().unwrap_err();
        assert_eq!((err.member(), err.field()), ("type", "r#type"));
    }

    #[test]
    fn shapes_named_like_our_own_generic_parameters() {
        let out: TypeOutput = fixture_naming::primitives::from_json(
            r#"{"a": {"value": "x"}, "d": {"a": {"value": "y"}}, "s": {"d": {}}}"#,
        )
        .unwrap();
        assert_eq!(out.a.unwrap().value.as_deref(), Some("x"));
        assert_eq!(out.d.unwrap().a.unwrap().value.as_deref(), Some("y"));
        assert!(out.s.unwrap().d.is_some());
    }

    #[test]
    fn std_named_shapes_do_not_shadow_std() {
        let ok = fixture_naming::types::Option::builder().some("x").none(true).build();
        let result = fixture_naming::types::Result::builder().ok(ok.clone()).err("e").build();
        assert_eq!(result.ok, Some(ok));
        let string: fixture_naming::types::String = "foo-bar".into();
        assert_eq!(string, fixture_naming::types::String::FooBar);
    }

    #[test]
    fn colliding_enum_values_get_distinct_variants() {
        use fixture_naming::types::String as S;
        assert_eq!(S::from("1.0"), S::V10);
        assert_eq!(S::from("2.0"), S::V20);
        assert_eq!(S::from("FOO_BAR"), S::FooBar2);
        assert_eq!(S::from("fooBar"), S::FooBar3);
        assert_eq!(S::from("UNKNOWN"), S::UnknownValue);
        assert_eq!(S::from("Self"), S::Self_);
        assert_eq!(S::from("type"), S::Type);
        assert_eq!(S::from(""), S::Empty);
        assert!(matches!(S::from("else"), S::Unknown(_)));
        assert_eq!(Values::from("unknown"), Values::UnknownValue);
        assert_eq!(Values::from("send"), Values::Send);
        assert_eq!(Values::from("1"), Values::A1);
        assert_eq!(Values::from("Known").as_str(), "Known");
    }

    #[test]
    fn recursive_structures_parse_deeply() {
        let json = r#"{"crate": "c", "loop": {"value": "2.0", "inner": {"value": "1.0", "inner": null}},
            "values": "unknown",
            "tree": {"a": {"children": {"b": {}}}}}"#;
        let out: TypeOutput = fixture_naming::primitives::from_json(json).unwrap();
        assert_eq!(out.crate_, "c");
        assert_eq!(out.r#loop.value, fixture_naming::types::String::V20);
        assert_eq!(out.r#loop.inner.as_ref().unwrap().value, fixture_naming::types::String::V10);
        assert_eq!(out.values, Values::UnknownValue);
        assert!(out.tree.unwrap()["a"].children.as_ref().unwrap().contains_key("b"));

        let mut node = Node::builder().children(vec![Node::builder().build()]).build();
        for _ in 0..50 {
            node = Node::builder().next(node).build();
        }
        let depth = std::iter::successors(Some(&node), |n| n.next.as_deref()).count();
        assert_eq!(depth, 51);
    }
}

mod enums {
    use fixture_enums::operation::put_color::{PutColorInput, PutColorOutput};
    use fixture_enums::types::{Color, Legacy, Size};

    #[test]
    fn enum_shapes_and_enum_traits() {
        assert_eq!(Color::from("red"), Color::Red);
        assert_eq!(Color::from("DARK_BLUE"), Color::DarkBlue, "no enumValue: the member name is the value");
        assert_eq!(Color::values(), &["red", "green", "DARK_BLUE"]);
        assert_eq!(Legacy::from("t2.micro"), Legacy::T2Micro);
        assert_eq!(Legacy::M5Large.as_str(), "m5.large");
        assert_eq!(Legacy::values(), &["t2.micro", "m5.large", "plain"]);
    }

    #[test]
    fn int_enums() {
        assert_eq!(Size::from(10), Size::Large);
        assert_eq!(Size::Negative.value(), -3);
        assert_eq!(Size::values(), &[1, 10, -3]);
        let unknown = Size::from(7);
        assert!(matches!(unknown, Size::Unknown(_)));
        assert_eq!(unknown.value(), 7);
        assert_eq!(unknown.to_string(), "7");
    }

    #[test]
    fn enums_serialize_and_unknowns_round_trip() {
        let input = PutColorInput::builder()
            .color("green")
            .size(Size::Small)
            .legacy(Legacy::from("x1.future"))
            .colors(["red", "ultraviolet"])
            .build()
            .unwrap();
        let body =
            serde_json::from_str::<serde_json::Value>(&fixture_enums::primitives::to_json(&input).unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"color": "green", "size": 1, "legacy": "x1.future", "colors": ["red", "ultraviolet"]})
        );
        let out: PutColorOutput = fixture_enums::primitives::from_json(
            r#"{"color": "infrared", "size": 99, "byName": {"a": "red", "b": "teal"}}"#,
        )
        .unwrap();
        assert_eq!(out.color.as_str(), "infrared");
        assert_eq!(out.size.value(), 99);
        let by_name = out.by_name.unwrap();
        assert_eq!(by_name["a"], Color::Red);
        assert_eq!(by_name["b"].as_str(), "teal");
        assert!(fixture_enums::primitives::from_json::<PutColorOutput>(r#"{"size": "big"}"#).is_err());
    }
}

mod wire {
    use fixture_wire::operation::get_event::{GetEventInput, GetEventOutput};
    use fixture_wire::time::OffsetDateTime;

    fn at(seconds: i64, millis: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(seconds) * 1_000_000_000 + i128::from(millis) * 1_000_000)
            .unwrap()
    }

    #[test]
    fn timestamps_in_every_format() {
        let json = r#"{
            "startedAt": "2014-04-29T18:30:38.5Z",
            "epoch": 1398796238.25,
            "httpDate": "Tue, 29 Apr 2014 18:30:38 GMT",
            "targetFormat": "2014-04-29T20:30:38+02:00",
            "count": 3
        }"#;
        let out: GetEventOutput = fixture_wire::primitives::from_json(json).unwrap();
        assert_eq!(out.started_at, at(1398796238, 500));
        assert_eq!(out.epoch, Some(at(1398796238, 250)), "restJson1 bodies default to epoch-seconds");
        assert_eq!(out.http_date, Some(at(1398796238, 0)));
        assert_eq!(out.target_format, Some(at(1398796238, 0)), "the target shape's timestampFormat applies");
        assert_eq!(out.count, 3);
        assert!(fixture_wire::primitives::from_json::<GetEventOutput>(r#"{"epoch": "2014-04-29T18:30:38Z"}"#).is_err());
        assert!(fixture_wire::primitives::from_json::<GetEventOutput>(r#"{"httpDate": "2014-04-29"}"#).is_err());
    }

    /// Services stray from their models' formats; responses are read as
    /// botocore reads them, and what still fails names the member.
    #[test]
    fn timestamps_in_the_forms_services_send_instead() {
        let json = r#"{
            "startedAt": "2014-04-29T18:30:38.5",
            "epoch": "1398796238.25",
            "httpDate": 1398796238,
            "targetFormat": 1398796238,
            "times": [1398796238, "2014-04-29T18:30:38"]
        }"#;
        let out: GetEventOutput = fixture_wire::primitives::from_json(json).unwrap();
        assert_eq!(out.started_at, at(1398796238, 500), "no offset: UTC");
        assert_eq!(out.epoch, Some(at(1398796238, 250)), "a numeric string where seconds are expected");
        assert_eq!(out.http_date, Some(at(1398796238, 0)), "seconds where an HTTP date is expected");
        assert_eq!(out.target_format, Some(at(1398796238, 0)), "seconds where a date-time is expected");
        assert_eq!(out.times, Some(vec![at(1398796238, 0), at(1398796238, 0)]));
        let error = fixture_wire::primitives::from_json::<GetEventOutput>(r#"{"startedAt": "soon"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"GetEventOutput.startedAt: expected an RFC 3339 date-time or seconds since the Unix epoch, found "soon" at line 1 column 15"#
        );
        let error = fixture_wire::primitives::from_json::<GetEventOutput>(r#"{"times": [1, true]}"#).unwrap_err();
        assert!(error.to_string().starts_with("GetEventOutput.times: "), "{error}");
    }

    /// Collection setters take any iterator of values convertible into the
    /// items (arrays of `&str`, pairs of `&str`), and still whole `Vec`s
    /// and `HashMap`s.
    #[test]
    fn collection_setters_take_iterators_and_whole_collections() {
        use std::collections::HashMap;
        let input = GetEventInput::builder().event_id("e").tags(["a", "b"]).trace_ids(vec!["t".to_owned()]).build().unwrap();
        assert_eq!(input.tags, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(input.trace_ids, Some(vec!["t".to_owned()]));
        let input = GetEventInput::builder().event_id("e").tags((1..=3).map(|i| format!("tag{i}"))).build().unwrap();
        assert_eq!(input.tags.unwrap(), ["tag1", "tag2", "tag3"]);
        let detail = |note: &str| fixture_wire::types::Detail::builder().note(note).build().unwrap();
        let out = GetEventOutput::builder()
            .started_at(at(0, 0))
            .count(1)
            .sparse_list([Some("a".to_owned()), None])
            .sparse_map([("x", Some(1)), ("y", None)])
            .nested([vec![Some("a".to_owned())], vec![]])
            .details([("k", detail("n"))])
            .times([at(1, 0)])
            .ratios([1.5f32, 2.0])
            .build()
            .unwrap();
        assert_eq!(out.sparse_list, Some(vec![Some("a".to_owned()), None]));
        assert_eq!(out.sparse_map, Some(HashMap::from([("x".to_owned(), Some(1)), ("y".to_owned(), None)])));
        assert_eq!(out.nested, Some(vec![vec![Some("a".to_owned())], vec![]]));
        assert_eq!(out.details.unwrap()["k"].note, "n");
        assert_eq!((out.times, out.ratios), (Some(vec![at(1, 0)]), Some(vec![1.5, 2.0])));
        let whole = HashMap::from([("k".to_owned(), detail("m"))]);
        let out = GetEventOutput::builder().started_at(at(0, 0)).count(1).details(whole.clone()).build().unwrap();
        assert_eq!(out.details, Some(whole));
    }

    #[test]
    fn json_names_numbers_and_sparse_collections() {
        let json = r#"{
            "Renamed-On-Wire": "yes", "renamed": "ignored",
            "count": 9007199254740993, "ratio": 0.5, "small": -8, "short": 300, "real": 1.5, "flag": false,
            "sparseList": ["a", null, "c"], "sparseMap": {"x": 1, "y": null},
            "nested": [["a", null], []], "details": {"k": {"note": "n", "tagged": "t"}},
            "requestId": "from-the-body-is-ignored"
        }"#;
        let out: GetEventOutput = fixture_wire::primitives::from_json(json).unwrap();
        assert_eq!(out.renamed.as_deref(), Some("yes"));
        assert_eq!(out.count, 9007199254740993);
        assert_eq!(
            (out.ratio, out.small, out.short, out.real, out.flag),
            (Some(0.5), Some(-8), Some(300), Some(1.5), Some(false))
        );
        assert_eq!(out.sparse_list, Some(vec![Some("a".to_owned()), None, Some("c".to_owned())]));
        let map = out.sparse_map.unwrap();
        assert_eq!((map["x"], map["y"]), (Some(1), None));
        assert_eq!(out.nested.unwrap()[0], vec![Some("a".to_owned()), None]);
        let details = out.details.unwrap();
        assert_eq!(details["k"].note, "n");
        assert_eq!(details["k"].tagged.as_deref(), Some("t"), "httpHeader means nothing on a nested structure");
        assert_eq!(out.request_id, None, "an httpHeader member is not read from the body");
        assert!(
            fixture_wire::primitives::from_json::<GetEventOutput>(r#"{"small": 300}"#).is_err(),
            "out of range for a byte"
        );
    }

    #[test]
    fn blobs_documents_and_collections_of_special_values() {
        let json = r#"{
            "blobData": "aGVsbG8=",
            "doc": {"any": ["json", 1, null, {"x": true}]},
            "times": ["2014-04-29T18:30:38Z", null, "2014-04-29T18:30:38.5Z"],
            "ratios": [1.5, "NaN", "-Infinity"],
            "byDate": {"a": 1398796238, "b": null}
        }"#;
        let out: GetEventOutput = fixture_wire::primitives::from_json(json).unwrap();
        assert_eq!(out.blob_data.as_ref().map(|b| b.as_ref()), Some(&b"hello"[..]));
        use fixture_wire::primitives::{Document, Number};
        let object = Document::Object([("x".to_owned(), Document::Bool(true))].into());
        let any = vec![Document::String("json".to_owned()), Document::Number(Number::PosInt(1)), Document::Null, object];
        assert_eq!(out.doc.unwrap(), Document::Object([("any".to_owned(), Document::Array(any))].into()));
        assert_eq!(out.times.unwrap(), vec![at(1398796238, 0), at(1398796238, 500)], "a dense list drops nulls");
        let ratios = out.ratios.unwrap();
        assert!(ratios[0] == 1.5 && ratios[1].is_nan() && ratios[2] == f64::NEG_INFINITY);
        let by_date = out.by_date.unwrap();
        assert_eq!((by_date.len(), by_date["a"]), (1, at(1398796238, 0)));
        assert!(fixture_wire::primitives::from_json::<GetEventOutput>(r#"{"blobData": "%%%"}"#).is_err());
    }

    #[test]
    fn special_floats_are_strings() {
        let out: GetEventOutput =
            fixture_wire::primitives::from_json(r#"{"ratio": "NaN", "real": "-Infinity"}"#).unwrap();
        assert!(out.ratio.unwrap().is_nan());
        assert_eq!(out.real, Some(f32::NEG_INFINITY));
        let out: GetEventOutput = fixture_wire::primitives::from_json(r#"{"ratio": "Infinity", "real": 2}"#).unwrap();
        assert_eq!((out.ratio, out.real), (Some(f64::INFINITY), Some(2.0)));
        assert!(fixture_wire::primitives::from_json::<GetEventOutput>(r#"{"ratio": "inf"}"#).is_err());
    }

    #[test]
    fn only_body_members_are_serialized() {
        let input = GetEventInput::builder()
            .event_id("e-1")
            .since(at(0, 0))
            .filter(fixture_wire::types::Filter::builder().after(at(1398796238, 0)).before(at(1398796238, 5)).build())
            .tags(["a", "b c"])
            .trace_ids(["t1", "t,2"])
            .payload_blob(fixture_wire::primitives::Blob::from("hi!"))
            .build()
            .unwrap();
        let body =
            serde_json::from_str::<serde_json::Value>(&fixture_wire::primitives::to_json(&input).unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"filter": {"after": "2014-04-29T18:30:38Z", "before": 1398796238.005}, "payloadBlob": "aGkh"})
        );
    }
}

mod rules {
    use fixture_rules::error::{BadCredentials, ServiceUnavailable, Throttled};
    use fixture_rules::operation::login::{LoginInput, LoginOutput};
    use fixture_rules::types::{Mode, Session};

    #[test]
    fn defaults_fill_missing_and_null_members() {
        let out: LoginOutput = fixture_rules::primitives::from_json(
            r#"{"token": "t", "session": {"id": "s"}, "label": null, "retries": null}"#,
        )
        .unwrap();
        assert_eq!(out.retries, 5);
        assert_eq!(out.mode, Mode::Fast);
        assert!(out.tags.is_empty());
        assert_eq!(out.label, "none");
        assert_eq!(out.scale, 1.5);
        assert_eq!(out.optional_even_if_required, None, "clientOptional keeps Option");
        let builder = LoginOutput::builder().token("t").session(Session::builder().id("s").build().unwrap());
        let err = builder.clone().build().unwrap_err();
        assert_eq!(err.member(), "optionalEvenIfRequired", "the builder still checks a clientOptional required member");
        let built = builder.optional_even_if_required("x").build().unwrap();
        assert_eq!((built.retries, built.mode, built.label.as_str(), built.scale), (5, Mode::Fast, "none", 1.5));
    }

    #[test]
    fn errors_nested_in_inputs_serialize_with_their_members() {
        let last = BadCredentials::builder()
            .message("old")
            .detail(fixture_rules::types::CredentialDetail::builder().reason("expired").build())
            .build()
            .unwrap();
        let input = LoginInput::builder().user("u").password("p").last_error(last).build().unwrap();
        let body =
            serde_json::from_str::<serde_json::Value>(&fixture_rules::primitives::to_json(&input).unwrap()).unwrap();
        assert_eq!(body["lastError"], serde_json::json!({"message": "old", "detail": {"reason": "expired"}}));
    }

    #[test]
    fn input_members_stay_optional_but_required_ones_are_checked() {
        let err = LoginInput::builder().user("u").build().unwrap_err();
        assert_eq!(err.member(), "password");
        let input = LoginInput::builder().user("u").password("hunter2").build().unwrap();
        assert_eq!(input.attempts, None, "input members are optional even with a default");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&fixture_rules::primitives::to_json(&input).unwrap()).unwrap(),
            serde_json::json!({"user": "u", "password": "hunter2"})
        );
    }

    #[test]
    fn sensitive_data_never_reaches_debug() {
        let input = LoginInput::builder().user("alice").password("hunter2").build().unwrap();
        let shown = format!("{input:?}");
        assert!(shown.contains("alice") && !shown.contains("hunter2"), "{shown}");
        let builder = LoginInput::builder().password("hunter2");
        assert!(!format!("{builder:?}").contains("hunter2"));
        let out: LoginOutput =
            fixture_rules::primitives::from_json(r#"{"token": "secret-token", "session": {"id": "sess-42"}}"#).unwrap();
        let shown = format!("{out:?}");
        assert!(!shown.contains("secret-token") && !shown.contains("sess-42"), "{shown}");
        assert!(shown.contains("Redacted"));
        assert!(!format!("{:?}", out.session).contains("sess-42"), "a sensitive structure hides every member");
        let out: LoginOutput = fixture_rules::primitives::from_json(
            r#"{"token": "t", "session": {"id": "s"}, "previousTokens": ["old-secret"],
                "tokensByDevice": {"laptop": ["device-secret"]}}"#,
        )
        .unwrap();
        assert_eq!(out.tokens_by_device.as_ref().unwrap()["laptop"], ["device-secret"]);
        let shown = format!("{out:?}");
        assert!(
            !shown.contains("old-secret") && !shown.contains("device-secret"),
            "lists and maps of sensitive strings: {shown}"
        );
        let builder = LoginOutput::builder().previous_tokens(vec!["old-secret".to_owned()]);
        assert!(!format!("{builder:?}").contains("old-secret"));
    }

    #[test]
    fn errors() {
        let e: BadCredentials =
            fixture_rules::primitives::from_json(r#"{"message": "wrong password", "user": "alice"}"#).unwrap();
        assert_eq!(e.to_string(), "BadCredentials: wrong password");
        assert_eq!(BadCredentials::HTTP_STATUS, Some(401));
        let t: Throttled = fixture_rules::primitives::from_json(r#"{"Message": "slow down"}"#).unwrap();
        assert_eq!(t.to_string(), "Throttled: slow down");
        assert_eq!((Throttled::THROTTLING, Throttled::RETRYABLE), (true, true));
        let s: ServiceUnavailable = fixture_rules::primitives::from_json("{}").unwrap();
        assert_eq!(s.to_string(), "ServiceUnavailable");
        assert_eq!((ServiceUnavailable::IS_SERVER_FAULT, ServiceUnavailable::RETRYABLE), (true, true));
        assert_eq!(ServiceUnavailable::HTTP_STATUS, None);
    }
}

/// Errors named like the types the generated `error` module defines itself
/// (`ErrorVariant`, `Unhandled`, ...) get a suffix and still map from their
/// codes.
mod naming_errors {
    use fixture_naming::operation::match_::MatchError;
    use fixture_naming::testing::TestTransport;

    async fn call_failing_with(code: &str) -> MatchError {
        let transport = TestTransport::new();
        transport.respond_with(
            http::Response::builder()
                .status(400)
                .header("x-amzn-errortype", code)
                .body(bytes::Bytes::from_static(br#"{"message": "named like ours"}"#))
                .unwrap(),
        );
        let config = fixture_naming::Config::builder()
            .endpoint_url("https://naming.example")
            .http_client(transport)
            .retry_config(fixture_naming::config::RetryConfig::disabled())
            .build();
        fixture_naming::Client::new(config).match_().self_("x").send().await.unwrap_err()
    }

    #[tokio::test]
    async fn errors_named_like_generated_types_map_from_their_codes() {
        let error = call_failing_with("ErrorVariant").await;
        assert!(matches!(error, MatchError::ErrorVariant2(_)), "{error:?}");
        assert_eq!(error.code(), Some("ErrorVariant"));
        assert_eq!(error.to_string(), "ErrorVariant: named like ours (HTTP 400)");
        let error = call_failing_with("Unhandled").await;
        assert!(matches!(error, MatchError::Unhandled2(_)), "{error:?}");
        assert_eq!(fixture_naming::error::Unhandled2::CODE, "Unhandled");
        let error = call_failing_with("SomethingElse").await;
        assert!(matches!(error, MatchError::Unhandled(_)), "{error:?}");
    }
}

/// The wire fixture through its client and the test transport: query and
/// header lists, response headers and status code.
mod wire_client {
    use fixture_wire::testing::TestTransport;

    #[tokio::test]
    async fn query_header_lists_and_response_bindings() {
        let transport = TestTransport::new();
        transport.respond_with(
            http::Response::builder()
                .status(202)
                .header("x-list", r#"a, "b,c", d"#)
                .header("x-request-id", "rid")
                .body(bytes::Bytes::from_static(br#"{"startedAt": "2014-04-29T18:30:38Z", "count": 1}"#))
                .unwrap(),
        );
        let config =
            fixture_wire::Config::builder().endpoint_url("https://wire.example").http_client(transport.clone()).build();
        let out = fixture_wire::Client::new(config)
            .get_event()
            .event_id("e/1")
            .tags(vec!["a".to_owned(), "b c".to_owned()])
            .trace_ids(vec!["t1".to_owned(), "t,2".to_owned()])
            .since(fixture_wire::time::OffsetDateTime::UNIX_EPOCH)
            .send()
            .await
            .unwrap();
        assert_eq!(out.header_list, Some(vec!["a".to_owned(), "b,c".to_owned(), "d".to_owned()]));
        assert_eq!(out.request_id.as_deref(), Some("rid"));
        assert_eq!(out.status, Some(202));
        let request = &transport.requests()[0];
        assert_eq!(
            request.uri().to_string(),
            "https://wire.example/events/e%2F1?since=1970-01-01T00%3A00%3A00Z&tag=a&tag=b%20c"
        );
        assert_eq!(request.headers()["x-trace"], r#"t1, "t,2""#);
        assert_eq!(request.headers()["content-type"], "application/json");
        assert!(request.headers().get("authorization").is_none(), "the fixture service has no SigV4 trait: unsigned");
    }
}

mod unions {
    use fixture_unions::operation::put_shape::{PutShapeInput, PutShapeOutput};
    use fixture_unions::types::{Circle, Secret, Shape};

    fn shape(json: &str) -> Result<Shape, fixture_unions::primitives::JsonError> {
        fixture_unions::primitives::from_json::<PutShapeOutput>(&format!(r#"{{"shape": {json}}}"#)).map(|o| o.shape)
    }

    #[test]
    fn each_variant_reads() {
        assert_eq!(shape(r#"{"square": 2.5}"#).unwrap(), Shape::Square(2.5));
        assert_eq!(shape(r#"{"label": "hi"}"#).unwrap(), Shape::Label("hi".into()));
        assert_eq!(
            shape(r#"{"unknown": "named like our catch-all"}"#).unwrap(),
            Shape::UnknownValue("named like our catch-all".into())
        );
        let Shape::Circle(circle) = shape(r#"{"circle": {"radius": 1}}"#).unwrap() else { panic!() };
        assert_eq!(circle.radius, 1.0);
        let Shape::DrawnAt(at) = shape(r#"{"drawnAt": "2014-04-29T18:30:38Z"}"#).unwrap() else { panic!() };
        assert_eq!(at.unix_timestamp(), 1398796238);
        let Shape::Inner(inner) = shape(r#"{"inner": {"group": [{"square": 1}, {"label": "x"}]}}"#).unwrap() else {
            panic!()
        };
        assert_eq!(*inner, Shape::Group(vec![Shape::Square(1.0), Shape::Label("x".into())]));
        let Shape::Data(data) = shape(r#"{"data": "aGk="}"#).unwrap() else { panic!() };
        assert_eq!(data.as_ref(), b"hi");
    }

    #[test]
    fn unknown_members_are_kept_and_type_and_nulls_ignored() {
        let Shape::Unknown(member) = shape(r#"{"hexagon": {"side": 3}}"#).unwrap() else { panic!() };
        let side = aws_smithy_types::Document::Object([("side".to_owned(), aws_smithy_types::Number::PosInt(3).into())].into());
        assert_eq!((member.name(), member.value()), ("hexagon", &side));
        assert_eq!(shape(r#"{"__type": "unions#Shape", "label": "t"}"#).unwrap(), Shape::Label("t".into()));
        assert_eq!(shape(r#"{"square": null, "label": "n"}"#).unwrap(), Shape::Label("n".into()));
        // The member first, then what does not count: the reader does not
        // stop at the first member unless the object ends there.
        assert_eq!(shape(r#"{"label": "n", "square": null}"#).unwrap(), Shape::Label("n".into()));
        assert_eq!(shape(r#"{"label": "t", "__type": "unions#Shape"}"#).unwrap(), Shape::Label("t".into()));
    }

    #[test]
    fn zero_or_several_members_are_errors() {
        assert!(shape("{}").unwrap_err().to_string().contains("the union Shape has no member set"));
        assert!(shape(r#"{"square": 1, "label": "x"}"#)
            .unwrap_err()
            .to_string()
            .contains("has 2 members set, not one"));
        assert!(shape(r#"{"square": 1, "label": null, "data": "aGk=", "label": "x"}"#)
            .unwrap_err()
            .to_string()
            .contains("has 3 members set, not one"));
        assert!(shape(r#"{"square": null}"#).unwrap_err().to_string().contains("has no member set"));
        assert!(shape(r#"{"square": 1"#).is_err(), "an object that does not end");
        assert!(shape(r#"["square"]"#).is_err());
        let missing: PutShapeOutput = fixture_unions::primitives::from_json("{}").unwrap();
        assert!(matches!(missing.shape, Shape::Unknown(_)), "a required union left out reads as Unknown");
    }

    #[test]
    fn variants_write_as_one_member_objects() {
        let input = PutShapeInput::builder()
            .shape(Shape::Circle(Circle::builder().radius(2.0).build().unwrap()))
            .secret(Secret::Pin("1234".into()))
            .build()
            .unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&fixture_unions::primitives::to_json(&input).unwrap()).unwrap(),
            serde_json::json!({"shape": {"circle": {"radius": 2.0}}, "secret": {"pin": "1234"}})
        );
        assert!(!format!("{input:?}").contains("1234"), "a sensitive union is redacted");
        let time = fixture_unions::time::OffsetDateTime::from_unix_timestamp(1398796238).unwrap();
        let input = PutShapeInput::builder().shape(Shape::DrawnAt(time)).build().unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&fixture_unions::primitives::to_json(&input).unwrap()).unwrap()
                ["shape"],
            serde_json::json!({"drawnAt": "2014-04-29T18:30:38Z"})
        );
        let unknown = shape(r#"{"hexagon": 1}"#).unwrap();
        let input = PutShapeInput::builder().shape(unknown).build().unwrap();
        assert!(fixture_unions::primitives::to_json(&input)
            .unwrap_err()
            .to_string()
            .contains("cannot send the unknown union member `hexagon`"));
    }
}

/// Payload bindings, prefix headers and query-parameter maps through the
/// client and the test transport.
mod payloads {
    use std::collections::HashMap;

    use fixture_payloads::primitives::Blob;
    use fixture_payloads::testing::TestTransport;
    use fixture_payloads::types::{Kind, Page};
    use fixture_payloads::{Client, Config};

    fn client(transport: &TestTransport) -> Client {
        Client::new(
            Config::builder()
                .region("us-east-1")
                .static_credentials("AKID", "SECRET")
                .endpoint_url("https://p.example")
                .http_client(transport.clone())
                .build(),
        )
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> http::Response<bytes::Bytes> {
        let mut builder = http::Response::builder().status(status);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(bytes::Bytes::copy_from_slice(body)).unwrap()
    }

    #[tokio::test]
    async fn blob_payloads_and_prefix_headers() {
        let transport = TestTransport::new();
        transport.respond_with(response(
            200,
            &[("x-meta-Color", "red"), ("x-meta-size", "2"), ("x-other", "no")],
            b"\x89PNG raw",
        ));
        let meta = HashMap::from([("color".to_owned(), "blue".to_owned()), ("a".to_owned(), "1".to_owned())]);
        let out = client(&transport)
            .put_blob()
            .key("k")
            .data(Blob::new(&b"\x00\x01bytes"[..]))
            .meta_value(meta)
            .send()
            .await
            .unwrap();
        assert_eq!(out.data.unwrap().as_ref(), b"\x89PNG raw");
        let meta = out.meta_value.unwrap();
        assert_eq!((meta.len(), meta["color"].as_str(), meta["size"].as_str()), (2, "red", "2"));
        let request = &transport.requests()[0];
        assert_eq!(request.body().as_ref(), b"\x00\x01bytes", "the blob is the body, not base64 JSON");
        assert_eq!(request.headers()["content-type"], "image/png", "the target's mediaType");
        assert_eq!(request.headers()["x-meta-color"], "blue");
        assert_eq!(request.headers()["x-meta-a"], "1");

        transport.respond_with(response(200, &[], b""));
        let out = client(&transport).put_blob().key("k").send().await.unwrap();
        assert_eq!(out.data, None, "an empty payload is absent");
        let request = &transport.requests()[1];
        assert!(request.body().is_empty() && request.headers().get("content-type").is_none());
    }

    #[tokio::test]
    async fn text_and_structure_payloads() {
        let transport = TestTransport::new();
        transport.respond_with(response(200, &[("x-kind", "B")], "plain text ✓".as_bytes()));
        let out = client(&transport).get_text().send().await.unwrap();
        assert_eq!((out.text.as_deref(), out.kind), (Some("plain text ✓"), Some(Kind::B)));

        transport.respond_with(response(200, &[], br#"{"title": "T", "lines": ["a", null, "b"]}"#));
        let page = Page::builder().title("mine").lines(vec!["x".to_owned()]).build();
        let out = client(&transport).put_doc().doc(page).send().await.unwrap();
        let doc = out.doc.unwrap();
        assert_eq!((doc.title.as_deref(), doc.lines.unwrap()), (Some("T"), vec!["a".to_owned(), "b".to_owned()]));
        let request = &transport.requests()[1];
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(body, serde_json::json!({"title": "mine", "lines": ["x"]}), "the member itself is the body");
        assert_eq!(request.headers()["content-type"], "application/json");

        transport.respond_with(response(200, &[], b"not json"));
        assert!(client(&transport).put_doc().send().await.is_err(), "a malformed payload is an error");
    }

    #[tokio::test]
    async fn query_parameter_maps_yield_to_named_parameters() {
        let transport = TestTransport::new();
        transport.respond(200, "{}").respond(200, "{}");
        let params = HashMap::from([
            ("q".to_owned(), vec!["from-map".to_owned()]),
            ("tag".to_owned(), vec!["a".to_owned(), "b".to_owned()]),
        ]);
        client(&transport).search().q("named").params(params.clone()).send().await.unwrap();
        client(&transport).search().params(params).send().await.unwrap();
        let requests = transport.requests();
        assert_eq!(requests[0].uri().query(), Some("mode=all&q=named&tag=a&tag=b"));
        assert_eq!(
            requests[1].uri().query(),
            Some("mode=all&q=from-map&tag=a&tag=b"),
            "an unset named parameter leaves the key to the map"
        );
    }
}

/// Paginators: pages as a stream, items flattened, tokens followed until
/// none, empty or repeated, the page size sent.
mod paging {
    use fixture_paging::testing::TestTransport;
    use fixture_paging::{Client, Config};

    fn client(transport: &TestTransport) -> Client {
        Client::new(Config::builder().endpoint_url("https://pages.example").http_client(transport.clone()).build())
    }

    #[tokio::test]
    async fn three_pages_then_done() {
        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"things": ["a", "b"], "nextToken": "t1"}"#)
            .respond(200, r#"{"things": ["c"], "nextToken": "t2"}"#)
            .respond(200, r#"{"things": ["d"]}"#);
        let pages =
            client(&transport).list_things().into_paginator().page_size(2).send().collect_pages().await.unwrap();
        assert_eq!(pages.len(), 3);
        let queries: Vec<String> =
            transport.requests().iter().map(|r| r.uri().query().unwrap_or_default().to_owned()).collect();
        assert_eq!(queries, ["max=2", "token=t1&max=2", "token=t2&max=2"]);
    }

    #[tokio::test]
    async fn items_stream_and_stop_conditions() {
        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"things": ["a"], "nextToken": "same"}"#)
            .respond(200, r#"{"things": ["b"], "nextToken": "same"}"#)
            .respond(200, r#"{"things": ["never read"]}"#);
        let mut items = client(&transport).list_things().into_paginator().items();
        let mut seen = Vec::new();
        while let Some(item) = items.next().await {
            seen.push(item.unwrap());
        }
        assert_eq!(seen, ["a", "b"], "a repeated token ends the stream");
        assert_eq!(transport.remaining(), 1);

        let transport = TestTransport::new();
        transport.respond(200, r#"{"things": ["x"], "nextToken": ""}"#).respond(200, r#"{"things": ["y"]}"#);
        let items = client(&transport)
            .list_things()
            .next_token("start")
            .into_paginator()
            .items()
            .collect_items()
            .await
            .unwrap();
        assert_eq!(items, ["x"], "an empty token ends the stream");
        assert_eq!(transport.requests()[0].uri().query(), Some("token=start"), "a starting token is kept");
    }

    #[tokio::test]
    async fn errors_end_the_stream() {
        let transport = TestTransport::new();
        transport.respond(200, r#"{"things": ["a"], "nextToken": "t1"}"#).respond(500, "{}");
        let config = Config::builder()
            .endpoint_url("https://pages.example")
            .http_client(transport.clone())
            .retry_config(fixture_paging::config::RetryConfig::disabled())
            .build();
        let mut pages = Client::new(config).list_things().into_paginator().send();
        assert!(pages.next().await.unwrap().is_ok());
        assert!(pages.next().await.unwrap().is_err());
        assert!(pages.next().await.is_none());
    }

    /// The query of each request sent.
    fn queries(transport: &TestTransport) -> Vec<String> {
        transport.requests().iter().map(|r| r.uri().query().unwrap_or_default().to_owned()).collect()
    }

    /// A page of map entries, sorted by key (a page's order is the map's).
    fn sorted<V: Ord>(mut entries: Vec<(String, V)>) -> Vec<(String, V)> {
        entries.sort();
        entries
    }

    #[tokio::test]
    async fn map_items_are_key_value_pairs_page_after_page() {
        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"scores": {"b": 2, "a": 1}, "nextToken": "t1"}"#)
            .respond(200, r#"{"scores": {}, "nextToken": "t2"}"#)
            .respond(200, r#"{"nextToken": "t3"}"#)
            .respond(200, r#"{"scores": {"c": 3}}"#)
            .respond(200, r#"{"scores": {"never": 0}}"#);
        let items =
            client(&transport).list_scores().into_paginator().page_size(2).items().collect_items().await.unwrap();
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(sorted(items[..2].to_vec()), [("a".to_owned(), 1), ("b".to_owned(), 2)], "the first page's entries");
        assert_eq!(items[2], ("c".to_owned(), 3), "then the last page's, after an empty page and one without the map");
        assert_eq!(queries(&transport), ["max=2", "token=t1&max=2", "token=t2&max=2", "token=t3&max=2"]);
        assert_eq!(transport.remaining(), 1, "no call after the page without a token");
    }

    #[tokio::test]
    async fn sparse_list_items_keep_their_nulls() {
        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"slots": ["a", null], "nextToken": "t1"}"#)
            .respond(200, r#"{"slots": [], "nextToken": "t2"}"#)
            .respond(200, r#"{"slots": [null, "b", null]}"#);
        let mut items = client(&transport).list_slots().into_paginator().items();
        let mut seen: Vec<Option<String>> = Vec::new();
        while let Some(item) = items.next().await {
            seen.push(item.unwrap());
        }
        let expected = [Some("a"), None, None, Some("b"), None].map(|s| s.map(str::to_owned));
        assert_eq!(seen, expected, "a `null` item is an item, in its place");
        assert_eq!(queries(&transport), ["", "token=t1", "token=t2"]);
        assert_eq!(transport.remaining(), 0);
    }

    #[tokio::test]
    async fn nested_paths_give_the_token_and_the_items() {
        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"result": {"shelves": [{"name": "s1"}, {"name": "s2", "size": 3}], "cursor": {"next": "c1"}}}"#)
            .respond(200, r#"{"result": {"cursor": {"next": "c2"}}}"#)
            .respond(200, r#"{"result": {"shelves": [{"name": "s3"}], "cursor": {}}}"#)
            .respond(200, r#"{"result": {"shelves": [{"name": "never read"}], "cursor": {}}}"#);
        let pages = client(&transport).list_shelves().into_paginator().page_size(5).send().collect_pages().await.unwrap();
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0].result.as_ref().map(|r| r.cursor.next.as_deref()), Some(Some("c1")));
        assert_eq!(queries(&transport), ["max=5", "token=c1&max=5", "token=c2&max=5"]);
        assert_eq!(transport.remaining(), 1, "a cursor without `next` ends the pages");

        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"result": {"shelves": [{"name": "s1"}, {"name": "s2", "size": 3}], "cursor": {"next": "c1"}}}"#)
            .respond(200, r#"{"result": {"shelves": [], "cursor": {"next": "c2"}}}"#)
            .respond(200, r#"{"result": {"shelves": [{"name": "s3"}], "cursor": {"next": "c3"}}}"#)
            .respond(200, "{}")
            .respond(200, r#"{"result": {"shelves": [{"name": "never read"}], "cursor": {}}}"#);
        let shelves = client(&transport).list_shelves().into_paginator().items().collect_items().await.unwrap();
        let names: Vec<&str> = shelves.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["s1", "s2", "s3"]);
        assert_eq!(shelves[1].size, Some(3));
        assert_eq!(queries(&transport), ["", "token=c1", "token=c2", "token=c3"]);
        assert_eq!(transport.remaining(), 1, "a page without `result` has no items and no token: the end");
    }

    #[tokio::test]
    async fn a_nested_sparse_map_keeps_null_values() {
        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"page": {"labels": {"k": "v", "n": null}, "nextToken": "p1"}}"#)
            .respond(200, r#"{"page": {"labels": {"z": "w"}, "nextToken": "p1"}}"#)
            .respond(200, r#"{"page": {"labels": {"never": "read"}}}"#);
        let items = client(&transport).list_labels().into_paginator().items().collect_items().await.unwrap();
        let owned = |k: &str, v: Option<&str>| (k.to_owned(), v.map(str::to_owned));
        assert_eq!(sorted(items[..2].to_vec()), [owned("k", Some("v")), owned("n", None)]);
        assert_eq!(items[2..], [owned("z", Some("w"))], "a repeated token ends the pages");
        assert_eq!(queries(&transport), ["", "token=p1"]);
        assert_eq!(transport.remaining(), 1);
    }

    #[tokio::test]
    async fn a_path_through_a_recursive_structure() {
        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"root": {"token": "not this", "names": ["not these"], "next": {"token": "n1", "names": ["a", "b"]}}}"#)
            .respond(200, r#"{"root": {"next": {"token": "n2", "names": [], "next": {"names": ["deeper"]}}}}"#)
            .respond(200, r#"{"root": {"token": "not this", "names": ["c"]}}"#)
            .respond(200, r#"{"root": {"next": {"names": ["never read"]}}}"#);
        let items = client(&transport).list_nodes().into_paginator().items().collect_items().await.unwrap();
        assert_eq!(items, ["a", "b"], "the items of `root.next` only; a page without `root.next` has none and no token");
        assert_eq!(queries(&transport), ["", "token=n1", "token=n2"]);
        assert_eq!(transport.remaining(), 1);
    }

    #[tokio::test]
    async fn a_missing_required_step_ends_the_pages_and_a_malformed_one_is_an_error() {
        // A required member the response lacks is filled in (Smithy's error
        // correction): an empty cursor, hence no token.
        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"result": {"shelves": [{"name": "s1"}], "cursor": {"next": "c1"}}}"#)
            .respond(200, r#"{"result": {"shelves": [{"name": "s2"}]}}"#)
            .respond(200, r#"{"result": {"shelves": [], "cursor": {}}}"#);
        let shelves = client(&transport).list_shelves().into_paginator().items().collect_items().await.unwrap();
        assert_eq!(shelves.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["s1", "s2"]);
        assert_eq!(transport.remaining(), 1);

        let transport = TestTransport::new();
        transport
            .respond(200, r#"{"result": {"shelves": [{"name": "s1"}], "cursor": {"next": "c1"}}}"#)
            .respond(200, r#"{"result": {"shelves": [{"name": "s2"}], "cursor": "c2"}}"#)
            .respond(200, r#"{"result": {"shelves": [], "cursor": {}}}"#);
        let mut items = client(&transport).list_shelves().into_paginator().items();
        assert_eq!(items.next().await.unwrap().unwrap().name, "s1");
        let error = items.next().await.unwrap().unwrap_err();
        let cause = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
        assert!(cause.contains("expected a JSON object for Cursor"), "{error:?}");
        assert!(items.next().await.is_none(), "an error ends the items");
        assert_eq!(transport.remaining(), 1);
    }

    #[test]
    fn the_page_stream_is_a_futures_stream() {
        fn assert_stream<S: futures_core::Stream>(_: &S) {}
        let transport = TestTransport::new();
        let stream = client(&transport).list_things().into_paginator().send();
        assert_stream(&stream);
    }
}
