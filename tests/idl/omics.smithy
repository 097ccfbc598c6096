$version: "2.0"

// Amazon Omics, converted by hand from model/omics.json: the same model in
// the IDL, written the way a person would write it (documentation comments,
// relative shape ids, `use` statements, an `apply`, a text block).

namespace com.amazonaws.omics

use aws.api#service
use aws.auth#sigv4
use aws.protocols#restJson1
use smithy.rules#endpointRuleSet
use smithy.waiters#waitable

/// <p>The caller is not allowed to perform this action.</p>
@error("client")
@httpError(403)
structure AccessDeniedException {
    @required
    message: String
}

/// <p>Returns the details of a reference import job: its status, its role, when it was created and completed, and the state of each of its source files.</p>
@endpoint(hostPrefix: "control-storage-")
@http(method: "GET", uri: "/referencestore/{referenceStoreId}/importjob/{id}")
@readonly
@waitable({
    ReferenceImportJobCompleted: {
        documentation: "Waits until the reference import job has finished successfully; fails when it is cancelled, failed, or completed with failures."
        minDelay: 30
        maxDelay: 600
        acceptors: [
            {
                state: "success"
                matcher: {
                    output: {
                        path: "status"
                        expected: "COMPLETED"
                        comparator: "stringEquals"
                    }
                }
            }
            {
                state: "retry"
                matcher: {
                    output: {
                        path: "status"
                        expected: "SUBMITTED"
                        comparator: "stringEquals"
                    }
                }
            }
            {
                state: "retry"
                matcher: {
                    output: {
                        path: "status"
                        expected: "IN_PROGRESS"
                        comparator: "stringEquals"
                    }
                }
            }
            {
                state: "retry"
                matcher: {
                    output: {
                        path: "status"
                        expected: "CANCELLING"
                        comparator: "stringEquals"
                    }
                }
            }
            {
                state: "failure"
                matcher: {
                    output: {
                        path: "status"
                        expected: "CANCELLED"
                        comparator: "stringEquals"
                    }
                }
            }
            {
                state: "failure"
                matcher: {
                    output: {
                        path: "status"
                        expected: "FAILED"
                        comparator: "stringEquals"
                    }
                }
            }
            {
                state: "failure"
                matcher: {
                    output: {
                        path: "status"
                        expected: "COMPLETED_WITH_FAILURES"
                        comparator: "stringEquals"
                    }
                }
            }
        ]
    }
})
operation GetReferenceImportJob {
    input: GetReferenceImportJobRequest
    output: GetReferenceImportJobResponse
    errors: [
        AccessDeniedException
        InternalServerException
        RequestTimeoutException
        ResourceNotFoundException
        ThrottlingException
        ValidationException
    ]
}

@input
structure GetReferenceImportJobRequest {
    /// <p>The identifier of the import job.</p>
    @httpLabel
    @required
    id: ImportJobId

    /// <p>The identifier of the reference store that the job imports into.</p>
    @httpLabel
    @required
    referenceStoreId: ReferenceStoreId
}

@output
structure GetReferenceImportJobResponse {
    /// <p>The identifier of the import job.</p>
    @required
    id: ImportJobId

    /// <p>The identifier of the reference store that the job imports into.</p>
    @required
    referenceStoreId: ReferenceStoreId

    /// <p>The ARN of the IAM role that the service assumes to read the source files.</p>
    @required
    roleArn: RoleArn

    /// <p>Where the job stands, for example <code>IN_PROGRESS</code> or <code>COMPLETED</code>.</p>
    @required
    status: ReferenceImportJobStatus

    /// <p>A human-readable explanation of the job's status.</p>
    statusMessage: JobStatusMessage

    /// <p>The time at which the job was created.</p>
    @required
    @timestampFormat("date-time")
    creationTime: Timestamp

    /// <p>The time at which the job finished, if it has.</p>
    @timestampFormat("date-time")
    completionTime: Timestamp

    /// <p>One entry per source file of the job, each with its own status.</p>
    @required
    sources: ImportReferenceSourceList
}

/// <p>The identifier of an import job.</p>
@length(min: 10, max: 36)
@pattern("^[0-9]+$")
string ImportJobId

