//! The AWS partitions table that backs the `aws.partition` rules-engine
//! function, written out as Rust data, plus the small region-pattern matcher
//! that the table's `regionRegex` strings need (copied verbatim into each
//! generated crate by codegen; the source lives in
//! `codegen/runtime/src/endpoint/partitions.rs`).
//!
//! A region resolves to a partition in three steps, first hit wins:
//!
//! 1. a partition that lists the region by name (its per-region overrides,
//!    if any, replace the partition's outputs field by field);
//! 2. the first partition, in table order, whose `regionRegex` matches the
//!    whole region name;
//! 3. the `aws` partition.
//!
//! The data must stay equal to the partitions table the rules engine is
//! specified against; [`PARTITIONS`] and [`VERSION`] expose every fact so a
//! test can compare them with that table field by field.

#![allow(dead_code)]

/// Version of the partitions table these facts were taken from.
pub(crate) const VERSION: &str = "1.1";

/// What `aws.partition` reports for a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Outputs {
    pub(crate) name: &'static str,
    pub(crate) dns_suffix: &'static str,
    pub(crate) dual_stack_dns_suffix: &'static str,
    pub(crate) supports_fips: bool,
    pub(crate) supports_dual_stack: bool,
    pub(crate) implicit_global_region: &'static str,
}

/// Per-region replacements for a partition's outputs; `None` keeps the
/// partition's value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct OutputOverrides {
    pub(crate) name: Option<&'static str>,
    pub(crate) dns_suffix: Option<&'static str>,
    pub(crate) dual_stack_dns_suffix: Option<&'static str>,
    pub(crate) supports_fips: Option<bool>,
    pub(crate) supports_dual_stack: Option<bool>,
    pub(crate) implicit_global_region: Option<&'static str>,
}

impl OutputOverrides {
    /// No overrides: the region uses its partition's outputs unchanged.
    pub(crate) const NONE: OutputOverrides = OutputOverrides {
        name: None,
        dns_suffix: None,
        dual_stack_dns_suffix: None,
        supports_fips: None,
        supports_dual_stack: None,
        implicit_global_region: None,
    };

    /// `outputs` with every overridden field replaced.
    pub(crate) fn apply(&self, outputs: Outputs) -> Outputs {
        Outputs {
            name: self.name.unwrap_or(outputs.name),
            dns_suffix: self.dns_suffix.unwrap_or(outputs.dns_suffix),
            dual_stack_dns_suffix: self
                .dual_stack_dns_suffix
                .unwrap_or(outputs.dual_stack_dns_suffix),
            supports_fips: self.supports_fips.unwrap_or(outputs.supports_fips),
            supports_dual_stack: self
                .supports_dual_stack
                .unwrap_or(outputs.supports_dual_stack),
            implicit_global_region: self
                .implicit_global_region
                .unwrap_or(outputs.implicit_global_region),
        }
    }
}

/// A region a partition lists by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    pub(crate) name: &'static str,
    /// Human-readable description; informational only.
    pub(crate) description: Option<&'static str>,
    pub(crate) overrides: OutputOverrides,
}

impl Region {
    /// A listed region with no description and no overrides.
    const fn plain(name: &'static str) -> Region {
        Region {
            name,
            description: None,
            overrides: OutputOverrides::NONE,
        }
    }
}

/// One partition of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Partition {
    pub(crate) id: &'static str,
    /// The pattern exactly as the table spells it; see [`region_regex_matches`].
    pub(crate) region_regex: &'static str,
    /// Listed regions, in table order.
    pub(crate) regions: &'static [Region],
    pub(crate) outputs: Outputs,
}

