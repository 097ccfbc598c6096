//! The emitters on a small inline model: one item of a generated file each,
//! pinned by an inline snapshot, so that a change to an emitter is reviewed
//! here, where it happens, as well as in the committed crates.

use std::collections::BTreeMap;
use std::path::Path;

const MODEL: &str = r#"$version: "2"
namespace test

use aws.protocols#restJson1

@restJson1
service Svc { version: "1", operations: [PutThing] }

@http(method: "POST", uri: "/things")
operation PutThing {
    input := {
        @required @jsonName("Renamed") nick: String
        node: Node
    }
    output := {
        @required name: String
        color: Color
    }
}

structure Node {
    next: Node
    value: String
}

@enum([{ value: "in-progress" }, { value: "UNKNOWN" }, { value: "self" }])
string Color
"#;

fn generate() -> BTreeMap<String, String> {
    let model = codegen::load::load_str(MODEL, Path::new("test.smithy")).expect("the model loads");
    codegen::generate_from_model(&model, &codegen::Options::default()).expect("the model generates")
}

/// The item of `text` that starts on the line beginning with `start`
/// (after indentation), up to its closing brace at the same indentation,
/// without that indentation.
fn item(text: &str, start: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?} in:\n{text}"));
    let indent = &lines[first][..lines[first].len() - lines[first].trim_start().len()];
    let close = format!("{indent}}}");
    let last = (first + 1..lines.len()).find(|&i| lines[i].starts_with(&close)).expect("the item closes");
    lines[first..=last].iter().map(|l| l.strip_prefix(indent).unwrap_or(l)).collect::<Vec<_>>().join("\n")
}

