// WatermarkPolicy: what the stamp on an exported copy says and how it is
// laid out (policies/watermark.json), and the export limits.
//
// Text templates use {placeholders}; an unknown placeholder is refused when
// the policy is loaded, not when a user exports. Values are checked too:
// libharu silently drops characters outside the BMP, so a name that could
// not be printed is an error, never a blank stamp.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

struct StampLayout {
  bool tile = true;            // tile the text over the page, or one block in the middle
  double angle_degrees = 35;
  double opacity = 0.18;       // 0..1
  double font_size = 16;
  double footer_font_size = 7;
  double tile_spacing = 220;   // points between tiles
};

struct ExportLimits {
  int64_t max_pages = 5000;
  int64_t max_bytes = 1ll << 30;
  int64_t exports_per_user_per_hour = 120;
};

// The values a stamp is made of.
struct StampValues {
  std::string user_name;
  std::string user_id;
  std::string department;
  std::string time;
  std::string borrow_id;  // "-" when not on loan
  std::string export_code;
  std::string classification;  // public | internal | confidential
};

struct StampText {
  std::vector<std::string> lines;  // the repeated block
  std::string footer;              // one line at the foot of every page
};

class WatermarkPolicy {
 public:
  // watermark.invalid naming the problem.
  static StatusOr<std::unique_ptr<WatermarkPolicy>> FromJson(const std::string& json);

  // watermark.unprintable if a value has characters the stamp cannot show
  // (outside the Basic Multilingual Plane, or control characters).
  StatusOr<StampText> Render(const StampValues& values) const;

  const StampLayout& layout() const { return layout_; }
  const ExportLimits& limits() const { return limits_; }
  const std::string& font_file() const { return font_file_; }

 private:
  WatermarkPolicy() = default;
  std::string company_;
  std::vector<std::string> lines_;
  std::string footer_;
  std::map<std::string, std::string> labels_;
  StampLayout layout_;
  ExportLimits limits_;
  std::string font_file_;
};

}  // namespace vault
