//! The generated Omics types, exercised through their public API on real
//! response JSON (the shape the service sends for GetReferenceImportJob).

use omics::operation::get_reference_import_job::{GetReferenceImportJobInput, GetReferenceImportJobOutput};
use omics::time::{Duration, OffsetDateTime};
use omics::types::{ReferenceImportJobItemStatus, ReferenceImportJobStatus};

const RESPONSE: &str = r#"{
    "id": "0123456789",
    "referenceStoreId": "1234567890",
    "roleArn": "arn:aws:iam::123456789012:role/OmicsImport",
    "status": "COMPLETED_WITH_FAILURES",
    "statusMessage": "1 of 2 sources failed",
    "creationTime": "2024-03-01T12:30:45.123Z",
    "completionTime": "2024-03-01T14:30:45+02:00",
    "sources": [
        {
            "sourceFile": "s3://my-bucket/refs/hg38.fa",
            "status": "FINISHED",
            "name": "hg38",
            "description": "GRCh38",
            "tags": {"project": "atlas", "owner": "lab-7"},
            "referenceId": "9876543210"
        },
        {
            "sourceFile": "s3://my-bucket/refs/broken.fa",
            "status": "FAILED",
            "statusMessage": "invalid FASTA",
            "name": null,
            "futureField": {"nested": [1, 2, 3]}
        }
    ],
    "someNewTopLevelField": true
}"#;

fn utc(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &omics::time::format_description::well_known::Rfc3339).unwrap()
}

#[test]
fn parses_a_full_response() {
    let out: GetReferenceImportJobOutput = omics::primitives::from_json(RESPONSE).unwrap();
    assert_eq!(out.id, "0123456789");
    assert_eq!(out.reference_store_id, "1234567890");
    assert_eq!(out.role_arn, "arn:aws:iam::123456789012:role/OmicsImport");
    assert_eq!(out.status, ReferenceImportJobStatus::CompletedWithFailures);
    assert_eq!(out.status_message.as_deref(), Some("1 of 2 sources failed"));
    assert_eq!(out.creation_time, utc("2024-03-01T12:30:45.123Z"));
    assert_eq!(out.creation_time.millisecond(), 123);
    // The offset is honoured: 14:30 at +02:00 is 12:30 UTC.
    assert_eq!(out.completion_time, Some(utc("2024-03-01T12:30:45Z")));
    assert_eq!(out.completion_time.unwrap() - out.creation_time, Duration::milliseconds(-123));

    assert_eq!(out.sources.len(), 2);
    let first = &out.sources[0];
    assert_eq!(first.source_file.as_deref(), Some("s3://my-bucket/refs/hg38.fa"));
    assert_eq!(first.status, ReferenceImportJobItemStatus::Finished);
    assert_eq!(first.tags.as_ref().unwrap()["project"], "atlas");
    assert_eq!(first.tags.as_ref().unwrap().len(), 2);
    assert_eq!(first.reference_id.as_deref(), Some("9876543210"));
    let second = &out.sources[1];
    assert_eq!(second.status, ReferenceImportJobItemStatus::Failed);
    assert_eq!(second.name, None, "null reads as absent");
    assert_eq!(second.tags, None);
}

#[test]
fn unknown_enum_values_are_kept() {
    let json = RESPONSE.replace("COMPLETED_WITH_FAILURES", "PAUSED_FOR_LUNCH");
    let out: GetReferenceImportJobOutput = omics::primitives::from_json(&json).unwrap();
    assert!(matches!(out.status, ReferenceImportJobStatus::Unknown(_)));
    assert_eq!(out.status.as_str(), "PAUSED_FOR_LUNCH");
    assert_eq!(out.status.to_string(), "PAUSED_FOR_LUNCH");
    assert_eq!(ReferenceImportJobStatus::from("PAUSED_FOR_LUNCH"), out.status);
}

