#include "vault/export/watermark_policy.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <set>

#include "vault/documents/field_dictionary.h"
#include "vault/policy/strict_json.h"

namespace vault {
namespace {

const std::set<std::string> kPlaceholders = {"user_name", "user_id",     "department",           "time",
                                             "borrow_id", "export_code", "classification_label", "company"};

const PolicyFileSpec& WatermarkFile() {
  using S = JsonShape;
  static const PolicyFileSpec spec = PolicyFile(
      "watermark.json", "watermark.invalid",
      {{"company", S::String()},
       {"lines", S::List(S::String())},
       {"footer", S::String()},
       {"classification_labels",
        S::Object(
            {{"public", S::String()}, {"internal", S::String()}, {"confidential", S::String()}})},
       {"layout", S::Object({{"mode", S::String()},
                             {"angle_degrees", S::Number()},
                             {"opacity", S::Number()},
                             {"font_size", S::Number()},
                             {"footer_font_size", S::Number()},
                             {"tile_spacing", S::Number()}})},
       {"font_file", S::String()},
       {"limits", S::Object({{"max_pages", S::WholeNumber()},
                             {"max_bytes", S::WholeNumber()},
                             {"exports_per_user_per_hour", S::WholeNumber()}})}});
  return spec;
}

Status Invalid(const std::string& what) { return PolicyFileError(WatermarkFile(), "", what); }

// Checks that every {name} in `text` is known.
Status CheckTemplate(const std::string& text) {
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    size_t end = text.find('}', pos);
    if (end == std::string::npos) return Invalid("unclosed '{' in \"" + text + "\"");
    std::string name = text.substr(pos + 1, end - pos - 1);
    if (!kPlaceholders.count(name)) return Invalid("unknown placeholder {" + name + "}");
    pos = end + 1;
  }
  return Status::Ok();
}

std::string Fill(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string::npos) {
      out += text.substr(pos);
      break;
    }
    size_t close = text.find('}', open);
    out += text.substr(pos, open - pos);
    out += values.at(text.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  return out;
}

// Whether libharu's UTF-8 path can print `s`: valid UTF-8, BMP only, no
// control characters.
bool Printable(const std::string& s) {
  if (!FieldDictionary::IsValidUtf8(s)) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c >= 0xF0) return false;  // four-byte sequences: outside the BMP
  }
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<WatermarkPolicy>> WatermarkPolicy::FromJson(const std::string& json) {
  VAULT_ASSIGN_OR_RETURN(Poco::JSON::Object::Ptr root, ReadStrictJson(json, WatermarkFile()));
  std::unique_ptr<WatermarkPolicy> p(new WatermarkPolicy());
  try {
    if (root->optValue<int>("version", 0) != 1) return Invalid("version must be 1");
    p->company_ = root->optValue<std::string>("company", "");
    auto lines = root->getArray("lines");
    if (!lines || lines->size() == 0 || lines->size() > 8) return Invalid("lines: 1 to 8 templates");
    for (size_t i = 0; i < lines->size(); ++i) p->lines_.push_back(lines->getElement<std::string>(static_cast<unsigned>(i)));
    p->footer_ = root->optValue<std::string>("footer", "");
    auto labels = root->getObject("classification_labels");
    if (!labels) return Invalid("classification_labels missing");
    for (const char* level : {"public", "internal", "confidential"}) {
      if (!labels->has(level)) return Invalid(std::string("classification_labels.") + level + " missing");
      p->labels_[level] = labels->getValue<std::string>(level);
    }
    if (auto layout = root->getObject("layout")) {
      StampLayout& l = p->layout_;
      std::string mode = layout->optValue<std::string>("mode", "tile");
      if (mode != "tile" && mode != "single") return Invalid("layout.mode: tile or single");
      l.tile = mode == "tile";
      l.angle_degrees = layout->optValue<double>("angle_degrees", l.angle_degrees);
      l.opacity = layout->optValue<double>("opacity", l.opacity);
      l.font_size = layout->optValue<double>("font_size", l.font_size);
      l.footer_font_size = layout->optValue<double>("footer_font_size", l.footer_font_size);
      l.tile_spacing = layout->optValue<double>("tile_spacing", l.tile_spacing);
      if (l.opacity <= 0 || l.opacity > 1) return Invalid("layout.opacity: in (0, 1]");
      if (l.font_size < 4 || l.font_size > 200) return Invalid("layout.font_size: 4 to 200");
      if (l.footer_font_size < 4 || l.footer_font_size > 50) return Invalid("layout.footer_font_size: 4 to 50");
      if (l.tile_spacing < 50) return Invalid("layout.tile_spacing: at least 50");
    }
    p->font_file_ = root->optValue<std::string>("font_file", "");
    if (p->font_file_.empty()) return Invalid("font_file missing");
    if (auto limits = root->getObject("limits")) {
      ExportLimits& l = p->limits_;
      l.max_pages = limits->optValue<Poco::Int64>("max_pages", l.max_pages);
      l.max_bytes = limits->optValue<Poco::Int64>("max_bytes", l.max_bytes);
      l.exports_per_user_per_hour = limits->optValue<Poco::Int64>("exports_per_user_per_hour", l.exports_per_user_per_hour);
      if (l.max_pages <= 0 || l.max_bytes <= 0 || l.exports_per_user_per_hour <= 0) {
        return Invalid("limits must be positive");
      }
    }
  } catch (const Poco::Exception& e) {
    return Invalid(e.displayText());
  }
  for (const auto& t : p->lines_) VAULT_RETURN_IF_ERROR(CheckTemplate(t));
  VAULT_RETURN_IF_ERROR(CheckTemplate(p->footer_));
  return p;
}

StatusOr<StampText> WatermarkPolicy::Render(const StampValues& v) const {
  auto label = labels_.find(v.classification);
  std::map<std::string, std::string> values = {
      {"user_name", v.user_name},
      {"user_id", v.user_id},
      {"department", v.department},
      {"time", v.time},
      {"borrow_id", v.borrow_id.empty() ? "-" : v.borrow_id},
      {"export_code", v.export_code},
      {"classification_label", label == labels_.end() ? v.classification : label->second},
      {"company", company_},
  };
  for (const auto& kv : values) {
    if (!Printable(kv.second)) {
      return InvalidArgumentError("watermark.unprintable",
                                  kv.first + " has characters the stamp cannot print (outside the BMP or control)");
    }
  }
  StampText out;
  for (const auto& t : lines_) out.lines.push_back(Fill(t, values));
  out.footer = Fill(footer_, values);
  return out;
}

}  // namespace vault
