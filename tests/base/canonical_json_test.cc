// Vectors for the vault's canonical JSON (vault/base/canonical_json.h), in
// the style of RFC 8785's examples. Where the vault deliberately differs from
// the RFC (control characters always as \u00XX) the vector says so: stored
// audit chains, export tokens and certificates depend on those bytes.
#include "vault/base/canonical_json.h"

#include <gtest/gtest.h>

#include <string>

namespace vault {
namespace {

TEST(CanonicalJsonVectorsTest, SortsKeysByUtf16CodeUnits) {
  // RFC 8785 section 3.2.3: U+1F600 (a surrogate pair in UTF-16) sorts before
  // U+FB33, although its code point (and its UTF-8) is larger.
  const std::string in =
      R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh",)"
      R"("1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control",)"
      R"("\u00f6":"Latin Small Letter O With Diaeresis"})";
  EXPECT_EQ(CanonicalJsonOf(in),
            "{\"\\u000d\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
            "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
            "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(CanonicalJsonVectorsTest, KeyOrderIsUtf16Order) {
  EXPECT_TRUE(CanonicalKeyLess("a", "b"));
  EXPECT_TRUE(CanonicalKeyLess("a", "ab"));
  EXPECT_FALSE(CanonicalKeyLess("ab", "ab"));
  EXPECT_TRUE(CanonicalKeyLess("Z", "a"));
  EXPECT_TRUE(CanonicalKeyLess("\xed\x9f\xbf", "\xf0\x9f\x98\x80"));      // U+D7FF < U+1F600
  EXPECT_TRUE(CanonicalKeyLess("\xf0\x9f\x98\x80", "\xee\x80\x80"));      // U+1F600 < U+E000
  EXPECT_TRUE(CanonicalKeyLess("\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"));  // U+1F600 < U+10FFFF
  EXPECT_FALSE(CanonicalKeyLess("\xee\x80\x80", "\xf0\x9f\x98\x80"));
}

TEST(CanonicalJsonVectorsTest, EscapesOnlyQuoteBackslashAndControlCharacters) {
  // RFC 8785 writes \b \f \n \r \t; the vault writes every control character
  // as \u00XX with lowercase hex (docs/audit.md), as its stored data has it.
  EXPECT_EQ(CanonicalJsonOf(R"(["\"","\\","\b\f\n\r\t","\u0001\u001f","\u007f","\/"])"),
            R"(["\"","\\","\u0008\u000c\u000a\u000d\u0009","\u0001\u001f",")"
            "\x7f"
            R"(","/"])");
  EXPECT_EQ(JsonEscape(std::string("a\0b", 3)), R"("a\u0000b")");
  EXPECT_EQ(JsonEscape("\x1b[31m"), R"("\u001b[31m")");
}

TEST(CanonicalJsonVectorsTest, KeepsNonAsciiAsUtf8) {
  EXPECT_EQ(CanonicalJsonOf(R"({"name":"\u00e9\u5f20\ud83d\ude00","raw":"张三 €"})"),
            "{\"name\":\"\xc3\xa9\xe5\xbc\xa0\xf0\x9f\x98\x80\",\"raw\":\"张三 €\"}");
  EXPECT_EQ(JsonEscape("档案管理员"), "\"档案管理员\"");
}

TEST(CanonicalJsonVectorsTest, NestedObjectsAndArraysWithoutWhitespace) {
  const std::string in = R"(
    {
      "z": [3, 2, {"b": null, "a": [true, false]}, [], {}],
      "a": { "y": "2", "x": 1 },
      "m": -0
    })";
  EXPECT_EQ(CanonicalJsonOf(in), R"({"a":{"x":1,"y":"2"},"m":0,"z":[3,2,{"a":[true,false],"b":null},[],{}]})");
}

TEST(CanonicalJsonVectorsTest, IntegersInPlainDecimal) {
  EXPECT_EQ(CanonicalJsonOf(R"([0,-1,42,9007199254740993,-9223372036854775808,9223372036854775807])"),
            "[0,-1,42,9007199254740993,-9223372036854775808,9223372036854775807]");
  EXPECT_EQ(CanonicalJson({{"n", int64_t{-7}}, {"big", int64_t{1} << 53}}), R"({"big":9007199254740992,"n":-7})");
}

TEST(CanonicalJsonVectorsTest, FlatAndParsedFormsAgree) {
  const std::map<std::string, CanonicalValue> flat = {{"seq", int64_t{12}},
                                                      {"actor", std::string("张三")},
                                                      {"detail", std::string("line\nbreak \"quoted\"")},
                                                      {"\xef\xac\xb3", std::string("after the emoji")},
                                                      {"\xf0\x9f\x98\x80", std::string("before U+FB33")}};
  const std::string canonical = CanonicalJson(flat);
  EXPECT_EQ(canonical,
            "{\"actor\":\"张三\",\"detail\":\"line\\u000abreak \\\"quoted\\\"\",\"seq\":12,"
            "\"\xf0\x9f\x98\x80\":\"before U+FB33\",\"\xef\xac\xb3\":\"after the emoji\"}");
  EXPECT_EQ(CanonicalJsonOf(canonical), canonical) << "canonical form is a fixed point";
}

// The shape of an audit event and of a destruction certificate: ASCII keys,
// strings, integers, nested objects and arrays. These bytes are hashed and
// signed; a change here breaks every stored chain and certificate.
TEST(CanonicalJsonVectorsTest, AuditEventAndCertificateShapesArePinned) {
  EXPECT_EQ(CanonicalJson({{"action", std::string("document.read_content")},
                           {"actor", std::string("zhangsan")},
                           {"client", std::string("127.0.0.1")},
                           {"detail", std::string("")},
                           {"object", std::string("HT-2026-0001")},
                           {"outcome", std::string("ok")},
                           {"prev", std::string(64, '0')},
                           {"request_id", std::string("r1")},
                           {"role", std::string("staff")},
                           {"seq", int64_t{1}},
                           {"time", std::string("2026-11-22T00:00:00Z")}}),
            R"({"action":"document.read_content","actor":"zhangsan","client":"127.0.0.1","detail":"",)"
            R"("object":"HT-2026-0001","outcome":"ok","prev":")" +
                std::string(64, '0') +
                R"(","request_id":"r1","role":"staff","seq":1,"time":"2026-11-22T00:00:00Z"})");
  EXPECT_EQ(CanonicalJsonOf(R"j({"sequence": 2, "performer": {"title": "archive administrator / 档案管理员",)j"
                            R"j( "name": "Li (li)"}, "overwrite": {"passes": [{"synced": true, "pattern": "x"}],)j"
                            R"j( "blobs_overwritten": 3}, "approvers": ["a", "b"], "reason": "expired\r\n"})j"),
            R"j({"approvers":["a","b"],"overwrite":{"blobs_overwritten":3,"passes":[{"pattern":"x","synced":true}]},)j"
            R"j("performer":{"name":"Li (li)","title":"archive administrator / 档案管理员"},)j"
            R"j("reason":"expired\u000d\u000a","sequence":2})j");
}

}  // namespace
}  // namespace vault