#[test]
fn missing_or_null_required_members_are_corrected_not_fatal() {
    // Smithy's client error correction: a server that omits a required member
    // must not make the whole response unreadable.
    let out: GetReferenceImportJobOutput =
        omics::primitives::from_json(r#"{"id": "0123456789", "roleArn": null, "sources": null}"#).unwrap();
    assert_eq!(out.id, "0123456789");
    assert_eq!(out.role_arn, "");
    assert!(out.sources.is_empty());
    assert_eq!(out.creation_time, OffsetDateTime::UNIX_EPOCH);
    assert_eq!(out.status.as_str(), "");
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    for bad in [
        r#"{"id": 5}"#,
        r#"{"creationTime": "not a date"}"#,
        // (Epoch seconds where the model says date-time are read, as
        // botocore reads them: not malformed.)
        r#"{"creationTime": true}"#,
        r#"{"creationTime": "2023-11-14"}"#,
        r#"{"sources": {"a": 1}}"#,
        r#"{"status": 3}"#,
        r#"{"id": "x""#,
        "[]",
        "",
    ] {
        let result = omics::primitives::from_json::<GetReferenceImportJobOutput>(bad);
        assert!(result.is_err(), "{bad} parsed: {result:?}");
    }
}

#[test]
fn enum_conversions() {
    use std::str::FromStr;
    assert_eq!(ReferenceImportJobStatus::from("IN_PROGRESS"), ReferenceImportJobStatus::InProgress);
    assert_eq!(ReferenceImportJobStatus::from_str("CANCELLED"), Ok(ReferenceImportJobStatus::Cancelled));
    assert_eq!("SUBMITTED".parse::<ReferenceImportJobStatus>(), Ok(ReferenceImportJobStatus::Submitted));
    assert_eq!(ReferenceImportJobStatus::CompletedWithFailures.as_str(), "COMPLETED_WITH_FAILURES");
    assert_eq!(ReferenceImportJobStatus::Completed.to_string(), "COMPLETED");
    assert_eq!(
        ReferenceImportJobStatus::values(),
        &["SUBMITTED", "IN_PROGRESS", "CANCELLING", "CANCELLED", "FAILED", "COMPLETED", "COMPLETED_WITH_FAILURES"]
    );
    assert_eq!(ReferenceImportJobItemStatus::values(), &["NOT_STARTED", "IN_PROGRESS", "FINISHED", "FAILED"]);
    for value in ReferenceImportJobStatus::values() {
        assert_eq!(ReferenceImportJobStatus::from(*value).as_str(), *value);
        assert!(!matches!(ReferenceImportJobStatus::from(*value), ReferenceImportJobStatus::Unknown(_)));
    }
    // Matching is exact: other casings are unknown values, kept as given.
    let lower = ReferenceImportJobStatus::from("completed");
    assert!(matches!(lower, ReferenceImportJobStatus::Unknown(_)));
    assert_eq!(lower.as_str(), "completed");
}

#[test]
fn input_builder_reports_the_missing_member() {
    let err = GetReferenceImportJobInput::builder().reference_store_id("1234567890").build().unwrap_err();
    assert_eq!(err.member(), "id");
    assert_eq!(err.field(), "id");
    assert!(err.to_string().contains("`id`"), "{err}");
    let err = GetReferenceImportJobInput::builder().id("0123456789").build().unwrap_err();
    assert_eq!(err.member(), "referenceStoreId");
    assert_eq!(err.field(), "reference_store_id");
    assert_eq!(
        err.to_string(),
        "cannot build `GetReferenceImportJobInput`: the required member `referenceStoreId` is not set \
         (call `.reference_store_id(...)` on the builder)"
    );
    let input =
        GetReferenceImportJobInput::builder().id("0123456789").reference_store_id("1234567890").build().unwrap();
    assert_eq!(input.id.as_deref(), Some("0123456789"));
    assert_eq!(input.reference_store_id.as_deref(), Some("1234567890"));
    // Both members travel in the URI, so the JSON body is empty.
    assert_eq!(omics::primitives::to_json(&input).unwrap(), "{}");
}

#[test]
fn output_builder_for_mocks() {
    let out = GetReferenceImportJobOutput::builder()
        .id("0123456789")
        .reference_store_id("1234567890")
        .role_arn("arn:aws:iam::123456789012:role/R")
        .status("COMPLETED")
        .creation_time(OffsetDateTime::UNIX_EPOCH)
        .sources(vec![omics::types::ImportReferenceSourceItem::builder()
            .status(ReferenceImportJobItemStatus::Finished)
            .build()
            .unwrap()])
        .build()
        .unwrap();
    assert_eq!(out.status, ReferenceImportJobStatus::Completed);
    assert_eq!(out.sources[0].status, ReferenceImportJobItemStatus::Finished);
    assert_eq!(out.completion_time, None);
    let err = GetReferenceImportJobOutput::builder().id("x").build().unwrap_err();
    assert_eq!(err.member(), "referenceStoreId");
}

#[test]
fn errors_display_code_and_message() {
    let json = r#"{"message": "Rate exceeded", "Extra": 1}"#;
    let e: omics::error::ThrottlingException = omics::primitives::from_json(json).unwrap();
    assert_eq!(e.to_string(), "ThrottlingException: Rate exceeded");
    use omics::error::{AccessDeniedException, InternalServerException, ThrottlingException, ValidationException};
    let flags = |retryable, throttling, server, status| (retryable, throttling, server, status);
    assert_eq!(
        flags(
            ThrottlingException::RETRYABLE,
            ThrottlingException::THROTTLING,
            ThrottlingException::IS_SERVER_FAULT,
            ThrottlingException::HTTP_STATUS
        ),
        (true, true, false, Some(429))
    );
    assert_eq!(
        flags(
            InternalServerException::RETRYABLE,
            InternalServerException::THROTTLING,
            InternalServerException::IS_SERVER_FAULT,
            InternalServerException::HTTP_STATUS
        ),
        (true, false, true, Some(500))
    );
    assert_eq!(
        flags(
            ValidationException::RETRYABLE,
            ValidationException::THROTTLING,
            ValidationException::IS_SERVER_FAULT,
            ValidationException::HTTP_STATUS
        ),
        (false, false, false, Some(400))
    );
    assert_eq!(AccessDeniedException::HTTP_STATUS, Some(403));
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("Rate exceeded"));
}