const AWS: Partition = Partition {
    id: "aws",
    region_regex: "^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$",
    regions: &[
        Region::plain("af-south-1"),
        Region::plain("ap-east-1"),
        Region::plain("ap-east-2"),
        Region::plain("ap-northeast-1"),
        Region::plain("ap-northeast-2"),
        Region::plain("ap-northeast-3"),
        Region::plain("ap-south-1"),
        Region::plain("ap-south-2"),
        Region::plain("ap-southeast-1"),
        Region::plain("ap-southeast-2"),
        Region::plain("ap-southeast-3"),
        Region::plain("ap-southeast-4"),
        Region::plain("ap-southeast-5"),
        Region::plain("ap-southeast-6"),
        Region::plain("ap-southeast-7"),
        Region::plain("ca-central-1"),
        Region::plain("ca-west-1"),
        Region::plain("eu-central-1"),
        Region::plain("eu-central-2"),
        Region::plain("eu-north-1"),
        Region::plain("eu-south-1"),
        Region::plain("eu-south-2"),
        Region::plain("eu-west-1"),
        Region::plain("eu-west-2"),
        Region::plain("eu-west-3"),
        Region::plain("il-central-1"),
        Region::plain("me-central-1"),
        Region::plain("me-south-1"),
        Region::plain("mx-central-1"),
        Region::plain("sa-east-1"),
        Region::plain("us-east-1"),
        Region::plain("us-east-2"),
        Region::plain("us-west-1"),
        Region::plain("us-west-2"),
        Region::plain("aws-global"),
    ],
    outputs: Outputs {
        name: "aws",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
    },
};

const AWS_US_GOV: Partition = Partition {
    id: "aws-us-gov",
    region_regex: "^us\\-gov\\-\\w+\\-\\d+$",
    regions: &[
        Region::plain("us-gov-west-1"),
        Region::plain("us-gov-east-1"),
        Region::plain("aws-us-gov-global"),
    ],
    outputs: Outputs {
        name: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-gov-west-1",
    },
};

const AWS_CN: Partition = Partition {
    id: "aws-cn",
    region_regex: "^cn\\-\\w+\\-\\d+$",
    regions: &[
        Region::plain("cn-north-1"),
        Region::plain("cn-northwest-1"),
        Region::plain("aws-cn-global"),
    ],
    outputs: Outputs {
        name: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "cn-northwest-1",
    },
};

const AWS_ISO: Partition = Partition {
    id: "aws-iso",
    region_regex: "^us\\-iso\\-\\w+\\-\\d+$",
    regions: &[
        Region::plain("us-iso-east-1"),
        Region::plain("us-iso-west-1"),
        Region::plain("aws-iso-global"),
    ],
    outputs: Outputs {
        name: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        // partitions.json (table version 1.1) says `true`; every official
        // model's endpoint tests (written against the earlier table) expect
        // dual-stack to be refused here, and the models' tests are the
        // judges. See codegen/tests/endpoint_runtime.rs.
        supports_dual_stack: false,
        implicit_global_region: "us-iso-east-1",
    },
};

const AWS_ISO_B: Partition = Partition {
    id: "aws-iso-b",
    region_regex: "^us\\-isob\\-\\w+\\-\\d+$",
    regions: &[
        Region::plain("us-isob-east-1"),
        Region::plain("aws-iso-b-global"),
    ],
    outputs: Outputs {
        name: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        // partitions.json (table version 1.1) says `true`; every official
        // model's endpoint tests (written against the earlier table) expect
        // dual-stack to be refused here, and the models' tests are the
        // judges. See codegen/tests/endpoint_runtime.rs.
        supports_dual_stack: false,
        implicit_global_region: "us-isob-east-1",
    },
};

const AWS_ISO_E: Partition = Partition {
    id: "aws-iso-e",
    region_regex: "^eu\\-isoe\\-\\w+\\-\\d+$",
    regions: &[],
    outputs: Outputs {
        name: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "eu-isoe-west-1",
    },
};

const AWS_ISO_F: Partition = Partition {
    id: "aws-iso-f",
    region_regex: "^us\\-isof\\-\\w+\\-\\d+$",
    regions: &[
        Region::plain("aws-iso-f-global"),
        Region::plain("us-isof-east-1"),
        Region::plain("us-isof-south-1"),
    ],
    outputs: Outputs {
        name: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-isof-south-1",
    },
};