#[test]
fn enum_variants_and_their_wire_values() {
    let types = &generate()["src/types/color.rs"];
    insta::assert_snapshot!(item(types, "pub enum Color {"), @r"
    pub enum Color {
        /// The value `in-progress`.
        InProgress,
        /// The value `UNKNOWN`.
        UnknownValue,
        /// The value `self`.
        Self_,
        /// A value this version of the crate does not know, kept as received.
        Unknown(crate::primitives::UnknownValue),
    }
    ");
    insta::assert_snapshot!(item(types, "impl From<&str> for Color {"), @r#"
    impl From<&str> for Color {
        fn from(value: &str) -> Self {
            match value {
                "in-progress" => Self::InProgress,
                "UNKNOWN" => Self::UnknownValue,
                "self" => Self::Self_,
                other => Self::Unknown(crate::primitives::UnknownValue::new(other)),
            }
        }
    }
    "#);
}

#[test]
fn a_recursive_structure_boxes_its_member_and_its_builder_boxes_on_build() {
    let types = &generate()["src/types/node.rs"];
    insta::assert_snapshot!(item(types, "pub struct Node {"), @r"
    pub struct Node {
        /// The `next` member.
        pub next: Option<Box<crate::types::Node>>,
        /// The `value` member.
        pub value: Option<String>,
    }
    ");
    insta::assert_snapshot!(item(types, "pub fn build(self) -> super::Node {"), @r"
    pub fn build(self) -> super::Node {
        super::Node {
            next: self.next.map(Box::new),
            value: self.value,
        }
    }
    ");
}

#[test]
fn the_input_is_written_with_its_wire_names() {
    // The codec lives in the private `wire` module, apart from the types.
    let wire = &generate()["src/wire/put_thing.rs"];
    insta::assert_snapshot!(item(wire, "impl crate::json::ToJson for PutThingInput {"), @r#"
    impl crate::json::ToJson for PutThingInput {
        #[inline]
        fn write(&self, writer: &mut crate::json::Writer) {
            writer.begin_object();
            if let Some(value) = &self.nick {
                writer.key("Renamed");
                crate::json::ToJson::write(value, writer);
            }
            if let Some(value) = &self.node {
                writer.key("node");
                crate::json::ToJson::write(value, writer);
            }
            writer.end_object();
        }
    }
    "#);
}

#[test]
fn a_required_output_member_is_read_with_a_fallback() {
    let files = generate();
    let (operation, wire) = (&files["src/operation/put_thing.rs"], &files["src/wire/put_thing.rs"]);
    assert!(!operation.contains("crate::json::"), "the public module holds no codec:\n{operation}");
    insta::assert_snapshot!(item(operation, "pub struct PutThingOutput {"), @r"
    pub struct PutThingOutput {
        /// The `name` member.
        ///
        /// Required.
        pub name: String,
        /// The `color` member.
        pub color: Option<crate::types::Color>,
        pub(crate) _request_id: Option<String>,
    }
    ");
    insta::assert_snapshot!(item(wire, "Some(PutThingOutput {"), @r"
    Some(PutThingOutput {
        name: v_name.unwrap_or_else(crate::json::Fallback::fallback),
        color: v_color,
        _request_id: None,
    }),
    ");
}

const COLLECTIONS: &str = r#"$version: "2"
namespace test

use aws.protocols#restJson1

@restJson1
service Svc { version: "1", operations: [Tag] }

@http(method: "POST", uri: "/tags")
operation Tag {
    input := {
        keys: Keys
        tags: Tags
    }
}

list Keys { member: String }
map Tags { key: String, value: String }
"#;

/// A list setter takes any iterator of values convertible into its items,
/// a map setter any iterator of convertible pairs; the fluent builder
/// forwards the same parameter.
#[test]
fn collection_setters_take_iterators_of_convertible_items() {
    let model = codegen::load::load_str(COLLECTIONS, Path::new("test.smithy")).expect("the model loads");
    let files = codegen::generate_from_model(&model, &codegen::Options::default()).expect("the model generates");
    let operation = &files["src/operation/tag.rs"];
    insta::assert_snapshot!(item(operation, "pub fn keys("), @r"
    pub fn keys(
        mut self,
        input: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.keys = Some(input.into_iter().map(Into::into).collect());
        self
    }
    ");
    insta::assert_snapshot!(item(operation, "pub fn tags("), @r"
    pub fn tags(
        mut self,
        input: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> Self {
        self.tags = Some(
            input
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        );
        self
    }
    ");
    let fluent = &operation[operation.find("pub struct TagFluentBuilder").expect("the fluent builder")..];
    insta::assert_snapshot!(item(fluent, "pub fn tags("), @r"
    pub fn tags(
        mut self,
        input: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> Self {
        self.inner = self.inner.tags(input);
        self
    }
    ");
}

const GLACIER: &str = r#"$version: "2"
namespace test

use aws.api#service
use aws.protocols#restJson1

@restJson1
@service(sdkId: "Glacier")
service Glacier { version: "2012-06-01", operations: [DescribeVault] }

@readonly
@http(method: "GET", uri: "/{accountId}/vaults/{vaultName}")
operation DescribeVault {
    input := {
        @required @httpLabel accountId: String
        @required @httpLabel vaultName: String
    }
}
"#;

/// Glacier's builders fill a missing `accountId` with `-` before they
/// check the required members, as the AWS SDKs do; the docs say so.
#[test]
fn glacier_fills_a_missing_account_id_before_validation() {
    let model = codegen::load::load_str(GLACIER, Path::new("test.smithy")).expect("the model loads");
    let files = codegen::generate_from_model(&model, &codegen::Options::default()).expect("the model generates");
    let operation = &files["src/operation/describe_vault.rs"];
    insta::assert_snapshot!(item(operation, "pub fn build("), @r#"
    pub fn build(
        self,
    ) -> Result<super::DescribeVaultInput, crate::error::BuildError> {
        let Some(v_vault_name) = self.vault_name else {
            return Err(
                crate::error::BuildError::missing(
                    "DescribeVaultInput",
                    "vault_name",
                    "vaultName",
                ),
            );
        };
        Ok(super::DescribeVaultInput {
            account_id: Some(self.account_id.unwrap_or_else(|| String::from("-"))),
            vault_name: Some(v_vault_name),
        })
    }
    "#);
    let setter = operation.find("pub fn account_id(").expect("the setter");
    assert!(
        operation[..setter].ends_with("/// Left unset, it is `-`: the account of the credentials that sign the request.\n        "),
        "the setter's docs say what is sent when it is not called:\n{}",
        &operation[setter.saturating_sub(300)..setter]
    );
    assert!(!operation.contains("naming the first required member left unset (`account_id`"), "accountId is never missing");
    let example = &files["examples/describe_vault.rs"];
    assert!(example.contains("--example describe_vault -- <vaultName>\n"), "the example does not ask for the account id:\n{example}");
}

const REST_XML: &str = r#"$version: "2"
namespace test

use aws.protocols#restXml

@restXml
@xmlNamespace(uri: "https://example.com/ns")
service Svc { version: "1", operations: [PutThing] }

@http(method: "PUT", uri: "/things")
operation PutThing {
    input := {
        @xmlAttribute @xmlName("id") thingId: String
        @xmlFlattened @xmlName("Tag") tags: Tags
        @xmlNamespace(uri: "https://example.com/meta", prefix: "m") meta: Meta
    }
    output := {
        @xmlFlattened @xmlName("Tag") tags: Tags
        count: Integer
    }
}

list Tags {
    @xmlName("T")
    member: String
}

map Meta {
    @xmlName("K") key: String
    @xmlName("V") value: Integer
}
"#;

#[test]
fn rest_xml_writes_attributes_flattened_lists_namespaces_and_maps() {
    let model = codegen::load::load_str(REST_XML, Path::new("test.smithy")).expect("the model loads");
    let files = codegen::generate_from_model(&model, &codegen::Options::default()).expect("the model generates");
    let wire = &files["src/wire/put_thing.rs"];
    insta::assert_snapshot!(item(wire, "impl crate::xml::ToXml for PutThingInput {"), @r#"
    impl crate::xml::ToXml for PutThingInput {
        #[inline]
        fn write_xml(&self, writer: &mut crate::xml::Writer) {
            if let Some(value) = &self.thing_id {
                writer.attribute("id", value.as_str());
            }
            if let Some(value) = &self.tags {
                for value in value.iter() {
                    writer.start("Tag");
                    writer.text(value.as_str());
                    writer.end("Tag");
                }
            }
            if let Some(value) = &self.meta_value {
                writer.start("meta");
                writer.namespace(Some("m"), "https://example.com/meta");
                let mut entries: Vec<_> = value.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, value) in entries {
                    writer.start("entry");
                    writer.start("K");
                    writer.text(key.as_str());
                    writer.end("K");
                    writer.start("V");
                    writer.text(&value.to_string());
                    writer.end("V");
                    writer.end("entry");
                }
                writer.end("meta");
            }
        }
    }
    "#);
    insta::assert_snapshot!(item(wire, "impl crate::xml::FromXml for PutThingOutput {"), @r#"
    impl crate::xml::FromXml for PutThingOutput {
        #[inline]
        fn read_xml(element: &crate::xml::Element) -> Result<Self, crate::xml::XmlError> {
            let mut v_tags = None;
            let mut v_count = None;
            for child in element.children() {
                match child.local_name() {
                    "Tag" => {
                        v_tags.get_or_insert_with(Vec::new).push(String::from(child.text()));
                    }
                    "count" => {
                        v_count = Some(
                            crate::xml::within(child, crate::xml::integer(child.text()))?,
                        );
                    }
                    _ => {}
                }
            }
            Ok(PutThingOutput {
                tags: v_tags,
                count: v_count,
                _request_id: None,
            })
        }
    }
    "#);
    // The input is the body's root (named by its shape: the IDL's inline
    // input is `PutThingInput`), in the service's namespace.
    assert!(wire.contains(r#"writer.start("PutThingInput");"#), "{wire}");
    assert!(wire.contains(r#"writer.namespace(None, "https://example.com/ns");"#), "{wire}");
}
