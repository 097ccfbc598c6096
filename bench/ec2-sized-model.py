#!/usr/bin/env python3
"""Writes a synthetic ec2Query service of N operations as a Smithy JSON AST
model on stdout, shaped like EC2's (whose model is too large to ship in
../shared): Describe* operations with filters, paging tokens, id lists and
a result list of items with nested structures, tags and enums, all sharing
Filter and Tag. bench/crate-build.sh times the generator on it at several
sizes, to show that time and memory grow linearly with the operations.

    python3 bench/ec2-sized-model.py 750 > /tmp/ec2-like.json
"""
import json
import sys

ns = "com.example.ec2like"
n = int(sys.argv[1]) if len(sys.argv) > 1 else 750
shapes = {
    f"{ns}#Filter": {"type": "structure", "members": {
        "Name": {"target": "smithy.api#String"},
        "Values": {"target": f"{ns}#ValueStringList", "traits": {"smithy.api#xmlName": "Value"}}}},
    f"{ns}#FilterList": {"type": "list", "member": {"target": f"{ns}#Filter", "traits": {"smithy.api#xmlName": "Filter"}}},
    f"{ns}#ValueStringList": {"type": "list", "member": {"target": "smithy.api#String", "traits": {"smithy.api#xmlName": "item"}}},
    f"{ns}#Tag": {"type": "structure", "members": {
        "Key": {"target": "smithy.api#String", "traits": {"aws.protocols#ec2QueryName": "Key", "smithy.api#xmlName": "key"}},
        "Value": {"target": "smithy.api#String", "traits": {"aws.protocols#ec2QueryName": "Value", "smithy.api#xmlName": "value"}}}},
    f"{ns}#TagList": {"type": "list", "member": {"target": f"{ns}#Tag", "traits": {"smithy.api#xmlName": "item"}}},
    f"{ns}#State": {"type": "enum", "members": {
        s: {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": s.lower()}} for s in ["Pending", "Available", "Deleting", "Deleted"]}},
}
operations = []
for i in range(n):
    name = f"DescribeThing{i:04}"
    item, lst = f"{ns}#Thing{i:04}", f"{ns}#Thing{i:04}List"
    shapes[item] = {"type": "structure", "members": {
        "ThingId": {"target": "smithy.api#String", "traits": {"aws.protocols#ec2QueryName": "ThingId", "smithy.api#xmlName": "thingId"}},
        "OwnerId": {"target": "smithy.api#String", "traits": {"aws.protocols#ec2QueryName": "OwnerId", "smithy.api#xmlName": "ownerId"}},
        "State": {"target": f"{ns}#State", "traits": {"aws.protocols#ec2QueryName": "State", "smithy.api#xmlName": "state"}},
        "Size": {"target": "smithy.api#Integer", "traits": {"smithy.api#xmlName": "size"}},
        "Encrypted": {"target": "smithy.api#Boolean", "traits": {"smithy.api#xmlName": "encrypted"}},
        "CreateTime": {"target": "smithy.api#Timestamp", "traits": {"smithy.api#xmlName": "createTime"}},
        "Description": {"target": "smithy.api#String", "traits": {"smithy.api#xmlName": "description"}},
        "Tags": {"target": f"{ns}#TagList", "traits": {"aws.protocols#ec2QueryName": "TagSet", "smithy.api#xmlName": "tagSet"}}}}
    shapes[lst] = {"type": "list", "member": {"target": item, "traits": {"smithy.api#xmlName": "item"}}}
    shapes[f"{ns}#{name}Request"] = {"type": "structure", "members": {
        "Filters": {"target": f"{ns}#FilterList", "traits": {"smithy.api#xmlName": "Filter"}},
        "ThingIds": {"target": f"{ns}#ValueStringList", "traits": {"smithy.api#xmlName": "ThingId"}},
        "DryRun": {"target": "smithy.api#Boolean", "traits": {"aws.protocols#ec2QueryName": "DryRun", "smithy.api#xmlName": "dryRun"}},
        "MaxResults": {"target": "smithy.api#Integer"},
        "NextToken": {"target": "smithy.api#String"}}}
    shapes[f"{ns}#{name}Result"] = {"type": "structure", "members": {
        "Things": {"target": lst, "traits": {"aws.protocols#ec2QueryName": "ThingSet", "smithy.api#xmlName": "thingSet"}},
        "NextToken": {"target": "smithy.api#String", "traits": {"smithy.api#xmlName": "nextToken"}}}}
    shapes[f"{ns}#{name}"] = {"type": "operation", "input": {"target": f"{ns}#{name}Request"},
                              "output": {"target": f"{ns}#{name}Result"},
                              "traits": {"smithy.api#paginated": {"inputToken": "NextToken", "outputToken": "NextToken", "items": "Things", "pageSize": "MaxResults"}}}
    operations.append({"target": f"{ns}#{name}"})
shapes[f"{ns}#Ec2Like"] = {"type": "service", "version": "2016-11-15", "operations": operations, "traits": {
    "aws.api#service": {"sdkId": "EC2 Like", "endpointPrefix": "ec2like"},
    "aws.auth#sigv4": {"name": "ec2like"},
    "aws.protocols#ec2Query": {},
    "smithy.api#xmlNamespace": {"uri": "http://ec2.amazonaws.com/doc/2016-11-15"},
    "smithy.api#title": "A service shaped like Amazon EC2"}}
json.dump({"smithy": "2.0", "shapes": shapes}, sys.stdout)