/// <p>One source file of a reference import job, and what became of it.</p>
structure ImportReferenceSourceItem {
    /// <p>The Amazon S3 URI of the source file (<code>s3://bucket/key</code>).</p>
    sourceFile: S3Uri

    /// <p>The import status of this source file.</p>
    @required
    status: ReferenceImportJobItemStatus

    /// <p>A human-readable explanation of this source's status.</p>
    statusMessage: JobStatusMessage

    /// <p>The name given to the reference created from this source.</p>
    name: ReferenceName

    /// <p>The description given to the reference created from this source.</p>
    description: ReferenceDescription

    /// <p>The tags attached to the reference created from this source.</p>
    tags: TagMap

    /// <p>The identifier of the reference created from this source.</p>
    referenceId: ReferenceId
}

/// <p>The source files of a reference import job.</p>
list ImportReferenceSourceList {
    member: ImportReferenceSourceItem
}

/// <p>The service failed unexpectedly; the request can be retried.</p>
@error("server")
@httpError(500)
@retryable
structure InternalServerException {
    @required
    message: String
}

/// <p>A human-readable status message.</p>
@length(min: 1, max: 127)
@pattern("^[\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+$")
string JobStatusMessage

@documentation("""
    <p>Amazon Omics (AWS HealthOmics) stores, queries and analyzes genomic and other \
    biological data. This model holds the part of the service that this project generates.</p>""")
