#include "conformance/safe_text.h"

#include <string>

#include "gtest/gtest.h"

namespace wirecheck::conformance {
namespace {

TEST(SafeTextTest, KeepsPrintableTextNewlinesTabsAndUtf8) {
  EXPECT_EQ(SafeText("plain\ttext\nline 2"), "plain\ttext\nline 2");
  EXPECT_EQ(SafeText("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(SafeTextTest, EscapesWhatCouldDriveATerminal) {
  EXPECT_EQ(SafeText("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07");
  EXPECT_EQ(SafeText("over\rwrite"), "over\\x0dwrite");
  EXPECT_EQ(SafeText(std::string("\x00\x7f", 2)), "\\x00\\x7f");
  EXPECT_EQ(SafeText("\xc2\x9b" "31m"), "\\xc2\\x9b31m");  // C1 CSI
}

TEST(SafeTextTest, EscapesInvalidUtf8ByteByByte) {
  EXPECT_EQ(SafeText("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(SafeText("\xc3"), "\\xc3");                    // cut short
  EXPECT_EQ(SafeText("\xc3x"), "\\xc3x");                  // bad continuation
  EXPECT_EQ(SafeText("\xc0\xaf"), "\\xc0\\xaf");           // overlong
  EXPECT_EQ(SafeText("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(SafeText("\xef\xbf\xbe"), "\\xef\\xbf\\xbe");  // U+FFFE
  EXPECT_EQ(SafeText("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // > U+10FFFF
}

}  // namespace
}  // namespace wirecheck::conformance