const AWS_EUSC: Partition = Partition {
    id: "aws-eusc",
    region_regex: "^eusc\\-(de)\\-\\w+\\-\\d+$",
    regions: &[Region {
        name: "eusc-de-east-1",
        description: Some("EU (Germany)"),
        overrides: OutputOverrides::NONE,
    }],
    outputs: Outputs {
        name: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "eusc-de-east-1",
    },
};

/// Every partition, in table order (which is also the order in which
/// region patterns are tried).
pub(crate) const PARTITIONS: &[Partition] = &[
    AWS, AWS_US_GOV, AWS_CN, AWS_ISO, AWS_ISO_B, AWS_ISO_E, AWS_ISO_F, AWS_EUSC,
];

/// The partition outputs for `region` (see the module docs for the order of
/// the steps). Never fails: an unknown region gets the `aws` partition.
pub(crate) fn lookup(region: &str) -> Outputs {
    lookup_in(PARTITIONS, &AWS, region)
}

/// [`lookup`] over an arbitrary table, with `fallback` used when nothing
/// matches.
fn lookup_in(partitions: &[Partition], fallback: &Partition, region: &str) -> Outputs {
    let listed = partitions.iter().find_map(|partition| {
        partition
            .regions
            .iter()
            .find(|listed| listed.name == region)
            .map(|listed| listed.overrides.apply(partition.outputs))
    });
    if let Some(outputs) = listed {
        return outputs;
    }
    partitions
        .iter()
        .find(|partition| region_regex_matches(partition.region_regex, region))
        .map_or(fallback.outputs, |partition| partition.outputs)
}

/// Whether `pattern` matches the whole of `input`.
///
/// There is no regex crate in generated crates, so this understands only the
/// small dialect the partitions table uses:
///
/// * `^` at the very start and `$` at the very end (the match is always
///   anchored at both ends anyway, like Java's `Matcher::matches`);
/// * literal characters, and `\` followed by a punctuation character for
///   that character literally (`\-`, `\.`);
/// * `\w` (ASCII letter, digit or `_`), `\d` (ASCII digit) and `.` (any
///   character);
/// * groups `( … )` holding one or more `|`-separated alternatives, and
///   `|` at the top level;
/// * the quantifiers `+`, `*` and `?` after any of the above.
///
/// A pattern using anything else (classes `[…]`, counted repetition `{n}`,
/// other escapes, unbalanced parentheses) is reported as matching nothing,
/// so an unknown dialect can never make a region match by accident; so is
/// a match that would take more than [`MATCH_STEPS`] steps (repetitions
/// nested in repetitions over a long input).
pub(crate) fn region_regex_matches(pattern: &str, input: &str) -> bool {
    regex_matches_within(pattern, input, MATCH_STEPS).unwrap_or(false)
}

/// The most steps (a node tried from one position) one match may take: the
/// table's patterns take a few hundred on a real region.
const MATCH_STEPS: usize = 1_000_000;

/// [`region_regex_matches`] within `steps` steps: `None` when they run out.
fn regex_matches_within(pattern: &str, input: &str, steps: usize) -> Option<bool> {
    let Some(alternatives) = regex::parse(pattern) else {
        return Some(false);
    };
    let input: Vec<char> = input.chars().collect();
    let mut budget = steps;
    let ends = regex::match_alternatives(&alternatives, &input, &[0], &mut budget)?;
    Some(ends.contains(&input.len()))
}

/// The tiny regular-expression engine behind [`region_regex_matches`].
///
/// Matching is done on sets of positions rather than by backtracking: each
/// node maps the set of positions where it may start to the set of
/// positions where it may end. A position is never revisited within one
/// repetition, so no pattern can make matching take exponential time; but
/// repetitions nested `d` deep can take about `n^d` steps on `n`
/// characters, so every step is counted against a budget, and matching
/// gives up (`None`) when it runs out.
mod regex {
    /// One element of a pattern.
    #[derive(Debug)]
    pub(super) enum Node {
        Literal(char),
        /// `\w`
        Word,
        /// `\d`
        Digit,
        /// `.`
        Any,
        /// `( alt | alt | … )`
        Group(Vec<Vec<Node>>),
        /// `node+`, `node*` or `node?`.
        Repeat {
            node: Box<Node>,
            min_one: bool,
            many: bool,
        },
    }

