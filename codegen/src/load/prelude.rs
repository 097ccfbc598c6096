//! The shapes of the Smithy prelude (`smithy.api`) that models target.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use crate::model::{Model, Shape, ShapeId, ShapeKind, Simple, Traits};

/// Adds the prelude's simple shapes, their `Primitive*` forms and `Unit`.
pub fn add_to(model: &mut Model) {
    let source = Arc::new(PathBuf::from("<prelude>"));
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
