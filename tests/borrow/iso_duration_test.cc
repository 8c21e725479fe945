// ParseIsoDuration and FormatIsoDuration: the ISO 8601 durations of the borrowing policy.
#include "vault/borrow/borrow_policy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace vault {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kHundredYears = 36525 * kDay;

// ---------------------------------------------------------------------------
// ParseIsoDuration / FormatIsoDuration

void ExpectDuration(const std::string& text, int64_t seconds) {
  auto d = ParseIsoDuration(text);
  ASSERT_TRUE(d.ok()) << text << ": " << d.status().ToString();
  EXPECT_EQ(d->count(), seconds) << text;
}

void ExpectBadDuration(const std::string& text) {
  auto d = ParseIsoDuration(text);
  ASSERT_FALSE(d.ok()) << "accepted \"" << text << "\" as " << d->count() << " s";
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument) << text;
  EXPECT_EQ(d.status().reason(), "borrow.bad_duration") << text;
  EXPECT_FALSE(d.status().message().empty()) << text;
}

TEST(IsoDurationTest, ParsesDaysHoursMinutesSecondsAndWeeks) {
  ExpectDuration("P30D", 30 * kDay);
  ExpectDuration("PT2S", 2);
  ExpectDuration("P1DT12H", kDay + 12 * 3600);
  ExpectDuration("P2W", 14 * kDay);
  ExpectDuration("PT0S", 0);
  ExpectDuration("P0D", 0);
  ExpectDuration("P0W", 0);
  ExpectDuration("PT1H", 3600);
  ExpectDuration("PT1M", 60);
  ExpectDuration("PT1H30M", 5400);
  ExpectDuration("PT1M1S", 61);
  ExpectDuration("P1DT1H1M1S", kDay + 3661);
  ExpectDuration("P1DT30S", kDay + 30);
  // Not the shortest form, but well-formed.
  ExpectDuration("PT90M", 5400);
  ExpectDuration("PT86400S", kDay);
  ExpectDuration("P007D", 7 * kDay);
}

TEST(IsoDurationTest, AcceptsExactlyHundredYears) {
  ExpectDuration("P36525D", kHundredYears);
  ExpectDuration("PT3155760000S", kHundredYears);
  ExpectDuration("P36524DT24H", kHundredYears);
  ExpectDuration("P5217W", 5217 * 7 * kDay);
}

TEST(IsoDurationTest, RefusesEmptyAndBareDesignators) {
  for (const char* s : {"", "P", "PT", "P1DT", "T1H", "1D", "PD", "PTS", "PTH"})
    ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesNumberWithoutUnit) {
  for (const char* s : {"P1", "PT1", "P1DT2", "30"}) ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesFractions) {
  for (const char* s : {"P1.5D", "PT1,5S", "PT0.5H", "P.5D", "P0.5W"}) ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesNegativeAndSigned) {
  for (const char* s : {"-P1D", "P-1D", "PT-2S", "+P1D", "P+1D"}) ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesYearsAndMonths) {
  for (const char* s : {"P1Y", "P1M", "P1Y2M", "P1M2D", "P0M", "PT1Y", "P1YT1H"})
    ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesLowercase) {
  for (const char* s : {"p1d", "P1d", "pt2s", "Pt2S", "PT2s", "P2w", "PT1h", "PT1m"})
    ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesSpaces) {
  for (const char* s : {" P1D", "P1D ", "P 1D", "P1 D", "P1D T1H", "PT1H 30M", "P1D\n"})
    ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesRepeatedOrOutOfOrderUnits) {
  for (const char* s : {"P1D1D", "PT1H1H", "PT1S1S", "PT1S1H", "PT1M1H", "PT1S1M", "P1H", "P1S",
                        "PT1D", "P1DT1HT1M", "PTT1H", "P1DP1D"}) {
    ExpectBadDuration(s);
  }
}

TEST(IsoDurationTest, RefusesWeeksWithOtherUnits) {
  for (const char* s : {"P1W1D", "P1D1W", "P1WT1H", "PT1W", "P1W1W"}) ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesUnknownUnitsAndGarbage) {
  for (const char* s : {"P1X", "P1DX", "PT1HZ", "P1D\x01", "P一D", "duration"})
    ExpectBadDuration(s);
}