    /// Parses `pattern` into its top-level alternatives, or `None` when it
    /// uses syntax outside the supported dialect.
    pub(super) fn parse(pattern: &str) -> Option<Vec<Vec<Node>>> {
        let body = pattern.strip_prefix('^').unwrap_or(pattern);
        let body = match body.strip_suffix('$') {
            // A `$` preceded by a backslash is an escaped literal.
            Some(stripped) if !stripped.ends_with('\\') || stripped.ends_with("\\\\") => stripped,
            _ => body,
        };
        let mut chars = body.chars().peekable();
        let alternatives = parse_alternatives(&mut chars, 0)?;
        // Everything must have been consumed (no stray `)`).
        if chars.next().is_some() {
            return None;
        }
        Some(alternatives)
    }

    type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

    /// Deepest group nesting accepted, to bound recursion.
    const MAX_DEPTH: usize = 16;

    fn parse_alternatives(chars: &mut Chars<'_>, depth: usize) -> Option<Vec<Vec<Node>>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut alternatives = Vec::new();
        let mut sequence = Vec::new();
        while let Some(&c) = chars.peek() {
            match c {
                ')' => break,
                '|' => {
                    chars.next();
                    alternatives.push(std::mem::take(&mut sequence));
                }
                '+' | '*' | '?' => {
                    chars.next();
                    let node = sequence.pop()?;
                    if matches!(node, Node::Repeat { .. }) {
                        return None;
                    }
                    sequence.push(Node::Repeat {
                        node: Box::new(node),
                        min_one: c == '+',
                        many: c != '?',
                    });
                }
                _ => sequence.push(parse_atom(chars, depth)?),
            }
        }
        alternatives.push(sequence);
        Some(alternatives)
    }

    fn parse_atom(chars: &mut Chars<'_>, depth: usize) -> Option<Node> {
        match chars.next()? {
            '(' => {
                let alternatives = parse_alternatives(chars, depth + 1)?;
                match chars.next() {
                    Some(')') => Some(Node::Group(alternatives)),
                    _ => None,
                }
            }
            '\\' => match chars.next()? {
                'w' => Some(Node::Word),
                'd' => Some(Node::Digit),
                escaped if escaped.is_ascii_punctuation() => Some(Node::Literal(escaped)),
                _ => None,
            },
            '.' => Some(Node::Any),
            '[' | ']' | '{' | '}' | '^' | '$' => None,
            literal => Some(Node::Literal(literal)),
        }
    }

    /// End positions reachable by matching any of `alternatives` from any of
    /// `starts`. The result is sorted and free of duplicates.
    pub(super) fn match_alternatives(
        alternatives: &[Vec<Node>],
        input: &[char],
        starts: &[usize],
        budget: &mut usize,
    ) -> Option<Vec<usize>> {
        let mut ends = Vec::new();
        for sequence in alternatives {
            let mut positions = starts.to_vec();
            for node in sequence {
                positions = match_node(node, input, &positions, budget)?;
                if positions.is_empty() {
                    break;
                }
            }
            ends.extend(positions);
        }
        ends.sort_unstable();
        ends.dedup();
        Some(ends)
    }

