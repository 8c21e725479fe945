#include "api/vaultd/document_metadata.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>

#include "api/vaultd/exchange.h"

namespace vaultd {

using vault::Status;

namespace {

// The metadata JSON member a dictionary field is given as.
std::string ApiName(const vault::FieldError& e) {
  if (e.free) return "fields." + e.field;
  static const std::map<std::string, std::string> kNames = {{"customer_number", "customer"},
                                                            {"doc_type", "type"},
                                                            {"business_stage", "stage"},
                                                            {"retention_class", "retention"}};
  auto it = kNames.find(e.field);
  return it == kNames.end() ? e.field : it->second;
}

}  // namespace

Status ParseDocumentMetadata(const std::string& json, vault::DocumentMetadata* m) {
  Poco::JSON::Object::Ptr obj;
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(json);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
      return vault::InvalidArgumentError("request.bad_json", "metadata must be a JSON object");
    }
    obj = v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return vault::InvalidArgumentError("request.bad_json", "metadata is not valid JSON");
  }
  return ParseDocumentMetadata(obj, m);
}

Status ParseDocumentMetadata(const Poco::JSON::Object::Ptr& obj, vault::DocumentMetadata* m) {
  const std::map<std::string, std::string*> strings = {
      {"customer", &m->customer_number}, {"customer_name", &m->customer_name}, {"type", &m->doc_type},
      {"title", &m->title}, {"department", &m->department}, {"product_line", &m->product_line},
      {"region", &m->region}, {"stage", &m->business_stage}, {"classification", &m->classification},
      {"retention", &m->retention_class}};
  for (const auto& kv : *obj) {
    auto s = strings.find(kv.first);
    if (s != strings.end()) {
      if (!kv.second.isString()) return vault::InvalidArgumentError("request.bad_type", kv.first + " must be a string");
      *s->second = kv.second.convert<std::string>();
    } else if (kv.first == "tags") {
      if (kv.second.type() != typeid(Poco::JSON::Array::Ptr)) {
        return vault::InvalidArgumentError("request.bad_type", "tags must be an array of strings");
      }
      auto arr = kv.second.extract<Poco::JSON::Array::Ptr>();
      for (size_t i = 0; i < arr->size(); ++i) {
        auto t = arr->get(static_cast<unsigned>(i));
        if (!t.isString()) return vault::InvalidArgumentError("request.bad_type", "tags must be an array of strings");
        m->tags.push_back(t.convert<std::string>());
      }
    } else if (kv.first == "fields") {
      if (kv.second.type() != typeid(Poco::JSON::Object::Ptr)) {
        return vault::InvalidArgumentError("request.bad_type", "fields must be an object of strings");
      }
      for (const auto& f : *kv.second.extract<Poco::JSON::Object::Ptr>()) {
        if (!f.second.isString()) return vault::InvalidArgumentError("request.bad_type", "fields must be an object of strings");
        m->fields[f.first] = f.second.convert<std::string>();
      }
    } else {
      return vault::InvalidArgumentError("request.unknown_field", "unknown metadata field " + kv.first);
    }
  }
  return Status::Ok();
}

Status FieldErrorsStatus(const std::vector<vault::FieldError>& errors) {
  std::string msg = "invalid metadata: ";
  for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + ApiName(errors[i]) + ": " + errors[i].reason;
  return vault::InvalidArgumentError("field.invalid", msg);
}

void SendFieldErrors(Exchange& ex, const Status& status, const std::vector<vault::FieldError>& errors) {
  Poco::JSON::Array::Ptr fields = new Poco::JSON::Array();
  for (const auto& e : errors) {
    Poco::JSON::Object::Ptr f = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    f->set("field", ApiName(e));
    f->set("reason", e.reason);
    if (e.max > 0) f->set("max", static_cast<Poco::UInt64>(e.max));
    fields->add(f);
  }
  Poco::JSON::Object::Ptr err = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  err->set("code", status.reason());
  err->set("message", status.message());
  err->set("fields", fields);
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
  body->set("error", err);
  ex.SendObject(400, body);
}

}  // namespace vaultd
