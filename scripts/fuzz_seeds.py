#!/usr/bin/env python3
"""Writes the committed seed corpora under tests/fuzz/corpus/<target>/.

Small, hand-made inputs that reach past each parser's first checks: valid
requests, bodies, notes and PDFs, plus a few near misses. Run it again after
changing a format; scripts/fuzz.sh adds the generated seeds (test vectors,
policies, benchmark PDFs) at fuzz time. Regression inputs found by fuzzing
are committed beside these by hand (name them regress-<what>).
Needs python3-cryptography (Ed25519, for signed notes) and qpdf (PDF xref).
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def request_head():
    crlf = lambda *lines: "\r\n".join(lines).encode()
    put("request_head", "get_healthz", crlf("GET /healthz HTTP/1.1", "Host: v", "", ""))
    put("request_head", "post_json", crlf("POST /api/v1/borrows HTTP/1.1", "Host: v", "Content-Type: application/json",
                                          "Content-Length: 2", "", "{}"))
    put("request_head", "chunked", crlf("POST /api/v1/sessions HTTP/1.1", "Host: v", "Transfer-Encoding: chunked", "",
                                        "2", "{}", "0", "", ""))
    put("request_head", "encoded_path", crlf("GET /api/v1/documents/a%2Fb/versions?x=%zz HTTP/1.1", "Host: v", "", ""))
    put("request_head", "dot_segments", crlf("GET /api/v1/../documents//x/ HTTP/1.1", "Host: v", "", ""))
    put("request_head", "two_lengths", crlf("POST /api/v1/trace HTTP/1.1", "Content-Length: 1", "Content-Length: 2", "",
                                            "ab"))
    put("request_head", "length_and_chunked", crlf("POST /api/v1/trace HTTP/1.1", "Content-Length: 1",
                                                   "Transfer-Encoding: chunked", "", "0", "", ""))
    put("request_head", "folded", crlf("GET /metrics HTTP/1.1", "X-A: 1", " folded", "", ""))
    put("request_head", "bare_lf", b"GET /healthz HTTP/1.1\nHost: v\n\n")
    put("request_head", "method_not_allowed", crlf("DELETE /api/v1/borrows/abc/approve HTTP/1.1", "", ""))


def json_bodies():
    # The first byte picks the route (tests/fuzz/json_bodies_fuzzer.cc).
    bodies = {
        0: {"customer": "C001", "type": "HT", "title": "销售合同", "customer_name": "华南贸易", "department": "sales-south",
            "classification": "internal", "tags": ["2026", "框架"], "fields": {"contact_phone": "020-12345678"}},
        1: {"documents": ["d1", "C001_HT_0001"], "purpose": "审计", "period": "P7D", "kind": "electronic"},
        2: {"pages": [3, 5, 12]},
        3: {"pages": 12},
        4: {"version": 2, "borrow": "b1"},
        5: {"documents": ["d1"], "reason": "retention_expired", "reference": "会议纪要 2026-11"},
        6: {"document_id": "d1", "metadata_complete": True, "scan_legible": False, "classification_right": True,
            "remarks": "ok"},
        7: {"username": "lisi", "display_name": "李四", "role": "staff", "department": "sales-south"},
        16: {"name": "sales-north", "display_name": "华北销售部"},
    }
    for k, v in bodies.items():
        put("json_bodies", "route%d" % k, bytes([k]) + json.dumps(v, ensure_ascii=False).encode())
    put("json_bodies", "declared", bytes([3]) + b'{"declared_destroyed": true}')
    put("json_bodies", "deep", bytes([1]) + b'{"documents": [[[[[[[[[[[]]]]]]]]]]]}')
    put("json_bodies", "numbers", bytes([4]) + b'{"version": 4294967296, "borrow": 1e400}')
    put("json_bodies", "escapes", bytes([5]) + b'{"reason": "\\ud800\\u0000", "documents": ["\\uDFFF"]}')


def multipart():
    b = "XyZzY"
    meta = json.dumps({"customer": "C001", "type": "HT", "title": "合同", "department": "sales-south"},
                      ensure_ascii=False)
    body = ("--{b}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
            "{m}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"合同.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4 hello\r\n--{b}--\r\n").format(b=b, m=meta)
    put("multipart", "upload", "multipart/form-data; boundary=%s\n%s" % (b, body))
    put("multipart", "truncated", "multipart/form-data; boundary=%s\n%s" % (b, body[:-12]))
    version = ("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x\\y.pdf\"\r\n\r\n"
               "data\r\n--{b}\r\nContent-Disposition: form-data; name=\"extra\"\r\n\r\nz\r\n--{b}--\r\n").format(b=b)
    put("multipart", "version_extra_part", "multipart/form-data; boundary=\"%s\"\n%s" % (b, version))
    put("multipart", "no_boundary", "multipart/form-data\n--a\r\n\r\n--a--\r\n")


def signed_note():
    key = Ed25519PrivateKey.from_private_bytes(bytes([7]) * 32)
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    name = "sales-vault"
    kh = hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4]
    head = bytes.fromhex("a" * 64)
    body = "sales-vault/audit\n3\n%s\n" % base64.b64encode(head).decode()
    sig = key.sign(body.encode())
    line = "\u2014 %s %s\n" % (name, base64.b64encode(kh + sig).decode())
    put("signed_note", "valid", body + "\n" + line)
    put("signed_note", "other_size", body.replace("\n3\n", "\n4\n") + "\n" + line)
    put("signed_note", "unknown_key", body + "\n" + line.replace(name, "someone"))
    put("signed_note", "two_lines", body + "\n" + line + line)
    put("signed_note", "short_sig", body + "\n\u2014 %s %s\n" % (name, base64.b64encode(kh).decode()))


def pdf(objects, info=None):
    """A PDF from object bodies; qpdf writes the xref."""
    out = "%PDF-1.4\n"
    for i, o in enumerate(objects, 1):
        out += "%d 0 obj\n%s\nendobj\n" % (i, o)
    out += "trailer\n<< /Root 1 0 R%s >>\n%%%%EOF\n" % ((" /Info %d 0 R" % info) if info else "")
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.pdf"), os.path.join(d, "out.pdf")
        with open(src, "w") as f:
            f.write(out)
        subprocess.run(["qpdf", src, dst], check=False, stderr=subprocess.DEVNULL)
        with open(dst, "rb") as f:
            return f.read()


def pdfs():
    code = "K7QM-2XRD"
    hexcode = "".join("%04X" % ord(c) for c in code)
    content = "BT /F1 12 Tf <%s> Tj ET" % hexcode
    stamped = pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Rotate 90 /Resources << /XObject << /VaultStamp0 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        "<< /Length 16 >>\nstream\nq /VaultStamp0 Do Q\nendstream",
        "<< /VaultExportId (%s) /VaultExportCode (%s) /VaultExportSignature (00) >>" % ("e" * 32, code),
    ], info=6)
    put("pdf_token", "stamped", stamped)
    put("export", "stamped", stamped[len(b"%PDF-1.4\n"):])
    two_sizes = pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [5 0 R 5 0 R] >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Rotate -90 /Annots [<< /Subtype /FileAttachment >>] >>",
        "<< /Length 8 >>\nstream\nq 1 0 0 \nendstream",
    ])
    put("export", "two_sizes", two_sizes[len(b"%PDF-1.4\n"):])


def small():
    put("trace_code", "code", "K7QM-2XRD" + "0" * 9)
    put("trace_code", "forgiving", "k7qm 2xrd" + "ab" * 5)
    put("trace_code", "letters", "K7QMO2XRDIL")
    put("certificate", "presented", json.dumps({"certificate": json.dumps({"id": "c1", "sequence": 1}),
                                                "signature": "00" * 64}))
    put("certificate", "not_hex", '{"certificate": "{}", "signature": "zz"}')
    issued = hashlib.sha256(b"the issued copy").hexdigest().encode()
    put("return", "verified", b"\x01" + issued + b"the issued copy")
    put("return", "altered", b"\x05" + issued + b"the altered copy")
    put("return", "cut_short", b"\x41" + issued + b"x" * 300)


def main():
    request_head()
    json_bodies()
    multipart()
    signed_note()
    pdfs()
    small()
    return 0


if __name__ == "__main__":
    sys.exit(main())