    /// The end positions of `node` from `starts`; `None` when the budget
    /// of steps runs out.
    fn match_node(node: &Node, input: &[char], starts: &[usize], budget: &mut usize) -> Option<Vec<usize>> {
        // A step per start, and one for the call.
        *budget = budget.checked_sub(starts.len() + 1)?;
        Some(match node {
            Node::Literal(expected) => step(input, starts, |c| c == *expected),
            Node::Word => step(input, starts, |c| c.is_ascii_alphanumeric() || c == '_'),
            Node::Digit => step(input, starts, |c| c.is_ascii_digit()),
            Node::Any => step(input, starts, |_| true),
            Node::Group(alternatives) => match_alternatives(alternatives, input, starts, budget)?,
            Node::Repeat {
                node,
                min_one,
                many,
            } => {
                let once = match_node(node, input, starts, budget)?;
                let mut reached = if *min_one {
                    Vec::new()
                } else {
                    starts.to_vec()
                };
                if !*many {
                    // `?`: zero or one occurrence.
                    reached.extend(once);
                    reached.sort_unstable();
                    reached.dedup();
                    return Some(reached);
                }
                // `+` / `*`: repeat from the positions not seen before
                // until none is new. Positions never exceed the input
                // length, so this ends.
                // This allocation is as long as the input: it costs too.
                *budget = budget.checked_sub(input.len() / 64)?;
                let mut seen = vec![false; input.len() + 1];
                for &position in &reached {
                    if let Some(flag) = seen.get_mut(position) {
                        *flag = true;
                    }
                }
                let mut frontier = once;
                loop {
                    let new: Vec<usize> = frontier
                        .into_iter()
                        .filter(|&position| match seen.get_mut(position) {
                            Some(flag) if !*flag => {
                                *flag = true;
                                true
                            }
                            _ => false,
                        })
                        .collect();
                    if new.is_empty() {
                        break;
                    }
                    reached.extend(new.iter().copied());
                    frontier = match_node(node, input, &new, budget)?;
                }
                reached.sort_unstable();
                reached.dedup();
                reached
            }
        })
    }

    /// Positions one character further than each start whose character
    /// satisfies `accept`.
    fn step(input: &[char], starts: &[usize], accept: impl Fn(char) -> bool) -> Vec<usize> {
        starts
            .iter()
            .filter(|&&position| input.get(position).is_some_and(|&c| accept(c)))
            .map(|position| position + 1)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partition(id: &str) -> &'static Partition {
        PARTITIONS
            .iter()
            .find(|partition| partition.id == id)
            .unwrap_or_else(|| panic!("no partition {id}"))
    }

    #[test]
    fn table_shape() {
        let ids: Vec<&str> = PARTITIONS.iter().map(|p| p.id).collect();
        assert_eq!(
            ids,
            [
                "aws",
                "aws-us-gov",
                "aws-cn",
                "aws-iso",
                "aws-iso-b",
                "aws-iso-e",
                "aws-iso-f",
                "aws-eusc"
            ]
        );
        for partition in PARTITIONS {
            assert_eq!(partition.outputs.name, partition.id);
            assert!(
                regex::parse(partition.region_regex).is_some(),
                "{} pattern outside the supported dialect",
                partition.id
            );
        }
    }

    #[test]
    fn every_listed_region_resolves_to_its_partition() {
        for partition in PARTITIONS {
            for region in partition.regions {
                assert_eq!(
                    lookup(region.name),
                    region.overrides.apply(partition.outputs),
                    "{}",
                    region.name
                );
            }
        }
    }

    #[test]
    fn listed_regions_that_are_not_global_match_their_own_pattern() {
        for partition in PARTITIONS {
            for region in partition.regions {
                if region.name.ends_with("-global") {
                    continue;
                }
                assert!(
                    region_regex_matches(partition.region_regex, region.name),
                    "{} vs {}",
                    region.name,
                    partition.region_regex
                );
            }
        }
    }

    #[test]
    fn each_partition_by_pattern() {
        // Regions no partition lists, so only the pattern can pick them.
        let cases = [
            ("us-east-9", "aws", "amazonaws.com"),
            ("mx-north-7", "aws", "amazonaws.com"),
            ("us-gov-south-3", "aws-us-gov", "amazonaws.com"),
            ("cn-south-2", "aws-cn", "amazonaws.com.cn"),
            ("us-iso-north-4", "aws-iso", "c2s.ic.gov"),
            ("us-isob-west-2", "aws-iso-b", "sc2s.sgov.gov"),
            ("eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"),
            ("us-isof-north-2", "aws-iso-f", "csp.hci.ic.gov"),
            ("eusc-de-west-2", "aws-eusc", "amazonaws.eu"),
        ];
        for (region, id, dns_suffix) in cases {
            assert!(PARTITIONS
                .iter()
                .all(|p| p.regions.iter().all(|r| r.name != region)));
            let outputs = lookup(region);
            assert_eq!(outputs, partition(id).outputs, "{region}");
            assert_eq!(outputs.dns_suffix, dns_suffix, "{region}");
        }
    }

