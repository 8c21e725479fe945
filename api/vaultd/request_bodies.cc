#include "api/vaultd/request_bodies.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>

namespace vaultd {

using vault::Status;

vault::StatusOr<Poco::JSON::Object::Ptr> ParseJsonObject(const std::string& body) {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(body);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
      return vault::InvalidArgumentError("request.bad_json", "the body must be a JSON object");
    }
    return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return vault::InvalidArgumentError("request.bad_json", "the body is not valid JSON");
  }
}

Status ParseBorrowRequest(const Poco::JSON::Object::Ptr& body, vault::BorrowRequest* req) {
  for (const auto& kv : *body) {
    if (kv.first == "documents") {
      Poco::JSON::Array::Ptr docs;
      try {
        docs = kv.second.extract<Poco::JSON::Array::Ptr>();
      } catch (const Poco::Exception&) {
        return vault::InvalidArgumentError("request.bad_type", "documents must be an array of ids");
      }
      for (size_t i = 0; i < docs->size(); ++i) {
        if (!docs->get(static_cast<unsigned>(i)).isString()) {
          return vault::InvalidArgumentError("request.bad_type", "documents must be an array of ids");
        }
        req->documents.push_back(docs->get(static_cast<unsigned>(i)).toString());
      }
    } else if (kv.first == "purpose" || kv.first == "period" || kv.first == "kind") {
      if (!kv.second.isString()) {
        return vault::InvalidArgumentError("request.bad_type", kv.first + " must be a string");
      }
      std::string v = kv.second.toString();
      (kv.first == "purpose" ? req->purpose : kv.first == "period" ? req->period : req->kind) = v;
    } else {
      return vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first);
    }
  }
  return Status::Ok();
}

Status ParseIssuePages(const Poco::JSON::Object::Ptr& body, std::vector<int64_t>* pages) {
  for (const auto& kv : *body) {
    if (kv.first != "pages") {
      return vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first);
    }
    try {
      auto arr = kv.second.extract<Poco::JSON::Array::Ptr>();
      for (size_t i = 0; i < arr->size(); ++i) {
        const auto& v = arr->get(static_cast<unsigned>(i));
        if (!v.isInteger()) throw Poco::BadCastException();
        pages->push_back(v.convert<Poco::Int64>());
      }
    } catch (const Poco::Exception&) {
      return vault::InvalidArgumentError("request.bad_type", "pages must be an array of page counts");
    }
  }
  return Status::Ok();
}

Status ParseReturnJson(const Poco::JSON::Object::Ptr& body, vault::ReturnInput* in) {
  for (const auto& kv : *body) {
    if (kv.first == "pages" && kv.second.isInteger()) {
      in->kind = vault::ReturnInput::Kind::kPages;
      in->pages = kv.second.convert<Poco::Int64>();
    } else if (kv.first == "declared_destroyed" && kv.second.isBoolean() && kv.second.convert<bool>()) {
      in->kind = vault::ReturnInput::Kind::kDeclared;
    } else {
      return vault::InvalidArgumentError("request.unknown_field", "expected pages or declared_destroyed");
    }
  }
  if (body->size() != 1) {
    return vault::InvalidArgumentError("request.bad_json", "give pages or declared_destroyed");
  }
  return Status::Ok();
}

Status ParseExportRequest(const Poco::JSON::Object::Ptr& body, vault::ExportRequest* req) {
  for (const auto& kv : *body) {
    if (kv.first == "version") {
      if (!kv.second.isInteger() || kv.second.convert<Poco::Int64>() <= 0 ||
          kv.second.convert<Poco::Int64>() > UINT32_MAX) {
        return vault::InvalidArgumentError("request.bad_type", "version must be a positive integer");
      }
      req->version = static_cast<uint32_t>(kv.second.convert<Poco::Int64>());
    } else if (kv.first == "borrow") {
      if (!kv.second.isString() || kv.second.toString().empty()) {
        return vault::InvalidArgumentError("request.bad_type", "borrow must be a loan id");
      }
      req->borrow_id = kv.second.toString();
    } else {
      return vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first);
    }
  }
  return Status::Ok();
}

Status ParseDestructionRequest(const Poco::JSON::Object::Ptr& body, vault::DestructionRequest* req) {
  for (const auto& kv : *body) {
    if (kv.first == "documents") {
      try {
        auto a = kv.second.extract<Poco::JSON::Array::Ptr>();
        for (size_t i = 0; i < a->size(); ++i) {
          req->documents.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
        }
      } catch (const Poco::Exception&) {
        return vault::InvalidArgumentError("request.bad_type", "documents must be an array of ids");
      }
    } else if ((kv.first == "reason" || kv.first == "reference") && kv.second.isString()) {
      (kv.first == "reason" ? req->reason : req->reference) = kv.second.toString();
    } else {
      return vault::InvalidArgumentError("request.unknown_field", "unknown or bad field " + kv.first);
    }
  }
  return Status::Ok();
}

Status ParseQualityCheck(const Poco::JSON::Object::Ptr& body, std::string* document_id, vault::QualityCheck* check) {
  bool seen[3] = {false, false, false};
  for (const auto& [name, value] : *body) {
    bool* flag = name == "metadata_complete"      ? &check->metadata_complete
                 : name == "scan_legible"         ? &check->scan_legible
                 : name == "classification_right" ? &check->classification_right
                                                  : nullptr;
    if (flag) {
      if (!value.isBoolean()) return vault::InvalidArgumentError("request.bad_type", name + ": true or false");
      *flag = value.extract<bool>();
      seen[name == "metadata_complete" ? 0 : name == "scan_legible" ? 1 : 2] = true;
    } else if (name == "document_id" || name == "remarks") {
      if (!value.isString()) return vault::InvalidArgumentError("request.bad_type", name + ": a string");
      (name == "document_id" ? *document_id : check->remarks) = value.extract<std::string>();
    } else {
      return vault::InvalidArgumentError("request.unknown_field", "unknown field " + name.substr(0, 64));
    }
  }
  if (document_id->empty() || !seen[0] || !seen[1] || !seen[2]) {
    return vault::InvalidArgumentError(
        "quality.incomplete_check", "document_id, metadata_complete, scan_legible and classification_right are required");
  }
  return Status::Ok();
}

}  // namespace vaultd
