#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from real inputs:
the JSON bodies and header values of the Smithy protocol tests, the
parameters and URLs of the official models' endpoint tests, the IDL
fixtures, and event stream messages like those of the protocol tests.

Run from the checkout, with ../shared beside it:
    python3 tests/fuzz/make_seeds.py
Seeds are named by their SHA-1, as libFuzzer names what it finds. The
script only adds files; it never removes one.
"""
import glob
import hashlib
import json
import os
import re
import struct
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def smithy_strings(text, key):
    """The values of `key: "..."` and `key: \"\"\"...\"\"\"` in Smithy IDL."""
    found = []
    for block in re.findall(key + r':\s*"""\n?(.*?)"""', text, re.S):
        lines = block.split("\n")
        indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
        found.append("\n".join(l[indent:] for l in lines).strip())
    for quoted in re.findall(key + r':\s*("(?:[^"\\\n]|\\.)*")', text):
        try:
            found.append(json.loads(quoted))
        except ValueError:
            pass
    return found


def protocol_files(*protocols):
    for protocol in protocols:
        yield from sorted(glob.glob(os.path.join(SHARED, "smithy", "protocol-tests", protocol, "**", "*.smithy"), recursive=True))


def json_seeds():
    bodies = []
    for path in protocol_files("restJson1", "awsJson1_0", "awsJson1_1"):
        bodies += [b for b in smithy_strings(open(path).read(), "body") if b.strip()]
    chosen = sorted(set(bodies), key=lambda b: (len(b), b))
    # Every other distinct body up to 1 KiB: lists, maps, documents,
    # blobs, timestamps, NaN and the infinities, unions, errors.
    for body in [b for b in chosen if len(b) <= 1024][::2]:
        write("json", body)
    # An error response with its type header (the target's `@header\nbody` form).
    write("json", '@FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/\n{"message": "Hi"}')


def http_binding_seeds():
    values = set()
    for path in protocol_files("restJson1"):
        text = open(path).read()
        for headers in re.findall(r"headers:\s*\{(.*?)\}", text, re.S):
            for value in re.findall(r'"[^"]+"\s*:\s*("(?:[^"\\\n]|\\.)*")', headers):
                values.add(json.loads(value))
    for value in sorted(values):
        write("http_binding", value)
    write("http_binding", "x-meta-a X-Meta-B other\nvalue")


def endpoint_seeds():
    strings = set()
    for path in sorted(glob.glob(os.path.join(SHARED, "models", "*", "*.json"))):
        shapes = json.load(open(path)).get("shapes", {})
        for shape in shapes.values():
            tests = shape.get("traits", {}).get("smithy.rules#endpointTests", {}).get("testCases", [])
            for case in tests:
                for value in case.get("params", {}).values():
                    if isinstance(value, str):
                        strings.add(value)
                url = case.get("expect", {}).get("endpoint", {}).get("url")
                if url:
                    strings.add(url)
    # Keep the seeds few: every ARN and odd value, a sample of the URLs and
    # of the regions.
    regions = sorted(s for s in strings if re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", s))
    urls = sorted(s for s in strings if "://" in s)
    others = sorted(s for s in strings if s not in regions and s not in urls)
    for s in others + urls[::20] + regions[::6]:
        write("endpoint", s)


def timestamp_seeds():
    values = set()
    for path in protocol_files("restJson1", "awsJson1_1"):
        text = open(path).read()
        values.update(re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)", text))
        values.update(re.findall(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d(?:\.\d+)? GMT", text))
        values.update(re.findall(r"\b1[0-9]{9}(?:\.\d+)?\b", text))
    for value in sorted(values):
        write("timestamp", value)
        write("timestamp", json.dumps(value))


def event_message(headers, payload):
    encoded = b""
    for name, kind, value in headers:
        encoded += bytes([len(name)]) + name.encode() + bytes([kind])
        if kind in (6, 7):
            raw = value if isinstance(value, bytes) else value.encode()
            encoded += struct.pack(">H", len(raw)) + raw
        elif kind in (2, 3, 4, 5, 8):
            encoded += struct.pack({2: ">b", 3: ">h", 4: ">i", 5: ">q", 8: ">q"}[kind], value)
        elif kind == 9:
            encoded += value
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event_stream_seeds():
    event = lambda kind, payload, extra=(): event_message(
        [(":message-type", 7, "event"), (":event-type", 7, kind), (":content-type", 7, "application/json"), *extra],
        payload,
    )
    write("event_stream", event("StructurePayload", b'{"structureMember":{"foo":"bar"}}'))
    write("event_stream", event("StringPayload", b"hello"))
    write("event_stream", event("HeadersOnly", b"", [("booleanHeader", 0, None), ("byteHeader", 2, -1),
        ("shortHeader", 3, 257), ("intHeader", 4, 1 << 20), ("longHeader", 5, -(1 << 40)),
        ("blobHeader", 6, b"\x00\xff"), ("timestampHeader", 8, 1398796238000), ("uuid", 9, bytes(range(16)))]))
    write("event_stream", event_message([(":message-type", 7, "exception"), (":exception-type", 7, "ServiceError"),
        (":content-type", 7, "application/json")], b'{"message":"boom"}'))
    write("event_stream", event_message([(":message-type", 7, "error"), (":error-code", 7, "InternalError"),
        (":error-message", 7, "An internal error occurred")], b""))
    write("event_stream", event("A", b"{}") + event("B", b"[1,2]"))
    write("event_stream", event_message([], b""))


def idl_seeds():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "idl", "fixtures", "**", "*.smithy"), recursive=True)):
        write("idl", open(path, "rb").read())
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "idl", "fixtures", "*.json"))):
        data = open(path, "rb").read()
        if len(data) <= 4096:
            write("idl", data)


def xml_seeds():
    bodies = []
    for path in protocol_files("restXml", "restXmlWithNamespace"):
        bodies += [b for b in smithy_strings(open(path).read(), "body") if b.lstrip().startswith("<")]
    # Every distinct XML body: lists, maps, attributes, namespaces,
    # timestamps, blobs, NaN and the infinities, unions, errors, S3's.
    for body in sorted(set(bodies), key=lambda b: (len(b), b)):
        write("xml", body)
    # An error response with its request id header (the target's
    # `@header\nbody` form), wrapped and bare.
    write("xml", "@ req-1 \n<ErrorResponse><Error><Type>Sender</Type><Code> InvalidGreeting\n</Code>"
          "<Message>Hi</Message></Error><RequestId>foo-id</RequestId></ErrorResponse>")
    write("xml", "<Error><Code>NoSuchKey</Code><Message>gone</Message><RequestId>r</RequestId><HostId>h</HostId></Error>")
    # Hostile bodies: entity expansion (a "billion laughs" and an external
    # entity), nesting at and past the depth limit, CDATA, comments,
    # processing instructions, namespaces, a byte order mark, CR LF line
    # ends, character references, mixed content, odd scalars.
    laughs = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    write("xml", f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{laughs}]><r>&l9;</r>')
    write("xml", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')
    write("xml", "<a>" * 128 + "x" + "</a>" * 128)
    write("xml", "<a>" * 129 + "</a>" * 129)
    write("xml", "<r><![CDATA[<not>&markup;]]]]><![CDATA[>]]>tail<![CDATA[]]></r>")
    write("xml", "<!-- c --><?pi data?><r><!--x--y-->a<?t?>b<!---->c</r><!-- after --><?after?>")
    write("xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<?xml-stylesheet href="a"?><r/>')
    write("xml", '<a:r xmlns:a="urn:a" xmlns="urn:d" a:x="1" y="2"><b xmlns=""><a:c xmlns:a="urn:other"/></b></a:r>')
    # Names that are not qualified names: kept as written (`:xmlns` is not
    # a namespace declaration), not compared with roxmltree.
    write("xml", '<a:r xmlns:a="urn:a" :mlns="urn:d" a:x="p" y="2"><b :xmlns=""\t\t>/></b></a:r>')
    write("xml", '<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><g xsi:type="CanonicalUser">x</g></r>')
    write("xml", "\ufeff<r>bom</r>")
    write("xml", '<r a="x\r\ny\tz&#xD;&#xA;&#9;">line\r\nline\rline&#xD;&#x10FFFF;&#65;&amp;&lt;&gt;&quot;&apos;</r>')
    write("xml", "<r>mixed <b>bold</b> text <i/> end</r>")
    write("xml", "<r><f>NaN</f><f>-Infinity</f><f>1e400</f><f>-0</f><f> 1.5E-3 </f><i>-9223372036854775808</i>"
          "<b>Zm9v\n YmFy</b><t>Tue, 29 Apr 2014 18:30:38.123 GMT</t><t>1398796238.5</t>"
          "<t>2014-04-29T18:30:38.123456789+14:00</t><t>2014-04-29T18:30:38</t><v> true </v></r>")


if __name__ == "__main__":
    json_seeds()
    http_binding_seeds()
    endpoint_seeds()
    timestamp_seeds()
    event_stream_seeds()
    idl_seeds()
    xml_seeds()
    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        size = sum(os.path.getsize(os.path.join(CORPUS, target, f)) for f in files)
        print(f"{target}: {len(files)} seeds, {size} bytes")