TEST(IsoDurationTest, RefusesOverHundredYears) {
  for (const char* s : {"P36526D", "P36525DT1S", "PT3155760001S", "P5218W", "P876601H"})
    ExpectBadDuration(s);
  // The limit applies to the sum, not only to each component.
  ExpectBadDuration("P36525DT24H");
}

TEST(IsoDurationTest, RefusesOverflow) {
  for (const char* s :
       {"P9223372036854775807D", "P99999999999999999999999999D", "PT18446744073709551616S",
        "P9223372036854775808W", "P106751991167300DT1S"}) {
    ExpectBadDuration(s);
  }
}

TEST(IsoDurationTest, FormatsShortestCanonicalForm) {
  EXPECT_EQ(FormatIsoDuration(Seconds(3 * kDay)), "P3D");
  EXPECT_EQ(FormatIsoDuration(Seconds(2)), "PT2S");
  EXPECT_EQ(FormatIsoDuration(Seconds(kDay + 2 * 3600)), "P1DT2H");
  EXPECT_EQ(FormatIsoDuration(Seconds(0)), "PT0S");
  EXPECT_EQ(FormatIsoDuration(Seconds(14 * kDay)), "P14D");  // never weeks
  EXPECT_EQ(FormatIsoDuration(Seconds(5400)), "PT1H30M");
  EXPECT_EQ(FormatIsoDuration(Seconds(3600)), "PT1H");
  EXPECT_EQ(FormatIsoDuration(Seconds(60)), "PT1M");
  EXPECT_EQ(FormatIsoDuration(Seconds(61)), "PT1M1S");
  EXPECT_EQ(FormatIsoDuration(Seconds(3601)), "PT1H1S");
  EXPECT_EQ(FormatIsoDuration(Seconds(kDay + 1)), "P1DT1S");
  EXPECT_EQ(FormatIsoDuration(Seconds(kDay + 60)), "P1DT1M");
  EXPECT_EQ(FormatIsoDuration(Seconds(kDay + 3661)), "P1DT1H1M1S");
  EXPECT_EQ(FormatIsoDuration(Seconds(kHundredYears)), "P36525D");
}

TEST(IsoDurationTest, FormatsNegativeWithSign) {
  EXPECT_EQ(FormatIsoDuration(Seconds(-2)), "-PT2S");
  EXPECT_EQ(FormatIsoDuration(Seconds(-(kDay + 3600))), "-P1DT1H");
  // The most negative value has no positive counterpart; it must not overflow.
  EXPECT_EQ(FormatIsoDuration(Seconds(INT64_MIN)).substr(0, 2), "-P");
}

TEST(IsoDurationTest, FormatThenParseRoundTrips) {
  auto round_trip = [](int64_t s) {
    std::string text = FormatIsoDuration(Seconds(s));
    auto back = ParseIsoDuration(text);
    ASSERT_TRUE(back.ok()) << s << " -> " << text << ": " << back.status().ToString();
    EXPECT_EQ(back->count(), s) << text;
  };
  // Every second of the first two days covers each combination of units.
  for (int64_t s = 0; s <= 2 * kDay; ++s) round_trip(s);
  // Spread over the whole range, with a fixed LCG so failures reproduce.
  uint64_t x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    round_trip(static_cast<int64_t>((x >> 11) % static_cast<uint64_t>(kHundredYears + 1)));
  }
  for (int64_t s : {kHundredYears, kHundredYears - 1, kHundredYears - kDay, 7 * kDay, 30 * kDay})
    round_trip(s);
}

TEST(IsoDurationTest, ParseThenFormatGivesCanonicalForm) {
  auto canonical = [](const std::string& text) {
    return FormatIsoDuration(*ParseIsoDuration(text));
  };
  EXPECT_EQ(canonical("P2W"), "P14D");
  EXPECT_EQ(canonical("PT90M"), "PT1H30M");
  EXPECT_EQ(canonical("PT86400S"), "P1D");
  EXPECT_EQ(canonical("P0D"), "PT0S");
  EXPECT_EQ(canonical("P1DT0H"), "P1D");
}

}  // namespace
}  // namespace vault