@service(sdkId: "Omics", arnNamespace: "omics", cloudTrailEventSource: "omics.amazonaws.com")
@sigv4(name: "omics")
@restJson1
@title("Amazon Omics")
@endpointRuleSet({
    version: "1.0"
    parameters: {
        Region: {
            builtIn: "AWS::Region"
            required: false
            documentation: "The AWS region used to dispatch the request."
            type: "String"
        }
        UseDualStack: {
            builtIn: "AWS::UseDualStack"
            required: true
            default: false
            documentation: "When true, use the dual-stack endpoint. If the configured endpoint does not support dual-stack, dispatching the request MAY return an error."
            type: "Boolean"
        }
        UseFIPS: {
            builtIn: "AWS::UseFIPS"
            required: true
            default: false
            documentation: "When true, send this request to the FIPS-compliant regional endpoint. If the configured endpoint does not have a FIPS compliant endpoint, dispatching the request will return an error."
            type: "Boolean"
        }
        Endpoint: {
            builtIn: "SDK::Endpoint"
            required: false
            documentation: "Override the endpoint used to send this request"
            type: "String"
        }
    }
    rules: [
        {
            conditions: [
                {
                    fn: "isSet"
                    argv: [
                        {
                            ref: "Endpoint"
                        }
                    ]
                }
            ]
            rules: [
                {
                    conditions: [
                        {
                            fn: "booleanEquals"
                            argv: [
                                {
                                    ref: "UseFIPS"
                                }
                                true
                            ]
                        }
                    ]
                    error: "Invalid Configuration: FIPS and custom endpoint are not supported"
                    type: "error"
                }
                {
                    conditions: []
                    rules: [
                        {
                            conditions: [
                                {
                                    fn: "booleanEquals"
                                    argv: [
                                        {
                                            ref: "UseDualStack"
                                        }
                                        true
                                    ]
                                }
                            ]
                            error: "Invalid Configuration: Dualstack and custom endpoint are not supported"
                            type: "error"
                        }
                        {
                            conditions: []
                            endpoint: {
                                url: {
                                    ref: "Endpoint"
                                }
                                properties: {}
                                headers: {}
                            }
                            type: "endpoint"
                        }
                    ]
                    type: "tree"
                }
            ]
            type: "tree"
        }
        {
            conditions: []
            rules: [
                {
                    conditions: [
                        {
                            fn: "isSet"
                            argv: [
                                {
                                    ref: "Region"
                                }
                            ]
                        }
                    ]
                    rules: [
                        {
                            conditions: [
                                {
                                    fn: "aws.partition"
                                    argv: [
                                        {
                                            ref: "Region"
                                        }
                                    ]
                                    assign: "PartitionResult"
                                }
                            ]
                            rules: [
                                {
                                    conditions: [
                                        {
                                            fn: "booleanEquals"
                                            argv: [
                                                {
                                                    ref: "UseFIPS"
                                                }
                                                true
                                            ]
                                        }
                                        {
                                            fn: "booleanEquals"
                                            argv: [
                                                {
                                                    ref: "UseDualStack"
                                                }
                                                true
                                            ]
                                        }
                                    ]
                                    rules: [
                                        {
                                            conditions: [
                                                {
                                                    fn: "booleanEquals"
                                                    argv: [
                                                        true
                                                        {
                                                            fn: "getAttr"
                                                            argv: [
                                                                {
                                                                    ref: "PartitionResult"
                                                                }
                                                                "supportsFIPS"
                                                            ]
                                                        }
                                                    ]
                                                }
                                                {
                                                    fn: "booleanEquals"
                                                    argv: [
                                                        true
                                                        {
                                                            fn: "getAttr"
                                                            argv: [
                                                                {
                                                                    ref: "PartitionResult"
                                                                }
                                                                "supportsDualStack"
                                                            ]
                                                        }
                                                    ]
                                                }
                                            ]
                                            rules: [
                                                {
                                                    conditions: []
                                                    rules: [
                                                        {
                                                            conditions: []
                                                            endpoint: {
                                                                url: "https://omics-fips.{Region}.{PartitionResult#dualStackDnsSuffix}"
                                                                properties: {}
                                                                headers: {}
                                                            }
                                                            type: "endpoint"
                                                        }
                                                    ]
                                                    type: "tree"
                                                }
                                            ]
                                            type: "tree"
                                        }
                                        {
                                            conditions: []
                                            error: "FIPS and DualStack are enabled, but this partition does not support one or both"
                                            type: "error"
                                        }
                                    ]
                                    type: "tree"
                                }
                                {
                                    conditions: [
                                        {
                                            fn: "booleanEquals"
                                            argv: [
                                                {
                                                    ref: "UseFIPS"
                                                }
                                                true
                                            ]
                                        }
                                    ]
                                    rules: [
                                        {
                                            conditions: [
                                                {
                                                    fn: "booleanEquals"
                                                    argv: [
                                                        {
                                                            fn: "getAttr"
                                                            argv: [
                                                                {
                                                                    ref: "PartitionResult"
                                                                }
                                                                "supportsFIPS"
                                                            ]
                                                        }
                                                        true
                                                    ]
                                                }
                                            ]
                                            rules: [
                                                {
                                                    conditions: []
                                                    rules: [
                                                        {
                                                            conditions: []
                                                            endpoint: {
                                                                url: "https://omics-fips.{Region}.{PartitionResult#dnsSuffix}"
                                                                properties: {}
                                                                headers: {}
                                                            }
                                                            type: "endpoint"
                                                        }
                                                    ]
                                                    type: "tree"
                                                }
                                            ]
                                            type: "tree"
                                        }
                                        {
                                            conditions: []
                                            error: "FIPS is enabled but this partition does not support FIPS"
                                            type: "error"
                                        }
                                    ]
                                    type: "tree"
                                }
                                {
                                    conditions: [
                                        {
                                            fn: "booleanEquals"
                                            argv: [
                                                {
                                                    ref: "UseDualStack"
                                                }
                                                true
                                            ]
                                        }
                                    ]
                                    rules: [
                                        {
                                            conditions: [
                                                {
                                                    fn: "booleanEquals"
                                                    argv: [
                                                        true
                                                        {
                                                            fn: "getAttr"
                                                            argv: [
                                                                {
                                                                    ref: "PartitionResult"
                                                                }
                                                                "supportsDualStack"
                                                            ]
                                                        }
                                                    ]
                                                }
                                            ]
                                            rules: [
                                                {
                                                    conditions: []
                                                    rules: [
                                                        {
                                                            conditions: []
                                                            endpoint: {
                                                                url: "https://omics.{Region}.{PartitionResult#dualStackDnsSuffix}"
                                                                properties: {}
                                                                headers: {}
                                                            }
                                                            type: "endpoint"
                                                        }
                                                    ]
                                                    type: "tree"
                                                }
                                            ]
                                            type: "tree"
                                        }
                                        {
                                            conditions: []
                                            error: "DualStack is enabled but this partition does not support DualStack"
                                            type: "error"
                                        }
                                    ]
                                    type: "tree"
                                }
                                {
                                    conditions: []
                                    rules: [
                                        {
                                            conditions: []
                                            endpoint: {
                                                url: "https://omics.{Region}.{PartitionResult#dnsSuffix}"
                                                properties: {}
                                                headers: {}
                                            }
                                            type: "endpoint"
                                        }
                                    ]
                                    type: "tree"
                                }
                            ]
                            type: "tree"
                        }
                    ]
                    type: "tree"
                }
                {
                    conditions: []
                    error: "Invalid Configuration: Missing Region"
                    type: "error"
                }
            ]
            type: "tree"
        }
    ]
})
service Omics {
    version: "2022-11-28"
    operations: [GetReferenceImportJob]
}