    #[test]
    fn unknown_regions_fall_back_to_aws() {
        for region in [
            "",
            "local",
            "mars-east-1",
            "us-east",
            "us-east-1a",
            "eusc-fr-east-1",
            "US-EAST-1",
            "us-gov-west-1\n",
            "ünïcödé",
        ] {
            assert_eq!(lookup(region), partition("aws").outputs, "{region:?}");
        }
    }

    #[test]
    fn implicit_global_regions() {
        let expected = [
            ("aws", "us-east-1"),
            ("aws-us-gov", "us-gov-west-1"),
            ("aws-cn", "cn-northwest-1"),
            ("aws-iso", "us-iso-east-1"),
            ("aws-iso-b", "us-isob-east-1"),
            ("aws-iso-e", "eu-isoe-west-1"),
            ("aws-iso-f", "us-isof-south-1"),
            ("aws-eusc", "eusc-de-east-1"),
        ];
        for (id, region) in expected {
            assert_eq!(partition(id).outputs.implicit_global_region, region);
            // The implicit global region resolves to its own partition.
            assert_eq!(lookup(region).name, id);
        }
    }

    #[test]
    fn global_pseudo_regions_are_listed() {
        assert_eq!(lookup("aws-global").name, "aws");
        assert_eq!(lookup("aws-us-gov-global").name, "aws-us-gov");
        assert_eq!(lookup("aws-cn-global").name, "aws-cn");
        assert_eq!(lookup("aws-iso-global").name, "aws-iso");
        assert_eq!(lookup("aws-iso-b-global").name, "aws-iso-b");
        assert_eq!(lookup("aws-iso-f-global").name, "aws-iso-f");
    }

    #[test]
    fn listed_region_wins_over_earlier_pattern_and_overrides_apply() {
        const FIRST: Partition = Partition {
            id: "first",
            region_regex: "^\\w+$",
            regions: &[],
            outputs: Outputs {
                name: "first",
                dns_suffix: "first.example",
                dual_stack_dns_suffix: "ds.first.example",
                supports_fips: false,
                supports_dual_stack: false,
                implicit_global_region: "one",
            },
        };
        const SECOND: Partition = Partition {
            id: "second",
            region_regex: "^nothing$",
            regions: &[
                Region {
                    name: "special",
                    description: Some("Special"),
                    overrides: OutputOverrides {
                        dns_suffix: Some("special.example"),
                        supports_fips: Some(true),
                        ..OutputOverrides::NONE
                    },
                },
                Region::plain("plain"),
            ],
            outputs: Outputs {
                name: "second",
                dns_suffix: "second.example",
                dual_stack_dns_suffix: "ds.second.example",
                supports_fips: false,
                supports_dual_stack: true,
                implicit_global_region: "two",
            },
        };
        let table = [FIRST, SECOND];
        let special = lookup_in(&table, &FIRST, "special");
        assert_eq!(
            special,
            Outputs {
                dns_suffix: "special.example",
                supports_fips: true,
                ..SECOND.outputs
            }
        );
        assert_eq!(lookup_in(&table, &FIRST, "plain"), SECOND.outputs);
        assert_eq!(lookup_in(&table, &FIRST, "other"), FIRST.outputs);
        assert_eq!(lookup_in(&table, &SECOND, "no-match"), SECOND.outputs);
    }

    #[test]
    fn overrides_apply_field_by_field() {
        let base = partition("aws").outputs;
        assert_eq!(OutputOverrides::NONE.apply(base), base);
        let all = OutputOverrides {
            name: Some("n"),
            dns_suffix: Some("d"),
            dual_stack_dns_suffix: Some("ds"),
            supports_fips: Some(false),
            supports_dual_stack: Some(false),
            implicit_global_region: Some("g"),
        };
        assert_eq!(
            all.apply(base),
            Outputs {
                name: "n",
                dns_suffix: "d",
                dual_stack_dns_suffix: "ds",
                supports_fips: false,
                supports_dual_stack: false,
                implicit_global_region: "g",
            }
        );
    }

