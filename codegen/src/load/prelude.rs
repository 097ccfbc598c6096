//! The shapes of the Smithy prelude (`smithy.api`) that models target.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use crate::model::{Model, Shape, ShapeId, ShapeKind, Simple, Traits};

/// The name of every shape of the prelude (`smithy.api`): simple types,
/// `Unit`, the trait definitions and their helper shapes. A relative shape
/// id that names none of the model's own shapes resolves here.
const PRELUDE_SHAPES: &[&str] = &[
    "String", "Blob", "BigInteger", "BigDecimal", "Timestamp", "Document", "Boolean", "Byte", "Short", "Integer",
    "Long", "Float", "Double", "PrimitiveBoolean", "PrimitiveByte", "PrimitiveShort", "PrimitiveInteger",
    "PrimitiveLong", "PrimitiveFloat", "PrimitiveDouble", "Unit", "trait", "TraitDiffRules", "TraitDiffRule",
    "TraitChangeType", "Severity", "StructurallyExclusive", "deprecated", "box", "documentation",
    "externalDocumentation", "auth", "AuthTraitReference", "protocolDefinition", "TraitShapeIdList", "TraitShapeId",
    "authDefinition", "httpBasicAuth", "httpDigestAuth", "httpBearerAuth", "httpApiKeyAuth", "traitValidators",
    "TraitValidator", "metadata", "ShapeClosures", "ShapeClosure", "ClosureId", "Namespaces", "Renames", "CommonMark",
    "Identifier", "default", "addedDefault", "clientOptional", "HttpApiKeyLocations", "optionalAuth", "examples",
    "Example", "ExampleError", "error", "retryable", "readonly", "idempotent", "IdempotentErrors",
    "idempotencyToken", "internal", "jsonName", "xmlAttribute", "xmlFlattened", "xmlName", "xmlNamespace",
    "NonEmptyString", "noReplace", "mediaType", "references", "Reference", "NonEmptyStringMap",
    "resourceIdentifier", "private", "sensitive", "since", "streaming", "requiresLength", "longPoll", "tags", "title",
    "enum", "EnumDefinition", "EnumConstantBodyName", "enumValue", "length", "range", "pattern", "required",
    "property", "notProperty", "nestedProperties", "recommended", "sparse", "uniqueItems", "unstable", "paginated",
    "http", "httpLabel", "httpQuery", "httpQueryParams", "httpHeader", "httpPrefixHeaders", "httpPayload",
    "httpError", "httpResponseCode", "cors", "NonEmptyStringList", "eventPayload", "eventHeader", "idRef",
    "timestampFormat", "endpoint", "hostLabel", "suppress", "httpChecksumRequired", "input", "output", "unitType",
    "mixin", "LocalMixinTraitList", "LocalMixinTrait", "RequestCompressionEncodingsList", "requestCompression",
];

/// Whether `smithy.api#{name}` is a prelude shape.
pub fn is_prelude_shape(name: &str) -> bool {
    PRELUDE_SHAPES.contains(&name)
}

/// The file name that marks the built-in prelude shapes.
pub const PRELUDE_SOURCE: &str = "<prelude>";

/// Adds the prelude's simple shapes, their `Primitive*` forms and `Unit`.
pub fn add_to(model: &mut Model) {
    let source = Arc::new(PathBuf::from(PRELUDE_SOURCE));
    let plain = [
        ("String", Simple::String),
        ("Blob", Simple::Blob),
        ("BigInteger", Simple::BigInteger),
        ("BigDecimal", Simple::BigDecimal),
        ("Timestamp", Simple::Timestamp),
        ("Document", Simple::Document),
        ("Boolean", Simple::Boolean),
        ("Byte", Simple::Byte),
        ("Short", Simple::Short),
        ("Integer", Simple::Integer),
        ("Long", Simple::Long),
        ("Float", Simple::Float),
        ("Double", Simple::Double),
    ];
    let primitive = [
        ("PrimitiveBoolean", Simple::Boolean, json!(false)),
        ("PrimitiveByte", Simple::Byte, json!(0)),
        ("PrimitiveShort", Simple::Short, json!(0)),
        ("PrimitiveInteger", Simple::Integer, json!(0)),
        ("PrimitiveLong", Simple::Long, json!(0)),
        ("PrimitiveFloat", Simple::Float, json!(0)),
        ("PrimitiveDouble", Simple::Double, json!(0)),
    ];
    let id = |name: &str| ShapeId { namespace: "smithy.api".into(), name: name.into(), member: None };
    for (name, simple) in plain {
        model.shapes.insert(
            id(name),
            Shape { id: id(name), kind: ShapeKind::Simple(simple), traits: Traits::default(), source: source.clone() },
        );
    }
    for (name, simple, default) in primitive {
        let mut traits = Traits::default();
        traits.0.insert(crate::model::traits::DEFAULT.into(), default);
        model.shapes.insert(id(name), Shape { id: id(name), kind: ShapeKind::Simple(simple), traits, source: source.clone() });
    }
    let mut unit = Traits::default();
    unit.0.insert(crate::model::traits::UNIT_TYPE.into(), json!({}));
    model.shapes.insert(id("Unit"), Shape { id: id("Unit"), kind: ShapeKind::Structure(Vec::new()), traits: unit, source });
}
