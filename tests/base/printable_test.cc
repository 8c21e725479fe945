#include "vault/base/printable.h"

#include <gtest/gtest.h>

namespace vault {
namespace {

TEST(EscapeControlTest, NewlinesAndEscapesBecomeVisible) {
  EXPECT_EQ(EscapeControl("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(EscapeControl("\x1b[2Kx\x7f"), "\\x1b[2Kx\\x7f");
  EXPECT_EQ(EscapeControl(std::string("nul\0end", 7)), "nul\\x00end");
}

TEST(EscapeControlTest, UnicodeLineBreaksAndBidiControlsBecomeVisible) {
  EXPECT_EQ(EscapeControl("a\u2028b\u2029c"), "a\\u{2028}b\\u{2029}c");
  EXPECT_EQ(EscapeControl("x\u202Ey\u2066z"), "x\\u{202E}y\\u{2066}z");
  EXPECT_EQ(EscapeControl("\xc2\x85"), "\\u{0085}");  // NEL, a C1 line break
}

TEST(EscapeControlTest, MalformedUtf8BytesAreEscapedOneByOne) {
  EXPECT_EQ(EscapeControl("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(EscapeControl("\xe5\x90"), "\\xe5\\x90");       // cut short
  EXPECT_EQ(EscapeControl("\xc0\x8a"), "\\xc0\\x8a");       // overlong newline
  EXPECT_EQ(EscapeControl("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
}

TEST(EscapeControlTest, PrintableTextIsUnchangedAndEscapingIsIdempotent) {
  const std::string text = "张三 C-0042_BJ_0001 \\n literal, emoji \xF0\x9F\x93\x84";
  EXPECT_EQ(EscapeControl(text), text);
  const std::string once = EscapeControl("evil\n\x1b\xff\u2028");
  EXPECT_EQ(EscapeControl(once), once);
}

}  // namespace
}  // namespace vault
