//! Breaks recursive cycles: a field whose structure type can reach back to
//! the structure that holds it (through other structure fields, not through
//! a `Vec` or map, which already allocate) is boxed.

use std::collections::{BTreeMap, BTreeSet};

use super::{Crate, RustType, TypeDef};
use crate::model::ShapeId;

pub fn box_recursive_fields(krate: &mut Crate) {
    // Direct edges: structure -> structures it holds inline.
    let mut edges: BTreeMap<ShapeId, BTreeSet<ShapeId>> = BTreeMap::new();
    for s in krate.all_structs() {
        let targets = s.fields.iter().filter_map(|f| match &f.ty {
            RustType::Named(r) => Some(r.shape.clone()),
            _ => None,
        });
        edges.entry(s.shape.clone()).or_default().extend(targets);
    }
    let reaches = |from: &ShapeId, to: &ShapeId| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(id) = stack.pop() {
            if &id == to {
                return true;
            }
            if seen.insert(id.clone()) {
                stack.extend(edges.get(&id).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut boxed: BTreeSet<(ShapeId, String)> = BTreeSet::new();
    for s in krate.all_structs() {
        for f in &s.fields {
            if let RustType::Named(r) = &f.ty {
                if reaches(&r.shape, &s.shape) {
                    boxed.insert((s.shape.clone(), f.member.clone()));
                }
            }
        }
    }
    let apply = |s: &mut super::Struct| {
        for f in &mut s.fields {
            f.boxed = boxed.contains(&(s.shape.clone(), f.member.clone()));
        }
    };
    for t in krate.types.values_mut() {
        if let TypeDef::Struct(s) = t {
            apply(s);
        }
    }
    krate.errors.values_mut().for_each(apply);
    for op in krate.operations.values_mut() {
        apply(&mut op.input);
        apply(&mut op.output);
    }
}