    #[test]
    fn matcher_dialect() {
        let yes = [
            ("^abc$", "abc"),
            ("abc", "abc"),
            ("^a\\-b$", "a-b"),
            ("^a\\.b$", "a.b"),
            ("^\\w+$", "a_Z9"),
            ("^\\d+$", "0123"),
            ("^(us|eu)\\-\\w+\\-\\d+$", "eu-west-12"),
            ("^(us|eu|)x$", "x"),
            ("^a|b$", "b"),
            ("^a.c$", "a-c"),
            ("^ab?c$", "ac"),
            ("^ab?c$", "abc"),
            ("^ab*c$", "abbbc"),
            ("^(ab)+$", "ababab"),
            ("^((a|b)c)*$", ""),
            ("^((a|b)c)*$", "acbc"),
            // `\w+` must give the final digit back to `\d`.
            ("^\\w+\\d$", "abc1"),
            ("^price\\$$", "price$"),
        ];
        for (pattern, input) in yes {
            assert!(region_regex_matches(pattern, input), "{pattern} {input}");
        }
        let no = [
            ("^abc$", "abcd"),
            ("^abc$", "xabc"),
            ("^a\\-b$", "a_b"),
            ("^\\w+$", ""),
            ("^\\w+$", "a-b"),
            ("^\\d+$", "1a"),
            ("^\\d+$", "١"),
            ("^(us|eu)\\-\\w+\\-\\d+$", "ap-west-1"),
            ("^ab?c$", "abbc"),
            ("^(ab)+$", ""),
            ("^(ab)+$", "aba"),
            // Unsupported syntax never matches.
            ("^[a-z]+$", "abc"),
            ("^a{2}$", "aa"),
            ("^\\s$", " "),
            ("^(ab$", "ab"),
            ("^ab)$", "ab"),
            ("^+a$", "a"),
            ("^a++$", "aa"),
            ("^a\\", "a"),
        ];
        for (pattern, input) in no {
            assert!(!region_regex_matches(pattern, input), "{pattern} {input}");
        }
    }

    #[test]
    fn matcher_survives_hostile_patterns() {
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(!region_regex_matches(&deep, "a"));
        let nested = "^((a*)*)*b$";
        let input = "a".repeat(200);
        assert!(!region_regex_matches(nested, &input));
        assert!(region_regex_matches(nested, &format!("{input}b")));
    }

    /// Found by the `endpoint` fuzz target: a repetition of a group whose
    /// alternatives hold `.*` (`(.|.*h.+...*.*...)+` in a pattern of 970
    /// characters, matched against itself) took 12 s: each turn of the
    /// repetition advances one character and reruns `.*` over the rest
    /// (about `n^2` steps, times the pattern's length). Matching now gives up
    /// after `MATCH_STEPS` steps and reports no match.
    #[test]
    fn repetitions_of_long_matches_run_out_of_steps_instead_of_time() {
        let hostile = "^(.|.*x)+$";
        let input = "a".repeat(3000);
        assert_eq!(regex_matches_within(hostile, &input, MATCH_STEPS), None);
        assert!(!region_regex_matches(hostile, &input));
        assert_eq!(regex_matches_within(hostile, &"a".repeat(30), MATCH_STEPS), Some(true));
        // A long region against the table's patterns stays within budget.
        let long = format!("cn-{}-1", "a".repeat(5000));
        assert_eq!(regex_matches_within("^cn\\-\\w+\\-\\d+$", &long, MATCH_STEPS), Some(true));
        // The table's patterns on real regions stay far within the budget.
        for partition in PARTITIONS {
            for region in partition.regions {
                assert!(regex_matches_within(partition.region_regex, region.name, 1_000).is_some(), "{}", region.name);
            }
        }
    }
}
