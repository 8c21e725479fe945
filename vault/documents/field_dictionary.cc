#include "vault/documents/field_dictionary.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>

#include "vault/documents/default_fields.h"  // generated from policies/fields.json
#include "vault/policy/strict_json.h"

namespace vault {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool IsCustomerNumber(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

bool IsDecimal(const std::string& s) {
  size_t dot = s.find('.');
  std::string whole = s.substr(0, dot);
  if (!whole.empty() && whole[0] == '-') whole = whole.substr(1);
  if (!AllDigits(whole) || whole.size() > 15) return false;
  if (dot == std::string::npos) return true;
  std::string frac = s.substr(dot + 1);
  return AllDigits(frac) && frac.size() <= 4;
}

bool IsEmail(const std::string& s) {
  size_t at = s.find('@');
  return at != std::string::npos && at > 0 && s.find('.', at) != std::string::npos &&
         s.find(' ') == std::string::npos && s.size() <= 254 && s.back() != '.';
}

// Rejects control characters (tabs and newlines included) in single-line text.
bool HasControlChars(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

const PolicyFileSpec& FieldsFile() {
  using S = JsonShape;
  // classifications, business_stages and retention_classes: each entry a
  // key, or an object with the key and its display name.
  auto keyed_list = [] {
    return S::List(S::Either(S::String(), S::Object({{"key", S::String()}, {"name", S::String()}})));
  };
  static const PolicyFileSpec spec = PolicyFile(
      "fields.json", "policy.invalid",
      {{"document_types",
        S::List(S::Object({{"key", S::String()}, {"code", S::String()}, {"name", S::String()}}))},
       {"classifications", keyed_list()},
       {"business_stages", keyed_list()},
       {"retention_classes", keyed_list()},
       {"limits", S::Object({{"title_max_chars", S::WholeNumber()},
                             {"text_max_chars", S::WholeNumber()},
                             {"max_tags", S::WholeNumber()}})},
       {"fields", S::List(S::Object({{"name", S::String()},
                                     {"kind", S::String()},
                                     {"max_chars", S::WholeNumber()},
                                     {"label", S::String()}}))}});
  return spec;
}

}  // namespace

bool FieldDictionary::IsValidUtf8(const std::string& s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    size_t n;
    uint32_t cp;
    if (c < 0x80) { n = 1; cp = c; }
    else if ((c & 0xe0) == 0xc0) { n = 2; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { n = 3; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { n = 4; cp = c & 0x07; }
    else return false;
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    // Overlong forms, surrogates and out-of-range code points are invalid.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n;
  }
  return true;
}

size_t FieldDictionary::CountChars(const std::string& utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(),
                                           [](char c) { return (c & 0xc0) != 0x80; }));
}

// Area code and number: 0755-86013388, 010-12345678, +86-755-86013388, or an
// 11-digit mobile number 13800138000. Digits and single hyphens only.
bool FieldDictionary::IsValidPhone(const std::string& s) {
  if (s.size() == 11 && AllDigits(s) && s[0] == '1' && s[1] >= '3' && s[1] <= '9') return true;
  std::string rest = s;
  if (!rest.empty() && rest[0] == '+') {
    size_t dash = rest.find('-');
    if (dash == std::string::npos) return false;
    std::string cc = rest.substr(1, dash - 1);
    if (!AllDigits(cc) || cc.size() > 3) return false;
    rest = "0" + rest.substr(dash + 1);
  }
  size_t dash = rest.find('-');
  if (dash == std::string::npos) return false;
  std::string area = rest.substr(0, dash), number = rest.substr(dash + 1);
  return area.size() >= 3 && area.size() <= 4 && area[0] == '0' && AllDigits(area) &&
         number.size() >= 7 && number.size() <= 8 && AllDigits(number);
}

// YYYY-MM-DD, a real calendar date between 1900 and 2199.
bool FieldDictionary::IsValidDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  std::string y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return false;
  int year = std::stoi(y), month = std::stoi(m), day = std::stoi(d);
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

StatusOr<std::unique_ptr<FieldDictionary>> FieldDictionary::FromJson(const std::string& json) {
  const PolicyFileSpec& file = FieldsFile();
  VAULT_ASSIGN_OR_RETURN(Poco::JSON::Object::Ptr root, ReadStrictJson(json, file));
  std::unique_ptr<FieldDictionary> d(new FieldDictionary());
  d->json_ = json;
  try {
    auto types = root->getArray("document_types");
    for (size_t i = 0; types && i < types->size(); ++i) {
      auto t = types->getObject(static_cast<unsigned>(i));
      d->types_.push_back(DocumentType{t->getValue<std::string>("key"), t->getValue<std::string>("code"),
                                       t->getValue<std::string>("name")});
    }
    auto strings = [&](const char* name, std::vector<std::string>& out) {
      auto arr = root->getArray(name);
      for (size_t i = 0; arr && i < arr->size(); ++i) {
        auto o = arr->getObject(static_cast<unsigned>(i));
        out.push_back(o ? o->getValue<std::string>("key") : arr->getElement<std::string>(static_cast<unsigned>(i)));
      }
    };
    strings("classifications", d->classifications_);
    strings("business_stages", d->stages_);
    strings("retention_classes", d->retention_classes_);
    auto fields = root->getArray("fields");
    for (size_t i = 0; fields && i < fields->size(); ++i) {
      auto f = fields->getObject(static_cast<unsigned>(i));
      FreeField ff;
      ff.kind = f->getValue<std::string>("kind");
      if (f->has("max_chars")) ff.max_chars = f->getValue<size_t>("max_chars");
      d->fields_[f->getValue<std::string>("name")] = ff;
    }
    if (auto limits = root->getObject("limits")) {
      if (limits->has("title_max_chars")) d->title_max_chars_ = limits->getValue<size_t>("title_max_chars");
      if (limits->has("text_max_chars")) d->text_max_chars_ = limits->getValue<size_t>("text_max_chars");
      if (limits->has("max_tags")) d->max_tags_ = limits->getValue<size_t>("max_tags");
    }
  } catch (const Poco::Exception& e) {
    return PolicyFileError(file, "", e.displayText());
  } catch (const std::exception& e) {
    return PolicyFileError(file, "", e.what());
  }
  if (d->types_.empty() || d->classifications_.empty()) {
    return PolicyFileError(file, "", "needs document types and classifications");
  }
  return d;
}

const FieldDictionary& FieldDictionary::Default() {
  static const FieldDictionary* dict = [] {
    auto d = FromJson(kDefaultFieldsJson);
    if (!d.ok()) std::abort();  // the built-in policy is tested; this cannot happen
    return std::move(d).value().release();
  }();
  return *dict;
}

const DocumentType* FieldDictionary::FindType(const std::string& any) const {
  for (const auto& t : types_) {
    if (t.key == any || t.code == any || t.name == any) return &t;
  }
  return nullptr;
}

std::vector<FieldError> FieldDictionary::Check(DocumentMetadata& m) const {
  std::vector<FieldError> errors;
  auto add = [&](const std::string& name, const char* reason, bool free = false, size_t max = 0) {
    errors.push_back(FieldError{name, reason, free, max});
  };
  auto text = [&](const std::string& name, const std::string& v, size_t max, bool required, bool free = false) {
    if (v.empty()) {
      if (required) add(name, "required", free);
    } else if (!IsValidUtf8(v)) {
      add(name, "bad_utf8", free);
    } else if (HasControlChars(v)) {
      add(name, "control_chars", free);
    } else if (CountChars(v) > max) {
      add(name, "too_long", free, max);
    }
  };
  if (m.customer_number.empty()) {
    add("customer_number", "required");
  } else if (!IsCustomerNumber(m.customer_number)) {
    add("customer_number", "bad_customer_number");
  }
  if (m.doc_type.empty()) {
    add("doc_type", "required");
  } else if (const DocumentType* t = FindType(m.doc_type)) {
    m.doc_type = t->key;
  } else {
    add("doc_type", "unknown_type");
  }
  text("title", m.title, title_max_chars_, true);
  text("customer_name", m.customer_name, text_max_chars_, false);
  text("department", m.department, text_max_chars_, false);
  text("product_line", m.product_line, text_max_chars_, false);
  text("region", m.region, text_max_chars_, false);
  if (m.classification.empty()) m.classification = "internal";
  if (!Contains(classifications_, m.classification)) add("classification", "unknown_classification");
  if (!m.business_stage.empty() && !Contains(stages_, m.business_stage)) add("business_stage", "unknown_stage");
  if (!m.retention_class.empty() && !Contains(retention_classes_, m.retention_class)) {
    add("retention_class", "unknown_retention");
  }
  if (m.tags.size() > max_tags_) add("tags", "too_many_tags", false, max_tags_);
  for (const auto& tag : m.tags) {
    const size_t before = errors.size();
    text("tags", tag, 50, true);
    if (errors.size() > before) break;  // one error for the tags
  }
  std::sort(m.tags.begin(), m.tags.end());
  m.tags.erase(std::unique(m.tags.begin(), m.tags.end()), m.tags.end());
  for (const auto& kv : m.fields) {
    const std::string& name = kv.first;
    const std::string& v = kv.second;
    auto it = fields_.find(name);
    if (it == fields_.end()) {
      add(name, "unknown_field", true);
      continue;
    }
    const FreeField& f = it->second;
    if (!IsValidUtf8(v) || HasControlChars(v)) {
      text(name, v, f.max_chars, true, true);  // reports the encoding problem
    } else if (f.kind == "phone" && !IsValidPhone(v)) {
      add(name, "phone", true);
    } else if (f.kind == "date" && !IsValidDate(v)) {
      add(name, "date", true);
    } else if (f.kind == "decimal" && !IsDecimal(v)) {
      add(name, "decimal", true);
    } else if (f.kind == "email" && !IsEmail(v)) {
      add(name, "email", true);
    } else {
      text(name, v, f.max_chars, true, true);
    }
  }
  return errors;
}

namespace {

// The words of a reason code in Validate's message.
std::string Explain(const FieldError& e) {
  const std::string& r = e.reason;
  if (r == "required") return "is required";
  if (r == "bad_customer_number") return "must be 1-32 ASCII letters, digits or '-'";
  if (r == "unknown_type") return "unknown document type";
  if (r == "bad_utf8") return "is not valid UTF-8";
  if (r == "control_chars") return "contains control characters";
  if (r == "too_long") return "is too long (more than " + std::to_string(e.max) + " characters)";
  if (r == "unknown_classification") return "must be one of public, internal, confidential";
  if (r == "unknown_stage") return "unknown stage";
  if (r == "unknown_retention") return "unknown retention class";
  if (r == "too_many_tags") return "too many tags";
  if (r == "unknown_field") return "is not a known field";
  if (r == "phone") return "must be a phone number with area code, e.g. 0755-86013388";
  if (r == "date") return "must be a date as YYYY-MM-DD";
  if (r == "decimal") return "must be a decimal number such as 12500.00";
  if (r == "email") return "must be an e-mail address";
  return r;
}

}  // namespace

Status FieldDictionary::Validate(DocumentMetadata& m) const {
  std::vector<FieldError> errors = Check(m);
  if (errors.empty()) return Status::Ok();
  std::string msg = "invalid metadata: ";
  for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i].field + ": " + Explain(errors[i]);
  return InvalidArgumentError("field.invalid", msg);
}

}  // namespace vault