/// <p>The description of a reference.</p>
@length(min: 1, max: 255)
@pattern("^[\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+$")
string ReferenceDescription

/// <p>The identifier of a reference.</p>
@length(min: 10, max: 36)
@pattern("^[0-9]+$")
string ReferenceId

/// <p>The status of one source file within a reference import job.</p>
@enum([
    {
        value: "NOT_STARTED"
        name: "NOT_STARTED"
        documentation: "Work has not started yet."
    }
    {
        value: "IN_PROGRESS"
        name: "IN_PROGRESS"
        documentation: "Work is under way."
    }
    {
        value: "FINISHED"
        name: "FINISHED"
        documentation: "The source was imported."
    }
    {
        value: "FAILED"
        name: "FAILED"
        documentation: "The work failed."
    }
])
string ReferenceImportJobItemStatus

/// <p>The status of a reference import job.</p>
@enum([
    {
        value: "SUBMITTED"
        name: "SUBMITTED"
        documentation: "The job was accepted and waits to start."
    }
    {
        value: "IN_PROGRESS"
        name: "IN_PROGRESS"
        documentation: "Work is under way."
    }
    {
        value: "CANCELLING"
        name: "CANCELLING"
        documentation: "The job is being cancelled."
    }
    {
        value: "CANCELLED"
        name: "CANCELLED"
        documentation: "The job was cancelled."
    }
    {
        value: "FAILED"
        name: "FAILED"
        documentation: "The work failed."
    }
    {
        value: "COMPLETED"
        name: "COMPLETED"
        documentation: "The work finished successfully."
    }
    {
        value: "COMPLETED_WITH_FAILURES"
        name: "COMPLETED_WITH_FAILURES"
        documentation: "The job finished, but some sources failed."
    }
])
string ReferenceImportJobStatus

/// <p>The name of a reference.</p>
@length(min: 3, max: 255)
@pattern("^[\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+$")
string ReferenceName

/// <p>The identifier of a reference store.</p>
@length(min: 10, max: 36)
@pattern("^[0-9]+$")
string ReferenceStoreId

/// <p>The request took too long to complete.</p>
@smithy.api#error("client")
structure RequestTimeoutException {
    message: smithy.api#String
}

apply RequestTimeoutException @httpError(408)

apply RequestTimeoutException$message @required

/// <p>The requested resource does not exist in this Region.</p>
@error("client")
@httpError(404)
structure ResourceNotFoundException {
    @required
    message: String
}

/// <p>The ARN of an IAM role.</p>
@length(min: 20, max: 2048)
@pattern("^arn:.*")
string RoleArn

/// <p>An Amazon S3 URI.</p>
@pattern("^s3://([a-z0-9][a-z0-9-.]{1,61}[a-z0-9])/(.{1,1024})$")
string S3Uri

/// <p>A tag key.</p>
@length(min: 1, max: 128)
string TagKey

/// <p>Tags as key-value pairs.</p>
map TagMap {
    key: TagKey
    value: TagValue
}

/// <p>A tag value.</p>
@length(
    min: 0
    max: 256
)
string TagValue

/// <p>The request was throttled; retry it after a delay.</p>
@error("client")
@httpError(429)
@retryable(throttling: true)
structure ThrottlingException {
    @required
    message: String
}

/// <p>The input did not satisfy the constraints of the service.</p>
@error("client")
@httpError(400)
structure ValidationException {
    @required
    message: String
}
